//! A file's item skeleton: its text with the inside of every fn body that
//! holds no item blanked out, so that syn parses the items, signatures and
//! field types the index needs and never the bodies nobody will lower.
//!
//! Most files of a large tree never meet a pool (see `engine::load`): for
//! them a full parse built syntax trees of every body only to scan each for
//! the names it calls. Here one lexer-level pass over the bytes finds the
//! bodies of fn items (in the file, in `mod`, `impl` and `trait` blocks and
//! in `extern` blocks), and [`body_keys`] takes a body's keys from its tokens
//! instead: every identifier counts as a call, as the scan counts the tokens
//! of a macro's arguments, so the keys are a superset of what lowering
//! records (only speed depends on how loose they are).
//!
//! The skeleton has the text's length, lines and bytes outside the bodies, so
//! every span syn gives (line and column) is the span it gives on the text.
//! A body that names an item keyword (`fn`, `use`, `impl`, ..) is left as it
//! is: the item walker must see its nested items. So is anything the pass
//! does not understand: a token it cannot lex, or delimiters that do not
//! balance, gives no skeleton and the file is parsed in full (which reports
//! the error as it always did).

mod keys;
mod lexer;
mod walk;

pub use keys::body_keys;
use lexer::Tokens;
use walk::{Found, items};

/// The text with blanked bodies, and where they are.
pub struct Skeleton {
    pub text: String,
    /// Byte offsets of the `{` and `}` of every blanked body, in order.
    pub blanked: Vec<(u32, u32)>,
    /// Per blanked body whose fn has doc comments (blanked too: a quarter of
    /// a documented crate's text, each one an attribute syn would build):
    /// the `{` of the body, and where its fn's first doc comment starts.
    pub docs: Vec<(u32, u32)>,
    /// Per field or variant whose doc comments were blanked: where its first
    /// token after them is, and where its first doc comment starts.
    pub field_docs: Vec<(u32, u32)>,
}

impl Skeleton {
    /// The text with only the bodies of this skeleton that syn cannot parse
    /// blanked (their doc comments kept), and why each does not parse (the
    /// error's line in the body, 0 for the first, and syn's message); `None`
    /// if every body parses. A file whose full parse stepped over an item
    /// uses it: a fn whose body alone does not parse is then indexed by its
    /// signature, as its skeleton indexes it.
    pub fn unparsed_bodies(&self, text: &str) -> Option<(Skeleton, Vec<(usize, String)>)> {
        let mut reasons = Vec::new();
        let blanked: Vec<(u32, u32)> = self
            .blanked
            .iter()
            .copied()
            .filter(|&(open, close)| {
                let body = &text[open as usize..=close as usize];
                let parsed = syn::parse_str::<syn::Block>(body);
                if let Err(e) = &parsed {
                    // (The line of the error, counted from the body's `{`.)
                    reasons.push((e.span().start().line.saturating_sub(1), e.to_string()));
                }
                parsed.is_err()
            })
            .collect();
        if blanked.is_empty() {
            return None;
        }
        let mut bytes = text.as_bytes().to_vec();
        for &(open, close) in &blanked {
            for b in &mut bytes[open as usize + 1..close as usize] {
                if *b != b'\n' {
                    *b = b' ';
                }
            }
        }
        let text = String::from_utf8(bytes).ok()?;
        let skeleton = Skeleton {
            text,
            blanked,
            docs: Vec::new(),
            field_docs: Vec::new(),
        };
        Some((skeleton, reasons))
    }

    /// Where a blanked body's fn item starts, if a doc comment starts it:
    /// `start` is where the skeleton's fn starts (its first attribute left,
    /// or its `fn`), `open` its body's `{`.
    pub fn fn_start(&self, open: u32, start: u32) -> u32 {
        match self.docs.binary_search_by_key(&open, |&(o, _)| o) {
            Ok(i) => self.docs[i].1.min(start),
            Err(_) => start,
        }
    }

    /// Where a field starts, if doc comments started it: `start` is where
    /// its first token left in the skeleton is.
    pub fn field_start(&self, start: u32) -> u32 {
        match self.field_docs.binary_search_by_key(&start, |&(s, _)| s) {
            Ok(i) => self.field_docs[i].1,
            Err(_) => start,
        }
    }
}

