use super::{RuleContext, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Label, Suggestion};
use crate::flow::Origin;
use crate::ir::{AssignKind, Event, PlaceId, Span};
use crate::knowledge::{Api, ReleaseParam, Role};

declare_rule! {
    /// ## What it does
    /// Finds a variable or field that holds an unreleased pooled value and is
    /// overwritten: `x = None`, `x = pool.get()` again, `self.msg =
    /// Default::default()`, or a `take()`/`mem::take` whose result is dropped.
    /// For fields, the field's declared type must hold a `#[poollint::pooled]`
    /// type and nothing earlier in the method may have taken or released it.
    /// An element taken out of a `Vec`/`VecDeque`/`BTreeSet`-like or map
    /// field of pooled elements (`pop`, `pop_front`, `pop_back`, `remove`,
    /// `swap_remove`) and discarded at once is reported too (one a local
    /// takes and loses on some path is PL001's), and so is such a field
    /// emptied in place
    /// (`clear()`, `truncate(n)`, `retain(..)`, a discarded `drain(..)`) or
    /// swapped out by `mem::replace`/`mem::take` into a value that is
    /// dropped. A pool's own free list is not (dropping from it frees
    /// memory). A lock's or a cell's view of the field is the field
    /// (`self.free.lock().unwrap().clear()`). A value looked up by type in a
    /// type map (`let data = user_data.get_mut::<SurfaceData>().unwrap()`,
    /// `downcast_mut::<T>()`) is stored data like `self`, and so is a `&mut
    /// T` parameter: their fields held their pooled values on entry.
    /// A loop through mutable views of such a field's slots (`for slot in
    /// self.bufs.iter_mut()`, `values_mut()`, `&mut self.bufs`) starts each
    /// turn with the slot's value, and `*slot = None` drops it; so does a
    /// field whose values each carry a count (a counter pool's acquire on
    /// the value, `page.pin()`): one that a method of its type fills after
    /// taking the count, and empties giving it back, where the type's `Drop`
    /// gives back what is left (turso's page stack). The field may belong to
    /// another type (`self.stack.stack`).
    /// A map behind a lock whose values hold pooled values (`pools:
    /// RwLock<HashMap<u64, Node>>`) loses an entry when a key looked up
    /// under one lock (`self.pools.read()`) is inserted under another
    /// (`self.pools.write()`) without a second lookup, and the displaced
    /// value `insert` returns is dropped: another thread may have added the
    /// key in between (pingora's in-use pool).
    ///
    /// ## Why is this bad
    /// The old value is dropped without going back to its pool. The pool never
    /// sees it again: the same leak as PL001, hidden in an assignment.
    ///
    /// ## Example
    /// ```rust,ignore
    /// fn finish(&mut self) {
    ///     self.pending = None; // the pooled message in `pending` is lost
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// fn finish(&mut self) {
    ///     if let Some(msg) = self.pending.take() {
    ///         self.pool.put(msg);
    ///     }
    /// }
    /// ```
    ///
    /// ## Fix
    /// For `x = None`, when the release API is known, the suggestion takes
    /// the old value and releases it (`if let Some(old) = x.take() {
    /// pool.put(old); }`). It is not applied by `--fix`: the pool to give
    /// the value back to is a guess.
    ///
    /// ## Known limits
    /// A lock's second taking is seen only through `lock`, `read`,
    /// `write` (and their `try_` forms, through `unwrap`/`expect`) on a
    /// field of a `Mutex`/`RwLock` around a `HashMap`, `BTreeMap` or
    /// `IndexMap`; Go's explicit `Lock`/`Unlock` pairs, `DashMap` and maps
    /// behind other locks are not followed, and an insert with no earlier
    /// lookup of its key in the body is not reported (the key may be new).
    /// Out of reach: state carried across calls (a field emptied by a helper
    /// method before the overwrite), enum state machines (a state enum whose
    /// variant says the field was already given back) and tasks that never
    /// run.
    /// A field tested through a borrow (`if let Some(b) = &self.buf`,
    /// `match &self.buf`) holds nothing on the edge where it is `None`; a
    /// borrow first bound to a local (`let r = &self.buf; if let Some(b) =
    /// r`) is not followed that far. Fields of other places are followed only for `self`, `&mut`
    /// parameters, type-map lookups, locals bound to a mutable view of
    /// a field (`let s = &mut self.slot`, `let mut inner =
    /// cmd.inner.borrow_mut()`, a lock guard) and the elements a `for` loop
    /// takes from a parameter whose type names them (`bufs: &[CommandBuffer]`,
    /// `I: IntoIterator<Item = &'a CommandBuffer>`), afresh in each turn;
    /// an element of a collection held in a field or a local is not known
    /// to hold anything on entry unless a loop binds a mutable view of it
    /// (`iter_mut()`, `values_mut()`, `&mut`; not through `enumerate()` or
    /// other adapters), and that view is unknown again after it is handed
    /// to a call (`if slot.is_some()`), as is every slot when the collection
    /// or what holds it went to a call earlier in the body
    /// (`self.unpin_all()`); nor is a field of a temporary view
    /// (`cb.inner.borrow_mut().token = None`). A field holds a pooled value
    /// when its type mentions a pooled type, or an enum or struct of the
    /// crate that carries one (two levels deep) and has no `Drop` of its
    /// own. A file is
    /// read for them only when it also calls a pool API, defines a method of
    /// the type, looks the type up or takes it as a parameter. A field's old value is only known to be released when the release or
    /// `take()` is in the same method; a helper method that empties the field
    /// first is not followed. Elements are followed one by one only through
    /// `pop`-like calls and `for .. in v.drain(..)`; an iterator adapter
    /// chain over a drain (`v.drain(..).filter(..)`) hands them on unseen.
    /// Once a method takes any element out, the field's remaining contents
    /// are unknown: a later `clear()` is not reported. Releasing the same
    /// `Copy` keys twice through two loops over a field (`iter()` then
    /// `drain(..)`) is not seen as a double release. Unlike PL001, an
    /// explicit overwrite is reported for a pool whose values the runtime
    /// reclaims (`collected = true`, Go's `sync.Pool`) too: a pooled value
    /// replaced on purpose with nothing in the code to say so is reported
    /// and needs a `//poollint:allow PL003 -- why`.
    /// In Go, `x = nil` ahead of a later `if x != nil { .. }` branch that
    /// passes `x` to a call (`if ctx != nil { s.releaseCtx(ctx) }`) turns
    /// that release off on purpose and lets the value go: not reported.
    /// Nor is `x` replaced in a branch of an `if` whose condition reads the
    /// old value's state: a field of it (`if c.closed`), or a local set from
    /// one earlier in the func (`t = ctx.timeoutResponse; if t != nil { ctx
    /// = s.acquireCtx(c) }`): the code looked at the value and decided. Any
    /// earlier such local counts, whatever was assigned to it since; a
    /// method's result (`if c.load() != nil`) is not a field read.
    pub struct AbandonedOnReassign {
        code: "PL003",
        name: "abandoned-on-reassign",
        level: Warn,
        summary: "a place holding an unreleased pooled value is overwritten",
    }
}

