//! Receiver types without a compiler: what a [`TypeRef`] written by the
//! frontend denotes, from what the scanned sources declare crate-wide —
//! struct fields, statics, the signatures of the crate's own fns and methods
//! (through `Option`/`Result`, which the frontend peels), trait bounds of
//! generic parameters, `Deref` targets — and where the type comes from: this
//! workspace, the standard library, or a dependency named by the file's `use`
//! items. Calls are matched against pool APIs by this identity
//! (`calls.rs`), never by the method's name alone when the type is known.

use super::Index;
use crate::ir::TypeRef;

/// Where a resolved type comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeOrigin {
    /// Declared in the scanned sources.
    Local,
    /// The standard library, a primitive, a raw pointer, a slice, a fn
    /// pointer: never the owner of a crate's pool API.
    Std,
    /// A dependency: `tokio` for `tokio::Semaphore`.
    External(String),
    /// Not declared here, and the file does not say where it comes from (a
    /// glob import, a prelude).
    Unknown,
}

/// A resolved type: its name (last path segment) and origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeId {
    pub name: String,
    pub origin: TypeOrigin,
}

/// What a receiver's type resolved to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    Type(TypeId),
    /// A generic parameter, `impl Trait` or `dyn Trait`: known by its traits.
    Traits(Vec<String>),
    /// Nothing the sources say.
    Unknown,
}

/// Deeper type references than this are not followed (a field of a method
/// result of a field ...): they are never written by hand.
const MAX_DEPTH: usize = 24;

/// Well-known standard-library type names, for a name used without a path
/// that the scanned sources do not declare (the prelude, or a `use std::..`
/// the frontend already qualified).
const STD_NAMES: &[&str] = &[
    "String",
    "Vec",
    "VecDeque",
    "HashMap",
    "HashSet",
    "BTreeMap",
    "BTreeSet",
    "BinaryHeap",
    "LinkedList",
    "Box",
    "Rc",
    "Arc",
    "Cell",
    "RefCell",
    "Mutex",
    "RwLock",
    "Option",
    "Result",
    "Duration",
    "Instant",
    "SystemTime",
    "PathBuf",
    "Path",
    "OsString",
    "OsStr",
    "Cow",
    "NonNull",
    "PhantomData",
    "ManuallyDrop",
    "Pin",
    "Ordering",
    "AtomicBool",
    "AtomicUsize",
    "AtomicIsize",
    "AtomicU8",
    "AtomicU16",
    "AtomicU32",
    "AtomicU64",
    "AtomicI32",
    "AtomicI64",
    "AtomicPtr",
    "Formatter",
    "Arguments",
    "Command",
    "Child",
    "File",
    "TcpStream",
    "TcpListener",
    "UdpSocket",
    "Thread",
    "JoinHandle",
    "Condvar",
    "Barrier",
    "Once",
    "OnceLock",
    "LazyLock",
    "Range",
    "Iter",
    "IterMut",
    "IntoIter",
];

/// Primitive type names (Rust's and Go's).
pub(crate) fn is_primitive(name: &str) -> bool {
    matches!(
        name,
        "string"
            | "int"
            | "int8"
            | "int16"
            | "int32"
            | "int64"
            | "uint"
            | "uint8"
            | "uint16"
            | "uint32"
            | "uint64"
            | "uintptr"
            | "byte"
            | "rune"
            | "float32"
            | "float64"
            | "complex64"
            | "complex128"
            | "error"
            | "any"
            | "bool"
            | "char"
            | "str"
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "usize"
            | "i8"
            | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "isize"
            | "f32"
            | "f64"
    )
}

/// Element-yielding methods of a collection field (`self.free.pop()` yields
/// the free list's element type).
const ELEMENT_METHODS: &[&str] = &[
    "pop",
    "pop_front",
    "pop_back",
    "try_pop",
    "steal",
    "recv",
    "try_recv",
    "get",
    "get_mut",
    "first",
    "last",
    "first_mut",
    "last_mut",
    "remove",
    "swap_remove",
    "next",
];

/// Methods of `Option`, `Result`, locks and cells that give the value they
/// hold (the frontend peels those wrappers, so the type is the receiver's),
/// when the receiver's own type does not declare the method.
const KEEPS_TYPE: &[&str] = &[
    "take",
    "replace",
    "unwrap_or",
    "unwrap_or_default",
    "unwrap_or_else",
    "unwrap_unchecked",
    "ok",
    "ok_or",
    "ok_or_else",
    "map_err",
    "inspect",
    "inspect_err",
    "context",
    "with_context",
    "wrap_err",
    "as_deref",
    "as_deref_mut",
    "copied",
    "cloned",
    "get_or_insert",
    "get_or_insert_with",
    "to_owned",
    "by_ref",
    "lock_owned",
    "read_owned",
    "write_owned",
    "blocking_lock",
    "try_borrow",
    "try_borrow_mut",
    "try_read",
    "try_write",
    "upgrade",
    "filter",
    "or",
    "or_else",
    "xor",
];

