//! The Go frontend: one parse per file with tree-sitter-go, then one walk
//! over its declarations that extracts what the knowledge index needs (pool
//! API directives, struct layouts, package variables, signatures, imports)
//! and lowers every func, method and func literal to the pool IR.
//!
//! Go has no attributes: pool APIs are declared by directives in the comment
//! above a declaration (`//poollint:acquire`, `//poollint:release`,
//! `//poollint:reset`, `//poollint:detach`, `//poollint:pooled reset=Reset
//! keep=ID,Name`, `//poollint:guard`). A file with syntax errors still gives
//! the declarations that parsed; a func that contains an error node is not
//! lowered (never guessed at), and the first error is reported.

mod directives;
mod fields;
mod keys;
mod lower;
mod state_tests;
pub mod types;

use super::{Bodies, FileFacts, SyntaxError};
use crate::knowledge::{DeclaredApi, FieldDecl, FnSig, StructDecl};
use fields::Fields as _;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use tree_sitter::{Node, Parser, Tree};
use types::{Imports, Shape};

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parse a Go file with tree-sitter (the parser is reused per thread).
pub fn parse_tree(text: &str) -> Option<Tree> {
    PARSER.with(|p| {
        let mut slot = p.borrow_mut();
        if slot.is_none() {
            let mut parser = Parser::new();
            parser.set_language(&tree_sitter_go::LANGUAGE.into()).ok()?;
            *slot = Some(parser);
        }
        slot.as_mut()?.parse(text, None)
    })
}

/// The text of a file and what every declaration in it needs to read it.
pub struct Src<'t> {
    pub text: &'t str,
    pub imports: Imports,
    /// Types the file declares, by what their values are.
    pub local_types: HashMap<String, Shape>,
    /// The shape of each field of each struct type the file declares.
    pub fields: HashMap<String, HashMap<String, Shape>>,
    /// `(type, field)`: slice fields of the file's structs that only view
    /// memory they do not own ([`view_fields`]).
    pub view_fields: HashSet<(String, String)>,
    line_starts: Vec<usize>,
}

impl<'t> Src<'t> {
    pub fn text(&self, node: Node<'_>) -> &'t str {
        self.text.get(node.byte_range()).unwrap_or("")
    }

    pub fn span(&self, node: Node<'_>) -> crate::ir::Span {
        crate::ir::Span::new(node.start_byte(), node.end_byte())
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset)
    }

    pub fn shape_of_local(&self, name: &str) -> Shape {
        self.local_types
            .get(name)
            .copied()
            .unwrap_or(Shape::Unknown)
    }

    /// The shape of field `field` of the file's struct `ty`.
    pub fn field_shape(&self, ty: &str, field: &str) -> Shape {
        self.fields
            .get(ty)
            .and_then(|f| f.get(field))
            .copied()
            .unwrap_or(Shape::Unknown)
    }
}

/// Parse and lower one Go file.
pub fn lower_source(text: &str) -> Result<FileFacts, SyntaxError> {
    parse_source(text, Bodies::Lower)
}

