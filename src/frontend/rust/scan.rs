//! What the index needs of a fn body, without lowering it: the names it may
//! call (as key hashes) and the items nested in it.
//!
//! Most files of a large tree never meet a pool, and lowering every body cost
//! about a third of a parse. A scan is one borrowed walk that allocates
//! nothing per node (a macro's tokens aside); the phases that do need the
//! bodies lower them later from the text (see `frontend::Bodies::Defer`).
//!
//! The scan must see at least what lowering sees: every name lowering
//! records as a callee (the last path segment of a call, a method name, any
//! identifier in a macro's arguments, which lowering may re-parse), and every
//! item lowering would hand to the item walker. Where it cannot be sure of
//! the latter (an item keyword in macro arguments that parse as
//! expressions), it says so and the file is lowered at once.

use crate::store::Key;
use proc_macro2::{Ident, TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};
use syn::{Expr, Item, Token};

/// Keywords that begin an item the item walker records.
pub(super) const ITEM_KEYWORDS: &[&str] = &[
    "fn", "impl", "struct", "enum", "trait", "mod", "use", "static", "const", "type",
];

#[derive(Default)]
pub struct BodyScan<'ast> {
    /// The impl's type: what `Self::name(..)` qualifies a call with.
    pub self_type: Option<String>,
    /// Hashes of the call keys (`Key::Calls*`) of every call the body may make.
    pub keys: Vec<u32>,
    /// Items declared in the body, in source order (walked by the item walker).
    pub items: Vec<&'ast Item>,
    /// A macro's arguments parse as expressions and hold an item keyword:
    /// lowering could find an item in them that the scan cannot see.
    pub needs_lowering: bool,
    /// The body is a `Drop::drop`: its calls and claimed-on fields are keyed
    /// as `Key::InDrop` too.
    pub in_drop: bool,
}

impl<'ast> Visit<'ast> for BodyScan<'ast> {
    fn visit_item(&mut self, item: &'ast Item) {
        // Its own bodies are scanned when the item walker reaches it.
        self.items.push(item);
    }

    fn visit_expr(&mut self, e: &'ast Expr) {
        // Lowering does not enter const blocks, nor their items.
        if !matches!(e, Expr::Const(_)) {
            visit::visit_expr(self, e);
        }
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let Expr::Path(p) = &*c.func {
            let segs = &p.path.segments;
            if let Some(name) = segs.last() {
                let qualifier = segs.len().checked_sub(2).map(|i| &segs[i].ident);
                self.call(&name.ident, qualifier.is_none());
                if let Some(q) = qualifier {
                    self.qualified(q, &name.ident);
                }
            }
        }
        visit::visit_expr_call(self, c);
    }

    fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
        match b.op {
            syn::BinOp::AddAssign(_) => self.compound("+="),
            syn::BinOp::SubAssign(_) => self.compound("-="),
            _ => {}
        }
        if matches!(b.op, syn::BinOp::AddAssign(_) | syn::BinOp::SubAssign(_)) {
            self.claims_on(&b.left);
        }
        visit::visit_expr_binary(self, b);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        self.call(&m.method, true);
        if super::claims::ATOMIC_CLAIMS.iter().any(|a| m.method == a) {
            self.claims_on(&m.receiver);
        }
        if let Some(ty) = super::type_of::typed_lookup(m) {
            self.keys.push(Key::type_arg_hash(&ty));
        }
        visit::visit_expr_method_call(self, m);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        let mut item_keyword = false;
        self.tokens(&m.tokens, &mut item_keyword);
        // Lowering finds items only in arguments it parses as expressions
        // (not in `defer!`'s).
        if item_keyword
            && m.path.segments.last().is_none_or(|s| s.ident != "defer")
            && (m
                .parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
                .is_ok()
                || super::async_macros::lowers_body(m))
        {
            self.needs_lowering = true;
        }
    }
}

