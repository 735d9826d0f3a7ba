//! Lowering of expressions to operands and events.

use super::builder::LocalInfo;
use super::lower::{ClosureHint, LoopKind, Lowerer, Nested, Operand};
use crate::ir::{
    Arg, AssignKind, BodyKind, Callee, DropKind, Event, ExitKind, Mode, PlaceId, PlaceKind, TypeRef,
};
use syn::{Expr, Member};

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

/// Methods whose closure runs only on the error (or `None`) path: followed
/// by `?`, its body runs right before the body is left.
const ERROR_CLOSURES: &[&str] = &[
    "map_err",
    "inspect_err",
    "ok_or_else",
    "with_context",
    "wrap_err_with",
];

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
const ACCESSORS: &[&str] = &[
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

/// Constructors that wrap their argument: the result owns what the argument owned.
fn is_wrapping_ctor(qualifier: Option<&str>, name: &str) -> bool {
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
    pub fn expr(&mut self, e: &Expr) -> Operand {
        if !self.enter() {
            self.leave();
            return Operand::default();
        }
        let op = self.expr_inner(e);
        self.leave();
        op
    }

    fn expr_inner(&mut self, e: &Expr) -> Operand {
        let span = self.cx.expr(e);
        match e {
            Expr::Path(_) | Expr::Field(_) => match self.place_of(e) {
                Some(p) => Operand::one(p, Mode::Move),
                None => {
                    if let Expr::Field(f) = e {
                        let op = self.expr(&f.base);
                        self.read(op, span);
                    }
                    Operand::default()
                }
            },
            Expr::Paren(p) => self.expr(&p.expr),
            Expr::Group(g) => self.expr(&g.expr),
            Expr::Reference(r) => {
                let op = match &*r.expr {
                    Expr::Index(ix) => {
                        let iop = self.expr(&ix.index);
                        self.read_as(iop, span, false);
                        self.expr(&ix.expr)
                    }
                    Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.expr(&u.expr),
                    inner => self.expr(inner),
                };
                if r.mutability.is_some() {
                    op.borrowed()
                } else {
                    op.shared()
                }
            }
            Expr::RawAddr(r) => self.expr(&r.expr).borrowed(),
            Expr::Unary(u) => {
                // `*p` reads through `p`; the value it yields is a copy, not an alias.
                let op = self.expr(&u.expr);
                self.read(op, span);
                Operand::default()
            }
            Expr::Binary(b) => {
                if let Some(op) = self.compound_claim(b, span) {
                    return op;
                }
                let l = self.expr(&b.left);
                self.read(l, span);
                let r = self.expr(&b.right);
                self.read(r, span);
                Operand::default()
            }
            Expr::Cast(c) => self.cast(c, span),
            Expr::Index(ix) => {
                let base = self.expr(&ix.expr);
                self.read(base, span);
                // A key used as an index reaches what it names.
                let idx = self.expr(&ix.index);
                self.read_as(idx, span, false);
                Operand::default()
            }
            Expr::Assign(a) => {
                self.assign(&a.left, &a.right, span);
                Operand::default()
            }
            Expr::MethodCall(m) => self.method_call(m),
            Expr::Call(c) => self.call(c),
            Expr::Macro(m) => self.mac(&m.mac),
            Expr::Block(b) => match &b.label {
                None => self.block(&b.block),
                Some(label) => {
                    let after = self.b.new_block();
                    let result = self.b.push_target(
                        Some(label.name.ident.to_string()),
                        false,
                        self.b.cur,
                        after,
                    );
                    let op = self.block(&b.block);
                    self.assign_to(result, op, span);
                    self.b.pop_target();
                    self.b.goto(after);
                    Operand::one(result, Mode::Move)
                }
            },
            Expr::Unsafe(u) => self.block(&u.block),
            Expr::TryBlock(t) => self.block(&t.block),
            Expr::Const(_) => Operand::default(),
            Expr::If(i) => self.if_expr(i),
            Expr::Match(m) => self.match_expr(m),
            Expr::Loop(l) => self.loop_expr(l.label.as_ref(), &l.body, LoopKind::Loop),
            Expr::While(w) => self.loop_expr(w.label.as_ref(), &w.body, LoopKind::While(&w.cond)),
            Expr::ForLoop(f) => {
                self.loop_expr(f.label.as_ref(), &f.body, LoopKind::For(&f.pat, &f.expr))
            }
            Expr::Break(b) => {
                let kw = self.cx.span_of(&b.break_token);
                self.jump(b.label.as_ref(), b.expr.as_deref(), ExitKind::Break, kw);
                Operand::default()
            }
            Expr::Continue(c) => {
                let kw = self.cx.span_of(&c.continue_token);
                self.jump(c.label.as_ref(), None, ExitKind::Continue, kw);
                Operand::default()
            }
            Expr::Return(r) => {
                let op = r.expr.as_ref().map(|v| self.expr(v));
                let kw = self.cx.span_of(&r.return_token);
                let kind = if r.expr.as_deref().is_some_and(is_failure) {
                    ExitKind::Fail
                } else {
                    ExitKind::Return
                };
                self.leave_fn(op, span, kind, kw);
                Operand::default()
            }
            Expr::Try(t) => {
                if let Some(op) = self.try_with_error_closure(t) {
                    return op;
                }
                let op = self.expr(&t.expr);
                let q = self.cx.span_of(&t.question_token);
                self.early_exit(&op, q);
                op
            }
            Expr::Await(a) => {
                let op = self.expr(&a.base);
                self.b.emit(Event::Await {
                    span: self.cx.span_of(&a.await_token),
                });
                op
            }
            Expr::Closure(c) => {
                let params: Vec<&syn::Pat> = c.inputs.iter().collect();
                let head = crate::ir::Span::new(
                    self.cx.span_of(&c.inputs_begin).start as usize,
                    self.cx.span_of(&c.inputs_end).end as usize,
                );
                self.nested_body(
                    BodyKind::Closure,
                    head,
                    c.capture.is_some(),
                    &params,
                    Nested::Expr(&c.body),
                )
            }
            Expr::Async(a) => {
                let head = self.cx.span_of(&a.async_token);
                self.nested_body(
                    BodyKind::AsyncBlock,
                    head,
                    a.capture.is_some(),
                    &[],
                    Nested::Block(&a.block),
                )
            }
            Expr::Struct(s) => {
                for fv in &s.fields {
                    let op = self.expr(&fv.expr);
                    self.consume(op, self.cx.expr(&fv.expr), false);
                }
                if let Some(rest) = &s.rest {
                    let op = self.expr(rest);
                    self.read(op, span);
                }
                Operand::default()
            }
            Expr::Tuple(t) => {
                let mut op = Operand::default();
                for el in &t.elems {
                    op.extend(self.expr(el));
                }
                op
            }
            Expr::Array(a) => {
                for el in &a.elems {
                    let op = self.expr(el);
                    self.consume(op, self.cx.expr(el), false);
                }
                Operand::default()
            }
            Expr::Repeat(r) => {
                let op = self.expr(&r.expr);
                self.consume(op, span, false);
                Operand::default()
            }
            Expr::Range(r) => {
                for x in r.start.iter().chain(r.end.iter()) {
                    let op = self.expr(x);
                    self.read(op, span);
                }
                Operand::default()
            }
            Expr::Let(l) => {
                let op = self.expr(&l.expr);
                self.read(op, span);
                self.declare_pattern_names(&l.pat);
                Operand::default()
            }
            Expr::Yield(y) => {
                if let Some(v) = &y.expr {
                    let op = self.expr(v);
                    self.consume(op, span, false);
                }
                Operand::default()
            }
            _ => Operand::default(),
        }
    }

    /// `e?` (and `try!`/`ready!`): the failure edge leaves the body; the value
    /// of `e` is not there on that edge.
    pub fn early_exit(&mut self, op: &Operand, span: crate::ir::Span) {
        let from = self.b.cur;
        let fail = self.b.new_block();
        self.b.edge(from, fail);
        self.b.cur = fail;
        for &(place, mode) in &op.places {
            if mode == Mode::Move {
                self.b.emit(Event::Vanish { place });
            }
        }
        self.leave_fn(None, span, ExitKind::Try, span);
        let ok = self.b.new_block();
        self.b.edge(from, ok);
        self.b.cur = ok;
        self.unwrapped(op);
    }

    /// The success edge of `op` (after its `?`, its `unwrap()`).
    fn unwrapped(&mut self, op: &Operand) {
        for &(place, mode) in &op.places {
            if mode == Mode::Move {
                self.b.emit(Event::Unwrapped { place });
            }
        }
    }

    /// `r.map_err(|e| { pool.put(buf); e })?`: the closure runs only when
    /// `r` is an error, and the `?` then leaves the body, so its body is
    /// lowered inline on that edge (a release in it applies there only).
    fn try_with_error_closure(&mut self, t: &syn::ExprTry) -> Option<Operand> {
        let Expr::MethodCall(m) = &*t.expr else {
            return None;
        };
        let [Expr::Closure(c)] = m.args.iter().collect::<Vec<_>>()[..] else {
            return None;
        };
        if !ERROR_CLOSURES.contains(&m.method.to_string().as_str()) {
            return None;
        }
        let op = self.expr(&m.receiver);
        let q = self.cx.span_of(&t.question_token);
        let from = self.b.cur;
        let fail = self.b.new_block();
        self.b.edge(from, fail);
        self.b.cur = fail;
        for &(place, mode) in &op.places {
            if mode == Mode::Move {
                self.b.emit(Event::Vanish { place });
            }
        }
        self.b.push_scope();
        for p in &c.inputs {
            self.declare_pattern_names(p);
        }
        let mark = self.b.temp_mark();
        // What the closure makes is the error the `?` returns.
        let body = self.expr(&c.body);
        let end = self.cx.expr(&c.body);
        self.consume(body, end, true);
        self.b.drop_temps(mark, end);
        self.b.pop_scope(end);
        self.leave_fn(None, q, ExitKind::Try, q);
        let ok = self.b.new_block();
        self.b.edge(from, ok);
        self.b.cur = ok;
        self.unwrapped(&op);
        Some(op)
    }

    /// The place an expression denotes, if it is one (`x`, `self.a.b`, `*x`).
    pub fn place_of(&mut self, e: &Expr) -> Option<PlaceId> {
        match e {
            Expr::Path(p) if p.qself.is_none() => {
                let ident = p.path.get_ident()?;
                self.b.lookup(&ident.to_string())
            }
            Expr::Field(f) => {
                let base = self.place_of(&f.base)?;
                let name = match &f.member {
                    Member::Named(i) => i.to_string(),
                    Member::Unnamed(i) => i.index.to_string(),
                };
                Some(self.b.field(base, &name))
            }
            Expr::Paren(p) => self.place_of(&p.expr),
            Expr::Group(g) => self.place_of(&g.expr),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.place_of(&u.expr),
            _ => None,
        }
    }

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
                let segs: Vec<String> = p
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                let Some(f) = segs.last() else { return info };
                let q = segs.len().checked_sub(2).map(|i| segs[i].as_str());
                if matches!(q, Some("Rc" | "Arc")) {
                    info.shared = true;
                }
                if is_wrapping_ctor(q, f) {
                    let inner = c.args.first().map(|a| self.type_of(a)).unwrap_or_default();
                    info.ty = inner.ty;
                } else {
                    info.ty = Some(TypeRef::CallResult(
                        self.qualified_prefix(&p.path),
                        f.clone(),
                    ));
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
    fn qualified_prefix(&self, path: &syn::Path) -> Option<String> {
        if path.segments.len() < 2 {
            return None;
        }
        let mut prefix = path.clone();
        prefix.segments.pop();
        prefix.segments.pop_punct();
        self.cx.types.qualify(&prefix, self.self_type.as_deref())
    }

    fn method_call(&mut self, m: &syn::ExprMethodCall) -> Operand {
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
            // A failure panics: the way on is the success edge.
            if matches!(name.as_str(), "unwrap" | "expect") {
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
                    if (temp && mode == Mode::Move) || consuming {
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
    fn args_with_hints(
        &mut self,
        args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>,
        hint: impl Fn(u32) -> ClosureHint,
    ) -> Vec<Arg> {
        let mut out = Vec::with_capacity(args.len());
        for (i, a) in args.iter().enumerate() {
            if matches!(a, Expr::Closure(_)) {
                self.closure_param = Some(hint(i as u32));
            }
            let op = self.expr(a);
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

    fn args_of(&mut self, args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>) -> Vec<Arg> {
        let mut out = Vec::with_capacity(args.len());
        for a in args {
            let op = self.expr(a);
            out.push(Arg {
                places: op.places,
                span: self.cx.expr(a),
                non_pointer: false,
                value_of: None,
            });
        }
        out
    }

    fn call(&mut self, c: &syn::ExprCall) -> Operand {
        let span = self.cx.join_pub(
            super::spans::expr_start(&c.func),
            c.paren_token.span.close(),
        );
        let Expr::Path(p) = &*c.func else {
            let f = self.expr(&c.func);
            self.read(f, span);
            let args = self.args_of(&c.args);
            let callee = Callee {
                name: String::new(),
                qualifier: None,
                qualified: None,
                receiver_type: None,
                is_method: false,
                arg_count: args.len(),
                claim: None,
            };
            let result = self.b.call(callee, None, args, span);
            return Operand::one(result, Mode::Move);
        };
        let segs: Vec<String> = p
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let name = segs.last().cloned().unwrap_or_default();
        let qualifier = segs.len().checked_sub(2).map(|i| {
            let q = &segs[i];
            if q == "Self" {
                self.self_type.clone().unwrap_or_else(|| q.clone())
            } else {
                q.clone()
            }
        });
        let in_mem = matches!(qualifier.as_deref(), Some("mem") | None);
        match (qualifier.as_deref(), name.as_str()) {
            (_, "drop") if in_mem && c.args.len() == 1 => {
                let op = self.expr(&c.args[0]);
                for (place, mode) in op.places {
                    match mode {
                        Mode::Move | Mode::Share => self.b.emit(Event::Drop {
                            place,
                            kind: DropKind::Explicit,
                            span,
                        }),
                        Mode::Borrow | Mode::Shared => self.b.emit(Event::Use {
                            place,
                            span,
                            weak: false,
                        }),
                    }
                }
                return Operand::default();
            }
            (Some("mem"), "take" | "replace" | "swap") => return self.mem_call(&name, c, span),
            // `Arc::get_mut(&mut a)` and `Arc::make_mut` give a reference into `a`.
            (Some("Rc" | "Arc"), "clone" | "get_mut" | "make_mut") if c.args.len() == 1 => {
                return self.expr(&c.args[0]).borrowed();
            }
            (q, n) if is_wrapping_ctor(q, n) => {
                let mut op = Operand::default();
                for a in &c.args {
                    op.extend(self.expr(a));
                }
                return op;
            }
            (q, n) => {
                if let Some(op) = self.conversion_call(q, n, c, span) {
                    return op;
                }
            }
        }
        let qualified = if p.qself.is_none() {
            self.qualified_prefix(&p.path)
        } else {
            None
        };
        let args = self.args_with_hints(&c.args, |arg| ClosureHint::Argument {
            recv: None,
            qualifier: qualified.clone(),
            name: name.clone(),
            arg,
        });
        let callee = Callee {
            name,
            qualifier,
            qualified,
            receiver_type: None,
            is_method: false,
            arg_count: args.len(),
            claim: None,
        };
        let result = self.b.call(callee, None, args, span);
        Operand::one(result, Mode::Move)
    }

    /// `mem::take(&mut p)`, `mem::replace(&mut p, v)`, `mem::swap(&mut a, &mut b)`.
    fn mem_call(&mut self, name: &str, c: &syn::ExprCall, span: crate::ir::Span) -> Operand {
        let target = |lw: &mut Self, e: &Expr| match e {
            Expr::Reference(r) => lw.place_of(&r.expr),
            other => lw.place_of(other),
        };
        let first = c.args.first().and_then(|a| target(self, a));
        let Some(src) = first else {
            for a in &c.args {
                let op = self.expr(a);
                self.read(op, span);
            }
            return Operand::default();
        };
        let result = self.b.temp();
        self.b.emit(Event::Take {
            dest: result,
            src,
            span,
        });
        match (name, c.args.iter().nth(1)) {
            ("replace", Some(v)) => {
                let op = self.expr(v);
                self.assign_to(src, op, span);
            }
            ("swap", Some(other)) => {
                if let Some(o) = target(self, other) {
                    self.b.emit(Event::Take {
                        dest: src,
                        src: o,
                        span,
                    });
                    self.b.emit(Event::Move {
                        dest: o,
                        src: result,
                        span,
                    });
                }
                return Operand::default();
            }
            _ => {}
        }
        Operand::one(result, Mode::Move)
    }

    /// `left = right`: the old value of a place is overwritten.
    fn assign(&mut self, left: &Expr, right: &Expr, span: crate::ir::Span) {
        let op = self.expr(right);
        if matches!(left, Expr::Infer(_)) {
            self.discard(op, span);
            return;
        }
        let Some(place) = self.place_of(left) else {
            // `v[i] = x`, `*f() = x`: stored somewhere we do not track.
            // `*self.state.write() = x`: what the guard gives access to is overwritten.
            let lop = match left {
                Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
                    let lop = self.expr(&u.expr);
                    let kind = assign_kind(right);
                    for &(p, _) in &lop.places {
                        self.b.emit(Event::Assign {
                            place: p,
                            kind,
                            span,
                        });
                    }
                    lop
                }
                _ => self.expr(left),
            };
            self.read(lop, span);
            self.consume(op, span, false);
            return;
        };
        let kind = assign_kind(right);
        self.b.emit(Event::Assign { place, kind, span });
        self.assign_to(place, op, span);
    }
}

/// `Err(..)` or `None`: a failure a fn returns.
fn is_failure(e: &Expr) -> bool {
    match e {
        Expr::Path(p) => p.path.is_ident("None"),
        Expr::Call(c) => matches!(&*c.func, Expr::Path(p) if p.path.is_ident("Err")),
        Expr::Paren(p) => is_failure(&p.expr),
        _ => false,
    }
}

/// Classify what a place is overwritten with.
fn assign_kind(e: &Expr) -> AssignKind {
    match e {
        Expr::Path(p) if p.path.is_ident("None") => AssignKind::Null,
        Expr::Lit(_) | Expr::Struct(_) => AssignKind::Fresh,
        Expr::Array(a) if a.elems.is_empty() => AssignKind::Empty,
        Expr::Array(_) => AssignKind::Fresh,
        Expr::Macro(m) if m.mac.path.is_ident("vec") => {
            if m.mac.tokens.is_empty() {
                AssignKind::Empty
            } else {
                AssignKind::Fresh
            }
        }
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) => {
                let last = p
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                let zero = |e: &Expr| matches!(e, Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(i), .. }) if i.base10_digits() == "0");
                match last.as_str() {
                    "default" | "new" if c.args.is_empty() => AssignKind::Empty,
                    "with_capacity" if c.args.len() == 1 && c.args.first().is_some_and(zero) => {
                        AssignKind::Empty
                    }
                    "new" | "with_capacity" => AssignKind::Fresh,
                    _ => AssignKind::Other,
                }
            }
            _ => AssignKind::Other,
        },
        _ => AssignKind::Other,
    }
}

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
