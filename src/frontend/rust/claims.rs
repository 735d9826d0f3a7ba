//! Claims on a field, as the syntax writes them (issue 15 item 1): pools
//! that count or flag rather than hand out a value take a slot with
//! `self.num_conns += 1`, `self.count.fetch_add(1, ..)` or
//! `slot.busy.swap(true, ..)`, and give it back with `-= 1`, `fetch_sub`
//! or `store(false, ..)`. The frontend only records the operation and the
//! field ([`ClaimOp`]); whether the field is a pool's is learned from the
//! pool's releases and its guard's `Drop` ([`crate::knowledge::claims`]).

use super::lower::{Lowerer, Operand};
use crate::ir::{Arg, Callee, ClaimOp, Mode, Span};
use syn::{Expr, ExprClosure, Lit};

/// Iterator searches whose predicate's success is the element they yield:
/// a predicate that claims (`|s| !s.busy.swap(true, ..)`) claims the
/// element found.
pub const SEARCHES: &[&str] = &["find", "position", "find_map"];

impl Lowerer<'_> {
    /// `place.f += n` / `place.f -= n` on a field: a call of `+=` / `-=` on
    /// the field, so that the index can read it as a claim or its undo.
    /// `None` for any other operator or place.
    pub fn compound_claim(&mut self, b: &syn::ExprBinary, span: Span) -> Option<Operand> {
        let (name, claim) = match b.op {
            syn::BinOp::AddAssign(_) => ("+=", true),
            syn::BinOp::SubAssign(_) => ("-=", false),
            _ => return None,
        };
        let field = field_name(&b.left)?;
        // The field's place if the path has one (`inner.n`); through a
        // call (`self.inner.lock().unwrap().n`) only the name is known.
        let left = self.expr(&b.left);
        let r = self.expr(&b.right);
        self.read(r, span);
        let callee = Callee {
            name: name.into(),
            qualifier: None,
            qualified: None,
            receiver_type: None,
            is_method: true,
            arg_count: 1,
            claim: Some(ClaimOp { field, claim }),
        };
        let recv = Arg {
            places: left
                .places
                .iter()
                .map(|&(p, _)| (p, Mode::Borrow))
                .collect(),
            span: self.cx.expr(&b.left),
            non_pointer: false,
            value_of: None,
        };
        let result = self.b.temp();
        self.b
            .call_into(callee, Some(recv), Vec::new(), span, result);
        Some(Operand::default())
    }

    /// The claim a method call makes or undoes on the field it is called
    /// on (`self.count.fetch_add(1, ..)`), or that its predicate makes on
    /// the element it finds (`iter.find(|s| !s.busy.swap(true, ..))`).
    pub fn method_claim(&mut self, m: &syn::ExprMethodCall) -> Option<ClaimOp> {
        let name = m.method.to_string();
        if SEARCHES.contains(&name.as_str()) {
            let [Expr::Closure(c)] = &m.args.iter().collect::<Vec<_>>()[..] else {
                return None;
            };
            return predicate_claim(c);
        }
        let claim = atomic_claim(&name, m)?;
        let field = field_name(&m.receiver)?;
        Some(ClaimOp { field, claim })
    }
}

/// The field an expression names (`self.inner.lock().unwrap().n` -> `n`).
pub(super) fn field_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Field(f) => Some(match &f.member {
            syn::Member::Named(i) => i.to_string(),
            syn::Member::Unnamed(i) => i.index.to_string(),
        }),
        Expr::Paren(p) => field_name(&p.expr),
        _ => None,
    }
}

/// The atomic operations [`atomic_claim`] may read as a claim or its undo.
pub(super) const ATOMIC_CLAIMS: &[&str] = &[
    "fetch_add",
    "fetch_sub",
    "swap",
    "store",
    "compare_exchange",
    "compare_exchange_weak",
];

/// Does this atomic operation claim (`true`) or give back (`false`)?
fn atomic_claim(name: &str, m: &syn::ExprMethodCall) -> Option<bool> {
    let bool_arg = |i: usize| match m.args.iter().nth(i) {
        Some(Expr::Lit(l)) => match &l.lit {
            Lit::Bool(b) => Some(b.value),
            _ => None,
        },
        _ => None,
    };
    match name {
        "fetch_add" if m.args.len() == 2 => Some(true),
        "fetch_sub" if m.args.len() == 2 => Some(false),
        "swap" if m.args.len() == 2 => bool_arg(0),
        "store" if m.args.len() == 2 && bool_arg(0) == Some(false) => Some(false),
        "compare_exchange" | "compare_exchange_weak"
            if m.args.len() == 4 && bool_arg(0) == Some(false) && bool_arg(1) == Some(true) =>
        {
            Some(true)
        }
        _ => None,
    }
}

/// `|s| !s.busy.swap(true, ..)`, `|s| s.busy.compare_exchange(false, true,
/// ..).is_ok()`: the field of the closure's parameter the predicate claims.
fn predicate_claim(c: &ExprClosure) -> Option<ClaimOp> {
    let [param] = &c.inputs.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    let param = match param {
        syn::Pat::Ident(i) => i.ident.to_string(),
        syn::Pat::Reference(r) => match &*r.pat {
            syn::Pat::Ident(i) => i.ident.to_string(),
            _ => return None,
        },
        _ => return None,
    };
    let mut e = &*c.body;
    loop {
        e = match e {
            Expr::Block(b) if b.block.stmts.len() == 1 => match &b.block.stmts[0] {
                syn::Stmt::Expr(e, None) => e,
                _ => return None,
            },
            Expr::Paren(p) => &p.expr,
            // `!busy.swap(true)`: found when it was not yet taken.
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Not(_)) => &u.expr,
            Expr::MethodCall(m) if m.method == "is_ok" && m.args.is_empty() => &m.receiver,
            _ => break,
        };
    }
    let Expr::MethodCall(m) = e else {
        return None;
    };
    if atomic_claim(&m.method.to_string(), m) != Some(true) {
        return None;
    }
    // The field is one of the parameter's (`s.busy`, `s.inner.busy`).
    let Expr::Field(f) = &*m.receiver else {
        return None;
    };
    let mut base = &*f.base;
    while let Expr::Field(inner) = base {
        base = &inner.base;
    }
    let Expr::Path(p) = base else {
        return None;
    };
    if !p.path.is_ident(&param) {
        return None;
    }
    Some(ClaimOp {
        field: field_name(&m.receiver)?,
        claim: true,
    })
}
