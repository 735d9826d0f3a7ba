//! Type names without a type checker: peel references and smart pointers down
//! to the type whose methods a call resolves against.

use std::collections::HashMap;
use syn::{GenericArgument, Item, PathArguments, Type, TypeParamBound, UseTree};

/// Wrappers whose methods forward to (or give access to) their first type argument.
const WRAPPERS: &[&str] = &[
    "Box",
    "Rc",
    "Arc",
    "Mutex",
    "RwLock",
    "RefCell",
    "Cell",
    "Option",
    "Pin",
    "Lazy",
    "LazyLock",
    "OnceLock",
    "OnceCell",
    "ManuallyDrop",
    "Weak",
    "MutexGuard",
    "RwLockReadGuard",
    "RwLockWriteGuard",
    "Ref",
    "RefMut",
    "ArcSwap",
    "CachePadded",
];

/// How a file names types: what its `use` items bring into scope, so that a
/// type is known by the crate it comes from (`use indexmap::map::VacantEntry;`
/// makes `VacantEntry` the type `indexmap::VacantEntry`, not the crate's own).
///
/// A qualified name is `root::Name` where `root` is the first segment of the
/// path (a crate, or a module of this crate: the index tells them apart by
/// the crate's dependencies); `std::Name` for `std`, `core` and `alloc`; a
/// plain `Name` for a type of this crate (or one whose origin the file does
/// not say: the prelude, a glob import).
#[derive(Debug, Default)]
pub struct TypeScope {
    /// local name -> qualified name
    imported: HashMap<String, String>,
}

impl TypeScope {
    /// The `use` items of the file (top level and inline modules; the first
    /// import of a name wins).
    pub fn collect(items: &[Item]) -> TypeScope {
        let mut scope = TypeScope::default();
        scope.add_items(items);
        scope
    }

    fn add_items(&mut self, items: &[Item]) {
        for item in items {
            match item {
                Item::Use(u) => self.add_tree(&u.tree, &mut Vec::new()),
                Item::ExternCrate(e) => {
                    if let Some((_, rename)) = &e.rename {
                        let name = e.ident.to_string();
                        self.imported
                            .entry(rename.to_string())
                            .or_insert(format!("{name}::"));
                    }
                }
                Item::Mod(m) => {
                    if let Some((_, items)) = &m.content {
                        self.add_items(items);
                    }
                }
                _ => {}
            }
        }
    }

    fn add_tree(&mut self, tree: &UseTree, prefix: &mut Vec<String>) {
        match tree {
            UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.add_tree(&p.tree, prefix);
                prefix.pop();
            }
            UseTree::Name(n) => {
                let name = n.ident.to_string();
                if name != "self" {
                    self.import(name.clone(), prefix, &name);
                } else if let Some(last) = prefix.last().cloned() {
                    self.import(last.clone(), &prefix[..prefix.len() - 1], &last);
                }
            }
            UseTree::Rename(r) => {
                let name = r.ident.to_string();
                self.import(r.rename.to_string(), prefix, &name);
            }
            UseTree::Group(g) => g.items.iter().for_each(|t| self.add_tree(t, prefix)),
            UseTree::Glob(_) => {}
        }
    }

    fn import(&mut self, local: String, prefix: &[String], name: &str) {
        let qualified = match prefix.first().map(String::as_str) {
            // `use crossbeam_channel as cb;`: a crate, under another name
            // (read as `extern crate .. as ..` is).
            None if local != name => format!("{name}::"),
            None | Some("crate" | "self" | "super") => name.to_string(),
            Some(root) => join_root(root, name),
        };
        self.imported.entry(local).or_insert(qualified);
    }

    /// The qualified name of a type path (`None` for `<T as Tr>::X`, `Self::X`).
    pub fn qualify(&self, path: &syn::Path, self_type: Option<&str>) -> Option<String> {
        let first = path.segments.first()?.ident.to_string();
        let last = path.segments.last()?.ident.to_string();
        if path.segments.len() == 1 {
            if last == "Self" {
                return self_type.map(str::to_string);
            }
            return Some(self.imported.get(&last).cloned().unwrap_or(last));
        }
        Some(match first.as_str() {
            "crate" | "self" | "super" => last,
            "Self" => return None,
            root => match self.imported.get(root) {
                // `use tokio::sync; sync::Semaphore`
                Some(q) => match q.split_once("::") {
                    Some((root, _)) => join_root(root, &last),
                    None => last,
                },
                None => join_root(root, &last),
            },
        })
    }
}

