//! Lowering Go funcs, methods and func literals to the pool IR.
//!
//! What Go means, in the IR's terms:
//!
//! - `defer f(x)` runs at every exit: its call (arguments evaluated at the
//!   `defer`, into slots that outlive the block) is emitted on each exit
//!   edge, after the results are taken and before the body is left; a
//!   `defer func() { .. }()` has its body inlined there. A defer inside a
//!   block that has ended by the time of an exit may not have run: it is
//!   emitted on one branch of that exit only.
//! - A pointer passed to a call is shared ([`Mode::Share`]): handed on unless
//!   the callee is known to only look at it. A method call's receiver is
//!   borrowed. `go f(x)`, channel sends, stores into fields, maps, slices and
//!   composite literals, and returns hand values on.
//! - `x == nil` / `err != nil` tests: on the branch where `x` is nil it holds
//!   nothing, and on the branch where the error returned with `x` is not nil,
//!   `x` holds nothing ([`Event::Vanish`]).
//! - `panic(..)`, `os.Exit`, `log.Fatal*` and `t.Fatal*` end the path: they
//!   are not exits (PL010's business).
//! - `x = x[:0]` truncates, `x = append(x, ..)` keeps the value in `x`, and
//!   `clear(x)`/`cap(x)` are the IR's `clear`/`cap` calls on `x`.

use super::fields::{self, Fields as _};
use super::state_tests;
use super::types::{self, Shape};
use super::{FuncHeader, Src};
use crate::frontend::rust::builder::{Builder, LocalInfo};
use crate::ir::{
    Arg, AssignKind, BlockId, Body, BodyKind, Callee, Event, ExitKind, FORWARDED, Mode, PlaceId,
    PlaceKind, Span, TypeRef,
};
use std::collections::HashMap;
use tree_sitter::Node;

/// Deeper than this, a body is marked too deep and left unanalysed.
const MAX_DEPTH: usize = 1000;

/// Calls that end the path (the process or the goroutine stops).
const DEAD_ENDS: &[(&str, &str)] = &[
    ("os", "Exit"),
    ("log", "Fatal"),
    ("log", "Fatalf"),
    ("log", "Fatalln"),
    ("log", "Panic"),
    ("log", "Panicf"),
    ("log", "Panicln"),
    ("runtime", "Goexit"),
];

/// Methods that end the path (`t.Fatal`, `logger.Fatalf`).
const DEAD_END_METHODS: &[&str] = &[
    "Fatal", "Fatalf", "Fatalln", "FailNow", "SkipNow", "Skip", "Skipf", "Panic", "Panicf",
    "Panicln",
];

/// Methods whose result points into the receiver's memory (those of
/// `bytes.Buffer`, `bytebufferpool.ByteBuffer`, `bufio.Writer`): not of a
/// type of the package itself, whose own method says what it does.
const ALIASING: &[&str] = &["Bytes", "AvailableBuffer"];

/// Fields of well-known pooled types that are slices into the value
/// (`bytebufferpool.ByteBuffer.B`).
const ALIASING_FIELDS: &[&str] = &["B"];

type Op = Vec<(PlaceId, Mode)>;

#[derive(Clone, Default)]
struct Local {
    shape: Shape,
    /// A value of a named type of the package that this file does not
    /// declare (`ts TimeSeries`): its shape is the index's to say.
    named: Option<Box<str>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TargetKind {
    Loop,
    Switch,
}

enum Deferred<'t> {
    Call {
        callee: Callee,
        recv: Option<Arg>,
        args: Vec<Arg>,
        span: Span,
    },
    Closure {
        lit: Node<'t>,
        args: Vec<PlaceId>,
        /// Locals of the `defer`'s own block the func literal uses, by
        /// name, kept in slots: the block ends before the exits run it.
        captured: Vec<(String, PlaceId)>,
    },
}

struct Defer<'t> {
    what: Deferred<'t>,
    /// The block nesting it was registered at.
    depth: usize,
    /// That block has ended: the defer may or may not have run.
    conditional: bool,
    /// What it was given was all declared in its own block (or made by the
    /// `defer` itself): a path that skipped the block holds none of it.
    own_block: bool,
}

impl Defer<'_> {
    /// The places its call or func literal was given (slots, mostly).
    fn slots(&self) -> Vec<PlaceId> {
        match &self.what {
            Deferred::Call { recv, args, .. } => recv
                .iter()
                .chain(args)
                .flat_map(|a| a.places.iter().map(|&(p, _)| p))
                .collect(),
            Deferred::Closure { args, captured, .. } => args
                .iter()
                .copied()
                .chain(captured.iter().map(|&(_, p)| p))
                .collect(),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CallCtx {
    Plain,
    /// `go f(..)`: everything passed is handed to the goroutine.
    Go,
}

pub struct Lw<'s, 't> {
    src: &'s Src<'t>,
    b: Builder,
    self_type: Option<String>,
    generics: std::rc::Rc<Vec<String>>,
    nested: Vec<Body>,
    locals: HashMap<PlaceId, Local>,
    kinds: Vec<TargetKind>,
    labels: HashMap<String, BlockId>,
    defers: Vec<Defer<'t>>,
    /// Places that hold what a `defer` was given.
    defer_slots: Vec<PlaceId>,
    /// Everything the `defer` being lowered put in slots was declared in
    /// its block.
    slots_own_block: bool,
    /// Named results, if the func names them.
    named_results: Option<Vec<PlaceId>>,
    /// The func's last result is an `error`: a `return` that gives a
    /// non-`nil` one there leaves with a failure ([`ExitKind::Fail`]).
    error_result: bool,
    /// How many results the func declares.
    result_count: usize,
    block_depth: usize,
    /// `err` -> the values assigned with it (`v, err := f()`).
    pairs: HashMap<PlaceId, Vec<PlaceId>>,
    /// The conditions of the `if`s whose branches are being lowered.
    if_conds: Vec<Node<'t>>,
    /// The func's body, and the locals in it set from a field of another
    /// (computed when first needed).
    root: Option<Node<'t>>,
    field_copies: Option<Vec<state_tests::FieldCopy>>,
    /// Lowering an inlined deferred func literal: where its `return` goes.
    inline_exit: Option<BlockId>,
    name: String,
    /// The closing brace of the body, where falling off its end exits.
    end_span: Span,
}

/// Lower one func or method: its body and every func literal in it.
pub fn lower_func(src: &Src<'_>, h: &FuncHeader<'_>) -> Vec<Body> {
    let display = match &h.receiver {
        Some((ty, _)) => format!("{ty}.{}", h.name),
        None => h.name.clone(),
    };
    let name_node = h.node.field(fields::NAME).unwrap_or(h.node);
    let mut lw = Lw::new(
        src,
        Builder::new(BodyKind::Fn, display, src.span(name_node), None),
        h.receiver.as_ref().map(|(t, _)| t.clone()),
        std::rc::Rc::new(h.generics.clone()),
    );
    lw.b.body.fn_name = Some(h.name.clone());
    lw.b.body.self_type = lw.self_type.clone();
    let results = types::result_types(h.result);
    if let Some(first) = results.first()
        && !types::carries_no_value(*first, src)
    {
        lw.b.body.returns = types::core_name(*first, src, &lw.generics);
    }
    if let Some((ty, name)) = &h.receiver {
        let name = name.map_or("_", |n| src.text(n));
        let p = lw.b.declare(
            name,
            LocalInfo {
                ty: Some(TypeRef::Named(ty.clone())),
                shared: false,
            },
        );
        let shape = h
            .receiver_node
            .and_then(|r| r.named_child(0))
            .and_then(|p| p.field(fields::TYPE))
            .map_or(Shape::Unknown, |t| types::shape_of(t, src, &lw.generics));
        lw.locals.insert(p, Local { shape, named: None });
        lw.b.body.receiver = Some((p, true));
    }
    lw.params(h.params);
    lw.results(h.result);
    lw.func_body(h.body);
    lw.finish()
}

/// Parameters (by index) that a body only looks at: no event hands them on,
/// keeps them, or gives them to another call; and those it only gives, as
/// shared pointers, to calls that may only look at them in turn: (parameter,
/// call, argument position) for each such call, which the index judges
/// ([`crate::knowledge::Sig::via`]).
pub fn borrowed_params(body: &Body) -> (Vec<usize>, Vec<(usize, Callee, u32)>) {
    let params: Vec<PlaceId> = body.params.iter().map(|p| p.unwrap_or(u32::MAX)).collect();
    let mut escapes = vec![false; params.len()];
    let mut via: Vec<Vec<(u32, u32)>> = vec![Vec::new(); params.len()];
    let index_of = |p: PlaceId| params.iter().position(|&q| q == p);
    let mut mark = |p: PlaceId| {
        if let Some(i) = index_of(p) {
            escapes[i] = true;
        }
    };
    for ev in body.blocks.iter().flat_map(|b| &b.events) {
        match ev {
            Event::Transfer { place, .. } => mark(*place),
            Event::Move { src, dest, .. } | Event::Take { src, dest, .. }
                if body.places[*dest as usize].kind != PlaceKind::Temp =>
            {
                mark(*src)
            }
            Event::Alias { of, dest, .. }
                if body.places[*dest as usize].kind != PlaceKind::Temp =>
            {
                mark(*of)
            }
            Event::Call {
                call, recv, args, ..
            } => {
                let callee = &body.callees[*call as usize];
                let keeps_none = crate::knowledge::keeps_no_args(callee);
                for &(p, m) in recv.iter().flat_map(|a| &a.places) {
                    if m != Mode::Borrow && m != Mode::Shared && !keeps_none {
                        mark(p);
                    }
                }
                for (at, arg) in args.iter().enumerate() {
                    for &(p, m) in &arg.places {
                        match m {
                            Mode::Borrow | Mode::Shared => {}
                            _ if keeps_none => {}
                            // A named callee may only look at it too.
                            Mode::Share if !callee.name.is_empty() && at < 64 => {
                                if let Some(i) = index_of(p) {
                                    via[i].push((*call, at as u32));
                                }
                            }
                            _ => mark(p),
                        }
                    }
                }
            }
            _ => {}
        }
    }
    // A temp that carries a parameter on (`return p` goes through one).
    for ev in body.blocks.iter().flat_map(|b| &b.events) {
        if let Event::Move { src, dest, .. } = ev
            && body.places[*dest as usize].kind == PlaceKind::Temp
        {
            mark(*src);
        }
    }
    let kept = |i: &usize| params[*i] != u32::MAX && !escapes[*i];
    let borrowed = (0..params.len())
        .filter(kept)
        .filter(|&i| via[i].is_empty())
        .collect();
    let through = (0..params.len())
        .filter(kept)
        .flat_map(|i| {
            via[i]
                .iter()
                .map(move |&(call, at)| (i, body.callees[call as usize].clone(), at))
        })
        .collect();
    (borrowed, through)
}

/// The type a package-level `var x = ..` evidently has (a composite
/// literal, `&T{..}`, `new(T)`).
pub fn evident_type(value: Node<'_>, src: &Src<'_>) -> Option<String> {
    match value.kind_name() {
        "composite_literal" => types::core_name(value.field(fields::TYPE)?, src, &[]),
        "unary_expression" => evident_type(value.field(fields::OPERAND)?, src),
        "parenthesized_expression" => evident_type(value.named_child(0)?, src),
        "call_expression" => {
            let f = value.field(fields::FUNCTION)?;
            if f.kind_name() == "identifier" && src.text(f) == "new" {
                let arg = value.field(fields::ARGUMENTS)?.named_child(0)?;
                return types::core_name(arg, src, &[]);
            }
            None
        }
        _ => None,
    }
}

/// The named children of `node` but its comments. A node with few
/// children is read by index (`named_child(i)` steps over the ones before
/// `i`), sparing the cursor, whose stack tree-sitter allocates.
fn named_children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let count = node.named_child_count();
    let mut out = Vec::with_capacity(count);
    if count <= 4 {
        let kids = (0..count as u32).filter_map(|i| node.named_child(i));
        out.extend(kids.filter(|n| !fields::is_comment(*n)));
    } else {
        let mut c = node.walk();
        out.extend(
            node.named_children(&mut c)
                .filter(|n| !fields::is_comment(*n)),
        );
    }
    out
}

/// The statements of a block or a case clause.
fn statements<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    for child in named_children(node) {
        if child.kind_name() == "statement_list" {
            out.extend(named_children(child));
        }
    }
    out
}

