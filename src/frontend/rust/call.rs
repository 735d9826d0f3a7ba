//! Lowering of path calls (`Pool::get(..)`, `f(x)`, `mem::take(&mut x)`):
//! wrapping constructors, conversions, and the `mem` functions that move a
//! value out of a place.

use super::lower::{ClosureHint, Lowerer, Nested, Operand};
use super::type_of::{is_wrapping_ctor, path_name};
use crate::ir::{Arg, Callee, DropKind, Event, Mode};
use syn::Expr;

impl<'f> Lowerer<'f> {
    pub(super) fn call(&mut self, c: &syn::ExprCall) -> Operand {
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
        let (qualifier, name) = path_name(&p.path).unwrap_or_default();
        let qualifier = qualifier.map(|q| match (q.as_str(), &self.self_type) {
            ("Self", Some(ty)) => ty.clone(),
            _ => q,
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
        let guard_closure = match &c.args.iter().collect::<Vec<_>>()[..] {
            [_, Expr::Closure(f)] if is_scope_guard(&callee, &self.cx.types, &p.path) => Some(f),
            _ => None,
        };
        let result = self.b.call(callee, None, args, span);
        if let Some(f) = guard_closure {
            let on_drop = self.deferred_calls(Nested::Expr(&f.body));
            self.b.body.scope_guards.push(crate::ir::ScopeGuard {
                place: result,
                on_drop,
            });
        }
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
}

/// `scopeguard::guard(v, |v| ..)` (or `guard_on_success`, or either
/// imported): a guard that runs its closure when it drops, on every way out
/// but a panic (`guard_on_unwind` runs only then).
fn is_scope_guard(callee: &Callee, types: &super::types::TypeScope, path: &syn::Path) -> bool {
    if !matches!(callee.name.as_str(), "guard" | "guard_on_success") {
        return false;
    }
    let module = match &callee.qualified {
        Some(q) => q.clone(),
        None => types.qualify(path, None).unwrap_or_default(),
    };
    module == "scopeguard" || module.starts_with("scopeguard::")
}
