//! Resolving a call to the pool API it invokes, and to its effect on the flow.

use super::resolve::{Resolved, TypeId, TypeOrigin};
use super::{Api, ApiOrigin, Index, ReleaseParam, Role, is_common_name, packs};
use crate::flow::{AcquireKind, CallEffect, ReleaseArg};
use crate::ir::{Callee, TypeRef};

/// The mask of a sink the config names: every argument.
pub const CONFIGURED_SINK: u64 = u64::MAX;

/// Methods that bound what a buffer keeps (a capacity check before release).
const CAPACITY_BOUNDS: &[&str] = &["capacity", "shrink_to", "shrink_to_fit", "cap", "Cap"];

/// How a call was matched to an API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchKind {
    /// Through the receiver's or qualifier's type, or as a call of a free fn.
    Resolved,
    /// By its name alone (an unresolved receiver calling a user-declared or
    /// imported pack API of an uncommon name): inference does not spread
    /// through such a match.
    ByName,
}

impl Index {
    /// The API a call resolves to, if any. `file` is the calling file.
    pub fn lookup(&self, callee: &Callee, file: usize) -> Option<&Api> {
        self.lookup_match(callee, file).map(|(api, _)| api)
    }

    /// [`lookup`](Self::lookup), saying how the call matched. The policy
    /// (DESIGN.md, Pipeline: resolve): a receiver resolved to the API's owner
    /// (or a type implementing its trait) matches; resolved to any other type
    /// never matches; unresolved matches only user-declared APIs and imported
    /// packs' APIs of uncommon names, inferred APIs never.
    pub fn lookup_match(&self, callee: &Callee, file: usize) -> Option<(&Api, MatchKind)> {
        if !self.by_name.contains_key(&callee.name) {
            return None;
        }
        if callee.is_method {
            return self.lookup_method(callee, file);
        }
        let name = callee.name.as_str();
        if let Some(q) = &callee.qualifier {
            let ty = self.canon(callee.qualified.as_deref().unwrap_or(q));
            if ty.name.starts_with(char::is_uppercase) {
                // `Type::f(..)`: an associated fn, or a method called by path.
                return self
                    .apis_of_type(&ty, name, file)
                    .map(|a| (a, MatchKind::Resolved));
            }
        }
        // A free fn, by its name (and module). A common name matches in its
        // own file, from a pack, or called through the module it is
        // declared in (`chunkedbuffer.Get()` for `"chunkedbuffer.Get"`).
        let common = is_common_name(name);
        self.owned_all(None, name)
            .find(|a| {
                a.has_receiver != Some(true)
                    && (!common
                        || a.file == Some(file)
                        || a.pack().is_some()
                        || (a.module.is_some() && callee.qualifier.is_some()))
                    && a.pack().is_none_or(|p| self.pack_active(p, file))
                    && module_matches(a, callee, common)
                    && self.visible_from(a, file, callee.qualifier.as_deref())
            })
            .map(|a| (a, MatchKind::Resolved))
    }

    fn lookup_method(&self, callee: &Callee, file: usize) -> Option<(&Api, MatchKind)> {
        let name = callee.name.as_str();
        let resolved = callee
            .receiver_type
            .as_ref()
            .map_or(Resolved::Unknown, |t| self.resolve(t));
        let found = match &resolved {
            Resolved::Type(ty) => self.apis_of_type(ty, name, file),
            Resolved::Traits(traits) => traits.iter().find_map(|t| {
                self.owned_all(Some(t), name)
                    .find(|a| a.pack().is_none_or(|p| self.pack_active(p, file)))
            }),
            Resolved::Unknown => None,
        };
        if let Some(api) = found {
            return Some((api, MatchKind::Resolved));
        }
        if is_common_name(name) {
            return None;
        }
        // A bare name the user declared (`acquire = ["allocate_stack"]`)
        // names a method of any type but the standard library's.
        let std_receiver = matches!(&resolved, Resolved::Type(ty) if ty.origin == TypeOrigin::Std);
        if !std_receiver
            && let Some(api) = self
                .owned_all(None, name)
                .find(|a| matches!(a.origin, ApiOrigin::Config { .. }) && a.has_receiver.is_none())
        {
            return Some((api, MatchKind::ByName));
        }
        if resolved != Resolved::Unknown {
            return None;
        }
        // Unresolved: user-declared methods, and those of packs whose crate
        // the file imports; never inferred ones.
        self.by_name
            .get(name)?
            .iter()
            .map(|&i| &self.apis[i])
            .find_map(|a| {
                let applies = a.owner.is_some()
                    && a.has_receiver != Some(false)
                    && match a.pack() {
                        Some(p) => self.pack_active(p, file) && self.file_imports_pack(p, file),
                        None => a.user_declared(),
                    };
                applies.then_some((a, MatchKind::ByName))
            })
    }

