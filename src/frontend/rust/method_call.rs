//! Lowering of method calls: views of locks and cells, aliasing and
//! consuming methods, `Option`/`Result` combinators and the closures they
//! run, typed lookups.

use super::lower::{ClosureHint, Lowerer, Operand};
use super::type_of::typed_lookup;
use crate::ir::{Arg, Callee, Event, Mode, PlaceId, PlaceKind, TypeRef};
use syn::Expr;

/// Methods that hand their receiver's value through (`Option<Buf>` -> `Buf`).
const PASSTHROUGH: &[&str] = &[
    "unwrap",
    "expect",
    "unwrap_unchecked",
    "unwrap_or_default",
    "unwrap_or",
    "unwrap_or_else",
    "ok",
    "ok_or",
    "ok_or_else",
    "map_err",
    "context",
    "with_context",
    "wrap_err",
];

/// A closure whose first parameter binds a name (`|e| ..`, not `|_| ..`).
fn takes_the_error(arg: &Expr) -> bool {
    let Expr::Closure(c) = arg else {
        return false;
    };
    c.inputs
        .first()
        .is_some_and(|p| !super::pattern::binds_nothing(p))
}

/// Methods of `Option`/`Result` that only look at their receiver (`&self`):
/// a temporary they are called on still holds its value, and drops it.
const QUERIES: &[&str] = &["is_ok", "is_err", "is_some", "is_none"];

/// Methods whose result points into the receiver.
const ALIASING: &[&str] = &[
    "as_ptr",
    "as_mut_ptr",
    "as_slice",
    "as_mut_slice",
    "as_ref",
    "as_mut",
    "as_bytes",
    "as_bytes_mut",
    "as_str",
    "as_deref",
    "as_deref_mut",
    "deref",
    "deref_mut",
    "borrow",
    "borrow_mut",
    "iter",
    "iter_mut",
    "get_ref",
    "get_mut",
    "as_non_null_ptr",
    "chunk",
];

/// Well-known methods of other crates that take their receiver by value.
const CONSUMING: &[&str] = &[
    "freeze", "finish", "build", "leak", "forget", "detach", "close",
];

/// Methods that give access to the wrapped value and keep its type for receiver resolution.
pub(super) const ACCESSORS: &[&str] = &[
    "lock",
    "read",
    "write",
    "borrow",
    "borrow_mut",
    "unwrap",
    "expect",
    "as_ref",
    "as_mut",
    "deref",
    "deref_mut",
    "clone",
    "get_or_init",
    "load",
    "try_lock",
];

/// Methods of a lock or a cell that give a view of what it wraps: a method
/// called on the view acts on the place that holds the lock.
const VIEWS: &[&str] = &[
    "lock",
    "read",
    "write",
    "borrow",
    "borrow_mut",
    "try_lock",
    "get_mut",
];

/// `Option`/`Result` combinators whose closure gets the payload (the
/// receiver's type, since the frontend peels `Option` and `Result`).
const PAYLOAD_COMBINATORS: &[&str] = &[
    "map",
    "and_then",
    "inspect",
    "filter",
    "is_some_and",
    "is_ok_and",
    "is_none_or",
    "map_or",
    "map_or_else",
    "take_if",
];

/// `Option`/`Result` combinators whose result holds the receiver's payload
/// when their closure only wraps it (`.map(|s| HeapIndex(s.0))`).
const WRAPPING_COMBINATORS: &[&str] = &["map", "and_then"];

/// Combinators whose closure only sees the payload by reference: the result
/// holds the receiver's payload (or nothing), never a copy of it.
const PEEKING_COMBINATORS: &[&str] = &["inspect", "filter", "take_if"];

/// Combinators whose result holds the receiver's payload or their
/// argument's (`a.or(b)`, `a.zip(b)`).
const JOINING_COMBINATORS: &[&str] = &["or", "xor", "zip"];

/// Iterator adaptors whose closure gets an element.
const ELEMENT_COMBINATORS: &[&str] = &[
    "for_each",
    "map",
    "filter",
    "filter_map",
    "flat_map",
    "any",
    "all",
    "find",
    "position",
    "inspect",
    "retain",
    "try_for_each",
];

