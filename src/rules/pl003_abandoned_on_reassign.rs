use super::{RuleContext, declare_rule};
use crate::diagnostic::{Diagnostic, Label};
use crate::flow::Origin;
use crate::ir::AssignKind;

declare_rule! {
    /// ## What it does
    /// Finds a variable or field that holds an unreleased pooled value and is
    /// overwritten: `x = None`, `x = pool.get()` again, `self.msg =
    /// Default::default()`, or a `take()`/`mem::take` whose result is dropped.
    /// For fields, the field's declared type must hold a `#[poollint::pooled]`
    /// type and nothing earlier in the method may have taken or released it.
    ///
    /// ## Why is this bad
    /// The old value is dropped without going back to its pool. The pool never
    /// sees it again: the same leak as PL001, hidden in an assignment.
    ///
    /// ## Example
    /// ```rust,ignore
    /// fn finish(&mut self) {
    ///     self.pending = None; // the pooled message in `pending` is lost
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// fn finish(&mut self) {
    ///     if let Some(msg) = self.pending.take() {
    ///         self.pool.put(msg);
    ///     }
    /// }
    /// ```
    ///
    /// ## Known limits
    /// A field's old value is only known to be released when the release or
    /// `take()` is in the same method; a helper method that empties the field
    /// first is not followed.
    pub struct AbandonedOnReassign {
        code: "PL003",
        name: "abandoned-on-reassign",
        level: Warn,
        summary: "a place holding an unreleased pooled value is overwritten",
    }
}

pub fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for fact in &cx.facts.abandons {
        let origin = cx.facts.values[fact.value].origin;
        let value = &cx.facts.values[fact.value];
        if !(value.is_raw_acquire() || matches!(origin, Origin::EntryField { .. })) {
            continue;
        }
        // A field's value taken out and dropped is named after the field.
        let place = match origin {
            Origin::EntryField { place } if fact.kind.is_none() => place,
            _ => fact.place,
        };
        let place = format!("`{}`", cx.body.places[place as usize].name);
        let (message, label) = match fact.kind {
            Some(AssignKind::Null) => (
                format!(
                    "{place} is set to {} while it holds an unreleased pooled value",
                    cx.wording.null
                ),
                "the old value is dropped here without release",
            ),
            Some(AssignKind::Fresh | AssignKind::Empty) => (
                format!(
                    "{place} is overwritten with a fresh value while it holds an unreleased pooled value"
                ),
                "the old value is dropped here without release",
            ),
            Some(AssignKind::Other) => (
                format!("{place} is overwritten while it holds an unreleased pooled value"),
                "the old value is dropped here without release",
            ),
            None => (
                format!("the pooled value taken out of {place} is dropped without release"),
                "taken and discarded here",
            ),
        };
        let mut d = cx.diagnostic(
            &AbandonedOnReassign::INFO,
            message,
            Label::new(fact.span, label),
        );
        match origin {
            Origin::Acquire { span, .. } => d.secondary.push(Label::new(span, "acquired here")),
            _ => d.notes.push(format!(
                "the declared type of {place} holds a pooled type, and nothing earlier in this method took or released its value"
            )),
        }
        d.help = Some(cx.wording.release_old.to_string());
        out.push(d);
    }
}
