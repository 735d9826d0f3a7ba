use super::{RuleContext, declare_rule};
use crate::diagnostic::{Diagnostic, Label};
use std::collections::BTreeSet;

declare_rule! {
    /// ## What it does
    /// Finds a pooled value, or something that aliases it, that is used after
    /// the value went back to its pool: a read, a method call, a `return`, a
    /// second hand-off. Aliases are raw pointers (`as_ptr`, `as *const _`),
    /// borrows and slices (`&buf[..]`, `as_slice`), `Rc`/`Arc` clones, and
    /// `Copy` handles such as slab keys passed to a release.
    ///
    /// ## Why is this bad
    /// Once released, the pool may hand the same object to another user at any
    /// moment. Reading it sees someone else's data; writing it corrupts theirs.
    /// It is a use-after-free in all but name, and the borrow checker cannot
    /// see it through raw pointers, indices and handles.
    ///
    /// ## Example
    /// ```rust,ignore
    /// let key = slab.insert(conn);
    /// slab.remove(key);
    /// slab[key].send(msg); // `key` may now name another connection
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// let key = slab.insert(conn);
    /// slab[key].send(msg);
    /// slab.remove(key);
    /// ```
    ///
    /// ## Known limits
    /// Out of reach: state carried across calls (a value one method releases
    /// and another, or the type's `Drop`, uses), enum state machines (a state
    /// enum whose variant says whether the value is still held) and tasks
    /// that never run (a future dropped before it is polled).
    /// Aliases are followed through locals, not through struct fields or
    /// collections. A value released on one branch and used on another that
    /// cannot follow it is still reported when the branches are not correlated.
    pub struct UseAfterRelease {
        code: "PL002",
        name: "use-after-release",
        level: Warn,
        summary: "a pooled value or an alias of it is used after release",
    }
}

pub fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut seen = BTreeSet::new();
    for fact in &cx.facts.uses_after_release {
        if !seen.insert(fact.use_span) {
            continue;
        }
        let name = cx.value_name(fact.value, None);
        let (message, label) = match fact.alias {
            Some(alias) => {
                let alias = &cx.body.places[alias as usize].name;
                (
                    format!("`{alias}` points into {name}, which was released to its pool"),
                    format!("`{alias}` used after {name} was released"),
                )
            }
            None => (
                format!("{name} is used after it was released to its pool"),
                "used after release".to_string(),
            ),
        };
        let mut d = cx.diagnostic(
            &UseAfterRelease::INFO,
            message,
            Label::new(fact.use_span, label),
        );
        if fact.release_span.start != u32::MAX {
            d.secondary.push(Label::new(
                fact.release_span,
                format!("{name} released here"),
            ));
        }
        d.help = Some(format!(
            "finish every use of {name} (and of {}) before releasing it",
            cx.wording.aliases
        ));
        d.notes
            .push("after release the pool may hand the same object to another user".to_string());
        out.push(d);
    }
}