/// Parse one Go file, and lower its bodies or only read their keys off the
/// tree ([`keys`]). Lowering later parses the text again: the tree is not
/// kept.
pub fn parse_source(text: &str, bodies: Bodies) -> Result<FileFacts, SyntaxError> {
    let Some(tree) = parse_tree(text) else {
        return Err(SyntaxError {
            message: "the Go parser gave up on this file".to_string(),
            start: 0,
            end: 0,
        });
    };
    let root = tree.root_node();
    let mut src = Src {
        text,
        imports: Imports::default(),
        local_types: HashMap::new(),
        fields: HashMap::new(),
        view_fields: HashSet::new(),
        line_starts: std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect(),
    };
    src.imports = Imports::collect(root, &src);
    collect_local_types(root, &mut src);
    src.view_fields = view_fields(root, &src);
    let mut facts = FileFacts {
        syntax_error: root.has_error().then(|| first_error(root, &src)),
        ..FileFacts::default()
    };
    for path in &src.imports.paths {
        let name = crate::knowledge::packs::normalize(path);
        if !facts.items.imported_crates.contains(&name) {
            facts.items.imported_crates.push(name.clone());
        }
        if !facts.items.packages.contains(&name) {
            facts.items.packages.push(name);
        }
    }
    let mut walker = Walker {
        src: &src,
        facts,
        deferred_keys: (bodies == Bodies::Defer).then(Vec::new),
        qualifiers: if bodies == Bodies::Defer {
            keys::qualifiers(&src)
        } else {
            HashMap::new()
        },
    };
    let mut cursor = root.walk();
    for decl in root.named_children(&mut cursor) {
        walker.declaration(decl);
    }
    let mut facts = walker.facts;
    facts.deferred_keys = walker.deferred_keys;
    for body in &mut facts.bodies {
        body.line = src.line_of(body.span.start as usize) as u32;
    }
    Ok(facts)
}

/// The first syntax error of a tree: an `ERROR` node or a missing token.
fn first_error(root: Node<'_>, src: &Src<'_>) -> (String, u32, u32) {
    let mut node = root;
    'down: loop {
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            if child.is_error() || child.is_missing() {
                let start = child.start_byte();
                let line_end = src.text[start..]
                    .find('\n')
                    .map_or(src.text.len(), |i| start + i);
                let end = child.end_byte().min(line_end).max(start);
                let message = if child.is_missing() {
                    format!("syntax error: missing `{}`", child.kind_name())
                } else {
                    let found = src.text[start..end].split_whitespace().next().unwrap_or("");
                    if found.is_empty() {
                        "syntax error".to_string()
                    } else {
                        format!("syntax error: unexpected `{found}`")
                    }
                };
                return (message, start as u32, end as u32);
            }
            if child.has_error() {
                node = child;
                continue 'down;
            }
        }
        let at = node.start_byte() as u32;
        return ("syntax error".to_string(), at, at);
    }
}

/// The types the file declares and the shapes of their fields (a first pass:
/// a declaration may use a type declared below it).
fn collect_local_types(root: Node<'_>, src: &mut Src<'_>) {
    let mut specs = Vec::new();
    let mut cursor = root.walk();
    for decl in root.named_children(&mut cursor) {
        if decl.kind_name() == "type_declaration" {
            let mut c = decl.walk();
            specs.extend(decl.named_children(&mut c));
        }
    }
    for spec in &specs {
        let (Some(name), Some(ty)) = (spec.field(fields::NAME), spec.field(fields::TYPE)) else {
            continue;
        };
        let shape = match ty.kind_name() {
            "struct_type" => Shape::Value,
            "interface_type" => Shape::Interface,
            _ => Shape::Unknown,
        };
        let name = src.text(name).to_string();
        src.local_types.insert(name, shape);
    }
    // Then what each names: `type Buf []byte` is a slice.
    for spec in &specs {
        let (Some(name), Some(ty)) = (spec.field(fields::NAME), spec.field(fields::TYPE)) else {
            continue;
        };
        let name = src.text(name).to_string();
        if ty.kind_name() != "struct_type" && ty.kind_name() != "interface_type" {
            let shape = types::shape_of(ty, src, &[]);
            src.local_types.insert(name.clone(), shape);
            continue;
        }
        if ty.kind_name() != "struct_type" {
            continue;
        }
        let mut shapes = HashMap::new();
        for (field, ty) in struct_fields(ty, src) {
            shapes.insert(field, types::shape_of(ty, src, &[]));
        }
        src.fields.insert(name, shapes);
    }
}