/// The skeleton of a text, if the text lexes and some body can be blanked.
pub fn blank_bodies(text: &str) -> Option<Skeleton> {
    let mut tokens = Tokens::new(text);
    let mut found = Found::default();
    items(&mut tokens, text, None, &mut found)?;
    if has_bare_cr(text) {
        // A doc comment with a lone CR does not lex: leave every doc in place
        // (the parse of the skeleton must fail where the text's does).
        found.doc_comments.clear();
        found.docs.clear();
        found.field_docs.clear();
    }
    if found.bodies.is_empty() && found.doc_comments.is_empty() {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    let insides = found.bodies.iter().map(|&(open, close)| (open + 1, close));
    for (start, end) in insides.chain(found.doc_comments.iter().copied()) {
        for b in &mut bytes[start as usize..end as usize] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
    // Whole chars were replaced (bodies and comments end at ASCII bytes).
    String::from_utf8(bytes).ok().map(|text| Skeleton {
        text,
        blanked: found.bodies,
        docs: found.docs,
        field_docs: found.field_docs,
    })
}

/// A CR not followed by LF anywhere in the text.
fn has_bare_cr(text: &str) -> bool {
    let b = text.as_bytes();
    text.contains('\r') && (0..b.len()).any(|i| b[i] == b'\r' && b.get(i + 1) != Some(&b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Key;

    fn skeleton(text: &str) -> String {
        blank_bodies(text).map(|s| s.text).unwrap_or_default()
    }

    #[test]
    fn blanks_fn_bodies_in_items_and_keeps_offsets() {
        let text = "fn a() -> u8 { let x = \"}\"; 1 }\nimpl S { fn b(&self) {\n  c('}')\n} }\n";
        let s = skeleton(text);
        assert_eq!(s.len(), text.len());
        assert_eq!(
            s,
            format!(
                "fn a() -> u8 {{{}}}\nimpl S {{ fn b(&self) {{\n{}\n}} }}\n",
                " ".repeat(16),
                " ".repeat(8)
            )
        );
    }

    #[test]
    fn keeps_bodies_with_items_and_steps_over_the_rest() {
        // A nested item, a macro's tokens, a struct, an initializer block.
        let text = "fn a() { use x::y; }\nm! { fn b() { 1 } }\nstruct S { f: fn(u8) }\nconst C: u8 = { 1 };\ntrait T { fn d() { 2 } fn e(); }\n";
        let s = blank_bodies(text).unwrap();
        assert_eq!(s.blanked.len(), 1);
        assert!(s.text.contains("fn d() {   }"));
        assert!(s.text.contains("fn a() { use x::y; }"));
        assert!(s.text.contains("m! { fn b() { 1 } }"));
    }

    #[test]
    fn blanks_a_fns_doc_comments_and_says_where_the_fn_starts() {
        let text = "/// Doc.\n/** More. */\n#[inline]\nfn a() { 1 }\n/// S.\nstruct S;\n//// Not a doc.\n/// B.\nfn b() {\n    #![allow(x)]\n}\n";
        let s = blank_bodies(text).unwrap();
        assert!(
            s.text
                .starts_with("        \n            \n#[inline]\nfn a() {   }")
        );
        // A struct's doc goes; a body with an inner attribute is kept, and so
        // is its fn's doc (the fn's range starts at it).
        assert!(
            s.text
                .contains("      \nstruct S;\n//// Not a doc.\n/// B.\nfn b() {\n    #![allow(x)]")
        );
        assert_eq!(s.blanked.len(), 1);
        let open = text.find("{ 1").unwrap() as u32;
        let after_attrs = text.find("#[inline]").unwrap() as u32;
        assert_eq!(s.fn_start(open, after_attrs), 0);
    }

    #[test]
    fn blanks_the_docs_of_fields_and_says_where_each_field_starts() {
        let text = "//! Crate.\n#![allow(x)]\n//! More.\nstruct S {\n    /// A.\n    #[serde(x)]\n    /// A again.\n    pub a: HashMap<u8, u8>,\n    /// B.\n    b: Box<dyn Fn() -> u8>,\n}\nenum E {\n    /// V.\n    V {\n        /// F.\n        f: u8,\n    },\n}\n";
        let s = blank_bodies(text).unwrap();
        assert!(!s.text.contains("//"), "{}", s.text);
        assert_eq!(s.text.len(), text.len());
        for (field, doc) in [
            ("#[serde", "/// A."),
            ("b: Box", "/// B."),
            ("f: u8", "/// F."),
        ] {
            let at = text.find(field).unwrap() as u32;
            assert_eq!(s.field_start(at), text.find(doc).unwrap() as u32, "{field}");
        }
        let ty = text.find("HashMap").unwrap() as u32;
        assert_eq!(s.field_start(ty), ty);
    }

    #[test]
    fn keeps_doc_comments_syn_would_reject() {
        // After a visibility, inside generic arguments or a tuple, after an
        // outer attribute (an inner doc), or in a macro's tokens.
        for text in [
            "pub /// A.\nstruct S;\nfn a() {}\n",
            "struct S { a: HashMap<u8, /// A.\n u8> }\nfn a() {}\n",
            "struct S { a: (u8, /// A.\n u8) }\nfn a() {}\n",
            "#[inline]\n//! A.\nfn a() {}\n",
            "union! { /// A.\n a: u8 }\nfn a() {}\n",
            "m! { /// A.\n struct S; }\nfn a() {}\n",
        ] {
            let s = blank_bodies(text).unwrap();
            assert!(
                s.text.contains("/// A.") || s.text.contains("//! A."),
                "{text}"
            );
        }
        // A lone CR makes a doc comment unlexable: no doc goes.
        let s = blank_bodies("/// A.\r\n/// B.\rC\nstruct S;\nfn a() { 1 }\n").unwrap();
        assert!(s.text.starts_with("/// A."));
    }

    #[test]
    fn unparsed_bodies_are_those_syn_rejects() {
        let text = "fn a() { let x = ; }\nfn b() { 1 }\n";
        let s = blank_bodies(text).unwrap();
        let (only, reasons) = s.unparsed_bodies(text).unwrap();
        assert_eq!(only.blanked, vec![(7, 19)]);
        assert_eq!(only.text, "fn a() {           }\nfn b() { 1 }\n");
        assert_eq!(reasons.len(), 1);
        assert!(
            blank_bodies("fn b() { 1 }")
                .unwrap()
                .unparsed_bodies("fn b() { 1 }")
                .is_none()
        );
    }

    #[test]
    fn what_does_not_lex_gives_no_skeleton() {
        for text in [
            "fn a() { \"open }",
            "fn a() { /* open }",
            "fn a() { ( }",
            "fn a() {",
            // Characters no Rust token has, which proc-macro2 rejects.
            "fn a() { Clears `pending`; }",
            "fn a() { a \\ b }",
            "fn a() { 2 × 3 }",
        ] {
            assert!(blank_bodies(text).is_none(), "{text}");
        }
    }

    #[test]
    fn lexes_raw_strings_chars_and_lifetimes() {
        let text = "fn a<'a>(x: &'a u8) -> char { let _ = r#\"}\"#; let _ = b'}'; 'l: loop { break 'l; }; '}' }";
        let s = blank_bodies(text).unwrap();
        assert_eq!(s.blanked, vec![(28, text.len() as u32 - 1)]);
    }

    #[test]
    fn body_keys_qualify_a_call_by_its_path() {
        let mut keys = Vec::new();
        body_keys(
            "let v = Vec::<u8>::new(); Self::make(); x.put(v); n += 1;",
            Some("Pool"),
            false,
            &mut keys,
        );
        for (q, name) in [("Vec", "new"), ("Pool", "make")] {
            assert!(
                keys.contains(&Key::qualified_hash(&q, &name)),
                "{q}::{name}"
            );
        }
        assert!(keys.contains(&Key::Calls("put").hash()));
        assert!(keys.contains(&Key::Calls("+=").hash()));
    }

    #[test]
    fn body_keys_hold_the_fields_claimed_on() {
        let mut keys = Vec::new();
        body_keys(
            "self.count.fetch_sub(1, SeqCst); t.0 += 1; u.1.2 -= 1; let x = 7;",
            None,
            false,
            &mut keys,
        );
        for field in ["count", "0", "1", "2"] {
            assert!(keys.contains(&Key::ClaimsOn(field).hash()), "{field}");
        }
        assert!(!keys.contains(&Key::ClaimsOn("7").hash()));
        assert!(!keys.contains(&Key::InDrop("fetch_sub").hash()));
    }

    #[test]
    fn a_drop_body_keys_its_calls_and_fields_as_in_drop() {
        let mut keys = Vec::new();
        body_keys(
            "if self.armed { self.pool.put(self.buf.take()); } t.0 -= 1;",
            Some("Guard"),
            true,
            &mut keys,
        );
        for name in ["put", "take", "armed", "0", "-="] {
            assert!(keys.contains(&Key::InDrop(name).hash()), "{name}");
        }
        assert!(!keys.contains(&Key::InDrop("+=").hash()));
    }
}
