use super::{RuleContext, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Label, Suggestion};
use crate::ir::{AssignKind, Event, PlaceId, Span};
use crate::knowledge::{ReleaseParam, Role, is_growable};

declare_rule! {
    /// ## What it does
    /// Inside a reset method (`pooled(reset = ..)`, `#[poollint::reset]`,
    /// config `reset = [..]`) or a release, finds a field whose type is a
    /// growable container (`Vec`, `String`, `VecDeque`, `HashMap`, `BytesMut`,
    /// `Option<Vec<_>>`, ...) replaced by a fresh empty value instead of being
    /// cleared. A `clear()`/`truncate()` of the same field, made pointless by
    /// the replacement, gets a secondary label.
    ///
    /// ## Why is this bad
    /// Pooling exists to reuse allocations. `self.buf = Vec::new()` frees the
    /// buffer the pool was keeping, so the next user allocates again: the pool
    /// costs memory and saves nothing. A broker shipped exactly this: the
    /// header buffer was replaced before its truncation, so the truncation was
    /// dead code and header reuse never worked.
    ///
    /// ## Example
    /// ```rust,ignore
    /// fn reset(&mut self) {
    ///     self.headers = Vec::new();
    ///     self.headers.truncate(0); // dead: the old buffer is already gone
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// fn reset(&mut self) {
    ///     self.headers.clear(); // keeps the capacity
    /// }
    /// ```
    ///
    /// ## Fix
    /// `poollint --fix` rewrites `self.buf = Vec::new()` (or `String::new()`,
    /// `Default::default()`, `vec![]`, `Vec::with_capacity(0)`) into
    /// `self.buf.clear()` when the field is the container itself or a `Box`
    /// of it. An `Option` field set to `None` gets no fix: emptying it in
    /// place would change what the next user sees.
    ///
    /// ## Known limits
    /// `Vec::with_capacity(n)` with `n > 0` is accepted (shrinking a buffer on
    /// purpose). A replacement inside a helper the reset calls is not followed.
    pub struct ResetDiscardsCapacity {
        code: "PL006",
        name: "reset-discards-capacity",
        level: Warn,
        summary: "a reset or release replaces a growable buffer instead of clearing it",
    }
}

/// The place whose fields a reset or release body resets, and its type.
fn reset_target(cx: &RuleContext<'_>) -> Option<(PlaceId, String)> {
    let body = cx.body;
    let name = body.fn_name.as_deref()?;
    if let (Some(ty), Some((receiver, _))) = (&body.self_type, body.receiver)
        && cx.index.is_reset_method(ty, name)
    {
        return Some((receiver, ty.clone()));
    }
    let owner = body.self_type.as_deref().or(body.trait_name.as_deref());
    let api = cx.index.api_for(owner, name)?;
    let Role::Release(ReleaseParam::Param(i)) = api.role else {
        return None;
    };
    let param = body.params.get(i).copied().flatten()?;
    let ty = body.places[param as usize]
        .ty
        .as_ref()
        .and_then(|t| cx.index.resolve_type(t))?;
    Some((param, ty))
}

