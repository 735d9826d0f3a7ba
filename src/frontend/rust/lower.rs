//! Lowering of function bodies, closures and async blocks from `syn` to the
//! pool IR. Statements and control flow live here; expressions that produce
//! operands are in `expr.rs`, patterns in `pattern.rs`.

use super::builder::{Builder, LocalInfo};
use super::types;
use crate::ir::{Body, BodyKind, Event, ExitKind, Mode, PlaceId, PlaceKind, Span, TypeRef};
use proc_macro2::extra::DelimSpan;
use std::cell::RefCell;
use std::collections::HashMap;
use syn::spanned::Spanned;
use syn::{Block, Expr, FnArg, Pat, Signature, Stmt};

/// Deeper than this, a body is marked too deep and left unanalysed.
const MAX_DEPTH: usize = 1500;

/// The value of an expression in terms of places: what it moves and what it points into.
#[derive(Clone, Debug, Default)]
pub struct Operand {
    pub places: Vec<(PlaceId, Mode)>,
}

impl Operand {
    pub fn one(place: PlaceId, mode: Mode) -> Operand {
        Operand {
            places: vec![(place, mode)],
        }
    }

    pub fn borrowed(mut self) -> Operand {
        self.places.iter_mut().for_each(|(_, m)| *m = Mode::Borrow);
        self
    }

    pub fn shared(mut self) -> Operand {
        self.places.iter_mut().for_each(|(_, m)| *m = Mode::Shared);
        self
    }

    pub fn extend(&mut self, other: Operand) {
        self.places.extend(other.places);
    }
}

/// Per-file context shared by every body lowered from it.
pub struct FileCx<'t> {
    /// Added to every byte offset (a stripped byte-order mark).
    pub base: usize,
    /// The text syn parsed, and where each of its lines starts.
    text: &'t str,
    line_starts: Vec<usize>,
    ascii: bool,
    /// Per non-ASCII line (1-based): the byte offset of each char.
    wide_lines: RefCell<HashMap<usize, Vec<u32>>>,
    /// How the file's `use` items name types.
    pub types: types::TypeScope,
}

impl<'t> FileCx<'t> {
    pub fn new(text: &'t str, base: usize) -> Self {
        FileCx {
            base,
            text,
            line_starts: std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
            ascii: text.is_ascii(),
            wide_lines: RefCell::default(),
            types: types::TypeScope::default(),
        }
    }

    /// The source text of a span of this file (empty when out of range).
    pub fn source(&self, span: Span) -> &'t str {
        let start = (span.start as usize).saturating_sub(self.base);
        let end = (span.end as usize).saturating_sub(self.base);
        self.text.get(start..end).unwrap_or("")
    }

    /// A span's byte range. proc-macro2's own `byte_range` memoizes every
    /// offset in a map and was a tenth of the run; spans carry their line and
    /// column (in chars) already, and this file's lines are mostly ASCII.
    pub fn span(&self, s: proc_macro2::Span) -> Span {
        Span::new(
            self.offset(s.start()) + self.base,
            self.offset(s.end()) + self.base,
        )
    }

    fn offset(&self, at: proc_macro2::LineColumn) -> usize {
        // Line 0: a span without location (a macro-made token).
        let Some(&start) = at.line.checked_sub(1).and_then(|l| self.line_starts.get(l)) else {
            return 0;
        };
        let end = self
            .line_starts
            .get(at.line)
            .copied()
            .unwrap_or(self.text.len());
        if self.ascii {
            return (start + at.column).min(end);
        }
        let line = &self.text[start..end];
        // Columns count chars: up to a first non-ASCII char they are bytes.
        let prefix = &line.as_bytes()[..at.column.min(line.len())];
        if prefix.is_ascii() && at.column <= line.len() {
            return start + at.column;
        }
        let mut wide = self.wide_lines.borrow_mut();
        let chars = wide
            .entry(at.line)
            .or_insert_with(|| line.char_indices().map(|(i, _)| i as u32).collect());
        start + chars.get(at.column).map_or(line.len(), |&b| b as usize)
    }

    /// 1-based line of a byte offset of the file (as in a `Span`).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.saturating_sub(self.base);
        self.line_starts.partition_point(|&start| start <= offset)
    }

    pub fn span_of<T: Spanned>(&self, t: &T) -> Span {
        self.span(t.span())
    }

    pub fn close(&self, d: &DelimSpan) -> Span {
        self.span(d.close())
    }

    pub fn join_pub(&self, start: proc_macro2::Span, end: proc_macro2::Span) -> Span {
        self.join(start, end)
    }

    fn join(&self, start: proc_macro2::Span, end: proc_macro2::Span) -> Span {
        let (a, b) = (self.span(start), self.span(end));
        Span {
            start: a.start,
            end: b.end.max(a.start),
        }
    }

    /// The span of an expression, in time independent of its size.
    pub fn expr(&self, e: &Expr) -> Span {
        self.join(super::spans::expr_start(e), super::spans::expr_end(e))
    }

    pub fn stmt(&self, s: &Stmt) -> Span {
        let (a, b) = super::spans::stmt_bounds(s);
        self.join(a, b)
    }

    pub fn mac(&self, m: &syn::Macro) -> Span {
        let (a, b) = super::spans::mac_bounds(m);
        self.join(a, b)
    }

    pub fn block(&self, b: &Block) -> Span {
        self.join(b.brace_token.span.open(), b.brace_token.span.close())
    }
}

