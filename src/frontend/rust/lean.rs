//! Parsing a file into a `syn::File` without the parts poollint never reads.
//!
//! Only the name and type of a `static` or `const` are indexed; its
//! initializer is never lowered. Yet the lookup tables of generated code
//! (unicode data, encodings, platform bindings) are most of some files, and a
//! syntax tree costs ~140 bytes per source byte: one 2.5 MB table becomes a
//! 350 MB tree, which alone would set the run's peak memory. Such initializers
//! are stepped over as token trees (the lexer has already checked that their
//! delimiters balance); their expression syntax is left to rustc.
//!
//! Everything else goes through syn's own item parser, and anything unusual
//! about a `static`/`const`/`mod` header falls back to it too.
//!
//! An item syn cannot parse is stepped over as token trees (to its `;` or its
//! braced body) and recorded with syn's reason: valid Rust that syn does not
//! accept (an edition-2015 bare trait object, `impl !Trait for X {}`) must not
//! cost the rest of the file. Only what is not Rust at all (unbalanced
//! delimiters, bad tokens) fails the whole file, in the lexer.

use proc_macro2::{TokenStream, TokenTree};
use syn::parse::discouraged::Speculative;
use syn::parse::{ParseBuffer, ParseStream, Result};
use syn::{Attribute, Expr, Ident, Item, Token, Type, Visibility, braced, token};

/// Parse a whole file, like `<syn::File as Parse>::parse`.
pub fn file(input: ParseStream) -> Result<syn::File> {
    let attrs = input.call(Attribute::parse_inner)?;
    Ok(syn::File {
        shebang: None,
        frontmatter: None,
        attrs,
        items: items(input)?,
    })
}

thread_local! {
    /// Items skipped by the parse under way on this thread: (1-based line, reason).
    static SKIPPED: std::cell::RefCell<Vec<(usize, String)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The items the last parse on this thread stepped over, and why.
pub fn take_skipped() -> Vec<(usize, String)> {
    SKIPPED.with(|s| std::mem::take(&mut *s.borrow_mut()))
}

fn items(input: ParseStream) -> Result<Vec<Item>> {
    let mut items = Vec::new();
    while !input.is_empty() {
        let ahead = input.fork();
        match item(&ahead) {
            Ok(it) => {
                input.advance_to(&ahead);
                items.push(it);
            }
            Err(e) => {
                let line = e.span().start().line;
                SKIPPED.with(|s| s.borrow_mut().push((line, e.to_string())));
                skip_item(input)?;
            }
        }
    }
    Ok(items)
}

/// Step over one item as token trees: up to its `;`, or its braced body
/// (and a `;` right after it).
fn skip_item(input: ParseStream) -> Result<()> {
    input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tree, next)) = rest.token_tree() {
            rest = next;
            match &tree {
                TokenTree::Punct(p) if p.as_char() == ';' => break,
                TokenTree::Group(g) if g.delimiter() == proc_macro2::Delimiter::Brace => {
                    if let Some((TokenTree::Punct(p), after)) = rest.token_tree()
                        && p.as_char() == ';'
                    {
                        rest = after;
                    }
                    break;
                }
                _ => {}
            }
        }
        Ok(((), rest))
    })
}

fn item(input: ParseStream) -> Result<Item> {
    let ahead = input.fork();
    if let Some(item) = lean_item(&ahead) {
        input.advance_to(&ahead);
        return Ok(item);
    }
    input.parse()
}

/// What an item is, by the tokens after its outer attributes and its
/// visibility, which are stepped over unparsed (a doc comment's attribute
/// costs a literal's parse): a fork at that point.
fn after_attrs_and_vis<'a>(input: ParseStream<'a>) -> ParseBuffer<'a> {
    let ahead = input.fork();
    let _ = ahead.step(|cursor| {
        let mut rest = *cursor;
        while let Some((p, next)) = rest.punct()
            && p.as_char() == '#'
            && let Some((_, _, after)) = next.group(proc_macro2::Delimiter::Bracket)
        {
            rest = after;
        }
        Ok(((), rest))
    });
    let _ = ahead.parse::<Visibility>();
    ahead
}