    /// The API `name` owned by this type, by a trait it implements or by its
    /// `Deref` target, as far as the type's origin allows: the crate's own
    /// APIs (attributes, inference) belong to its own types, a pack's to the
    /// types of its crates (or of unknown origin), the config's to any type
    /// outside the standard library.
    fn apis_of_type(&self, ty: &TypeId, name: &str, file: usize) -> Option<&Api> {
        let owners = match ty.origin {
            TypeOrigin::Local => self.method_owners(&ty.name),
            _ => vec![ty.name.clone()],
        };
        owners.iter().enumerate().find_map(|(i, owner)| {
            // After the type itself come its traits and its `Deref` target.
            let via_trait = i > 0 && !self.structs.contains_key(owner.as_str());
            self.owned_all(Some(owner), name)
                .find(|a| self.owner_matches(a, ty, via_trait, file))
        })
    }

    fn owner_matches(&self, api: &Api, ty: &TypeId, via_trait: bool, file: usize) -> bool {
        if let Some(pack) = api.pack() {
            if !self.pack_active(pack, file) {
                return false;
            }
            let crates = self.pack_crates(pack);
            return match &ty.origin {
                TypeOrigin::External(c) => crates.iter().any(|p| packs::normalize(p) == *c),
                TypeOrigin::Std => crates.iter().any(|p| p == "std"),
                TypeOrigin::Unknown => true,
                // A type of the crate's own named like a pack's; but its
                // impl of a pack's trait has the trait's API.
                TypeOrigin::Local => via_trait,
            };
        }
        match api.origin {
            // The user named the type (`AtomicUsize::fetch_add` included).
            ApiOrigin::Config { .. } => true,
            // A type of this namespace, or one it cannot name: the methods
            // of another package's type of the same name are not its.
            _ => {
                matches!(ty.origin, TypeOrigin::Local | TypeOrigin::Unknown)
                    && self.visible_from(api, file, None)
            }
        }
    }

    /// Does this method call consume its receiver: a method of the
    /// receiver's own type (or of a trait bounding it) that takes `self` by
    /// value? A method belongs to its type: an unrelated type's by-value
    /// method of the same name says nothing of this call, so an unresolved
    /// receiver consumes nothing; nor does a `Copy` one (the method gets a
    /// copy).
    fn consumes_receiver(&self, callee: &Callee) -> bool {
        if !callee.is_method || !self.consuming_names.contains(&callee.name) {
            return false;
        }
        let consuming = |owner: &str| {
            self.consuming
                .contains(&(owner.to_string(), callee.name.clone()))
        };
        match callee
            .receiver_type
            .as_ref()
            .map_or(Resolved::Unknown, |t| self.resolve(t))
        {
            Resolved::Type(ty) if ty.origin == TypeOrigin::Local => {
                !self.is_copy(&ty.name) && consuming(&ty.name)
            }
            Resolved::Traits(traits) => traits.iter().any(|t| consuming(t.as_str())),
            Resolved::Type(_) | Resolved::Unknown => false,
        }
    }

    /// A method call on a receiver of one of the crate's `Copy` types: it
    /// gets a copy, whatever the method takes (`t.into_raw()`).
    fn copies_receiver(&self, callee: &Callee) -> bool {
        callee.is_method
            && matches!(
                callee.receiver_type.as_ref().map(|t| self.resolve(t)),
                Some(Resolved::Type(ty)) if ty.origin == TypeOrigin::Local && self.is_copy(&ty.name)
            )
    }

    /// `self.pending.pop()`, `self.by_id.remove(&k)`, `self.pending.clear()`:
    /// a call that takes out or drops elements of a collection field whose
    /// elements are of a pooled type, in a type
    /// that is not the pool itself (a pool's free list holds values nobody
    /// owes: dropping one frees memory).
    fn holds_pooled_elements(&self, callee: &Callee) -> bool {
        if !callee.is_method
            || !ELEMENT_TAKES.contains(&callee.name.as_str())
                && !ELEMENT_DROPS.contains(&callee.name.as_str())
        {
            return false;
        }
        let Some(TypeRef::FieldOf(base, field)) = &callee.receiver_type else {
            return false;
        };
        let Some((decl, field)) = self.field_decl(base, field, 0) else {
            return false;
        };
        let is_pool = self
            .apis()
            .iter()
            .any(|a| a.owner.as_deref() == Some(decl.name.as_str()));
        // Maps are not free-list candidates (`collection`): their values are
        // the pooled type the declaration mentions.
        let map = field
            .core
            .as_deref()
            .is_some_and(|c| MAPS.contains(&super::types_base(c)));
        !is_pool
            && (field
                .collection
                .as_ref()
                .is_some_and(|(_, elem)| self.is_pooled(elem))
                || map && field.mentions.iter().any(|m| self.is_pooled(m)))
    }

