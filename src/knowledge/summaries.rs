//! Crate-wide summaries of function bodies that rules need across calls:
//! whether a release resets and bounds what it takes back (PL008, PL009), and
//! which fields each method resets, following calls on `self` (PL007).

use super::{Index, ReleaseParam, Role};
use crate::flow::CallEffect;
use crate::ir::{Body, BodyKind, Event, Mode, PlaceId};
use crate::store::{BodySource, Key, KeySet};
use std::collections::{BTreeSet, HashMap, HashSet};

/// A release's identity (owner, name) and what it does: (resets, bounds).
type ReleaseSummary = ((Option<String>, String), (bool, bool));

/// What a method does to the fields of `self`.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct FieldResets {
    /// `*self = ..`: every field.
    pub all: bool,
    pub fields: BTreeSet<String>,
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Summaries {
    /// (owner, name) of a release with a visible body -> (resets, bounds).
    releases: HashMap<(Option<String>, String), (bool, bool)>,
    /// (type, method) -> fields it resets, calls on `self` followed.
    field_resets: HashMap<(String, String), FieldResets>,
    /// Incomplete inline resets of pools without a named reset.
    inline: Vec<super::inline_resets::InlineFinding>,
    /// (type, method): a helper a reset reaches through calls on `self`
    /// (what it replaces, the reset replaces: PL006).
    reset_helpers: HashSet<(String, String)>,
}

impl Summaries {
    /// `(resets, bounds)` of a release; a release whose body is not visible is
    /// assumed to do both (precision first).
    pub fn release(&self, owner: Option<&str>, name: &str) -> (bool, bool) {
        self.releases
            .get(&(owner.map(str::to_string), name.to_string()))
            .copied()
            .unwrap_or((true, true))
    }

    /// `(resets, bounds)` of a release API: its summary, except that a
    /// container that stores whatever it is given (Go's `sync.Pool.Put`,
    /// `boxes = true`) resets nothing.
    pub fn release_of(&self, api: &super::Api) -> (bool, bool) {
        let (resets, bounds) = self.release(api.owner.as_deref(), &api.name);
        (resets && !api.boxes, bounds)
    }

    pub fn field_resets(&self, ty: &str, method: &str) -> Option<&FieldResets> {
        self.field_resets.get(&(ty.to_string(), method.to_string()))
    }

    /// Is `(ty, method)` a helper a reset of `ty` calls on `self`
    /// (`Reset` -> `SetSchema` -> `resetSchema`)?
    pub fn is_reset_helper(&self, ty: &str, method: &str) -> bool {
        self.reset_helpers
            .contains(&(ty.to_string(), method.to_string()))
    }

    /// Incomplete inline resets (PL007 on pools without a named reset).
    pub fn inline_resets(&self) -> &[super::inline_resets::InlineFinding] {
        &self.inline
    }
}

/// Method names that reset (part of) what they are called on, in Rust's
/// `snake_case` and Go's `camelCase`/`PascalCase` (`clearInterrupt`, `Reset`).
pub fn is_resetting_name(name: &str) -> bool {
    let camel = |prefix: &str| {
        name.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_uppercase))
    };
    if [
        "clear", "reset", "Clear", "Reset", "Truncate", "truncate", "zero", "Zero",
    ]
    .iter()
    .any(|p| camel(p))
    {
        return true;
    }
    matches!(
        name,
        "clear"
            | "truncate"
            | "fill"
            | "fill_with"
            | "zeroize"
            | "reset"
            | "take"
            | "drain"
            | "set_len"
            | "clear_all"
    ) || name.starts_with("clear_")
        || name.starts_with("reset_")
        || name.ends_with("_reset")
        || name.ends_with("_clear")
}

fn root(body: &Body, place: PlaceId) -> PlaceId {
    body.root_of(place)
}

