use super::{RuleContext, declare_rule};
use crate::diagnostic::{Diagnostic, Label};
use crate::ir::{AssignKind, Event, PlaceId};
use crate::knowledge::{ReleaseParam, Role, is_growable, is_nil_growable};

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
    /// ## Known limits
    /// `Vec::with_capacity(n)` is accepted (shrinking a buffer on purpose). A
    /// replacement inside a helper the reset calls is not followed.
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
        if !matches!(kind, AssignKind::Empty | AssignKind::Null) {
            continue;
        }
        let Some(field) = field_of(*place) else {
            continue;
        };
        let Some(decl_field) = decl.fields.iter().find(|f| f.name == field) else {
            continue;
        };
        let growable = decl_field.core.as_deref().is_some_and(is_growable);
        let optional = decl_field.mentions.first().is_some_and(|m| m == "Option")
            || decl_field.core.as_deref().is_some_and(is_nil_growable);
        if !growable || (*kind == AssignKind::Null && !optional) {
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
        out.push(d);
    }
}
