//! The walk over a file's items that finds what the skeleton blanks: the
//! bodies of fn items that hold no item, and the doc comments no span of
//! the index starts at.

use super::lexer::{Tok, Tokens};
use crate::frontend::rust::scan::ITEM_KEYWORDS;

/// What the walk over the items finds to blank.
#[derive(Default)]
pub(super) struct Found {
    /// A body's `{` and `}`.
    pub(super) bodies: Vec<(u32, u32)>,
    /// Doc comments to blank: their byte ranges. Those of an item that is
    /// not a fn, of a fn whose body is blanked, of a field or variant, and
    /// the inner ones that open the file or a block of items. (No span of
    /// the index starts at the others' items.)
    pub(super) doc_comments: Vec<(u32, u32)>,
    /// A body's `{`, and where its fn's first doc comment starts.
    pub(super) docs: Vec<(u32, u32)>,
    /// As [`super::Skeleton::field_docs`].
    pub(super) field_docs: Vec<(u32, u32)>,
}

/// What an item's header (its tokens before its first `{` or `;`) says the
/// braced block after it is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    /// A fn's body.
    Body,
    /// Items: `mod`, `impl`, `trait`, `extern` blocks.
    Items,
    /// Fields or variants: `struct`, `enum`, `union`.
    Fields,
    /// Anything else (a struct's fields, a macro's tokens, an initializer):
    /// stepped over, nothing blanked inside.
    Opaque,
}

#[derive(Default)]
struct Header {
    decided: Option<Block>,
    /// `fn` seen: an identifier next makes this a fn item (`fn(` is a type).
    after_fn: bool,
    extern_seen: bool,
    /// A `!` outside an attribute: a macro invocation.
    bang: bool,
    after_hash: bool,
    /// A token other than an attribute's or a doc comment seen: a doc
    /// comment now is misplaced (syn rejects it) and stays.
    past_attrs: bool,
    /// An item keyword seen: the header is an item's, and its doc comments
    /// may go unless a span starts at them (a fn's whose body is kept).
    item: bool,
    /// The outer doc comments before the header's other tokens.
    docs: Vec<(u32, u32)>,
}

impl Header {
    fn ident(&mut self, name: &str, raw: bool) {
        if self.decided.is_some() {
            return;
        }
        if std::mem::take(&mut self.after_fn) {
            self.decided = Some(Block::Body);
            return;
        }
        if raw || self.bang {
            return;
        }
        self.item |= ITEM_KEYWORDS.contains(&name) || matches!(name, "union" | "extern");
        match name {
            "fn" => self.after_fn = true,
            "mod" | "impl" | "trait" => self.decided = Some(Block::Items),
            "struct" | "enum" | "union" => self.decided = Some(Block::Fields),
            "static" | "type" | "use" | "macro_rules" | "let" => self.decided = Some(Block::Opaque),
            "extern" => self.extern_seen = true,
            _ => {}
        }
    }

    /// The header's doc comments go: an item's that no span starts at.
    fn blank_docs(&mut self, found: &mut Found) {
        if self.item && !self.bang {
            found.doc_comments.append(&mut self.docs);
        }
    }

    fn block(&self) -> Block {
        match self.decided {
            Some(block) if !self.bang => block,
            None if self.extern_seen && !self.bang => Block::Items,
            _ => Block::Opaque,
        }
    }
}

/// Walk the items up to `closing` (the end of the text if `None`),
/// recording the bodies to blank. `None` if the text does not lex.
pub(super) fn items(
    tokens: &mut Tokens<'_>,
    text: &str,
    closing: Option<u8>,
    found: &mut Found,
) -> Option<()> {
    let mut header = Header::default();
    // Before the first item: inner attributes and doc comments may come.
    let mut opening = true;
    let mut after_bang = false;
    loop {
        let Some(token) = tokens.next() else {
            return closing.is_none().then_some(());
        };
        let (at, token) = token.ok()?;
        let after_hash = std::mem::take(&mut header.after_hash);
        // The tokens of inner attributes (`#![..]`, `//!`), and of outer ones.
        let inner = match token {
            Tok::Punct(b'#') | Tok::InnerDoc(_) => true,
            Tok::Punct(b'!') => after_hash,
            Tok::Open(b'[') => after_bang,
            _ => false,
        };
        let outer = matches!(token, Tok::Doc(_)) || (token == Tok::Open(b'[') && after_hash);
        after_bang = after_hash && token == Tok::Punct(b'!');
        opening &= inner;
        header.past_attrs |= !(inner || outer);
        match token {
            Tok::Close(c) => return (Some(c) == closing).then_some(()),
            Tok::Punct(b';') => {
                header.blank_docs(found);
                header = Header::default();
            }
            Tok::Punct(b'#') => header.after_hash = true,
            // `#!` begins an inner attribute, not a macro invocation; a `!`
            // after the keyword is a type (`-> !`, `impl !Send`).
            // (`union!` is a macro, not a union.)
            Tok::Punct(b'!')
                if !after_hash && matches!(header.decided, None | Some(Block::Fields)) =>
            {
                header.bang = true
            }
            Tok::Open(b'{') => {
                match header.block() {
                    Block::Body => {
                        let (close, holds_item) = group(tokens, text, b'}')?;
                        if !holds_item {
                            found.bodies.push((at as u32, close as u32));
                            if let Some(&(first, _)) = header.docs.first() {
                                found.docs.push((at as u32, first));
                                found.doc_comments.append(&mut header.docs);
                            }
                        }
                    }
                    Block::Items => {
                        header.blank_docs(found);
                        items(tokens, text, Some(b'}'), found)?
                    }
                    Block::Fields => {
                        header.blank_docs(found);
                        fields(tokens, found)?
                    }
                    Block::Opaque => {
                        header.blank_docs(found);
                        group(tokens, text, b'}')?;
                    }
                }
                header = Header::default();
            }
            Tok::Open(open) => {
                group(tokens, text, closer(open))?;
                header.after_fn = false;
            }
            Tok::Ident(start, end, raw) => header.ident(&text[start..end], raw),
            Tok::Doc(end) if !header.past_attrs => header.docs.push((at as u32, end as u32)),
            Tok::InnerDoc(end) if opening => found.doc_comments.push((at as u32, end as u32)),
            Tok::Doc(_) | Tok::InnerDoc(_) => {}
            _ => header.after_fn = false,
        }
    }
}

