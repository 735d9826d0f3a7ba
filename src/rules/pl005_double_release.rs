use super::{RuleContext, declare_rule};
use crate::diagnostic::{Diagnostic, Label};
use std::collections::BTreeSet;

declare_rule! {
    /// ## What it does
    /// Finds a pooled value released twice on one path: directly, or through
    /// an alias of it (an `Rc`/`Arc` clone, a `Copy` handle or slab key).
    ///
    /// A guard type's own method is checked against the guard's `Drop`: when
    /// the `Drop` gives a count back while a field is set (`if self.in_txn
    /// { .. }`), a method that gives the count back itself and then clears
    /// that field must clear it before every way out. A `?` in between
    /// leaves the guard armed, and its `Drop` gives the count back again.
    /// The same holds when the field is the amount itself: a method that
    /// gives back what `self.i` counts (`ring.pop_done(self.i)`), where the
    /// `Drop` does so while `self.i > 0` (directly or through that method),
    /// must clear `self.i` before it leaves.
    ///
    /// Two loops over one collection that both release its elements are a
    /// double release when the first leaves them in it (`for &k in
    /// self.keys.iter() { slab.remove(k) }`, later `for k in
    /// self.keys.drain(..) { .. }`) and nothing changes the collection in
    /// between.
    ///
    /// ## Why is this bad
    /// After the first release the pool may already have handed the value to
    /// someone else. The second release puts it in the free list again, so two
    /// users get the same object: corrupted buffers, crossed messages, a slab
    /// slot freed out from under its new owner.
    ///
    /// ## Example
    /// ```rust,ignore
    /// pool.put(buf);
    /// if failed {
    ///     pool.put(buf); // already released above
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// if failed { log_failure(); }
    /// pool.put(buf);
    /// ```
    ///
    /// ## Known limits
    /// Out of reach: state carried across calls (a release in one method and
    /// another in the type's `Drop` that a flag should have disarmed, when the
    /// method neither sets the flag nor gives back the amount it holds), enum
    /// state machines and tasks that never run. A `Drop` that releases
    /// through its own method is followed one call deep, within its file. A guard's
    /// own method is checked only for its receiver, and only at a way out
    /// that every path to it reaches through the release.
    /// Paths are not correlated: releases under `if a` and `if !a` are
    /// reported as one path, unless the structure makes the second release
    /// certain after the first (it dominates it, or every way on reaches
    /// it); a deferred release runs at each exit and is certain when it is
    /// at one of them (the success return after an explicit release).
    /// Aliases are followed through locals only.
    pub struct DoubleRelease {
        code: "PL005",
        name: "double-release",
        level: Warn,
        summary: "a pooled value is released twice on one path",
    }
}

pub fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut seen = BTreeSet::new();
    for fact in &cx.facts.double_releases {
        if !seen.insert(fact.span) {
            continue;
        }
        let name = cx.value_name(fact.value, None);
        let mut d = cx.diagnostic(
            &DoubleRelease::INFO,
            format!("{name} is released twice"),
            Label::new(fact.span, "released again here"),
        );
        if fact.first.start != u32::MAX && fact.first != fact.span {
            d.secondary
                .push(Label::new(fact.first, "first released here"));
        }
        d.help = Some(format!("release {name} exactly once on each path"));
        d.notes.push(
            "the pool may have handed the value to another user after the first release"
                .to_string(),
        );
        out.push(d);
    }
    armed_guard_exits(cx, out);
    double_released_elements(cx, out);
}

/// Two loops over one collection release its elements; the first left them
/// in it.
fn double_released_elements(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut seen = BTreeSet::new();
    for fact in &cx.facts.double_released_elements {
        if !seen.insert(fact.span) {
            continue;
        }
        let collection = &cx.body.places[fact.collection as usize].name;
        let mut d = cx.diagnostic(
            &DoubleRelease::INFO,
            format!("the elements of `{collection}` are released twice"),
            Label::new(fact.span, "released again here"),
        );
        d.secondary
            .push(Label::new(fact.first, "first released here, every turn"));
        d.secondary.push(Label::new(
            fact.first_loop,
            format!("this loop leaves them in `{collection}`"),
        ));
        d.help = Some(format!(
            "release each element once: take them out of `{collection}` as the first loop releases them, or clear it after that loop"
        ));
        d.notes.push(
            "the pool may have handed each one to another user after the first release".to_string(),
        );
        out.push(d);
    }
}

/// A guard's own method gives its count back and leaves before clearing
/// the field its `Drop` checks: the `Drop` gives the count back again.
fn armed_guard_exits(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let ty = cx.body.self_type.as_deref().unwrap_or("the guard");
    for fact in &cx.facts.armed_guard_exits {
        let field = &cx.body.places[fact.arm_field as usize].name;
        let mut d = cx.diagnostic(
            &DoubleRelease::INFO,
            format!("the count `{ty}` holds is released twice"),
            Label::new(
                fact.exit,
                format!("leaves with `{field}` still set, so `{ty}`'s `Drop` releases it again"),
            ),
        );
        d.secondary
            .push(Label::new(fact.release, "first released here"));
        d.help = Some(if fact.fails {
            format!(
                "clear `{field}` before leaving: keep the result, clear the field, then return the error"
            )
        } else {
            format!("clear `{field}` right after releasing what it counts")
        });
        d.notes.push(format!(
            "`{ty}`'s `Drop` gives the count back while `{field}` is set"
        ));
        out.push(d);
    }
}