/// Compute every summary from the bodies of the releases and of the types
/// with a reset method.
pub fn compute(index: &mut Index, source: BodySource<'_>) {
    let mut summaries = Summaries::default();
    // The bodies of the releases the scanned code defines (a pack's
    // releases are a dependency's code): the files that define a fn of the
    // release's name, as a method of its owner if it has one.
    let wanted: Vec<(KeySet, Option<KeySet>)> = index
        .apis()
        .iter()
        .filter(|a| matches!(a.role, Role::Release(_)) && a.pack().is_none())
        .map(|a| {
            (
                KeySet::new([Key::Defines(&a.name)]),
                a.owner.as_deref().map(|o| KeySet::new([Key::MethodOf(o)])),
            )
        })
        .collect();
    let releases = if wanted.is_empty() {
        Vec::new()
    } else {
        source(
            &[],
            Some(&|_, probe| {
                wanted
                    .iter()
                    .any(|(name, owner)| probe(name) && owner.as_ref().is_none_or(probe))
            }),
        )
    };
    // Releases: a few rounds, so a release that forwards to another inherits its summary.
    for _ in 0..3 {
        let mut next = HashMap::new();
        for file in &releases {
            for body in file.bodies.iter().filter(|b| b.kind == BodyKind::Fn) {
                if let Some((key, flags)) = release_summary(index, &summaries, body, file.file) {
                    next.insert(key, flags);
                }
            }
        }
        let done = next == summaries.releases;
        summaries.releases = next;
        if done {
            break;
        }
    }
    drop(releases);
    // Field resets: direct effects first, then follow calls on `self`.
    let reset_types = index.types_with_reset();
    let methods = source(
        &[KeySet::new(reset_types.iter().map(|t| Key::MethodOf(t)))],
        None,
    );
    let mut direct: HashMap<(String, String), (FieldResets, Vec<String>)> = HashMap::new();
    // The fields each type's own methods read to reach the pool they give
    // `self` back to: the value's link to its pool, kept by every reset.
    let mut links: HashMap<String, BTreeSet<String>> = HashMap::new();
    for file in &methods {
        for body in file.bodies.iter().filter(|b| b.kind == BodyKind::Fn) {
            if let (Some(ty), Some(name), Some((receiver, _))) =
                (&body.self_type, &body.fn_name, body.receiver)
            {
                let found = pool_links(index, body, file.file, receiver);
                if !found.is_empty() {
                    links.entry(ty.clone()).or_default().extend(found);
                }
                let (mut resets, calls) = direct_field_resets(body, receiver);
                if let Some((r, _)) = direct.get(&(ty.clone(), name.clone())) {
                    // Closures of the method came first (they are lowered
                    // before the body that contains them is finished).
                    resets.fields.extend(r.fields.iter().cloned());
                }
                direct.insert((ty.clone(), name.clone()), (resets, calls));
            }
        }
        for body in file.bodies.iter().filter(|b| b.kind != BodyKind::Fn) {
            let (Some(ty), Some(method)) = (&body.self_type, enclosing_method(body)) else {
                continue;
            };
            let fields = closure_field_resets(body, ty);
            if !fields.is_empty() {
                let entry = direct.entry((ty.clone(), method.to_string())).or_default();
                entry.0.fields.extend(fields);
            }
        }
    }
    // Only reset methods need the closure: walk each one's calls on `self` once.
    let roots: Vec<(String, String)> = direct
        .keys()
        .filter(|(ty, m)| index.is_reset_method(ty, m))
        .cloned()
        .collect();
    drop(methods);
    // Resets that leave fields: the callers of the reset may set them.
    let mut incomplete: Vec<(String, String)> = Vec::new();
    for key in roots {
        let (mut resets, helpers) = resolve_field_resets(&key, &direct);
        resets
            .fields
            .extend(links.get(&key.0).into_iter().flatten().cloned());
        summaries.reset_helpers.extend(
            helpers
                .into_iter()
                .filter(|m| *m != key.1)
                .map(|m| (key.0.clone(), m)),
        );
        let leaves = !resets.all
            && index.struct_decl(&key.0).is_some_and(|d| {
                d.fields
                    .iter()
                    .any(|f| !f.keep && !resets.fields.contains(&f.name))
            });
        if leaves {
            incomplete.push(key.clone());
        }
        summaries.field_resets.insert(key, resets);
    }
    for (key, set) in call_site_sets(index, source, &incomplete, &summaries.reset_helpers) {
        if let Some(r) = summaries.field_resets.get_mut(&key) {
            r.fields.extend(set);
        }
    }
    summaries.inline = super::inline_resets::compute(index, source, &links);
    *index.summaries_mut() = summaries;
}