pub fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for fact in &cx.facts.abandons {
        let origin = cx.facts.values[fact.value].origin;
        let value = &cx.facts.values[fact.value];
        if !(value.is_raw_acquire()
            || matches!(origin, Origin::EntryField { .. } | Origin::Element { .. }))
        {
            continue;
        }
        // A field's value taken out and dropped is named after the field.
        let place = match origin {
            Origin::EntryField { place } | Origin::Element { place, .. } if fact.kind.is_none() => {
                place
            }
            _ => fact.place,
        };
        let place = format!("`{}`", cx.body.places[place as usize].name);
        let (message, label) = match fact.kind {
            None if fact.cleared => (
                format!("{place} is cleared while it holds unreleased pooled values"),
                "its pooled elements are dropped here without release",
            ),
            Some(AssignKind::Null) => (
                format!(
                    "{place} is set to {} while it holds an unreleased pooled value",
                    cx.wording.null
                ),
                "the old value is dropped here without release",
            ),
            Some(AssignKind::Fresh | AssignKind::Empty) => (
                format!(
                    "{place} is overwritten with a fresh value while it holds an unreleased pooled value"
                ),
                "the old value is dropped here without release",
            ),
            Some(AssignKind::Other) => (
                format!("{place} is overwritten while it holds an unreleased pooled value"),
                "the old value is dropped here without release",
            ),
            None => (
                format!("the pooled value taken out of {place} is dropped without release"),
                "taken and discarded here",
            ),
        };
        let mut d = cx.diagnostic(
            &AbandonedOnReassign::INFO,
            message,
            Label::new(fact.span, label),
        );
        match origin {
            Origin::Acquire { span, .. } => d.secondary.push(Label::new(span, "acquired here")),
            Origin::Element { span, .. } => {
                // A discarded `drain(..)` is taken and dropped at one span.
                if span != fact.span {
                    d.secondary.push(Label::new(span, "taken out here"));
                }
                d.notes.push(format!(
                    "the elements of {place} are of a pooled type: one taken out is owed back to its pool"
                ));
            }
            Origin::EntryField { place: view } => d.notes.push(match slots_viewed(cx, view) {
                Some(field) => format!(
                    "{place} views one slot of `{field}` per turn: what that field holds is pooled, or carries a count its type took when storing it and gives back when the value leaves"
                ),
                None => format!(
                    "the declared type of {place} holds a pooled type, and nothing earlier in this method took or released its value"
                ),
            }),
            _ => d.notes.push(format!(
                "the declared type of {place} holds a pooled type, and nothing earlier in this method took or released its value"
            )),
        }
        d.help = Some(if fact.cleared {
            cx.wording.release_elements.to_string()
        } else {
            cx.wording.release_old.to_string()
        });
        if fact.kind == Some(AssignKind::Null) {
            d.suggestion = take_and_release(cx, origin, fact.place, fact.span);
        }
        out.push(d);
    }
}