/// Lowers one body and collects the nested closures and async blocks it contains.
pub struct Lowerer<'f> {
    pub cx: &'f FileCx<'f>,
    pub b: Builder,
    pub self_type: Option<String>,
    /// Type parameters in scope and their trait bounds.
    pub generics: std::rc::Rc<Vec<(String, Vec<String>)>>,
    /// Closures and async blocks found inside, lowered as bodies of their own.
    pub nested: Vec<Body>,
    /// Items (nested fns) found in the body: lowered by the item walker.
    pub items: Vec<syn::Item>,
    /// The types of the parameters of the closure about to be lowered, when
    /// it is the argument of a combinator on a typed receiver (`conn.map(|c|
    /// ..)`: `c` has the payload's type) or of a fn whose signature types it.
    pub closure_param: Option<ClosureHint>,
    /// Locals bound to a part of a call's result taken apart at once
    /// (`let (data, len) = r.pop_buf()`): a pointer handed out that way is
    /// the handle itself, and a view built from it carries it on.
    pub result_parts: std::collections::HashSet<PlaceId>,
    /// Temporaries that are a lock's or a cell's view of a place
    /// (`self.free.lock()`, `self.list.borrow_mut()`): a method called on
    /// the view acts on the place (`self.free.lock().unwrap().pop()`).
    pub views: HashMap<PlaceId, PlaceId>,
    /// The element type of a parameter a `for` loop may iterate
    /// (`bufs: &[CommandBuffer]`, `I: IntoIterator<Item = &'a T>`).
    pub elements: HashMap<PlaceId, TypeRef>,
    /// The names `for` loops bind to a collection's elements (see
    /// [`Event::Element`]): `*k` of one is that element, copied.
    pub loop_elements: std::collections::HashSet<PlaceId>,
}

/// Information about the fn being lowered.
pub struct FnHeader<'a> {
    pub sig: &'a Signature,
    pub self_type: Option<String>,
    pub trait_name: Option<String>,
    pub display: String,
    /// Type parameters in scope and their trait bounds (`Self` of a trait's
    /// default method is bounded by the trait).
    pub generics: Vec<(String, Vec<String>)>,
}

pub fn lower_fn(
    cx: &FileCx<'_>,
    header: &FnHeader<'_>,
    block: &Block,
) -> (Vec<Body>, Vec<syn::Item>) {
    let sig = header.sig;
    let mut lw = Lowerer::new(
        cx,
        Builder::new(
            BodyKind::Fn,
            header.display.clone(),
            cx.span_of(&sig.ident),
            None,
        ),
        header.self_type.clone(),
        std::rc::Rc::new(header.generics.clone()),
    );
    lw.b.body.fn_name = Some(sig.ident.to_string());
    lw.b.body.self_type = header.self_type.clone();
    lw.b.body.trait_name = header.trait_name.clone();
    if let syn::ReturnType::Type(_, ty) = &sig.output
        && !types::carries_no_value(ty)
    {
        lw.b.body.returns = lw.type_ref(ty).and_then(|t| match t {
            TypeRef::Named(n) => Some(n),
            _ => None,
        });
    }
    if let syn::ReturnType::Type(_, ty) = &sig.output {
        // `Result<(), E>` too: a fallible callee that returns nothing.
        lw.b.body.returns_wrapped = types::is_option_or_result(ty);
    }
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(r) => {
                let ty = match (&header.self_type, &header.trait_name) {
                    (Some(t), _) => Some(TypeRef::Named(t.clone())),
                    (None, Some(tr)) => Some(TypeRef::Bounded(vec![tr.clone()])),
                    (None, None) => None,
                };
                let p = lw.b.declare("self", LocalInfo { ty, shared: false });
                let by_value = matches!(r.kind, syn::ReceiverKind::Value);
                lw.b.body.receiver = Some((p, by_value));
            }
            FnArg::Typed(pt) => {
                let info = LocalInfo {
                    ty: lw.type_ref(&pt.ty),
                    shared: types::is_shared_pointer(&pt.ty),
                };
                let by_value = !matches!(*pt.ty, syn::Type::Reference(_));
                let element =
                    types::element_type(&pt.ty, &sig.generics).and_then(|t| lw.type_ref(t));
                let place = match &*pt.pat {
                    Pat::Ident(id) => Some(lw.b.declare(&id.ident.to_string(), info)),
                    other => {
                        lw.declare_pattern_names(other);
                        None
                    }
                };
                // `data: &mut SurfaceData`: the caller's value, as `&mut self` is.
                if let (Some(p), syn::Type::Reference(r)) = (place, &*pt.ty)
                    && r.mutability.is_some()
                {
                    lw.b.body.places[p as usize].borrowed = true;
                }
                if let (Some(p), Some(element)) = (place, element) {
                    lw.elements.insert(p, element);
                }
                lw.b.body.params.push(place.filter(|_| by_value));
            }
        }
    }
    lw.b.body.type_args = types::param_type_names(sig, &lw.cx.types, header.self_type.as_deref());
    let end = cx.close(&block.brace_token.span);
    lw.body_block(block, end);
    let Lowerer {
        b,
        mut nested,
        items,
        ..
    } = lw;
    let too_deep = b.too_deep;
    let body = b.finish(end);
    if !too_deep {
        nested.insert(0, body);
    }
    (nested, items)
}

