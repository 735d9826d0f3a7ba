use super::{RuleContext, declare_rule};
use crate::diagnostic::{Diagnostic, Label};
use crate::flow::Origin;
use std::collections::BTreeMap;

declare_rule! {
    /// ## What it does
    /// Finds an `.await` reached while a raw pooled value is held by a local.
    ///
    /// ## Why is this bad
    /// An async task can be cancelled at any `.await`: its future is dropped
    /// and the code after the await never runs. A raw pooled value held there
    /// is dropped without release. A connection pool drained this way by
    /// request timeouts looks like a slow leak under load.
    ///
    /// ## Example
    /// ```rust,ignore
    /// let conn = pool.get_raw();
    /// conn.send(req).await?; // a timeout here drops `conn`
    /// pool.put(conn);
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// let conn = pool.get(); // a guard: released when the future is dropped
    /// conn.send(req).await?;
    /// ```
    ///
    /// ## Known limits
    /// Out of reach: state carried across calls and enum state machines (a
    /// value parked in a state enum across an `.await`), and a value sent
    /// into a channel whose receiver lives in a future that may be dropped.
    /// Only awaits in the same body are seen; a value passed to an async
    /// function that awaits is not followed.
    pub struct HeldAcrossAwait {
        code: "PL011",
        name: "held-across-await",
        level: Warn,
        summary: "an `.await` is reached while a raw pooled value is held",
    }
}

pub fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    // One diagnostic per await point, naming every value held there.
    let mut by_await: BTreeMap<crate::ir::Span, Vec<usize>> = BTreeMap::new();
    for fact in &cx.facts.held_across_await {
        by_await.entry(fact.span).or_default().push(fact.value);
    }
    for (span, values) in by_await {
        let names: Vec<String> = values.iter().map(|&v| cx.value_name(v, None)).collect();
        let mut d = cx.diagnostic(
            &HeldAcrossAwait::INFO,
            format!("{} held across an `.await`", names.join(", ")),
            Label::new(
                span,
                "if the future is cancelled here, the pooled value is dropped unreleased",
            ),
        );
        for &v in &values {
            if let Origin::Acquire { span, .. } = cx.facts.values[v].origin {
                d.secondary.push(Label::new(span, "acquired here (raw)"));
            }
        }
        d.help =
            Some("acquire a guard that releases on drop, or release before awaiting".to_string());
        out.push(d);
    }
}
