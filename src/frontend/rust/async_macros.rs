//! `select!` and `join!` (issue 15, item 8): macros that await.
//!
//! `tokio::select!`/`futures::select!` evaluate every branch's future, await
//! until one completes, then run that branch's handler with its pattern
//! bound; `join!`/`try_join!` evaluate their futures and await them all. Both
//! are an await point (a raw value held there is dropped unreleased if the
//! task is cancelled), and their handlers are code like any other: their
//! `.await`s, releases and exits are lowered as written.
//!
//! A macro whose body does not parse as one of these (crossbeam's
//! `select! { recv(r) -> msg => .. }`) is left to the generic macro lowering.

use super::builder::LocalInfo;
use super::lower::{Lowerer, Operand};
use crate::ir::{Event, Mode, PlaceKind};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, Pat, Token};

/// One branch of a `select!`.
struct Branch {
    /// `pat = future`; `None` for `else =>`, `default =>`, `complete =>`.
    future: Option<(Pat, Expr)>,
    /// `, if precondition`.
    precondition: Option<Expr>,
    handler: Expr,
}

/// The branches of a `tokio::select!` or `futures::select!` body.
fn parse_select(input: ParseStream) -> syn::Result<Vec<Branch>> {
    let mut branches = Vec::new();
    while !input.is_empty() {
        if input.peek(syn::Ident) && input.peek2(Token![;]) {
            let word: syn::Ident = input.parse()?;
            if word != "biased" {
                return Err(syn::Error::new(word.span(), "not a select! branch"));
            }
            input.parse::<Token![;]>()?;
            continue;
        }
        let future = if input.peek(Token![else]) && input.peek2(Token![=>]) {
            input.parse::<Token![else]>()?;
            None
        } else if input.peek(syn::Ident) && input.peek2(Token![=>]) {
            let word: syn::Ident = input.parse()?;
            if word != "default" && word != "complete" {
                return Err(syn::Error::new(word.span(), "not a select! branch"));
            }
            None
        } else {
            let pat = Pat::parse_multi_with_leading_vert(input)?;
            input.parse::<Token![=]>()?;
            let fut: Expr = input.parse()?;
            Some((pat, fut))
        };
        let precondition = if input.peek(Token![,]) && input.peek2(Token![if]) {
            input.parse::<Token![,]>()?;
            input.parse::<Token![if]>()?;
            Some(input.parse::<Expr>()?)
        } else {
            None
        };
        input.parse::<Token![=>]>()?;
        let handler = if input.peek(syn::token::Brace) {
            let block: syn::Block = input.parse()?;
            Expr::Block(syn::ExprBlock {
                attrs: Vec::new(),
                label: None,
                block,
            })
        } else {
            input.parse()?
        };
        let braced = matches!(handler, Expr::Block(_));
        if input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
        } else if !braced && !input.is_empty() {
            return Err(input.error("expected `,` after a select! branch"));
        }
        branches.push(Branch {
            future,
            precondition,
            handler,
        });
    }
    Ok(branches)
}

/// The async macros this module lowers, by the last segment of their path.
fn kind(m: &syn::Macro) -> Option<&'static str> {
    let name = m.path.segments.last()?.ident.to_string();
    match name.as_str() {
        "select" | "select_biased" => Some("select"),
        "join" | "try_join" => Some("join"),
        _ => None,
    }
}

/// Would [`Lowerer::async_mac`] lower this macro's body as code (the scan of
/// deferred bodies must then see the items it may hold)?
pub fn lowers_body(m: &syn::Macro) -> bool {
    match kind(m) {
        Some("select") => parse_select.parse2(m.tokens.clone()).is_ok(),
        Some(_) => m
            .parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
            .is_ok(),
        None => false,
    }
}

impl<'f> Lowerer<'f> {
    /// A `select!`/`join!` invocation; `None` when `m` is neither (or its
    /// body does not parse as one).
    pub fn async_mac(&mut self, m: &syn::Macro) -> Option<Operand> {
        let await_span = self.cx.span_of(&m.path);
        let span = self.cx.mac(m);
        match kind(m)? {
            "select" => {
                let branches = parse_select.parse2(m.tokens.clone()).ok()?;
                // Every branch's future is made (its precondition checked) first.
                let mut futures = Vec::with_capacity(branches.len());
                for br in &branches {
                    if let Some(cond) = &br.precondition {
                        let op = self.expr(cond);
                        self.read(op, span);
                    }
                    futures.push(match &br.future {
                        Some((_, fut)) => self.expr(fut),
                        None => Operand::default(),
                    });
                }
                self.b.emit(Event::Await { span: await_span });
                // Then one handler runs, with its pattern bound to the output
                // of its future; the other futures are dropped unfinished.
                let dispatch = self.b.cur;
                let join = self.b.new_block();
                let result = self.b.join_temp();
                for (i, br) in branches.iter().enumerate() {
                    let start = self.b.new_block();
                    self.b.edge(dispatch, start);
                    self.b.cur = start;
                    self.b.push_scope();
                    for (j, op) in futures.iter().enumerate() {
                        if j == i && br.future.is_some() {
                            continue;
                        }
                        for &(place, mode) in &op.places {
                            let temp = self.b.body.places[place as usize].kind == PlaceKind::Temp;
                            if temp && mode == Mode::Move {
                                self.b.emit(Event::Vanish { place });
                            }
                        }
                    }
                    if let Some((pat, _)) = &br.future {
                        self.bind(futures[i].clone(), pat, LocalInfo::default(), span);
                    }
                    let body = self.expr(&br.handler);
                    let bspan = self.cx.expr(&br.handler);
                    self.assign_to(result, body, bspan);
                    self.b.pop_scope(bspan);
                    self.b.goto(join);
                }
                if branches.is_empty() {
                    self.b.goto(join);
                }
                self.b.cur = join;
                Some(Operand::one(result, Mode::Move))
            }
            _ => {
                let args = m
                    .parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
                    .ok()?;
                let mut op = Operand::default();
                for a in &args {
                    op.extend(self.expr(a));
                }
                self.b.emit(Event::Await { span: await_span });
                Some(op)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn branches(src: &str) -> Option<usize> {
        parse_select.parse_str(src).ok().map(|b| b.len())
    }

    #[test]
    fn select_bodies() {
        assert_eq!(
            branches("biased; Some(m) = rx.recv() => handle(m), _ = sleep(5) => {}"),
            Some(2)
        );
        assert_eq!(
            branches("x = a => { f(x) } y = b, if ok => g(y), else => break,"),
            Some(3)
        );
        assert_eq!(
            branches("x = a => f(x), default => {}, complete => ()"),
            Some(3)
        );
        // crossbeam's select! is not an async one.
        assert_eq!(branches("recv(r) -> msg => handle(msg)"), None);
        assert_eq!(branches("x = a => f(x) y = b => g(y)"), None);
    }
}