/// Methods that iterate a collection's elements.
const ITERATE: &[&str] = &[
    "iter",
    "iter_mut",
    "into_iter",
    "drain",
    "values",
    "values_mut",
];

/// A closure body that only wraps what its parameter holds: the parameter,
/// a field of it, or tuple structs, variants, struct literals and tuples
/// built of those (`HeapIndex(s.0)`, `Some(Slot { b })`), mentioning the
/// parameter at least once. No call, no method: nothing can hand the
/// payload anywhere else, and nothing drops it (`|_| None` does).
fn wraps_parameter(c: &syn::ExprClosure) -> bool {
    let [syn::Pat::Ident(param)] = &c.inputs.iter().collect::<Vec<_>>()[..] else {
        return false;
    };
    let mut mentions = 0;
    wraps(&c.body, &param.ident, &mut mentions) && mentions > 0
}

/// A constructor named in place of a closure that wraps its one argument:
/// `map(Box::new)`, `map(Some)`, `map(Arc::new)`, and a tuple struct or
/// variant (`map(HeapIndex)`, `map(Slot::Taken)`), spelled with a capital.
fn wrapping_ctor_path(p: &syn::ExprPath) -> bool {
    let Some((qualifier, name)) = super::type_of::path_name(&p.path).filter(|_| p.qself.is_none())
    else {
        return false;
    };
    super::type_of::is_wrapping_ctor(qualifier.as_deref(), &name)
        || name.starts_with(char::is_uppercase)
}

fn wraps(e: &Expr, param: &syn::Ident, mentions: &mut usize) -> bool {
    match e {
        Expr::Path(p) if p.qself.is_none() => {
            if p.path.is_ident(param) {
                *mentions += 1;
                return true;
            }
            // A unit variant or constant (`None`, `Slot::Free`).
            p.path.segments.last().is_some_and(|s| {
                s.ident
                    .to_string()
                    .starts_with(|c: char| c.is_ascii_uppercase())
            })
        }
        Expr::Field(f) => wraps(&f.base, param, mentions),
        Expr::Paren(p) => wraps(&p.expr, param, mentions),
        Expr::Block(b) if b.block.stmts.len() == 1 => match &b.block.stmts[0] {
            syn::Stmt::Expr(e, None) => wraps(e, param, mentions),
            _ => false,
        },
        Expr::Tuple(t) => t.elems.iter().all(|e| wraps(e, param, mentions)),
        Expr::Struct(s) => {
            s.rest.is_none() && s.fields.iter().all(|f| wraps(&f.expr, param, mentions))
        }
        Expr::Call(c) => {
            let Expr::Path(p) = &*c.func else {
                return false;
            };
            let ctor = p.path.segments.last().is_some_and(|s| {
                s.ident
                    .to_string()
                    .starts_with(|c: char| c.is_ascii_uppercase())
            });
            ctor && c.args.iter().all(|e| wraps(e, param, mentions))
        }
        Expr::Lit(_) => true,
        _ => false,
    }
}

