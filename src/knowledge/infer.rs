//! Wrapper inference: a fn whose return value comes from an acquire is an
//! acquire; a fn that releases a by-value parameter (or its receiver) on every
//! path is a release, and so is one that gives a count back on every path.
//! Computed to a fixed point over the crate's bodies.

use super::calls::MatchKind;
use super::{Api, ApiOrigin, Index, ReleaseParam, Role};
use crate::flow::{self, ABSENT, CallEffect, Origin, RELEASED};
use crate::ir::{Body, BodyKind, Callee, Event};
use crate::store::{BodySource, FileBodies, in_chunks};
use rayon::prelude::*;
use std::collections::HashSet;

/// Add inferred wrapper APIs to the index until nothing changes.
///
/// Linear in the crate: the first round looks only at bodies that call a known
/// API name; each later round only at the callers of the names that gained an
/// API in the round before. Each round adds at least one API of a crate fn, so
/// there are at most as many rounds as fns.
pub fn infer(index: &mut Index, source: BodySource<'_>, late: super::LateBorrowed<'_>) {
    // Names that gained an API in the last round (`None` in the first): a body
    // can only change through a call of one of them.
    let mut fresh: Option<HashSet<String>> = None;
    loop {
        let names = match &fresh {
            None => index.acquire_or_release_names(),
            Some(names) => names.iter().cloned().collect(),
        };
        if names.is_empty() {
            break;
        }
        let keys = index.scoped_call_keys(names.iter().map(String::as_str));
        let shared: &Index = index;
        let fresh_names = fresh.as_ref();
        let mut found: Vec<Inferred> = Vec::new();
        in_chunks(
            CHUNK,
            source,
            &[],
            &|file, probe| keys.matches(shared, file, probe),
            |files| {
                found.par_extend(files.par_iter().flat_map_iter(|file| {
                    file.bodies
                        .iter()
                        .filter_map(move |body| infer_body(shared, body, file, fresh_names, late))
                }));
            },
        );
        if std::env::var_os("POOLLINT_TIMINGS").is_some() {
            eprintln!(
                "poollint:   wrappers round: {} names, {} found",
                names.len(),
                found.len()
            );
        }
        let mut added = HashSet::new();
        for inferred in found {
            match inferred {
                Inferred::Api(api) => {
                    let name = api.name.clone();
                    if index.add(api) {
                        added.insert(name);
                    }
                }
                Inferred::MayRelease { owner, name, what } => {
                    if index.add_may_release(owner.as_deref(), &name, what) {
                        added.insert(name);
                    }
                }
            }
        }
        fresh = Some(added);
    }
}

/// Files a chunk of bodies is asked for at a time (see [`in_chunks`]).
const CHUNK: usize = 32;

/// What a body turns out to be.
enum Inferred {
    Api(Api),
    /// It releases a parameter on some paths ([`super::may_release`]).
    MayRelease {
        owner: Option<String>,
        name: String,
        what: super::may_release::MayRelease,
    },
}

