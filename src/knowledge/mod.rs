//! The knowledge index: which calls acquire, release, detach and reset pooled
//! values, which types are pooled, and the struct layouts that receiver
//! resolution needs. Built once per crate from every file's items, config
//! entries and inference, then shared read-only by the parallel analysis.

mod api;
pub mod borrowed_args;
pub mod calls;
pub mod claims;
pub mod config_types;
pub mod conventions;
pub mod counted_fields;
mod declared;
pub mod guard_free_lists;
pub mod guard_types;
pub mod guards;
pub mod infer;
pub mod inline_resets;
pub mod items;
pub mod may_release;
pub mod packs;
mod pooled_content;
pub mod pools;
pub mod release_paths;
pub mod resolve;
pub mod sinks;
pub mod summaries;

pub use api::{Api, ApiName, ApiOrigin};
pub use borrowed_args::{
    LateBorrowed, LateSig, NON_RETAINING_FUNCS, NON_RETAINING_METHODS, keeps_no_args,
};
pub use calls::{is_growable, is_nil_growable};
pub use items::{DeclaredApi, FieldDecl, FileItems, FnSig, ReleaseParam, Role, StructDecl};
use std::collections::{HashMap, HashSet};

/// Names too common to match a call by name alone: they only match through a
/// resolved receiver type (DESIGN.md, Configuration).
pub const COMMON_NAMES: &[&str] = &[
    "get", "put", "take", "insert", "remove", "push", "pop", "pull", "acquire", "release", "alloc",
    "free", "clear", "new", "default", "drop", "send", "recv", "clone",
    // Go spells them capitalized (exported methods and functions).
    "Get", "Put", "Take", "Insert", "Remove", "Push", "Pop", "Pull", "Acquire", "Release", "Alloc",
    "Free", "Clear", "New", "Send", "Recv", "Clone", "Close", "Reset",
];

pub fn is_common_name(name: &str) -> bool {
    COMMON_NAMES.contains(&name)
}

/// The last segment of a qualified type name (`Semaphore` of `tokio::Semaphore`).
pub fn types_base(qualified: &str) -> &str {
    qualified.rsplit("::").next().unwrap_or(qualified)
}

/// Qualified type names, `None` where a type cannot be named.
pub type TypeNames = Box<[Option<Box<str>>]>;

/// What the index keeps of a signature (see [`FnSig`]).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sig {
    pub returns: Option<Box<str>>,
    pub returns_nothing: bool,
    pub params: TypeNames,
    pub param_names: Box<[Box<str>]>,
    /// Bit `i`: the body only looks at parameter `i` ([`FnSig::borrowed`]),
    /// as far as the lowered bodies tell: see [`Sig::borrowed_with`].
    pub borrowed: u64,
    /// The (file, position among its fns) of each declaration whose body
    /// was not lowered: its bits are asked for when first needed.
    #[serde(default)]
    pub late: Box<[(u32, u32)]>,
    /// Parameters borrowed if the calls they are given to borrow them too:
    /// (parameter, call, argument position) ([`FnSig::borrowed_via`]).
    #[serde(default)]
    pub via: Box<[(u32, crate::ir::Callee, u32)]>,
    /// Closure-typed parameters: (index, the closure's parameter types).
    pub closure_params: Box<[(u32, TypeNames)]>,
    /// It has a receiver (`self`): called by path, its arguments shift by one.
    pub has_receiver: bool,
    /// Bit `i`: parameter `i` comes back inside the `Err` ([`FnSig::hands_back`]).
    pub hands_back: u64,
    /// It returns what its closure parameter `i` returns ([`FnSig::returns_closure`]).
    #[serde(default)]
    pub returns_closure: Option<u32>,
    /// The namespaces (Go packages) that declare it; empty where files are
    /// no namespaces. A call names it only from, or through, one of them.
    #[serde(default)]
    pub namespaces: Box<[u32]>,
}

/// One owner's signatures by name (`None`: declared more than once,
/// differently).
type SigsOf = HashMap<Box<str>, Option<Box<Sig>>>;

/// Call keys split by where their APIs apply ([`Index::scoped_call_keys`]).
#[derive(Debug, Default)]
pub struct ScopedKeys {
    pub everywhere: crate::store::KeySet,
    pub per_pack: Vec<(String, crate::store::KeySet)>,
    /// Names whose every API is one of the scanned code's namespaces (Go
    /// packages): only their files, or files importing a package of that
    /// name, can call them.
    pub per_namespace: Vec<(Vec<u32>, crate::store::KeySet)>,
}

impl ScopedKeys {
    /// Can the file (whose keys `probe` tests) call one of the APIs?
    pub fn matches(
        &self,
        index: &Index,
        file: usize,
        probe: &dyn Fn(&crate::store::KeySet) -> bool,
    ) -> bool {
        probe(&self.everywhere)
            || self
                .per_pack
                .iter()
                .any(|(pack, keys)| index.pack_active(pack, file) && probe(keys))
            || self
                .per_namespace
                .iter()
                .any(|(namespaces, keys)| index.may_name(namespaces, file) && probe(keys))
    }

    pub fn is_empty(&self) -> bool {
        self.everywhere.is_empty()
            && self.per_pack.iter().all(|(_, k)| k.is_empty())
            && self.per_namespace.iter().all(|(_, k)| k.is_empty())
    }
}

