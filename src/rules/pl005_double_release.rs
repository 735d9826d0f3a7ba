use super::{RuleContext, declare_rule};
use crate::diagnostic::{Diagnostic, Label};
use std::collections::BTreeSet;

declare_rule! {
    /// ## What it does
    /// Finds a pooled value released twice on one path: directly, or through
    /// an alias of it (an `Rc`/`Arc` clone, a `Copy` handle or slab key).
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
    /// another in the type's `Drop` that a flag should have disarmed: the
    /// embassy ring reader's `reset_buf`), enum state machines and tasks that
    /// never run.
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
}