/// The collection whose slots a loop's mutable view `element` walks
/// (`for slot in self.stack.stack.iter_mut()`).
fn slots_viewed<'b>(cx: &RuleContext<'b>, element: PlaceId) -> Option<&'b str> {
    cx.body
        .blocks
        .iter()
        .flat_map(|b| &b.events)
        .find_map(|ev| match *ev {
            Event::Element {
                element: e,
                of,
                mutable: true,
                ..
            } if e == element => Some(cx.body.places[of as usize].name.as_str()),
            _ => None,
        })
}

/// `x = None` -> `if let Some(old) = x.take() { pool.put(old); }`, when the
/// release that takes the value back is known.
fn take_and_release(
    cx: &RuleContext<'_>,
    origin: Origin,
    place: PlaceId,
    span: Span,
) -> Option<Suggestion> {
    let target = super::pl006_reset_discards_capacity::assignment_target(cx.snippet(span))?;
    let release = release_call(cx, origin, place, "old")?;
    let replacement = format!("if let Some(old) = {target}.take() {{ {release}; }}");
    Some(Suggestion::replace(
        format!("take the old value and release it: `{replacement}`"),
        span,
        replacement,
        Applicability::MaybeIncorrect,
    ))
}

/// The one release API of `owner`'s pool family that takes a value back.
fn the_release<'a>(
    cx: &'a RuleContext<'_>,
    owner: Option<&str>,
    pool: Option<&str>,
) -> Option<&'a Api> {
    let mut candidates = cx.index.apis().iter().filter(|a| {
        matches!(a.role, Role::Release(_))
            && a.owner.as_deref() == owner
            && (pool.is_none() || a.pool.as_deref() == pool)
    });
    let only = candidates.next()?;
    candidates.next().is_none().then_some(only)
}

/// The text of a call releasing `value`, through the receiver expression
/// `recv` for a method.
fn call_text(api: &Api, recv: Option<&str>, value: &str) -> Option<String> {
    match (api.role, recv, &api.owner) {
        (Role::Release(ReleaseParam::Receiver), _, _) => Some(format!("{value}.{}()", api.name)),
        (Role::Release(ReleaseParam::Param(0)), Some(recv), Some(_)) => {
            Some(format!("{recv}.{}({value})", api.name))
        }
        (Role::Release(ReleaseParam::Param(0)), None, None) => {
            Some(format!("{}({value})", api.name))
        }
        _ => None,
    }
}

/// How to release the value abandoned at `place`: through the pool it was
/// acquired from, or for a field, through the field of `self` that holds
/// the pool its type comes from.
fn release_call(
    cx: &RuleContext<'_>,
    origin: Origin,
    place: PlaceId,
    value: &str,
) -> Option<String> {
    let body = cx.body;
    match origin {
        Origin::Acquire { call, .. } => {
            let acquire = cx.index.lookup(&body.callees[call as usize], cx.file)?;
            let recv = body
                .blocks
                .iter()
                .flat_map(|b| &b.events)
                .find_map(|ev| match ev {
                    Event::Call { call: c, recv, .. } if *c == call => Some(recv.as_ref()),
                    _ => None,
                })?;
            let release = the_release(cx, acquire.owner.as_deref(), acquire.pool.as_deref())?;
            let recv = match (recv, &release.owner, release.has_receiver) {
                (Some(r), Some(_), Some(true) | None) => Some(cx.snippet(r.span).trim()),
                (_, None, _) => None,
                _ => return None,
            };
            call_text(release, recv, value)
        }
        Origin::EntryField { .. } => {
            let self_type = body.self_type.as_deref()?;
            let decl = cx.index.struct_decl(self_type)?;
            let field = body.field_path(place).first().copied()?;
            let pooled = decl
                .fields
                .iter()
                .find(|f| f.name == field)?
                .mentions
                .iter()
                .find(|t| cx.index.is_pooled(t))?;
            let mut owners = cx.index.apis().iter().filter(|a| {
                matches!(a.role, Role::Acquire { guard: false })
                    && a.returns.as_deref() == Some(pooled)
            });
            let acquire = owners.next()?;
            if owners.next().is_some() {
                return None;
            }
            let release = the_release(cx, acquire.owner.as_deref(), acquire.pool.as_deref())?;
            let recv = match &release.owner {
                Some(owner) => {
                    let mut holders = decl
                        .fields
                        .iter()
                        .filter(|f| f.core.as_deref() == Some(owner));
                    let holder = holders.next()?;
                    if holders.next().is_some() {
                        return None;
                    }
                    let root = &body.places[body.root_of(place) as usize].name;
                    Some(format!("{root}.{}", holder.name))
                }
                None => None,
            };
            call_text(release, recv.as_deref(), value)
        }
        _ => None,
    }
}