/// [`crate::config::ArgRef`] is read from TOML untagged; the index cache
/// stores it tagged (postcard cannot read untagged enums).
mod arg_ref_serde {
    use crate::config::ArgRef;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    enum Tagged {
        Index(usize),
        Name(String),
    }

    pub fn serialize<S: Serializer>(arg: &Option<ArgRef>, s: S) -> Result<S::Ok, S::Error> {
        arg.as_ref()
            .map(|a| match a {
                ArgRef::Index(i) => Tagged::Index(*i),
                ArgRef::Name(n) => Tagged::Name(n.clone()),
            })
            .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ArgRef>, D::Error> {
        Ok(Option::<Tagged>::deserialize(d)?.map(|t| match t {
            Tagged::Index(i) => ArgRef::Index(i),
            Tagged::Name(n) => ArgRef::Name(n),
        }))
    }
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Index {
    apis: Vec<Api>,
    by_name: HashMap<String, Vec<usize>>,
    /// name -> owner type ("" for free fns) -> APIs: one per owner and name
    /// (several lint packs may each declare one), found without scanning
    /// every API of a common name (`get`, `new`).
    by_owner: HashMap<String, HashMap<String, Vec<usize>>>,
    structs: HashMap<String, StructDecl>,
    /// Later declarations of a struct name `structs` already holds (another
    /// package's `Server`, in a tree of several): a field only they declare
    /// is still known.
    shadowed_structs: HashMap<String, Vec<StructDecl>>,
    /// type -> traits it implements
    traits_of: HashMap<String, Vec<String>>,
    statics: HashMap<String, String>,
    /// Type aliases: alias -> type.
    aliases: HashMap<String, String>,
    /// Traits the sources declare.
    traits: std::collections::HashSet<String>,
    /// type -> the type it derefs to.
    derefs: HashMap<String, String>,
    /// owner ("" for free fns) -> name -> signature (`None`: declared more
    /// than once, differently). Only signatures that say something: a named
    /// or empty return type, or two parameters or more.
    /// Boxed: a `Sig` is 96 bytes, and inline each free bucket of the
    /// tables (up to half of them) held as much (three-ws: 18,000
    /// signatures, their tables 3.8 MB).
    sigs: HashMap<Box<str>, SigsOf>,
    /// A pack's calls that keep none of their arguments: (the pack's crates,
    /// normalized; the type of a method; the name).
    pack_borrows: Vec<(Vec<String>, Option<String>, String)>,
    /// Crate names (normalized) of the scanned workspace: their types are local.
    workspace_crates: std::collections::HashSet<String>,
    /// Crate names (normalized) the scanned crates depend on, or a pack names.
    external_crates: std::collections::HashSet<String>,
    /// Per file id: the lint packs active for it (bit `i`: `packs[i]`).
    file_packs: Vec<u64>,
    /// Names of the packs, by bit, and the crates each is for.
    packs: Vec<(String, Vec<String>)>,
    /// How many of `packs` have a bit in `file_packs`.
    masked_packs: usize,
    /// Fallible callees that drop a by-value argument on some failing path:
    /// (owner, "" for a free fn; name) -> the arguments, as bits.
    sinks: HashMap<(String, String), u64>,
    /// Callees of other crates that hand their arguments back inside the
    /// `Err` they return (config `hands-back`): (owner, name).
    hands_back: std::collections::HashSet<(String, String)>,
    /// Fns that release a by-value parameter on some paths only:
    /// (owner, "" for a free fn; name) -> which, and how ([`may_release`]).
    may_releases: HashMap<(String, String), may_release::MayRelease>,
    /// The names of `may_releases`.
    may_release_names: std::collections::HashSet<String>,
    /// Guard types the code defines (their `Drop` releases), by type.
    guards: HashMap<String, guards::GuardInfo>,
    /// Fields whose stored values each carry a count (type, field):
    /// [`counted_fields`].
    counted_fields: std::collections::HashSet<(String, String)>,
    /// Collection fields guards give their values back to:
    /// [`guard_free_lists`].
    guard_free_lists: Vec<guard_free_lists::GuardFreeList>,
    /// Per file id: the crates its `use` items name.
    file_imports: Vec<Vec<String>>,
    /// (type, method) taking `self` by value, and the names of all such methods.
    consuming: std::collections::HashSet<(String, String)>,
    consuming_names: std::collections::HashSet<String>,
    /// Declared reset method names of pooled types and `#[reset]` methods.
    reset_names: std::collections::HashSet<String>,
    /// Types with a `#[reset]` (or configured) reset method.
    reset_owners: std::collections::HashSet<String>,
    /// Acquires of collected pools whose call sites put the value back by
    /// convention (see `conventions`), as (owner, name).
    put_back_by_convention: std::collections::HashSet<conventions::PoolSite>,
    /// (type, method) resets the config names through a trait or beside the
    /// type's own (`reset = ["Head::clear"]` for every `impl Head`).
    reset_pairs: std::collections::HashSet<(String, String)>,
    /// Guard type -> the fields that hold its raw value (`detach-field`, or
    /// inferred: the field its `Drop` takes out and releases).
    detach_fields: HashMap<String, Vec<String>>,
    /// Guard type -> the fields its `Drop` calls a release on as receiver
    /// (`self.qutex.direct_unlock()`): handles to what the guard holds.
    unlock_fields: HashMap<String, Vec<String>>,
    summaries: summaries::Summaries,
    /// Pool (its name, or its acquires' owner type) -> the fields its
    /// releases or its guard's `Drop` undo a claim on ([`claims`]).
    claim_fields: HashMap<String, Vec<String>>,
    /// Go test files (`_test.go`), by file id.
    go_test_files: HashSet<usize>,
    /// Per file id: its namespace where the files of a folder are one (a
    /// Go package), as an index into `namespace_names`; `None` elsewhere.
    /// A fn of the scanned code is named by its bare name only inside its
    /// namespace: two packages' `getBuffer` are two fns.
    file_namespaces: Vec<Option<u32>>,
    /// Per namespace: the name a qualified call uses (`logfmt.GetBuffer()`).
    namespace_names: Vec<String>,
}

/// Are two declarations (by file) in one namespace, or in files that are
/// in none (then they may be the same fn)?
fn same_namespace(file_namespaces: &[Option<u32>], a: Option<usize>, b: Option<usize>) -> bool {
    let of = |f: Option<usize>| f.and_then(|f| file_namespaces.get(f).copied().flatten());
    match (of(a), of(b)) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

impl Index {
    /// Add one file's items (files in id order: the first definition of a
    /// struct, alias or static name wins).
    pub fn add_file_items(&mut self, file_id: usize, path: &std::path::Path, items: FileItems) {
        if path.to_string_lossy().ends_with("_test.go") {
            self.go_test_files.insert(file_id);
        }
        for decl in items.apis {
            if decl.role == Role::Reset {
                self.reset_names.insert(decl.name.clone());
            }
            self.add(Api {
                role: decl.role,
                owner: decl.owner,
                name: decl.name,
                has_receiver: Some(decl.has_receiver),
                returns: decl.returns,
                handle: false,
                counter: false,
                pool: decl.pool,
                origin: ApiOrigin::Attribute {
                    file: path.to_path_buf(),
                    line: decl.line,
                },
                file: Some(file_id),
                declared_arg: None,
                module: None,
                boxes: false,
                collected: false,
                result: 0,
            });
        }
        for s in items.structs {
            if let Some(reset) = &s.reset {
                self.reset_names.insert(reset.clone());
            }
            let decl = StructDecl { file: file_id, ..s };
            if let Some(first) = self.structs.get(&decl.name) {
                // Another version of the same crate (a registry holds many)
                // declares the same fields: nothing new to keep.
                let shadowed = self.shadowed_structs.entry(decl.name.clone()).or_default();
                if !std::iter::once(first)
                    .chain(shadowed.iter())
                    .any(|d| d.same_fields(&decl))
                {
                    shadowed.push(decl);
                }
            } else {
                self.structs.insert(decl.name.clone(), decl);
            }
        }
        for (ty, tr) in items.trait_impls {
            self.traits_of.entry(ty).or_default().push(tr);
        }
        for (ty, method) in items.consuming_methods {
            self.consuming_names.insert(method.clone());
            self.consuming.insert((ty, method));
        }
        for (alias, ty) in items.aliases {
            self.aliases.entry(alias).or_insert(ty);
        }
        for (name, ty) in items.statics {
            self.statics.entry(name).or_insert(ty);
        }
        self.traits.extend(items.traits);
        if self.file_imports.len() <= file_id {
            self.file_imports.resize(file_id + 1, Vec::new());
        }
        self.file_imports[file_id] = items.imported_crates;
        for package in items.packages {
            self.external_crates.insert(packs::normalize(&package));
        }
        for (ty, target) in items.derefs {
            self.derefs.entry(ty).or_insert(target);
        }
        for (fn_index, sig) in items.fns.into_iter().enumerate() {
            if sig.returns.is_none()
                && !sig.returns_nothing
                && sig.params.len() < 2
                && sig.borrowed.is_empty()
                && sig.borrowed_via.is_empty()
                && !sig.borrowed_later
                && sig.closure_params.is_empty()
                && sig.hands_back.is_empty()
            {
                continue;
            }
            let name = sig.name.clone().into_boxed_str();
            let has_receiver = sig.receiver.is_some();
            let namespaces: Box<[u32]> = self
                .file_namespaces
                .get(file_id)
                .copied()
                .flatten()
                .into_iter()
                .collect();
            let by_name = self
                .sigs
                .entry(sig.owner.unwrap_or_default().into_boxed_str())
                .or_default();
            let sig = Sig {
                namespaces,
                has_receiver,
                returns: sig.returns.map(String::into_boxed_str),
                returns_nothing: sig.returns_nothing,
                params: sig
                    .params
                    .into_iter()
                    .map(|p| p.map(String::into_boxed_str))
                    .collect(),
                param_names: sig
                    .param_names
                    .into_iter()
                    .map(String::into_boxed_str)
                    .collect(),
                // A body not lowered yet adds nothing until asked (`late`).
                borrowed: if sig.borrowed_later {
                    u64::MAX
                } else {
                    items::index_bits(&sig.borrowed)
                },
                late: if sig.borrowed_later {
                    Box::new([(file_id as u32, fn_index as u32)])
                } else {
                    Box::new([])
                },
                via: borrowed_args::via_of(sig.borrowed_via),
                hands_back: items::index_bits(&sig.hands_back),
                returns_closure: sig.returns_closure,
                closure_params: sig
                    .closure_params
                    .into_iter()
                    .map(|(i, ps)| {
                        let ps = ps.into_iter().map(|p| p.map(String::into_boxed_str));
                        (i, ps.collect())
                    })
                    .collect(),
            };
            match by_name.get_mut(&name) {
                None => {
                    by_name.insert(name, Some(Box::new(sig)));
                }
                // Declared again (cfg variants, two modules): keep it only if
                // both say the same.
                Some(known) => {
                    if known
                        .as_ref()
                        .is_some_and(|k| k.returns != sig.returns || k.params != sig.params)
                    {
                        *known = None;
                    } else if let Some(k) = known {
                        // Two bodies: only what both merely look at.
                        k.via = borrowed_args::merge_via(k, &sig);
                        k.borrowed &= sig.borrowed;
                        if let Some(&n) = sig.namespaces.first()
                            && !k.namespaces.contains(&n)
                        {
                            k.namespaces = k.namespaces.iter().chain([&n]).copied().collect();
                        }
                        if !sig.late.is_empty() {
                            k.late = k.late.iter().chain(&sig.late).copied().collect();
                        }
                    }
                }
            }
        }
    }

    /// Every file's items are in: give back what the tables grew beyond.
    pub fn items_added(&mut self) {
        self.sigs.shrink_to_fit();
        for by_name in self.sigs.values_mut() {
            by_name.shrink_to_fit();
        }
        self.structs.shrink_to_fit();
        self.shadowed_structs.shrink_to_fit();
    }

    /// Is `root` a scanned crate, or a package path under a scanned module's
    /// path (`github.com/a/b/sub` under `github.com/a/b`)?
    pub fn is_workspace_path(&self, root: &str) -> bool {
        let root = packs::normalize(root);
        self.workspace_crates.contains(&root)
            || (root.contains('/')
                && self.workspace_crates.iter().any(|w| {
                    root.len() > w.len()
                        && root.starts_with(w.as_str())
                        && root.as_bytes()[w.len()] == b'/'
                }))
    }

    /// The signature of `owner::name` (`owner` `None`: a free fn) if the
    /// sources declare exactly one.
    pub fn sig(&self, owner: Option<&str>, name: &str) -> Option<&Sig> {
        self.sigs.get(owner.unwrap_or(""))?.get(name)?.as_deref()
    }

    /// The crates of the scanned workspace, and the crates they depend on
    /// (names as in `Cargo.toml`): a type path's first segment tells a
    /// dependency from a module of the crate by them.
    pub fn set_crates<'a>(
        &mut self,
        workspace: impl IntoIterator<Item = &'a str>,
        external: impl IntoIterator<Item = &'a str>,
    ) {
        self.workspace_crates
            .extend(workspace.into_iter().map(packs::normalize));
        self.external_crates
            .extend(external.into_iter().map(packs::normalize));
        for c in &self.workspace_crates {
            self.external_crates.remove(c);
        }
    }

    /// Which lint packs apply to each file (by file id; bit `i` is `packs[i]`).
    /// Packs after the first `masked` apply to every file.
    pub fn set_file_packs(
        &mut self,
        packs: Vec<(String, Vec<String>)>,
        file_packs: Vec<u64>,
        masked: usize,
    ) {
        self.packs = packs;
        self.file_packs = file_packs;
        self.masked_packs = masked;
    }

    /// How many files the run has (ids `0..file_count()`), once
    /// [`Index::set_file_packs`] has been told.
    pub fn file_count(&self) -> usize {
        self.file_packs.len()
    }

    /// The crates a pack is for.
    pub fn pack_crates(&self, pack: &str) -> &[String] {
        self.packs
            .iter()
            .find(|(p, _)| p == pack)
            .map_or(&[], |(_, c)| c.as_slice())
    }

    /// A Go test file (`_test.go`).
    pub fn is_go_test_file(&self, file: usize) -> bool {
        self.go_test_files.contains(&file)
    }

    /// Does the file import one of the pack's crates?
    pub fn file_imports_pack(&self, pack: &str, file: usize) -> bool {
        let Some(imports) = self.file_imports.get(file) else {
            return false;
        };
        self.pack_crates(pack)
            .iter()
            .any(|c| imports.iter().any(|i| *i == packs::normalize(c)))
    }

    /// Does the pack named `pack` apply to `file`?
    pub fn pack_active(&self, pack: &str, file: usize) -> bool {
        match self.packs.iter().position(|(p, _)| p == pack) {
            // Packs without a bit (added without file scopes) apply everywhere.
            None => true,
            Some(bit) => {
                bit >= self.masked_packs
                    || self
                        .file_packs
                        .get(file)
                        .is_none_or(|mask| mask & (1 << bit) != 0)
            }
        }
    }

    /// Where the files of a folder are one namespace: each file's
    /// namespace (by file id) and each namespace's name. Told before the
    /// files' items are added.
    pub fn set_namespaces(&mut self, file_namespaces: Vec<Option<u32>>, names: Vec<String>) {
        self.file_namespaces = file_namespaces;
        self.namespace_names = names;
    }

    /// The namespace of a file, if its folder is one.
    fn namespace(&self, file: Option<usize>) -> Option<u32> {
        file.and_then(|f| self.file_namespaces.get(f).copied().flatten())
    }

    /// Can two APIs be the same fn: not when the scanned code declares
    /// them in two namespaces.
    fn same_namespace(&self, a: Option<usize>, b: Option<usize>) -> bool {
        same_namespace(&self.file_namespaces, a, b)
    }

    /// Can a call from namespace `from` (by its bare name) or through the
    /// package name `qualifier` name a fn of this signature?
    pub(crate) fn sig_visible(
        &self,
        sig: &Sig,
        from: Option<u32>,
        qualifier: Option<&str>,
    ) -> bool {
        self.reaches(&sig.namespaces, from, qualifier)
    }

    /// Can a call from namespace `from`, or through the package name
    /// `qualifier`, name a fn declared in `namespaces` (none: declared
    /// where files are no namespaces, so anywhere)?
    fn reaches(&self, namespaces: &[u32], from: Option<u32>, qualifier: Option<&str>) -> bool {
        if namespaces.is_empty() {
            return true;
        }
        match qualifier {
            Some(q) => namespaces
                .iter()
                .any(|&n| self.namespace_names.get(n as usize).map(String::as_str) == Some(q)),
            None => from.is_some_and(|n| namespaces.contains(&n)),
        }
    }

    /// The namespace of a file, for [`Index::sig_visible`].
    pub(crate) fn namespace_of_file(&self, file: usize) -> Option<u32> {
        self.namespace(Some(file))
    }

    /// Can `file` call a fn of one of these namespaces: it is in one, or it
    /// imports a path with a segment of that name (`gopkg.in/mgo.v2` for
    /// `mgo`: a filter, so more is fine).
    pub(crate) fn may_name(&self, namespaces: &[u32], file: usize) -> bool {
        if self
            .namespace(Some(file))
            .is_some_and(|n| namespaces.contains(&n))
        {
            return true;
        }
        let Some(imports) = self.file_imports.get(file) else {
            return false;
        };
        namespaces.iter().any(|&n| {
            let Some(name) = self.namespace_names.get(n as usize) else {
                return false;
            };
            let name = packs::normalize(name);
            imports.iter().any(|path| {
                path.split('/').any(|segment| {
                    segment == name
                        || segment
                            .strip_prefix(name.as_str())
                            .is_some_and(|rest| rest.starts_with('.'))
                })
            })
        })
    }

    /// Can a call in `file` name this API: one of a namespace (a Go
    /// package's fn) only from its own files by its bare name, or through
    /// the package's name (`qualifier`); any other from anywhere.
    pub(crate) fn visible_from(&self, api: &Api, file: usize, qualifier: Option<&str>) -> bool {
        let declared = self.namespace(api.file);
        self.reaches(declared.as_slice(), self.namespace(Some(file)), qualifier)
    }

    /// Add an API unless one with the same owner and name is already known from
    /// a source that takes precedence (attribute > config > pack > inference).
    /// Two lint packs may each declare `Pool::get`: both are kept, each
    /// applying to its own crates.
    pub fn add(&mut self, api: Api) -> bool {
        if api.role == Role::Reset
            && let Some(owner) = &api.owner
        {
            self.reset_owners.insert(owner.clone());
        }
        let owner = api.owner.clone().unwrap_or_default();
        let existing = self
            .by_owner
            .get(&api.name)
            .and_then(|owners| owners.get(&owner))
            .and_then(|ids| {
                ids.iter()
                    .copied()
                    .find(|&i| self.same_api(&self.apis[i], &api))
            });
        if let Some(existing) = existing {
            if self.apis[existing].precedence() <= api.precedence() {
                return false;
            }
            self.apis[existing] = api;
            return true;
        }
        let owners = self.by_owner.entry(api.name.clone()).or_default();
        let ids = owners.entry(owner).or_default();
        ids.push(self.apis.len());
        self.by_name
            .entry(api.name.clone())
            .or_default()
            .push(self.apis.len());
        self.apis.push(api);
        true
    }

    /// Do two APIs of one name and owner name the same fn for some file: two
    /// packs' never do, nor two packages', nor a pack's and a fn of a
    /// package the pack does not apply to (the pack's own: fasthttp's
    /// `AcquireRequest`, inferred inside fasthttp, is not the pack's).
    fn same_api(&self, a: &Api, b: &Api) -> bool {
        let packs = match (a.pack(), b.pack()) {
            (Some(x), Some(y)) => x == y,
            (Some(p), None) => b.file.is_none_or(|f| self.pack_active(p, f)),
            (None, Some(p)) => a.file.is_none_or(|f| self.pack_active(p, f)),
            (None, None) => true,
        };
        packs && self.same_namespace(a.file, b.file)
    }

    /// The API `owner::name` (`owner` `None`: a free fn), the user's or
    /// inferred one before a pack's.
    pub(crate) fn owned(&self, owner: Option<&str>, name: &str) -> Option<&Api> {
        self.owned_all(owner, name).next()
    }

    /// Every API `owner::name`.
    pub(crate) fn owned_all<'s>(
        &'s self,
        owner: Option<&str>,
        name: &str,
    ) -> impl Iterator<Item = &'s Api> + 's {
        self.by_owner
            .get(name)
            .and_then(|o| o.get(owner.unwrap_or("")))
            .into_iter()
            .flatten()
            .map(|&i| &self.apis[i])
    }

    pub fn apis(&self) -> &[Api] {
        &self.apis
    }

    /// How many pool APIs are known: the standard library's `forget`s are
    /// always known and are not pool APIs.
    pub fn pool_api_count(&self) -> usize {
        self.apis
            .iter()
            .filter(|a| !matches!(&a.origin, ApiOrigin::Pack { name } if name == "std"))
            .count()
    }

    /// Nothing to check against: no pool API at all.
    pub fn is_empty(&self) -> bool {
        self.pool_api_count() == 0
    }

    pub fn has_name(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// Could a call of this name be an acquire or a release?
    pub fn may_acquire_or_release(&self, name: &str) -> bool {
        self.is_may_release_name(name)
            || self.by_name.get(name).is_some_and(|ids| {
                ids.iter().any(|&i| {
                    matches!(
                        self.apis[i].role,
                        Role::Acquire { .. } | Role::Release(_) | Role::Detach
                    )
                })
            })
    }

    /// Every name [`Index::may_acquire_or_release`] is true of.
    pub fn acquire_or_release_names(&self) -> Vec<String> {
        self.by_name
            .keys()
            .filter(|n| self.may_acquire_or_release(n))
            .cloned()
            .collect()
    }

    /// The names of every API, whatever its role.
    pub fn api_names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }

    /// The keys a body must hold to call an API named `name` as `lookup`
    /// resolves calls. A common name (`new`, `get`) matches only a method
    /// call, a call without qualifier, or one qualified by an API's owner,
    /// so `Vec::new()` does not make a file worth lowering for `ManuallyDrop::new`.
    pub fn call_keys<'a>(&'a self, name: &'a str) -> Vec<crate::store::Key<'a>> {
        use crate::store::Key;
        if !is_common_name(name) {
            return vec![Key::Calls(name)];
        }
        let owners = self.by_owner.get(name).into_iter().flat_map(|o| o.keys());
        let modules = self
            .by_name
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.apis[i].module.as_deref());
        [Key::CallsUnqualified(name), Key::CallsQualifiedAny(name)]
            .into_iter()
            .chain(
                owners
                    .filter(|o| !o.is_empty())
                    .map(|o| Key::CallsQualified(o, name)),
            )
            .chain(modules.map(|m| Key::CallsQualified(m, name)))
            .collect()
    }