fn release_summary(
    index: &Index,
    done: &Summaries,
    body: &Body,
    file: usize,
) -> Option<ReleaseSummary> {
    let name = body.fn_name.as_ref()?;
    let owner = body.self_type.clone().or_else(|| body.trait_name.clone());
    let api = index.api_for(owner.as_deref(), name, file)?;
    let Role::Release(param) = api.role else {
        return None;
    };
    let released = match param {
        ReleaseParam::Receiver => body.receiver.map(|r| r.0),
        ReleaseParam::Param(i) => body.params.get(i).copied().flatten(),
    };
    // A parameter we cannot follow (a pattern, a reference): assume the best.
    let released = released?;
    // Places that hold the released value inside the body (`let mut b = buf;`).
    let mut holders = vec![released];
    for ev in body.blocks.iter().flat_map(|b| &b.events) {
        if let Event::Move { dest, src, .. } = ev
            && holders.contains(src)
        {
            holders.push(*dest);
        }
    }
    let holds = |p: PlaceId| holders.contains(&root(body, p));
    let (mut resets, mut bounds) = (false, false);
    for ev in body.blocks.iter().flat_map(|b| &b.events) {
        let Event::Call {
            call, recv, args, ..
        } = ev
        else {
            continue;
        };
        let callee = &body.callees[*call as usize];
        let effect = index.effect(callee, file);
        if recv
            .as_ref()
            .is_some_and(|r| r.places.iter().any(|&(p, _)| holds(p)))
        {
            resets |= effect == CallEffect::Reset || is_resetting_name(&callee.name);
            bounds |= effect == CallEffect::BoundsCapacity;
        }
        for (i, arg) in args.iter().enumerate() {
            if !arg.places.iter().any(|&(p, _)| holds(p)) {
                continue;
            }
            match effect {
                // Forwarded to another release: inherit what it does.
                CallEffect::Release {
                    arg: crate::flow::ReleaseArg::Arg(j),
                    ..
                } if i == j => {
                    let (r, b) = index
                        .lookup(callee, file)
                        .map_or((true, true), |a| done.release_of(a));
                    resets |= r;
                    bounds |= b;
                }
                _ if arg.places.iter().any(|&(_, m)| m == Mode::Borrow)
                    && is_resetting_name(&callee.name) =>
                {
                    resets = true;
                }
                _ => {}
            }
        }
    }
    // A release that resets (or hands on) on some paths and puts the value
    // back un-reset on others is reported inside itself: callers need not reset.
    if !resets && super::release_paths::analyse(index, body, file, released).mixed() {
        resets = true;
    }
    Some(((owner, name.clone()), (resets, bounds)))
}

/// Methods whose result gives access to the receiver's content in place:
/// resetting through it resets the field (`*self.state.write() = ..`,
/// `self.ext.lock().unwrap().clear()`).
const IN_PLACE: &[&str] = &[
    "lock",
    "write",
    "try_lock",
    "try_write",
    "borrow_mut",
    "try_borrow_mut",
    "get_mut",
    "as_mut",
    "deref_mut",
    "as_deref_mut",
    "unwrap",
    "expect",
    "lock_arc",
    "write_arc",
];

/// Setters that overwrite the whole value of a cell or atomic, with their
/// argument count (`Cell::set(v)`, `AtomicU64::store(v, ordering)`).
fn is_setter(name: &str, args: usize) -> bool {
    matches!((name, args), ("set", 1) | ("store", 2))
}