impl<'f> Lowerer<'f> {
    /// A written type as a [`TypeRef`]: a type parameter by its bounds
    /// (`None` without any), anything else by its qualified name.
    pub fn type_ref(&self, ty: &syn::Type) -> Option<TypeRef> {
        let name = types::core_name(ty, &self.cx.types, self.self_type.as_deref())?;
        match self.generics.iter().rev().find(|(g, _)| *g == name) {
            Some((_, bounds)) if bounds.is_empty() => None,
            Some((_, bounds)) => Some(TypeRef::Bounded(bounds.clone())),
            None => Some(TypeRef::Named(name)),
        }
    }

    /// The parameter a `for` loop over `iter` walks and the element type it
    /// binds, where the parameter's type says it (`for b in bufs`,
    /// `bufs.iter()`, `&mut bufs`).
    fn element_of(&mut self, iter: &Expr) -> Option<(PlaceId, TypeRef)> {
        match iter {
            Expr::Reference(r) => self.element_of(&r.expr),
            Expr::Paren(p) => self.element_of(&p.expr),
            Expr::MethodCall(m)
                if m.args.is_empty()
                    && matches!(
                        m.method.to_string().as_str(),
                        "iter" | "iter_mut" | "into_iter"
                    ) =>
            {
                self.element_of(&m.receiver)
            }
            Expr::Path(p) => {
                let place = self.b.lookup(&p.path.get_ident()?.to_string())?;
                Some((place, self.elements.get(&place)?.clone()))
            }
            _ => None,
        }
    }

    /// A fn or closure body block: its tail value is returned.
    fn body_block(&mut self, block: &Block, end: Span) {
        self.b.push_scope();
        let tail = self.stmts(&block.stmts);
        if let Some((op, span)) = tail {
            self.consume(op, span, true);
        }
        let mark = 0;
        self.b.drop_temps(mark, end);
        self.b.pop_scope(end);
    }

    /// Lower statements; returns the operand of a trailing expression without `;`.
    pub fn stmts(&mut self, stmts: &[Stmt]) -> Option<(Operand, Span)> {
        let mut tail = None;
        let mut i = 0;
        while i < stmts.len() {
            // Consecutive `#[cfg(..)]` statements are alternatives (one per
            // configuration, as `#[cfg(feature = "std")]` beside
            // `#[cfg(not(feature = "std"))]`): lowered as branches, never one
            // after the other.
            let run = stmts[i..]
                .iter()
                .take(stmts.len() - i - 1)
                .take_while(|s| is_cfg_gated(s))
                .count();
            if run >= 2 {
                let dispatch = self.b.cur;
                let join = self.b.new_block();
                for stmt in &stmts[i..i + run] {
                    let start = self.b.new_block();
                    self.b.edge(dispatch, start);
                    self.b.cur = start;
                    self.stmt(stmt, false);
                    self.b.goto(join);
                }
                self.b.cur = join;
                i += run;
                continue;
            }
            let last = i + 1 == stmts.len();
            if let Some(t) = self.stmt(&stmts[i], last) {
                tail = Some(t);
            }
            i += 1;
        }
        tail
    }

