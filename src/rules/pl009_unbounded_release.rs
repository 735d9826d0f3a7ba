use super::{RuleContext, declare_rule};
use crate::diagnostic::{Diagnostic, Label};
use crate::flow::Origin;
use std::collections::BTreeSet;

declare_rule! {
    /// ## What it does
    /// Finds a growable buffer (`Vec`, `String`, `BytesMut`, ...) released to
    /// its pool with no capacity check on the path: no `capacity()` test and no
    /// `shrink_to(..)` before the release, and no such check inside the
    /// release function itself. Allowed by default.
    ///
    /// ## Why is this bad
    /// One huge request grows a pooled buffer to its size, and the pool keeps
    /// it forever: memory that never comes back, multiplied by the pool size.
    ///
    /// ## Example
    /// ```rust,ignore
    /// let mut buf = pool.get();
    /// sock.read_to_end(&mut buf)?;
    /// pool.put(buf);
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// if buf.capacity() <= MAX_POOLED {
    ///     pool.put(buf);
    /// }
    /// ```
    ///
    /// ## Known limits
    /// Any `capacity()` call on the value counts as a check, whatever it is
    /// compared to.
    pub struct UnboundedRelease {
        code: "PL009",
        name: "unbounded-release",
        level: Allow,
        summary: "a growable buffer is released with no capacity bound",
    }
}

pub fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut seen = BTreeSet::new();
    for site in &cx.facts.released_unbounded {
        if !seen.insert(site.span) {
            continue;
        }
        let name = cx.value_name(site.value, None);
        let mut d = cx.diagnostic(
            &UnboundedRelease::INFO,
            format!("{name} goes back to its pool with no bound on its capacity"),
            Label::new(
                site.span,
                "released here with no capacity check on the path",
            ),
        );
        if let Origin::Acquire { span, .. } = cx.facts.values[site.value].origin {
            d.secondary.push(Label::new(span, "acquired here"));
        }
        d.help = Some(format!(
            "release {name} only when `{}.capacity()` is below a limit, or `shrink_to` the limit first",
            name.trim_matches('`')
        ));
        out.push(d);
    }
}
