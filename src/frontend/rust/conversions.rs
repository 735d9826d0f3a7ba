//! Conversions and inline aliases (issue 15, items 4 and 7).
//!
//! A conversion hands its operand's value through to its result: `p as *mut
//! T`, `NonNull::new(p)`, `Box::into_raw(b)`, `p.cast()` and a newtype or
//! variant built around a value (`Key(idx)`, `Slot::Used(idx)`) own what their
//! operand owned, so the obligation follows the result instead of staying on
//! a local nobody uses again.
//!
//! An aliasing constructor builds, in one expression, a view into what its
//! first argument points at: `slice::from_raw_parts(buf.as_ptr(), n)`,
//! `str::from_utf8(&buf)`, `Rc::downgrade(&rc)`, `p.add(n)`. Its result is an
//! alias, as the same view built in two steps already is.

use super::lower::{Lowerer, Operand};
use super::types;
use crate::ir::{Mode, Span};
use syn::Expr;

/// Path calls whose result owns what their first argument owns (or points
/// where it points), by qualifier and name.
fn is_conversion(qualifier: Option<&str>, name: &str) -> bool {
    matches!(
        (qualifier, name),
        (Some("NonNull"), "new" | "new_unchecked" | "from")
            | (Some("Box"), "into_raw" | "from_raw" | "into_non_null")
            | (Some("Rc" | "Arc"), "from_raw")
            | (Some("Vec" | "String"), "from_raw_parts")
    )
}

/// Path calls whose result points into what their first argument points at.
fn is_aliasing_ctor(qualifier: Option<&str>, name: &str) -> bool {
    matches!(
        (qualifier, name),
        (
            Some("slice") | None,
            "from_raw_parts" | "from_raw_parts_mut"
        ) | (Some("slice"), "from_ref" | "from_mut")
            | (
                Some("ptr" | "NonNull") | None,
                "slice_from_raw_parts" | "slice_from_raw_parts_mut"
            )
            | (
                Some("str"),
                "from_utf8" | "from_utf8_mut" | "from_utf8_unchecked" | "from_utf8_unchecked_mut"
            )
            | (Some("CStr"), "from_ptr" | "from_bytes_with_nul_unchecked")
            | (Some("Rc" | "Arc"), "downgrade")
    )
}

/// Raw-pointer methods whose result is the same pointer, retyped: it owns
/// what the receiver owns.
const POINTER_CASTS: &[&str] = &["cast", "cast_mut", "cast_const"];

/// Raw-pointer arithmetic: the result points into what the receiver points at.
const POINTER_OFFSETS: &[&str] = &[
    "add",
    "sub",
    "offset",
    "byte_add",
    "byte_sub",
    "byte_offset",
    "wrapping_offset",
    "wrapping_byte_offset",
];

/// A path call's last segment names a tuple struct or an enum variant
/// (`Key(idx)`, `Slot::Used(idx)`, `Self(x)`): Rust names types and variants
/// in CamelCase, functions in snake_case.
fn is_tuple_ctor(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase()) && name.chars().any(|c| c.is_lowercase())
}

impl<'f> Lowerer<'f> {
    /// `e as T`: a cast to a raw pointer is the same pointer, and it keeps
    /// whatever its operand owned or pointed at; other casts only read.
    pub fn cast(&mut self, c: &syn::ExprCast, span: Span) -> Operand {
        let op = self.expr(&c.expr);
        if types::is_raw_pointer(&c.ty) {
            return op;
        }
        self.read(op, span);
        Operand::default()
    }

    /// A path call that converts or views its first argument; `None` when
    /// the call is none of those (it is lowered as a call).
    pub fn conversion_call(
        &mut self,
        qualifier: Option<&str>,
        name: &str,
        c: &syn::ExprCall,
        span: Span,
    ) -> Option<Operand> {
        let conversion = is_conversion(qualifier, name);
        let aliasing = is_aliasing_ctor(qualifier, name);
        if conversion || aliasing {
            let mut args = c.args.iter();
            let first = args.next().map(|a| self.expr(a)).unwrap_or_default();
            for a in args {
                let op = self.expr(a);
                self.read(op, span);
            }
            if aliasing {
                // A view built from a pointer a call handed out in a tuple
                // (`from_raw_parts_mut(data, len)` after `let (data, len) =
                // r.pop_buf()`) is where the region lives on: the part is
                // handed on, and the view still points into it.
                for &(p, _) in &first.places {
                    if self.result_parts.contains(&p) {
                        self.b.emit(crate::ir::Event::Transfer {
                            place: p,
                            span,
                            returned: false,
                        });
                    }
                }
                return Some(first.borrowed());
            }
            return Some(first);
        }
        if !is_tuple_ctor(name) || c.args.is_empty() {
            return None;
        }
        // `Key(idx)`: a new value that owns what its fields own. A temp of
        // its own, so that handing the new value on (`keys.push(Key(idx))`,
        // `Key(idx).into_raw()`) hands its fields on.
        let mut parts = Operand::default();
        for a in &c.args {
            parts.extend(self.expr(a));
        }
        if parts.places.is_empty() {
            return Some(Operand::default());
        }
        let result = self.b.temp();
        self.assign_to(result, parts, span);
        Some(Operand::one(result, Mode::Move))
    }

    /// A raw-pointer method that retypes or offsets the receiver; `None`
    /// when `name` is none of those.
    pub fn pointer_method(
        &mut self,
        name: &str,
        recv: &Operand,
        args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>,
        span: Span,
    ) -> Option<Operand> {
        let cast = POINTER_CASTS.contains(&name) && args.is_empty();
        let offset = POINTER_OFFSETS.contains(&name) && args.len() == 1;
        if !cast && !offset {
            return None;
        }
        for a in args {
            let op = self.expr(a);
            self.read(op, span);
        }
        Some(if cast {
            recv.clone()
        } else {
            recv.clone().borrowed()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_conversion(Some("NonNull"), "new_unchecked"));
        assert!(is_conversion(Some("Box"), "into_raw"));
        assert!(!is_conversion(Some("Box"), "new"));
        assert!(is_aliasing_ctor(Some("slice"), "from_raw_parts"));
        assert!(is_aliasing_ctor(None, "from_raw_parts_mut"));
        assert!(is_aliasing_ctor(Some("Arc"), "downgrade"));
        assert!(!is_aliasing_ctor(Some("Vec"), "from_raw_parts"));
        assert!(is_tuple_ctor("Key"));
        assert!(is_tuple_ctor("HeapIndex"));
        assert!(!is_tuple_ctor("new"));
        assert!(!is_tuple_ctor("MAX"));
    }
}