/// Slice fields of the file's structs that only view memory they do not own:
/// every assignment the file makes to `.f` is a slice of a sibling field
/// (`st.pcs = st.storage[:n]`) or a parameter of the func (`m.msg = msg`,
/// `*m = T{subj, msg}`), and none grows or keeps its own capacity (`.f =
/// append(.f, ..)`, `.f = .f[:0]`, `.f = make(..)`). Fields are matched by
/// name within the file.
///
/// Only growable fields (slices, maps, buffers) of the file's top-level
/// struct types are looked for: PL006, which reads the flag, looks at no
/// other (a func's own type has no methods, so no reset). A file without one
/// is not walked, which most files are not.
fn view_fields(root: Node<'_>, src: &Src<'_>) -> HashSet<(String, String)> {
    // Only a struct type has fields to find.
    if !src.text.contains("struct") {
        return HashSet::new();
    }
    let mut growable: HashSet<(String, String)> = HashSet::new();
    let mut cursor = root.walk();
    for decl in root.named_children(&mut cursor) {
        if decl.kind_name() != "type_declaration" {
            continue;
        }
        let mut c = decl.walk();
        for spec in decl.named_children(&mut c) {
            let (Some(name), Some(ty)) = (spec.field(fields::NAME), spec.field(fields::TYPE))
            else {
                continue;
            };
            if ty.kind_name() != "struct_type" {
                continue;
            }
            for (field, fty) in struct_fields(ty, src) {
                let core = types::core_name(fty, src, &[]);
                if core.as_deref().is_some_and(crate::knowledge::is_growable) {
                    growable.insert((src.text(name).to_string(), field));
                }
            }
        }
    }
    if growable.is_empty() {
        return HashSet::new();
    }
    // Field name -> (views seen, owned seen).
    let mut seen: HashMap<String, (bool, bool)> = HashMap::new();
    // Struct name -> its fields in order, for positional literals.
    let mut order: HashMap<String, Vec<String>> = HashMap::new();
    let (mut type_specs, mut assignments, mut literals) = (Vec::new(), Vec::new(), Vec::new());
    // Each assignment and literal with the func around it (for `is_param`).
    walk_with_func(root, src.text, |node, kind, func| match kind {
        Kind::TypeSpec => type_specs.push(node),
        Kind::Assignment => assignments.push((node, func)),
        Kind::Literal => literals.push((node, func)),
        Kind::Func | Kind::Holder | Kind::Other => {}
    });
    if type_specs.is_empty() {
        return HashSet::new();
    }
    for (node, func) in assignments {
        let (Some(left), Some(right)) = (node.field(fields::LEFT), node.field(fields::RIGHT))
        else {
            continue;
        };
        let mut c1 = left.walk();
        let mut c2 = right.walk();
        let lefts: Vec<Node<'_>> = left.named_children(&mut c1).collect();
        let rights: Vec<Node<'_>> = right.named_children(&mut c2).collect();
        if lefts.len() != rights.len() {
            continue;
        }
        for (l, r) in lefts.into_iter().zip(rights) {
            if l.kind_name() != "selector_expression" {
                continue;
            }
            let Some(field) = l.field(fields::FIELD).map(|f| src.text(f)) else {
                continue;
            };
            if let Some(kind) = field_source(r, field, func, src) {
                let e = seen.entry(field.to_string()).or_default();
                if kind {
                    e.1 = true;
                } else {
                    e.0 = true;
                }
            }
        }
    }
    for spec in &type_specs {
        let (Some(name), Some(ty)) = (spec.field(fields::NAME), spec.field(fields::TYPE)) else {
            continue;
        };
        if ty.kind_name() == "struct_type" {
            let fields = struct_fields(ty, src).into_iter().map(|(f, _)| f).collect();
            order.insert(src.text(name).to_string(), fields);
        }
    }
    // Composite literals: `T{subj, msg}`, `T{msg: msg}` with a parameter.
    for (node, func) in literals {
        let (Some(ty), Some(body)) = (node.field(fields::TYPE), node.field(fields::BODY)) else {
            continue;
        };
        let Some(fields) = order.get(src.text(ty)) else {
            continue;
        };
        let mut c = body.walk();
        for (i, elem) in body.named_children(&mut c).enumerate() {
            let (field, value) = if elem.kind_name() == "keyed_element" {
                let (Some(k), Some(v)) = (elem.named_child(0), elem.named_child(1)) else {
                    continue;
                };
                (src.text(k).to_string(), v)
            } else {
                match fields.get(i) {
                    Some(f) => (f.clone(), elem),
                    None => continue,
                }
            };
            let value = if value.kind_name() == "literal_element" {
                match value.named_child(0) {
                    Some(v) => v,
                    None => continue,
                }
            } else {
                value
            };
            if let Some(kind) = field_source(value, &field, func, src) {
                let e = seen.entry(field).or_default();
                if kind {
                    e.1 = true;
                } else {
                    e.0 = true;
                }
            }
        }
    }
    let mut out = HashSet::new();
    for (ty, fields) in &order {
        for f in fields {
            if seen.get(f).is_some_and(|&(view, owned)| view && !owned) {
                out.insert((ty.clone(), f.clone()));
            }
        }
    }
    out.retain(|key| growable.contains(key));
    out
}

