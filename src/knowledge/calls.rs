//! Resolving a call to the pool API it invokes, and to its effect on the flow.

use super::{Api, Index, ReleaseParam, Role, is_common_name};
use crate::flow::{AcquireKind, CallEffect, ReleaseArg};
use crate::ir::Callee;

/// Methods that bound what a buffer keeps (a capacity check before release).
const CAPACITY_BOUNDS: &[&str] = &["capacity", "shrink_to", "shrink_to_fit"];

impl Index {
    /// The API a call resolves to, if any. `file` is the calling file.
    pub fn lookup(&self, callee: &Callee, file: usize) -> Option<&Api> {
        let ids = self.by_name.get(&callee.name)?;
        let common = is_common_name(&callee.name);
        let candidates = ids.iter().map(|&i| &self.apis[i]);
        if callee.is_method {
            let recv = callee
                .receiver_type
                .as_ref()
                .and_then(|t| self.resolve_type(t));
            if let Some(recv) = &recv {
                // The type's own method, else one of a trait it implements.
                let traits = self.traits_of.get(recv).into_iter().flatten();
                if let Some(api) = std::iter::once(recv)
                    .chain(traits)
                    .find_map(|owner| self.owned(Some(owner), &callee.name))
                {
                    return Some(api);
                }
            }
            if common {
                return None;
            }
            return candidates
                .clone()
                .find(|a| a.owner.is_some() && a.has_receiver != Some(false));
        }
        match &callee.qualifier {
            Some(q) => {
                if let Some(api) = self.owned(Some(q), &callee.name) {
                    return Some(api);
                }
                if common {
                    return None;
                }
                candidates.clone().find(|a| a.owner.is_none())
            }
            None => candidates
                .clone()
                .find(|a| a.owner.is_none() && (!common || a.file == Some(file))),
        }
    }

    /// Does this method call consume its receiver (a crate method taking `self`)?
    fn consumes_receiver(&self, callee: &Callee) -> bool {
        if !callee.is_method || !self.consuming_names.contains(&callee.name) {
            return false;
        }
        match callee
            .receiver_type
            .as_ref()
            .and_then(|t| self.resolve_type(t))
        {
            Some(ty) => self.consuming.contains(&(ty, callee.name.clone())),
            // Unresolved: stay quiet rather than call a hand-off a leak.
            None => true,
        }
    }

    /// What a call does to the flow of pooled values.
    pub fn effect(&self, callee: &Callee, file: usize) -> CallEffect {
        let Some(api) = self.lookup(callee, file) else {
            if self.consumes_receiver(callee) {
                return CallEffect::Consume;
            }
            if callee.is_method && CAPACITY_BOUNDS.contains(&callee.name.as_str()) {
                return CallEffect::BoundsCapacity;
            }
            if self.is_reset_call(callee) {
                return CallEffect::Reset;
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
        }
    }

    fn release_summary(&self, api: &Api) -> (bool, bool) {
        self.summaries().release(api.owner.as_deref(), &api.name)
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
        ty,
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
    )
}