fn infer_body(
    index: &Index,
    body: &Body,
    file: &FileBodies,
    fresh: Option<&HashSet<String>>,
    late: super::LateBorrowed<'_>,
) -> Option<Inferred> {
    let file_id = file.file;
    if body.kind != BodyKind::Fn {
        return None;
    }
    let name = body.fn_name.as_ref()?;
    let owner = body.self_type.clone().or_else(|| body.trait_name.clone());
    if index.api_for(owner.as_deref(), name, file_id).is_some() {
        return None;
    }
    // Only calls matched through their types (or free fns) spread: a match
    // by name alone is a guess, and a wrapper of a guess is a worse one.
    let effect = |c: &Callee| match index.lookup_match(c, file_id) {
        Some((_, MatchKind::ByName)) => CallEffect::Unknown,
        _ => index.effect(c, file_id),
    };
    // Only acquires (returned) and releases (of parameters) make a wrapper:
    // look at the calls that can newly be one before resolving every call.
    let makes_wrapper = |c: &CallEffect| {
        matches!(
            c,
            CallEffect::Acquire(_) | CallEffect::Release { .. } | CallEffect::MayRelease { .. }
        )
    };
    if !body.callees.iter().any(|c| {
        fresh.is_none_or(|names| names.contains(&c.name))
            && index.may_acquire_or_release(&c.name)
            && makes_wrapper(&effect(c))
    }) {
        return None;
    }
    if let Some(api) = gives_back_a_count(index, body, file, &effect) {
        return Some(api);
    }
    // A wrapper releases a by-value parameter (or `self`), or returns what
    // an acquire gave it in a result that can carry it (see below): without
    // either, the flow analysis (most of this phase's time) finds nothing.
    let takes_by_value =
        body.params.iter().any(Option::is_some) || matches!(body.receiver, Some((_, true)));
    if !takes_by_value && !result_may_carry(index, body, file_id) {
        return None;
    }
    let calls: Vec<CallEffect> = body.callees.iter().map(effect).collect();
    let res = flow::Resolution {
        borrowing: crate::engine::borrowing(body, index, file_id, late),
        calls,
        entry_fields: Vec::new(),
        element_views: Vec::new(),
        locked_maps: Vec::new(),
        returned_future: None,
        track_params: true,
        guard_locals: Vec::new(),
        copy_parts: crate::engine::copy_parts(body, index),
        acquire_spans: Vec::new(),
    };
    let facts = flow::analyze(body, &res)?;
    let inferred = |role, wrapped: &Api, via: String, result: u8| {
        wrapper_api(body, file, role, wrapped, via, result)
    };
    // A release first: a fn that takes a value and gives it back is a
    // release even if it also returns something.
    let released = facts
        .values
        .iter()
        .enumerate()
        .find_map(|(v, value)| match value.origin {
            // Released on every path, or known to be nil there (`if pm ==
            // nil { return }` before the `Put`).
            Origin::Param { index: i }
                if facts.exit_states[v] & RELEASED != 0
                    && facts.exit_states[v] & !(RELEASED | ABSENT) == 0 =>
            {
                Some(i)
            }
            _ => None,
        });
    // Unless it swaps: it takes a fresh value and keeps it somewhere other
    // than its result (`*ctxP = s.acquireCtx(c)` after releasing `*ctxP`),
    // so what the caller holds afterwards is not released.
    let swaps = facts.values.iter().enumerate().any(|(v, value)| {
        matches!(value.origin, Origin::Acquire { .. }) && !facts.returned.contains(&v)
    });
    if let Some(param) = released.filter(|_| !swaps) {
        let (api, display) = releasing_call(index, body, file_id)?;
        let what = match param {
            Some(i) => format!("argument {i}"),
            None => "its receiver".to_string(),
        };
        let role = Role::Release(match param {
            Some(i) => ReleaseParam::Param(i),
            None => ReleaseParam::Receiver,
        });
        return Some(Inferred::Api(inferred(
            role,
            api,
            format!("releases {what} through {display}"),
            0,
        )));
    }
    // Returns nothing at all: no `returns` type, nor one that carries no
    // value (`bool`, `error`), as its signature says.
    let no_results = index
        .sig(owner.as_deref(), name)
        .is_some_and(|s| s.returns.is_none() && s.returns_nothing);
    if released.is_none()
        && let Some(what) = super::may_release::of_body(body, &facts, &res.calls, no_results)
    {
        return Some(Inferred::MayRelease {
            owner,
            name: name.clone(),
            what,
        });
    }
    let (guard, call, result) = returned_acquire(&facts)?;
    let api = index.lookup(&body.callees[call as usize], file_id)?;
    // The result must be able to carry the value: not `()`, `Result<(), E>`,
    // nor a `bool` or number (but a handle is a number). A later result
    // is typed by what the acquire gives.
    if result == 0 {
        let returns = body.returns.as_deref()?;
        if !api.handle && super::resolve::is_primitive(returns) {
            return None;
        }
    }
    let display = api.display_name();
    let via = match result {
        0 => format!("returns {display}"),
        k => format!("returns {display} as result {k}"),
    };
    Some(Inferred::Api(inferred(
        Role::Acquire { guard },
        api,
        via,
        result,
    )))
}

