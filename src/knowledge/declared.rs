//! APIs declared by `[[pools]]` in config and lint packs, and which argument
//! each declared release gives back once the signatures are known.

use super::*;

impl Index {
    /// Add `[[pools]]` declarations (from config or a lint pack).
    pub fn add_declared(&mut self, pools: &[crate::config::PoolDecl], origin: &ApiOrigin) {
        for pool in pools {
            let handle = pool.kind.as_deref() == Some("handle");
            let counter = pool.kind.as_deref() == Some("counter");
            let names = |list: &[String], role: Role| {
                list.iter()
                    .map(|n| (n.clone(), role, None))
                    .collect::<Vec<_>>()
            };
            let mut entries = names(&pool.acquire, Role::Acquire { guard: false });
            entries.extend(names(&pool.guard_acquire, Role::Acquire { guard: true }));
            entries.extend(pool.release.iter().map(|r| {
                let param = match r.arg() {
                    Some(crate::config::ArgRef::Index(i)) => *i,
                    _ => 0,
                };
                (
                    r.name().to_string(),
                    Role::Release(ReleaseParam::Param(param)),
                    Some(r.arg().cloned()),
                )
            }));
            let callee_key = |path: &String| match path.rsplit_once("::") {
                Some((owner, name)) => (types_base(owner).to_string(), name.to_string()),
                None => (String::new(), path.clone()),
            };
            for sink in &pool.fallible_sinks {
                self.add_sinks([(callee_key(sink), calls::CONFIGURED_SINK)]);
            }
            for callee in &pool.hands_back {
                self.add_hands_back(callee_key(callee));
            }
            entries.extend(names(&pool.detach, Role::Detach));
            entries.extend(names(&pool.reset, Role::Reset));
            entries.extend(names(&pool.forget, Role::Forget));
            for (entry, role, release_arg) in entries {
                let ApiName {
                    owner,
                    module,
                    name,
                } = ApiName::parse(&entry);
                if role == Role::Reset && owner.is_some() {
                    self.reset_names.insert(name.clone());
                }
                let boxes = pool.boxes && matches!(role, Role::Release(_));
                self.add(Api {
                    role,
                    owner,
                    name,
                    has_receiver: None,
                    returns: None,
                    handle,
                    counter,
                    pool: pool.name.clone(),
                    origin: origin.clone(),
                    file: None,
                    declared_arg: release_arg.flatten(),
                    module,
                    boxes,
                    collected: pool.collected,
                    result: 0,
                });
            }
        }
    }

    /// A configured release that does not say which argument it gives back,
    /// or says it by name, and is a fn of the scanned crate: the argument is
    /// the named parameter, or the one whose type is what the pool's acquires
    /// return (`remove(&self, synced: &mut Synced, io: &Arc<Io>)` paired with
    /// `allocate() -> Arc<Io>` gives back `io`).
    pub fn settle_release_args(&mut self) {
        let mut settled = Vec::new();
        for (id, api) in self.apis.iter().enumerate() {
            let Role::Release(ReleaseParam::Param(_)) = api.role else {
                continue;
            };
            if !matches!(api.origin, ApiOrigin::Config { .. }) {
                continue;
            }
            let Some(sig) = self.sig(api.owner.as_deref(), &api.name) else {
                continue;
            };
            let param = match &api.declared_arg {
                Some(crate::config::ArgRef::Index(_)) => continue,
                Some(crate::config::ArgRef::Name(n)) => {
                    sig.param_names.iter().position(|p| **p == **n)
                }
                None if sig.params.len() < 2 => continue,
                None => {
                    let acquired: Vec<&str> = self
                        .apis
                        .iter()
                        .filter(|a| {
                            matches!(a.role, Role::Acquire { .. })
                                && a.pool == api.pool
                                && a.origin == api.origin
                        })
                        .filter_map(|a| {
                            let sig = self.sig(a.owner.as_deref(), &a.name)?;
                            sig.returns.as_deref().map(types_base)
                        })
                        .collect();
                    let mut matching = sig.params.iter().enumerate().filter(|(_, p)| {
                        p.as_deref()
                            .is_some_and(|p| acquired.contains(&types_base(p)))
                    });
                    match (matching.next(), matching.next()) {
                        (Some((i, _)), None) => Some(i),
                        _ => None,
                    }
                }
            };
            if let Some(i) = param {
                settled.push((id, i));
            }
        }
        for (id, i) in settled {
            self.apis[id].role = Role::Release(ReleaseParam::Param(i));
        }
    }
}
