//! The rule catalogue. Each rule lives in its own file, declares itself with
//! [`declare_rule!`] (its doc comment is its `--explain` text) and turns the
//! flow facts of a body into diagnostics. No rule walks the AST.

use crate::diagnostic::{Diagnostic, Level};
use crate::flow::{Facts, Origin, ValueId};
use crate::ir::{Body, Event, PlaceId, PlaceKind};
use crate::knowledge::{Index, ReleaseParam, Role};

mod pl000_unreadable_source;
mod pl001_debug_only;
mod pl001_parked_in_future;
mod pl001_unreleased_acquire;
mod pl002_use_after_release;
mod pl003_abandoned_on_reassign;
mod pl003_relocked_insert;
mod pl004_forgotten_guard;
mod pl005_double_release;
mod pl006_reset_discards_capacity;
mod pl007_incomplete_reset;
mod pl008_release_without_reset;
mod pl009_unbounded_release;
mod pl010_manual_release;
mod pl011_held_across_await;
mod pl012_non_pointer_put;
mod pl100_unused_suppression;

pub use pl000_unreadable_source::{Unreadable, UnreadableSource};
pub use pl001_unreleased_acquire::UnreleasedAcquire;
pub use pl002_use_after_release::UseAfterRelease;
pub use pl003_abandoned_on_reassign::AbandonedOnReassign;
pub use pl004_forgotten_guard::ForgottenGuard;
pub use pl005_double_release::DoubleRelease;
pub use pl006_reset_discards_capacity::ResetDiscardsCapacity;
pub use pl007_incomplete_reset::IncompleteReset;
pub use pl008_release_without_reset::ReleaseWithoutReset;
pub use pl009_unbounded_release::UnboundedRelease;
pub use pl010_manual_release::ManualRelease;
pub use pl011_held_across_await::HeldAcrossAwait;
pub use pl012_non_pointer_put::NonPointerPut;
pub use pl100_unused_suppression::UnusedSuppression;

/// The static description of a rule.
#[derive(Debug)]
pub struct RuleInfo {
    pub code: &'static str,
    pub name: &'static str,
    pub default_level: Level,
    /// One line, for `--list-rules` and SARIF short descriptions.
    pub summary: &'static str,
    /// The rule's documentation (What it does / Why is this bad / Example / Use instead / Known limits).
    pub doc: &'static str,
}

impl RuleInfo {
    /// A finding of this rule at its default level, with only a primary label.
    pub fn diagnostic(
        &self,
        file: usize,
        message: String,
        primary: crate::diagnostic::Label,
    ) -> Diagnostic {
        Diagnostic {
            code: self.code,
            name: self.name,
            level: self.default_level,
            file,
            message,
            primary,
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
            suggestion: None,
        }
    }
}

/// Declare a rule: a unit struct whose doc comment becomes [`RuleInfo::doc`].
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            code: $code:literal,
            name: $rule:literal,
            level: $level:ident,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub struct $name;

        impl $name {
            pub const INFO: $crate::rules::RuleInfo = $crate::rules::RuleInfo {
                code: $code,
                name: $rule,
                default_level: $crate::diagnostic::Level::$level,
                summary: $summary,
                doc: concat!($($doc, "\n"),*),
            };
        }
    };
}
pub(crate) use declare_rule;

/// Every rule, in code order.
pub const ALL: &[&RuleInfo] = &[
    &UnreadableSource::INFO,
    &UnreleasedAcquire::INFO,
    &UseAfterRelease::INFO,
    &AbandonedOnReassign::INFO,
    &ForgottenGuard::INFO,
    &DoubleRelease::INFO,
    &ResetDiscardsCapacity::INFO,
    &IncompleteReset::INFO,
    &ReleaseWithoutReset::INFO,
    &UnboundedRelease::INFO,
    &ManualRelease::INFO,
    &HeldAcrossAwait::INFO,
    &NonPointerPut::INFO,
    &UnusedSuppression::INFO,
];

/// Find a rule by code (`PL001`, case-insensitive) or name (`unreleased-acquire`).
pub fn find(key: &str) -> Option<&'static RuleInfo> {
    ALL.iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name == key)
}

/// What a rule sees of one analysed body.
pub struct RuleContext<'a> {
    pub body: &'a Body,
    pub facts: &'a Facts,
    pub index: &'a Index,
    pub file: usize,
    pub text: &'a str,
    /// How to put things in the file's language.
    pub wording: &'static crate::wording::Wording,
}

