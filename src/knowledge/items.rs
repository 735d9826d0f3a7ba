//! What a frontend extracts from one file's items for the knowledge index:
//! declared pool APIs, struct layouts, trait impls and statics.

/// The role a function plays for a pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Role {
    /// Returns a pooled value; `guard` if it releases itself on drop.
    Acquire { guard: bool },
    /// Gives a value back to its pool.
    Release(ReleaseParam),
    /// Detaches the raw value from a guard: the caller now owns the obligation.
    Detach,
    /// Resets a pooled value for reuse.
    Reset,
    /// Makes a value's destructor never run (`mem::forget`, `Permit::forget`).
    Forget,
}

/// Which parameter a release gives back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ReleaseParam {
    /// Index among the non-receiver parameters.
    Param(usize),
    Receiver,
}

/// A pool API declared in source by an attribute.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct DeclaredApi {
    pub role: Role,
    /// The `impl` type or trait of a method; `None` for a free fn.
    pub owner: Option<String>,
    pub name: String,
    pub has_receiver: bool,
    /// The return type's name after peeling references and smart pointers.
    pub returns: Option<String>,
    pub pool: Option<String>,
    /// 1-based line of the attribute.
    pub line: usize,
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct FieldDecl {
    pub name: String,
    /// The field's type name after peeling references and smart pointers.
    pub core: Option<String>,
    /// Every type name mentioned in the field's type (`Option<Box<Msg>>` mentions `Msg`).
    pub mentions: Vec<String>,
    /// `#[pooled(keep)]`: deliberately kept across reuse.
    pub keep: bool,
    /// For a collection field (`Mutex<Vec<Buf>>`): the container (`Vec`) and
    /// the element type (`Buf`), a candidate free list.
    pub collection: Option<(String, String)>,
    /// Byte range of the field declaration.
    pub span: (usize, usize),
    /// A Go slice field that only ever views memory it does not own (a
    /// sub-slice of a sibling field, a caller's buffer): setting it to
    /// `nil` throws no pooled capacity away.
    #[serde(default)]
    pub view: bool,
    /// For a tuple field (`Arc<(Mutex<InnerPool>, Condvar)>`), the core of
    /// each element (`.0` is an `InnerPool`).
    #[serde(default)]
    pub tuple: Vec<Option<String>>,
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct StructDecl {
    pub name: String,
    pub pooled: bool,
    pub reset: Option<String>,
    pub guard: bool,
    pub pool: Option<String>,
    pub fields: Vec<FieldDecl>,
    /// The type's generic parameter names (`T` in `Pool<T>`).
    pub generics: Vec<String>,
    /// The trait bounds of those parameters (`B: Bus<'a>`), where declared.
    #[serde(default)]
    pub generic_bounds: Vec<(String, Vec<String>)>,
    pub line: usize,
    /// The id of the file that declares it (set when the index is built).
    pub file: usize,
}

impl StructDecl {
    /// Do both declare the same fields, of the same types, under the same
    /// generic parameters (what field resolution reads of them)?
    pub fn same_fields(&self, other: &StructDecl) -> bool {
        self.generics == other.generics
            && self.fields.len() == other.fields.len()
            && self
                .fields
                .iter()
                .zip(&other.fields)
                .all(|(a, b)| a.name == b.name && a.core == b.core && a.collection == b.collection)
    }
}

/// A fn or method as its signature declares it.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct FnSig {
    /// The `impl` type or trait of a method; `None` for a free fn.
    pub owner: Option<String>,
    pub name: String,
    /// The qualified type it returns, `Option`/`Result` and pointers peeled
    /// (`None` when it cannot be named, or is a type parameter).
    pub returns: Option<String>,
    /// It returns `()`, `Result<(), E>`, `bool` or another primitive: no value
    /// to hand on.
    pub returns_nothing: bool,
    /// The qualified type of each non-receiver parameter.
    pub params: Vec<Option<String>>,
    /// The name of each non-receiver parameter (empty for a pattern).
    pub param_names: Vec<String>,
    /// For each parameter of closure type (`impl FnOnce(&mut Cache)`, `F:
    /// Fn(Conn)`, `&dyn FnMut(A, B)`): its index and the qualified types of
    /// the closure's parameters.
    pub closure_params: Vec<(u32, Vec<Option<String>>)>,
    /// `Some(by_value)` for a method with a receiver.
    pub receiver: Option<bool>,
    /// Parameters (by index) whose value the body only looks at: it neither
    /// keeps, hands on nor releases them (filled where arguments are shared
    /// pointers, [`crate::ir::Mode::Share`]).
    #[serde(default)]
    pub borrowed: Vec<usize>,
    /// Parameters the body only gives, as shared pointers, to calls that may
    /// only look at them in turn: (parameter, call, argument position) for
    /// each such call. Borrowed if every one of its calls borrows it.
    #[serde(default)]
    pub borrowed_via: Vec<(usize, crate::ir::Callee, u32)>,
    /// The body was not lowered (`Bodies::Defer`): which parameters it only
    /// looks at is known once it is ([`crate::knowledge::LateBorrowed`]), and
    /// `borrowed` is empty meanwhile.
    #[serde(default)]
    pub borrowed_later: bool,
    /// Parameters (by index) it hands back inside the `Err` it returns
    /// (`Result<(), (ErrorCode, &'static mut [u8])>` for a `&'static mut
    /// [u8]` parameter): on failure the caller has them again.
    #[serde(default)]
    pub hands_back: Vec<usize>,
    /// The closure parameter (by index) whose result it returns as it is
    /// (`fn with<T>(&self, f: impl FnOnce(&mut C) -> T) -> T`).
    #[serde(default)]
    pub returns_closure: Option<u32>,
}

/// Everything one file contributes to the index.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct FileItems {
    pub apis: Vec<DeclaredApi>,
    pub structs: Vec<StructDecl>,
    /// `(type, trait)` for each `impl Trait for Type`.
    pub trait_impls: Vec<(String, String)>,
    /// `(name, type)` for each `static` and `const`.
    pub statics: Vec<(String, String)>,
    /// `(type, method)` for each method that takes `self` by value: a call of
    /// it consumes its receiver.
    pub consuming_methods: Vec<(String, String)>,
    /// `(alias, type)` from `type Alias = Type<..>;` and `use x::Type as Alias;`.
    pub aliases: Vec<(String, String)>,
    /// Crate names the file imports (`use object_pool::Pool;` gives `object_pool`).
    pub imported_crates: Vec<String>,
    /// Imports that are certainly packages of their own, never a module of
    /// the file's crate (Go import paths): the index takes each for a
    /// dependency unless it is under a scanned module's path.
    #[serde(default)]
    pub packages: Vec<String>,
    /// Every fn and method signature.
    pub fns: Vec<FnSig>,
    /// Traits the file defines.
    pub traits: Vec<String>,
    /// `(type, target)` for each `impl Deref for Type { type Target = .. }`.
    pub derefs: Vec<(String, String)>,
}

/// Parameter indexes as bits (`FnSig::borrowed`, `FnSig::hands_back`); those
/// from 64 on have none.
pub fn index_bits(indexes: &[usize]) -> u64 {
    indexes
        .iter()
        .filter(|&&i| i < 64)
        .fold(0, |m, &i| m | (1 << i))
}
