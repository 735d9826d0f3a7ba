//! PL001's finding for a pooled value parked in a channel whose receiver
//! the returned future keeps ([`crate::flow::ParkedSend`]); the rule's doc
//! comment (in `pl001_unreleased_acquire.rs`) documents it.

use super::RuleContext;
use super::pl001_unreleased_acquire::UnreleasedAcquire;
use crate::diagnostic::{Diagnostic, Label};

pub fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(future) = cx.body.returns.as_deref() else {
        return;
    };
    for parked in &cx.facts.parked_sends {
        let value = &cx.body.places[parked.value as usize].name;
        let receiver = &cx.body.places[parked.receiver as usize].name;
        let mut d = cx.diagnostic(
            &UnreleasedAcquire::INFO,
            format!("pooled value `{value}` is lost if the returned `{future}` is dropped before it completes"),
            Label::new(parked.acquire, "acquired here"),
        );
        d.secondary.push(Label::new(
            parked.send,
            format!("parked here in the channel whose receiver `{receiver}` the returned `{future}` keeps"),
        ));
        d.help = Some(format!(
            "acquire `{value}` where `{future}` completes (in its `poll`), or give `{future}` a `Drop` that gives back what its channel holds"
        ));
        d.notes.push(format!(
            "`{future}` is a future with no `Drop`: a caller that drops it unpolled (a `select!` arm that lost, a timeout) drops `{value}` with the channel"
        ));
        out.push(d);
    }
}