impl RuleContext<'_> {
    /// In a declared release fn: the place of the value it takes back (its
    /// by-value parameter, or `self` taken by value).
    pub fn released_place(&self) -> Option<PlaceId> {
        let body = self.body;
        let name = body.fn_name.as_deref()?;
        let owner = body.self_type.as_deref().or(body.trait_name.as_deref());
        let api = self.index.api_for(owner, name, self.file).or_else(|| {
            // A trait's declared release, implemented here.
            body.trait_name
                .as_deref()
                .and_then(|t| self.index.api_for(Some(t), name, self.file))
        })?;
        match api.role {
            Role::Release(ReleaseParam::Param(i)) => body.params.get(i).copied().flatten(),
            Role::Release(ReleaseParam::Receiver) => match body.receiver {
                Some((p, true)) => Some(p),
                _ => None,
            },
            _ => None,
        }
    }

    /// The first named place an acquired value is moved into (`buf` in `let buf = pool.get()`).
    pub fn home_of(&self, v: ValueId) -> Option<u32> {
        let Origin::Acquire { call, kind, .. } = self.facts.values[v].origin else {
            return None;
        };
        let events = || self.body.blocks.iter().flat_map(|b| &b.events);
        let mut place = events().find_map(|ev| match ev {
            Event::Call {
                call: c,
                result,
                more_results,
                ..
            } if *c == call => Some(crate::ir::result_place(*result, more_results, kind.result)),
            _ => None,
        })?;
        // Follow temps (`Some(pool.get())`, `if .. { pool.get() }`) to a named place.
        for _ in 0..16 {
            if self.body.places[place as usize].kind != PlaceKind::Temp {
                return Some(place);
            }
            place = events().find_map(|ev| match ev {
                Event::Move { src, dest, .. } | Event::Take { src, dest, .. } if *src == place => {
                    Some(*dest)
                }
                _ => None,
            })?;
        }
        None
    }

    /// How to call a value in a message: the local that held it, or "the pooled value".
    pub fn value_name(&self, v: ValueId, place: Option<u32>) -> String {
        let named = |p: &u32| self.body.places[*p as usize].kind != PlaceKind::Temp;
        let from_place = place
            .filter(named)
            .or_else(|| self.home_of(v))
            .filter(named)
            .map(|p| format!("`{}`", self.body.places[p as usize].name));
        from_place.unwrap_or_else(|| match self.facts.values[v].origin {
            Origin::EntryField { place }
            | Origin::Implicit { place, .. }
            | Origin::Handle { place } => {
                format!("`{}`", self.body.places[place as usize].name)
            }
            _ => "the pooled value".to_string(),
        })
    }

    /// A value of a pool whose values the runtime reclaims (`collected`, Go's
    /// `sync.Pool`) that the body neither releases nor returns on any path:
    /// let go on purpose (the GC takes it), so not a leak — unless the
    /// module's other call sites of the acquire put theirs back.
    pub fn let_go_to_collector(&self, v: ValueId) -> bool {
        let Origin::Acquire { call, .. } = self.facts.values[v].origin else {
            return false;
        };
        let callee = &self.body.callees[call as usize];
        self.index.lookup(callee, self.file).is_some_and(|api| {
            api.collected && !self.index.put_back_by_convention(api, callee, self.file)
        }) && !self.facts.released.contains(&v)
            && !self.facts.returned.contains(&v)
    }

    /// A value of a collected pool (Go's `sync.Pool`) let go on a way out
    /// that fails (`return nil, err`): the GC takes it, and a value handed
    /// out on success (an acquire wrapper, a parser's result) is commonly
    /// dropped on the failure path. Unless the body puts the value back on
    /// some other path: then the failing exit is the one that forgot.
    pub fn let_go_on_failure(&self, v: ValueId, kind: crate::flow::LeakKind) -> bool {
        let Origin::Acquire { call, .. } = self.facts.values[v].origin else {
            return false;
        };
        matches!(kind, crate::flow::LeakKind::Exit(crate::ir::ExitKind::Fail))
            && !self.facts.released.contains(&v)
            && self
                .index
                .lookup(&self.body.callees[call as usize], self.file)
                .is_some_and(|api| api.collected)
    }

    /// The acquire API behind a value, as `Type::name`, with where the index learned it.
    pub fn acquire_api(&self, v: ValueId) -> Option<(String, String)> {
        let Origin::Acquire { call, .. } = self.facts.values[v].origin else {
            return None;
        };
        let callee = &self.body.callees[call as usize];
        let api = self.index.lookup(callee, self.file)?;
        Some((api.display_name(), api.origin.to_string()))
    }

    /// The call that gives value `v` (named `name` in messages) back, as the
    /// code would write it (`putBuffer(bp)`, `pool.Put(buf)`): the release
    /// of the acquire's owner, or of its pool family.
    pub fn release_hint(&self, v: ValueId, name: &str) -> Option<String> {
        let Origin::Acquire { call, .. } = self.facts.values[v].origin else {
            return None;
        };
        let var = name.trim_matches('`');
        if !name.starts_with('`') {
            return None;
        }
        let acquire = self
            .index
            .lookup(&self.body.callees[call as usize], self.file)?;
        let is_release =
            |a: &&crate::knowledge::Api| matches!(a.role, crate::knowledge::Role::Release(_));
        // A method of the same owner, on the same receiver.
        if let Some(owner) = &acquire.owner {
            let release = self.index.apis().iter().filter(is_release).find(|a| {
                a.owner.as_deref() == Some(owner.as_str())
                    && a.pool == acquire.pool
                    && self.index.visible_from(a, self.file, None)
            })?;
            let recv = self
                .body
                .blocks
                .iter()
                .flat_map(|b| &b.events)
                .find_map(|ev| match ev {
                    Event::Call { call: c, recv, .. } if *c == call => recv.clone(),
                    _ => None,
                })?;
            let recv = self.snippet(recv.span);
            return Some(format!("{recv}.{}({var})", release.name));
        }
        // A free fn of the same pool that takes what the acquire returns.
        let release = self
            .index
            .apis()
            .iter()
            .filter(is_release)
            .filter(|a| a.owner.is_none() && a.pool == acquire.pool)
            // One this file can call by its bare name (its own package's).
            .filter(|a| self.index.visible_from(a, self.file, None))
            .max_by_key(|a| {
                let takes = self
                    .index
                    .sig(None, &a.name)
                    .and_then(|s| s.params.first().cloned().flatten());
                (
                    takes.as_deref() == acquire.returns.as_deref(),
                    a.file == acquire.file,
                )
            })?;
        let module = release
            .module
            .as_deref()
            .map_or(String::new(), |m| format!("{m}."));
        Some(format!("{module}{}({var})", release.name))
    }

    /// The source text of a span, for messages.
    pub fn snippet(&self, span: crate::ir::Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    pub fn diagnostic(
        &self,
        rule: &RuleInfo,
        message: String,
        primary: crate::diagnostic::Label,
    ) -> Diagnostic {
        rule.diagnostic(self.file, message, primary)
    }
}