/// Step over the braced body of a struct, enum or union, recording the doc
/// comments of its fields and variants to blank and where the field or
/// variant each run of them documents starts. A doc comment anywhere else
/// (syn would reject it) stays.
fn fields(tokens: &mut Tokens<'_>, found: &mut Found) -> Option<()> {
    // Per open group: its closing delimiter, whether it is an attribute's
    // `[..]`, and how many `<` are open in it.
    let mut groups = vec![(b'}', false, 0usize)];
    let mut before = Tok::Open(b'{');
    let mut after_attr = false;
    // The first blanked doc comment of the run being read.
    let mut run: Option<u32> = None;
    for token in tokens.by_ref() {
        let (at, token) = token.ok()?;
        let &(closing, in_attr, angles) = groups.last()?;
        if let Tok::Doc(end) = token {
            let starts_field =
                matches!(before, Tok::Open(b'{') | Tok::Punct(b',') | Tok::Doc(_)) || after_attr;
            if closing == b'}' && !in_attr && angles == 0 && starts_field {
                found.doc_comments.push((at as u32, end as u32));
                run.get_or_insert(at as u32);
            }
            before = token;
            after_attr = false;
            continue;
        }
        if let Some(first) = run.take() {
            found.field_docs.push((at as u32, first));
        }
        after_attr = false;
        match token {
            Tok::Open(open) => {
                let attr = open == b'[' && before == Tok::Punct(b'#');
                groups.push((closer(open), attr, 0));
            }
            Tok::Close(c) => {
                let (expected, was_attr, _) = groups.pop()?;
                if expected != c {
                    return None;
                }
                if groups.is_empty() {
                    return Some(());
                }
                after_attr = was_attr;
            }
            Tok::Punct(b'<') => groups.last_mut()?.2 += 1,
            // Not `->` nor `=>`.
            Tok::Punct(b'>') if !matches!(before, Tok::Punct(b'-' | b'=')) => {
                let angles = &mut groups.last_mut()?.2;
                *angles = angles.saturating_sub(1);
            }
            _ => {}
        }
        before = token;
    }
    None
}

/// Step over a group up to its `closing` delimiter: its offset, and whether
/// an item keyword is among its tokens.
fn group(tokens: &mut Tokens<'_>, text: &str, closing: u8) -> Option<(usize, bool)> {
    let mut expected = vec![closing];
    let mut holds_item = false;
    let mut after_hash = false;
    for token in tokens.by_ref() {
        let token = token.ok()?;
        if let (_, Tok::InnerDoc(_)) = token {
            continue;
        }
        // An inner attribute (`#![allow(..)]`) is the fn's: keep it.
        holds_item |= after_hash && token.1 == Tok::Punct(b'!');
        after_hash = token.1 == Tok::Punct(b'#');
        match token {
            (_, Tok::Open(open)) => expected.push(closer(open)),
            (at, Tok::Close(c)) => {
                if expected.pop() != Some(c) {
                    return None;
                }
                if expected.is_empty() {
                    return Some((at, holds_item));
                }
            }
            (_, Tok::Ident(start, end, false)) => {
                holds_item |= ITEM_KEYWORDS.contains(&&text[start..end]);
            }
            _ => {}
        }
    }
    None
}

fn closer(open: u8) -> u8 {
    match open {
        b'(' => b')',
        b'[' => b']',
        _ => b'}',
    }
}