impl<'f> Lowerer<'f> {
    pub(super) fn method_call(&mut self, m: &syn::ExprMethodCall) -> Operand {
        let span = self.cx.join_pub(
            super::spans::expr_start(&m.receiver),
            m.paren_token.span.close(),
        );
        let name = m.method.to_string();
        if let Some(ty) = typed_lookup(m)
            && !self.b.body.type_args.contains(&ty)
        {
            self.b.body.type_args.push(ty);
        }
        let recv_ty = self.type_of(&m.receiver);
        let recv = self.expr(&m.receiver);
        if PASSTHROUGH.contains(&name.as_str()) {
            for a in &m.args {
                let op = self.expr(a);
                self.read(op, span);
            }
            // A failure panics: the way on is the success edge. A closure
            // that names the error (`unwrap_or_else(|e| ..)`, `map_err(|e|
            // ..)`) takes what came back inside it: the caller's to handle,
            // not dropped here (`|_|` drops it).
            if matches!(name.as_str(), "unwrap" | "expect")
                || matches!(name.as_str(), "unwrap_or_else" | "map_err")
                    && m.args.first().is_some_and(takes_the_error)
            {
                self.unwrapped(&recv);
            }
            return recv;
        }
        if let Some(op) = self.pointer_method(&name, &recv, &m.args, span) {
            return op;
        }
        if ALIASING.contains(&name.as_str()) || (name == "clone" && recv_ty.shared) {
            for a in &m.args {
                let op = self.expr(a);
                self.read(op, span);
            }
            return recv.borrowed();
        }
        if let Some(op) = self.payload_combinator(m, &recv, span) {
            return op;
        }
        if let Some(op) = self.inline_payload_closure(m, &recv, recv_ty.ty.clone(), span) {
            return op;
        }
        let hint = self.combinator_hint(m);
        let args = self.args_with_hints(&m.args, |arg| {
            hint.clone().unwrap_or_else(|| ClosureHint::Argument {
                recv: recv_ty.ty.clone(),
                qualifier: None,
                name: name.clone(),
                arg,
            })
        });
        let owner = recv
            .places
            .iter()
            .find(|(p, _)| self.b.body.places[*p as usize].kind != PlaceKind::Temp)
            .map(|(p, _)| *p);
        let consuming =
            name == "into" || name.starts_with("into_") || CONSUMING.contains(&name.as_str());
        // Taking a view only looks at the place: nothing is moved out of it.
        let view = VIEWS.contains(&name.as_str()) && m.args.is_empty();
        // The place a lock's view stands for comes first: an element taken
        // out through `self.free.lock().unwrap().pop()` is the field's.
        let viewed = recv
            .places
            .iter()
            .find_map(|(p, _)| self.views.get(p).copied());
        let recv_places = viewed
            .map(|p| (p, Mode::Borrow))
            .into_iter()
            .chain(recv.places.iter().map(|&(p, mode)| {
                let temp = self.b.body.places[p as usize].kind == PlaceKind::Temp;
                (
                    p,
                    if (temp && mode == Mode::Move && !QUERIES.contains(&name.as_str()))
                        || consuming
                    {
                        Mode::Move
                    } else if view && !temp {
                        Mode::Shared
                    } else {
                        Mode::Borrow
                    },
                )
            }))
            .collect();
        let callee = Callee {
            name: name.clone(),
            qualifier: None,
            qualified: None,
            receiver_type: recv_ty.ty,
            is_method: true,
            arg_count: args.len(),
            claim: self.method_claim(m),
        };
        let recv_arg = Arg {
            places: recv_places,
            span: self.cx.expr(&m.receiver),
            non_pointer: false,
            value_of: None,
        };
        // `opt.take()` / `opt.replace(v)` move the value out of the place.
        let takes = match (name.as_str(), args.len(), owner) {
            ("take", 0, Some(p)) | ("replace", 1, Some(p)) => Some(p),
            _ => None,
        };
        let result = self.b.temp();
        if let Some(src) = takes {
            self.b.emit(Event::Take {
                dest: result,
                src,
                span,
            });
            if let Some(new) = args.first() {
                let op = Operand {
                    places: new.places.clone(),
                };
                self.assign_to(src, op, span);
            }
        }
        if let Some(p) = owner.or(viewed).filter(|_| view) {
            self.views.insert(result, p);
        }
        // A search whose predicate claims is reported at the search, not
        // at the start of its receiver's chain.
        let span = match &callee.claim {
            Some(_) if super::claims::SEARCHES.contains(&name.as_str()) => self
                .cx
                .join_pub(m.method.span(), m.paren_token.span.close()),
            _ => span,
        };
        self.b.call_into(callee, Some(recv_arg), args, span, result);
        Operand::one(result, Mode::Move)
    }

