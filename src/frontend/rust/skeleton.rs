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

use super::scan::ITEM_KEYWORDS;
use crate::store::Key;

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

/// What the walk over the items finds to blank.
#[derive(Default)]
struct Found {
    /// A body's `{` and `}`.
    bodies: Vec<(u32, u32)>,
    /// Doc comments to blank: their byte ranges. Those of an item that is
    /// not a fn, of a fn whose body is blanked, of a field or variant, and
    /// the inner ones that open the file or a block of items. (No span of
    /// the index starts at the others' items.)
    doc_comments: Vec<(u32, u32)>,
    /// A body's `{`, and where its fn's first doc comment starts.
    docs: Vec<(u32, u32)>,
    /// As [`Skeleton::field_docs`].
    field_docs: Vec<(u32, u32)>,
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
fn items(
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

/// The keys of a blanked body (`text` is the body's inside), as
/// `scan::BodyScan` would take them from its syntax tree, and more: every
/// identifier may be a call's name and a type argument, and one after `::`
/// is qualified by every identifier of the path before it (`Self` read as
/// `self_type`).
pub fn body_keys(text: &str, self_type: Option<&str>, keys: &mut Vec<u32>) {
    let mut seen: Vec<Tok> = Vec::new();
    for token in Tokens::new(text) {
        // The body lexed when the skeleton was made.
        let Ok((_, token)) = token else { break };
        match token {
            Tok::Ident(start, end, _) => {
                let name = &text[start..end];
                keys.extend(Key::call_hashes(&name, true).into_iter().flatten());
                keys.push(Key::type_arg_hash(&name));
                if let [.., Tok::Punct(b':'), Tok::Punct(b':')] = seen[..] {
                    keys.push(Key::qualified_any_hash(&name));
                    qualifiers(text, &seen[..seen.len() - 2], self_type, name, keys);
                }
            }
            Tok::Punct(b'=') => match seen.last() {
                Some(Tok::Punct(b'+')) => {
                    keys.extend([Key::Calls("+=").hash(), Key::CallsUnqualified("+=").hash()])
                }
                Some(Tok::Punct(b'-')) => {
                    keys.extend([Key::Calls("-=").hash(), Key::CallsUnqualified("-=").hash()])
                }
                _ => {}
            },
            _ => {}
        }
        seen.push(token);
    }
}

/// `name` after `::`: qualified by each identifier of the path before it, up
/// to the start of its statement or block (`a::b::<T>::name`, `<T as
/// Trait>::name`: whichever segment lowering takes, it is among them).
fn qualifiers(
    text: &str,
    before: &[Tok],
    self_type: Option<&str>,
    name: &str,
    keys: &mut Vec<u32>,
) {
    for token in before.iter().rev().take(32) {
        match *token {
            Tok::Ident(start, end, _) => {
                let qualifier = &text[start..end];
                keys.push(match self_type {
                    Some(ty) if qualifier == "Self" => Key::qualified_hash(&ty, &name),
                    _ => Key::qualified_hash(&qualifier, &name),
                });
            }
            Tok::Punct(b';') | Tok::Open(b'{') | Tok::Close(b'}') => break,
            _ => {}
        }
    }
}

/// A token, as far as the passes above care.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tok {
    /// An identifier or keyword: its byte range (`r#` included) and whether
    /// it is raw.
    Ident(usize, usize, bool),
    Punct(u8),
    Open(u8),
    Close(u8),
    /// A literal, lifetime or label.
    Other,
    /// An outer doc comment (`///`, `/** */`), which syn makes an attribute
    /// of the item after it: where it ends.
    Doc(usize),
    /// An inner line doc comment (`//!`): where it ends. (`/*! */` is lexed
    /// as a comment.)
    InnerDoc(usize),
}

/// Rust's tokens, by bytes: comments and whitespace skipped, literals
/// stepped over. An error (`Err`) for what does not lex: an unterminated
/// string, char or block comment, a character that is neither punctuation
/// nor in an identifier (`` ` ``, `\\`, `×`). A blanked body must lex
/// wherever the text's does not (or the parse of the skeleton would vouch
/// for a file whose own parse fails); a character the lexer is unsure of
/// gives no skeleton, which costs only speed.
struct Tokens<'t> {
    text: &'t str,
    b: &'t [u8],
    i: usize,
}

impl<'t> Tokens<'t> {
    fn new(text: &'t str) -> Self {
        Tokens {
            text,
            b: text.as_bytes(),
            i: 0,
        }
    }

    /// The char at byte `i` (a char boundary: identifiers and punctuation
    /// end on one).
    fn char_at(&self, i: usize) -> Option<char> {
        self.text.get(i..)?.chars().next()
    }

    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    fn is_ident_byte(b: u8) -> bool {
        b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
    }

    fn ident_end(&self, mut i: usize) -> usize {
        while i < self.b.len() {
            match self.b[i] {
                b if b.is_ascii_alphanumeric() || b == b'_' => i += 1,
                b if b < 0x80 => break,
                _ => match self.char_at(i) {
                    Some(c) if unicode_ident::is_xid_continue(c) => i += c.len_utf8(),
                    _ => break,
                },
            }
        }
        i
    }

    /// A quoted string from its opening `"` at `i`: the offset after it.
    fn string(&self, mut i: usize) -> Option<usize> {
        i += 1;
        while i < self.b.len() {
            match self.b[i] {
                b'\\' => i += 2,
                b'"' => return Some(self.suffix(i + 1)),
                _ => i += 1,
            }
        }
        None
    }

