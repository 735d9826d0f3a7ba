//! Which files are worth analysing: the keys a file's bodies must hold for a
//! rule to have anything to say about them.

use crate::knowledge::Index;
use crate::store::{Key, KeySet};

/// What a file's bodies must hold for a rule to have anything to say about
/// them: a call of a name some API has (every pool value comes from one, and
/// every release, reset and forget is one), a method of a type that holds
/// pooled values in its fields or declares a reset (PL003's entry fields,
/// PL006, PL007), or a release's own body (PL006). Other files are not
/// unpacked at all.
pub(super) fn findable_keys(index: &Index) -> Findable {
    // A body that looks a type with pooled fields up (`get_mut::<T>()`), or
    // is handed one as a parameter, may overwrite them.
    let looked_up: Vec<String> = index.types_with_pooled_fields();
    let types: Vec<String> = looked_up
        .iter()
        .cloned()
        .chain(index.types_with_reset())
        // Methods that may take values off a guard's free list.
        .chain(
            index
                .guard_free_lists()
                .iter()
                .flat_map(|l| l.takers.iter().cloned()),
        )
        .collect();
    // A release's body, or an acquire's, is known by its name and owner
    // (`api_for(owner, name)`): `remove` alone is defined in most files.
    let mut owned: Vec<(Option<String>, String)> = index
        .apis()
        .iter()
        .filter(|a| matches!(a.role, crate::knowledge::Role::Release(_)))
        .map(|a| (a.owner.clone(), a.name.clone()))
        .collect();
    // Acquires whose pool leaves fields un-reset (PL007 on the acquire fn),
    // and the guard types whose detach fields may be taken out.
    for f in index.summaries().inline_resets() {
        if let crate::knowledge::inline_resets::InlineFinding::Acquire { owner, name, .. } = f {
            owned.push((Some(owner.clone()), name.clone()));
        }
    }
    // Acquires that claim a field of their pool: their own ways out.
    owned.extend(crate::knowledge::claims::claiming_acquires(index));
    owned.sort();
    owned.dedup();
    let types: Vec<String> = types
        .into_iter()
        .chain(index.detach_fields().map(|(t, _)| t.to_string()))
        .collect();
    // A forget matters only to a value some acquire gave, or one of a guard
    // type: without guard types, a file that only forgets needs no look.
    let (forgets, others): (Vec<&str>, Vec<&str>) =
        index.api_names().partition(|n| index.only_forgets(n));
    let forgets = if index.forgets_matter() && index.has_guard_types() {
        forgets
    } else {
        Vec::new()
    };
    Findable {
        calls: index.scoped_call_keys(others),
        forgets: index.scoped_call_keys(forgets),
        items: KeySet::new(
            types
                .iter()
                .map(|t| Key::MethodOf(t))
                .chain(looked_up.iter().map(|t| Key::TypeArg(t)))
                // A use after a call that may release.
                .chain(index.may_release_names().map(Key::Calls)),
        ),
        defined: owned
            .iter()
            .map(|(owner, name)| match owner {
                None => (KeySet::new([Key::DefinesFree(name)]), None),
                Some(o) => (
                    KeySet::new([Key::Defines(name)]),
                    Some(KeySet::new([Key::MethodOf(o), Key::Implements(o)])),
                ),
            })
            .collect(),
    }
}

/// What a file's bodies must hold to be worth analysing ([`findable_keys`]).
pub(super) struct Findable {
    calls: crate::knowledge::ScopedKeys,
    forgets: crate::knowledge::ScopedKeys,
    items: KeySet,
    /// Fns by name, and their owner (a method of the type, or of an impl of
    /// the trait) if they have one.
    defined: Vec<(KeySet, Option<KeySet>)>,
}

impl Findable {
    pub(super) fn matches(
        &self,
        index: &Index,
        file: usize,
        probe: &dyn Fn(&KeySet) -> bool,
    ) -> bool {
        probe(&self.items)
            || self
                .defined
                .iter()
                .any(|(name, owner)| probe(name) && owner.as_ref().is_none_or(probe))
            || self.calls.matches(index, file, probe)
            || self.forgets.matches(index, file, probe)
    }
}
