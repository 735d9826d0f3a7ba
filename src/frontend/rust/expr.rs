//! Lowering of expressions to operands and events: the dispatch over
//! expression kinds, `?` and early exits, places and assignments. Method
//! calls are in `method_call.rs`, path calls in `call.rs`, and what an
//! expression's type is in `type_of.rs`.

use super::lower::{LoopKind, Lowerer, Nested, Operand};
use crate::ir::{AssignKind, BodyKind, Event, ExitKind, Mode, PlaceId};
use syn::{Expr, Member};

/// Methods whose closure runs only on the error (or `None`) path: followed
/// by `?`, its body runs right before the body is left.
const ERROR_CLOSURES: &[&str] = &[
    "map_err",
    "inspect_err",
    "ok_or_else",
    "with_context",
    "wrap_err_with",
];

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
                // `*p` reads through `p`; the value it yields is a copy, not an
                // alias. A copy of a loop's element is that element (`for k in
                // &self.keys { slab.remove(*k) }`).
                let op = self.expr(&u.expr);
                if let [(place, _)] = op.places[..]
                    && matches!(u.op, syn::UnOp::Deref(_))
                    && self.loop_elements.contains(&place)
                {
                    return Operand::one(place, Mode::Move);
                }
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
    pub(super) fn unwrapped(&mut self, op: &Operand) {
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