/// A fn that gives a count back on every way through it, and takes none
/// (`fn end(&mut self, c: bool) -> Result<()> { self.conn.wal_insert_end(c)?;
/// self.in_txn = false; Ok(()) }`): a release of the same counting pool.
fn gives_back_a_count(
    index: &Index,
    body: &Body,
    file: &FileBodies,
    effect: &impl Fn(&Callee) -> CallEffect,
) -> Option<Inferred> {
    let counting = |e: &CallEffect| {
        matches!(
            e,
            CallEffect::Release {
                arg: flow::ReleaseArg::Token,
                ..
            }
        )
    };
    // Counting pools are rare: look at the calls of a release's name first.
    if body.is_drop()
        || !body
            .callees
            .iter()
            .any(|c| index.may_acquire_or_release(&c.name) && counting(&effect(c)))
    {
        return None;
    }
    let effects: Vec<CallEffect> = body.callees.iter().map(effect).collect();
    if effects.iter().any(|e| matches!(e, CallEffect::Acquire(_)))
        || !body.every_way_passes(
            |ev| matches!(ev, Event::Call { call, .. } if counting(&effects[*call as usize])),
        )
    {
        return None;
    }
    let (wrapped, display) = releasing_call(index, body, file.file)?;
    let api = wrapper_api(
        body,
        file,
        Role::Release(ReleaseParam::Receiver),
        wrapped,
        format!("gives a count back through {display}"),
        0,
    );
    Some(Inferred::Api(Api {
        counter: true,
        ..api
    }))
}

/// The API a wrapper body is, made from the API it wraps.
fn wrapper_api(
    body: &Body,
    file: &FileBodies,
    role: Role,
    wrapped: &Api,
    via: String,
    result: u8,
) -> Api {
    Api {
        role,
        owner: body.self_type.clone().or_else(|| body.trait_name.clone()),
        name: body.fn_name.clone().unwrap_or_default(),
        has_receiver: Some(body.receiver.is_some()),
        // A later result's type is the wrapped API's (the body's names
        // only the first).
        returns: match result {
            0 => body.returns.clone(),
            _ => wrapped.returns.clone(),
        },
        handle: wrapped.handle,
        counter: wrapped.counter,
        pool: wrapped.pool.clone(),
        origin: ApiOrigin::Inferred {
            path: file.path.clone(),
            line: body.line as usize,
            via,
        },
        file: Some(file.file),
        declared_arg: None,
        module: None,
        boxes: false,
        collected: wrapped.collected,
        result,
    }
}

/// Can the body's result carry a pooled value: not `()` nor `Result<(), E>`,
/// nor a `bool` or number, unless it calls a handle pool's acquire (its
/// handles are numbers).
fn result_may_carry(index: &Index, body: &Body, file: usize) -> bool {
    if !body.later_results.is_empty() {
        return true;
    }
    match body.returns.as_deref() {
        None => false,
        Some(returns) if !super::resolve::is_primitive(returns) => true,
        Some(_) => body
            .callees
            .iter()
            .any(|c| index.lookup(c, file).is_some_and(|api| api.handle)),
    }
}

/// The first call of a release in the body, and its display name.
fn releasing_call<'i>(index: &'i Index, body: &Body, file: usize) -> Option<(&'i Api, String)> {
    body.callees.iter().find_map(|c| {
        let (api, kind) = index.lookup_match(c, file)?;
        (kind == MatchKind::Resolved && matches!(api.role, Role::Release(_)))
            .then(|| (api, api.display_name()))
    })
}

/// `Some((guard, call, result))` when the body returns a value that came
/// from an acquire (`call` is one such acquire) in result `result`; a guard
/// only if every returned value is one. Acquired values returned in more
/// than one position say nothing.
fn returned_acquire(facts: &flow::Facts) -> Option<(bool, u32, u8)> {
    let mut acquires =
        facts
            .returned_at
            .iter()
            .filter_map(|&(v, position)| match facts.values[v].origin {
                Origin::Acquire { kind, call, .. } => Some((kind.guard, call, position)),
                _ => None,
            });
    let first = acquires.next()?;
    acquires.try_fold(first, |(all, call, position), (g, _, p)| {
        (p == position).then_some((all && g, call, position))
    })
}