    /// Lower one statement; returns the operand of a trailing expression
    /// without `;` (when `last`).
    fn stmt(&mut self, stmt: &Stmt, last: bool) -> Option<(Operand, Span)> {
        let mark = self.b.temp_mark();
        let span = self.cx.stmt(stmt);
        match stmt {
            Stmt::Local(local) => self.local(local),
            Stmt::Item(item) => self.items.push(item.clone()),
            Stmt::Expr(expr, semi) => {
                let op = self.expr(expr);
                if last && semi.is_none() {
                    return Some((op, span));
                }
                self.discard(op, span);
            }
            Stmt::Macro(m) => {
                let op = self.mac(&m.mac);
                self.discard(op, span);
            }
        }
        self.b.drop_temps(mark, span);
        None
    }

    fn local(&mut self, local: &syn::Local) {
        let span = self.cx.join(local.let_token.span, local.semi_token.span);
        let Some(init) = &local.init else {
            self.declare_pattern_names(&local.pat);
            return;
        };
        let op = self.expr(&init.expr);
        let inferred = self.type_of(&init.expr);
        if let Some((_, diverge)) = &init.diverge {
            // `let PAT = e else { .. }`: the else branch sees the pattern fail.
            let ok = self.b.new_block();
            let fail = self.b.new_block();
            self.b.edge(self.b.cur, ok);
            self.b.edge(self.b.cur, fail);
            self.b.cur = fail;
            self.refute(&op, &local.pat);
            let dop = self.expr(diverge);
            self.discard(dop, span);
            // A diverging else never falls through; if it does (bad code), join anyway.
            self.b.goto(ok);
        }
        self.bind(op, &local.pat, inferred, span);
        // `let data = user_data.get_mut::<Data>().unwrap()`: a view of a
        // value stored in a type map.
        if let syn::Pat::Ident(id) = &local.pat
            && super::type_of::is_typed_lookup_chain(&init.expr)
            && let Some(place) = self.b.lookup(&id.ident.to_string())
        {
            self.b.body.places[place as usize].borrowed = true;
        }
    }

    /// A statement value nobody uses: temps it produced are dropped, locals just read.
    pub fn discard(&mut self, op: Operand, span: Span) {
        for (place, _) in op.places {
            if self.b.body.places[place as usize].kind == PlaceKind::Temp {
                self.b.emit(Event::Drop {
                    place,
                    kind: crate::ir::DropKind::Discarded,
                    span,
                });
            } else {
                self.b.emit(Event::Use {
                    place,
                    span,
                    weak: true,
                });
            }
        }
    }

    /// A value that leaves: moved places are transferred, borrowed ones read.
    pub fn consume(&mut self, op: Operand, span: Span, returned: bool) {
        for (place, mode) in op.places {
            match mode {
                Mode::Move | Mode::Share => self.b.emit(Event::Transfer {
                    place,
                    span,
                    returned,
                }),
                Mode::Borrow | Mode::Shared => self.b.emit(Event::Use {
                    place,
                    span,
                    weak: false,
                }),
            }
        }
    }

    /// A value only read (a condition, an operator operand, a format argument).
    pub fn read(&mut self, op: Operand, span: Span) {
        self.read_as(op, span, true);
    }

    pub fn read_as(&mut self, op: Operand, span: Span, weak: bool) {
        for (place, _) in op.places {
            if self.b.body.places[place as usize].kind != PlaceKind::Temp {
                self.b.emit(Event::Use { place, span, weak });
            }
        }
    }

    /// `dest` receives the operand: owners move in, borrows become aliases.
    pub fn assign_to(&mut self, dest: PlaceId, op: Operand, span: Span) {
        for (src, mode) in op.places {
            // `let mut free = self.free.lock().unwrap();` keeps the view.
            if let Some(&viewed) = self.views.get(&src)
                && self.b.body.places[dest as usize].kind == PlaceKind::Local
            {
                self.views.insert(dest, viewed);
                self.b.body.places[dest as usize].borrowed = true;
            }
            // `let inner = cmd.inner.borrow_mut();`, `let s = &mut self.slot;`:
            // a mutable view of stored data, whose fields hold what the
            // storage held on entry.
            if mode == Mode::Borrow
                && self.b.body.places[dest as usize].kind == PlaceKind::Local
                && (self.b.body.places[src as usize].kind == PlaceKind::Field
                    || self.b.body.places[src as usize].borrowed)
            {
                self.b.body.places[dest as usize].borrowed = true;
            }
            match mode {
                Mode::Move | Mode::Share => self.b.emit(Event::Move { dest, src, span }),
                Mode::Borrow | Mode::Shared => self.b.emit(Event::Alias {
                    dest,
                    of: src,
                    span,
                }),
            }
        }
    }

