//! PL001 on give-backs written inside `debug_assert!(..)`: release builds
//! compile the arguments out, so the give-back never happens there.
//!
//! Two shapes. An acquired value whose give-back is inside the assertion
//! leaks on the release build's path, which the flow reports as any leak;
//! here it gets a label at the assertion. A declared release whose body
//! gives back what it takes only inside the assertion (`debug_assert!(
//! reserve.push(alloc.inner).is_ok())`) drops every value in release builds:
//! that is reported at the release's parameter.

use super::{RuleContext, UnreleasedAcquire};
use crate::diagnostic::{Diagnostic, Label};
use crate::flow::debug_only::given_away_only_in_debug;
use crate::ir::PlaceId;

/// The label and note for a leak of the value in `home` whose only
/// give-back is inside `debug_assert!`.
pub fn explain_leak(cx: &RuleContext<'_>, home: PlaceId, d: &mut Diagnostic) {
    if let Some(span) = given_away_only_in_debug(cx.body, home) {
        d.secondary.push(Label::new(
            span,
            "given back only here, inside `debug_assert!`",
        ));
        d.notes.push(NOTE.to_string());
    }
}

/// A declared release that gives back what it takes only in debug builds.
pub fn check_release(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(place) = cx.released_place() else {
        return;
    };
    let Some(span) = given_away_only_in_debug(cx.body, place) else {
        return;
    };
    let name = &cx.body.places[place as usize].name;
    let release = cx.body.fn_name.as_deref().unwrap_or("this release");
    let mut d = cx.diagnostic(
        &UnreleasedAcquire::INFO,
        format!("`{release}` gives `{name}` back to its pool only in debug builds"),
        Label::new(
            cx.body.span,
            format!("this release drops `{name}` in release builds"),
        ),
    );
    d.secondary.push(Label::new(
        span,
        "given back only here, inside `debug_assert!`",
    ));
    d.help = Some(format!(
        "give `{name}` back outside the assertion and assert on the result: `let res = ..; debug_assert!(res.is_ok());`"
    ));
    d.notes.push(NOTE.to_string());
    out.push(d);
}

const NOTE: &str = "the arguments of `debug_assert!` are not evaluated in release builds";