    /// A type of the crate that is `Copy` (derived or implemented).
    pub(crate) fn is_copy(&self, ty: &str) -> bool {
        self.traits_of
            .get(ty)
            .is_some_and(|traits| traits.iter().any(|t| t == "Copy"))
    }

    /// What a call does to the flow of pooled values.
    pub fn effect(&self, callee: &Callee, file: usize) -> CallEffect {
        if let Some(kind) = self.detach_take(callee) {
            return CallEffect::Acquire(kind);
        }
        let Some(api) = self.lookup(callee, file) else {
            if self.is_disarm_call(callee) {
                return CallEffect::Disarm;
            }
            if let Some(effect) = self.may_release_effect(callee) {
                return effect;
            }
            let sunk = self.sink_mask(callee);
            if sunk != 0 {
                return CallEffect::Sink { args: sunk };
            }
            let back = self.hands_back_mask(callee);
            if back != 0 {
                return CallEffect::HandsBack { args: back };
            }
            if self.consumes_receiver(callee) {
                return CallEffect::Consume;
            }
            if callee.is_method && CAPACITY_BOUNDS.contains(&callee.name.as_str()) {
                return CallEffect::BoundsCapacity;
            }
            if self.is_reset_call(callee) {
                return CallEffect::Reset;
            }
            if self.copies_receiver(callee) {
                return CallEffect::CopyReceiver;
            }
            if self.holds_pooled_elements(callee) {
                if ELEMENT_TAKES.contains(&callee.name.as_str()) {
                    return CallEffect::TakeElement;
                }
                if ELEMENT_DROPS.contains(&callee.name.as_str()) {
                    return CallEffect::DropElements;
                }
            }
            return CallEffect::Unknown;
        };
        match api.role {
            Role::Acquire { guard } => CallEffect::Acquire(self.acquire_kind(api, guard, false)),
            Role::Detach => CallEffect::Acquire(self.acquire_kind(api, false, true)),
            Role::Reset => CallEffect::Reset,
            Role::Forget => match target(api, callee, ReleaseParam::Param(0)) {
                Some(arg) => CallEffect::Forget { arg },
                None => CallEffect::Unknown,
            },
            Role::Release(_) if self.counts(api) => CallEffect::Release {
                arg: ReleaseArg::Token,
                resets: true,
                bounds: true,
            },
            Role::Release(param) => {
                let Some(arg) = target(api, callee, param) else {
                    return CallEffect::Unknown;
                };
                let (resets, bounds) = self.release_summary(api);
                CallEffect::Release {
                    arg,
                    resets,
                    bounds,
                }
            }
        }
    }
}

/// Methods that take one element out of a collection or map field.
const ELEMENT_TAKES: &[&str] = &[
    "pop",
    "pop_front",
    "pop_back",
    "pop_first",
    "pop_last",
    "remove",
    "swap_remove",
    "drain",
];

/// Methods that drop every element of a collection or map field in place.
const ELEMENT_DROPS: &[&str] = &["clear", "truncate", "retain"];

/// Map types whose `remove` hands out one value.
const MAPS: &[&str] = &["HashMap", "BTreeMap", "IndexMap", "FxHashMap", "AHashMap"];

/// Does the call name the module an API is declared in? A call qualified by
/// another module is another fn; an unqualified one (imported by name) is
/// the API's only when its name is not common.
fn module_matches(api: &Api, callee: &Callee, common: bool) -> bool {
    let Some(module) = &api.module else {
        return true;
    };
    let Some(q) = &callee.qualifier else {
        return !common;
    };
    q == module
        || callee
            .qualified
            .as_deref()
            .is_some_and(|path| path.rsplit(['/', ':']).next() == Some(module.as_str()))
}

