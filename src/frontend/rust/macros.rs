//! Macro invocations: their bodies are opaque to syn, so the arguments of
//! well-known macros are parsed as expressions; unknown macros count as uses
//! of the locals they mention, never as releases.

use super::lower::{Lowerer, Operand};
use crate::ir::{Event, Span};
use proc_macro2::{TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::{Expr, Token};

/// Macros whose arguments are evaluated only in debug builds.
const DEBUG_ONLY: &[&str] = &["debug_assert", "debug_assert_eq", "debug_assert_ne"];

/// Macros whose arguments are only read (formatting, assertions, logging).
const READING: &[&str] = &[
    "format",
    "print",
    "println",
    "eprint",
    "eprintln",
    "write",
    "writeln",
    "panic",
    "assert",
    "assert_eq",
    "assert_ne",
    "format_args",
    "unreachable",
    "todo",
    "unimplemented",
    "trace",
    "debug",
    "info",
    "warn",
    "error",
    "log",
    "matches",
    "dbg",
];

impl<'f> Lowerer<'f> {
    pub fn mac(&mut self, m: &syn::Macro) -> Operand {
        if let Some(op) = self.async_mac(m) {
            return op;
        }
        let name = m
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let span = self.cx.mac(m);
        let args = m
            .parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
            .ok();
        match (name.as_str(), args) {
            ("defer", _) => {
                // scopeguard::defer!: a release in it covers every later exit.
                for place in self.mentioned_locals(m.tokens.clone()) {
                    self.b.emit(Event::Transfer {
                        place,
                        span,
                        returned: false,
                    });
                }
                // A hidden local holds the guard to the end of the scope,
                // giving back a count its statements give back.
                if let Ok(stmts) = m.parse_body_with(syn::Block::parse_within) {
                    let block = syn::Block {
                        brace_token: syn::token::Brace {
                            span: *m.delimiter.span(),
                        },
                        stmts,
                    };
                    let on_drop = self.deferred_calls(super::lower::Nested::Block(&block));
                    let place = self.b.declare("<defer>", Default::default());
                    self.b
                        .body
                        .scope_guards
                        .push(crate::ir::ScopeGuard { place, on_drop });
                }
                Operand::default()
            }
            ("vec", Some(args)) => {
                for a in &args {
                    let op = self.expr(a);
                    self.consume(op, self.cx.expr(a), false);
                }
                Operand::default()
            }
            ("addr_of" | "addr_of_mut", Some(args)) if args.len() == 1 => {
                self.expr(&args[0]).borrowed()
            }
            ("try" | "ready", Some(args)) if args.len() == 1 => {
                let op = self.expr(&args[0]);
                self.early_exit(&op, span);
                op
            }
            (_, Some(args)) if DEBUG_ONLY.contains(&name.as_str()) => {
                // Compiled out of release builds: a branch the release build
                // never takes, so what happens inside it (a give-back, a
                // take) happens on one path only.
                let dispatch = self.b.cur;
                let start = self.b.new_block();
                self.b.edge(dispatch, start);
                self.b.cur = start;
                self.read_args(&args, true);
                let join = self.b.new_block();
                self.b.body.debug_only.push((start, join));
                self.b.goto(join);
                self.b.edge(dispatch, join);
                Operand::default()
            }
            (_, Some(args)) => {
                self.read_args(&args, READING.contains(&name.as_str()));
                Operand::default()
            }
            (_, None) => {
                for place in self.mentioned_locals(m.tokens.clone()) {
                    self.b.emit(Event::Use {
                        place,
                        span,
                        weak: true,
                    });
                }
                Operand::default()
            }
        }
    }

    /// The arguments of a macro that only reads them (`reading`) or whose
    /// effect is unknown.
    fn read_args(&mut self, args: &Punctuated<Expr, Token![,]>, reading: bool) {
        for a in args {
            let a = match a {
                // named format argument `name = expr`
                Expr::Assign(asg) if reading => &*asg.right,
                other => other,
            };
            if let Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = a
            {
                self.inline_format_args(&s.value(), self.cx.span_of(s));
            }
            let op = self.expr(a);
            self.read(op, self.cx.expr(a));
        }
    }

    /// `"{buf:?}"` reads `buf`.
    fn inline_format_args(&mut self, fmt: &str, span: Span) {
        let mut rest = fmt;
        while let Some(i) = rest.find('{') {
            rest = &rest[i + 1..];
            if rest.starts_with('{') {
                rest = &rest[1..];
                continue;
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty()
                && !name.chars().next().is_some_and(|c| c.is_ascii_digit())
                && let Some(place) = self.b.lookup(&name)
            {
                self.b.emit(Event::Use {
                    place,
                    span,
                    weak: true,
                });
            }
        }
    }

    /// Locals named anywhere in a token stream.
    fn mentioned_locals(&mut self, tokens: TokenStream) -> Vec<crate::ir::PlaceId> {
        let mut out = Vec::new();
        for_each_ident(tokens, |i| {
            if let Some(p) = self.b.lookup(&i.to_string())
                && !out.contains(&p)
            {
                out.push(p);
            }
        });
        out
    }
}

/// Every identifier in a token stream, groups included.
pub fn for_each_ident(tokens: TokenStream, mut f: impl FnMut(&proc_macro2::Ident)) {
    let mut stack = vec![tokens];
    while let Some(ts) = stack.pop() {
        for tt in ts {
            match tt {
                TokenTree::Ident(i) => f(&i),
                TokenTree::Group(g) => stack.push(g.stream()),
                _ => {}
            }
        }
    }
}
