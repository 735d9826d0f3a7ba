//! PL003's finding for a map entry displaced by an insert made under a
//! second lock ([`crate::flow::RelockedInsert`]); the rule's doc comment
//! (in `pl003_abandoned_on_reassign.rs`) documents it.

use super::RuleContext;
use super::pl003_abandoned_on_reassign::AbandonedOnReassign;
use crate::diagnostic::{Diagnostic, Label};

pub fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for insert in &cx.facts.relocked_inserts {
        let map = &cx.body.places[insert.map as usize].name;
        let mut d = cx.diagnostic(
            &AbandonedOnReassign::INFO,
            format!(
                "an entry of `{map}` added by another thread since the lookup may be overwritten here"
            ),
            Label::new(
                insert.span,
                "the entry this displaces, with the pooled values in it, is dropped without release",
            ),
        );
        d.secondary.push(Label::new(
            insert.lookup,
            "the key was looked up here, under a lock released before this insert",
        ));
        d.help = Some(
            "look the key up again under the lock that inserts (`if let Some(e) = map.get(&k) { .. return }`), or insert through `entry(k)`"
                .to_string(),
        );
        d.notes.push(format!(
            "`{map}` holds pooled values; between two locks another thread can insert the same key, and `insert` returns the entry it displaces"
        ));
        out.push(d);
    }
}
