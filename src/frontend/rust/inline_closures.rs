//! `Option`/`Result` combinators whose closure runs on the payload, lowered
//! in line (issue 15 item 3): in `cell.take().map_or_else(|| .., |buf| {
//! .. })` the closure's parameter is what `take()` returned, on the edge
//! where there is something; the other edge has nothing (or runs the
//! default closure). A `return` or a `?` inside leaves the closure, not the
//! fn: it jumps to the end of the call with the closure's value, dropping
//! the closure's locals (a pooled value still held there leaks).

use super::builder::LocalInfo;
use super::lower::{Lowerer, Operand};
use crate::ir::{Event, ExitKind, Mode, PlaceId, Span, TypeRef};
use syn::{Expr, ExprClosure};

/// The label of the target a closure lowered in line jumps to; no Rust
/// label can be spelled like it.
const INLINE_CLOSURE: &str = "<closure>";

/// What runs on the edge without a payload.
enum Otherwise<'a> {
    Nothing,
    /// `map_or(default, f)`: evaluated before the call.
    Value(&'a Expr),
    /// `map_or_else(default, f)`.
    Closure(&'a ExprClosure),
}

impl Lowerer<'_> {
    /// `recv.map(|b| ..)`, `and_then`, `is_some_and`, `is_ok_and`, `map_or`,
    /// `map_or_else` on a receiver the call takes by value, with closures
    /// written in place; `None` for any other call.
    pub fn inline_payload_closure(
        &mut self,
        m: &syn::ExprMethodCall,
        recv: &Operand,
        payload_ty: Option<TypeRef>,
        span: Span,
    ) -> Option<Operand> {
        let by_value = !recv.places.is_empty() && recv.places.iter().all(|&(_, m)| m == Mode::Move);
        if !by_value {
            return None;
        }
        let method = m.method.to_string();
        let args: Vec<&Expr> = m.args.iter().collect();
        let (otherwise, f) = match (method.as_str(), &args[..]) {
            ("map" | "and_then" | "is_some_and" | "is_ok_and", [Expr::Closure(f)]) => {
                (Otherwise::Nothing, f)
            }
            ("map_or", [d, Expr::Closure(f)]) => (Otherwise::Value(d), f),
            ("map_or_else", [Expr::Closure(d), Expr::Closure(f)]) => (Otherwise::Closure(d), f),
            _ => return None,
        };
        if f.inputs.len() != 1 || f.asyncness.is_some() {
            return None;
        }
        let default = match otherwise {
            Otherwise::Value(d) => Some(self.expr(d)),
            _ => None,
        };
        let from = self.b.cur;
        let after = self.b.new_block();
        let result = self
            .b
            .push_target(Some(INLINE_CLOSURE.to_string()), false, from, after);
        // The edge with a payload: the closure's parameter owns it.
        self.b.cur = self.b.new_block();
        self.b.edge(from, self.b.cur);
        let param = Operand {
            places: recv.places.clone(),
        };
        self.closure_in_line(f, Some((param, payload_ty)), result, span);
        self.b.goto(after);
        // The edge without: the receiver holds nothing there.
        self.b.cur = self.b.new_block();
        self.b.edge(from, self.b.cur);
        for &(place, _) in &recv.places {
            self.b.emit(Event::Vanish { place });
        }
        match (otherwise, default) {
            (_, Some(op)) => self.assign_to(result, op, span),
            (Otherwise::Closure(d), _) => self.closure_in_line(d, None, result, span),
            _ => {}
        }
        self.b.goto(after);
        self.b.pop_target();
        self.b.cur = after;
        Some(Operand::one(result, Mode::Move))
    }

    /// The body of a closure lowered in line, its value moved into `result`.
    fn closure_in_line(
        &mut self,
        c: &ExprClosure,
        param: Option<(Operand, Option<TypeRef>)>,
        result: PlaceId,
        span: Span,
    ) {
        self.b.push_scope();
        match param {
            Some((op, ty)) => {
                let info = LocalInfo { ty, shared: false };
                self.bind(op, &c.inputs[0], info, span);
            }
            None => {
                for p in &c.inputs {
                    self.declare_pattern_names(p);
                }
            }
        }
        let mark = self.b.temp_mark();
        let value = self.expr(&c.body);
        let end = self.cx.expr(&c.body);
        self.assign_to(result, value, end);
        self.b.drop_temps(mark, end);
        self.b.pop_scope(end);
    }

    /// The closure lowered in line that a `return` or a `?` here leaves, as
    /// the index of its target.
    fn inline_closure(&self) -> Option<usize> {
        self.b
            .targets
            .iter()
            .rposition(|t| t.label.as_deref() == Some(INLINE_CLOSURE))
    }

    /// `return v` (`v` written at `value_span`) or a failing `?`, at
    /// `span`: leave the closure lowered in line with `v` as its value, or
    /// else the body.
    pub fn leave_fn(
        &mut self,
        value: Option<Operand>,
        value_span: Span,
        kind: ExitKind,
        span: Span,
    ) {
        match self.inline_closure() {
            Some(idx) => {
                if let Some(op) = value {
                    let result = self.b.targets[idx].result;
                    self.assign_to(result, op, value_span);
                }
                self.b.jump_to(idx, ExitKind::ClosureReturn, span);
            }
            None => {
                if let Some(op) = value {
                    self.consume(op, value_span, true);
                }
                self.b.exit_body(kind, span);
            }
        }
    }
}
