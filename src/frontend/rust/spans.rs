//! Spans of expressions and statements in constant time per node.
//!
//! `syn::spanned::Spanned` turns a node back into tokens to join their spans,
//! which costs the size of the node; calling it on every node of a nested
//! expression is quadratic. These functions read the first and last token of
//! a node from its structure instead.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Expr, Stmt};

/// The first token of an expression.
pub fn expr_start(mut e: &Expr) -> Span {
    loop {
        return match e {
            Expr::Assign(x) => {
                e = &x.left;
                continue;
            }
            Expr::Await(x) => {
                e = &x.base;
                continue;
            }
            Expr::Binary(x) => {
                e = &x.left;
                continue;
            }
            Expr::Call(x) => {
                e = &x.func;
                continue;
            }
            Expr::Cast(x) => {
                e = &x.expr;
                continue;
            }
            Expr::Field(x) => {
                e = &x.base;
                continue;
            }
            Expr::Index(x) => {
                e = &x.expr;
                continue;
            }
            Expr::MethodCall(x) => {
                e = &x.receiver;
                continue;
            }
            Expr::Try(x) => {
                e = &x.expr;
                continue;
            }
            Expr::Range(x) => match &x.start {
                Some(s) => {
                    e = s;
                    continue;
                }
                None => x.limits.span(),
            },
            Expr::Group(x) => {
                e = &x.expr;
                continue;
            }
            Expr::Array(x) => x.bracket_token.span.open(),
            Expr::Async(x) => x.async_token.span,
            Expr::Block(x) => match &x.label {
                Some(l) => l.name.apostrophe,
                None => x.block.brace_token.span.open(),
            },
            Expr::Break(x) => x.break_token.span,
            Expr::Closure(x) => match (&x.capture, &x.asyncness) {
                (_, Some(a)) => a.span,
                (Some(m), None) => m.span,
                (None, None) => x.inputs_begin.span,
            },
            Expr::Continue(x) => x.continue_token.span,
            Expr::ForLoop(x) => x
                .label
                .as_ref()
                .map(|l| l.name.apostrophe)
                .unwrap_or(x.for_token.span),
            Expr::If(x) => x.if_token.span,
            Expr::Let(x) => x.let_token.span,
            Expr::Loop(x) => x
                .label
                .as_ref()
                .map(|l| l.name.apostrophe)
                .unwrap_or(x.loop_token.span),
            Expr::Macro(x) => x
                .mac
                .path
                .segments
                .first()
                .map(|s| s.ident.span())
                .unwrap_or_else(|| x.mac.bang_token.span),
            Expr::Match(x) => x.match_token.span,
            Expr::Paren(x) => x.paren_token.span.open(),
            Expr::Path(x) => match &x.qself {
                Some(q) => q.lt_token.span,
                None => x
                    .path
                    .segments
                    .first()
                    .map(|s| s.ident.span())
                    .unwrap_or_else(|| x.path.span()),
            },
            Expr::RawAddr(x) => x.and_token.span,
            Expr::Reference(x) => x.and_token.span,
            Expr::Repeat(x) => x.bracket_token.span.open(),
            Expr::Return(x) => x.return_token.span,
            Expr::Struct(x) => x
                .path
                .segments
                .first()
                .map(|s| s.ident.span())
                .unwrap_or_else(|| x.brace_token.span.open()),
            Expr::Tuple(x) => x.paren_token.span.open(),
            Expr::Unary(x) => x.op.span(),
            Expr::Unsafe(x) => x.unsafe_token.span,
            Expr::While(x) => x
                .label
                .as_ref()
                .map(|l| l.name.apostrophe)
                .unwrap_or(x.while_token.span),
            Expr::Yield(x) => x.yield_token.span,
            other => other.span(),
        };
    }
}

/// The last token of an expression.
pub fn expr_end(mut e: &Expr) -> Span {
    loop {
        return match e {
            Expr::Assign(x) => {
                e = &x.right;
                continue;
            }
            Expr::Binary(x) => {
                e = &x.right;
                continue;
            }
            Expr::Closure(x) => {
                e = &x.body;
                continue;
            }
            Expr::Let(x) => {
                e = &x.expr;
                continue;
            }
            Expr::RawAddr(x) => {
                e = &x.expr;
                continue;
            }
            Expr::Reference(x) => {
                e = &x.expr;
                continue;
            }
            Expr::Unary(x) => {
                e = &x.expr;
                continue;
            }
            Expr::Group(x) => {
                e = &x.expr;
                continue;
            }
            Expr::Break(x) => match (&x.expr, &x.label) {
                (Some(v), _) => {
                    e = v;
                    continue;
                }
                (None, Some(l)) => l.ident.span(),
                (None, None) => x.break_token.span,
            },
            Expr::Return(x) => match &x.expr {
                Some(v) => {
                    e = v;
                    continue;
                }
                None => x.return_token.span,
            },
            Expr::Yield(x) => match &x.expr {
                Some(v) => {
                    e = v;
                    continue;
                }
                None => x.yield_token.span,
            },
            Expr::Range(x) => match &x.end {
                Some(v) => {
                    e = v;
                    continue;
                }
                None => x.limits.span(),
            },
            Expr::If(x) => match &x.else_branch {
                Some((_, els)) => {
                    e = els;
                    continue;
                }
                None => x.then_branch.brace_token.span.close(),
            },
            Expr::Array(x) => x.bracket_token.span.close(),
            Expr::Async(x) => x.block.brace_token.span.close(),
            Expr::Await(x) => x.await_token.span,
            Expr::Block(x) => x.block.brace_token.span.close(),
            Expr::Call(x) => x.paren_token.span.close(),
            Expr::Cast(x) => x.ty.span(),
            Expr::Const(x) => x.block.brace_token.span.close(),
            Expr::Continue(x) => x
                .label
                .as_ref()
                .map(|l| l.ident.span())
                .unwrap_or(x.continue_token.span),
            Expr::Field(x) => x.member.span(),
            Expr::ForLoop(x) => x.body.brace_token.span.close(),
            Expr::Index(x) => x.bracket_token.span.close(),
            Expr::Loop(x) => x.body.brace_token.span.close(),
            Expr::Macro(x) => x.mac.delimiter.span().close(),
            Expr::Match(x) => x.brace_token.span.close(),
            Expr::MethodCall(x) => x.paren_token.span.close(),
            Expr::Paren(x) => x.paren_token.span.close(),
            Expr::Path(x) => x
                .path
                .segments
                .last()
                .map(|s| s.span())
                .unwrap_or_else(|| x.path.span()),
            Expr::Repeat(x) => x.bracket_token.span.close(),
            Expr::Struct(x) => x.brace_token.span.close(),
            Expr::Try(x) => x.question_token.span,
            Expr::TryBlock(x) => x.block.brace_token.span.close(),
            Expr::Tuple(x) => x.paren_token.span.close(),
            Expr::Unsafe(x) => x.block.brace_token.span.close(),
            Expr::While(x) => x.body.brace_token.span.close(),
            other => other.span(),
        };
    }
}