/// The node kinds [`view_fields`] looks for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    TypeSpec,
    Assignment,
    Literal,
    /// `function_declaration`, `method_declaration`, `func_literal`.
    Func,
    /// A node that may hold statements or type declarations below it with
    /// no `{` of its own in between (`statement_list`, a `case`, a
    /// `for_clause`, `source_file`, ...).
    Holder,
    /// Any other node: an expression, a type, a literal, a list of them. A
    /// composite literal, a func literal and a block all have a `{`, so one
    /// without a `{` in its text has none of them below it.
    Other,
}

/// [`Kind`] by node kind id, made once from the grammar's names.
fn kind_of(node: Node<'_>) -> Kind {
    static KINDS: std::sync::LazyLock<Vec<Kind>> = std::sync::LazyLock::new(|| {
        let language: tree_sitter::Language = tree_sitter_go::LANGUAGE.into();
        (0..language.node_kind_count())
            .map(
                |id| match language.node_kind_for_id(id as u16).unwrap_or("") {
                    "type_spec" => Kind::TypeSpec,
                    "assignment_statement" => Kind::Assignment,
                    "composite_literal" => Kind::Literal,
                    "function_declaration" | "method_declaration" | "func_literal" => Kind::Func,
                    "source_file" | "statement_list" | "block" => Kind::Holder,
                    name if name.ends_with("_statement")
                        || name.ends_with("_case")
                        || name.ends_with("_clause")
                        || name.ends_with("_declaration") =>
                    {
                        Kind::Holder
                    }
                    _ => Kind::Other,
                },
            )
            .collect()
    });
    KINDS
        .get(usize::from(node.kind_id()))
        .copied()
        .unwrap_or(Kind::Holder)
}

/// Every node below `root` (itself first) that may be a type spec, an
/// assignment, a composite literal or a func, in source order, with one
/// cursor: its [`Kind`] and the innermost func around it (not itself). The
/// walk does not go below an expression or type with no `{` in its text
/// (most of a file's nodes; see [`Kind::Other`]).
fn walk_with_func<'t>(
    root: Node<'t>,
    text: &str,
    mut visit: impl FnMut(Node<'t>, Kind, Option<Node<'t>>),
) {
    let braces: Vec<usize> = text.match_indices('{').map(|(i, _)| i).collect();
    let has_brace = |node: Node<'_>| {
        let i = braces.partition_point(|&b| b < node.start_byte());
        braces.get(i).is_some_and(|&b| b < node.end_byte())
    };
    let mut c = root.walk();
    // The funcs around the cursor, with their depths.
    let mut funcs: Vec<(usize, Node<'t>)> = Vec::new();
    let mut depth = 0;
    loop {
        let node = c.node();
        let kind = kind_of(node);
        visit(node, kind, funcs.last().map(|&(_, f)| f));
        if kind == Kind::Func {
            funcs.push((depth, node));
        }
        let below = kind != Kind::Other || has_brace(node);
        if below && c.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            // Leaving the node at `depth`: a func there no longer surrounds.
            while funcs.last().is_some_and(|&(d, _)| d >= depth) {
                funcs.pop();
            }
            if c.goto_next_sibling() {
                break;
            }
            if !c.goto_parent() {
                return;
            }
            depth -= 1;
        }
    }
}