/// Associated fns that build a value of their own type when the sources do
/// not say otherwise (`Semaphore::new(4)`).
fn is_constructor_name(name: &str) -> bool {
    name.starts_with("new")
        || name.starts_with("with_")
        || name == "default"
        || name.starts_with("from")
        || name == "open"
        || name == "connect"
        || name == "builder"
}

impl Index {
    /// The identity of a qualified type name as the frontend writes it.
    pub fn canon(&self, qualified: &str) -> TypeId {
        let mut name = qualified.to_string();
        // Each round strips a module path or follows an alias.
        for _ in 0..4 {
            let (root, base) = match name.rsplit_once("::") {
                Some((root, base)) => (Some(root.split("::").next().unwrap_or(root)), base),
                None => (None, name.as_str()),
            };
            let id = |origin| TypeId {
                name: base.to_string(),
                origin,
            };
            if !base.starts_with(|c: char| c.is_alphabetic() || c == '_') {
                return id(TypeOrigin::Std);
            }
            if let Some(root) = root {
                if root == "std" {
                    return id(TypeOrigin::Std);
                }
                let root = super::packs::normalize(root);
                if self.is_workspace_path(&root) {
                    return id(TypeOrigin::Local);
                }
                if self.external_crates.contains(&root) {
                    return id(TypeOrigin::External(root));
                }
                // Else a module of this crate (`pool::BufPool`).
            }
            let target = self.unalias(base);
            if target != base {
                name = target;
                continue;
            }
            return if self.is_local_type(base) {
                id(TypeOrigin::Local)
            } else if is_primitive(base) || STD_NAMES.contains(&base) {
                id(TypeOrigin::Std)
            } else {
                id(TypeOrigin::Unknown)
            };
        }
        TypeId {
            name: super::types_base(&name).to_string(),
            origin: TypeOrigin::Unknown,
        }
    }

    /// Is a type (struct, enum, trait or alias) of this name declared in the
    /// scanned sources?
    pub fn is_local_type(&self, name: &str) -> bool {
        self.structs.contains_key(name)
            || self.traits.contains(name)
            || self.aliases.contains_key(name)
    }

    /// What a type reference denotes.
    pub fn resolve(&self, ty: &TypeRef) -> Resolved {
        self.resolve_depth(ty, 0)
    }

    fn named(&self, qualified: &str) -> Resolved {
        Resolved::Type(self.canon(qualified))
    }

    fn resolve_depth(&self, ty: &TypeRef, depth: usize) -> Resolved {
        if depth > MAX_DEPTH {
            return Resolved::Unknown;
        }
        match ty {
            TypeRef::Named(name) => self.named(name),
            TypeRef::Static(name) => match self.statics.get(name) {
                Some(t) => self.named(t),
                None if self.structs.contains_key(name) => self.named(name),
                None => Resolved::Unknown,
            },
            TypeRef::Bounded(traits) => Resolved::Traits(
                traits
                    .iter()
                    .map(|t| super::types_base(t).to_string())
                    .collect(),
            ),
            TypeRef::FieldOf(base, field) => match self
                .field_type(base, field, depth)
                .or_else(|| self.tuple_element(base, field, depth))
            {
                Some(core) => self.named(&core),
                // `bus: &'a B` of `struct S<'a, B: Bus<'a>>`: known by its bounds.
                None => self
                    .field_bounds(base, field, depth)
                    .map_or(Resolved::Unknown, Resolved::Traits),
            },
            TypeRef::MethodResult(base, method) => self.method_result(base, method, depth),
            TypeRef::CallResult(qualifier, name) => self.call_result(qualifier.as_deref(), name),
            TypeRef::ClosureArg {
                recv,
                qualifier,
                name,
                arg,
                param,
            } => {
                let sig = match recv {
                    Some(recv) => self.method_sig(recv, name, depth),
                    None => self.path_sig(qualifier.as_deref(), name),
                };
                let ty = sig.and_then(|s| {
                    let (_, params) = s.closure_params.iter().find(|(i, _)| i == arg)?;
                    params.get(*param as usize)?.as_deref()
                });
                ty.map_or(Resolved::Unknown, |t| self.named(t))
            }
        }
    }

    /// The argument (receiver excluded) whose closure's result the call
    /// returns as it is (`cache.with(|c| c.locks.try_take(id))`): the callee
    /// is a crate fn whose signature says so.
    pub fn returns_closure_arg(&self, callee: &crate::ir::Callee) -> Option<usize> {
        let ((owner, name), shift) = self.callee_fn(callee)?;
        let owner = (!owner.is_empty()).then_some(owner.as_str());
        let param = self.sig(owner, &name)?.returns_closure? as usize;
        Some(param + shift)
    }

