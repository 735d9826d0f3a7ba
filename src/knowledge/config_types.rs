//! What the config says of types rather than of calls: `pooled = ["Msg"]`,
//! `keep = ["Msg.id"]`, `detach-field = ["PoolConnection.live"]`, and the
//! types its `reset = [..]` entries make reset-checked (PL007, PL008), a
//! trait's implementors included (`reset = ["Head::clear"]`).

use super::{Index, Role, types_base};
use crate::config::{NamedType, PoolDecl, did_you_mean, split_field};

impl Index {
    /// Apply the config's type-level keys. Call after every file's items
    /// (and the config's APIs) are in the index.
    pub fn apply_config_types(&mut self, pools: &[PoolDecl]) {
        for pool in pools {
            for ty in &pool.pooled {
                if let Some(s) = self.structs.get_mut(types_base(ty)) {
                    s.pooled = true;
                }
            }
            for entry in &pool.keep {
                let Some((ty, field)) = split_field(entry) else {
                    continue;
                };
                if let Some(s) = self.structs.get_mut(ty) {
                    for f in s.fields.iter_mut().filter(|f| f.name == field) {
                        f.keep = true;
                    }
                }
            }
            for entry in &pool.detach_field {
                let Some((ty, field)) = split_field(entry) else {
                    continue;
                };
                if let Some(s) = self.structs.get_mut(ty) {
                    s.guard = true;
                    self.add_detach_field(ty, field);
                }
            }
            for entry in &pool.reset {
                let Some((path, method)) = entry.rsplit_once("::") else {
                    continue;
                };
                let owner = types_base(path);
                for ty in self.owner_types(owner) {
                    self.add_reset(&ty, method);
                }
            }
        }
    }

    /// The struct `owner`, or every type that implements the trait `owner`.
    fn owner_types(&self, owner: &str) -> Vec<String> {
        if self.structs.contains_key(owner) {
            return vec![owner.to_string()];
        }
        let mut out: Vec<String> = self
            .traits_of
            .iter()
            .filter(|(_, traits)| traits.iter().any(|t| t == owner))
            .map(|(ty, _)| ty.clone())
            .filter(|ty| self.structs.contains_key(ty))
            .collect();
        out.sort();
        out
    }

    /// `method` resets values of `ty`: the type's reset if it has none yet.
    fn add_reset(&mut self, ty: &str, method: &str) {
        let Some(s) = self.structs.get_mut(ty) else {
            return;
        };
        match &s.reset {
            None => s.reset = Some(method.to_string()),
            Some(m) if m == method => {}
            Some(_) => {
                self.reset_pairs
                    .insert((ty.to_string(), method.to_string()));
            }
        }
        self.reset_names.insert(method.to_string());
    }

    pub(crate) fn add_detach_field(&mut self, ty: &str, field: &str) {
        let fields = self.detach_fields.entry(ty.to_string()).or_default();
        if !fields.iter().any(|f| f == field) {
            fields.push(field.to_string());
        }
    }

    pub(crate) fn add_unlock_field(&mut self, ty: &str, field: &str) {
        let fields = self.unlock_fields.entry(ty.to_string()).or_default();
        if !fields.iter().any(|f| f == field) {
            fields.push(field.to_string());
        }
    }

    /// Does the guard type's `Drop` release through a field as receiver
    /// (`self.qutex.direct_unlock()`)? Reading that handle out and forgetting
    /// the guard skips the release unless the body makes it itself.
    pub fn has_unlock_fields(&self, ty: &str) -> bool {
        self.unlock_fields.get(ty).is_some_and(|f| !f.is_empty())
    }

    /// Is `field` of `ty` the raw value of a guard (declared or inferred)?
    pub fn is_detach_field(&self, ty: &str, field: &str) -> bool {
        self.detach_fields
            .get(ty)
            .is_some_and(|f| f.iter().any(|f| f == field))
    }

    pub fn has_detach_fields(&self) -> bool {
        !self.detach_fields.is_empty()
    }

    /// Every (type, field) that holds a guard's raw value.
    pub fn detach_fields(&self) -> impl Iterator<Item = (&str, &str)> {
        self.detach_fields
            .iter()
            .flat_map(|(t, fs)| fs.iter().map(move |f| (t.as_str(), f.as_str())))
    }

    /// A configured API names a method of a type the sources declare: what
    /// it returns is the declared return type (so that a configured acquire
    /// of a type with a reset needs that reset, and a configured
    /// guard-acquire's type is a guard type).
    pub fn settle_config_returns(&mut self) {
        let mut found = Vec::new();
        for (id, api) in self.apis.iter().enumerate() {
            if api.returns.is_some()
                || !matches!(api.origin, super::ApiOrigin::Config { .. })
                || !matches!(api.role, Role::Acquire { .. } | Role::Detach)
            {
                continue;
            }
            let Some(sig) = self.sig(api.owner.as_deref(), &api.name) else {
                continue;
            };
            if let Some(ret) = &sig.returns {
                found.push((id, ret.to_string()));
            }
        }
        for (id, ret) in found {
            self.apis[id].returns = Some(types_base(&ret).to_string());
        }
    }

    /// The return types of guard-acquires (configured, declared or inferred)
    /// that the sources declare are guard types everywhere.
    pub fn learn_guard_returns(&mut self) {
        let types: Vec<String> = self
            .apis
            .iter()
            .filter(|a| a.role == Role::Acquire { guard: true } && a.pack().is_none())
            .filter_map(|a| a.returns.clone())
            .filter(|t| self.structs.contains_key(t.as_str()))
            .collect();
        self.mark_guard_types(&types);
    }