/// What a value assigned to field `field` says about it: `Some(true)` owned
/// capacity (`append(x.f, ..)`, `x.f[:0]`, `make(..)`), `Some(false)` a view
/// (a slice of a sibling field, a parameter of the enclosing func), `None`
/// nothing (`nil`, another call).
fn field_source(
    value: Node<'_>,
    field: &str,
    func: Option<Node<'_>>,
    src: &Src<'_>,
) -> Option<bool> {
    let selector_field = |n: Node<'_>| {
        (n.kind_name() == "selector_expression")
            .then(|| n.field(fields::FIELD).map(|f| src.text(f)))
            .flatten()
    };
    match value.kind_name() {
        "call_expression" => {
            let func = src.text(value.field(fields::FUNCTION)?);
            match func {
                "make" => Some(true),
                "append" => {
                    let first = value.field(fields::ARGUMENTS)?.named_child(0)?;
                    (selector_field(first) == Some(field)).then_some(true)
                }
                _ => None,
            }
        }
        "slice_expression" => {
            let operand = value.field(fields::OPERAND)?;
            match selector_field(operand) {
                // Emptied in place to keep its capacity (`x.f = x.f[:0]`);
                // re-sliced to a length (`x.f = x.f[:n]`) says nothing.
                Some(f) if f == field => {
                    let to_zero = value.field(fields::START).is_none()
                        && value.field(fields::END).is_some_and(|e| src.text(e) == "0");
                    to_zero.then_some(true)
                }
                Some(_) => Some(false),
                None => is_param(operand, func, src).then_some(false),
            }
        }
        "selector_expression" => match selector_field(value) {
            Some(f) if f != field => Some(false),
            _ => None,
        },
        "identifier" => is_param(value, func, src).then_some(false),
        _ => None,
    }
}

/// An identifier naming a parameter of `func` (the func around the value).
fn is_param(ident: Node<'_>, func: Option<Node<'_>>, src: &Src<'_>) -> bool {
    if ident.kind_name() != "identifier" {
        return false;
    }
    let Some(func) = func else {
        return false;
    };
    let name = src.text(ident);
    param_names(func.field(fields::PARAMETERS), src)
        .iter()
        .any(|p| p == name)
}

/// `(name, type)` of each field of a struct type; an embedded field is named
/// after its type.
fn struct_fields<'t>(ty: Node<'t>, src: &Src<'_>) -> Vec<(String, Node<'t>)> {
    let mut out = Vec::new();
    let Some(list) = ty.named_child(0) else {
        return out;
    };
    let mut cursor = list.walk();
    for decl in list.named_children(&mut cursor) {
        if decl.kind_name() != "field_declaration" {
            continue;
        }
        let Some(fty) = decl.field(fields::TYPE) else {
            continue;
        };
        let mut c = decl.walk();
        let names: Vec<String> = decl
            .children_by_field_name("name", &mut c)
            .map(|n| src.text(n).to_string())
            .collect();
        if names.is_empty() {
            // Embedded: `sync.Mutex`, `*Buffer`.
            let base = types::core_name(fty, src, &[])
                .map(|c| crate::knowledge::types_base(&c).to_string());
            if let Some(base) = base {
                out.push((base, fty));
            }
        }
        for n in names {
            out.push((n, fty));
        }
    }
    out
}

/// A func or method being lowered.
pub struct FuncHeader<'t> {
    pub node: Node<'t>,
    pub name: String,
    /// The receiver's type (pointer peeled) and the receiver's name, if any.
    pub receiver: Option<(String, Option<Node<'t>>)>,
    pub receiver_node: Option<Node<'t>>,
    pub params: Option<Node<'t>>,
    pub result: Option<Node<'t>>,
    pub body: Node<'t>,
    pub generics: Vec<String>,
}