    pub fn enter(&mut self) -> bool {
        self.b.depth += 1;
        if self.b.depth > MAX_DEPTH {
            self.b.too_deep = true;
        }
        !self.b.too_deep
    }

    pub fn leave(&mut self) {
        self.b.depth -= 1;
    }

    /// A block used as an expression: `{ .. }` with its own scope.
    pub fn block(&mut self, block: &Block) -> Operand {
        let end = self.cx.close(&block.brace_token.span);
        self.b.push_scope();
        let tail = self.stmts(&block.stmts);
        let result = match tail {
            Some((op, span)) if !op.places.is_empty() => {
                let t = self.b.join_temp();
                self.assign_to(t, op, span);
                Operand::one(t, Mode::Move)
            }
            _ => Operand::default(),
        };
        self.b.pop_scope(end);
        result
    }

    /// `if`, `if let`, and let chains.
    pub fn if_expr(&mut self, e: &syn::ExprIf) -> Operand {
        let then_b = self.b.new_block();
        let else_b = self.b.new_block();
        let join = self.b.new_block();
        let result = self.b.join_temp();
        self.b.push_scope();
        self.condition(&e.cond, then_b, else_b);
        self.b.cur = then_b;
        let op = self.block(&e.then_branch);
        let span = self.cx.block(&e.then_branch);
        self.assign_to(result, op, span);
        self.b
            .pop_scope(self.cx.close(&e.then_branch.brace_token.span));
        self.b.goto(join);
        self.b.cur = else_b;
        if let Some((_, els)) = &e.else_branch {
            let op = self.expr(els);
            let span = self.cx.expr(els);
            self.assign_to(result, op, span);
        }
        self.b.goto(join);
        Operand::one(result, Mode::Move)
    }

    /// Lower a condition, branching to `yes`/`no`; `let` patterns bind in `yes`.
    fn condition(&mut self, cond: &Expr, yes: u32, no: u32) {
        match cond {
            Expr::Let(l) => {
                let op = self.expr(&l.expr);
                let inferred = self.type_of(&l.expr);
                let from = self.b.cur;
                let fail = self.b.new_block();
                self.b.edge(from, fail);
                self.b.cur = fail;
                self.refute(&op, &l.pat);
                self.b.goto(no);
                let ok = self.b.new_block();
                self.b.edge(from, ok);
                self.b.cur = ok;
                self.bind(
                    op,
                    &l.pat,
                    inferred,
                    self.cx
                        .join(l.let_token.span, super::spans::expr_end(&l.expr)),
                );
                self.b.goto(yes);
            }
            Expr::Binary(bin) if matches!(bin.op, syn::BinOp::And(_)) => {
                let mid = self.b.new_block();
                self.condition(&bin.left, mid, no);
                self.b.cur = mid;
                self.condition(&bin.right, yes, no);
            }
            Expr::Paren(p) => self.condition(&p.expr, yes, no),
            other => {
                let op = self.expr(other);
                self.read(op, self.cx.expr(other));
                self.b.edge(self.b.cur, yes);
                self.b.edge(self.b.cur, no);
            }
        }
    }

    pub fn match_expr(&mut self, m: &syn::ExprMatch) -> Operand {
        let op = self.expr(&m.expr);
        let inferred = self.type_of(&m.expr);
        let dispatch = self.b.cur;
        let join = self.b.new_block();
        let result = self.b.join_temp();
        for arm in &m.arms {
            let start = self.b.new_block();
            self.b.edge(dispatch, start);
            self.b.cur = start;
            self.b.push_scope();
            let (pat, guard) = match &arm.pat {
                Pat::Guard(g) => (&*g.pat, Some(&g.guard)),
                p => (p, None),
            };
            let span = self.cx.span_of(&arm.pat);
            if super::pattern::binds_nothing(pat) {
                // `None`, `Err(_)`, `_` and other arms that bind nothing: the scrutinee's
                // value is not in them (or is left where it was).
                self.refute_arm(&op, pat);
            } else {
                self.bind(op.clone(), pat, inferred.clone(), span);
            }
            if let Some(g) = guard {
                let gop = self.expr(g);
                self.read(gop, self.cx.expr(g));
            }
            let body = self.expr(&arm.body);
            let bspan = self.cx.expr(&arm.body);
            self.assign_to(result, body, bspan);
            self.b.pop_scope(bspan);
            self.b.goto(join);
        }
        if m.arms.is_empty() {
            self.b.goto(join);
        }
        self.b.cur = join;
        Operand::one(result, Mode::Move)
    }

