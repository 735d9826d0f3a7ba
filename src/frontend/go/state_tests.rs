//! Syntax-only questions about a Go local at one assignment: is it replaced
//! in a branch that was chosen by looking at the value it held?
//!
//! `if timeoutResponse != nil { ctx = s.acquireCtx(c) }`, after
//! `timeoutResponse = ctx.timeoutResponse`: the code read the old value's
//! state and decided to replace it (it is still in use elsewhere, it is
//! closed, it is the wrong size). That is a decision about the value, not a
//! value forgotten: lowering lets the old value go there.

use super::fields::{self, Fields as _};
use tree_sitter::Node;

fn strip_parens(mut node: Node<'_>) -> Node<'_> {
    while node.kind_name() == "parenthesized_expression"
        && let Some(inner) = node.named_child(0)
    {
        node = inner;
    }
    node
}

/// Every node below `node`, func literals left out.
fn descendants(node: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        out.push(n);
        if n.kind_name() == "func_literal" {
            continue;
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    out
}

/// `t := x.f`, `t = x.f` or `var t = x.f`: local `t` holds part of the
/// state of `x`'s value, from byte `end` on.
pub struct FieldCopy {
    local: String,
    root: String,
    end: usize,
}

/// The root local of a field read (`x` in `x.f.g`), not a method called.
fn field_read_root<'t>(node: Node<'_>, text: &'t str) -> Option<&'t str> {
    let node = strip_parens(node);
    if node.kind_name() != "selector_expression" {
        return None;
    }
    if let Some(parent) = node.parent()
        && parent.kind_name() == "call_expression"
        && parent
            .field(fields::FUNCTION)
            .is_some_and(|f| f.id() == node.id())
    {
        return None;
    }
    let mut operand = node;
    while operand.kind_name() == "selector_expression" {
        operand = strip_parens(operand.field(fields::OPERAND)?);
    }
    (operand.kind_name() == "identifier").then(|| &text[operand.byte_range()])
}

/// Every local of `body` set from a field of another local.
pub fn field_copies(body: Node<'_>, text: &str) -> Vec<FieldCopy> {
    let mut out = Vec::new();
    for n in descendants(body) {
        let (lefts, rights) = match n.kind_name() {
            "var_spec" => ("name", "value"),
            "assignment_statement" | "short_var_declaration" => ("left", "right"),
            _ => continue,
        };
        let list = |field: &str| -> Vec<Node<'_>> {
            let mut c = n.walk();
            n.children_by_field_name(field, &mut c)
                .flat_map(|l| {
                    if l.kind_name() == "expression_list" {
                        let mut c = l.walk();
                        l.named_children(&mut c).collect()
                    } else {
                        vec![l]
                    }
                })
                .collect()
        };
        let (left, right) = (list(lefts), list(rights));
        if left.len() != right.len() {
            continue;
        }
        for (l, r) in left.iter().zip(&right) {
            if l.kind_name() == "identifier"
                && let Some(root) = field_read_root(*r, text)
            {
                out.push(FieldCopy {
                    local: text[l.byte_range()].to_string(),
                    root: root.to_string(),
                    end: n.end_byte(),
                });
            }
        }
    }
    out
}

/// Does condition `cond` read the state of the value local `name` holds: a
/// field of it, or a local set from one before the condition?
pub fn reads_state(cond: Node<'_>, name: &str, copies: &[FieldCopy], text: &str) -> bool {
    descendants(cond).into_iter().any(|n| {
        field_read_root(n, text) == Some(name)
            || (n.kind_name() == "identifier"
                && copies.iter().any(|c| {
                    c.root == name && c.end <= cond.start_byte() && c.local == text[n.byte_range()]
                }))
    })
}
