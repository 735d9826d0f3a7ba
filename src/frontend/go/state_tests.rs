//! Syntax-only questions about a Go local at one assignment: is it replaced
//! in a branch that was chosen by looking at the value it held?
//!
//! `if timeoutResponse != nil { ctx = s.acquireCtx(c) }`, after
//! `timeoutResponse = ctx.timeoutResponse`: the code read the old value's
//! state and decided to replace it (it is still in use elsewhere, it is
//! closed, it is the wrong size). That is a decision about the value, not a
//! value forgotten: lowering lets the old value go there.

use tree_sitter::Node;

/// The func declaration, method or func literal around `node`.
fn enclosing_func(node: Node<'_>) -> Option<Node<'_>> {
    let mut n = node;
    while let Some(parent) = n.parent() {
        n = parent;
        if matches!(
            n.kind(),
            "function_declaration" | "method_declaration" | "func_literal"
        ) {
            return Some(n);
        }
    }
    None
}

fn strip_parens(mut node: Node<'_>) -> Node<'_> {
    while node.kind() == "parenthesized_expression"
        && let Some(inner) = node.named_child(0)
    {
        node = inner;
    }
    node
}

/// `x.f` or `x.f.g` (a field read, not a method called): rooted at `name`.
fn is_field_read(node: Node<'_>, name: &str, text: &str) -> bool {
    let node = strip_parens(node);
    if node.kind() != "selector_expression" {
        return false;
    }
    if let Some(parent) = node.parent()
        && parent.kind() == "call_expression"
        && parent
            .child_by_field_name("function")
            .is_some_and(|f| f.id() == node.id())
    {
        return false;
    }
    let mut operand = node;
    while operand.kind() == "selector_expression" {
        let Some(o) = operand.child_by_field_name("operand") else {
            return false;
        };
        operand = strip_parens(o);
    }
    operand.kind() == "identifier" && &text[operand.byte_range()] == name
}

/// Every node below `node`, func literals left out.
fn descendants(node: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        out.push(n);
        if n.kind() == "func_literal" {
            continue;
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    out
}

/// Locals set from a field of `name` before `before` in `func`
/// (`t := x.f`, `t = x.f`, `var t = x.f`).
fn locals_read_from(func: Node<'_>, name: &str, before: usize, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for n in descendants(func) {
        if n.end_byte() > before
            || !matches!(
                n.kind(),
                "assignment_statement" | "short_var_declaration" | "var_spec"
            )
        {
            continue;
        }
        let (lefts, rights) = if n.kind() == "var_spec" {
            ("name", "value")
        } else {
            ("left", "right")
        };
        let list = |field: &str| -> Vec<Node<'_>> {
            let mut c = n.walk();
            n.children_by_field_name(field, &mut c)
                .flat_map(|l| {
                    if l.kind() == "expression_list" {
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
            if l.kind() == "identifier" && is_field_read(*r, name, text) {
                out.push(text[l.byte_range()].to_string());
            }
        }
    }
    out
}

/// Does this condition read the state of `name`'s value: a field of it,
/// or a local set from one?
fn reads_state(cond: Node<'_>, name: &str, locals: &[String], text: &str) -> bool {
    descendants(cond).into_iter().any(|n| {
        is_field_read(n, name, text)
            || (n.kind() == "identifier" && locals.iter().any(|l| *l == text[n.byte_range()]))
    })
}

/// `left` (a local) is assigned inside a branch of an `if` whose condition
/// reads the state of the value `left` holds.
pub fn replaced_after_test(left: Node<'_>, text: &str) -> bool {
    if left.kind() != "identifier" {
        return false;
    }
    let name = &text[left.byte_range()];
    let Some(func) = enclosing_func(left) else {
        return false;
    };
    let mut n = left;
    while let Some(parent) = n.parent() {
        if parent.id() == func.id() {
            break;
        }
        if parent.kind() == "if_statement"
            && let Some(cond) = parent.child_by_field_name("condition")
            && cond.end_byte() <= left.start_byte()
            && parent
                .child_by_field_name("initializer")
                .is_none_or(|i| i.end_byte() <= left.start_byte())
        {
            let locals = locals_read_from(func, name, cond.start_byte(), text);
            if reads_state(cond, name, &locals, text) {
                return true;
            }
        }
        n = parent;
    }
    false
}
