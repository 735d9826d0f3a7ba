//! The Go grammar's field ids (and the comment kind's id), looked up by
//! name once per process.
//!
//! `Node::child_by_field_name` resolves the name against the language's
//! field table on every call; the lowering asks for fields millions of times
//! on a large tree, so [`Fields::field`] asks by id instead (same result).
//! Likewise [`is_comment`] compares kind ids, and [`Fields::kind_name`]
//! reads a node's kind from a table by id, not `Node::kind()` (which measures
//! and checks the C string on every call).

use std::sync::OnceLock;
use tree_sitter::Node;

macro_rules! fields {
    ($($konst:ident = $name:literal),* $(,)?) => {
        const NAMES: &[&str] = &[$($name),*];
        fields!(@consts 0usize; $($konst)*);
    };
    (@consts $i:expr; $konst:ident $($rest:ident)*) => {
        pub const $konst: Field = Field($i);
        fields!(@consts $i + 1usize; $($rest)*);
    };
    (@consts $i:expr;) => {};
}

/// A field of the Go grammar, by its index in [`NAMES`].
#[derive(Clone, Copy)]
pub struct Field(usize);

fields! {
    ALIAS = "alias",
    ALTERNATIVE = "alternative",
    ARGUMENTS = "arguments",
    BODY = "body",
    CAPACITY = "capacity",
    CHANNEL = "channel",
    COMMUNICATION = "communication",
    CONDITION = "condition",
    CONSEQUENCE = "consequence",
    ELEMENT = "element",
    END = "end",
    FIELD = "field",
    FUNCTION = "function",
    INDEX = "index",
    INITIALIZER = "initializer",
    LABEL = "label",
    LEFT = "left",
    NAME = "name",
    OPERAND = "operand",
    OPERATOR = "operator",
    PACKAGE = "package",
    PARAMETERS = "parameters",
    PATH = "path",
    RECEIVER = "receiver",
    RESULT = "result",
    RIGHT = "right",
    START = "start",
    TYPE = "type",
    TYPE_ARGUMENTS = "type_arguments",
    TYPE_PARAMETERS = "type_parameters",
    UPDATE = "update",
    VALUE = "value",
}

/// The id of each of [`NAMES`] in the Go grammar (0, which names no
/// field, for a name the grammar lacks: no child has it).
fn ids() -> &'static [u16] {
    static IDS: OnceLock<Vec<u16>> = OnceLock::new();
    IDS.get_or_init(|| {
        let language: tree_sitter::Language = tree_sitter_go::LANGUAGE.into();
        NAMES
            .iter()
            .map(|name| language.field_id_for_name(name).map_or(0, u16::from))
            .collect()
    })
}

/// `child_by_field_name` by a field id looked up once.
pub trait Fields<'t>: Sized {
    /// The child in field `f`, as `child_by_field_name` gives it.
    fn field(&self, f: Field) -> Option<Self>;
    /// The node's kind, as `Node::kind` gives it.
    fn kind_name(&self) -> &'t str;
}

impl<'t> Fields<'t> for Node<'t> {
    fn field(&self, f: Field) -> Option<Self> {
        self.child_by_field_id(ids()[f.0])
    }

    fn kind_name(&self) -> &'t str {
        static LANGUAGE: OnceLock<tree_sitter::Language> = OnceLock::new();
        static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
        let names = NAMES.get_or_init(|| {
            let language = LANGUAGE.get_or_init(|| tree_sitter_go::LANGUAGE.into());
            (0..language.node_kind_count())
                .map(|id| {
                    u16::try_from(id)
                        .ok()
                        .and_then(|id| language.node_kind_for_id(id))
                        .unwrap_or("")
                })
                .collect()
        });
        match names.get(usize::from(self.kind_id())) {
            Some(name) if !name.is_empty() => name,
            // ERROR (id u16::MAX) and anything the table lacks.
            _ => self.kind(),
        }
    }
}

/// Whether `node` is a comment (by kind id: `Node::kind()` measures and
/// checks its string on every call).
pub fn is_comment(node: Node<'_>) -> bool {
    static COMMENT: OnceLock<u16> = OnceLock::new();
    let id = *COMMENT.get_or_init(|| {
        let language: tree_sitter::Language = tree_sitter_go::LANGUAGE.into();
        language.id_for_node_kind("comment", true)
    });
    node.kind_id() == id
}