    /// The keys of calls of `names`, split by where the APIs of each name
    /// apply: the user's and inferred ones everywhere, a lint pack's only in
    /// the files the pack is active for. A phase then unpacks only the files
    /// where a call can be one of these APIs.
    pub fn scoped_call_keys<'n>(&self, names: impl IntoIterator<Item = &'n str>) -> ScopedKeys {
        let mut everywhere: Vec<crate::store::Key<'_>> = Vec::new();
        let mut per_pack: HashMap<&str, Vec<crate::store::Key<'_>>> = HashMap::new();
        let mut per_namespace: HashMap<Vec<u32>, Vec<crate::store::Key<'_>>> = HashMap::new();
        for name in names {
            let Some((name, ids)) = self.by_name.get_key_value(name) else {
                // A may-release of the scanned code ([`may_release`]).
                if let Some(name) = self.may_release_names.get(name) {
                    everywhere.push(crate::store::Key::Calls(name));
                }
                continue;
            };
            let namespaces: Option<Vec<u32>> = ids
                .iter()
                .map(|&i| {
                    let api = &self.apis[i];
                    if api.pack().is_some() || matches!(api.origin, ApiOrigin::Config { .. }) {
                        return None;
                    }
                    self.namespace(api.file)
                })
                .collect();
            if let Some(mut namespaces) = namespaces {
                namespaces.sort_unstable();
                namespaces.dedup();
                per_namespace
                    .entry(namespaces)
                    .or_default()
                    .extend(self.call_keys(name));
                continue;
            }
            let packs: Vec<Option<&str>> = ids.iter().map(|&i| self.apis[i].pack()).collect();
            if packs.iter().any(Option::is_none) {
                everywhere.extend(self.call_keys(name));
                continue;
            }
            for pack in packs.into_iter().flatten() {
                per_pack
                    .entry(pack)
                    .or_default()
                    .extend(self.call_keys(name));
            }
        }
        let mut per_pack: Vec<(String, crate::store::KeySet)> = per_pack
            .into_iter()
            .map(|(p, keys)| (p.to_string(), crate::store::KeySet::new(keys)))
            .collect();
        per_pack.sort_by(|a, b| a.0.cmp(&b.0));
        let mut per_namespace: Vec<(Vec<u32>, crate::store::KeySet)> = per_namespace
            .into_iter()
            .map(|(n, keys)| (n, crate::store::KeySet::new(keys)))
            .collect();
        per_namespace.sort_by(|a, b| a.0.cmp(&b.0));
        ScopedKeys {
            everywhere: crate::store::KeySet::new(everywhere),
            per_pack,
            per_namespace,
        }
    }

    /// Can a `forget` matter: is any value pooled (a pool API, or a guard
    /// type, which PL004 checks by type)? The standard library's forgets are
    /// always known; without a pool, calls of them need no analysis.
    /// Is every API of this name a forget (`mem::forget`, `permit.forget()`)?
    pub fn only_forgets(&self, name: &str) -> bool {
        self.by_name
            .get(name)
            .is_some_and(|ids| ids.iter().all(|&i| self.apis[i].role == Role::Forget))
    }

    /// Does any type release on drop (declared or inferred guard types)?
    pub fn has_guard_types(&self) -> bool {
        self.structs.values().any(|s| s.guard)
    }

    pub fn forgets_matter(&self) -> bool {
        self.pool_api_count() > 0 || self.structs.values().any(|s| s.guard || s.pooled)
    }

    /// The names of every release API.
    pub fn release_names(&self) -> Vec<String> {
        self.by_name
            .iter()
            .filter(|(_, ids)| {
                ids.iter()
                    .any(|&i| matches!(self.apis[i].role, Role::Release(_)))
            })
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// Every type with a declared reset method (its struct's `reset = ".."`,
    /// or a `#[reset]`/configured method).
    pub fn types_with_reset(&self) -> Vec<String> {
        self.structs
            .values()
            .filter(|s| s.reset.is_some())
            .map(|s| s.name.clone())
            .chain(self.reset_owners.iter().cloned())
            .chain(self.reset_pairs.iter().map(|(t, _)| t.clone()))
            .collect()
    }

    pub fn struct_decls(&self) -> impl Iterator<Item = &StructDecl> {
        self.structs.values()
    }

    /// Record fallible callees ([`sinks::compute`], config `fallible-sinks`).
    pub fn add_sinks(&mut self, sinks: impl IntoIterator<Item = ((String, String), u64)>) {
        for (key, mask) in sinks {
            *self.sinks.entry(key).or_default() |= mask;
        }
    }

    pub fn add_hands_back(&mut self, key: (String, String)) {
        self.hands_back.insert(key);
    }

    /// Does the configured callee `owner::name` of another crate hand its
    /// arguments back inside its `Err`?
    pub(crate) fn hands_back_configured(&self, owner: &str, name: &str) -> bool {
        !self.hands_back.is_empty()
            && self
                .hands_back
                .contains(&(owner.to_string(), name.to_string()))
    }

    pub(crate) fn sinks_empty(&self) -> bool {
        self.sinks.is_empty()
    }

    /// The arguments (bits) a callee drops when it fails.
    pub fn sink_args(&self, owner: Option<&str>, name: &str) -> u64 {
        self.sinks
            .get(&(owner.unwrap_or("").to_string(), name.to_string()))
            .copied()
            .unwrap_or(0)
    }

    /// Record the guard types the code defines ([`guards::infer`]).
    pub fn add_guards(&mut self, guards: HashMap<String, guards::GuardInfo>) {
        self.guards.extend(guards);
    }

    /// What is known of a guard type the code defines.
    pub fn guard_info(&self, ty: &str) -> Option<&guards::GuardInfo> {
        self.guards.get(ty)
    }

    /// The guard types the code defines ([`guards::infer`]).
    pub fn guard_type_names(&self) -> std::collections::HashSet<String> {
        self.guards.keys().cloned().collect()
    }

    /// Record the fields whose values carry a count ([`counted_fields::infer`]).
    pub fn add_counted_fields(&mut self, fields: Vec<(String, String)>) {
        self.counted_fields.extend(fields);
    }

    /// Does each value stored in field `field` of `ty` carry a count that
    /// must be given back before the value goes?
    pub fn field_holds_counts(&self, ty: &str, field: &str) -> bool {
        !self.counted_fields.is_empty()
            && self
                .counted_fields
                .contains(&(ty.to_string(), field.to_string()))
    }

    /// Record the free lists guards give back to ([`guard_free_lists::learn`]).
    pub fn add_guard_free_lists(&mut self, lists: Vec<guard_free_lists::GuardFreeList>) {
        self.guard_free_lists.extend(lists);
    }

    /// The free lists guards give back to.
    pub fn guard_free_lists(&self) -> &[guard_free_lists::GuardFreeList] {
        &self.guard_free_lists
    }

    /// Does `ty` declare a field `field`?
    pub fn declares_field(&self, ty: &str, field: &str) -> bool {
        self.structs
            .get(ty)
            .is_some_and(|s| s.fields.iter().any(|f| f.name == field))
    }

    /// Types inferred to be guards (their `Drop` releases).
    pub fn mark_guard_types(&mut self, types: &[String]) {
        for t in types {
            if let Some(s) = self.structs.get_mut(t) {
                s.guard = true;
            }
        }
    }

    pub fn struct_decl(&self, name: &str) -> Option<&StructDecl> {
        self.structs.get(name)
    }

    /// The struct a bare type name means in `file`: not one of another
    /// namespace (another Go package's `Context` struct says nothing of
    /// this package's `Context` interface).
    pub fn struct_decl_in(&self, name: &str, file: usize) -> Option<&StructDecl> {
        self.structs
            .get(name)
            .filter(|s| self.same_namespace(Some(s.file), Some(file)))
    }

    pub fn is_pooled(&self, ty: &str) -> bool {
        self.structs.get(ty).is_some_and(|s| s.pooled)
    }

    pub fn is_guard_type(&self, ty: &str) -> bool {
        self.structs.get(ty).is_some_and(|s| s.guard)
    }

    /// Does the type declare a reset (`pooled(reset = ..)` or a `#[reset]` method)?
    pub fn type_has_reset(&self, ty: &str) -> bool {
        self.structs.get(ty).is_some_and(|s| s.reset.is_some())
            || self.reset_owners.contains(ty)
            || self.reset_pairs.iter().any(|(t, _)| t == ty)
    }

    /// Is `(owner, name)` a reset: declared by `pooled(reset = ..)`, `#[reset]` or config?
    pub fn is_reset_method(&self, owner: &str, name: &str) -> bool {
        self.structs.get(owner).and_then(|s| s.reset.as_deref()) == Some(name)
            || self
                .reset_pairs
                .contains(&(owner.to_string(), name.to_string()))
            || self
                .owned(Some(owner), name)
                .is_some_and(|a| a.role == Role::Reset)
    }

    /// The API declared for a fn or method (by its owner and name), if any.
    /// Record claim fields as (pool, field) ([`claims::learn`]).
    pub fn add_claim_fields(&mut self, found: impl IntoIterator<Item = (String, String)>) {
        for (pool, field) in found {
            let fields = self.claim_fields.entry(pool).or_default();
            if !fields.contains(&field) {
                fields.push(field);
            }
        }
    }

    pub fn has_claim_fields(&self) -> bool {
        !self.claim_fields.is_empty()
    }

    /// Every (pool, claim field), sorted.
    pub fn claim_field_list(&self) -> Vec<(&str, &str)> {
        let mut out: Vec<(&str, &str)> = self
            .claim_fields
            .iter()
            .flat_map(|(p, fs)| fs.iter().map(move |f| (p.as_str(), f.as_str())))
            .collect();
        out.sort_unstable();
        out
    }

    /// Is `field` a claim field of some pool?
    pub fn is_claim_field(&self, field: &str) -> bool {
        self.claim_fields
            .values()
            .any(|f| f.iter().any(|f| f == field))
    }

    /// The fields a pool's releases or guard undo a claim on.
    pub fn claim_fields(&self, pool: &str) -> Option<&[String]> {
        self.claim_fields.get(pool).map(Vec::as_slice)
    }

    pub fn api_for(&self, owner: Option<&str>, name: &str, file: usize) -> Option<&Api> {
        self.owned_all(owner, name).find(|a| {
            self.same_namespace(a.file, Some(file))
                && a.pack().is_none_or(|p| self.pack_active(p, file))
        })
    }

    pub fn is_reset_name(&self, name: &str) -> bool {
        self.reset_names.contains(name)
    }

    pub fn summaries(&self) -> &summaries::Summaries {
        &self.summaries
    }

    pub fn summaries_mut(&mut self) -> &mut summaries::Summaries {
        &mut self.summaries
    }

    pub fn set_put_back_by_convention(
        &mut self,
        sites: std::collections::HashSet<conventions::PoolSite>,
    ) {
        self.put_back_by_convention = sites;
    }

    /// Do the module's call sites of this acquire, on this pool, put the
    /// value back by convention (so one that lets it go is a leak, even for
    /// a pool the runtime reclaims)?
    pub fn put_back_by_convention(
        &self,
        api: &Api,
        callee: &crate::ir::Callee,
        file: usize,
    ) -> bool {
        self.put_back_by_convention
            .contains(&conventions::site_key(self, api, callee, file))
    }

    /// The type an alias stands for (a few levels deep), or the name itself.
    pub(crate) fn unalias(&self, name: &str) -> String {
        let mut name = name.to_string();
        for _ in 0..4 {
            match self.aliases.get(&name) {
                Some(t) if *t != name => name = t.clone(),
                _ => break,
            }
        }
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(role: Role, origin: ApiOrigin) -> Api {
        Api {
            role,
            owner: Some("Pool".into()),
            name: "get".into(),
            has_receiver: Some(true),
            returns: None,
            handle: false,
            counter: false,
            pool: None,
            origin,
            file: None,
            declared_arg: None,
            module: None,
            boxes: false,
            collected: false,
            result: 0,
        }
    }

    /// Attributes beat config beats packs beats inference, whatever the order.
    #[test]
    fn precedence() {
        let attribute = ApiOrigin::Attribute {
            file: "a.rs".into(),
            line: 1,
        };
        let config = ApiOrigin::Config {
            file: "poollint.toml".into(),
        };
        let pack = ApiOrigin::Pack {
            name: "deadpool".into(),
        };
        let inferred = ApiOrigin::Inferred {
            path: "b.rs".into(),
            line: 2,
            via: "returns Pool::get".into(),
        };
        let all = [
            (Role::Acquire { guard: false }, inferred),
            (Role::Acquire { guard: true }, pack),
            (Role::Detach, config),
            (Role::Reset, attribute),
        ];
        for rotation in 0..all.len() {
            let mut index = Index::default();
            for i in 0..all.len() {
                let (role, origin) = all[(i + rotation) % all.len()].clone();
                index.add(api(role, origin));
            }
            assert_eq!(index.apis().len(), 1);
            assert_eq!(index.apis()[0].role, Role::Reset, "rotation {rotation}");
        }
        let mut index = Index::default();
        index.add(api(Role::Acquire { guard: false }, all[0].1.clone()));
        index.add(api(Role::Acquire { guard: true }, all[1].1.clone()));
        index.add(api(Role::Detach, all[2].1.clone()));
        assert_eq!(index.apis()[0].role, Role::Detach);
    }
}
