use super::{RuleContext, declare_rule};
use crate::diagnostic::{Diagnostic, Label};
use crate::flow::{LeakKind, Origin};
use crate::ir::ExitKind;
use std::collections::BTreeMap;

declare_rule! {
    /// ## What it does
    /// Finds a raw pooled value (from an `#[poollint::acquire]` function, a
    /// configured or inferred acquire) that is not released, returned, stored
    /// or moved away on some path out of its scope: an early `return`, a `?`,
    /// a `break` or `continue`, the end of the block, or a `drop(x)`.
    ///
    /// ## Why is this bad
    /// A pool only gets back what is given back. Each leaking path costs one
    /// pooled object; under load the pool drains, falls back to fresh
    /// allocations, or blocks callers waiting for a free slot.
    ///
    /// ## Example
    /// ```rust,ignore
    /// let mut buf = pool.get();
    /// let n = sock.read(&mut buf)?; // leaks `buf` when the read fails
    /// pool.put(buf);
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// let mut buf = pool.get();
    /// let n = match sock.read(&mut buf) {
    ///     Ok(n) => n,
    ///     Err(e) => { pool.put(buf); return Err(e); }
    /// };
    /// pool.put(buf);
    /// ```
    /// or take a guard that releases on drop (`#[poollint::acquire(guard)]`).
    ///
    /// An element a local takes out of a field whose elements are of a
    /// pooled type (`let slot = self.free.write().unwrap().pop()?`, each
    /// `b` of `for b in self.pending.drain(..)`) is owed back the same way,
    /// and reported where it was taken.
    ///
    /// A closure written in place of `map`, `and_then`, `map_or`,
    /// `map_or_else` or `is_some_and` on an acquired `Option`/`Result` runs
    /// on its payload: `cell.take().map_or(Err(SIZE), |buf| { if n > len {
    /// return Err(SIZE); } .. })` leaks `buf` at that `return`, which leaves
    /// the closure ("the closure returns here").
    ///
    /// A callee that hands a by-value argument back inside the `Err` it
    /// returns (`fn write(&self, buf: &'static mut [u8]) -> Result<(),
    /// (ErrorCode, &'static mut [u8])>`) keeps it on `Ok`; on `Err` the
    /// caller has it again, and discarding that `Err` (`let _ =`, an
    /// `Err(_)` arm, the `else` of `if let Ok(..)`) leaks it.
    ///
    /// A value acquired inside a closure and handed out through the call
    /// that runs it is the caller's to give back: `store.with_cache(|c|
    /// c.locks.try_take(id))`, where the crate's `fn with_cache<T>(&self, f:
    /// impl FnOnce(&mut Cache) -> T) -> T` returns what the closure returns,
    /// is reported where the closure acquired it.
    ///
    /// A give-back written inside `debug_assert!` (or `_eq!`, `_ne!`) never
    /// happens in a release build, which compiles the arguments out: an
    /// acquired value given back only there is reported, with the assertion
    /// labelled. So is a declared release whose body gives back what it
    /// takes only inside one (`debug_assert!(reserve.push(alloc.inner)
    /// .is_ok())` drops every value in release builds); a release that lets
    /// the value go in every build (a full reserve) is not.
    ///
    /// Counts are obligations too (`limits.increment_count()?` ..
    /// `decrement_count()`, a pool of `kind = "counter"`): a count taken and
    /// not given back on a failing way out (`?`, `return Err`, `return None`)
    /// is reported at the acquire, unless a local guard whose `Drop` gives it
    /// back is armed there: a type of the crate's, or a scope guard whose
    /// closure gives it back (`scopeguard::guard(l, |l|
    /// l.decrement_count())`, `guard_on_success`, `defer! { .. }`). A disarm
    /// hands it back to the body: a flag the `Drop` checks set again
    /// (`g.armed = false`), a method that does so, the type's own method that
    /// forgets it (`Undo::into_inner(g)`), `ScopeGuard::into_inner(g)`, or
    /// `mem::forget(g)`.
    ///
    /// So are claims on a field of a pool that counts or flags its slots
    /// (`internals.num_conns += 1`, `self.count.fetch_add(1, ..)`,
    /// `slots.iter().find(|s| !s.busy.swap(true, ..))`): a field is a claim
    /// field when the pool's release or its guard's `Drop` undoes a claim on
    /// it (`-= 1`, `fetch_sub`, `store(false, ..)`). Inside the pool's own
    /// acquires, a way out that fails before the claim is undone or the guard
    /// is built is reported at the claim.
    ///
    /// A pool may keep its idle values in a field it pops inline: when a
    /// guard's `Drop` pushes the value it wraps onto a collection field
    /// (`pool.idle.push_back(self.conn.take().unwrap())`), a pop off that
    /// field in a method of the guard-acquire's type takes a value owed back
    /// until it is wrapped in the guard, pushed back, or counted out of a
    /// claim field (`self.count.fetch_sub(1, ..)`); a way out that fails
    /// before is reported at the pop.
    ///
    /// A value sent on a channel the body made, whose receiver the body
    /// returns inside a future of its own (`let (send, recv) =
    /// oneshot::channel(); send.send(id); OpenUni { recv }`), waits there
    /// until the future is polled: a caller that drops the future first (a
    /// `select!` arm that lost, a timeout) drops the value with the channel.
    /// It is reported at the acquire, unless the future's type has a `Drop`.
    ///
    /// A raw value passed to `mem::forget`, `Box::leak` or `Rc/Arc::into_raw`
    /// never goes back, unless the body keeps what `Box::leak` or `into_raw`
    /// returns (`NonNull::from(Box::leak(b))`): that pointer owes it back,
    /// as `Box::into_raw`'s does.
    ///
    /// A value moved into a *fallible callee* is lost when the callee fails
    /// and the body leaves with `?`: the crate's own fns are summarised (a
    /// by-value parameter dropped on some `Err` path), and callees of other
    /// crates count when `fallible-sinks = ["Fiber::new"]` names them.
    ///
    /// ## Known limits
    /// Claim fields are matched by the field's name inside the pool's own
    /// acquires only: a claim made by a helper the acquire calls, a `+= n`
    /// on a local copy of the count, or Go's `n++` are not seen. A pop off
    /// a guard's free list is owed back only in the methods of the
    /// guard-acquire's type, only on ways out that fail (a method may drop an
    /// idle value on purpose), and only when the field is known by its
    /// declared type (a tuple's element too: `(self.inner).0`); a guard
    /// whose list holds a type parameter teaches nothing. A scope guard is
    /// seen only when built by `scopeguard::guard`/`guard_on_success` with
    /// its closure written in place, or by `defer!`; `guard_on_unwind` runs
    /// only when panicking and covers nothing.
    /// Paths are not correlated: a value released under `if a` and used under
    /// a second `if a` may be reported. A value moved into a call that is not a
    /// known release or fallible callee counts as handed on (not a leak),
    /// unless the body releases it afterwards on some path: then the call
    /// only got a copy of a `Copy` handle (`set_address(addr)` before
    /// `free_address(addr)`), and a `?` in between leaks it. A handle copied
    /// into a call and never released afterwards in the body counts as
    /// handed on, even when the callee only looked at it. In Go, a pointer
    /// given to a fn of the package stays the caller's when that fn only
    /// looks at it or gives it on to calls that do (a pack's `borrows`,
    /// `io.ReadFull`, other such fns), followed four calls deep; around a
    /// cycle, through a func value or an interface method it counts as
    /// handed on, unless the body puts it back after the call on every way
    /// out that does not fail: a callee that kept it would see it reused,
    /// so it was only lent (`dec.DecompressWithBuf(src, dst)` then
    /// `pool.Put(dst)`), and a failing way out in between leaks it. A put
    /// back on failure only (`if err := q.Push(buf); err != nil {
    /// pool.Put(buf) }`) proves nothing. A fn that releases it on some
    /// paths only takes it. A Go func that hands out a pooled value in a
    /// later result (`return n, pool.Get(n)`, or named results) is an
    /// acquire of that result, so `n, buf := alloc()` owes `buf`; one that
    /// returns it in different results on different paths is not inferred.
    /// A fallible callee's drop is reported only on a `?` or `return Err`
    /// that follows it in the same body: a failure matched and handled is
    /// not. A value a callee hands back inside `Err(..)` is known from the
    /// callee's signature (a parameter's type spelled inside the error
    /// type), or, for another crate's callee, from a pack or the config
    /// (`hands-back`: the channel sends), and only where the receiver's type
    /// is known to be that crate's; its discard through a `map_err(|_| ..)`
    /// closure or through `.ok()` in a returned expression is not seen. A
    /// value a send delivered is handed on; only one sent on a channel the
    /// body made (`oneshot`, `mpsc`, `crossbeam_channel`, `flume`,
    /// `async_channel`, `kanal`), whose receiver goes into the future the
    /// body returns (a type of the crate implementing `Future`, keeping a
    /// `Receiver`, with no `Drop`), is seen to be lost when that future is
    /// dropped unpolled: a receiver kept in a future nested in another type,
    /// an `async fn`'s own future, or a task spawned and then aborted are not.
    /// State carried across calls, enum state machines and tasks that never
    /// run are out of reach. Destructuring
    /// (`let Outer { conn, .. } = o`, match arms, tuples held in a local or
    /// returned by a call: `let (pool, conn) = lease.detach()`) binds parts:
    /// releasing or handing on a part discharges the value, a part of a
    /// `Copy` type (`id: u32`) hands nothing on, and the pointer part of a
    /// region handed out as `(ptr, len)` hands it on to the view built from
    /// it (`slice::from_raw_parts_mut(ptr, len)`). The parts of a tuple a
    /// call returns are not typed: any part handed on, even a number,
    /// discharges the value. Unknown macros
    /// count as uses, never as releases. Panics are not exits (see PL010).
    ///
    /// A value of a pool whose values the runtime reclaims (`collected =
    /// true`: Go's `sync.Pool` and the wrappers inferred over it) that the
    /// body never releases nor returns on any path is let go on purpose (the
    /// GC takes it; only a reuse is missed) and is not reported; once the
    /// body releases or returns it on some path, the other paths are. The
    /// module's convention overrides the let-go: when the other call sites
    /// of the same acquire on the same pool put their value back (at least
    /// one does, and no more forget than put back), one that never does is
    /// reported. The convention counts call sites in bodies that call a
    /// release of the pool at all, not the flow of each value; a func and
    /// its func literals count as one body (a value taken in a closure goes
    /// back in the func's deferred `Put`).
    ///
    /// Branches are not correlated with data, with one exception: `if n >
    /// 0 {..} else if n == 0 {..}` (either order) is taken to cover every
    /// count, so no path falls past it (a negative `n` is not considered).
    ///
    /// A value of a collected pool let go on a way out that fails (Go: a
    /// `return` whose last result, an `error`, is a call, a sentinel or a
    /// local tested by an enclosing `if err != nil`) is
    /// not reported either: a reader whose `Reset` failed, a frame a parser
    /// hands out only on success. Once the body puts the value back on some
    /// path, a failing exit that does not is reported (the `serialise` that
    /// puts its buffer back after a successful write and drops it when the
    /// write fails). A bare `return` of a named `err` is not a failing exit.
    /// A cap on what is kept lets a value go past it: a view of the pooled
    /// value checked against a number or a package constant (`fields :=
    /// (*p)[:0]` .. `if cap(fields) < 1024 { pool.Put(p) }`, protobuf's
    /// scratch buffers). Checked against a local (a size wanted), or on
    /// the pooled local itself, it is the acquire's too-small check above.
    /// In Go, a value given to a constructor (`bufio.NewWriter(w)`, a func
    /// named `New` or `NewX`) is wrapped, not handed on: the caller still
    /// owes it back.
    ///
    /// The files of a Go package (one folder) are one namespace: a pack
    /// (`sync.Pool`'s) applies in every file of a package one of whose
    /// files imports it, so a pool declared in `pool.go` is known where
    /// `chunk.go` uses it without importing `sync`.
    ///
    /// A `defer` in a branch runs at the exits of the paths that reached
    /// it. The paths are not told apart at the exit: where the branch may
    /// have been skipped, a value the deferred call was given that may be
    /// absent there (a failed `ok`, a buffer found too small and let go) is
    /// taken to be absent, so `if bp, ok := p.Get().(*[]byte); ok && ready {
    /// defer p.Put(bp) }` is silent when `ready` is false; a value surely
    /// held there is reported. Two `defer`s of one value in the two branches
    /// of an `if` are taken as possibly both skipped (reported).
    pub struct UnreleasedAcquire {
        code: "PL001",
        name: "unreleased-acquire",
        level: Warn,
        summary: "a raw pooled value is not released on some path",
    }
}