    /// An `Option`/`Result` combinator that hands the receiver's payload
    /// through to its result: the result owns what the receiver owned. Only
    /// for a receiver the call takes by value, and for `map`/`and_then` only
    /// when the closure wraps its parameter without handing it anywhere
    /// (`|s| HeapIndex(s.0)`, `|b| Some(Slot { b })`); otherwise `None`.
    fn payload_combinator(
        &mut self,
        m: &syn::ExprMethodCall,
        recv: &Operand,
        span: crate::ir::Span,
    ) -> Option<Operand> {
        let method = m.method.to_string();
        let by_value = !recv.places.is_empty() && recv.places.iter().all(|&(_, m)| m == Mode::Move);
        if !by_value {
            return None;
        }
        let keeps = if WRAPPING_COMBINATORS.contains(&method.as_str()) {
            match &m.args.iter().collect::<Vec<_>>()[..] {
                [Expr::Closure(c)] => wraps_parameter(c),
                [Expr::Path(p)] => wrapping_ctor_path(p),
                _ => false,
            }
        } else {
            PEEKING_COMBINATORS.contains(&method.as_str())
                || (JOINING_COMBINATORS.contains(&method.as_str()) && m.args.len() == 1)
        };
        if !keeps {
            return None;
        }
        let hint = self.combinator_hint(m);
        let args = self.args_with_hints(&m.args, |_| {
            hint.clone().unwrap_or(ClosureHint::Argument {
                recv: None,
                qualifier: None,
                name: method.clone(),
                arg: 0,
            })
        });
        let mut out = recv.clone();
        for a in args {
            let op = Operand { places: a.places };
            if JOINING_COMBINATORS.contains(&method.as_str()) {
                out.extend(op);
            } else {
                self.read(op, span);
            }
        }
        Some(out)
    }

    /// The type of the first parameter of a closure passed to this method:
    /// the payload of a typed `Option`/`Result`, or the element of a
    /// collection field iterated (`self.free.iter().for_each(|b| ..)`).
    fn combinator_hint(&mut self, m: &syn::ExprMethodCall) -> Option<ClosureHint> {
        if !m.args.iter().any(|a| matches!(a, Expr::Closure(_))) {
            return None;
        }
        let method = m.method.to_string();
        if let Expr::MethodCall(inner) = &*m.receiver
            && ITERATE.contains(&inner.method.to_string().as_str())
        {
            if !ELEMENT_COMBINATORS.contains(&method.as_str()) {
                return None;
            }
            let collection = self.type_of(&inner.receiver).ty?;
            return Some(ClosureHint::First(TypeRef::MethodResult(
                Box::new(collection),
                "next".into(),
            )));
        }
        if method == "retain" {
            let collection = self.type_of(&m.receiver).ty?;
            return Some(ClosureHint::First(TypeRef::MethodResult(
                Box::new(collection),
                "next".into(),
            )));
        }
        if PAYLOAD_COMBINATORS.contains(&method.as_str()) {
            return self.type_of(&m.receiver).ty.map(ClosureHint::First);
        }
        None
    }

    /// [`args_of`](Self::args_of), each closure argument lowered with what
    /// `hint` says of its parameters (by argument index).
    pub(super) fn args_with_hints(
        &mut self,
        args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>,
        hint: impl Fn(u32) -> ClosureHint,
    ) -> Vec<Arg> {
        let mut out = Vec::with_capacity(args.len());
        for (i, a) in args.iter().enumerate() {
            if matches!(a, Expr::Closure(_)) {
                self.closure_param = Some(hint(i as u32));
            }
            let op = match self.moved_out_of_box(a) {
                Some(place) => Operand::one(place, Mode::Move),
                None => self.expr(a),
            };
            self.closure_param = None;
            out.push(Arg {
                places: op.places,
                span: self.cx.expr(a),
                non_pointer: false,
                value_of: None,
            });
        }
        out
    }

    /// `pool.put(*b)`: an argument that dereferences a local by value moves
    /// out of it (a `Box<Buf>` taken out of an `Option<Box<Buf>>` field), or
    /// copies what it points at (a `Copy` handle): either way the callee
    /// gets the value the local holds, as for a loop's element.
    fn moved_out_of_box(&mut self, a: &Expr) -> Option<PlaceId> {
        let Expr::Unary(u) = a else { return None };
        if !matches!(u.op, syn::UnOp::Deref(_)) {
            return None;
        }
        let Expr::Path(p) = &*u.expr else { return None };
        let place = self.b.lookup(&p.path.get_ident()?.to_string())?;
        (self.b.body.places[place as usize].kind == PlaceKind::Local).then_some(place)
    }
}