/// Fields of `self` a method resets itself, and the methods it calls on `self`.
fn direct_field_resets(body: &Body, receiver: PlaceId) -> (FieldResets, Vec<String>) {
    let mut out = FieldResets::default();
    let mut calls = Vec::new();
    // Locals that point into a field (`if let Some(s) = self.scratch.as_mut()`).
    let mut via: HashMap<PlaceId, String> = HashMap::new();
    let direct_field = |p: PlaceId| -> Option<String> {
        if root(body, p) != receiver {
            return None;
        }
        body.field_path(p).first().map(|f| f.to_string())
    };
    for ev in body.blocks.iter().flat_map(|b| &b.events) {
        match ev {
            Event::Alias { dest, of: src, .. } | Event::Move { dest, src, .. } => {
                if let Some(f) = direct_field(*src).or_else(|| via.get(&root(body, *src)).cloned())
                {
                    via.insert(*dest, f);
                }
            }
            Event::Call {
                call,
                recv: Some(r),
                result,
                ..
            } if IN_PLACE.contains(&body.callees[*call as usize].name.as_str()) => {
                if let Some(f) = r.places.first().and_then(|&(p, _)| {
                    direct_field(p).or_else(|| via.get(&root(body, p)).cloned())
                }) {
                    via.insert(*result, f);
                }
            }
            _ => {}
        }
    }
    let field_of_self = |p: PlaceId| -> Option<String> {
        direct_field(p).or_else(|| via.get(&root(body, p)).cloned())
    };
    for ev in body.blocks.iter().flat_map(|b| &b.events) {
        match ev {
            Event::Assign { place, .. } => {
                if *place == receiver {
                    out.all = true;
                } else if let Some(f) = field_of_self(*place) {
                    out.fields.insert(f);
                }
            }
            Event::Take { src, .. } => {
                if let Some(f) = field_of_self(*src) {
                    out.fields.insert(f);
                }
            }
            // `self.start = self.count`: the reset carries `count` over as
            // the new baseline (a `Copy` value: kept on purpose).
            Event::Move { dest, src, .. } => {
                if let (Some(to), Some(from)) = (direct_field(*dest), direct_field(*src))
                    && to != from
                {
                    out.fields.insert(from);
                }
            }
            Event::Call {
                call, recv, args, ..
            } => {
                let callee = &body.callees[*call as usize];
                let name = &callee.name;
                for &(p, _) in recv.iter().flat_map(|r| &r.places) {
                    if p == receiver {
                        calls.push(name.clone());
                    } else if let Some(f) = field_of_self(p)
                        && (is_resetting_name(name) || is_setter(name, callee.arg_count))
                    {
                        out.fields.insert(f);
                    }
                }
                for &(p, mode) in args.iter().flat_map(|a| &a.places) {
                    // `helper(self)` may reset anything; `helper(&mut self.key)` that field.
                    if mode == Mode::Shared {
                        continue;
                    }
                    if p == receiver {
                        out.all = true;
                    } else if mode == Mode::Borrow
                        && let Some(f) = field_of_self(p)
                    {
                        out.fields.insert(f);
                    }
                }
            }
            _ => {}
        }
    }
    (out, calls)
}

/// The method a closure or async block is written in (`closure in
/// closure in Vm::reset` is in `reset`).
fn enclosing_method(body: &Body) -> Option<&str> {
    let mut name = body.name.as_str();
    while let Some(rest) = name
        .strip_prefix("closure in ")
        .or_else(|| name.strip_prefix("async block in "))
    {
        name = rest;
    }
    let (_, method) = name.rsplit_once("::")?;
    Some(method)
}