fn exit_label(kind: LeakKind, name: &str) -> String {
    match kind {
        LeakKind::Exit(ExitKind::Return) => format!("returns here without releasing {name}"),
        LeakKind::Exit(ExitKind::Fail) => {
            format!("returns an error here without releasing {name}")
        }
        LeakKind::Exit(ExitKind::Try) => {
            format!("`?` returns early here without releasing {name}")
        }
        LeakKind::Exit(ExitKind::Break) => {
            format!("`break` leaves the loop without releasing {name}")
        }
        LeakKind::Exit(ExitKind::Continue) => format!("`continue` skips the release of {name}"),
        LeakKind::Exit(ExitKind::ClosureReturn) => {
            format!("the closure returns here without releasing {name}")
        }
        LeakKind::Exit(ExitKind::End) => {
            format!("{name} goes out of scope here without being released")
        }
        LeakKind::Dropped => format!("{name} is dropped here instead of being released"),
        LeakKind::Discarded => "the value is discarded at the end of this statement".to_string(),
        LeakKind::ErrDiscarded => {
            format!("{name} comes back inside this `Err`, which drops it")
        }
        LeakKind::Forgotten => format!("{name} is forgotten here: it never goes back to its pool"),
    }
}

pub fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    super::pl001_debug_only::check_release(cx, out);
    let mut by_value: BTreeMap<usize, Vec<&crate::flow::Leak>> = BTreeMap::new();
    for leak in &cx.facts.leaks {
        if cx.let_go_on_failure(leak.value, leak.kind) {
            continue;
        }
        by_value.entry(leak.value).or_default().push(leak);
    }
    for (v, leaks) in by_value {
        let origin = cx.facts.values[v].origin;
        let (span, taken_from) = match origin {
            Origin::Acquire { span, .. }
                if cx.facts.values[v].is_raw_acquire() && !cx.let_go_to_collector(v) =>
            {
                (span, None)
            }
            // `let slot = self.free.pop()?`: an element of a field of pooled
            // values, owed back like an acquired one.
            Origin::Element { span, place, .. } => (span, Some(place)),
            _ => continue,
        };
        let callee = match cx.facts.values[v].origin {
            Origin::Acquire { call, .. } => Some(&cx.body.callees[call as usize]),
            _ => None,
        };
        // A value popped off the free list a guard gives back to.
        let free_list = callee
            .zip(cx.body.self_type.as_deref())
            .and_then(|(c, ty)| cx.index.free_list_called(ty, c));
        let counter = free_list.is_none()
            && matches!(cx.facts.values[v].origin, Origin::Acquire { kind, .. } if kind.counter);
        // A claim on a field (`self.n += 1`, `s.busy.swap(true, ..)`).
        let claimed = callee.and_then(|c| c.claim.as_ref());
        let name = match claimed {
            Some(op) => format!("the claim on `{}`", op.field),
            None if counter => "the count".to_string(),
            None => cx.value_name(v, leaks.iter().map(|l| l.place).next()),
        };
        let message = if counter {
            format!("{name} taken here is not given back on every path")
        } else if name.starts_with('`') {
            format!("pooled value {name} is not released on every path")
        } else {
            "pooled value is acquired and never released".to_string()
        };
        let taken_from = taken_from
            .map(|p| format!("`{}`", cx.body.places[p as usize].name))
            .or_else(|| free_list.map(|l| format!("`{}.{}`", l.owner, l.field)));
        let primary = match &taken_from {
            Some(field) => format!("taken out of {field} here"),
            None if claimed.is_some() => "claimed here".to_string(),
            None => "acquired here".to_string(),
        };
        let mut d = cx.diagnostic(&UnreleasedAcquire::INFO, message, Label::new(span, primary));
        for leak in &leaks {
            let label = exit_label(leak.kind, &name);
            if leak.span == span {
                d.primary.message = format!("{}; {label}", d.primary.message);
            } else {
                d.secondary.push(Label::new(leak.span, label));
            }
        }
        if let Some(home) = cx.home_of(v) {
            super::pl001_debug_only::explain_leak(cx, home, &mut d);
        }
        let hint = cx.release_hint(v, &name);
        d.help = Some((cx.wording.release_on_every_path)(&name, hint.as_deref()));
        if let Some(l) = free_list {
            let counted = cx.index.claim_fields(&l.pool).map_or(String::new(), |f| {
                format!(", or counted out of `{}`", f.join("`, `"))
            });
            d.notes.push(format!(
                "`{}`'s `Drop` gives its value back to `{}.{}`: one taken off it is owed back until it is wrapped in a `{}`, put back{counted}",
                l.guard, l.owner, l.field, l.guard,
            ));
            d.help = Some(format!(
                "wrap {name} in a `{}` before the first way out that fails, or give it back on that way (put back{counted})",
                l.guard
            ));
        } else if let Some(field) = &taken_from {
            d.notes.push(format!(
                "the elements of {field} are of a pooled type: one taken out is owed back to its pool"
            ));
        }
        if let Some(op) = claimed {
            d.notes.push(format!(
                "its pool's release or its guard's `Drop` gives back a claim on `{}`: until the guard is built, a way out that fails must do it",
                op.field
            ));
        }
        if let Some((api, origin)) = cx.acquire_api(v) {
            d.notes.push(if counter {
                format!("`{api}` takes a count that its pool's release gives back ({origin})")
            } else {
                format!("`{api}` returns a raw pooled value ({origin})")
            });
        }
        out.push(d);
    }
}