struct Walker<'s, 't> {
    src: &'s Src<'t>,
    facts: FileFacts,
    /// `Some` when the bodies are not lowered: the keys they would hold.
    deferred_keys: Option<Vec<u32>>,
    /// For those keys: each import's qualifier ([`keys::qualifiers`]).
    qualifiers: HashMap<String, String>,
}

impl<'t> Walker<'_, 't> {
    fn declaration(&mut self, decl: Node<'t>) {
        match decl.kind_name() {
            "function_declaration" | "method_declaration" => self.func(decl),
            "type_declaration" => {
                let mut c = decl.walk();
                for spec in decl.named_children(&mut c) {
                    self.type_spec(spec, decl);
                }
            }
            "var_declaration" | "const_declaration" => self.package_vars(decl),
            _ => {}
        }
    }

    fn func(&mut self, decl: Node<'t>) {
        let src = self.src;
        let Some(name_node) = decl.field(fields::NAME) else {
            return;
        };
        let name = src.text(name_node).to_string();
        let receiver_node = decl.field(fields::RECEIVER);
        let receiver = receiver_node.and_then(|r| {
            let param = r.named_child(0)?;
            let ty = param.field(fields::TYPE)?;
            let base = receiver_base(ty, src)?;
            Some((base, param.field(fields::NAME)))
        });
        let mut generics = type_params(decl.field(fields::TYPE_PARAMETERS), src);
        if let Some(r) = receiver_node.and_then(|r| r.named_child(0)) {
            generics.extend(receiver_type_params(r, src));
        }
        let owner = receiver.as_ref().map(|(t, _)| t.clone());
        let params = decl.field(fields::PARAMETERS);
        let result = decl.field(fields::RESULT);
        let directives = directives::above(decl, src);
        // From the `func` keyword: a suppression in the comment group
        // above covers it (`suppress::fn_below`).
        self.facts
            .fn_ranges
            .push((decl.start_byte() as u32, decl.end_byte() as u32));
        // The declared pool APIs.
        let param_names = param_names(params, src);
        for d in &directives.list {
            let line = src.line_of(d.offset);
            if let Some(role) = d.role(&param_names, receiver.is_some(), result.is_some()) {
                let returns = types::result_types(result)
                    .first()
                    .and_then(|t| types::core_name(*t, src, &generics));
                self.facts.items.apis.push(DeclaredApi {
                    role,
                    owner: owner.clone(),
                    name: name.clone(),
                    has_receiver: receiver.is_some(),
                    returns,
                    pool: d.arg("pool").map(str::to_string),
                    line,
                });
            }
        }
        let sig_index = self.facts.items.fns.len();
        self.facts.items.fns.push(signature(
            owner.clone(),
            &name,
            params,
            result,
            src,
            &generics,
        ));
        let Some(body) = decl.field(fields::BODY) else {
            return;
        };
        if decl.has_error() {
            return;
        }
        if let Some(keys) = &mut self.deferred_keys {
            keys::func_keys(decl, &name, owner.as_deref(), src, &self.qualifiers, keys);
            self.facts.items.fns[sig_index].borrowed_later = true;
            return;
        }
        let header = FuncHeader {
            node: decl,
            name: name.clone(),
            receiver,
            receiver_node,
            params,
            result,
            body,
            generics,
        };
        let bodies = lower::lower_func(src, &header);
        if let Some(first) = bodies.first() {
            let (borrowed, via) = lower::borrowed_params(first);
            let sig = &mut self.facts.items.fns[sig_index];
            sig.borrowed = borrowed;
            sig.borrowed_via = via;
        }
        self.facts.bodies.extend(bodies);
    }

    fn type_spec(&mut self, spec: Node<'t>, decl: Node<'t>) {
        let src = self.src;
        let (Some(name), Some(ty)) = (spec.field(fields::NAME), spec.field(fields::TYPE)) else {
            return;
        };
        let name = src.text(name).to_string();
        let generics = type_params(spec.field(fields::TYPE_PARAMETERS), src);
        if spec.kind_name() == "type_alias" {
            if let Some(target) = types::core_name(ty, src, &generics) {
                self.facts.items.aliases.push((name, target));
            }
            return;
        }
        match ty.kind_name() {
            "struct_type" => {}
            "interface_type" => {
                self.facts.items.traits.push(name);
                return;
            }
            _ => {
                // `type Msgs []*Msg`: a defined type with the methods of its own.
                self.facts.items.structs.push(StructDecl {
                    name: name.clone(),
                    generics,
                    line: src.line_of(spec.start_byte()),
                    ..StructDecl::default()
                });
                return;
            }
        }
        // The directive sits above the `type` keyword (or above the spec in a group).
        let mut directives = directives::above(spec, src);
        if directives.list.is_empty() && decl.named_child_count() == 1 {
            directives = directives::above(decl, src);
        }
        let keep: Vec<String> = directives
            .list
            .iter()
            .filter(|d| d.word == "pooled")
            .filter_map(|d| d.arg("keep"))
            .flat_map(|k| k.split(',').map(|s| s.trim().to_string()))
            .collect();
        let mut fields = Vec::new();
        for (field, fty) in struct_fields(ty, src) {
            let info = types::type_info(fty, src, &generics);
            let decl_node = fty.parent().unwrap_or(fty);
            let is_embedded = decl_node.field(fields::NAME).is_none();
            if is_embedded && let Some(core) = &info.core {
                self.facts.items.derefs.push((name.clone(), core.clone()));
            }
            let view = self
                .src
                .view_fields
                .contains(&(name.clone(), field.clone()));
            fields.push(FieldDecl {
                view,
                keep: keep.contains(&field),
                name: field,
                collection: match (&info.core, &info.element) {
                    (Some(c), Some(e)) => Some((c.clone(), e.clone())),
                    _ => None,
                },
                core: info.core,
                mentions: info.mentions,
                span: (decl_node.start_byte(), decl_node.end_byte()),
                tuple: Vec::new(),
            });
        }
        let mut decl_out = StructDecl {
            name,
            fields,
            generics,
            line: src.line_of(spec.start_byte()),
            ..StructDecl::default()
        };
        for d in &directives.list {
            match d.word.as_str() {
                "pooled" => {
                    decl_out.pooled = true;
                    decl_out.reset = d.arg("reset").map(str::to_string);
                    decl_out.pool = d.arg("pool").map(str::to_string);
                    decl_out.line = src.line_of(d.offset);
                }
                "guard" => {
                    decl_out.guard = true;
                    decl_out.pool = d.arg("pool").map(str::to_string);
                }
                _ => {}
            }
        }
        self.facts.items.structs.push(decl_out);
    }

    /// Package-level `var` and `const`: their declared or evident types.
    fn package_vars(&mut self, decl: Node<'t>) {
        let src = self.src;
        let mut specs = Vec::new();
        let mut c = decl.walk();
        for child in decl.named_children(&mut c) {
            match child.kind_name() {
                "var_spec" | "const_spec" => specs.push(child),
                "var_spec_list" => {
                    let mut c2 = child.walk();
                    specs.extend(child.named_children(&mut c2));
                }
                _ => {}
            }
        }
        for spec in specs {
            let mut c = spec.walk();
            let names: Vec<String> = spec
                .children_by_field_name("name", &mut c)
                .filter(|n| n.kind_name() == "identifier")
                .map(|n| src.text(n).to_string())
                .collect();
            let declared = spec
                .field(fields::TYPE)
                .and_then(|t| types::core_name(t, src, &[]));
            let values: Vec<Node<'t>> = spec
                .field(fields::VALUE)
                .map(|list| {
                    let mut c = list.walk();
                    list.named_children(&mut c).collect()
                })
                .unwrap_or_default();
            for (i, name) in names.into_iter().enumerate() {
                let ty = declared
                    .clone()
                    .or_else(|| values.get(i).and_then(|v| lower::evident_type(*v, src)));
                if let Some(ty) = ty {
                    self.facts.items.statics.push((name, ty));
                }
            }
        }
    }
}