/// Does the body call Go's `recover()` (a deferred func literal's calls
/// are the body's own: it runs at its exits)?
fn recovers(body: &crate::ir::Body) -> bool {
    body.callees
        .iter()
        .any(|c| c.name == "recover" && !c.is_method && c.qualifier.is_none() && c.arg_count == 0)
}

/// Run every rule over one body (its facts are empty when the flow analysis had nothing to track).
pub fn check_body(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    // A Go test lets pooled values go when it ends (the test binary exits):
    // the rules on values that do not go back (PL001, PL003) do not apply
    // in `_test.go` files; those on misuse (a use after `Put`, a double
    // `Put`, a non-pointer `Put`, a reset) do.
    let test = cx.index.is_go_test_file(cx.file);
    if !test {
        pl001_unreleased_acquire::check(cx, out);
        pl001_parked_in_future::check(cx, out);
    }
    // A test that recovers from a panic (a deferred `recover()`) misuses
    // the value on purpose: the library's guard against that is what it
    // tests (`dec.Release(); _ = dec.DecodeBool(&v)` expecting a panic).
    let provokes_misuse = test && recovers(cx.body);
    if !provokes_misuse {
        pl002_use_after_release::check(cx, out);
    }
    if !test {
        pl003_abandoned_on_reassign::check(cx, out);
        pl003_relocked_insert::check(cx, out);
    }
    pl004_forgotten_guard::check(cx, out);
    if !provokes_misuse {
        pl005_double_release::check(cx, out);
    }
    pl006_reset_discards_capacity::check(cx, out);
    pl007_incomplete_reset::check(cx, out);
    pl008_release_without_reset::check(cx, out);
    pl009_unbounded_release::check(cx, out);
    pl010_manual_release::check(cx, out);
    pl011_held_across_await::check(cx, out);
    pl012_non_pointer_put::check(cx, out);
}