    pub fn loop_expr(
        &mut self,
        label: Option<&syn::Label>,
        body: &Block,
        kind: LoopKind<'_>,
    ) -> Operand {
        let label = label.map(|l| l.name.ident.to_string());
        // `for b in self.pending.drain(..)`: each turn takes the next element
        // out of the collection, so the drain is lowered once per turn and
        // its result bound to the pattern (as `while let Some(b) = v.pop()`
        // is); any other iterable is consumed once, before the loop.
        let per_turn = match &kind {
            LoopKind::For(_, iter) => drains(iter),
            _ => false,
        };
        if let LoopKind::For(_, iter) = &kind
            && !per_turn
        {
            let op = self.expr(iter);
            self.consume(op, self.cx.expr(iter), false);
        }
        let head = self.b.new_block();
        let after = self.b.new_block();
        self.b.goto(head);
        let result = self.b.push_target(label, true, head, after);
        let body_start = self.b.new_block();
        self.b.push_scope();
        match &kind {
            LoopKind::Loop => self.b.edge(head, body_start),
            LoopKind::While(cond) => {
                self.condition(cond, body_start, after);
            }
            LoopKind::For(pat, iter) => {
                self.b.edge(head, body_start);
                self.b.edge(head, after);
                self.b.cur = body_start;
                if per_turn {
                    let op = self.expr(iter);
                    let span = self.cx.expr(iter);
                    self.bind(op, pat, LocalInfo::default(), span);
                } else if let (Pat::Ident(id), Some((collection, ty))) =
                    (pat, self.element_of(iter))
                {
                    // An element of the caller's collection: its fields hold
                    // what they held on entry, afresh in each turn.
                    let info = LocalInfo {
                        ty: Some(ty),
                        shared: false,
                    };
                    let element = self.b.declare(&id.ident.to_string(), info);
                    self.b.body.places[element as usize].borrowed = true;
                    let span = self.cx.expr(iter);
                    self.b.emit(Event::Alias {
                        dest: element,
                        of: collection,
                        span,
                    });
                } else {
                    self.declare_pattern_names(pat);
                }
                self.elements_bound(pat, iter, per_turn);
            }
        }
        self.b.cur = body_start;
        let op = self.block(body);
        let span = self.cx.close(&body.brace_token.span);
        self.discard(op, span);
        self.b.pop_scope(span);
        self.b.goto(head);
        self.b.pop_target();
        self.b.cur = after;
        Operand::one(result, Mode::Move)
    }

    pub fn jump(
        &mut self,
        label: Option<&syn::Lifetime>,
        value: Option<&Expr>,
        kind: ExitKind,
        span: Span,
    ) {
        let op = value.map(|v| self.expr(v));
        let label = label.map(|l| l.ident.to_string());
        // Move the break value into the loop's result before the scopes close.
        let target = self.b.targets.iter().rev().find(|t| match &label {
            Some(l) => t.label.as_deref() == Some(l.as_str()),
            None => t.is_loop,
        });
        if let (Some(op), Some(result)) = (op, target.map(|t| t.result)) {
            self.assign_to(result, op, span);
        }
        if self.b.jump(label.as_deref(), kind, span).is_none() {
            // `break` outside any loop (bad code): treat as leaving the body.
            self.b.exit_body(kind, span);
        }
    }