    /// Warnings for config entries that name a type (or a field) no scanned
    /// source declares, with a did-you-mean.
    pub fn config_warnings(&self, named: &[NamedType], file: &std::path::Path) -> Vec<String> {
        let mut out = Vec::new();
        for n in named {
            let at = match n.line {
                Some(line) => format!("{}:{line}", file.display()),
                None => file.display().to_string(),
            };
            let Some(decl) = self.structs.get(&n.ty) else {
                let hint = did_you_mean(&n.ty, self.structs.keys().map(String::as_str));
                out.push(format!(
                    "{at}: `{}` names the type `{}`, which no scanned source declares{hint}",
                    n.key, n.ty
                ));
                continue;
            };
            if let Some(field) = &n.field
                && !decl.fields.iter().any(|f| f.name == *field)
            {
                let hint = did_you_mean(field, decl.fields.iter().map(|f| f.name.as_str()));
                out.push(format!(
                    "{at}: `{}` names the field `{}.{field}`, but `{}` has no field `{field}`{hint}",
                    n.key, n.ty, n.ty
                ));
            }
        }
        out
    }
}

impl Index {
    /// Do the sources write `impl Trait for Type`?
    pub fn implements(&self, ty: &str, tr: &str) -> bool {
        self.traits_of
            .get(ty)
            .is_some_and(|traits| traits.iter().any(|t| t == tr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::knowledge::{FieldDecl, FileItems, StructDecl};
    use std::path::Path;

    fn index_with(structs: &[(&str, &[&str])], impls: &[(&str, &str)]) -> Index {
        let mut index = Index::default();
        let items = FileItems {
            structs: structs
                .iter()
                .map(|(name, fields)| StructDecl {
                    name: name.to_string(),
                    fields: fields
                        .iter()
                        .map(|f| FieldDecl {
                            name: f.to_string(),
                            ..FieldDecl::default()
                        })
                        .collect(),
                    ..StructDecl::default()
                })
                .collect(),
            trait_impls: impls
                .iter()
                .map(|(t, tr)| (t.to_string(), tr.to_string()))
                .collect(),
            ..FileItems::default()
        };
        index.add_file_items(0, Path::new("lib.rs"), items);
        index
    }

    fn config(text: &str) -> Config {
        Config::parse(Path::new("poollint.toml"), text, false).unwrap()
    }

    #[test]
    fn config_names_pooled_types_kept_fields_and_resets() {
        let mut index = index_with(
            &[
                ("Msg", &["id", "body"]),
                ("RespHead", &["status", "extensions"]),
                ("ReqHead", &["uri"]),
                ("Other", &["x"]),
            ],
            &[("RespHead", "Head"), ("ReqHead", "Head")],
        );
        let c = config(
            "[[pools]]\npooled = [\"Msg\"]\nkeep = [\"Msg.id\"]\nreset = [\"Head::clear\", \"Msg::reset\"]\n",
        );
        index.apply_config_types(&c.pools);
        assert!(index.is_pooled("Msg"));
        assert!(!index.is_pooled("RespHead"));
        let msg = index.struct_decl("Msg").unwrap();
        assert!(msg.fields.iter().find(|f| f.name == "id").unwrap().keep);
        assert!(!msg.fields.iter().find(|f| f.name == "body").unwrap().keep);
        assert!(index.is_reset_method("Msg", "reset"));
        assert!(index.is_reset_method("RespHead", "clear"));
        assert!(index.is_reset_method("ReqHead", "clear"));
        assert!(!index.is_reset_method("Other", "clear"));
        assert!(index.type_has_reset("ReqHead") && !index.type_has_reset("Other"));
        assert!(
            c.named_types
                .iter()
                .all(|n| n.line == Some(2) || n.line == Some(3))
        );
        assert!(
            index
                .config_warnings(&c.named_types, Path::new("poollint.toml"))
                .is_empty()
        );
    }

    #[test]
    fn unknown_types_and_fields_are_warnings_with_a_suggestion() {
        let index = index_with(&[("Msg", &["id", "body"])], &[]);
        let c = config(
            "[[pools]]\npooled = [\"Msgs\"]\nkeep = [\"Msg.idd\"]\ndetach-field = [\"Nope.live\"]\n",
        );
        let w = index.config_warnings(&c.named_types, Path::new("poollint.toml"));
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(w[0].starts_with("poollint.toml:2:"), "{}", w[0]);
        assert!(
            w[0].contains("`Msgs`") && w[0].contains("did you mean `Msg`"),
            "{}",
            w[0]
        );
        assert!(
            w[1].contains("no field `idd`") && w[1].contains("did you mean `id`"),
            "{}",
            w[1]
        );
        assert!(
            w[2].contains("`Nope`") && w[2].starts_with("poollint.toml:4:"),
            "{}",
            w[2]
        );
    }

    #[test]
    fn detach_fields_make_guards() {
        let mut index = index_with(&[("PoolConnection", &["live", "pool"])], &[]);
        let c = config("[[pools]]\ndetach-field = [\"PoolConnection.live\"]\n");
        index.apply_config_types(&c.pools);
        assert!(index.is_guard_type("PoolConnection"));
        assert!(index.is_detach_field("PoolConnection", "live"));
        assert!(!index.is_detach_field("PoolConnection", "pool"));
    }
}
