use super::{RuleContext, declare_rule};
use crate::diagnostic::{Diagnostic, Label};
use crate::flow::{CallEffect, Origin};
use crate::ir::{Body, Event, PlaceId, PlaceKind, Span};
use std::collections::BTreeMap;

declare_rule! {
    /// ## What it does
    /// Finds a pool guard whose destructor will never run: passed to
    /// `mem::forget`, `ManuallyDrop::new`, `Box::leak` or `Rc/Arc::into_raw`.
    /// A guard is what a guard-acquire returns (`#[poollint::acquire(guard)]`,
    /// config `guard-acquire`, or inferred), or a value of a guard type: one
    /// marked `#[poollint::guard]`, the return type of a guard-acquire the
    /// sources declare, or any type whose `Drop` calls a known release. So a
    /// forgotten parameter (`fn param(l: Lease) { mem::forget(l) }`) and
    /// `mem::forget(self)` / `ManuallyDrop::new(self)` inside the guard's own
    /// methods are findings too.
    ///
    /// Also finds a raw value detached from its guard that is then neither
    /// released nor handed on on some path: detached by a
    /// `#[poollint::detach]` (or config `detach`) method, or taken out of the
    /// guard's raw-value field (`self.live.take()` outside `Drop`), declared
    /// with `detach-field = ["PoolConnection.live"]` or inferred as the field
    /// the guard's `Drop` takes out and releases.
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
    /// A `forget` of a guard stored in a field is not followed. A forget is
    /// taken as deliberate when the body moves the guard's content out
    /// (`ptr::read(&this.value)`, `take()`, `replace(..)`: the `into_inner`
    /// idiom) or gives the `ManuallyDrop` to `ManuallyDrop::drop`/`into_inner`,
    /// except when the guard's `Drop` released through that content as a
    /// handle (`self.qutex.direct_unlock()`) and the body releases nothing.
    /// A local guard the body arms itself over an obligation it holds
    /// (`let g = Undo { armed: true, .. }`) is disarmed by a forget: the
    /// obligation is followed instead (PL001).
    /// A path of the guard's own `Drop` that drops the taken-out value (a
    /// broken connection closed) is the guard's decision, not a finding.
    /// Out of reach: state carried across calls (a guard one method stores
    /// and another forgets), enum state machines (a variant holding the
    /// guard, forgotten with the enum) and tasks that never run (a guard
    /// moved into a future dropped unpolled is dropped, not forgotten, and
    /// is no finding).
    pub struct ForgottenGuard {
        code: "PL004",
        name: "forgotten-guard",
        level: Warn,
        summary: "a pool guard is forgotten or leaked, or a detached value is not released",
    }
}

/// Calls that move a value (or a field of it) out of a place the compiler
/// will not drop: the idiom of a guard's consuming method that takes its
/// content (`let this = ManuallyDrop::new(self); ptr::read(&this.value)`).
const MOVES_OUT: &[&str] = &[
    "read",
    "read_unaligned",
    "read_volatile",
    "take",
    "replace",
    "swap",
];

/// `ManuallyDrop` calls that run the destructor after all.
const RUNS_DROP: &[&str] = &["drop", "into_inner"];

/// The places that hold what a forget call forgot: the forgotten place and
/// where the call's result goes (`let this = ManuallyDrop::new(self)`).
fn forgotten_holders(body: &Body, place: PlaceId, span: Span) -> Vec<PlaceId> {
    let mut holders = vec![place];
    let events = || body.blocks.iter().flat_map(|b| &b.events);
    for ev in events() {
        if let Event::Call {
            span: s, result, ..
        } = ev
            && *s == span
        {
            holders.push(*result);
        }
    }
    for _ in 0..4 {
        for ev in events() {
            if let Event::Move { dest, src, .. } | Event::Alias { dest, of: src, .. } = ev
                && holders.contains(src)
                && !holders.contains(dest)
            {
                holders.push(*dest);
            }
        }
    }
    holders
}

/// Is the forget of `place` at `span` deliberate: the body moves the
/// guard's content out of what it forgot (so the content lives on with its
/// new owner), or hands the `ManuallyDrop` back to `ManuallyDrop::drop` /
/// `into_inner` (so the destructor runs after all)?
fn forget_is_deliberate(body: &Body, place: PlaceId, span: Span) -> bool {
    let holders = forgotten_holders(body, place, span);
    let held = |p: PlaceId| holders.contains(&body.root_of(p));
    body.blocks
        .iter()
        .flat_map(|b| &b.events)
        .any(|ev| match ev {
            Event::Take { src, .. } => held(*src) && *src != place,
            Event::Call {
                call, recv, args, ..
            } => {
                let callee = &body.callees[*call as usize];
                let operands = recv.iter().chain(args).flat_map(|a| &a.places);
                let touches = operands.clone().any(|&(p, _)| held(p));
                if !touches {
                    return false;
                }
                let manually_drop = callee.qualifier.as_deref() == Some("ManuallyDrop");
                (manually_drop && RUNS_DROP.contains(&callee.name.as_str()))
                    || (MOVES_OUT.contains(&callee.name.as_str())
                        && operands.clone().any(|&(p, _)| held(p) && p != place))
            }
            _ => false,
        })
}

/// Does the body call a release?
fn releases(cx: &RuleContext<'_>) -> bool {
    cx.body.blocks.iter().flat_map(|b| &b.events).any(|ev| {
        matches!(ev, Event::Call { call, .. }
            if matches!(cx.index.effect(&cx.body.callees[*call as usize], cx.file), CallEffect::Release { .. }))
    })
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
                // A local guard the body arms itself over an obligation it
                // holds (`let g = Undo { armed: true, .. }`): forgetting it
                // disarms it, and the flow follows the obligation (PL001).
                let param = cx.body.params.contains(&Some(f.place))
                    || cx.body.receiver.is_some_and(|(r, _)| r == f.place);
                let disarm = place.kind == PlaceKind::Local
                    && !param
                    && ty
                        .as_ref()
                        .is_some_and(|t| cx.index.guard_info(t).is_some());
                (
                    !disarm && ty.is_some_and(|t| cx.index.is_guard_type(&t)),
                    None,
                )
            }
        };
        if !is_guard {
            continue;
        }
        // Moving the content out of a forgotten guard is deliberate, unless
        // the guard's `Drop` released through that content as a handle
        // (`self.qutex.direct_unlock()`) and this body releases nothing.
        let unlocks = place
            .ty
            .as_ref()
            .and_then(|t| cx.index.resolve_type(t))
            .is_some_and(|t| cx.index.has_unlock_fields(&t));
        if (!unlocks || releases(cx)) && forget_is_deliberate(cx.body, f.place, f.span) {
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
    // A guard's own `Drop` takes its value out to give it back; a path that
    // drops it instead (a broken connection) is the guard's decision.
    let in_drop = cx.body.trait_name.as_deref() == Some("Drop");
    for leak in &cx.facts.leaks {
        if cx.facts.values[leak.value].is_detached() && !in_drop {
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