fn operator<'t>(node: Node<'t>, src: &Src<'t>) -> &'t str {
    node.field(fields::OPERATOR).map_or("", |o| src.text(o))
}

/// `*p`, `(*p)`, or a slice of one (`(*p)[:0]`): what a pointer points to.
fn is_deref<'t>(mut node: Node<'t>, src: &Src<'t>) -> bool {
    loop {
        let inner = match node.kind_name() {
            "parenthesized_expression" => node.named_child(0),
            "slice_expression" => node.field(fields::OPERAND),
            "unary_expression" => return operator(node, src) == "*",
            _ => return false,
        };
        match inner {
            Some(n) => node = n,
            None => return false,
        }
    }
}

/// `n > 0` or `n == 0` (also `0 < n`, `0 == n`): the count `n` and whether
/// the test is for "positive".
fn count_test<'t>(cond: Node<'t>, src: &Src<'t>) -> Option<(&'t str, bool)> {
    let mut cond = cond;
    while cond.kind_name() == "parenthesized_expression" {
        cond = cond.named_child(0)?;
    }
    if cond.kind_name() != "binary_expression" {
        return None;
    }
    let (l, r) = (cond.field(fields::LEFT)?, cond.field(fields::RIGHT)?);
    let zero = |n: Node<'t>| n.kind_name() == "int_literal" && src.text(n) == "0";
    let ident = |n: Node<'t>| (n.kind_name() == "identifier").then(|| src.text(n));
    match operator(cond, src) {
        ">" if zero(r) => Some((ident(l)?, true)),
        "<" if zero(l) => Some((ident(r)?, true)),
        "==" if zero(r) => Some((ident(l)?, false)),
        "==" if zero(l) => Some((ident(r)?, false)),
        _ => None,
    }
}

/// The last `else if` of `if n > 0 {..} else if n == 0 {..}` (either
/// order, no initializers): together the tests cover every count.
fn covers_counts<'t>(node: Node<'t>, src: &Src<'t>) -> bool {
    let Some(parent) = node.parent() else {
        return false;
    };
    if parent.kind_name() != "if_statement"
        || parent.field(fields::ALTERNATIVE) != Some(node)
        || parent.field(fields::INITIALIZER).is_some()
        || node.field(fields::INITIALIZER).is_some()
    {
        return false;
    }
    let test = |n: Node<'t>| count_test(n.field(fields::CONDITION)?, src);
    matches!((test(parent), test(node)), (Some((a, p)), Some((b, q))) if a == b && p != q)
}

impl<'s, 't> Lw<'s, 't> {
    fn new(
        src: &'s Src<'t>,
        b: Builder,
        self_type: Option<String>,
        generics: std::rc::Rc<Vec<String>>,
    ) -> Self {
        let name = b.body.name.clone();
        Lw {
            src,
            b,
            self_type,
            generics,
            nested: Vec::new(),
            locals: HashMap::new(),
            kinds: Vec::new(),
            labels: HashMap::new(),
            defers: Vec::new(),
            defer_slots: Vec::new(),
            slots_own_block: true,
            named_results: None,
            error_result: false,
            result_count: 0,
            block_depth: 0,
            pairs: HashMap::new(),
            if_conds: Vec::new(),
            root: None,
            field_copies: None,
            inline_exit: None,
            name,
            end_span: Span::default(),
        }
    }

    fn finish(self) -> Vec<Body> {
        let Lw {
            b,
            mut nested,
            end_span,
            ..
        } = self;
        let too_deep = b.too_deep;
        let body = b.finish(end_span);
        if !too_deep {
            nested.insert(0, body);
        }
        nested
    }

    fn enter(&mut self) -> bool {
        self.b.depth += 1;
        if self.b.depth > MAX_DEPTH {
            self.b.too_deep = true;
        }
        !self.b.too_deep
    }

    fn leave(&mut self) {
        self.b.depth -= 1;
    }