fn join_root(root: &str, name: &str) -> String {
    match root {
        "std" | "core" | "alloc" => format!("std::{name}"),
        _ => format!("{root}::{name}"),
    }
}

/// Names for types no crate's API can be a method of.
pub const RAW_POINTER: &str = "*ptr";
pub const SLICE: &str = "[slice]";
pub const FN_POINTER: &str = "fn()";

/// `&Arc<Mutex<BufPool>>` gives `BufPool`; `impl Pool` gives `Pool`;
/// `Result<Conn, E>` and `Option<Conn>` give `Conn`; `*mut T` a raw pointer.
/// `None` for `()` and tuples (they carry no one value) and for what cannot
/// be named (`<T as Tr>::X`).
pub fn core_name(ty: &Type, scope: &TypeScope, self_type: Option<&str>) -> Option<String> {
    match ty {
        Type::Reference(r) => core_name(&r.elem, scope, self_type),
        Type::Paren(p) => core_name(&p.elem, scope, self_type),
        Type::Group(g) => core_name(&g.elem, scope, self_type),
        Type::Ptr(_) => Some(RAW_POINTER.to_string()),
        Type::Slice(_) | Type::Array(_) => Some(SLICE.to_string()),
        Type::FnPtr(_) => Some(FN_POINTER.to_string()),
        Type::Path(p) if p.qself.is_none() => {
            let seg = p.path.segments.last()?;
            let name = seg.ident.to_string();
            if (WRAPPERS.contains(&name.as_str()) || name == "Result")
                && let Some(inner) = first_type_arg(&seg.arguments)
            {
                return core_name(inner, scope, self_type);
            }
            scope.qualify(&p.path, self_type)
        }
        Type::ImplTrait(t) => first_trait(t.bounds.iter(), scope),
        Type::TraitObject(t) => first_trait(t.bounds.iter(), scope),
        _ => None,
    }
}

/// The traits of a bound list (`T: Manager + Send` gives `Manager`, `Send`).
pub fn bound_traits<'a>(
    bounds: impl Iterator<Item = &'a TypeParamBound>,
    scope: &TypeScope,
) -> Vec<String> {
    bounds
        .filter_map(|b| match b {
            TypeParamBound::Trait(t) => scope.qualify(&t.path, None),
            _ => None,
        })
        .collect()
}

fn first_trait<'a>(
    bounds: impl Iterator<Item = &'a TypeParamBound>,
    scope: &TypeScope,
) -> Option<String> {
    bound_traits(bounds, scope).into_iter().next()
}