    /// A closure or async block: a body of its own; the enclosing body sees its
    /// captures transferred (`move`, or consumed inside) or read.
    pub fn nested_body(
        &mut self,
        kind: BodyKind,
        span: Span,
        moves: bool,
        params: &[&Pat],
        body: Nested<'_>,
    ) -> Operand {
        let name = format!(
            "{} in {}",
            if kind == BodyKind::Closure {
                "closure"
            } else {
                "async block"
            },
            self.b.body.name
        );
        let mut inner = self.child(kind, name, span);
        let hint = self.closure_param.take();
        for (i, p) in params.iter().enumerate() {
            let ty = hint.as_ref().and_then(|h| h.param(i));
            match (p, ty) {
                (Pat::Ident(id), Some(ty)) if id.subpat.is_none() => {
                    let info = LocalInfo {
                        ty: Some(ty),
                        shared: false,
                    };
                    inner.b.declare(&id.ident.to_string(), info);
                }
                (Pat::Type(pt), _) => {
                    let info = LocalInfo {
                        ty: inner.type_ref(&pt.ty),
                        shared: types::is_shared_pointer(&pt.ty),
                    };
                    inner.bind(Operand::default(), &pt.pat, info, span);
                }
                _ => inner.declare_pattern_names(p),
            }
        }
        let end = match body {
            Nested::Block(b) => self.cx.close(&b.brace_token.span),
            Nested::Expr(e) => {
                let s = self.cx.expr(e);
                Span {
                    start: s.end,
                    end: s.end,
                }
            }
        };
        match body {
            Nested::Block(b) => inner.body_block(b, end),
            Nested::Expr(Expr::Block(b)) if b.label.is_none() => inner.body_block(&b.block, end),
            Nested::Expr(other) => {
                inner.b.push_scope();
                let op = inner.expr(other);
                inner.consume(op, self.cx.expr(other), true);
                inner.b.drop_temps(0, end);
                inner.b.pop_scope(end);
            }
        }
        let captures = std::mem::take(&mut inner.b.captures);
        let consumed: Vec<bool> = captures
            .iter()
            .map(|(_, p)| moves || inner.consumes(*p))
            .collect();
        self.too_deep_from(&inner);
        self.items.extend(std::mem::take(&mut inner.items));
        self.nested.extend(std::mem::take(&mut inner.nested));
        if !inner.b.too_deep {
            self.nested.push(inner.b.finish(end));
        }
        for ((name, _), consumed) in captures.into_iter().zip(consumed) {
            if let Some(place) = self.b.lookup(&name) {
                if consumed {
                    self.b.emit(Event::Transfer {
                        place,
                        span,
                        returned: false,
                    });
                } else {
                    self.b.emit(Event::Use {
                        place,
                        span,
                        weak: false,
                    });
                }
            }
        }
        Operand::default()
    }

    /// The calls code run later makes (a scope guard's closure, a
    /// `defer!`'s statements), lowered aside: they run when the guard
    /// drops, so only what they call is kept, not a body to analyse.
    pub fn deferred_calls(&mut self, code: Nested<'_>) -> Vec<crate::ir::Callee> {
        let span = self.b.body.span;
        let mut inner = self.child(BodyKind::Closure, String::new(), span);
        inner.b.push_scope();
        let op = match code {
            Nested::Block(b) => inner.block(b),
            Nested::Expr(e) => inner.expr(e),
        };
        inner.read(op, span);
        self.too_deep_from(&inner);
        let mut calls = std::mem::take(&mut inner.b.body.callees);
        for nested in std::mem::take(&mut inner.nested) {
            calls.extend(nested.callees);
        }
        calls
    }

    /// A lowerer of a body with nothing lowered yet.
    fn new(
        cx: &'f FileCx<'f>,
        b: Builder,
        self_type: Option<String>,
        generics: std::rc::Rc<Vec<(String, Vec<String>)>>,
    ) -> Lowerer<'f> {
        Lowerer {
            cx,
            b,
            self_type,
            generics,
            nested: Vec::new(),
            items: Vec::new(),
            closure_param: None,
            result_parts: Default::default(),
            views: Default::default(),
            elements: Default::default(),
            loop_elements: Default::default(),
        }
    }

    /// A lowerer for code nested in this body (a closure, an async block,
    /// a scope guard's deferred code), seeing this body's names.
    fn child(&self, kind: BodyKind, name: String, span: Span) -> Lowerer<'f> {
        let outer = self.b.visible_names();
        let mut inner = Lowerer::new(
            self.cx,
            Builder::new(kind, name, span, Some(outer)),
            self.self_type.clone(),
            self.generics.clone(),
        );
        inner.b.body.self_type = self.self_type.clone();
        inner.b.depth = self.b.depth;
        inner
    }

    fn too_deep_from(&mut self, inner: &Lowerer<'_>) {
        self.b.too_deep |= inner.b.too_deep;
    }

    /// Does the body move `place` anywhere (by-value call argument, transfer, move)?
    fn consumes(&self, place: PlaceId) -> bool {
        self.b
            .body
            .blocks
            .iter()
            .flat_map(|b| &b.events)
            .any(|ev| match ev {
                Event::Transfer { place: p, .. } => *p == place,
                Event::Move { src, .. } | Event::Take { src, .. } => *src == place,
                Event::Drop { place: p, .. } => *p == place,
                Event::Call { recv, args, .. } => recv
                    .iter()
                    .chain(args)
                    .any(|a| a.places.iter().any(|&(p, m)| p == place && m == Mode::Move)),
                _ => false,
            })
    }
}