/// A `static`/`const` without its initializer, or an inline `mod` whose items
/// are parsed the same way; `None` for anything else.
fn lean_item(input: ParseStream) -> Option<Item> {
    let kind = after_attrs_and_vis(input);
    if !(kind.peek(Token![static])
        || (kind.peek(Token![const]) && (kind.peek2(Ident) || kind.peek2(Token![_])))
        || (kind.peek(Token![mod]) && kind.peek2(Ident) && kind.peek3(token::Brace)))
    {
        return None;
    }
    let attrs = input.call(Attribute::parse_outer).ok()?;
    let vis: Visibility = input.parse().ok()?;
    if input.peek(Token![static]) {
        let static_token = input.parse().ok()?;
        let mutability = input.parse().ok()?;
        let (ident, colon_token, ty, eq_token, semi_token) = header_and_skip(input)?;
        return Some(Item::Static(syn::ItemStatic {
            attrs,
            vis,
            static_token,
            mutability,
            ident,
            colon_token,
            ty,
            eq_token,
            expr: skipped(),
            semi_token,
        }));
    }
    if input.peek(Token![const]) && (input.peek2(Ident) || input.peek2(Token![_])) {
        let const_token = input.parse().ok()?;
        let (ident, colon_token, ty, eq_token, semi_token) = header_and_skip(input)?;
        return Some(Item::Const(syn::ItemConst {
            attrs,
            vis,
            modifiers: Default::default(),
            const_token,
            ident,
            generics: Default::default(),
            colon_token,
            ty,
            eq_token,
            expr: skipped(),
            semi_token,
        }));
    }
    if input.peek(Token![mod]) && input.peek2(Ident) && input.peek3(token::Brace) {
        let mut attrs = attrs;
        let mod_token = input.parse().ok()?;
        let ident = input.parse().ok()?;
        let (brace, content) = brace(input).ok()?;
        attrs.extend(content.call(Attribute::parse_inner).ok()?);
        let inner = items(&content).ok()?;
        return Some(Item::Mod(syn::ItemMod {
            attrs,
            vis,
            unsafety: None,
            mod_token,
            ident,
            content: Some((brace, inner)),
            semi: None,
        }));
    }
    None
}

fn brace<'a>(input: ParseStream<'a>) -> Result<(token::Brace, ParseBuffer<'a>)> {
    let content;
    let brace = braced!(content in input);
    Ok((brace, content))
}

type Header = (Ident, Token![:], Box<Type>, Token![=], Token![;]);

/// `NAME: Type = <skipped> ;`
fn header_and_skip(input: ParseStream) -> Option<Header> {
    let ident = if input.peek(Token![_]) {
        let underscore: Token![_] = input.parse().ok()?;
        Ident::new("_", underscore.span)
    } else {
        input.parse().ok()?
    };
    let colon_token = input.parse().ok()?;
    let ty = input.parse().ok()?;
    let eq_token = input.parse().ok()?;
    input
        .step(|cursor| {
            let mut rest = *cursor;
            while let Some((tree, next)) = rest.token_tree() {
                if matches!(&tree, TokenTree::Punct(p) if p.as_char() == ';') {
                    return Ok(((), rest));
                }
                rest = next;
            }
            Err(cursor.error("expected `;`"))
        })
        .ok()?;
    let semi_token = input.parse().ok()?;
    Some((ident, colon_token, ty, eq_token, semi_token))
}

fn skipped() -> Box<Expr> {
    Box::new(Expr::Verbatim(TokenStream::new()))
}

#[cfg(test)]
mod tests {
    use syn::Item;

    fn parse(text: &str) -> syn::Result<syn::File> {
        syn::parse::Parser::parse_str(super::file, text)
    }