fn first_type_arg(args: &PathArguments) -> Option<&Type> {
    match args {
        PathArguments::AngleBracketed(a) => a.args.iter().find_map(|arg| match arg {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}

/// A return type that carries no value at all: `()`, `Result<(), E>`,
/// `Option<()>`, `!`.
pub fn carries_no_value(ty: &Type) -> bool {
    match ty {
        Type::Tuple(t) => t.elems.is_empty(),
        Type::Paren(p) => carries_no_value(&p.elem),
        Type::Never(_) => true,
        Type::Path(p) if p.qself.is_none() => {
            let Some(seg) = p.path.segments.last() else {
                return false;
            };
            let name = seg.ident.to_string();
            if name == "Result" || name == "Option" || name == "Poll" {
                return first_type_arg(&seg.arguments).is_some_and(carries_no_value);
            }
            false
        }
        _ => false,
    }
}

/// The parameter types of a closure-typed parameter: `impl FnOnce(&mut A)`,
/// `&dyn Fn(A, B)`, `Box<dyn FnMut(A)>`, or a type parameter `F` bounded by
/// one (inline or in the fn's `where` clause).
pub fn closure_inputs<'t>(ty: &'t Type, generics: &'t syn::Generics) -> Option<Vec<&'t Type>> {
    Some(
        closure_bound(ty, generics)?
            .inputs
            .iter()
            .map(|a| &a.ty)
            .collect(),
    )
}

/// The type a closure-typed parameter returns (`T` of `impl FnOnce(&mut A)
/// -> T`), if its bound says.
pub fn closure_output<'t>(ty: &'t Type, generics: &'t syn::Generics) -> Option<&'t Type> {
    match &closure_bound(ty, generics)?.output {
        syn::ReturnType::Type(_, t) => Some(t),
        syn::ReturnType::Default => None,
    }
}

/// The `Fn*(..) -> ..` bound of a closure-typed parameter.
fn closure_bound<'t>(
    ty: &'t Type,
    generics: &'t syn::Generics,
) -> Option<&'t syn::ParenthesizedGenericArguments> {
    fn from_bounds<'t>(
        bounds: impl IntoIterator<Item = &'t TypeParamBound>,
    ) -> Option<&'t syn::ParenthesizedGenericArguments> {
        bounds.into_iter().find_map(|b| match b {
            TypeParamBound::Trait(t) => {
                let seg = t.path.segments.last()?;
                if !matches!(seg.ident.to_string().as_str(), "Fn" | "FnMut" | "FnOnce") {
                    return None;
                }
                match &seg.arguments {
                    PathArguments::Parenthesized(p) => Some(p),
                    _ => None,
                }
            }
            _ => None,
        })
    }
    match ty {
        Type::Reference(r) => closure_bound(&r.elem, generics),
        Type::Paren(p) => closure_bound(&p.elem, generics),
        Type::ImplTrait(t) => from_bounds(&t.bounds),
        Type::TraitObject(t) => from_bounds(&t.bounds),
        Type::Path(p) if p.qself.is_none() => {
            let seg = p.path.segments.last()?;
            if seg.ident == "Box" || seg.ident == "Arc" || seg.ident == "Rc" {
                return closure_bound(first_type_arg(&seg.arguments)?, generics);
            }
            param_bounds(p.path.get_ident()?, generics, from_bounds)
        }
        _ => None,
    }
}

/// What `find` reads from the bounds of the fn's type parameter `name`:
/// those written inline (`F: FnOnce(..)`), else those of its `where` clause.
fn param_bounds<'t, R>(
    name: &syn::Ident,
    generics: &'t syn::Generics,
    find: impl Fn(&'t syn::punctuated::Punctuated<TypeParamBound, syn::Token![+]>) -> Option<R>,
) -> Option<R> {
    let param = generics.type_params().find(|g| g.ident == *name)?;
    find(&param.bounds).or_else(|| {
        generics.where_clause.as_ref()?.predicates.iter().find_map(|w| match w {
            syn::WherePredicate::Type(pt)
                if matches!(&pt.bounded_ty, Type::Path(b) if b.path.is_ident(name)) =>
            {
                find(&pt.bounds)
            }
            _ => None,
        })
    })
}

/// The closure parameter whose result the fn returns as it is: `fn
/// with<T>(&self, f: impl FnOnce(&mut Cache) -> T) -> T` returns what `f`
/// returns (the index among the non-receiver parameters).
pub fn returns_closure_output(sig: &syn::Signature) -> Option<u32> {
    let syn::ReturnType::Type(_, ret) = &sig.output else {
        return None;
    };
    // A type parameter of the fn, so nothing else can make a value of it.
    let Type::Path(rp) = &**ret else { return None };
    let ident = rp.path.get_ident()?;
    sig.generics.type_params().find(|g| g.ident == *ident)?;
    sig.inputs
        .iter()
        .filter(|a| matches!(a, syn::FnArg::Typed(_)))
        .position(|a| {
            let syn::FnArg::Typed(pt) = a else {
                return false;
            };
            closure_output(&pt.ty, &sig.generics).is_some_and(
                |out| matches!(out, Type::Path(op) if op.path.get_ident() == Some(ident)),
            )
        })
        .map(|i| i as u32)
}