/// Does a statement carry a `#[cfg(..)]` attribute?
fn is_cfg_gated(stmt: &Stmt) -> bool {
    let attrs: &[syn::Attribute] = match stmt {
        Stmt::Local(l) => &l.attrs,
        Stmt::Macro(m) => &m.attrs,
        Stmt::Item(_) => return false,
        Stmt::Expr(e, _) => match e {
            Expr::If(x) => &x.attrs,
            Expr::Match(x) => &x.attrs,
            Expr::Block(x) => &x.attrs,
            Expr::Call(x) => &x.attrs,
            Expr::MethodCall(x) => &x.attrs,
            Expr::Macro(x) => &x.attrs,
            Expr::Assign(x) => &x.attrs,
            Expr::Unsafe(x) => &x.attrs,
            Expr::ForLoop(x) => &x.attrs,
            Expr::While(x) => &x.attrs,
            Expr::Loop(x) => &x.attrs,
            Expr::Return(x) => &x.attrs,
            Expr::Try(x) => &x.attrs,
            Expr::Await(x) => &x.attrs,
            Expr::Path(x) => &x.attrs,
            _ => return false,
        },
    };
    attrs.iter().any(|a| a.path().is_ident("cfg"))
}

impl Lowerer<'_> {
    /// The names a `for` pattern binds each turn are elements of the
    /// collection it iterates, when that is a place (`self.keys`, `&ids`,
    /// `map.values()`, `v.iter().copied()`, `v.drain(..)`).
    fn elements_bound(&mut self, pat: &Pat, iter: &Expr, drains: bool) {
        let mut mutable = false;
        let Some(of) = iterated_place(iter, &mut mutable).and_then(|e| self.place_of(e)) else {
            return;
        };
        let span = self.cx.expr(iter);
        for element in self.pattern_places(pat) {
            self.loop_elements.insert(element);
            self.b.emit(Event::Element {
                element,
                of,
                drains,
                mutable,
                span,
            });
        }
    }
}

/// The collection an iterable walks: `&self.keys`, `keys.iter().copied()`,
/// `map.values()`, `v.drain(..)`, `self.slots.iter_mut()` name `self.keys`,
/// `keys`, `map`, `v`, `self.slots`; `mutable` is set when the elements are
/// mutable views of the slots (`iter_mut()`, `values_mut()`, `&mut v`).
fn iterated_place<'e>(iter: &'e Expr, mutable: &mut bool) -> Option<&'e Expr> {
    match iter {
        Expr::Reference(r) => {
            *mutable |= r.mutability.is_some();
            iterated_place(&r.expr, mutable)
        }
        Expr::Paren(p) => iterated_place(&p.expr, mutable),
        Expr::MethodCall(m)
            if (m.args.is_empty()
                && matches!(
                    m.method.to_string().as_str(),
                    "iter" | "into_iter" | "copied" | "cloned" | "values" | "keys"
                ))
                || m.method == "drain" =>
        {
            iterated_place(&m.receiver, mutable)
        }
        Expr::MethodCall(m)
            if m.args.is_empty()
                && matches!(m.method.to_string().as_str(), "iter_mut" | "values_mut") =>
        {
            *mutable = true;
            iterated_place(&m.receiver, mutable)
        }
        Expr::Path(_) | Expr::Field(_) => Some(iter),
        _ => None,
    }
}

/// Is the iterable a draining method call (`v.drain(..)`), whose elements
/// leave the collection one per turn of the loop?
fn drains(iter: &Expr) -> bool {
    matches!(iter, Expr::MethodCall(m) if m.method == "drain")
}

/// What is known of the parameters of a closure about to be lowered.
#[derive(Clone, Debug)]
pub enum ClosureHint {
    /// Its first parameter has this type (a combinator's payload or element).
    First(TypeRef),
    /// It is argument `arg` of this call: its signature may type it.
    Argument {
        recv: Option<TypeRef>,
        qualifier: Option<String>,
        name: String,
        arg: u32,
    },
}

impl ClosureHint {
    fn param(&self, i: usize) -> Option<TypeRef> {
        match self {
            ClosureHint::First(ty) => (i == 0).then(|| ty.clone()),
            ClosureHint::Argument {
                recv,
                qualifier,
                name,
                arg,
            } => Some(TypeRef::ClosureArg {
                recv: recv.clone().map(Box::new),
                qualifier: qualifier.clone(),
                name: name.clone(),
                arg: *arg,
                param: i as u32,
            }),
        }
    }
}

/// The body of a closure (an expression) or of an async block.
pub enum Nested<'a> {
    Expr(&'a Expr),
    Block(&'a Block),
}

pub enum LoopKind<'a> {
    Loop,
    While(&'a Expr),
    For(&'a Pat, &'a Expr),
}
