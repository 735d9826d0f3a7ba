//! A lexer for what the skeleton needs of Rust's tokens.

/// A token, as far as the skeleton's passes care.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Tok {
    /// An identifier or keyword: its byte range (`r#` included) and whether
    /// it is raw.
    Ident(usize, usize, bool),
    Punct(u8),
    Open(u8),
    Close(u8),
    /// A literal other than a number, a lifetime or a label.
    Other,
    /// A number: its byte range (`0`, `1.5`, `0x1f_u8`, and `0.1` in
    /// `t.0.1`).
    Number(usize, usize),
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
pub(super) struct Tokens<'t> {
    text: &'t str,
    b: &'t [u8],
    i: usize,
}

impl<'t> Tokens<'t> {
    pub(super) fn new(text: &'t str) -> Self {
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
                    (k, Tok::Number(start, k))
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
