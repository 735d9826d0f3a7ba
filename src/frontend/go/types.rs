//! Go type expressions as the index names types, without a type checker.
//!
//! Go declares its types, so most names are one lookup away: a type of the
//! package itself is its plain name (`pubMsg`), an imported package's type is
//! `importpath::Name` (`sync::Pool`, `github.com/valyala/bytebufferpool::ByteBuffer`),
//! pointers are peeled (`*T` is `T`), and the composite kinds the index must
//! tell apart from named types get names no Go identifier can have: `[]` for
//! a slice, `[n]` for an array, `[map]`, `[chan]`, `[func]`. Those are the
//! standard library's to the index (they start with no letter), never the
//! owner of a pool API.

use super::Src;
use super::fields::{self, Fields as _};
use std::collections::HashMap;
use tree_sitter::Node;

/// The name the index gives a slice type (a growable buffer).
pub const SLICE: &str = "[]";
pub const ARRAY: &str = "[n]";
pub const MAP: &str = "[map]";
pub const CHAN: &str = "[chan]";
pub const FUNC: &str = "[func]";

/// What a value is, as far as the declarations say: whether passing it
/// copies a pointer or the value itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Shape {
    #[default]
    Unknown,
    Pointer,
    Slice,
    Map,
    Chan,
    Func,
    Interface,
    /// A struct or array value: copied when passed.
    Value,
    /// A number, string or bool.
    Scalar,
}

impl Shape {
    /// A value that is not a pointer: passing it where an interface is
    /// expected copies it to the heap.
    pub fn is_non_pointer(self) -> bool {
        matches!(self, Shape::Slice | Shape::Value | Shape::Scalar)
    }

    /// A field value that may point into memory its pooled owner reuses (a
    /// slice's array, a map, a pointee): not an interface, func or channel,
    /// which a reset lets go of rather than reuses.
    pub fn may_point_into_owner(self) -> bool {
        matches!(self, Shape::Pointer | Shape::Slice | Shape::Map)
    }

    /// A value that points at shared memory (copying it shares what it points to).
    pub fn is_reference(self) -> bool {
        matches!(
            self,
            Shape::Pointer
                | Shape::Slice
                | Shape::Map
                | Shape::Chan
                | Shape::Func
                | Shape::Interface
        )
    }
}

/// Go's predeclared type names.
const SCALARS: &[&str] = &[
    "bool",
    "string",
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "uintptr",
    "byte",
    "rune",
    "float32",
    "float64",
    "complex64",
    "complex128",
];

/// How the file names packages: local name -> import path.
#[derive(Debug, Default)]
pub struct Imports {
    pub by_name: HashMap<String, String>,
    /// Import paths in order (for the index: the packages the file uses).
    pub paths: Vec<String>,
}

/// The name a package is known by when its import does not rename it: the
/// last element of the path, without a major version (`/v2`), a `.v3`
/// suffix (gopkg.in) or a `go-` prefix / `-go` suffix.
pub fn default_package_name(path: &str) -> String {
    let mut parts: Vec<&str> = path.split('/').collect();
    if parts.len() > 1
        && parts.last().is_some_and(|l| {
            l.len() > 1 && l.starts_with('v') && l[1..].bytes().all(|b| b.is_ascii_digit())
        })
    {
        parts.pop();
    }
    let mut last = parts.last().copied().unwrap_or(path);
    if let Some((base, version)) = last.rsplit_once(".v")
        && !version.is_empty()
        && version.bytes().all(|b| b.is_ascii_digit())
    {
        last = base;
    }
    let last = last.strip_prefix("go-").unwrap_or(last);
    let last = last.strip_suffix("-go").unwrap_or(last);
    last.replace(['-', '.'], "_")
}

impl Imports {
    pub fn collect(root: Node<'_>, src: &Src<'_>) -> Imports {
        let mut imports = Imports::default();
        let mut cursor = root.walk();
        for decl in root.named_children(&mut cursor) {
            if decl.kind_name() != "import_declaration" {
                continue;
            }
            let mut specs = Vec::new();
            let mut c = decl.walk();
            for child in decl.named_children(&mut c) {
                match child.kind_name() {
                    "import_spec" => specs.push(child),
                    "import_spec_list" => {
                        let mut c2 = child.walk();
                        specs.extend(
                            child
                                .named_children(&mut c2)
                                .filter(|s| s.kind_name() == "import_spec"),
                        );
                    }
                    _ => {}
                }
            }
            for spec in specs {
                let Some(path) = spec.field(fields::PATH) else {
                    continue;
                };
                let path = src
                    .text(path)
                    .trim_matches(|c| c == '"' || c == '`')
                    .to_string();
                let name = match spec.field(fields::NAME) {
                    Some(n) if n.kind_name() == "package_identifier" => src.text(n).to_string(),
                    // `_` and `.` imports bring no name.
                    Some(_) => {
                        imports.paths.push(path);
                        continue;
                    }
                    None => default_package_name(&path),
                };
                imports.by_name.entry(name).or_insert_with(|| path.clone());
                imports.paths.push(path);
            }
        }
        imports
    }

    /// The import path of a package name used in this file.
    pub fn path_of(&self, name: &str) -> Option<&str> {
        self.by_name.get(name).map(String::as_str)
    }

    /// Each import's name in the file and its path.
    pub fn names(&self) -> impl Iterator<Item = (&str, &str)> {
        self.by_name.iter().map(|(n, p)| (n.as_str(), p.as_str()))
    }
}

