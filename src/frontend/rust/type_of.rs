//! What an expression's type is, as far as the syntax and the file's imports
//! say it without a type checker: a local's declared or inferred type, a
//! field of a typed value, a method's or a path call's result (resolved by
//! the knowledge index later), a typed lookup's turbofish.

use super::builder::LocalInfo;
use super::lower::Lowerer;
use super::method_call::ACCESSORS;
use crate::ir::TypeRef;
use syn::{Expr, Member};

/// Lookups in a type map whose one type argument is the type they yield
/// (`extensions.get::<T>()`, `user_data.get_mut::<T>()`, `any.downcast_ref::<T>()`).
const TYPED_LOOKUPS: &[&str] = &["get", "get_mut", "downcast_ref", "downcast_mut"];

/// The type a typed lookup names (`get_mut::<SurfaceData>()` -> `SurfaceData`).
pub fn typed_lookup(m: &syn::ExprMethodCall) -> Option<String> {
    if !TYPED_LOOKUPS.contains(&m.method.to_string().as_str()) {
        return None;
    }
    match turbofish_type(m)? {
        syn::Type::Path(p) => Some(p.path.segments.last()?.ident.to_string()),
        _ => None,
    }
}

/// A typed lookup, unwrapped (`map.get_mut::<T>().unwrap()`, `..?`).
pub fn is_typed_lookup_chain(e: &Expr) -> bool {
    match e {
        Expr::MethodCall(m) if matches!(m.method.to_string().as_str(), "unwrap" | "expect") => {
            is_typed_lookup_chain(&m.receiver)
        }
        Expr::Try(t) => is_typed_lookup_chain(&t.expr),
        Expr::Paren(p) => is_typed_lookup_chain(&p.expr),
        Expr::MethodCall(m) => typed_lookup(m).is_some(),
        _ => false,
    }
}

/// The one type argument of a method's turbofish.
fn turbofish_type(m: &syn::ExprMethodCall) -> Option<&syn::Type> {
    let args = &m.turbofish.as_ref()?.args;
    match args.iter().collect::<Vec<_>>()[..] {
        [syn::GenericArgument::Type(ty)] => Some(ty),
        _ => None,
    }
}

/// A call path's last segment and the one before it (`(Some("Box"),
/// "new")` of `std::boxed::Box::new`).
pub(super) fn path_name(path: &syn::Path) -> Option<(Option<String>, String)> {
    let mut segs = path.segments.iter().rev().map(|s| s.ident.to_string());
    let name = segs.next()?;
    Some((segs.next(), name))
}

/// Constructors that wrap their argument: the result owns what the argument owned.
pub(super) fn is_wrapping_ctor(qualifier: Option<&str>, name: &str) -> bool {
    matches!(
        (qualifier, name),
        (None, "Some" | "Ok" | "Err" | "Ready")
            | (Some("Poll"), "Ready")
            | (Some("Option"), "Some")
            | (Some("Result"), "Ok" | "Err")
            | (
                Some("Box" | "Rc" | "Arc" | "RefCell" | "Cell" | "Mutex" | "RwLock" | "Pin"),
                "new"
            )
    )
}

impl<'f> Lowerer<'f> {
    /// What is known of the type of an expression, for receiver resolution.
    pub fn type_of(&mut self, e: &Expr) -> LocalInfo {
        let mut info = LocalInfo::default();
        match e {
            Expr::Path(p) if p.qself.is_none() => {
                let Some(last) = p.path.segments.last() else {
                    return info;
                };
                let name = last.ident.to_string();
                if p.path.segments.len() == 1
                    && let Some(place) = self.b.lookup(&name)
                {
                    return self.b.locals.get(&place).cloned().unwrap_or_default();
                }
                if name.chars().next().is_some_and(|c| c.is_uppercase()) {
                    info.ty = Some(TypeRef::Static(name));
                }
            }
            Expr::Field(f) => {
                if let Some(base) = self.type_of(&f.base).ty {
                    let member = match &f.member {
                        Member::Named(i) => i.to_string(),
                        Member::Unnamed(i) => i.index.to_string(),
                    };
                    info.ty = Some(TypeRef::FieldOf(Box::new(base), member));
                }
            }
            Expr::Paren(p) => return self.type_of(&p.expr),
            Expr::Group(g) => return self.type_of(&g.expr),
            Expr::Reference(r) => return self.type_of(&r.expr),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => return self.type_of(&u.expr),
            Expr::Await(a) => return self.type_of(&a.base),
            Expr::Try(t) => return self.type_of(&t.expr),
            Expr::Cast(c) => info.ty = self.type_ref(&c.ty),
            Expr::Lit(_) => info.ty = Some(TypeRef::Named("str".into())),
            Expr::Macro(m) if m.mac.path.is_ident("vec") => {
                info.ty = Some(TypeRef::Named("Vec".into()));
            }
            Expr::Macro(m) if m.mac.path.is_ident("format") => {
                info.ty = Some(TypeRef::Named("String".into()));
            }
            // `map.get_mut::<Data>()`: a typed lookup yields the type it names.
            Expr::MethodCall(m)
                if TYPED_LOOKUPS.contains(&m.method.to_string().as_str())
                    && let Some(ty) = turbofish_type(m) =>
            {
                info.ty = self.type_ref(ty);
            }
            Expr::MethodCall(m) => {
                let method = m.method.to_string();
                let inner = self.type_of(&m.receiver);
                if ACCESSORS.contains(&method.as_str()) {
                    info.ty = inner.ty;
                    info.shared = inner.shared && method == "clone";
                } else if let Some(base) = inner.ty {
                    info.ty = Some(TypeRef::MethodResult(Box::new(base), method));
                }
            }
            Expr::Call(c) => {
                let Expr::Path(p) = &*c.func else { return info };
                if p.qself.is_some() {
                    return info;
                }
                let Some((q, f)) = path_name(&p.path) else {
                    return info;
                };
                let q = q.as_deref();
                if matches!(q, Some("Rc" | "Arc")) {
                    info.shared = true;
                }
                if is_wrapping_ctor(q, &f) {
                    let inner = c.args.first().map(|a| self.type_of(a)).unwrap_or_default();
                    info.ty = inner.ty;
                } else {
                    info.ty = Some(TypeRef::CallResult(self.qualified_prefix(&p.path), f));
                }
            }
            Expr::Struct(s) => {
                info.ty = self
                    .cx
                    .types
                    .qualify(&s.path, self.self_type.as_deref())
                    .map(TypeRef::Named);
            }
            _ => {}
        }
        info
    }

    /// The qualified name of a call path without its last segment
    /// (`tokio::sync::Semaphore` of `tokio::sync::Semaphore::new`).
    pub(super) fn qualified_prefix(&self, path: &syn::Path) -> Option<String> {
        if path.segments.len() < 2 {
            return None;
        }
        let mut prefix = path.clone();
        prefix.segments.pop();
        prefix.segments.pop_punct();
        self.cx.types.qualify(&prefix, self.self_type.as_deref())
    }
}