    fn text(&self, node: Node<'_>) -> &'t str {
        self.src.text(node)
    }

    fn span(&self, node: Node<'_>) -> Span {
        self.src.span(node)
    }

    fn type_ref(&self, ty: Node<'_>) -> Option<TypeRef> {
        types::core_name(ty, self.src, &self.generics).map(TypeRef::Named)
    }

    fn declare(&mut self, name: &str, ty: Option<TypeRef>, shape: Shape) -> PlaceId {
        let p = self.b.declare(name, LocalInfo { ty, shared: false });
        self.locals.insert(p, Local { shape, named: None });
        p
    }

    fn params(&mut self, params: Option<Node<'t>>) {
        let Some(params) = params else { return };
        for decl in named_children(params) {
            let ty = decl.field(fields::TYPE);
            let info = ty.and_then(|t| self.type_ref(t));
            let shape = ty.map_or(Shape::Unknown, |t| {
                if decl.kind_name() == "variadic_parameter_declaration" {
                    Shape::Slice
                } else {
                    types::shape_of(t, self.src, &self.generics)
                }
            });
            let mut c = decl.walk();
            let names: Vec<Node<'t>> = decl.children_by_field_name("name", &mut c).collect();
            if names.is_empty() {
                self.b.body.params.push(None);
            }
            let named = ty
                .filter(|t| shape == Shape::Unknown && t.kind_name() == "type_identifier")
                .map(|t| self.text(t))
                .filter(|t| !self.generics.iter().any(|g| g == t));
            for n in names {
                let name = self.text(n);
                let p = self.declare(name, info.clone(), shape);
                if let (Some(t), Some(l)) = (named, self.locals.get_mut(&p)) {
                    l.named = Some(t.into());
                }
                self.b.body.params.push(Some(p));
            }
        }
    }

    fn results(&mut self, result: Option<Node<'t>>) {
        let Some(result) = result else { return };
        if result.kind_name() != "parameter_list" {
            self.error_result = self.text(result) == "error";
            self.result_count = 1;
            return;
        }
        self.result_count = named_children(result)
            .into_iter()
            .map(|decl| {
                let mut c = decl.walk();
                decl.children_by_field_name("name", &mut c).count().max(1)
            })
            .sum();
        self.error_result = named_children(result)
            .last()
            .and_then(|decl| decl.field(fields::TYPE))
            .is_some_and(|t| self.text(t) == "error");
        let mut named = Vec::new();
        for decl in named_children(result) {
            let ty = decl.field(fields::TYPE);
            let mut c = decl.walk();
            let names: Vec<Node<'t>> = decl.children_by_field_name("name", &mut c).collect();
            for n in names {
                let info = ty.and_then(|t| self.type_ref(t));
                let shape = ty.map_or(Shape::Unknown, |t| {
                    types::shape_of(t, self.src, &self.generics)
                });
                let name = self.text(n);
                named.push(self.declare(name, info, shape));
            }
        }
        for (i, &p) in named.iter().enumerate().skip(1) {
            let position = i.min(FORWARDED as usize - 1) as u8;
            self.b.body.later_results.push((p, position));
        }
        if !named.is_empty() {
            self.named_results = Some(named);
        }
    }

    /// A func's (or func literal's) body: its statements share the scope of
    /// the parameters; falling off its end is an exit.
    fn func_body(&mut self, body: Node<'t>) {
        self.root.get_or_insert(body);
        for stmt in statements(body) {
            self.stmt(stmt, None);
        }
        let end = body.end_byte().saturating_sub(1);
        let end = Span::new(end, end + 1);
        self.exit_func(ExitKind::End, end, Vec::new(), false);
    }

    /// A block statement: its own scope.
    fn block(&mut self, node: Node<'t>) {
        self.b.push_scope();
        self.block_depth += 1;
        for stmt in statements(node) {
            self.stmt(stmt, None);
        }
        self.close_block();
        let end = node.end_byte().saturating_sub(1);
        self.b.pop_scope(Span::new(end, end + 1));
    }

    /// The innermost block ends: its defers may not run at later exits.
    fn close_block(&mut self) {
        let depth = self.block_depth;
        for d in &mut self.defers {
            if d.depth >= depth {
                d.conditional = true;
            }
        }
        self.block_depth -= 1;
    }

    fn stmt(&mut self, node: Node<'t>, label: Option<String>) {
        if !self.enter() {
            self.leave();
            return;
        }
        let mark = self.b.temp_mark();
        let span = self.span(node);
        match node.kind_name() {
            "expression_statement" => {
                if let Some(e) = node.named_child(0) {
                    let op = self.expr(e);
                    self.discard(op, span);
                }
            }
            "short_var_declaration" => self.short_var(node),
            "assignment_statement" => self.assignment(node),
            "var_declaration" => self.var_decl(node),
            "inc_statement" | "dec_statement" => {
                if let Some(e) = node.named_child(0) {
                    let op = self.expr(e);
                    self.read(op, span, true);
                }
            }
            "send_statement" => {
                if let Some(ch) = node.field(fields::CHANNEL) {
                    let op = self.expr(ch);
                    self.read(op, span, true);
                }
                if let Some(v) = node.field(fields::VALUE) {
                    let op = self.expr(v);
                    self.consume(op, self.span(v), false);
                }
            }
            "return_statement" => self.return_stmt(node),
            "if_statement" => self.if_stmt(node),
            "for_statement" => self.for_stmt(node, label),
            "expression_switch_statement" | "type_switch_statement" => {
                self.switch_stmt(node, label)
            }
            "select_statement" => self.select_stmt(node, label),
            "block" => self.block(node),
            "labeled_statement" => {
                if let Some(l) = node.field(fields::LABEL) {
                    let name = self.text(l).to_string();
                    let target = self.label_block(&name);
                    self.b.goto(target);
                    let inner = named_children(node)
                        .into_iter()
                        .find(|c| c.kind_name() != "label_name");
                    if let Some(inner) = inner {
                        self.stmt(inner, Some(name));
                    }
                }
            }
            "goto_statement" => {
                if let Some(l) = node.named_child(0) {
                    let name = self.text(l).to_string();
                    let target = self.label_block(&name);
                    self.b.edge(self.b.cur, target);
                    self.b.cur = self.b.new_block();
                }
            }
            "break_statement" | "continue_statement" => {
                let kind = if node.kind_name() == "break_statement" {
                    ExitKind::Break
                } else {
                    ExitKind::Continue
                };
                let label = node.named_child(0).map(|l| self.text(l));
                self.jump(label, kind, span);
            }
            "go_statement" => {
                if let Some(e) = node.named_child(0) {
                    let op = if e.kind_name() == "call_expression" {
                        let calls = self.b.body.callees.len();
                        let op = self.call(e, CallCtx::Go);
                        // The goroutine's call (the last one: its arguments
                        // were evaluated first) runs after this body handed
                        // them on: what it does to them (a release, a
                        // release on some paths) is not this body's, so its
                        // callee is left unresolved, as a func value's is.
                        if e.field(fields::FUNCTION)
                            .is_some_and(|f| f.kind_name() != "func_literal")
                            && self.b.body.callees.len() > calls
                            && let Some(callee) = self.b.body.callees.last_mut()
                        {
                            callee.name.clear();
                            callee.qualifier = None;
                            callee.qualified = None;
                        }
                        op
                    } else {
                        self.expr(e)
                    };
                    self.discard(op, span);
                }
            }
            "defer_statement" => self.defer_stmt(node),
            "fallthrough_statement" | "empty_statement" => {}
            // Types and constants declared in a body: nothing to lower.
            _ => {}
        }
        self.b.drop_temps(mark, span);
        self.leave();
    }

    fn label_block(&mut self, name: &str) -> BlockId {
        if let Some(&b) = self.labels.get(name) {
            return b;
        }
        let b = self.b.new_block();
        self.labels.insert(name.to_string(), b);
        b
    }

    fn jump(&mut self, label: Option<&str>, kind: ExitKind, span: Span) {
        let idx = self
            .b
            .targets
            .iter()
            .zip(&self.kinds)
            .rposition(|(t, k)| match label {
                Some(l) => t.label.as_deref() == Some(l),
                None => kind == ExitKind::Break || *k == TargetKind::Loop,
            });
        let idx = match (idx, kind, label) {
            // `continue` skips switches to the loop around them.
            (Some(i), ExitKind::Continue, None) => self.kinds[..=i]
                .iter()
                .rposition(|k| *k == TargetKind::Loop),
            (i, _, _) => i,
        };
        match idx {
            Some(i) => {
                self.b.jump_to(i, kind, span);
            }
            // Outside any loop (bad code): the path ends.
            None => self.b.cur = self.b.new_block(),
        }
    }

    // ----- values -----

    /// A statement value nobody uses: temps it produced are dropped, locals read.
    fn discard(&mut self, op: Op, span: Span) {
        for (place, _) in op {
            if self.b.body.places[place as usize].kind == PlaceKind::Temp {
                self.b.emit(Event::Drop {
                    place,
                    kind: crate::ir::DropKind::Discarded,
                    span,
                });
            } else {
                self.b.emit(Event::Use {
                    place,
                    span,
                    weak: true,
                });
            }
        }
    }

    /// A value that leaves: owned places are transferred, aliases read.
    fn consume(&mut self, op: Op, span: Span, returned: bool) {
        for (place, mode) in op {
            match mode {
                Mode::Move | Mode::Share => self.b.emit(Event::Transfer {
                    place,
                    span,
                    returned,
                }),
                Mode::Borrow | Mode::Shared => self.b.emit(Event::Use {
                    place,
                    span,
                    weak: false,
                }),
            }
        }
    }

    fn read(&mut self, op: Op, span: Span, weak: bool) {
        for (place, _) in op {
            if self.b.body.places[place as usize].kind != PlaceKind::Temp {
                self.b.emit(Event::Use { place, span, weak });
            }
        }
    }

    /// `dest` receives the operand: owners move in, borrows become aliases.
    fn assign_to(&mut self, dest: PlaceId, op: Op, span: Span) {
        for (src, mode) in op {
            if src == dest {
                continue;
            }
            match mode {
                Mode::Move | Mode::Share => self.b.emit(Event::Move { dest, src, span }),
                Mode::Borrow | Mode::Shared => self.b.emit(Event::Alias {
                    dest,
                    of: src,
                    span,
                }),
            }
        }
    }

    fn is_import(&mut self, name: &str) -> bool {
        self.src.imports.path_of(name).is_some() && self.b.lookup(name).is_none()
    }

    /// The place an expression denotes (`x`, `x.f.g`, `*x`, `(x)`).
    fn place_of(&mut self, node: Node<'t>) -> Option<PlaceId> {
        match node.kind_name() {
            "identifier" => {
                let name = self.text(node);
                if name == "_" {
                    return None;
                }
                self.b.lookup(name)
            }
            "selector_expression" => {
                let operand = node.field(fields::OPERAND)?;
                let field = node.field(fields::FIELD)?;
                if operand.kind_name() == "identifier" && self.is_import(self.text(operand)) {
                    return None;
                }
                let base = self.place_of(operand)?;
                let field = self.text(field).to_string();
                Some(self.b.field(base, &field))
            }
            "parenthesized_expression" => self.place_of(node.named_child(0)?),
            "unary_expression" if operator(node, self.src) == "*" => {
                self.place_of(node.field(fields::OPERAND)?)
            }
            _ => None,
        }
    }

    fn shape_of_place(&self, p: PlaceId) -> Shape {
        if let Some(l) = self.locals.get(&p) {
            return l.shape;
        }
        Shape::Unknown
    }

    /// What a value is (pointer, slice, struct ...), as far as the code says.
    fn shape_of(&mut self, node: Node<'t>) -> Shape {
        match node.kind_name() {
            "identifier" => {
                let name = self.text(node);
                match self.b.lookup(name) {
                    Some(p) => self.shape_of_place(p),
                    None => Shape::Unknown,
                }
            }
            "parenthesized_expression" => match node.named_child(0) {
                Some(n) => self.shape_of(n),
                None => Shape::Unknown,
            },
            "slice_expression" => match node.field(fields::OPERAND).map(|o| self.shape_of(o)) {
                // Slicing an array gives a slice; a string a string.
                Some(Shape::Scalar) => Shape::Scalar,
                _ => Shape::Slice,
            },
            "unary_expression" => match operator(node, self.src) {
                "&" => Shape::Pointer,
                "*" => Shape::Unknown,
                _ => Shape::Scalar,
            },
            "composite_literal" => match node.field(fields::TYPE) {
                Some(t) => match t.kind_name() {
                    "slice_type" => Shape::Slice,
                    "map_type" => Shape::Map,
                    _ => match types::shape_of(t, self.src, &self.generics) {
                        Shape::Unknown => Shape::Value,
                        s => s,
                    },
                },
                None => Shape::Unknown,
            },
            "interpreted_string_literal"
            | "raw_string_literal"
            | "int_literal"
            | "float_literal"
            | "rune_literal"
            | "true"
            | "false"
            | "binary_expression" => Shape::Scalar,
            "type_conversion_expression" | "type_assertion_expression" => {
                node.field(fields::TYPE).map_or(Shape::Unknown, |t| {
                    types::shape_of(t, self.src, &self.generics)
                })
            }
            "call_expression" => {
                let Some(f) = node.field(fields::FUNCTION) else {
                    return Shape::Unknown;
                };
                let builtin =
                    f.kind_name() == "identifier" && self.b.lookup(self.text(f)).is_none();
                match (builtin, self.text(f)) {
                    (true, "new") => Shape::Pointer,
                    (true, "append") => Shape::Slice,
                    (true, "make") => node
                        .field(fields::ARGUMENTS)
                        .and_then(|a| a.named_child(0))
                        .map_or(Shape::Unknown, |t| {
                            types::shape_of(t, self.src, &self.generics)
                        }),
                    (true, "len" | "cap") => Shape::Scalar,
                    _ => Shape::Unknown,
                }
            }
            _ => Shape::Unknown,
        }
    }

    /// What the source says of an expression's type, for receiver resolution.
    fn type_of(&mut self, node: Node<'t>) -> Option<TypeRef> {
        match node.kind_name() {
            "identifier" => {
                let name = self.text(node);
                match self.b.lookup(name) {
                    Some(p) => self.b.locals.get(&p).and_then(|l| l.ty.clone()),
                    None if self.src.imports.path_of(name).is_some() => None,
                    None => Some(TypeRef::Static(name.to_string())),
                }
            }
            "selector_expression" => {
                let operand = node.field(fields::OPERAND)?;
                let field = self.text(node.field(fields::FIELD)?).to_string();
                if operand.kind_name() == "identifier" && self.is_import(self.text(operand)) {
                    return None;
                }
                let base = self.type_of(operand)?;
                Some(TypeRef::FieldOf(Box::new(base), field))
            }
            "parenthesized_expression" => self.type_of(node.named_child(0)?),
            "unary_expression" => match operator(node, self.src) {
                "&" | "*" => self.type_of(node.field(fields::OPERAND)?),
                _ => None,
            },
            "slice_expression" => self.type_of(node.field(fields::OPERAND)?),
            "index_expression" => {
                let base = self.type_of(node.field(fields::OPERAND)?)?;
                Some(TypeRef::MethodResult(Box::new(base), "get".into()))
            }
            "type_assertion_expression" | "type_conversion_expression" => {
                self.type_ref(node.field(fields::TYPE)?)
            }
            "composite_literal" => self.type_ref(node.field(fields::TYPE)?),
            "call_expression" => {
                let f = node.field(fields::FUNCTION)?;
                match f.kind_name() {
                    "identifier" => {
                        let name = self.text(f);
                        if self.b.lookup(name).is_none() && matches!(name, "new" | "make") {
                            let t = node.field(fields::ARGUMENTS)?.named_child(0)?;
                            return self.type_ref(t);
                        }
                        Some(TypeRef::CallResult(None, name.to_string()))
                    }
                    "selector_expression" => {
                        let operand = f.field(fields::OPERAND)?;
                        let method = self.text(f.field(fields::FIELD)?).to_string();
                        if operand.kind_name() == "identifier" {
                            let pkg = self.text(operand);
                            if self.is_import(pkg) {
                                let path = self.src.imports.path_of(pkg)?.to_string();
                                return Some(TypeRef::CallResult(Some(path), method));
                            }
                        }
                        let base = self.type_of(operand)?;
                        Some(TypeRef::MethodResult(Box::new(base), method))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn expr(&mut self, node: Node<'t>) -> Op {
        if !self.enter() {
            self.leave();
            return Op::new();
        }
        let op = self.expr_inner(node);
        self.leave();
        op
    }

    fn expr_inner(&mut self, node: Node<'t>) -> Op {
        let span = self.span(node);
        match node.kind_name() {
            "identifier" | "selector_expression" => match self.place_of(node) {
                Some(p) => vec![(p, Mode::Move)],
                None => {
                    if node.kind_name() == "selector_expression"
                        && let Some(operand) = node.field(fields::OPERAND)
                    {
                        let op = self.expr(operand);
                        self.read(op, span, true);
                    }
                    Op::new()
                }
            },
            "parenthesized_expression" => match node.named_child(0) {
                Some(n) => self.expr(n),
                None => Op::new(),
            },
            "unary_expression" => {
                let Some(operand) = node.field(fields::OPERAND) else {
                    return Op::new();
                };
                match operator(node, self.src) {
                    "&" => {
                        let op = self.expr(operand);
                        op.into_iter().map(|(p, _)| (p, Mode::Borrow)).collect()
                    }
                    // `*bp`: what `bp` points to (a buffer shares its array).
                    "*" => {
                        let op = self.expr(operand);
                        op.into_iter().map(|(p, _)| (p, Mode::Borrow)).collect()
                    }
                    _ => {
                        let op = self.expr(operand);
                        self.read(op, span, true);
                        Op::new()
                    }
                }
            }
            "binary_expression" => {
                for side in [fields::LEFT, fields::RIGHT] {
                    if let Some(n) = node.field(side) {
                        let op = self.expr(n);
                        self.read(op, span, true);
                    }
                }
                Op::new()
            }
            "call_expression" => self.call(node, CallCtx::Plain),
            "index_expression" => {
                if let Some(o) = node.field(fields::OPERAND) {
                    let op = self.expr(o);
                    self.read(op, span, false);
                }
                if let Some(i) = node.field(fields::INDEX) {
                    let op = self.expr(i);
                    self.read(op, span, false);
                }
                Op::new()
            }
            "slice_expression" => {
                for f in [fields::START, fields::END, fields::CAPACITY] {
                    if let Some(n) = node.field(f) {
                        let op = self.expr(n);
                        self.read(op, span, true);
                    }
                }
                match node.field(fields::OPERAND) {
                    // A slice of a named value views it; a slice of a
                    // value nothing else names (`pool.Get().([]byte)[:n]`)
                    // is that value: the same backing array, and its only
                    // handle from here on.
                    Some(o) => {
                        let op = self.expr(o);
                        op.into_iter()
                            .map(|(p, mode)| {
                                let temp = self.b.body.places[p as usize].kind == PlaceKind::Temp;
                                (p, if temp { mode } else { Mode::Borrow })
                            })
                            .collect()
                    }
                    None => Op::new(),
                }
            }
            "type_assertion_expression" => match node.field(fields::OPERAND) {
                Some(o) => self.expr(o),
                None => Op::new(),
            },
            "type_conversion_expression" => {
                let Some(o) = node.field(fields::OPERAND) else {
                    return Op::new();
                };
                let op = self.expr(o);
                let to = node.field(fields::TYPE).map_or(Shape::Unknown, |t| {
                    types::shape_of(t, self.src, &self.generics)
                });
                if to == Shape::Scalar {
                    // `string(b)` copies.
                    self.read(op, span, true);
                    Op::new()
                } else {
                    op
                }
            }
            "composite_literal" => {
                if let Some(body) = node.field(fields::BODY) {
                    self.literal_value(body);
                }
                Op::new()
            }
            "func_literal" => {
                self.closure(node, false, &[]);
                Op::new()
            }
            _ => Op::new(),
        }
    }

    /// The elements of a composite literal are stored in it.
    fn literal_value(&mut self, body: Node<'t>) {
        for el in named_children(body) {
            let value = match el.kind_name() {
                "keyed_element" => el.field(fields::VALUE),
                _ => Some(el),
            };
            let Some(value) = value else { continue };
            let inner = if value.kind_name() == "literal_element" {
                value.named_child(0)
            } else {
                Some(value)
            };
            let Some(inner) = inner else { continue };
            if inner.kind_name() == "literal_value" {
                self.literal_value(inner);
                continue;
            }
            let op = self.expr(inner);
            self.consume(op, self.span(inner), false);
        }
    }

    fn args(&mut self, list: Option<Node<'t>>, ctx: CallCtx) -> Vec<Arg> {
        let Some(list) = list else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for a in named_children(list) {
            let (node, variadic) = if a.kind_name() == "variadic_argument" {
                match a.named_child(0) {
                    Some(n) => (n, true),
                    None => continue,
                }
            } else {
                (a, false)
            };
            let shape = if variadic {
                Shape::Slice
            } else {
                self.shape_of(node)
            };
            let op = self.expr(node);
            let places = op
                .into_iter()
                .map(|(p, m)| {
                    let mode = match (m, ctx) {
                        (_, CallCtx::Go) => Mode::Move,
                        (Mode::Move, _) if shape.is_reference() || shape == Shape::Unknown => {
                            Mode::Share
                        }
                        // A struct or number is copied: the callee cannot keep it.
                        (Mode::Move, _) => Mode::Shared,
                        (m, _) => m,
                    };
                    (p, mode)
                })
                .collect();
            let value_of = (shape == Shape::Unknown && node.kind_name() == "identifier")
                .then(|| self.b.lookup(self.text(node)))
                .flatten()
                .and_then(|p| self.locals.get(&p)?.named.as_deref().map(str::to_string));
            out.push(Arg {
                places,
                span: self.span(a),
                non_pointer: shape.is_non_pointer(),
                value_of,
            });
        }
        out
    }

    /// A constructor (`bufio.NewWriter(w)`, `NewCountingWriter(w, s)`)
    /// wraps what it is given: the wrapper works on the caller's value, which
    /// stays the caller's to give back.
    fn wrapped_args(&self, name: &str, args: Vec<Arg>, ctx: CallCtx) -> Vec<Arg> {
        let constructor = name
            .strip_prefix("New")
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(|c: char| c.is_uppercase()));
        if !constructor || ctx != CallCtx::Plain {
            return args;
        }
        args.into_iter()
            .map(|a| Arg {
                places: a
                    .places
                    .into_iter()
                    .map(|(p, m)| (p, if m == Mode::Share { Mode::Borrow } else { m }))
                    .collect(),
                ..a
            })
            .collect()
    }

    fn call(&mut self, node: Node<'t>, ctx: CallCtx) -> Op {
        let span = self.span(node);
        let Some(func) = node.field(fields::FUNCTION) else {
            return Op::new();
        };
        let args_node = node.field(fields::ARGUMENTS);
        match func.kind_name() {
            "identifier" => {
                let name = self.text(func);
                if self.b.lookup(name).is_none()
                    && let Some(op) = self.builtin(name, args_node, span)
                {
                    return op;
                }
                let args = self.args(args_node, ctx);
                let args = self.wrapped_args(name, args, ctx);
                let callee = Callee {
                    name: name.to_string(),
                    qualifier: None,
                    qualified: None,
                    receiver_type: None,
                    is_method: false,
                    arg_count: args.len(),
                    claim: None,
                };
                let r = self.b.call(callee, None, args, span);
                vec![(r, Mode::Move)]
            }
            "selector_expression" => {
                let (Some(operand), Some(field)) =
                    (func.field(fields::OPERAND), func.field(fields::FIELD))
                else {
                    return Op::new();
                };
                let method = self.text(field);
                if operand.kind_name() == "identifier" && self.is_import(self.text(operand)) {
                    let pkg = self.text(operand);
                    let path = self.src.imports.path_of(pkg).unwrap_or(pkg).to_string();
                    let args = self.args(args_node, ctx);
                    let args = self.wrapped_args(method, args, ctx);
                    let callee = Callee {
                        name: method.to_string(),
                        qualifier: Some(types::default_package_name(&path)),
                        qualified: Some(path.clone()),
                        receiver_type: None,
                        is_method: false,
                        arg_count: args.len(),
                        claim: None,
                    };
                    let r = self.b.call(callee, None, args, span);
                    let dead = DEAD_ENDS.iter().any(|(p, f)| *p == path && *f == method);
                    if dead {
                        self.b.cur = self.b.new_block();
                    }
                    return vec![(r, Mode::Move)];
                }
                let recv_ty = self.type_of(operand);
                let recv = self.expr(operand);
                // A type of the package (no import path): its own method.
                let own_type = matches!(&recv_ty, Some(TypeRef::Named(ty)) if !ty.contains("::"));
                if ALIASING.contains(&method) && ctx == CallCtx::Plain && !own_type {
                    let args = self.args(args_node, ctx);
                    // A receiver whose type the file cannot name (`a :=
                    // AcquireAgent()`) is taken for a buffer: only the index
                    // could tell it is the package's own (PL002 Known limits).
                    for a in args {
                        self.read(a.places, span, true);
                    }
                    return recv.into_iter().map(|(p, _)| (p, Mode::Borrow)).collect();
                }
                let args = self.args(args_node, ctx);
                let recv_mode = if ctx == CallCtx::Go {
                    Mode::Move
                } else {
                    Mode::Borrow
                };
                let recv_places: Op = recv
                    .into_iter()
                    .map(|(p, m)| {
                        let temp = self.b.body.places[p as usize].kind == PlaceKind::Temp;
                        (
                            p,
                            if temp && m == Mode::Move {
                                Mode::Move
                            } else {
                                recv_mode
                            },
                        )
                    })
                    .collect();
                let callee = Callee {
                    name: method.to_string(),
                    qualifier: None,
                    qualified: None,
                    receiver_type: recv_ty,
                    is_method: true,
                    arg_count: args.len(),
                    claim: None,
                };
                let recv_arg = Arg {
                    places: recv_places,
                    span: self.span(operand),
                    non_pointer: false,
                    value_of: None,
                };
                let r = self.b.call(callee, Some(recv_arg), args, span);
                if DEAD_END_METHODS.contains(&method) {
                    self.b.cur = self.b.new_block();
                }
                vec![(r, Mode::Move)]
            }
            "func_literal" => {
                let args = self.args(args_node, ctx);
                let moves = ctx == CallCtx::Go;
                let arg_places: Vec<Op> = args.into_iter().map(|a| a.places).collect();
                self.closure(func, moves, &arg_places);
                Op::new()
            }
            _ => {
                let f = self.expr(func);
                self.read(f, span, true);
                let args = self.args(args_node, ctx);
                let callee = Callee {
                    name: String::new(),
                    qualifier: None,
                    qualified: None,
                    receiver_type: None,
                    is_method: false,
                    arg_count: args.len(),
                    claim: None,
                };
                let r = self.b.call(callee, None, args, span);
                vec![(r, Mode::Move)]
            }
        }
    }

    /// A call of a predeclared function, if `name` is one.
    fn builtin(&mut self, name: &str, args: Option<Node<'t>>, span: Span) -> Option<Op> {
        let list: Vec<Node<'t>> = args.map(named_children).unwrap_or_default();
        let arg = |i: usize| {
            list.get(i).map(|a| {
                if a.kind_name() == "variadic_argument" {
                    a.named_child(0).unwrap_or(*a)
                } else {
                    *a
                }
            })
        };
        match name {
            "append" => {
                let mut result = Op::new();
                // `append(*bp, ..)`: a copy of the header `bp` points to; the
                // result shares its array but is not `bp`.
                let mut pointee = false;
                if let Some(first) = arg(0) {
                    pointee = is_deref(first, self.src);
                    result = self.expr(first);
                }
                for (i, a) in list.iter().enumerate().skip(1) {
                    let node = arg(i).unwrap_or(*a);
                    let op = self.expr(node);
                    if a.kind_name() == "variadic_argument" {
                        self.read(op, span, true);
                    } else {
                        self.consume(op, self.span(node), false);
                    }
                }
                if pointee {
                    return Some(result);
                }
                Some(
                    result
                        .into_iter()
                        .map(|(p, m)| (p, if m == Mode::Borrow { Mode::Move } else { m }))
                        .collect(),
                )
            }
            "len" | "copy" | "delete" | "print" | "println" | "min" | "max" | "complex"
            | "real" | "imag" | "close" => {
                for i in 0..list.len() {
                    if let Some(a) = arg(i) {
                        let op = self.expr(a);
                        self.read(op, span, true);
                    }
                }
                Some(Op::new())
            }
            "make" | "new" => {
                for i in 1..list.len() {
                    if let Some(a) = arg(i) {
                        let op = self.expr(a);
                        self.read(op, span, true);
                    }
                }
                Some(Op::new())
            }
            // Kept as a call: a test that recovers provokes misuse on
            // purpose (see the rules' `recovers`).
            "recover" => {
                self.b
                    .call(Callee::bare("recover", false), None, Vec::new(), span);
                Some(Op::new())
            }
            "panic" => {
                for i in 0..list.len() {
                    if let Some(a) = arg(i) {
                        let op = self.expr(a);
                        self.read(op, span, true);
                    }
                }
                self.b.cur = self.b.new_block();
                Some(Op::new())
            }
            // `cap(x)` bounds what `x` keeps; `clear(x)` empties it in place.
            "cap" | "clear" => {
                let target = arg(0)?;
                let op = self.expr(target);
                self.method_shaped(name, op, self.span(target), span);
                Some(Op::new())
            }
            _ => None,
        }
    }

    /// A call the IR knows as a method of its operand (`x.truncate()` for
    /// `x = x[:0]`, `x.cap()` for `cap(x)`).
    fn method_shaped(&mut self, name: &str, op: Op, recv_span: Span, span: Span) {
        let callee = Callee::bare(name, true);
        let recv = Arg {
            places: op.into_iter().map(|(p, _)| (p, Mode::Borrow)).collect(),
            span: recv_span,
            non_pointer: false,
            value_of: None,
        };
        self.b.call(callee, Some(recv), Vec::new(), span);
    }

    /// A func literal: a body of its own. What it captures is handed on when
    /// it runs elsewhere (`go`) or hands it on itself, otherwise read.
    fn closure(&mut self, lit: Node<'t>, moves: bool, args: &[Op]) {
        let outer = self.b.visible_names();
        let head = lit.field(fields::PARAMETERS).map_or(self.span(lit), |p| {
            Span::new(lit.start_byte(), p.end_byte())
        });
        let name = format!("func literal in {}", self.name);
        let mut inner = Lw::new(
            self.src,
            Builder::new(BodyKind::Closure, name, head, Some(outer)),
            self.self_type.clone(),
            self.generics.clone(),
        );
        inner.b.body.self_type = self.self_type.clone();
        inner.b.depth = self.b.depth;
        inner.params(lit.field(fields::PARAMETERS));
        inner.results(lit.field(fields::RESULT));
        if let Some(body) = lit.field(fields::BODY) {
            inner.func_body(body);
        }
        let captures = std::mem::take(&mut inner.b.captures);
        let consumed: Vec<bool> = captures
            .iter()
            .map(|(_, p)| moves || consumes(&inner.b.body, *p))
            .collect();
        self.b.too_deep |= inner.b.too_deep;
        self.nested.append(&mut inner.nested);
        if !inner.b.too_deep {
            let end = lit.end_byte().saturating_sub(1);
            self.nested.push(inner.b.finish(Span::new(end, end + 1)));
        }
        let span = head;
        for ((name, _), consumed) in captures.into_iter().zip(consumed) {
            if let Some(place) = self.b.lookup(&name) {
                if consumed {
                    self.b.emit(Event::Transfer {
                        place,
                        span,
                        returned: false,
                    });
                } else {
                    self.b.emit(Event::Use {
                        place,
                        span,
                        weak: false,
                    });
                }
            }
        }
        for op in args {
            if moves {
                self.consume(op.clone(), span, false);
            } else {
                self.read(op.clone(), span, false);
            }
        }
    }

    // ----- statements -----

    fn lhs_list(&self, node: Node<'t>, field: fields::Field) -> Vec<Node<'t>> {
        node.field(field).map(named_children).unwrap_or_default()
    }

    fn short_var(&mut self, node: Node<'t>) {
        let left = self.lhs_list(node, fields::LEFT);
        let right = self.lhs_list(node, fields::RIGHT);
        self.bind(&left, &right, true, self.span(node));
    }

    fn var_decl(&mut self, node: Node<'t>) {
        let mut specs = Vec::new();
        for child in named_children(node) {
            match child.kind_name() {
                "var_spec" => specs.push(child),
                "var_spec_list" => specs.extend(named_children(child)),
                _ => {}
            }
        }
        for spec in specs {
            let mut c = spec.walk();
            let names: Vec<Node<'t>> = spec.children_by_field_name("name", &mut c).collect();
            let values = self.lhs_list(spec, fields::VALUE);
            let ty = spec.field(fields::TYPE);
            if values.is_empty() {
                for n in names {
                    let info = ty.and_then(|t| self.type_ref(t));
                    let shape = ty.map_or(Shape::Unknown, |t| {
                        types::shape_of(t, self.src, &self.generics)
                    });
                    let name = self.text(n);
                    if name != "_" {
                        self.declare(name, info, shape);
                    }
                }
                continue;
            }
            self.bind(&names, &values, true, self.span(spec));
            if let Some(t) = ty {
                let info = self.type_ref(t);
                let shape = types::shape_of(t, self.src, &self.generics);
                for n in &names {
                    if let Some(p) = self.b.lookup(self.text(*n)) {
                        self.b.body.places[p as usize].ty = info.clone();
                        if let Some(l) = self.b.locals.get_mut(&p) {
                            l.ty = info.clone();
                        }
                        self.locals.insert(p, Local { shape, named: None });
                    }
                }
            }
        }
    }

    /// `a, b := x, y` (`declare`) or `a, b = x, y`: every right side is
    /// evaluated before anything is assigned.
    fn bind(&mut self, left: &[Node<'t>], right: &[Node<'t>], declare: bool, span: Span) {
        let mut values: Vec<(Op, Option<TypeRef>, Shape, Option<Node<'t>>)> = Vec::new();
        if right.len() == left.len() {
            for r in right {
                let ty = self.type_of(*r);
                let shape = self.shape_of(*r);
                let op = self.expr(*r);
                values.push((op, ty, shape, Some(*r)));
            }
        } else if let Some(r) = right.first() {
            // `v, err := f()`, `v, ok := x.(T)`, `v, ok := m[k]`, `v, ok := <-ch`.
            let ty = self.type_of(*r);
            let shape = self.shape_of(*r);
            let op = self.expr(*r);
            let later = self.take_results_apart(&op, left.len() - 1);
            values.push((op, ty, shape, Some(*r)));
            for temp in later {
                values.push((vec![(temp, Mode::Move)], None, Shape::Unknown, None));
            }
            for r in right.iter().skip(1) {
                let op = self.expr(*r);
                self.read(op, span, true);
            }
            while values.len() < left.len() {
                values.push((Op::new(), None, Shape::Unknown, None));
            }
        }
        let mut assigned = Vec::new();
        for (l, (op, ty, shape, r)) in left.iter().zip(values) {
            let place = self.assign_one(*l, op, ty, shape, r, declare, span);
            assigned.push(place);
        }
        // Forget what an overwritten error or flag was paired with.
        for p in assigned.iter().flatten() {
            self.pairs.remove(p);
        }
        if right.len() == 1 && left.len() > 1 {
            let mut values: Vec<PlaceId> = assigned[..assigned.len() - 1]
                .iter()
                .flatten()
                .copied()
                .collect();
            // `w, ok := i.(*gzip.Writer)`: with a false `ok`, what `i` holds
            // is not the pooled type either (a pool's `New` that gave an
            // error): nothing of the pool's is there.
            if right[0].kind_name() == "type_assertion_expression"
                && let Some(operand) = right[0].field(fields::OPERAND)
                && operand.kind_name() == "identifier"
                && let Some(q) = self.place_of(operand)
            {
                values.push(q);
            }
            if let Some(Some(flag)) = assigned.last()
                && !values.is_empty()
            {
                self.pairs.insert(*flag, values);
            }
        }
    }

    /// `n, buf := f()`: the later results of the call whose value `op`
    /// is get temps of their own, so that an acquire wrapper's value in a
    /// later result (`return n, pool.Get(n)`) lands in the name that takes
    /// it (see [`crate::ir::result_place`]). Nothing for what is not a call.
    fn take_results_apart(&mut self, op: &Op, later: usize) -> Vec<PlaceId> {
        let [(temp, Mode::Move)] = op.as_slice() else {
            return Vec::new();
        };
        let block = self.b.cur as usize;
        let Some(at) = self.b.body.blocks[block]
            .events
            .iter()
            .rposition(|e| matches!(e, Event::Call { result, .. } if result == temp))
        else {
            return Vec::new();
        };
        let temps: Vec<PlaceId> = (0..later).map(|_| self.b.temp()).collect();
        if let Event::Call { more_results, .. } = &mut self.b.body.blocks[block].events[at] {
            more_results.clone_from(&temps);
        }
        temps
    }

    #[allow(clippy::too_many_arguments)]
    fn assign_one(
        &mut self,
        left: Node<'t>,
        op: Op,
        ty: Option<TypeRef>,
        shape: Shape,
        right: Option<Node<'t>>,
        declare: bool,
        span: Span,
    ) -> Option<PlaceId> {
        if left.kind_name() == "identifier" && self.text(left) == "_" {
            self.discard(op, span);
            return None;
        }
        if declare && left.kind_name() == "identifier" {
            let name = self.text(left);
            if self.b.in_current_scope(name).is_none() {
                let p = self.declare(name, ty, shape);
                self.assign_to(p, op, span);
                return Some(p);
            }
        }
        // `*p = v` (or `(*p) = v`) writes what `p` points to: `p` keeps its
        // value. (A method's `*r = T{}` stays an assignment: it resets every
        // field.)
        let mut target = left;
        while target.kind_name() == "parenthesized_expression"
            && let Some(inner) = target.named_child(0)
        {
            target = inner;
        }
        if target.kind_name() == "unary_expression"
            && operator(target, self.src) == "*"
            && let Some(place) = target.field(fields::OPERAND).and_then(|o| self.place_of(o))
            && self.b.body.receiver.is_none_or(|(r, _)| r != place)
        {
            self.b.emit(Event::Use {
                place,
                span,
                weak: true,
            });
            // What is stored there is the pointee's owner's now.
            self.consume(op, span, false);
            return None;
        }
        let Some(place) = self.place_of(left) else {
            // `m[k] = v`, `s[i] = v`, a package variable: stored away.
            if left.kind_name() == "index_expression" {
                for f in [fields::OPERAND, fields::INDEX] {
                    if let Some(n) = left.field(f) {
                        let o = self.expr(n);
                        self.read(o, span, false);
                    }
                }
            }
            self.consume(op, span, false);
            return None;
        };
        // `x = x.Str(k, v)`: a chained builder method hands back its
        // receiver; the value stays.
        if let Some(r) = right
            && r.kind_name() == "call_expression"
            && let Some(f) = r.field(fields::FUNCTION)
            && f.kind_name() == "selector_expression"
            && f.field(fields::OPERAND)
                .is_some_and(|o| self.text(o) == self.text(left))
        {
            self.b.emit(Event::Use {
                place,
                span,
                weak: true,
            });
            let rest: Op = op.into_iter().filter(|&(p, _)| p != place).collect();
            self.read(rest, span, true);
            return Some(place);
        }
        // `x = x[:0]` (or `x[0:0]`): a truncation that keeps the value;
        // `x = append(x, ..)` and `x = x[i:j]` keep it too.
        if op.iter().any(|&(p, _)| p == place) {
            if let Some(r) = right
                && r.kind_name() == "slice_expression"
                && r.field(fields::START).is_none_or(|s| self.text(s) == "0")
                && r.field(fields::END).is_some_and(|e| self.text(e) == "0")
            {
                self.method_shaped(
                    "truncate",
                    vec![(place, Mode::Borrow)],
                    self.span(left),
                    span,
                );
            } else {
                self.b.emit(Event::Use {
                    place,
                    span,
                    weak: true,
                });
            }
            let rest: Op = op.into_iter().filter(|&(p, _)| p != place).collect();
            self.read(rest, span, true);
            return Some(place);
        }
        let kind = right.map_or(AssignKind::Other, |r| self.assign_kind(r));
        if (kind == AssignKind::Null && self.nil_guarded_later(left))
            || self.replaced_after_test(left)
        {
            // `ctx = nil` ahead of `if ctx != nil { releaseCtx(ctx) }`: the
            // value is kept out of the pool on purpose (it may still be in
            // use elsewhere), and let go. So is one replaced in a branch
            // chosen by reading its state (`if ctx.timeoutResponse != nil {
            // ctx = s.acquireCtx(c) }`).
            self.b.emit(Event::Vanish { place });
        }
        self.b.emit(Event::Assign { place, kind, span });
        self.assign_to(place, op, span);
        if self.b.body.places[place as usize].kind == PlaceKind::Local && ty.is_some() {
            // A fresh value's type (a local declared without one).
            if self.b.locals.get(&place).is_some_and(|l| l.ty.is_none())
                && let Some(l) = self.b.locals.get_mut(&place)
            {
                l.ty = ty;
            }
        }
        Some(place)
    }

    /// `left` (a local) is assigned in a branch of an `if` whose condition
    /// reads the state of the value it holds.
    fn replaced_after_test(&mut self, left: Node<'t>) -> bool {
        if left.kind_name() != "identifier" || self.if_conds.is_empty() {
            return false;
        }
        let name = self.text(left);
        let text = self.src.text;
        if self.field_copies.is_none() {
            let copies = self
                .root
                .map(|r| state_tests::field_copies(r, text))
                .unwrap_or_default();
            self.field_copies = Some(copies);
        }
        let copies = self.field_copies.as_deref().unwrap_or_default();
        self.if_conds
            .iter()
            .any(|c| state_tests::reads_state(*c, name, copies, text))
    }

    /// `x` (a local set to `nil` here) is later passed to a call only under
    /// an `if x != nil`: the `nil` turns that call off.
    fn nil_guarded_later(&self, left: Node<'t>) -> bool {
        if left.kind_name() != "identifier" {
            return false;
        }
        let name = self.text(left);
        let test = format!("{name} != nil");
        let mut func = left;
        while let Some(parent) = func.parent() {
            func = parent;
            if matches!(
                func.kind_name(),
                "function_declaration" | "method_declaration" | "func_literal"
            ) {
                break;
            }
        }
        let mut stack = vec![func];
        while let Some(node) = stack.pop() {
            if node.end_byte() <= left.end_byte() {
                continue;
            }
            let mut c = node.walk();
            stack.extend(node.named_children(&mut c));
            if node.kind_name() != "if_statement" || node.start_byte() < left.end_byte() {
                continue;
            }
            let guarded = node
                .field(fields::CONDITION)
                .is_some_and(|c| self.text(c).trim() == test);
            if !guarded {
                continue;
            }
            let Some(then) = node.field(fields::CONSEQUENCE) else {
                continue;
            };
            // A call in the branch given `x` as an argument or receiver.
            let mut inner = vec![then];
            while let Some(n) = inner.pop() {
                let mut c = n.walk();
                inner.extend(n.named_children(&mut c));
                if n.kind_name() != "call_expression" {
                    continue;
                }
                let arg = n
                    .field(fields::ARGUMENTS)
                    .is_some_and(|a| named_children(a).iter().any(|x| self.text(*x) == name));
                let recv = n
                    .field(fields::FUNCTION)
                    .and_then(|f| f.field(fields::OPERAND))
                    .is_some_and(|o| self.text(o) == name);
                if arg || recv {
                    return true;
                }
            }
        }
        false
    }

    fn assign_kind(&self, r: Node<'t>) -> AssignKind {
        match r.kind_name() {
            "nil" => AssignKind::Null,
            "composite_literal" => {
                let empty = r
                    .field(fields::BODY)
                    .is_none_or(|b| named_children(b).is_empty());
                let growable = r
                    .field(fields::TYPE)
                    .is_some_and(|t| matches!(t.kind_name(), "slice_type" | "map_type"));
                if empty && growable {
                    AssignKind::Empty
                } else {
                    AssignKind::Fresh
                }
            }
            "interpreted_string_literal"
            | "raw_string_literal"
            | "int_literal"
            | "float_literal"
            | "true"
            | "false"
            | "rune_literal" => AssignKind::Fresh,
            "call_expression" => {
                let f = r.field(fields::FUNCTION);
                let name = f
                    .filter(|f| f.kind_name() == "identifier")
                    .map(|f| self.text(f));
                let args = r
                    .field(fields::ARGUMENTS)
                    .map(named_children)
                    .unwrap_or_default();
                match name {
                    // `make([]T, 0)`, `make(map[K]V)`: fresh and empty; with a
                    // length or capacity: sized on purpose.
                    Some("make") => {
                        let sized = args
                            .get(1..)
                            .is_some_and(|a| a.iter().any(|n| self.text(*n) != "0"));
                        if sized {
                            AssignKind::Fresh
                        } else {
                            AssignKind::Empty
                        }
                    }
                    Some("new") => AssignKind::Fresh,
                    _ => AssignKind::Other,
                }
            }
            "unary_expression" if operator(r, self.src) == "&" => AssignKind::Fresh,
            _ => AssignKind::Other,
        }
    }

    fn assignment(&mut self, node: Node<'t>) {
        let span = self.span(node);
        let left = self.lhs_list(node, fields::LEFT);
        let right = self.lhs_list(node, fields::RIGHT);
        if operator(node, self.src) != "=" {
            // `x += y`: both read.
            for n in left.iter().chain(&right) {
                let op = self.expr(*n);
                self.read(op, span, true);
            }
            return;
        }
        self.bind(&left, &right, false, span);
    }

    fn if_stmt(&mut self, node: Node<'t>) {
        self.b.push_scope();
        self.block_depth += 1;
        if let Some(init) = node.field(fields::INITIALIZER) {
            self.stmt(init, None);
        }
        let then_b = self.b.new_block();
        let else_b = self.b.new_block();
        let join = self.b.new_block();
        match node.field(fields::CONDITION) {
            Some(c) => self.condition(c, then_b, else_b),
            None => {
                self.b.edge(self.b.cur, then_b);
                self.b.edge(self.b.cur, else_b);
            }
        }
        let cond = node.field(fields::CONDITION);
        self.if_conds.extend(cond);
        self.b.cur = then_b;
        if let Some(c) = node.field(fields::CONSEQUENCE) {
            self.block(c);
        }
        self.b.goto(join);
        self.b.cur = else_b;
        let alt = node.field(fields::ALTERNATIVE);
        if let Some(alt) = alt {
            self.stmt(alt, None);
        }
        // `if n > 0 {..} else if n == 0 {..}`: the chain covers every count
        // (a length or a byte count is never negative); no way falls past it.
        if alt.is_some() || !covers_counts(node, self.src) {
            self.b.goto(join);
        } else {
            self.b.cur = join;
        }
        if cond.is_some() {
            self.if_conds.pop();
        }
        self.close_block();
        let end = node.end_byte().saturating_sub(1);
        self.b.pop_scope(Span::new(end, end + 1));
    }

    /// Branch to `yes`/`no` on a condition; nil tests empty what they test.
    fn condition(&mut self, node: Node<'t>, yes: BlockId, no: BlockId) {
        match node.kind_name() {
            "parenthesized_expression" => {
                if let Some(inner) = node.named_child(0) {
                    return self.condition(inner, yes, no);
                }
            }
            "unary_expression" if operator(node, self.src) == "!" => {
                if let Some(inner) = node.field(fields::OPERAND) {
                    return self.condition(inner, no, yes);
                }
            }
            "binary_expression" => {
                let (Some(l), Some(r)) = (node.field(fields::LEFT), node.field(fields::RIGHT))
                else {
                    return;
                };
                match operator(node, self.src) {
                    "&&" => {
                        let mid = self.b.new_block();
                        self.condition(l, mid, no);
                        self.b.cur = mid;
                        return self.condition(r, yes, no);
                    }
                    "||" => {
                        let mid = self.b.new_block();
                        self.condition(l, yes, mid);
                        self.b.cur = mid;
                        return self.condition(r, yes, no);
                    }
                    op @ ("==" | "!=") if l.kind_name() == "nil" || r.kind_name() == "nil" => {
                        let tested = if l.kind_name() == "nil" { r } else { l };
                        let (is_nil, not_nil) = if op == "==" { (yes, no) } else { (no, yes) };
                        let value = self.expr(tested);
                        self.read(value, self.span(node), true);
                        let place = self.place_of(tested);
                        return self.nil_branches(place, is_nil, not_nil);
                    }
                    // `cap(*bp) < n`, `len(x) >= n`: a pooled value found too
                    // small is let go to the GC on purpose (a bigger one is
                    // made): on the too-small edge it holds nothing.
                    op @ ("<" | "<=" | ">" | ">=") => {
                        let (sized, small_when_yes) =
                            match (self.sized_place(l), self.sized_place(r)) {
                                (Some(p), _) => (p, matches!(op, "<" | "<=")),
                                (None, Some(p)) => (p, matches!(op, ">" | ">=")),
                                (None, None) => {
                                    let value = self.expr(node);
                                    self.read(value, self.span(node), true);
                                    self.b.edge(self.b.cur, yes);
                                    self.b.edge(self.b.cur, no);
                                    return;
                                }
                            };
                        // `if cap(fields) < 1024 { pool.Put(p) }`, where
                        // `fields` views `p`: a number caps what is kept, and
                        // past it the pooled value is let go on purpose.
                        let bound = if self.sized_place(l).is_some() { r } else { l };
                        // (A number, or a name of the package: `maxSize`.)
                        let constant = bound.kind_name() == "int_literal"
                            || (bound.kind_name() == "identifier"
                                && self.b.lookup(self.text(bound)).is_none());
                        let capped = constant.then(|| self.view_owner(sized)).flatten();
                        let value = self.expr(node);
                        self.read(value, self.span(node), true);
                        let (small, big) = if small_when_yes { (yes, no) } else { (no, yes) };
                        let from = self.b.cur;
                        let small_b = self.b.new_block();
                        self.b.edge(from, small_b);
                        self.b.cur = small_b;
                        self.b.emit(Event::Vanish { place: sized });
                        self.b.goto(small);
                        let big_b = self.b.new_block();
                        self.b.edge(from, big_b);
                        self.b.cur = big_b;
                        if let Some(owner) = capped {
                            self.b.emit(Event::Vanish { place: owner });
                        }
                        self.b.goto(big);
                        return;
                    }
                    _ => {}
                }
            }
            "identifier" => {
                // `if ok {`: the values that came with a false `ok` are not there.
                if let Some(p) = self.place_of(node)
                    && self.pairs.contains_key(&p)
                {
                    self.b.emit(Event::Use {
                        place: p,
                        span: self.span(node),
                        weak: true,
                    });
                    let from = self.b.cur;
                    self.b.edge(from, yes);
                    let fail = self.b.new_block();
                    self.b.edge(from, fail);
                    self.b.cur = fail;
                    for q in self.pairs.get(&p).cloned().unwrap_or_default() {
                        self.b.emit(Event::Vanish { place: q });
                    }
                    self.b.goto(no);
                    return;
                }
            }
            _ => {}
        }
        let op = self.expr(node);
        self.read(op, self.span(node), true);
        self.b.edge(self.b.cur, yes);
        self.b.edge(self.b.cur, no);
    }

    /// The place a local only ever views (`fields := (*p)[:0]`: `p`): one
    /// alias into it and nothing moved into it, so far in the body.
    fn view_owner(&self, view: PlaceId) -> Option<PlaceId> {
        if self.b.body.places[view as usize].kind != PlaceKind::Local {
            return None;
        }
        let mut owner = None;
        for ev in self.b.body.blocks.iter().flat_map(|b| &b.events) {
            match ev {
                // A second alias, or a value moved in: not a view of one.
                Event::Alias { dest, of, .. } if *dest == view && owner.replace(*of).is_some() => {
                    return None;
                }
                Event::Move { dest, .. } | Event::Take { dest, .. } if *dest == view => {
                    return None;
                }
                _ => {}
            }
        }
        owner
    }

    /// `x` in `len(x)`, `cap(x)`, `len(*x)`, `cap(*x)` (the builtins, not
    /// shadowed), when `x` is a local.
    fn sized_place(&mut self, node: Node<'t>) -> Option<PlaceId> {
        if node.kind_name() != "call_expression" {
            return None;
        }
        let f = node.field(fields::FUNCTION)?;
        let name = self.text(f);
        if f.kind_name() != "identifier"
            || !matches!(name, "len" | "cap")
            || self.b.lookup(name).is_some()
        {
            return None;
        }
        let args = named_children(node.field(fields::ARGUMENTS)?);
        let [first] = args.as_slice() else {
            return None;
        };
        let mut arg = *first;
        loop {
            match arg.kind_name() {
                "parenthesized_expression" => arg = arg.named_child(0)?,
                "unary_expression" if operator(arg, self.src) == "*" => {
                    arg = arg.field(fields::OPERAND)?
                }
                _ => break,
            }
        }
        if arg.kind_name() != "identifier" {
            return None;
        }
        self.place_of(arg)
    }

    /// After `x == nil`: on the nil branch `x` holds nothing; on the other,
    /// the values that came with a non-nil error `x` hold nothing.
    fn nil_branches(&mut self, place: Option<PlaceId>, is_nil: BlockId, not_nil: BlockId) {
        let from = self.b.cur;
        let nil_b = self.b.new_block();
        self.b.edge(from, nil_b);
        self.b.cur = nil_b;
        if let Some(p) = place {
            self.b.emit(Event::Vanish { place: p });
        }
        self.b.goto(is_nil);
        let set_b = self.b.new_block();
        self.b.edge(from, set_b);
        self.b.cur = set_b;
        let paired = place.and_then(|p| self.pairs.get(&p).cloned());
        for q in paired.unwrap_or_default() {
            self.b.emit(Event::Vanish { place: q });
        }
        self.b.goto(not_nil);
    }

    fn for_stmt(&mut self, node: Node<'t>, label: Option<String>) {
        self.b.push_scope();
        self.block_depth += 1;
        let body = node.field(fields::BODY);
        let clause = named_children(node).into_iter().find(|c| Some(*c) != body);
        let mut cond = None;
        let mut update = None;
        let mut range = None;
        match clause.map(|c| (c, c.kind_name())) {
            Some((c, "for_clause")) => {
                if let Some(init) = c.field(fields::INITIALIZER) {
                    self.stmt(init, None);
                }
                cond = c.field(fields::CONDITION);
                update = c.field(fields::UPDATE);
            }
            Some((c, "range_clause")) => {
                if let Some(r) = c.field(fields::RIGHT) {
                    let op = self.expr(r);
                    self.read(op, self.span(r), false);
                }
                range = Some(c);
            }
            Some((c, _)) => cond = Some(c),
            None => {}
        }
        let head = self.b.new_block();
        self.b.goto(head);
        let body_b = self.b.new_block();
        let after = self.b.new_block();
        let cont = self.b.new_block();
        self.b.push_target(label, true, cont, after);
        self.kinds.push(TargetKind::Loop);
        match (cond, range) {
            (Some(c), _) => self.condition(c, body_b, after),
            (None, Some(_)) => {
                self.b.edge(head, body_b);
                self.b.edge(head, after);
            }
            (None, None) => self.b.edge(head, body_b),
        }
        self.b.cur = body_b;
        self.b.push_scope();
        if let Some(r) = range {
            let declares = r
                .field(fields::LEFT)
                .is_some_and(|_| self.text(r).contains(":="));
            // What each turn binds is an element of the ranged collection
            // (a slice's index is one too, harmlessly: nothing releases it).
            // Only with two names: a channel takes one, and ranging over it
            // takes the values out (a second range finds none).
            let names = self.lhs_list(r, fields::LEFT);
            let of = r
                .field(fields::RIGHT)
                .filter(|_| names.len() == 2)
                .and_then(|c| Some((self.place_of(c)?, self.span(c))));
            for l in names {
                if declares && l.kind_name() == "identifier" {
                    let name = self.text(l);
                    if name != "_" {
                        let element = self.declare(name, None, Shape::Unknown);
                        if let Some((of, span)) = of {
                            self.b.emit(Event::Element {
                                element,
                                of,
                                drains: false,
                                mutable: false,
                                span,
                            });
                        }
                    }
                } else if let Some(p) = self.place_of(l) {
                    let span = self.span(l);
                    self.b.emit(Event::Assign {
                        place: p,
                        kind: AssignKind::Other,
                        span,
                    });
                }
            }
        }
        if let Some(b) = body {
            self.block(b);
        }
        let end = node.end_byte().saturating_sub(1);
        self.b.pop_scope(Span::new(end, end + 1));
        self.b.goto(cont);
        if let Some(u) = update {
            self.stmt(u, None);
        }
        self.b.goto(head);
        self.b.pop_target();
        self.kinds.pop();
        self.b.cur = after;
        self.close_block();
        self.b.pop_scope(Span::new(end, end + 1));
    }

    fn switch_stmt(&mut self, node: Node<'t>, label: Option<String>) {
        self.b.push_scope();
        self.block_depth += 1;
        if let Some(init) = node.field(fields::INITIALIZER) {
            self.stmt(init, None);
        }
        let type_switch = node.kind_name() == "type_switch_statement";
        let value = node.field(fields::VALUE);
        let mut subject = Op::new();
        let mut tagless = value.is_none();
        if let Some(v) = value {
            let op = self.expr(v);
            if type_switch {
                subject = op;
            } else {
                self.read(op, self.span(v), true);
            }
        }
        if type_switch {
            tagless = false;
        }
        let alias = node
            .field(fields::ALIAS)
            .and_then(|a| a.named_child(0))
            .map(|a| self.text(a).to_string());
        let cases: Vec<Node<'t>> = named_children(node)
            .into_iter()
            .filter(|c| {
                matches!(
                    c.kind_name(),
                    "expression_case" | "type_case" | "default_case"
                )
            })
            .collect();
        let after = self.b.new_block();
        self.b.push_target(label, false, self.b.cur, after);
        self.kinds.push(TargetKind::Switch);
        let blocks: Vec<BlockId> = cases.iter().map(|_| self.b.new_block()).collect();
        let default = cases.iter().position(|c| c.kind_name() == "default_case");
        if tagless {
            // Each case's conditions in turn.
            for (i, case) in cases.iter().enumerate() {
                if case.kind_name() == "default_case" {
                    continue;
                }
                let exprs = self.lhs_list(*case, fields::VALUE);
                for e in exprs {
                    let next = self.b.new_block();
                    self.condition(e, blocks[i], next);
                    self.b.cur = next;
                }
            }
        } else {
            for case in &cases {
                for e in self.lhs_list(*case, fields::VALUE) {
                    let op = self.expr(e);
                    self.read(op, self.span(e), true);
                }
            }
            let dispatch = self.b.cur;
            for (i, case) in cases.iter().enumerate() {
                if case.kind_name() != "default_case" {
                    self.b.edge(dispatch, blocks[i]);
                }
            }
        }
        match default {
            Some(d) => self.b.edge(self.b.cur, blocks[d]),
            None => self.b.edge(self.b.cur, after),
        }
        for (i, case) in cases.iter().enumerate() {
            self.b.cur = blocks[i];
            self.b.push_scope();
            self.block_depth += 1;
            if let Some(name) = &alias {
                let ty = if case.kind_name() == "type_case" {
                    let mut c = case.walk();
                    let tys: Vec<Node<'t>> = case.children_by_field_name("type", &mut c).collect();
                    match tys.as_slice() {
                        [one] => self.type_ref(*one),
                        _ => None,
                    }
                } else {
                    None
                };
                let p = self.declare(name, ty, Shape::Unknown);
                let span = self.span(*case);
                self.assign_to(p, subject.clone(), span);
                // `case nil:` alone: the value is nil in this clause.
                if case.kind_name() == "type_case" {
                    let mut c = case.walk();
                    let tys: Vec<Node<'t>> = case.children_by_field_name("type", &mut c).collect();
                    if let [one] = tys.as_slice()
                        && self.text(*one) == "nil"
                    {
                        self.b.emit(Event::Vanish { place: p });
                    }
                }
            }
            let stmts = statements(*case);
            let falls = stmts
                .last()
                .is_some_and(|s| s.kind_name() == "fallthrough_statement");
            for s in stmts {
                self.stmt(s, None);
            }
            self.close_block();
            let end = case.end_byte();
            self.b.pop_scope(Span::new(end.saturating_sub(1), end));
            match blocks.get(i + 1) {
                Some(next) if falls => self.b.goto(*next),
                _ => self.b.goto(after),
            }
        }
        self.b.pop_target();
        self.kinds.pop();
        self.b.cur = after;
        self.close_block();
        let end = node.end_byte().saturating_sub(1);
        self.b.pop_scope(Span::new(end, end + 1));
    }

    fn select_stmt(&mut self, node: Node<'t>, label: Option<String>) {
        let cases: Vec<Node<'t>> = named_children(node)
            .into_iter()
            .filter(|c| matches!(c.kind_name(), "communication_case" | "default_case"))
            .collect();
        let after = self.b.new_block();
        self.b.push_target(label, false, self.b.cur, after);
        self.kinds.push(TargetKind::Switch);
        let dispatch = self.b.cur;
        if cases.is_empty() {
            // `select {}` blocks forever.
            self.b.cur = self.b.new_block();
        }
        for case in cases {
            let start = self.b.new_block();
            self.b.edge(dispatch, start);
            self.b.cur = start;
            self.b.push_scope();
            self.block_depth += 1;
            if let Some(comm) = case.field(fields::COMMUNICATION) {
                match comm.kind_name() {
                    "send_statement" => self.stmt(comm, None),
                    // `case m = <-ch:` overwrites `m` as an assignment does.
                    _ if comm.field(fields::LEFT).is_some() && !self.text(comm).contains(":=") => {
                        let left = self.lhs_list(comm, fields::LEFT);
                        // A receive's `right` is the `<-ch` expression itself,
                        // not a list: `m` gets what comes out of `ch`, never `ch`.
                        let right: Vec<Node<'t>> = match comm.field(fields::RIGHT) {
                            Some(r) if r.kind_name() == "expression_list" => named_children(r),
                            Some(r) => vec![r],
                            None => Vec::new(),
                        };
                        let span = self.span(comm);
                        self.bind(&left, &right, false, span);
                    }
                    _ => {
                        let left = self.lhs_list(comm, fields::LEFT);
                        if let Some(r) = comm.field(fields::RIGHT) {
                            let op = self.expr(r);
                            self.read(op, self.span(r), true);
                        }
                        let declares = self.text(comm).contains(":=");
                        for l in left {
                            if declares && l.kind_name() == "identifier" {
                                let name = self.text(l);
                                if name != "_" {
                                    self.declare(name, None, Shape::Unknown);
                                }
                            }
                        }
                    }
                }
            }
            for s in statements(case) {
                self.stmt(s, None);
            }
            self.close_block();
            let end = case.end_byte();
            self.b.pop_scope(Span::new(end.saturating_sub(1), end));
            self.b.goto(after);
        }
        self.b.pop_target();
        self.kinds.pop();
        self.b.cur = after;
    }

    // ----- defer and exits -----

    fn defer_stmt(&mut self, node: Node<'t>) {
        let Some(call) = node.named_child(0) else {
            return;
        };
        if self.inline_exit.is_some() {
            // A defer inside a deferred func literal: not followed.
            let op = self.expr(call);
            self.discard(op, self.span(node));
            return;
        }
        let span = self.span(call);
        self.slots_own_block = true;
        let what = match call.kind_name() {
            "call_expression" => {
                let func = call.field(fields::FUNCTION);
                let args_node = call.field(fields::ARGUMENTS);
                if let Some(lit) = func.filter(|f| f.kind_name() == "func_literal") {
                    // Its arguments are evaluated now, into slots.
                    let args = self.args(args_node, CallCtx::Plain);
                    let slots = args
                        .into_iter()
                        .map(|a| self.slot_for(a.places, span))
                        .collect();
                    let captured = self.capture_block_locals(lit, span);
                    Deferred::Closure {
                        lit,
                        args: slots,
                        captured,
                    }
                } else {
                    match self.deferred_call(call) {
                        Some(d) => d,
                        None => return,
                    }
                }
            }
            _ => {
                let op = self.expr(call);
                self.discard(op, span);
                return;
            }
        };
        self.defers.push(Defer {
            what,
            depth: self.block_depth,
            conditional: false,
            own_block: self.slots_own_block,
        });
    }

    /// A place that keeps what a defer was given, alive until the exits.
    fn slot_for(&mut self, places: Op, span: Span) -> PlaceId {
        let name = places
            .first()
            .map(|(p, _)| self.b.body.places[*p as usize].name.clone())
            .unwrap_or_else(|| "<deferred>".to_string());
        let slot = self.b.unscoped_local(&name, LocalInfo::default());
        self.assign_to(slot, places, span);
        self.defer_slots.push(slot);
        slot
    }

    /// Evaluate a deferred call's receiver and arguments now; the call
    /// itself is emitted at each exit.
    fn deferred_call(&mut self, call: Node<'t>) -> Option<Deferred<'t>> {
        let span = self.span(call);
        let mark = self.b.body.callees.len();
        let event_mark = self.b.body.blocks[self.b.cur as usize].events.len();
        let block = self.b.cur;
        // Lower the call as usual, then take its event back out.
        let _ = self.call(call, CallCtx::Plain);
        if self.b.body.callees.len() == mark || self.b.cur != block {
            return None;
        }
        let events = &mut self.b.body.blocks[block as usize].events;
        let pos = events[event_mark..]
            .iter()
            .rposition(|e| matches!(e, Event::Call { call, .. } if *call as usize == self.b.body.callees.len() - 1))?
            + event_mark;
        let Event::Call { recv, args, .. } = events.remove(pos) else {
            return None;
        };
        let callee = self.b.body.callees.pop()?;
        // Go evaluates a deferred method's receiver at the `defer`: it is
        // kept in a slot like a pointer argument (`defer pm.returnToPool()`
        // in a block that ends before the exits), still passed as a receiver.
        let recv = recv.map(|r| self.slot_recv(r, span));
        let args = args.into_iter().map(|a| self.slot_arg(a, span)).collect();
        Some(Deferred::Call {
            callee,
            recv,
            args,
            span,
        })
    }

    /// `if .. { b := pool.Get(); defer func() { pool.Put(b) }() }`: the
    /// locals of the `defer`'s own (nested) block that the func literal
    /// names, each kept in a slot that shares its value until the exits.
    fn capture_block_locals(&mut self, lit: Node<'t>, span: Span) -> Vec<(String, PlaceId)> {
        if self.block_depth == 0 {
            return Vec::new();
        }
        let Some(body) = lit.field(fields::BODY) else {
            return Vec::new();
        };
        let mut names: Vec<&'s str> = Vec::new();
        let mut stack = vec![body];
        while let Some(n) = stack.pop() {
            if n.kind_name() == "identifier" {
                let name = self.text(n);
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            let mut c = n.walk();
            stack.extend(n.named_children(&mut c));
        }
        let mut captured = Vec::new();
        for name in names {
            let Some(p) = self.b.lookup(name) else {
                continue;
            };
            if !self.b.in_innermost_scope(p) {
                continue;
            }
            let slot = self.slot_for(vec![(p, Mode::Share)], span);
            captured.push((name.to_string(), slot));
        }
        captured
    }

    /// A deferred call's receiver, its places kept in slots.
    fn slot_recv(&mut self, arg: Arg, span: Span) -> Arg {
        let mut places = Vec::new();
        for (p, m) in arg.places {
            let temp = self.b.body.places[p as usize].kind == PlaceKind::Temp;
            self.slots_own_block &= temp || self.b.in_innermost_scope(p);
            let slot = self.slot_for(vec![(p, Mode::Share)], span);
            places.push((slot, m));
        }
        Arg { places, ..arg }
    }

    /// An argument of a deferred call, its owned places kept in slots.
    fn slot_arg(&mut self, arg: Arg, span: Span) -> Arg {
        let mut places = Vec::new();
        for (p, m) in arg.places {
            let temp = self.b.body.places[p as usize].kind == PlaceKind::Temp;
            if matches!(m, Mode::Move | Mode::Share) || temp {
                self.slots_own_block &= temp || self.b.in_innermost_scope(p);
                let slot = self.slot_for(vec![(p, m)], span);
                places.push((slot, m));
            } else {
                places.push((p, m));
            }
        }
        Arg { places, ..arg }
    }

    fn return_stmt(&mut self, node: Node<'t>) {
        let span = node.child(0).map_or(self.span(node), |kw| self.span(kw));
        let values: Vec<Node<'t>> = node.named_child(0).map(named_children).unwrap_or_default();
        // `return nil, err`, `return fmt.Errorf(..)`: leaving with a failure.
        let kind = if self.error_result
            && values.len() == self.result_count
            && values.last().is_some_and(|v| self.failing_result(node, *v))
        {
            ExitKind::Fail
        } else {
            ExitKind::Return
        };
        let mut results = Vec::new();
        for v in values {
            let vspan = self.span(v);
            let field = self.returned_field(v);
            let op = self.expr(v);
            results.push((op, vspan, field));
        }
        self.exit_func(kind, span, results, true);
    }

    /// The last result of a `return` (an `error`) is a failure: not `nil`,
    /// and a local (`err`) only in the branch of an `if err != nil`.
    fn failing_result(&mut self, ret: Node<'t>, v: Node<'t>) -> bool {
        match v.kind_name() {
            "nil" => false,
            "identifier" => {
                let name = self.text(v);
                if name == "nil" {
                    return false;
                }
                if self.b.lookup(name).is_none() {
                    // A package-level sentinel (`errShort`).
                    return true;
                }
                let test = format!("{name} != nil");
                let mut child = ret;
                while let Some(parent) = child.parent() {
                    match parent.kind_name() {
                        "func_literal" | "function_declaration" | "method_declaration" => break,
                        "if_statement"
                            if parent
                                .field(fields::CONSEQUENCE)
                                .is_some_and(|c| c.id() == child.id())
                                && parent
                                    .field(fields::CONDITION)
                                    .is_some_and(|c| self.text(c).contains(&test)) =>
                        {
                            return true;
                        }
                        _ => {}
                    }
                    child = parent;
                }
                false
            }
            // `fmt.Errorf(..)`, `io.EOF`, `&PathError{..}`.
            _ => true,
        }
    }

    /// A returned field of a local whose value may point into it (a slice,
    /// pointer or map field, not an `error`): it stays an alias of the
    /// local after return.
    fn returned_field(&mut self, v: Node<'t>) -> bool {
        if v.kind_name() != "selector_expression" {
            return false;
        }
        let (Some(operand), Some(field)) = (v.field(fields::OPERAND), v.field(fields::FIELD))
        else {
            return false;
        };
        let field = self.text(field);
        if ALIASING_FIELDS.contains(&field) {
            return true;
        }
        match self.type_of(operand) {
            Some(TypeRef::Named(ty)) => self.src.field_shape(&ty, field).may_point_into_owner(),
            // A type the file does not spell out here (`m := getMsg()`): the
            // field as the file's structs declare it, when they all agree.
            Some(TypeRef::CallResult(..)) => {
                let mut shapes = self.src.fields.values().filter_map(|f| f.get(field));
                shapes.next().is_some_and(|s| s.may_point_into_owner())
                    && shapes.all(|s| s.may_point_into_owner())
            }
            _ => false,
        }
    }

    /// Leave the func: the results are taken, the defers run, the results
    /// are handed to the caller, the locals go.
    fn exit_func(
        &mut self,
        kind: ExitKind,
        span: Span,
        results: Vec<(Op, Span, bool)>,
        explicit: bool,
    ) {
        if let Some(after) = self.inline_exit {
            // A `return` inside an inlined deferred func literal.
            for (op, vspan, _) in results {
                self.read(op, vspan, true);
            }
            self.b.edge(self.b.cur, after);
            self.b.cur = self.b.new_block();
            return;
        }
        let mut out: Vec<(PlaceId, Span)> = Vec::new();
        let named = self.named_results.clone();
        let n_results = results.len();
        for (i, (op, vspan, field)) in results.into_iter().enumerate() {
            let slot = match named.as_ref().and_then(|n| n.get(i)) {
                Some(&p) => p,
                None => {
                    let name = self.src.text[vspan.start as usize..vspan.end as usize].to_string();
                    self.b.unscoped_local(&name, LocalInfo::default())
                }
            };
            // `return f()` in a func of several results forwards all of
            // `f`'s, each in its place.
            let position = if i == 0 && n_results == 1 && self.result_count > 1 {
                FORWARDED
            } else {
                i.min(FORWARDED as usize - 1) as u8
            };
            if position > 0 && !self.b.body.later_results.iter().any(|&(p, _)| p == slot) {
                self.b.body.later_results.push((slot, position));
            }
            if named.is_some() && !op.iter().any(|&(p, _)| p == slot) {
                // `return nil, err` overwrites the named result.
                self.b.emit(Event::Assign {
                    place: slot,
                    kind: AssignKind::Other,
                    span: vspan,
                });
            }
            for (p, m) in op {
                if p == slot {
                    continue;
                }
                let is_field = self.b.body.places[p as usize].kind == PlaceKind::Field;
                if is_field && field {
                    self.b.emit(Event::Alias {
                        dest: slot,
                        of: p,
                        span: vspan,
                    });
                } else if is_field {
                    // A value copied out now.
                    self.b.emit(Event::Use {
                        place: p,
                        span: vspan,
                        weak: false,
                    });
                } else {
                    let _ = m;
                    self.b.emit(Event::Move {
                        dest: slot,
                        src: p,
                        span: vspan,
                    });
                }
            }
            out.push((slot, vspan));
        }
        if let (Some(named), true) = (&named, out.is_empty() && explicit) {
            // A bare `return` returns the named results.
            out = named.iter().map(|&p| (p, span)).collect();
        }
        self.run_defers(span);
        for (slot, vspan) in out {
            self.b.emit(Event::Transfer {
                place: slot,
                span: vspan,
                returned: true,
            });
        }
        if !self.defer_slots.is_empty() {
            self.b.emit(Event::Exit {
                kind,
                span,
                drops: self.defer_slots.clone(),
            });
        }
        if kind == ExitKind::End {
            // The body's end: the builder's `finish` drops the rest.
            self.end_span = span;
        } else {
            self.b.exit_body(kind, span);
        }
    }

    /// The registered defers, last first; one whose block has ended may not
    /// have run.
    fn run_defers(&mut self, span: Span) {
        let defers = std::mem::take(&mut self.defers);
        for d in defers.iter().rev() {
            // A call given only slots of its own block's values runs on
            // every exit: on a path that never reached the `defer`, its slots
            // hold nothing to give back.
            let slotted = match &d.what {
                Deferred::Call { recv, args, .. } => {
                    d.own_block
                        && recv
                            .iter()
                            .chain(args)
                            .flat_map(|a| &a.places)
                            .all(|(p, _)| self.defer_slots.contains(p))
                }
                // A func literal that uses locals of its own block: those
                // slots hold nothing on a path that skipped the block.
                Deferred::Closure { captured, .. } => d.own_block && !captured.is_empty(),
            };
            let join = if d.conditional && !slotted {
                let from = self.b.cur;
                let run = self.b.new_block();
                let skip = self.b.new_block();
                let join = self.b.new_block();
                self.b.edge(from, run);
                self.b.edge(from, skip);
                // Where the `defer` was not reached, its slots were never
                // filled: what they hold by the join came from the paths
                // that reached it.
                self.b.cur = skip;
                for slot in d.slots() {
                    if self.defer_slots.contains(&slot) {
                        self.b.emit(Event::Unreached { place: slot });
                    }
                }
                self.b.goto(join);
                self.b.cur = run;
                Some(join)
            } else {
                None
            };
            match &d.what {
                Deferred::Call {
                    callee,
                    recv,
                    args,
                    span: cspan,
                } => {
                    self.b
                        .call(callee.clone(), recv.clone(), args.clone(), *cspan);
                }
                Deferred::Closure {
                    lit,
                    args,
                    captured,
                } => self.inline_closure(*lit, args, captured, span),
            }
            if let Some(join) = join {
                self.b.goto(join);
            }
        }
        self.defers = defers;
    }

    /// A deferred func literal's body, run here.
    fn inline_closure(
        &mut self,
        lit: Node<'t>,
        args: &[PlaceId],
        captured: &[(String, PlaceId)],
        span: Span,
    ) {
        let after = self.b.new_block();
        let saved = self.inline_exit.replace(after);
        let saved_results = self.named_results.take();
        self.b.push_scope();
        self.block_depth += 1;
        let mut i = 0;
        if let Some(params) = lit.field(fields::PARAMETERS) {
            for decl in named_children(params) {
                let mut c = decl.walk();
                let names: Vec<Node<'t>> = decl.children_by_field_name("name", &mut c).collect();
                for n in names {
                    let name = self.text(n);
                    let p = self.declare(name, None, Shape::Unknown);
                    if let Some(&slot) = args.get(i) {
                        self.b.emit(Event::Move {
                            dest: p,
                            src: slot,
                            span,
                        });
                    }
                    i += 1;
                }
            }
        }
        for (name, slot) in captured {
            let p = self.declare(name, None, Shape::Unknown);
            self.b.emit(Event::Move {
                dest: p,
                src: *slot,
                span,
            });
        }
        if let Some(body) = lit.field(fields::BODY) {
            for stmt in statements(body) {
                self.stmt(stmt, None);
            }
        }
        self.close_block();
        self.b.pop_scope(span);
        self.b.goto(after);
        self.named_results = saved_results;
        self.inline_exit = saved;
    }
}

/// Does the body hand `place` on (transfer, move, pass by value or share)?
fn consumes(body: &Body, place: PlaceId) -> bool {
    body.blocks
        .iter()
        .flat_map(|b| &b.events)
        .any(|ev| match ev {
            Event::Transfer { place: p, .. } => *p == place,
            Event::Move { src, .. } | Event::Take { src, .. } => *src == place,
            Event::Call { recv, args, .. } => recv.iter().chain(args).any(|a| {
                a.places
                    .iter()
                    .any(|&(p, m)| p == place && matches!(m, Mode::Move | Mode::Share))
            }),
            _ => false,
        })
}