/// What the index needs of a type expression.
pub struct TypeInfo {
    /// The qualified name after peeling pointers (`None`: a type parameter,
    /// a struct or interface literal).
    pub core: Option<String>,
    pub shape: Shape,
    /// For a slice, array, map or channel: the element's core name.
    pub element: Option<String>,
    /// Every named type the expression mentions.
    pub mentions: Vec<String>,
}

/// The type names in scope of a declaration that are type parameters.
pub type Generics<'a> = &'a [String];

pub fn type_info(node: Node<'_>, src: &Src<'_>, generics: Generics<'_>) -> TypeInfo {
    let mut mentions = Vec::new();
    collect_mentions(node, src, &mut mentions);
    let (core, shape, element) = core_of(node, src, generics, 0);
    TypeInfo {
        core,
        shape,
        element,
        mentions,
    }
}

/// The qualified core name of a type expression.
pub fn core_name(node: Node<'_>, src: &Src<'_>, generics: Generics<'_>) -> Option<String> {
    core_of(node, src, generics, 0).0
}

pub fn shape_of(node: Node<'_>, src: &Src<'_>, generics: Generics<'_>) -> Shape {
    core_of(node, src, generics, 0).1
}

fn core_of(
    node: Node<'_>,
    src: &Src<'_>,
    generics: Generics<'_>,
    depth: usize,
) -> (Option<String>, Shape, Option<String>) {
    if depth > 32 {
        return (None, Shape::Unknown, None);
    }
    let element = |field: fields::Field| {
        node.field(field)
            .and_then(|e| core_of(e, src, generics, depth + 1).0)
    };
    match node.kind_name() {
        "type_identifier" | "identifier" => {
            let name = src.text(node);
            if generics.iter().any(|g| g == name) {
                return (None, Shape::Unknown, None);
            }
            let shape = if SCALARS.contains(&name) {
                Shape::Scalar
            } else if matches!(name, "any" | "error") {
                Shape::Interface
            } else {
                // A named type of the package: a struct, most of the time.
                src.shape_of_local(name)
            };
            (Some(name.to_string()), shape, None)
        }
        "qualified_type" => {
            let (Some(pkg), Some(name)) = (node.field(fields::PACKAGE), node.field(fields::NAME))
            else {
                return (None, Shape::Unknown, None);
            };
            let pkg = src.text(pkg);
            let path = src.imports.path_of(pkg).unwrap_or(pkg);
            (
                Some(format!("{path}::{}", src.text(name))),
                Shape::Unknown,
                None,
            )
        }
        "pointer_type" => {
            let inner = node.named_child(0);
            let core = inner.and_then(|n| core_of(n, src, generics, depth + 1).0);
            (core, Shape::Pointer, None)
        }
        "parenthesized_type" => match node.named_child(0) {
            Some(inner) => core_of(inner, src, generics, depth + 1),
            None => (None, Shape::Unknown, None),
        },
        "generic_type" => match node.field(fields::TYPE) {
            Some(inner) => core_of(inner, src, generics, depth + 1),
            None => (None, Shape::Unknown, None),
        },
        "slice_type" => (Some(SLICE.into()), Shape::Slice, element(fields::ELEMENT)),
        "array_type" | "implicit_length_array_type" => {
            (Some(ARRAY.into()), Shape::Value, element(fields::ELEMENT))
        }
        "map_type" => (Some(MAP.into()), Shape::Map, element(fields::VALUE)),
        "channel_type" => (Some(CHAN.into()), Shape::Chan, element(fields::VALUE)),
        "function_type" => (Some(FUNC.into()), Shape::Func, None),
        "interface_type" => (None, Shape::Interface, None),
        "struct_type" => (None, Shape::Value, None),
        _ => (None, Shape::Unknown, None),
    }
}

fn collect_mentions(node: Node<'_>, src: &Src<'_>, out: &mut Vec<String>) {
    match node.kind_name() {
        "type_identifier" => out.push(src.text(node).to_string()),
        "qualified_type" => {
            if let Some(name) = node.field(fields::NAME) {
                out.push(src.text(name).to_string());
            }
            return;
        }
        "slice_type" => out.push(SLICE.into()),
        "map_type" => out.push(MAP.into()),
        _ => {}
    }
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        collect_mentions(child, src, out);
    }
}

/// The result types of a signature: each result's type node.
pub fn result_types<'t>(node: Option<Node<'t>>) -> Vec<Node<'t>> {
    let Some(node) = node else {
        return Vec::new();
    };
    if node.kind_name() != "parameter_list" {
        return vec![node];
    }
    let mut out = Vec::new();
    let mut cursor = node.walk();
    for decl in node.named_children(&mut cursor) {
        let Some(ty) = decl.field(fields::TYPE) else {
            continue;
        };
        let mut c = decl.walk();
        let names = decl.children_by_field_name("name", &mut c).count().max(1);
        for _ in 0..names {
            out.push(ty);
        }
    }
    out
}

/// Does a result type carry no value worth handing on (`error`, `bool`, a number)?
pub fn carries_no_value(node: Node<'_>, src: &Src<'_>) -> bool {
    match node.kind_name() {
        "type_identifier" => {
            let name = src.text(node);
            name == "error" || SCALARS.contains(&name)
        }
        _ => false,
    }
}