/// The type of a receiver, pointer and type arguments peeled: `T` of `(t *T[K])`.
fn receiver_base(ty: Node<'_>, src: &Src<'_>) -> Option<String> {
    match ty.kind_name() {
        "pointer_type" | "parenthesized_type" => receiver_base(ty.named_child(0)?, src),
        "generic_type" => receiver_base(ty.field(fields::TYPE)?, src),
        "type_identifier" => Some(src.text(ty).to_string()),
        _ => None,
    }
}

/// The type parameter names of a receiver (`K` of `(t *T[K])`).
fn receiver_type_params(param: Node<'_>, src: &Src<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let mut ty = param.field(fields::TYPE);
    while let Some(t) = ty {
        match t.kind_name() {
            "pointer_type" | "parenthesized_type" => ty = t.named_child(0),
            "generic_type" => {
                if let Some(args) = t.field(fields::TYPE_ARGUMENTS) {
                    let mut stack = vec![args];
                    while let Some(n) = stack.pop() {
                        if n.kind_name() == "type_identifier" {
                            out.push(src.text(n).to_string());
                        }
                        let mut c = n.walk();
                        stack.extend(n.named_children(&mut c));
                    }
                }
                break;
            }
            _ => break,
        }
    }
    out
}

fn type_params(list: Option<Node<'_>>, src: &Src<'_>) -> Vec<String> {
    let Some(list) = list else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut c = list.walk();
    for decl in list.named_children(&mut c) {
        let mut c2 = decl.walk();
        out.extend(
            decl.children_by_field_name("name", &mut c2)
                .map(|n| src.text(n).to_string()),
        );
    }
    out
}