    /// The crate fn a call invokes, as (owner, "" for a free fn; name), and
    /// how far its arguments are shifted from the fn's parameters (1 for a
    /// method called by path, `Type::f(&x, ..)`).
    pub fn callee_fn(&self, callee: &crate::ir::Callee) -> Option<((String, String), usize)> {
        let name = &callee.name;
        if callee.is_method {
            let owners = match callee.receiver_type.as_ref().map(|t| self.resolve(t))? {
                Resolved::Type(TypeId {
                    name: ty,
                    origin: TypeOrigin::Local,
                }) => self.method_owners(&ty),
                Resolved::Traits(traits) => traits,
                _ => return None,
            };
            let owner = owners
                .into_iter()
                .find(|o| self.sig(Some(o), name).is_some())?;
            return Some(((owner, name.clone()), 0));
        }
        if let Some(q) = callee.qualified.as_deref().or(callee.qualifier.as_deref()) {
            let ty = self.canon(q);
            if ty.name.starts_with(char::is_uppercase) {
                if ty.origin != TypeOrigin::Local {
                    return None;
                }
                let owner = self
                    .method_owners(&ty.name)
                    .into_iter()
                    .find(|o| self.sig(Some(o), name).is_some())?;
                let shift = usize::from(self.sig(Some(&owner), name)?.has_receiver);
                return Some(((owner, name.clone()), shift));
            }
        }
        self.sig(None, name)?;
        Some(((String::new(), name.clone()), 0))
    }

    /// The signature of the method `name` of `recv`'s type (its own, a
    /// trait's it implements, its `Deref` target's, a bound's).
    fn method_sig(&self, recv: &TypeRef, name: &str, depth: usize) -> Option<&super::Sig> {
        let owners = match self.resolve_depth(recv, depth + 1) {
            Resolved::Type(TypeId {
                name: ty,
                origin: TypeOrigin::Local,
            }) => self.method_owners(&ty),
            Resolved::Traits(traits) => traits,
            _ => return None,
        };
        owners.iter().find_map(|o| self.sig(Some(o), name))
    }

    /// The signature a path call names: `Type::f` (its own or a trait's), or
    /// the free fn `f` (`module::f`).
    fn path_sig(&self, qualifier: Option<&str>, name: &str) -> Option<&super::Sig> {
        if let Some(q) = qualifier {
            let ty = self.canon(q);
            if ty.name.starts_with(char::is_uppercase) {
                if ty.origin != TypeOrigin::Local {
                    return None;
                }
                return self
                    .method_owners(&ty.name)
                    .iter()
                    .find_map(|o| self.sig(Some(o), name));
            }
        }
        self.sig(None, name)
    }

    /// The declared type of `base.field` (its core name), following `Deref`.
    fn field_type(&self, base: &TypeRef, field: &str, depth: usize) -> Option<String> {
        let decl = self.field_decl(base, field, depth)?;
        let core = decl.1.core.clone()?;
        // A field of a type parameter's type says nothing by itself.
        if decl.0.generics.contains(&core) {
            return None;
        }
        Some(core)
    }

    /// `(self.inner).0` of a field `inner: Arc<(Mutex<InnerPool>, Condvar)>`:
    /// the declared tuple's element (`InnerPool`).
    fn tuple_element(&self, base: &TypeRef, index: &str, depth: usize) -> Option<String> {
        let i: usize = index.parse().ok()?;
        let TypeRef::FieldOf(owner, field) = base else {
            return None;
        };
        let (decl, f) = self.field_decl(owner, field, depth + 1)?;
        let core = f.tuple.get(i)?.clone()?;
        (!decl.generics.contains(&core)).then_some(core)
    }

    /// The trait bounds the declaring type puts on a field whose type is
    /// one of its type parameters.
    fn field_bounds(&self, base: &TypeRef, field: &str, depth: usize) -> Option<Vec<String>> {
        let (decl, f) = self.field_decl(base, field, depth)?;
        let core = f.core.as_ref()?;
        let (_, bounds) = decl.generic_bounds.iter().find(|(g, _)| g == core)?;
        Some(
            bounds
                .iter()
                .map(|t| super::types_base(t).to_string())
                .collect(),
        )
    }

    pub(super) fn field_decl(
        &self,
        base: &TypeRef,
        field: &str,
        depth: usize,
    ) -> Option<(&super::StructDecl, &super::FieldDecl)> {
        let Resolved::Type(TypeId {
            name,
            origin: TypeOrigin::Local,
        }) = self.resolve_depth(base, depth + 1)
        else {
            return None;
        };
        let mut ty = name;
        for _ in 0..4 {
            if let Some(found) = self.declared_field(&ty, field) {
                return found;
            }
            ty = super::types_base(self.derefs.get(&ty)?).to_string();
        }
        None
    }