/// The operand of this call that a release (or forget) of `param` acts on.
fn target(api: &Api, callee: &Callee, param: ReleaseParam) -> Option<ReleaseArg> {
    // A path call of a method (`BufPool::put(&pool, buf)`) passes the receiver first.
    let ufcs = !callee.is_method
        && callee.qualifier.is_some()
        && api.owner.is_some()
        && api.has_receiver.unwrap_or(callee.arg_count >= 2);
    // Declared by name only (config, packs): a method called without
    // arguments acts on its receiver (`permit.forget()`).
    let on_receiver = callee.is_method && callee.arg_count == 0 && api.has_receiver.is_none();
    Some(match (param, ufcs, callee.is_method) {
        (ReleaseParam::Param(0), false, true) if on_receiver => ReleaseArg::Receiver,
        (ReleaseParam::Receiver, false, true) => ReleaseArg::Receiver,
        (ReleaseParam::Receiver, true, false) => ReleaseArg::Arg(0),
        (ReleaseParam::Receiver, _, _) => return None,
        (ReleaseParam::Param(i), true, _) => ReleaseArg::Arg(i + 1),
        (ReleaseParam::Param(i), false, _) => ReleaseArg::Arg(i),
    })
}

impl Index {
    fn acquire_kind(&self, api: &Api, guard: bool, detached: bool) -> AcquireKind {
        let returns = api.returns.as_deref();
        AcquireKind {
            guard,
            detached,
            handle: api.handle,
            needs_reset: !guard && returns.is_some_and(|t| self.type_has_reset(t)),
            growable: !guard && returns.is_some_and(is_growable),
            counter: !guard && self.counts(api),
            result: api.result,
        }
    }

    /// Does the API take or give back a count rather than a value: a pool
    /// declared `kind = "counter"`, an acquire whose result cannot carry a
    /// value (`()`, `Result<(), E>`), or a release without parameters of a
    /// pool whose acquires count?
    pub fn counts(&self, api: &Api) -> bool {
        if api.counter {
            return true;
        }
        let sig = self.sig(api.owner.as_deref(), &api.name);
        match api.role {
            // (A later result carries the value: the first says nothing.)
            Role::Acquire { guard: false } => {
                api.result == 0 && sig.is_some_and(|s| s.returns_nothing)
            }
            // A release without parameters that counts: of a pool whose
            // acquires count, or a method of the pool's own type (a lock's
            // `unlock(&self)` gives back what the pool lent, not itself).
            Role::Release(_) => {
                if api.pool.is_none() {
                    return false;
                }
                let mut acquires = self
                    .apis()
                    .iter()
                    .filter(|a| a.pool == api.pool && matches!(a.role, Role::Acquire { .. }))
                    .peekable();
                // A pool that only ever counts hands out no value to take
                // back: its release's arguments are amounts and flags
                // (`wal_insert_end(force_commit)`).
                if acquires.peek().is_some() && acquires.clone().all(|a| self.counts(a)) {
                    return true;
                }
                sig.is_some_and(|s| s.params.is_empty())
                    && acquires.any(|a| {
                        // (The same type: another package's `Decoder` is not.)
                        a.owner.is_some()
                            && a.owner == api.owner
                            && self.same_namespace(a.file, api.file)
                            || !matches!(a.role, Role::Acquire { guard: true })
                                && self
                                    .sig(a.owner.as_deref(), &a.name)
                                    .is_some_and(|s| s.returns_nothing)
                    })
            }
            _ => false,
        }
    }

    fn release_summary(&self, api: &Api) -> (bool, bool) {
        self.summaries().release_of(api)
    }

    /// `guard.live.take()`: the raw value of a guard taken out of it
    /// (`detach-field`, or the field the guard's `Drop` releases).
    fn detach_take(&self, callee: &Callee) -> Option<AcquireKind> {
        if !callee.is_method || callee.name != "take" || callee.arg_count != 0 {
            return None;
        }
        if !self.has_detach_fields() {
            return None;
        }
        let receiver = callee.receiver_type.as_ref()?;
        let crate::ir::TypeRef::FieldOf(base, field) = receiver else {
            return None;
        };
        let guard = self.resolve_type(base)?;
        if !self.is_detach_field(&guard, field) {
            return None;
        }
        let content = self.resolve_type(receiver);
        Some(AcquireKind {
            detached: true,
            needs_reset: content.is_some_and(|t| self.type_has_reset(&t)),
            ..AcquireKind::default()
        })
    }