impl BodyScan<'_> {
    fn call(&mut self, name: &Ident, unqualified: bool) {
        self.keys
            .extend(Key::call_hashes(name, unqualified).into_iter().flatten());
        if self.in_drop {
            self.keys.push(Key::in_drop_hash(name));
        }
    }

    /// `x.f += n` / `x.f -= n`: lowering records a call of the operator
    /// (a claim on a field, see `claims`).
    fn compound(&mut self, op: &str) {
        self.keys
            .extend([Key::Calls(op).hash(), Key::CallsUnqualified(op).hash()]);
        if self.in_drop {
            self.keys.push(Key::InDrop(op).hash());
        }
    }

    /// An operation that lowering may read as a claim on the field `place`
    /// names (`x.count.fetch_sub(1, ..)`, `x.n -= 1`). (In a macro's tokens
    /// every identifier is a call's name, which keys the same.)
    fn claims_on(&mut self, place: &Expr) {
        if let Some(field) = super::claims::field_name(place) {
            self.claim_field(&field);
        }
    }

    fn claim_field(&mut self, field: &str) {
        self.keys.push(Key::ClaimsOn(field).hash());
        if self.in_drop {
            self.keys.push(Key::InDrop(field).hash());
        }
    }

    /// As lowering qualifies a call: by the path's second-to-last segment,
    /// `Self` read as the impl's type.
    fn qualified(&mut self, qualifier: &Ident, name: &Ident) {
        let hash = match &self.self_type {
            Some(ty) if qualifier == "Self" => Key::qualified_hash(&ty, name),
            _ => Key::qualified_hash(qualifier, name),
        };
        self.keys.push(hash);
    }

    /// A macro's tokens, which lowering may parse as expressions: every
    /// identifier may be a call's name. One after `::` is a qualified call's
    /// name, qualified by the identifier before the `::` if there is one.
    fn tokens(&mut self, tokens: &TokenStream, item_keyword: &mut bool) {
        // The last three tokens before this one.
        let mut before: [Option<TokenTree>; 3] = [None, None, None];
        for tt in tokens.clone() {
            match &tt {
                TokenTree::Ident(i) => {
                    *item_keyword |= ITEM_KEYWORDS.iter().any(|k| i == *k);
                    match &before {
                        [q, Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b))]
                            if a.as_char() == ':' && b.as_char() == ':' =>
                        {
                            self.call(i, false);
                            match q {
                                Some(TokenTree::Ident(q)) => self.qualified(q, i),
                                // `::name` is unqualified to lowering.
                                _ => {
                                    self.keys.push(Key::qualified_any_hash(i));
                                    self.call(i, true);
                                }
                            }
                        }
                        _ => self.call(i, true),
                    }
                    // Any identifier may be a typed lookup's type argument.
                    self.keys.push(Key::type_arg_hash(i));
                }
                TokenTree::Group(g) => self.tokens(&g.stream(), item_keyword),
                // A tuple field (`self.0.swap(..)`, `t.0.1`): lowering may
                // read a claim on it.
                TokenTree::Literal(l) if matches!(&before[2], Some(TokenTree::Punct(p)) if p.as_char() == '.') =>
                {
                    let text = l.to_string();
                    if text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                        for field in text.split('.').filter(|f| !f.is_empty()) {
                            self.claim_field(field);
                        }
                    }
                }
                TokenTree::Punct(p) if p.as_char() == '=' => match &before[2] {
                    Some(TokenTree::Punct(op)) if op.as_char() == '+' => self.compound("+="),
                    Some(TokenTree::Punct(op)) if op.as_char() == '-' => self.compound("-="),
                    _ => {}
                },
                _ => {}
            }
            before = [before[1].take(), before[2].take(), Some(tt)];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(body: &str) -> (Vec<u32>, usize, bool) {
        let block: syn::Block = syn::parse_str(body).unwrap();
        let mut s = BodyScan::default();
        s.visit_block(&block);
        (s.keys, s.items.len(), s.needs_lowering)
    }

    #[test]
    fn finds_called_names_and_nested_items() {
        let (keys, items, lower) = scan(
            "{ let b = pool.get(); Pool::put(b); fn inner() { x(); } log!(\"{}\", free(b)); }",
        );
        for name in ["get", "put", "free"] {
            assert!(keys.contains(&Key::Calls(name).hash()), "{name}");
        }
        // `inner`'s body is the item walker's to scan.
        assert!(!keys.contains(&Key::Calls("x").hash()));
        assert_eq!(items, 1);
        assert!(!lower);
    }

    #[test]
    fn a_macro_keys_the_tuple_fields_it_may_claim_on_and_a_drop_keys_them_in_drop() {
        let block: syn::Block =
            syn::parse_str("{ assert!(self.0.swap(false, Release)); log!(t.1.2, 3); }").unwrap();
        let mut s = BodyScan {
            in_drop: true,
            ..Default::default()
        };
        s.visit_block(&block);
        for field in ["0", "1", "2"] {
            assert!(s.keys.contains(&Key::ClaimsOn(field).hash()), "{field}");
            assert!(s.keys.contains(&Key::InDrop(field).hash()), "{field}");
        }
        assert!(s.keys.contains(&Key::InDrop("swap").hash()));
        assert!(!s.keys.contains(&Key::ClaimsOn("3").hash()));
    }

    #[test]
    fn an_item_keyword_in_a_macro_asks_for_lowering() {
        assert!(scan("{ run!({ fn f() {} }); }").2);
        assert!(!scan("{ run!(a, b); }").2);
        // Not expressions: lowering does not look inside.
        assert!(!scan("{ thread_local! { static X: u8 = 0; } }").2);
    }
}
