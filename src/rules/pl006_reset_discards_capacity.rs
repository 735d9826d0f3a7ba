use super::{RuleContext, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Label, Suggestion};
use crate::ir::{AssignKind, Event, PlaceId, Span};
use crate::knowledge::{ReleaseParam, Role, is_growable, is_nil_growable};

declare_rule! {
    /// ## What it does
    /// Inside a reset method (`pooled(reset = ..)`, `#[poollint::reset]`,
    /// config `reset = [..]`, a trait's reset for each of its impls), a
    /// helper a reset calls on `self` (followed across files), or a
    /// release, finds a field whose type is a growable container (`Vec`,
    /// `String`, `VecDeque`, `HashMap`, `BytesMut`, `Option<Vec<_>>`, ...)
    /// replaced by a fresh empty value (`Vec::new()`, `String::new()`,
    /// `Default::default()`, `vec![]`, `Vec::with_capacity(0)`,
    /// `HashMap::new()`) instead of being cleared. A `clear()`/`truncate()` of
    /// the same field, made pointless by the replacement, gets a secondary
    /// label.
    ///
    /// A whole-value reset is checked field by field: `*self =
    /// Default::default()`, `*self = Self::default()`, `*self = Self { body:
    /// Vec::new(), .. }` and `*self = Self { id: self.id, ..Default::default()
    /// }` discard the capacity of every growable field they replace with a
    /// fresh empty value (a named one, or one the `..Default::default()` base
    /// fills). The finding is on the assignment; its help names the `clear()`
    /// calls to use instead and the fields kept.
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
    /// purpose). A hand-written `impl Default` is trusted to keep capacity
    /// (only a derived one is known to start every field empty). Helpers
    /// are followed through calls on `self` only (`self.reset_schema(..)`,
    /// across files), not through free fns the reset passes `self` to.
    /// A Go slice field that only views memory it does not own is not
    /// reported: when every assignment its file makes to it is a slice of a
    /// sibling field (`st.pcs = st.storage[:n]`) or a parameter (`m.msg =
    /// msg`, `*m = T{subj, msg}`), and none grows or empties it in place
    /// (`append(x.f, ..)`, `x.f = x.f[:0]`, `make(..)`). Fields are matched
    /// by name within the declaring file; assignments in other files are not
    /// seen.
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
    // A reset, or a helper a reset calls on `self` (what the helper
    // replaces, the reset replaces).
    if let (Some(ty), Some((receiver, _))) = (&body.self_type, body.receiver)
        && (cx.index.is_reset_method(ty, name) || cx.index.summaries().is_reset_helper(ty, name))
    {
        return Some((receiver, ty.clone()));
    }
    let owner = body.self_type.as_deref().or(body.trait_name.as_deref());
    let api = cx.index.api_for(owner, name, cx.file)?;
    let i = match api.role {
        Role::Release(ReleaseParam::Param(i)) => i,
        // A method that gives its receiver back (`pm.returnToPool()`).
        Role::Release(ReleaseParam::Receiver) => {
            let (receiver, _) = body.receiver?;
            return Some((receiver, body.self_type.clone()?));
        }
        _ => return None,
    };
    let param = body.params.get(i).copied().flatten()?;
    let ty = body.places[param as usize]
        .ty
        .as_ref()
        .and_then(|t| cx.index.resolve_type(t))?;
    Some((param, ty))
}

/// Is this expression a fresh empty value: `Vec::new()`, `String::new()`,
/// `Default::default()`, `vec![]`, `Vec::with_capacity(0)`, `None`?
fn is_fresh_empty(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Paren(p) => is_fresh_empty(&p.expr),
        syn::Expr::Path(p) => p.path.is_ident("None"),
        syn::Expr::Array(a) => a.elems.is_empty(),
        syn::Expr::Macro(m) => m.mac.path.is_ident("vec") && m.mac.tokens.is_empty(),
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = &*c.func else {
                return false;
            };
            let last = p
                .path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            match last.as_str() {
                "default" | "new" => c.args.is_empty(),
                "with_capacity" => {
                    c.args.len() == 1
                        && matches!(c.args.first(), Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(i), .. })) if i.base10_digits() == "0")
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// `Default::default()`, `Self::default()`, `T::default()`.
fn is_default_call(e: &syn::Expr) -> bool {
    matches!(e, syn::Expr::Call(c) if c.args.is_empty()
        && matches!(&*c.func, syn::Expr::Path(p)
            if p.path.segments.last().is_some_and(|s| s.ident == "default")))
}

