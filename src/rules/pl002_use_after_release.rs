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
    /// A call of a fn that releases the value on some paths only is a release
    /// when the fn returns nothing or calls the release on every path
    /// (`defer a.release()`); one that returns something (a `bool`, an
    /// `error`) may tell its caller what it did, so a use after it is not
    /// reported. In Go, `x.Bytes()` and `x.AvailableBuffer()` on a receiver
    /// whose type the file cannot name (`a := AcquireAgent()` with `Agent`
    /// declared in another file) are taken for a buffer's, whose result points
    /// into `x`, not for a call of the package's own method.
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
            let label = match may_release_callee(cx, fact.release_span) {
                Some(callee) => {
                    d.notes.push(format!(
                        "`{callee}` gives it back to its pool on some paths, as it decides: \
                         after the call the value may already be another user's"
                    ));
                    format!("{name} may go back to its pool inside `{callee}`")
                }
                None => format!("{name} released here"),
            };
            d.secondary.push(Label::new(fact.release_span, label));
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

/// The name of the call at `span` if it may release (`CallEffect::MayRelease`):
/// the release a use follows was the callee's to decide.
fn may_release_callee<'b>(cx: &RuleContext<'b>, span: crate::ir::Span) -> Option<&'b str> {
    use crate::ir::Event;
    cx.body
        .blocks
        .iter()
        .flat_map(|b| &b.events)
        .find_map(|ev| match ev {
            Event::Call { call, span: s, .. } if *s == span => {
                let callee = &cx.body.callees[*call as usize];
                let effect = cx.index.effect(callee, cx.file);
                matches!(effect, crate::flow::CallEffect::MayRelease { .. })
                    .then_some(callee.name.as_str())
            }
            _ => None,
        })
}
