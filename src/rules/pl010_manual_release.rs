use super::{RuleContext, declare_rule};
use crate::diagnostic::{Diagnostic, Label};
use crate::flow::Origin;

declare_rule! {
    /// ## What it does
    /// Finds a raw acquire that is released by hand even though every visible
    /// path releases it. Allowed by default: turn it on to require guards.
    ///
    /// ## Why is this bad
    /// A panic between the acquire and the release unwinds past the release:
    /// the value never goes back. A guard (`acquire(guard)`, or
    /// `scopeguard::guard`) releases it during unwinding too.
    ///
    /// ## Example
    /// ```rust,ignore
    /// let buf = pool.get();
    /// parse(&buf); // may panic
    /// pool.put(buf);
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// let buf = pool.pull(); // a guard: released on drop, panics included
    /// parse(&buf);
    /// ```
    ///
    /// ## Known limits
    /// Values that leak on some path are reported by PL001 instead.
    pub struct ManualRelease {
        code: "PL010",
        name: "manual-release",
        level: Allow,
        summary: "a raw acquire is released by hand rather than by a guard",
    }
}

pub fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for &v in &cx.facts.released {
        let value = &cx.facts.values[v];
        if !value.is_raw_acquire() || cx.facts.leaks.iter().any(|l| l.value == v) {
            continue;
        }
        let Origin::Acquire { span, .. } = value.origin else {
            continue;
        };
        let name = cx.value_name(v, None);
        let mut d = cx.diagnostic(
            &ManualRelease::INFO,
            format!("{name} is acquired raw and released by hand: a panic in between leaks it"),
            Label::new(span, "raw acquire"),
        );
        d.help = Some(
            "acquire a guard that releases on drop, or wrap the value in `scopeguard::guard`"
                .to_string(),
        );
        out.push(d);
    }
}