pub fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((target, ty)) = reset_target(cx) else {
        return;
    };
    let Some(decl) = cx.index.struct_decl(&ty) else {
        return;
    };
    let body = cx.body;
    let field_of = |p: PlaceId| {
        (body.places[p as usize].parent == Some(target)).then(|| body.field_path(p)[0].to_string())
    };
    let events = || body.blocks.iter().flat_map(|b| &b.events);
    for ev in events() {
        let Event::Assign { place, kind, span } = ev else {
            continue;
        };
        let kind = match kind {
            AssignKind::Fresh if assigns_zero_capacity(cx.snippet(*span)) => AssignKind::Empty,
            AssignKind::Empty | AssignKind::Null => *kind,
            _ => continue,
        };
        let Some(field) = field_of(*place) else {
            continue;
        };
        let Some(decl_field) = decl.fields.iter().find(|f| f.name == field) else {
            continue;
        };
        let growable = decl_field.core.as_deref().is_some_and(is_growable);
        let optional = decl_field.mentions.first().is_some_and(|m| m == "Option");
        if !growable || (kind == AssignKind::Null && !optional) {
            continue;
        }
        let place_name = &body.places[*place as usize].name;
        let mut d = cx.diagnostic(
            &ResetDiscardsCapacity::INFO,
            format!("`{place_name}` is replaced by a fresh value, throwing its capacity away"),
            Label::new(
                *span,
                "the pooled buffer is freed here instead of being cleared",
            ),
        );
        for ev in events() {
            if let Event::Call {
                call,
                recv: Some(r),
                span: cspan,
                ..
            } = ev
            {
                let method = &body.callees[*call as usize].name;
                if matches!(method.as_str(), "clear" | "truncate")
                    && r.places.iter().any(|&(p, _)| p == *place)
                {
                    d.secondary.push(Label::new(
                        *cspan,
                        format!("this `{method}()` is pointless: the buffer is replaced"),
                    ));
                }
            }
        }
        d.help = Some(format!(
            "call `{place_name}.clear()` instead: it keeps the allocation for the next user"
        ));
        if kind == AssignKind::Empty {
            let core = decl_field.core.as_deref().unwrap_or_default();
            let outer = decl_field.mentions.first().map(String::as_str);
            // `clear()` compiles on the container itself and through a `Box`;
            // through anything else (`Rc`, a `Mutex`) it needs a look.
            let sure = (outer == Some(core) || outer == Some("Box")) && core != "PathBuf";
            d.suggestion = clear_suggestion(cx.snippet(*span), *span, sure);
        }
        out.push(d);
    }
}

/// The left-hand side of an assignment's text (`self.buf` in `self.buf = Vec::new()`).
pub(crate) fn assignment_target(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut depth = 0i32;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b'=' if depth == 0 => {
                let prev = i.checked_sub(1).map(|j| bytes[j]);
                let next = bytes.get(i + 1).copied();
                let compound = matches!(
                    prev,
                    Some(
                        b'!' | b'<'
                            | b'>'
                            | b'='
                            | b'+'
                            | b'-'
                            | b'*'
                            | b'/'
                            | b'%'
                            | b'^'
                            | b'|'
                            | b'&'
                    )
                );
                if !compound && next != Some(b'=') && next != Some(b'>') {
                    let lhs = text[..i].trim();
                    return (!lhs.is_empty()).then_some(lhs);
                }
            }
            _ => {}
        }
    }
    None
}

/// Is the text an assignment of `X::with_capacity(0)`?
fn assigns_zero_capacity(text: &str) -> bool {
    let Ok(syn::Expr::Assign(assign)) = syn::parse_str::<syn::Expr>(text) else {
        return false;
    };
    let syn::Expr::Call(call) = &*assign.right else {
        return false;
    };
    let syn::Expr::Path(func) = &*call.func else {
        return false;
    };
    func.path
        .segments
        .last()
        .is_some_and(|s| s.ident == "with_capacity")
        && call.args.len() == 1
        && matches!(
            &call.args[0],
            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(n), .. })
                if n.base10_parse::<u64>().ok() == Some(0)
        )
}

/// `self.buf = Vec::new()` -> `self.buf.clear()`.
fn clear_suggestion(text: &str, span: Span, sure: bool) -> Option<Suggestion> {
    let target = assignment_target(text)?;
    let replacement = format!("{target}.clear()");
    Some(Suggestion::replace(
        format!("clear it in place: `{replacement}`"),
        span,
        replacement,
        if sure {
            Applicability::MachineApplicable
        } else {
            Applicability::MaybeIncorrect
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignment_targets() {
        assert_eq!(assignment_target("self.buf = Vec::new()"), Some("self.buf"));
        assert_eq!(
            assignment_target("self.v[i == j] = vec![]"),
            Some("self.v[i == j]")
        );
        assert_eq!(assignment_target("x += 1"), None);
        assert_eq!(assignment_target("a == b"), None);
        assert!(assigns_zero_capacity("self.b = Vec::with_capacity(0)"));
        assert!(!assigns_zero_capacity("self.b = Vec::with_capacity(16)"));
    }
}
