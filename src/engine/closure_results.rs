//! Acquires handed out through a closure: `let outcome =
//! store.with_cache(|cache| cache.locks.try_take(id))` runs the closure and
//! returns what it returns (the callee's signature says so: `fn with_cache<T>(
//! &self, f: impl FnOnce(&mut Cache) -> T) -> T`). When the closure returns a
//! value it acquired, the call is an acquire in the caller, reported where
//! the closure acquired it.

use crate::flow::{self, AcquireKind, CallEffect, Origin, Resolution};
use crate::ir::{Body, BodyKind, Event, Span};
use crate::knowledge::Index;

/// A closure of the file that returns a value it acquired: the closure's
/// head span, where it acquired the value, and what it acquired.
#[derive(Clone, Copy, Debug)]
pub struct ClosureAcquire {
    head: Span,
    acquired_at: Span,
    kind: AcquireKind,
}

/// The closures of a file's bodies that return a raw value they acquired,
/// looked at only when some body calls a fn that returns its closure's
/// result.
pub fn closure_acquires(
    bodies: &[Body],
    index: &Index,
    file: usize,
    late: crate::knowledge::LateBorrowed<'_>,
) -> Vec<ClosureAcquire> {
    let runs_closures = bodies.iter().any(|b| {
        b.callees
            .iter()
            .any(|c| index.returns_closure_arg(c).is_some())
    });
    if !runs_closures {
        return Vec::new();
    }
    let mut out = Vec::new();
    for body in bodies.iter().filter(|b| b.kind == BodyKind::Closure) {
        let res = super::resolve(body, index, file, late);
        if res.is_trivial() {
            continue;
        }
        let Some(facts) = flow::analyze(body, &res) else {
            continue;
        };
        let returned = facts
            .returned
            .iter()
            .find_map(|&v| match facts.values[v].origin {
                Origin::Acquire { span, kind, .. } if facts.values[v].is_raw_acquire() => {
                    Some((span, kind))
                }
                _ => None,
            });
        if let Some((acquired_at, kind)) = returned {
            out.push(ClosureAcquire {
                head: body.span,
                acquired_at,
                kind,
            });
        }
    }
    out
}

/// Calls of `body` that run one of `acquires`' closures and return its
/// result become acquires, reported where the closure acquired.
pub fn apply(body: &Body, index: &Index, acquires: &[ClosureAcquire], res: &mut Resolution) {
    if acquires.is_empty() {
        return;
    }
    for ev in body.blocks.iter().flat_map(|b| &b.events) {
        let Event::Call { call, args, .. } = ev else {
            continue;
        };
        let c = *call as usize;
        if res.calls[c] != CallEffect::Unknown {
            continue;
        }
        let Some(arg) = index
            .returns_closure_arg(&body.callees[c])
            .and_then(|i| args.get(i))
        else {
            continue;
        };
        let inside = |s: Span| arg.span.start <= s.start && s.end <= arg.span.end;
        if let Some(a) = acquires.iter().find(|a| inside(a.head)) {
            res.calls[c] = CallEffect::Acquire(a.kind);
            res.acquire_spans.push((*call, a.acquired_at));
        }
    }
}