    /// The arguments (bits, as the call passes them) a fallible callee
    /// drops when it fails: from its summary, or named by the config
    /// (`fallible-sinks = ["Fiber::new"]`: every argument).
    fn sink_mask(&self, callee: &Callee) -> u64 {
        if self.sinks_empty() {
            return 0;
        }
        if let Some(((owner, name), shift)) = self.callee_fn(callee) {
            let owner = (!owner.is_empty()).then_some(owner);
            let mask = self.sink_args(owner.as_deref(), &name);
            if mask != 0 {
                return mask << shift;
            }
        }
        // A callee of another crate, named by the config.
        let owner = match (&callee.qualified, &callee.qualifier, &callee.receiver_type) {
            (Some(q), _, _) | (None, Some(q), _) => Some(self.canon(q).name),
            (_, _, Some(t)) => self.resolve_type(t),
            _ => None,
        };
        self.sink_args(owner.as_deref(), &callee.name) & CONFIGURED_SINK
    }

    /// The arguments (bits) a callee hands back inside the `Err` it
    /// returns: a callee of the crate, as its signature spells them; a
    /// method of another crate's type the config names (`Sender::send`),
    /// every argument. A type the crate declares itself is never the other
    /// crate's, whatever its name.
    fn hands_back_mask(&self, callee: &Callee) -> u64 {
        if let Some(((owner, name), shift)) = self.callee_fn(callee) {
            let owner = (!owner.is_empty()).then_some(owner.as_str());
            return self.sig(owner, &name).map_or(0, |s| s.hands_back << shift);
        }
        if !callee.is_method {
            return 0;
        }
        let external = match callee.receiver_type.as_ref().map(|t| self.resolve(t)) {
            Some(super::resolve::Resolved::Type(super::resolve::TypeId { name, origin }))
                if origin != super::resolve::TypeOrigin::Local =>
            {
                name
            }
            _ => return 0,
        };
        if self.hands_back_configured(&external, &callee.name) {
            CONFIGURED_SINK
        } else {
            0
        }
    }

    /// A method of a guard type the code defines that disarms it.
    /// Called on the guard (`g.keep()`) or with it (`Undo::into_inner(g)`).
    fn is_disarm_call(&self, callee: &Callee) -> bool {
        // `ScopeGuard::into_inner(g)`: scopeguard's own disarm.
        if !callee.is_method
            && callee.name == "into_inner"
            && callee.qualifier.as_deref() == Some("ScopeGuard")
        {
            return true;
        }
        let ty = if callee.is_method {
            callee
                .receiver_type
                .as_ref()
                .and_then(|t| self.resolve_type(t))
        } else {
            callee
                .qualified
                .as_deref()
                .or(callee.qualifier.as_deref())
                .map(|q| self.canon(q))
                .filter(|t| t.origin == super::resolve::TypeOrigin::Local)
                .map(|t| t.name)
        };
        ty.and_then(|t| self.guard_info(&t))
            .is_some_and(|g| g.disarm_methods.contains(&callee.name))
    }

    /// A call of a type's declared reset method, or of a method named like one.
    fn is_reset_call(&self, callee: &Callee) -> bool {
        if !callee.is_method {
            return false;
        }
        match callee
            .receiver_type
            .as_ref()
            .and_then(|t| self.resolve_type(t))
        {
            Some(ty) => {
                self.struct_decl(&ty).and_then(|s| s.reset.as_deref()) == Some(callee.name.as_str())
            }
            None => self.is_reset_name(&callee.name),
        }
    }
}

/// Growable containers: replacing one throws its capacity away, and releasing
/// one unbounded lets a single huge request pin memory.
pub fn is_growable(ty: &str) -> bool {
    matches!(
        super::types_base(ty),
        "Vec"
            | "String"
            | "VecDeque"
            | "HashMap"
            | "HashSet"
            | "BTreeMap"
            | "BTreeSet"
            | "BinaryHeap"
            | "BytesMut"
            | "SmallVec"
            | "IndexMap"
            | "IndexSet"
            | "PathBuf"
            | "OsString"
            // Go: slices and maps (as the Go frontend names them), and
            // the standard library's growable buffers.
            | "[]"
            | "[map]"
            | "Buffer"
            | "Builder"
            | "ByteBuffer"
    )
}

/// Growable containers whose empty value is `nil` (Go's slices and maps):
/// setting one to nil throws its capacity away.
pub fn is_nil_growable(ty: &str) -> bool {
    // Not a map: a map never shrinks, so dropping a pooled one (`c.Keys =
    // nil`) is how code gives its memory back on purpose.
    super::types_base(ty) == "[]"
}