/// The element type a `for` loop over a value of this type binds:
/// `&[CommandBuffer]`, `Vec<T>`, `[T; N]`, `impl IntoIterator<Item = &T>`,
/// or a type parameter `I` bounded by `IntoIterator<Item = ..>` or
/// `Iterator<Item = ..>` (inline or in the fn's `where` clause).
pub fn element_type<'t>(ty: &'t Type, generics: &'t syn::Generics) -> Option<&'t Type> {
    fn item_of<'t>(bounds: impl IntoIterator<Item = &'t TypeParamBound>) -> Option<&'t Type> {
        bounds.into_iter().find_map(|b| match b {
            TypeParamBound::Trait(t) => {
                let seg = t.path.segments.last()?;
                if seg.ident != "IntoIterator" && seg.ident != "Iterator" {
                    return None;
                }
                let PathArguments::AngleBracketed(a) = &seg.arguments else {
                    return None;
                };
                a.args.iter().find_map(|arg| match arg {
                    GenericArgument::AssocType(at) if at.ident == "Item" => Some(&at.ty),
                    _ => None,
                })
            }
            _ => None,
        })
    }
    match ty {
        Type::Reference(r) => element_type(&r.elem, generics),
        Type::Paren(p) => element_type(&p.elem, generics),
        Type::Slice(s) => Some(&s.elem),
        Type::Array(a) => Some(&a.elem),
        Type::ImplTrait(t) => item_of(&t.bounds),
        Type::Path(p) if p.qself.is_none() => {
            let seg = p.path.segments.last()?;
            if matches!(
                seg.ident.to_string().as_str(),
                "Vec"
                    | "VecDeque"
                    | "LinkedList"
                    | "SmallVec"
                    | "ArrayVec"
                    | "HashSet"
                    | "BTreeSet"
            ) {
                return first_type_arg(&seg.arguments);
            }
            if matches!(seg.ident.to_string().as_str(), "Box" | "Rc" | "Arc") {
                return element_type(first_type_arg(&seg.arguments)?, generics);
            }
            param_bounds(p.path.get_ident()?, generics, item_of)
        }
        _ => None,
    }
}

/// The types a fn's parameters name, and the element types of those a loop
/// may iterate (`&mut Device`, `I: IntoIterator<Item = &CommandBuffer>`):
/// a body handed one may overwrite its fields. Recorded by lowering and by
/// the scan alike ([`crate::store::Key::TypeArg`]).
pub fn param_type_names(
    sig: &syn::Signature,
    scope: &TypeScope,
    self_type: Option<&str>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for input in &sig.inputs {
        let syn::FnArg::Typed(pt) = input else {
            continue;
        };
        let element = element_type(&pt.ty, &sig.generics);
        for ty in std::iter::once(&*pt.ty).chain(element) {
            if let Some(name) = core_name(ty, scope, self_type)
                && ![RAW_POINTER, SLICE, FN_POINTER].contains(&name.as_str())
                && !out.contains(&name)
            {
                out.push(name);
            }
        }
    }
    out
}

/// Is the outermost type an `Option` or a `Result`?
pub fn is_option_or_result(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option" || s.ident == "Result"))
}

/// Containers a free list is kept in.
const COLLECTIONS: &[&str] = &[
    "Vec",
    "VecDeque",
    "LinkedList",
    "BinaryHeap",
    "ArrayQueue",
    "SegQueue",
    "Sender",
    "SyncSender",
    "Receiver",
    "SmallVec",
    "ArrayVec",
];