/// Fields of `self` a closure resets element by element:
/// `self.cursors.iter_mut().for_each(|c| { c.take(); })`,
/// `self.regs.iter_mut().for_each(|r| *r = Reg::Null)`.
fn closure_field_resets(body: &Body, self_type: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    // The closure's parameters that are elements of a field of `self`.
    let mut elements: HashMap<PlaceId, String> = HashMap::new();
    for (i, place) in body.places.iter().enumerate() {
        if let Some(crate::ir::TypeRef::MethodResult(of, next)) = &place.ty
            && next == "next"
            && let crate::ir::TypeRef::FieldOf(base, field) = &**of
            && **base == crate::ir::TypeRef::Named(self_type.to_string())
            && place.parent.is_none()
        {
            elements.insert(i as PlaceId, field.clone());
        }
    }
    if elements.is_empty() {
        return out;
    }
    let element_of = |p: PlaceId| elements.get(&root(body, p));
    for ev in body.blocks.iter().flat_map(|b| &b.events) {
        match ev {
            Event::Assign { place, .. } => {
                if let Some(f) = elements.get(place) {
                    out.insert(f.clone());
                }
            }
            Event::Take { src, .. } => {
                if let Some(f) = elements.get(src) {
                    out.insert(f.clone());
                }
            }
            Event::Call {
                call,
                recv: Some(r),
                ..
            } => {
                let callee = &body.callees[*call as usize];
                if is_resetting_name(&callee.name) || is_setter(&callee.name, callee.arg_count) {
                    for &(p, _) in &r.places {
                        if let Some(f) = element_of(p) {
                            out.insert(f.clone());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The fields a method resets itself or through the methods it calls on
/// `self`, transitively (each method visited once), and the methods visited.
fn resolve_field_resets(
    key: &(String, String),
    direct: &HashMap<(String, String), (FieldResets, Vec<String>)>,
) -> (FieldResets, BTreeSet<String>) {
    let mut out = FieldResets::default();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut stack: Vec<&str> = vec![key.1.as_str()];
    while let Some(method) = stack.pop() {
        if !seen.insert(method) {
            continue;
        }
        let Some((own, calls)) = direct.get(&(key.0.clone(), method.to_string())) else {
            continue;
        };
        out.all |= own.all;
        out.fields.extend(own.fields.iter().cloned());
        stack.extend(calls.iter().map(String::as_str));
    }
    let visited = seen
        .into_iter()
        .filter(|m| direct.contains_key(&(key.0.clone(), m.to_string())))
        .map(str::to_string)
        .collect();
    (out, visited)
}

/// Fields of `self` a method reads to reach the pool it gives `self` back
/// to: `if pool := enc.opts.EncoderPool(); pool != nil { pool.Put(enc) }`,
/// `self.pool.put(self)`. Clearing such a field would cut the value off
/// from its pool, so every reset keeps it.
pub(super) fn pool_links(
    index: &Index,
    body: &Body,
    file: usize,
    receiver: PlaceId,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    // Places holding something read out of a field of `self`.
    let mut from: HashMap<PlaceId, String> = HashMap::new();
    let field_of = |from: &HashMap<PlaceId, String>, p: PlaceId| -> Option<String> {
        let r = root(body, p);
        if r == receiver && p != r {
            return body.field_path(p).first().map(|f| f.to_string());
        }
        from.get(&r).cloned()
    };
    for (dest, src) in super::inline_resets::derivations(body) {
        if let Some(f) = field_of(&from, src) {
            from.entry(dest).or_insert(f);
        }
    }
    for ev in body.blocks.iter().flat_map(|b| &b.events) {
        let Event::Call {
            call, recv, args, ..
        } = ev
        else {
            continue;
        };
        // `self` itself is what the call gives back.
        if !args
            .iter()
            .flat_map(|a| &a.places)
            .any(|&(p, _)| p == receiver)
        {
            continue;
        }
        if !matches!(
            index.effect(&body.callees[*call as usize], file),
            CallEffect::Release { .. }
        ) {
            continue;
        }
        for &(p, _) in recv.iter().chain(args).flat_map(|a| &a.places) {
            if let Some(f) = field_of(&from, p) {
                out.insert(f);
            }
        }
    }
    out
}

/// For each reset that leaves fields, the fields every caller of the reset
/// sets on the value it resets (`c.Request = req; c.reset()`): the reset
/// and its callers prepare the value together. Callers inside the reset
/// and its helpers do not count; a reset nobody calls gets nothing.
fn call_site_sets(
    index: &Index,
    source: BodySource<'_>,
    resets: &[(String, String)],
    helpers: &HashSet<(String, String)>,
) -> Vec<((String, String), BTreeSet<String>)> {
    if resets.is_empty() {
        return Vec::new();
    }
    let names: BTreeSet<&str> = resets.iter().map(|(_, m)| m.as_str()).collect();
    let files = source(
        &[KeySet::new(names.iter().map(|n| Key::CallsUnqualified(n)))],
        None,
    );
    let mut sites: HashMap<&(String, String), Vec<BTreeSet<String>>> = HashMap::new();
    for file in &files {
        for body in &file.bodies {
            if let (Some(ty), Some(name)) = (&body.self_type, &body.fn_name)
                && resets.iter().any(|(t, m)| {
                    t == ty && (m == name || helpers.contains(&(t.clone(), name.clone())))
                })
            {
                continue;
            }
            for ev in body.blocks.iter().flat_map(|b| &b.events) {
                let Event::Call {
                    call,
                    recv: Some(r),
                    ..
                } = ev
                else {
                    continue;
                };
                let callee = &body.callees[*call as usize];
                let Some(&(p, _)) = r.places.first() else {
                    continue;
                };
                let value = root(body, p);
                if value != p {
                    // A field's method (`c.writermem.reset(w)`), not the value's.
                    continue;
                }
                let self_call = body.receiver.is_some_and(|(s, _)| s == value);
                let ty = if self_call {
                    body.self_type.clone()
                } else {
                    callee
                        .receiver_type
                        .as_ref()
                        .and_then(|t| index.resolve_type(t))
                };
                let Some(key) = resets
                    .iter()
                    .find(|(t, m)| *m == callee.name && Some(t) == ty.as_ref())
                else {
                    continue;
                };
                sites
                    .entry(key)
                    .or_default()
                    .push(super::inline_resets::fields_set(
                        index, body, file.file, value,
                    ));
            }
        }
    }
    sites
        .into_iter()
        .filter_map(|(key, sets)| {
            let mut all = sets.first()?.clone();
            for s in &sets[1..] {
                all.retain(|f| s.contains(f));
            }
            (!all.is_empty()).then(|| (key.clone(), all))
        })
        .collect()
}
