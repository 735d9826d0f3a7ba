//! Type names without a type checker: peel references and smart pointers down
//! to the type whose methods a call resolves against.

use syn::{GenericArgument, PathArguments, Type, TypeParamBound};

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

/// `&Arc<Mutex<BufPool>>` gives `BufPool`; `impl Pool` gives `Pool`.
pub fn core_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Reference(r) => core_name(&r.elem),
        Type::Paren(p) => core_name(&p.elem),
        Type::Group(g) => core_name(&g.elem),
        Type::Ptr(p) => core_name(&p.elem),
        Type::Path(p) => {
            let seg = p.path.segments.last()?;
            let name = seg.ident.to_string();
            if WRAPPERS.contains(&name.as_str())
                && let Some(inner) = first_type_arg(&seg.arguments)
            {
                return core_name(inner);
            }
            Some(name)
        }
        Type::ImplTrait(t) => first_trait(t.bounds.iter()),
        Type::TraitObject(t) => first_trait(t.bounds.iter()),
        _ => None,
    }
}

fn first_trait<'a>(mut bounds: impl Iterator<Item = &'a TypeParamBound>) -> Option<String> {
    bounds.find_map(|b| match b {
        TypeParamBound::Trait(t) => t.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    })
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
pub fn collection(ty: &Type) -> Option<(String, String)> {
    match ty {
        Type::Reference(r) => collection(&r.elem),
        Type::Paren(p) => collection(&p.elem),
        Type::Path(p) => {
            let seg = p.path.segments.last()?;
            let name = seg.ident.to_string();
            let inner = first_type_arg(&seg.arguments)?;
            if COLLECTIONS.contains(&name.as_str()) {
                return Some((name, core_name(inner)?));
            }
            if WRAPPERS.contains(&name.as_str()) || name == "UnsafeCell" {
                return collection(inner);
            }
            None
        }
        _ => None,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peels_wrappers_and_references() {
        let ty: Type = syn::parse_str("&Arc<Mutex<BufPool>>").unwrap();
        assert_eq!(core_name(&ty).as_deref(), Some("BufPool"));
        let ty: Type = syn::parse_str("impl Pool + Send").unwrap();
        assert_eq!(core_name(&ty).as_deref(), Some("Pool"));
        let ty: Type = syn::parse_str("Vec<Msg>").unwrap();
        assert_eq!(core_name(&ty).as_deref(), Some("Vec"));
        assert!(mentions(&ty).contains(&"Msg".to_string()));
    }
}