/// `Mutex<Vec<Buf>>` gives `("Vec", "Buf")`: a collection behind locks and
/// pointers, and its element type.
pub fn collection(ty: &Type, scope: &TypeScope) -> Option<(String, String)> {
    match ty {
        Type::Reference(r) => collection(&r.elem, scope),
        Type::Paren(p) => collection(&p.elem, scope),
        Type::Path(p) => {
            let seg = p.path.segments.last()?;
            let name = seg.ident.to_string();
            let inner = first_type_arg(&seg.arguments)?;
            if COLLECTIONS.contains(&name.as_str()) {
                return Some((name, core_name(inner, scope, None)?));
            }
            if WRAPPERS.contains(&name.as_str()) || name == "UnsafeCell" {
                return collection(inner, scope);
            }
            None
        }
        _ => None,
    }
}

/// `Arc<(Mutex<InnerPool>, Condvar)>` gives `[Some("InnerPool"), Some("Condvar")]`:
/// the core of each element of a tuple behind references and pointers, for
/// `(self.inner).0` and `let (a, b) = &*self.inner`. Empty for other types.
pub fn tuple_cores(ty: &Type, scope: &TypeScope) -> Vec<Option<String>> {
    match ty {
        Type::Reference(r) => tuple_cores(&r.elem, scope),
        Type::Paren(p) => tuple_cores(&p.elem, scope),
        Type::Tuple(t) => t.elems.iter().map(|e| core_name(e, scope, None)).collect(),
        Type::Path(p) => {
            let Some(seg) = p.path.segments.last() else {
                return Vec::new();
            };
            match first_type_arg(&seg.arguments) {
                Some(inner) if WRAPPERS.contains(&seg.ident.to_string().as_str()) => {
                    tuple_cores(inner, scope)
                }
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// Is the outermost type (behind references) an `Rc` or `Arc`?
pub fn is_shared_pointer(ty: &Type) -> bool {
    match ty {
        Type::Reference(r) => is_shared_pointer(&r.elem),
        Type::Paren(p) => is_shared_pointer(&p.elem),
        Type::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "Rc" || s.ident == "Arc"),
        _ => false,
    }
}

/// Is this a raw pointer type (`*const T`, `*mut T`)?
pub fn is_raw_pointer(ty: &Type) -> bool {
    matches!(ty, Type::Ptr(_))
}

/// Every identifier in the type, in source order: `Option<Box<Msg>>`
/// mentions `Option`, `Box`, `Msg`. (A borrowed walk: turning the type back
/// into tokens cost as much as the rest of a struct's indexing.)
pub fn mentions(ty: &Type) -> Vec<String> {
    struct Idents(Vec<String>);
    impl<'ast> syn::visit::Visit<'ast> for Idents {
        fn visit_ident(&mut self, i: &'ast proc_macro2::Ident) {
            self.0.push(i.to_string());
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            syn::visit::visit_path(self, &m.path);
            super::macros::for_each_ident(m.tokens.clone(), |i| self.0.push(i.to_string()));
        }
    }
    let mut idents = Idents(Vec::new());
    syn::visit::Visit::visit_type(&mut idents, ty);
    idents.0
}

/// The last segment of a type used as an `impl` self type (`impl<T> Pool<T>` gives `Pool`).
pub fn self_type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        Type::Reference(r) => self_type_name(&r.elem),
        Type::Paren(p) => self_type_name(&p.elem),
        _ => None,
    }
}

/// The non-receiver parameters (by index) a fn hands back inside the `Err`
/// of the `Result` it returns: a parameter whose type is spelled, whole,
/// inside the error type (`fn write(&self, buf: &'static mut [u8]) ->
/// Result<(), (ErrorCode, &'static mut [u8])>`, `fn send(&self, t: T) ->
/// Result<(), SendError<T>>`). Numbers and other primitives are left out:
/// an error that carries a `usize` says nothing about a `len: usize`.
pub fn handed_back_in_err(sig: &syn::Signature) -> Vec<usize> {
    let syn::ReturnType::Type(_, ret) = &sig.output else {
        return Vec::new();
    };
    let Some(err) = result_error(ret) else {
        return Vec::new();
    };
    let mut inside = Vec::new();
    spelled_types(err, &mut inside);
    sig.inputs
        .iter()
        .filter(|a| matches!(a, syn::FnArg::Typed(_)))
        .enumerate()
        .filter_map(|(i, a)| {
            let syn::FnArg::Typed(pt) = a else {
                return None;
            };
            let spelled = spelling(&pt.ty);
            let primitive = crate::knowledge::resolve::is_primitive(
                spelled
                    .trim_start_matches(['&', ' '])
                    .trim_start_matches("mut "),
            );
            (!primitive && inside.contains(&spelled)).then_some(i)
        })
        .collect()
}

/// The `E` of a `Result<T, E>` (an alias such as `io::Result<T>` names none).
fn result_error(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    if seg.ident != "Result" {
        return None;
    }
    let PathArguments::AngleBracketed(a) = &seg.arguments else {
        return None;
    };
    let mut types = a.args.iter().filter_map(|g| match g {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    });
    types.next()?;
    types.next()
}

/// Every type spelled in `ty`: itself, tuple elements, generic arguments,
/// referents, arrays and slices, each as its token text.
fn spelled_types(ty: &Type, out: &mut Vec<String>) {
    out.push(spelling(ty));
    match ty {
        Type::Tuple(t) => t.elems.iter().for_each(|e| spelled_types(e, out)),
        Type::Reference(r) => spelled_types(&r.elem, out),
        Type::Paren(p) => spelled_types(&p.elem, out),
        Type::Slice(s) => spelled_types(&s.elem, out),
        Type::Array(a) => spelled_types(&a.elem, out),
        Type::Path(p) => {
            for seg in &p.path.segments {
                if let PathArguments::AngleBracketed(a) = &seg.arguments {
                    for g in &a.args {
                        if let syn::GenericArgument::Type(t) = g {
                            spelled_types(t, out);
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

fn spelling(ty: &Type) -> String {
    quote::ToTokens::to_token_stream(ty).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peels_wrappers_and_references() {
        let scope = TypeScope::default();
        let core = |t: &str| core_name(&syn::parse_str(t).unwrap(), &scope, Some("Me"));
        assert_eq!(core("&Arc<Mutex<BufPool>>").as_deref(), Some("BufPool"));
        assert_eq!(core("impl Pool + Send").as_deref(), Some("Pool"));
        assert_eq!(core("Vec<Msg>").as_deref(), Some("Vec"));
        assert_eq!(core("Result<Box<Self>, E>").as_deref(), Some("Me"));
        assert_eq!(core("Result<(), E>"), None);
        assert_eq!(core("*const u8").as_deref(), Some(RAW_POINTER));
        assert_eq!(
            core("std::sync::Arc<tokio::sync::Semaphore>").as_deref(),
            Some("tokio::Semaphore")
        );
        assert_eq!(core("crate::pool::Pool").as_deref(), Some("Pool"));
        let ty: Type = syn::parse_str("Vec<Msg>").unwrap();
        assert!(mentions(&ty).contains(&"Msg".to_string()));
    }

    /// `use` items say which crate a type comes from.
    #[test]
    fn imports_qualify_names() {
        let file: syn::File = syn::parse_str(
            "use indexmap::map::{VacantEntry, Entry as MapEntry};\n\
             use crate::pool::{self, BufPool};\n\
             use tokio::sync;\n\
             use std::collections::HashMap;",
        )
        .unwrap();
        let scope = TypeScope::collect(&file.items);
        let q = |t: &str| {
            let ty: Type = syn::parse_str(t).unwrap();
            core_name(&ty, &scope, None)
        };
        assert_eq!(q("VacantEntry").as_deref(), Some("indexmap::VacantEntry"));
        assert_eq!(q("MapEntry<K, V>").as_deref(), Some("indexmap::Entry"));
        assert_eq!(q("BufPool").as_deref(), Some("BufPool"));
        assert_eq!(q("pool::Other").as_deref(), Some("Other"));
        assert_eq!(q("sync::Semaphore").as_deref(), Some("tokio::Semaphore"));
        assert_eq!(q("HashMap<u8, u8>").as_deref(), Some("std::HashMap"));
        assert_eq!(q("Local").as_deref(), Some("Local"));
    }
}