/// Parameter names in order (`""` for an unnamed one).
pub fn param_names(params: Option<Node<'_>>, src: &Src<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let Some(params) = params else {
        return out;
    };
    let mut c = params.walk();
    for decl in params.named_children(&mut c) {
        let mut c2 = decl.walk();
        let names: Vec<String> = decl
            .children_by_field_name("name", &mut c2)
            .map(|n| src.text(n).to_string())
            .collect();
        if names.is_empty() {
            out.push(String::new());
        }
        out.extend(names);
    }
    out
}

/// Each parameter's type node, one per name.
pub fn param_types<'t>(params: Option<Node<'t>>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let Some(params) = params else {
        return out;
    };
    let mut c = params.walk();
    for decl in params.named_children(&mut c) {
        let Some(ty) = decl.field(fields::TYPE) else {
            continue;
        };
        let mut c2 = decl.walk();
        let n = decl.children_by_field_name("name", &mut c2).count().max(1);
        for _ in 0..n {
            out.push(ty);
        }
    }
    out
}

fn signature(
    owner: Option<String>,
    name: &str,
    params: Option<Node<'_>>,
    result: Option<Node<'_>>,
    src: &Src<'_>,
    generics: &[String],
) -> FnSig {
    let results = types::result_types(result);
    let first = results.first().copied();
    FnSig {
        owner,
        name: name.to_string(),
        returns: first.and_then(|t| types::core_name(t, src, generics)),
        returns_nothing: first.is_none_or(|t| types::carries_no_value(t, src)),
        params: param_types(params)
            .into_iter()
            .map(|t| types::core_name(t, src, generics))
            .collect(),
        param_names: param_names(params, src),
        receiver: None,
        borrowed: Vec::new(),
        borrowed_via: Vec::new(),
        borrowed_later: false,
        hands_back: Vec::new(),
        returns_closure: None,
        closure_params: Vec::new(),
    }
}