    /// The declaration of `field` in a struct named `ty`: among every
    /// struct of that name (several packages may each declare a `Server`),
    /// those that have the field must agree on what it holds. `None` when
    /// none has it; `Some(None)` when they disagree.
    #[allow(clippy::type_complexity)]
    fn declared_field(
        &self,
        ty: &str,
        field: &str,
    ) -> Option<Option<(&super::StructDecl, &super::FieldDecl)>> {
        let first = self.structs.get(ty)?;
        let mut found: Option<(&super::StructDecl, &super::FieldDecl)> = None;
        for decl in
            std::iter::once(first).chain(self.shadowed_structs.get(ty).into_iter().flatten())
        {
            let Some(f) = decl.fields.iter().find(|f| f.name == field) else {
                continue;
            };
            match found {
                None => found = Some((decl, f)),
                Some((d, g))
                    if g.core == f.core
                        && g.collection == f.collection
                        && d.generics == decl.generics => {}
                Some(_) => return Some(None),
            }
        }
        found.map(Some)
    }

    fn method_result(&self, base: &TypeRef, method: &str, depth: usize) -> Resolved {
        // `self.free.lock().unwrap().pop()`: the free list's element.
        if let TypeRef::FieldOf(owner, field) = base
            && ELEMENT_METHODS.contains(&method)
            && let Some((decl, f)) = self.field_decl(owner, field, depth)
            && let Some((_, element)) = &f.collection
        {
            if decl.generics.contains(element) {
                return Resolved::Unknown;
            }
            return self.named(element);
        }
        let resolved = self.resolve_depth(base, depth + 1);
        let owners: Vec<String> = match &resolved {
            Resolved::Type(TypeId {
                name,
                origin: TypeOrigin::Local,
            }) => self.method_owners(name),
            Resolved::Traits(traits) => traits.clone(),
            // The standard library's and dependencies' signatures are not
            // scanned: only the wrappers' own methods are known.
            Resolved::Type(_) if KEEPS_TYPE.contains(&method) => return resolved,
            _ => return Resolved::Unknown,
        };
        for owner in &owners {
            if let Some(sig) = self.sig(Some(owner), method) {
                return match &sig.returns {
                    Some(r) => self.named(r),
                    None if sig.returns_nothing => Resolved::Type(TypeId {
                        name: "()".into(),
                        origin: TypeOrigin::Std,
                    }),
                    None => Resolved::Unknown,
                };
            }
        }
        if KEEPS_TYPE.contains(&method) {
            return resolved;
        }
        Resolved::Unknown
    }

    /// A local type, the traits it implements, and what it derefs to: where
    /// its methods may be declared, in the order a call resolves them.
    pub fn method_owners(&self, ty: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = ty.to_string();
        for _ in 0..4 {
            out.push(cur.clone());
            out.extend(self.traits_of.get(&cur).into_iter().flatten().cloned());
            match self.derefs.get(&cur) {
                Some(next) => cur = super::types_base(next).to_string(),
                None => break,
            }
        }
        out
    }

    fn call_result(&self, qualifier: Option<&str>, name: &str) -> Resolved {
        let Some(q) = qualifier else {
            return match self.sig(None, name) {
                Some(sig) => sig
                    .returns
                    .as_deref()
                    .map_or(Resolved::Unknown, |r| self.named(r)),
                // A tuple struct's constructor: `Slot(arc)` is a `Slot`.
                None if name.starts_with(char::is_uppercase)
                    && self.struct_decl(name).is_some() =>
                {
                    self.named(name)
                }
                None => Resolved::Unknown,
            };
        };
        let ty = self.canon(q);
        let is_type = ty.name.starts_with(char::is_uppercase);
        if !is_type {
            // A module path: a free fn.
            return match self.sig(None, name).and_then(|s| s.returns.as_deref()) {
                Some(r) => self.named(r),
                None => Resolved::Unknown,
            };
        }
        if ty.origin == TypeOrigin::Local {
            for owner in self.method_owners(&ty.name) {
                if let Some(sig) = self.sig(Some(&owner), name) {
                    return sig
                        .returns
                        .as_deref()
                        .map_or(Resolved::Unknown, |r| self.named(r));
                }
            }
        }
        if is_constructor_name(name) {
            return Resolved::Type(ty);
        }
        Resolved::Unknown
    }

    /// The base name a type reference resolves to, if it is a type.
    pub fn resolve_type(&self, ty: &TypeRef) -> Option<String> {
        match self.resolve(ty) {
            Resolved::Type(t) => Some(t.name),
            _ => None,
        }
    }
}
