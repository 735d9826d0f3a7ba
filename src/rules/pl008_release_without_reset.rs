use super::{RuleContext, declare_rule};
use crate::diagnostic::{Diagnostic, Label};
use crate::flow::Origin;
use std::collections::BTreeSet;

declare_rule! {
    /// ## What it does
    /// Finds a value whose type declares a reset (`pooled(reset = "..")` or a
    /// `#[poollint::reset]` method) released on a path where it was not reset.
    /// A release function that resets its parameter itself (inferred from its
    /// body) makes the reset unnecessary; releases whose body poollint cannot
    /// see are assumed to reset.
    ///
    /// ## Why is this bad
    /// The next user of the pooled value gets the previous user's data: a
    /// request body, credentials, a half-built response.
    ///
    /// ## Example
    /// ```rust,ignore
    /// let mut msg = pool.get();
    /// msg.body.extend_from_slice(secret);
    /// pool.put(msg); // `put` pushes it back as it is
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// msg.reset();
    /// pool.put(msg);
    /// ```
    /// or make `put` call `reset()` itself.
    ///
    /// ## Known limits
    /// Only values from acquires whose declared return type is known are
    /// followed. A reset through a helper function is not seen.
    pub struct ReleaseWithoutReset {
        code: "PL008",
        name: "release-without-reset",
        level: Warn,
        summary: "a value with a declared reset is released without being reset",
    }
}

pub fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut seen = BTreeSet::new();
    for site in &cx.facts.released_unreset {
        if !seen.insert(site.span) {
            continue;
        }
        let name = cx.value_name(site.value, None);
        let mut d = cx.diagnostic(
            &ReleaseWithoutReset::INFO,
            format!("{name} is released without being reset"),
            Label::new(site.span, "released here on a path with no reset"),
        );
        if let Origin::Acquire { span, .. } = cx.facts.values[site.value].origin {
            d.secondary.push(Label::new(span, "acquired here"));
        }
        d.help = Some(format!(
            "reset {name} before releasing it, or make the release function reset what it takes back"
        ));
        d.notes
            .push("the next user of the pooled value would see this user's data".to_string());
        out.push(d);
    }
}
