use super::{RuleContext, declare_rule};
use crate::diagnostic::{Diagnostic, Label};
use crate::flow::Origin;
use std::collections::BTreeMap;

declare_rule! {
    /// ## What it does
    /// Finds a pool guard whose destructor will never run: passed to
    /// `mem::forget`, `ManuallyDrop::new`, `Box::leak` or `Rc/Arc::into_raw`.
    /// A guard is what an `#[poollint::acquire(guard)]` function returns, or a
    /// local of a `#[poollint::guard]` type. Also finds a raw value detached
    /// from its guard (`#[poollint::detach]`) that is then neither released
    /// nor handed on on some path.
    ///
    /// ## Why is this bad
    /// A guard gives its value back in `Drop`. Forget the guard and the value
    /// never returns: the pool shrinks by one for good. Detaching takes the
    /// value out of the guard's care, so the caller owns the release.
    ///
    /// ## Example
    /// ```rust,ignore
    /// let conn = pool.acquire().await?;
    /// std::mem::forget(conn); // the pool slot is gone
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// let conn = pool.acquire().await?;
    /// drop(conn); // or let it go out of scope
    /// ```
    /// or, to keep the raw value, `let raw = conn.detach();` and release `raw`
    /// on every path.
    ///
    /// ## Known limits
    /// A guard moved into a struct or collection is a transfer, not a forget.
    /// A `forget` of a guard stored in a field is not followed.
    pub struct ForgottenGuard {
        code: "PL004",
        name: "forgotten-guard",
        level: Warn,
        summary: "a pool guard is forgotten or leaked, or a detached value is not released",
    }
}

pub fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for f in &cx.facts.forgotten {
        let place = &cx.body.places[f.place as usize];
        let (is_guard, acquired) = match f.value {
            Some(v) => match cx.facts.values[v].origin {
                Origin::Acquire { span, kind, .. } if kind.guard => (true, Some(span)),
                _ => (false, None),
            },
            None => {
                let ty = place.ty.as_ref().and_then(|t| cx.index.resolve_type(t));
                (ty.is_some_and(|t| cx.index.is_guard_type(&t)), None)
            }
        };
        if !is_guard {
            continue;
        }
        let call = cx
            .snippet(f.span)
            .split('(')
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        let mut d = cx.diagnostic(
            &ForgottenGuard::INFO,
            format!(
                "pool guard `{}` is forgotten: its value never goes back to the pool",
                place.name
            ),
            Label::new(
                f.span,
                format!("`{call}` means the guard's `Drop` never runs"),
            ),
        );
        if let Some(span) = acquired {
            d.secondary.push(Label::new(span, "guard acquired here"));
        }
        d.help = Some(format!(
            "let `{}` drop normally, or detach its value and release that",
            place.name
        ));
        out.push(d);
    }
    // Detached raw values that leak: the caller owned the release.
    let mut detached: BTreeMap<usize, Vec<&crate::flow::Leak>> = BTreeMap::new();
    for leak in &cx.facts.leaks {
        if cx.facts.values[leak.value].is_detached() {
            detached.entry(leak.value).or_default().push(leak);
        }
    }
    for (v, leaks) in detached {
        let Origin::Acquire { span, .. } = cx.facts.values[v].origin else {
            continue;
        };
        let name = cx.value_name(v, leaks.first().map(|l| l.place));
        let mut d = cx.diagnostic(
            &ForgottenGuard::INFO,
            format!("{name} is detached from its guard and not released on every path"),
            Label::new(span, "detached here: the guard no longer releases it"),
        );
        for leak in leaks {
            if leak.span != span {
                d.secondary
                    .push(Label::new(leak.span, "leaves here without release"));
            }
        }
        d.help = Some(format!(
            "release {name} on every path, or keep the guard instead of detaching"
        ));
        out.push(d);
    }
}