/// First and last token of a statement.
pub fn stmt_bounds(s: &Stmt) -> (Span, Span) {
    match s {
        Stmt::Local(l) => (l.let_token.span, l.semi_token.span),
        Stmt::Expr(e, semi) => (
            expr_start(e),
            semi.map(|s| s.span).unwrap_or_else(|| expr_end(e)),
        ),
        Stmt::Macro(m) => {
            let start = m
                .mac
                .path
                .segments
                .first()
                .map(|s| s.ident.span())
                .unwrap_or(m.mac.bang_token.span);
            let end = m
                .semi_token
                .map(|s| s.span)
                .unwrap_or_else(|| m.mac.delimiter.span().close());
            (start, end)
        }
        // Only the position matters for items (nested fns are lowered on their own).
        Stmt::Item(_) => (Span::call_site(), Span::call_site()),
    }
}

/// First and last token of a macro invocation.
pub fn mac_bounds(m: &syn::Macro) -> (Span, Span) {
    let start = m
        .path
        .segments
        .first()
        .map(|s| s.ident.span())
        .unwrap_or(m.bang_token.span);
    (start, m.delimiter.span().close())
}

/// First and last token of a struct field (attributes, doc comments included).
pub fn field_bounds(f: &syn::Field) -> (Span, Span) {
    let start = match (f.attrs.first(), &f.vis, &f.ident) {
        (Some(a), _, _) => a.pound_token.span,
        (None, syn::Visibility::Public(p), _) => p.span,
        (None, syn::Visibility::Restricted(r), _) => r.pub_token.span,
        (None, syn::Visibility::Inherited, Some(i)) => i.span(),
        (None, syn::Visibility::Inherited, None) => f.ty.span(),
    };
    (start, type_end(&f.ty))
}

/// The last token of a type.
fn type_end(ty: &syn::Type) -> Span {
    use syn::{PathArguments, ReturnType, Type};
    match ty {
        Type::Path(p) => match p.path.segments.last() {
            Some(seg) => match &seg.arguments {
                PathArguments::None => seg.ident.span(),
                PathArguments::AngleBracketed(a) => a.gt_token.span,
                PathArguments::Parenthesized(a) => match &a.output {
                    ReturnType::Type(_, t) => type_end(t),
                    ReturnType::Default => a.paren_token.span.join(),
                },
            },
            None => ty.span(),
        },
        Type::Reference(r) => type_end(&r.elem),
        Type::Ptr(p) => type_end(&p.elem),
        Type::Slice(s) => s.bracket_token.span.join(),
        Type::Array(a) => a.bracket_token.span.join(),
        Type::Tuple(t) => t.paren_token.span.join(),
        Type::Paren(p) => p.paren_token.span.join(),
        Type::Never(n) => n.bang_token.span,
        Type::Infer(i) => i.underscore_token.span,
        // Rare in fields: the whole type's tokens.
        _ => ty.span(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reading the ends from the structure gives what joining every token's
    /// span gives.
    #[test]
    fn field_bounds_join_to_the_whole_field() {
        let src = "struct S {\n    /// doc\n    #[pooled(keep)]\n    pub a: Vec<u8>,\n    pub(crate) b: &'static mut [u8; 4],\n    c: (u8, Box<dyn Fn(u8) -> Option<u8> + Send>),\n    d: fn(u8) -> u8,\n    e: Option<Box<dyn Fn()>>,\n    f: <T as Tr>::Out,\n    g: *const (),\n    h: [Buf],\n    i: std::marker::PhantomData<fn() -> T>,\n}\nstruct T(pub u8, Vec<String>, (u8,));";
        let file: syn::File = syn::parse_str(src).unwrap();
        let cx = super::super::lower::FileCx::new(src, 0);
        let mut n = 0;
        for item in &file.items {
            let syn::Item::Struct(s) = item else { continue };
            for f in &s.fields {
                let (start, end) = field_bounds(f);
                let whole = cx.span_of(f);
                let ours = cx.join_pub(start, end);
                assert_eq!(
                    (ours.start, ours.end),
                    (whole.start, whole.end),
                    "{}",
                    &src[whole.start as usize..whole.end as usize]
                );
                n += 1;
            }
        }
        assert_eq!(n, 12);
    }
}