    #[test]
    fn statics_and_consts_keep_their_headers() {
        let file = parse(
            "#[used] pub static mut A: [u8; 3] = [1, 2, 3];\n\
             const B: Box<dyn Iterator<Item = u8>> = { let x = 1; x };\n\
             const _: () = ();\n\
             pub(crate) static C: Lazy<Pool> = Lazy::new(|| Pool::new());",
        )
        .unwrap();
        let names: Vec<String> = file
            .items
            .iter()
            .map(|i| match i {
                Item::Static(s) => format!("static {}", s.ident),
                Item::Const(c) => format!("const {}", c.ident),
                _ => "other".into(),
            })
            .collect();
        assert_eq!(names, ["static A", "const B", "const _", "static C"]);
        let Item::Static(a) = &file.items[0] else {
            unreachable!()
        };
        assert_eq!(a.attrs.len(), 1);
        assert!(matches!(a.mutability, syn::StaticMutability::Mut(_)));
    }

    /// Doc comments and other attributes are stepped over to see what the
    /// item is, then parsed with it: `1 + ;` parses only on the lean read.
    #[test]
    fn attributes_do_not_hide_a_lean_item() {
        let file = parse(
            "/// A table.\n#[cfg(x)]\npub(crate) static S: u8 = 1 + ;\n\
             /// A module.\nmod m { /// Inner.\n const C: u8 = 1 + ; }\n\
             /// A fn.\nfn f() {}",
        )
        .unwrap();
        assert_eq!(file.items.len(), 3);
        let Item::Static(s) = &file.items[0] else {
            unreachable!()
        };
        assert_eq!(s.attrs.len(), 2);
        let Item::Mod(m) = &file.items[1] else {
            unreachable!()
        };
        assert_eq!(m.attrs.len(), 1);
        assert!(matches!(&m.content.as_ref().unwrap().1[0], Item::Const(c) if c.attrs.len() == 1));
        assert!(matches!(&file.items[2], Item::Fn(f) if f.attrs.len() == 1));
    }

    #[test]
    fn everything_else_is_syn_s_own_parse() {
        let text = "const fn f() -> u8 { 1 }\nmod m { #![allow(dead_code)] static T: &[u8] = &[0; 4]; fn g() {} }\nmod n;\nstruct S;";
        let lean = parse(text).unwrap();
        let full: syn::File = syn::parse_str(text).unwrap();
        assert_eq!(lean.items.len(), full.items.len());
        assert!(matches!(&lean.items[0], Item::Fn(f) if f.sig.constness.is_some()));
        let Item::Mod(m) = &lean.items[1] else {
            unreachable!()
        };
        assert_eq!(m.attrs.len(), 1, "inner attributes join the module's");
        let inner = &m.content.as_ref().unwrap().1;
        assert!(matches!(&inner[0], Item::Static(s) if s.ident == "T"));
        assert!(matches!(&inner[1], Item::Fn(_)));
    }

    /// The items syn does not parse are stepped over, each recorded with its
    /// line; the others are kept.
    #[test]
    fn items_syn_cannot_parse_are_skipped_and_recorded() {
        let _ = super::take_skipped();
        let text = "type A = Fn(&u8) + Send;\n\
                    fn kept() {}\n\
                    #[cfg(any())]\nimpl !Send for X {}\n\
                    fn f() { let = ; }\n\
                    static X: = 1;\n\
                    mod m { fn g() { let = ; } struct S; }\n\
                    struct T;";
        let file = parse(text).unwrap();
        let names: Vec<String> = file
            .items
            .iter()
            .map(|i| match i {
                Item::Fn(f) => format!("fn {}", f.sig.ident),
                Item::Struct(s) => format!("struct {}", s.ident),
                Item::Mod(m) => {
                    format!("mod {} ({})", m.ident, m.content.as_ref().unwrap().1.len())
                }
                _ => "other".into(),
            })
            .collect();
        // syn keeps a negative impl as verbatim tokens.
        assert_eq!(names, ["fn kept", "other", "mod m (1)", "struct T"]);
        let lines: Vec<usize> = super::take_skipped().iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [1, 5, 6, 7]);
        // An initializer's expression syntax is rustc's business.
        assert!(parse("static X: u8 = 1 + ;").is_ok());
        assert!(super::take_skipped().is_empty());
    }
}