    /// A raw string from its `r` at `i` (`r"..."`, `r#"..."#`), if it is one.
    fn raw_string(&self, i: usize) -> Option<Option<usize>> {
        let mut j = i + 1;
        while self.at(j) == b'#' {
            j += 1;
        }
        if self.at(j) != b'"' {
            return None;
        }
        let hashes = j - i - 1;
        let mut k = j + 1;
        while k < self.b.len() {
            if self.b[k] == b'"' && self.b[k + 1..].iter().take(hashes).all(|&h| h == b'#') {
                let end = k + 1 + hashes;
                if end <= self.b.len() {
                    return Some(Some(self.suffix(end)));
                }
            }
            k += 1;
        }
        Some(None)
    }

    /// A literal's suffix (`"a"suffix`, `'c'u8`).
    fn suffix(&self, i: usize) -> usize {
        if Self::is_ident_byte(self.at(i)) && !self.at(i).is_ascii_digit() {
            self.ident_end(i)
        } else {
            i
        }
    }

    /// A `'` at `i`: a char literal (the offset after it) or a lifetime or
    /// label (the offset after its name).
    fn quote(&self, i: usize) -> Option<usize> {
        if self.at(i + 1) == b'\\' {
            // An escape: `'\n'`, `'\''`, `'\u{1F600}'`.
            let end = (i + 3..self.b.len().min(i + 16)).find(|&k| self.b[k] == b'\'')?;
            return Some(self.suffix(end + 1));
        }
        let first = self.at(i + 1);
        let width = match first {
            0 => return None,
            0xF0.. => 4,
            0xE0.. => 3,
            0xC0.. => 2,
            _ => 1,
        };
        if self.at(i + 1 + width) == b'\'' {
            return Some(self.suffix(i + 2 + width));
        }
        Some(self.ident_end(i + 1))
    }
}

impl Iterator for Tokens<'_> {
    /// (the token's byte offset, the token).
    type Item = Result<(usize, Tok), ()>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
                self.i += 1;
            }
            let start = self.i;
            let b = *self.b.get(start)?;
            let (end, token) = match b {
                b'/' if self.at(start + 1) == b'/' => {
                    self.i = self.b[start..]
                        .iter()
                        .position(|&c| c == b'\n')
                        .map_or(self.b.len(), |p| start + p);
                    // `///` but not `////`.
                    if self.at(start + 2) == b'/' && self.at(start + 3) != b'/' {
                        return Some(Ok((start, Tok::Doc(self.i))));
                    }
                    if self.at(start + 2) == b'!' {
                        return Some(Ok((start, Tok::InnerDoc(self.i))));
                    }
                    continue;
                }
                b'/' if self.at(start + 1) == b'*' => {
                    let mut depth = 0usize;
                    let mut k = start;
                    loop {
                        match (self.at(k), self.at(k + 1)) {
                            (0, _) if k >= self.b.len() => return Some(Err(())),
                            (b'/', b'*') => {
                                depth += 1;
                                k += 2;
                            }
                            (b'*', b'/') => {
                                depth -= 1;
                                k += 2;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => k += 1,
                        }
                    }
                    self.i = k;
                    // `/** .. */` but not `/***` nor `/**/`.
                    if self.at(start + 2) == b'*' && !matches!(self.at(start + 3), b'*' | b'/') {
                        return Some(Ok((start, Tok::Doc(k))));
                    }
                    continue;
                }
                b'"' => match self.string(start) {
                    Some(end) => (end, Tok::Other),
                    None => return Some(Err(())),
                },
                b'\'' => match self.quote(start) {
                    Some(end) => (end, Tok::Other),
                    None => return Some(Err(())),
                },
                b'b' | b'c' | b'r' => {
                    let mut k = start;
                    if b != b'r' && self.at(k + 1) == b'r' {
                        k += 1;
                    }
                    if self.at(k) == b'r'
                        && let Some(raw) = self.raw_string(k)
                    {
                        match raw {
                            Some(end) => (end, Tok::Other),
                            None => return Some(Err(())),
                        }
                    } else if k == start && b != b'r' && self.at(k + 1) == b'"' {
                        match self.string(k + 1) {
                            Some(end) => (end, Tok::Other),
                            None => return Some(Err(())),
                        }
                    } else if b == b'b' && self.at(start + 1) == b'\'' {
                        match self.quote(start + 1) {
                            Some(end) => (end, Tok::Other),
                            None => return Some(Err(())),
                        }
                    } else if b == b'r' && self.at(start + 1) == b'#' {
                        // A raw identifier: `r#match`.
                        let end = self.ident_end(start + 2);
                        (end, Tok::Ident(start, end, true))
                    } else {
                        let end = self.ident_end(start);
                        (end, Tok::Ident(start, end, false))
                    }
                }
                b'0'..=b'9' => {
                    let mut k = start;
                    loop {
                        k = self.ident_end(k);
                        if self.at(k) == b'.' && self.at(k + 1).is_ascii_digit() {
                            k += 1;
                        } else {
                            break;
                        }
                    }
                    (k, Tok::Other)
                }
                b'(' | b'[' | b'{' => (start + 1, Tok::Open(b)),
                b')' | b']' | b'}' => (start + 1, Tok::Close(b)),
                b'_' | b'a'..=b'z' | b'A'..=b'Z' => {
                    let end = self.ident_end(start);
                    (end, Tok::Ident(start, end, false))
                }
                b'=' | b'<' | b'>' | b'!' | b'~' | b'+' | b'-' | b'*' | b'/' | b'%' | b'^'
                | b'&' | b'|' | b'@' | b'.' | b',' | b';' | b':' | b'#' | b'$' | b'?' => {
                    (start + 1, Tok::Punct(b))
                }
                0x80.. if self.char_at(start).is_some_and(unicode_ident::is_xid_start) => {
                    let end = self.ident_end(start);
                    (end, Tok::Ident(start, end, false))
                }
                _ => return Some(Err(())),
            };
            self.i = end;
            return Some(Ok((start, token)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