/// `*self = Self { .. }` / `*self = Default::default()` in a reset or
/// release: the growable fields the new value replaces with fresh empty
/// ones, each with the span that replaces it.
fn whole_value_discards(
    cx: &RuleContext<'_>,
    ty: &str,
    decl: &crate::knowledge::StructDecl,
    span: crate::ir::Span,
) -> Vec<String> {
    let Ok(syn::Expr::Assign(assign)) = syn::parse_str::<syn::Expr>(cx.snippet(span)) else {
        return Vec::new();
    };
    // A hand-written `Default` may keep capacity (`with_capacity(..)`): only
    // a derived one is known to start every field empty.
    let default_is_empty = !cx.index.implements(ty, "Default");
    let (named, base_is_default): (Vec<(String, bool)>, bool) = match &*assign.right {
        e if is_default_call(e) => (Vec::new(), default_is_empty),
        syn::Expr::Struct(s) => (
            s.fields
                .iter()
                .filter_map(|f| match &f.member {
                    syn::Member::Named(i) => Some((i.to_string(), is_fresh_empty(&f.expr))),
                    syn::Member::Unnamed(_) => None,
                })
                .collect(),
            s.rest
                .as_deref()
                .is_some_and(|r| is_default_call(r) && default_is_empty),
        ),
        _ => return Vec::new(),
    };
    decl.fields
        .iter()
        .filter(|f| !f.view && f.core.as_deref().is_some_and(is_growable))
        .filter(|f| match named.iter().find(|(n, _)| *n == f.name) {
            Some((_, empty)) => *empty,
            None => base_is_default,
        })
        .map(|f| f.name.clone())
        .collect()
}

pub fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((target, ty)) = reset_target(cx) else {
        return;
    };
    let Some(decl) = cx.index.struct_decl(&ty) else {
        return;
    };
    let body = cx.body;
    for ev in body.blocks.iter().flat_map(|b| &b.events) {
        let Event::Assign { place, span, .. } = ev else {
            continue;
        };
        if *place != target {
            continue;
        }
        let discarded = whole_value_discards(cx, &ty, decl, *span);
        if discarded.is_empty() {
            continue;
        }
        let target_name = &body.places[target as usize].name;
        let list: Vec<String> = discarded.iter().map(|f| format!("`{f}`")).collect();
        let mut d = cx.diagnostic(
            &ResetDiscardsCapacity::INFO,
            format!(
                "this reset replaces {} with fresh empty values, throwing their capacity away",
                list.join(", ")
            ),
            Label::new(
                *span,
                "the pooled buffers are freed here instead of being cleared",
            ),
        );
        let clears: Vec<String> = discarded
            .iter()
            .map(|f| format!("{target_name}.{f}.clear();"))
            .collect();
        let kept: Vec<String> = decl
            .fields
            .iter()
            .filter(|f| f.keep)
            .map(|f| format!("`{}`", f.name))
            .collect();
        d.help = Some(format!(
            "clear the buffers in place instead: `{}`, and reset the other fields one by one{}",
            clears.join(" "),
            if kept.is_empty() {
                String::new()
            } else {
                format!(" (leaving {} as they are)", kept.join(", "))
            }
        ));
        out.push(d);
    }
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
        if decl_field.view {
            continue;
        }
        let growable = decl_field.core.as_deref().is_some_and(is_growable);
        let optional = decl_field.mentions.first().is_some_and(|m| m == "Option")
            || decl_field.core.as_deref().is_some_and(is_nil_growable);
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
                    let code = cx.snippet(*cspan).lines().next().unwrap_or("").trim();
                    d.secondary
                        .push(Label::new(*cspan, (cx.wording.pointless)(method, code)));
                }
            }
        }
        d.help = Some((cx.wording.clear_in_place)(place_name));
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
