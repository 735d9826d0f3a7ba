//! `// poollint: allow(PL001) -- reason` comments.
//!
//! A comment on a finding's line or the line above silences it; the same
//! comment directly above a fn (or its attributes and doc comments) covers the
//! whole fn; `//! poollint: allow(..)` covers the file. Rules are named by code
//! or name. A suppression that silences nothing is reported as PL100, and so
//! is a comment that looks meant as one but is not read as one: a malformed
//! `// poollint: allow PL001`, a `/* poollint: .. */` block comment, or a
//! `// noqa` (ruff's syntax) on a finding's line or naming a poollint rule.

use crate::diagnostic::{Diagnostic, Level};
use crate::ir::Span;
use crate::rules::{self, UnusedSuppression};
use crate::source::SourceFile;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    /// The comment's line and the next one.
    Lines(usize),
    /// A fn item's byte range.
    Fn(u32, u32),
    File,
}

#[derive(Debug)]
struct Entry {
    /// A rule code, or the name as written when it names no rule.
    rule: Result<&'static str, String>,
    span: Span,
    used: bool,
}

#[derive(Debug)]
struct Suppression {
    scope: Scope,
    entries: Vec<Entry>,
}

/// Every comment of a Rust text as `(start, end, block)` byte ranges, found
/// by a small lexer that skips string, raw string, byte string and char
/// literals (a `// ..` inside a string is no comment), and nests block comments.
fn comments(text: &str) -> Vec<(usize, usize, bool)> {
    let b = text.as_bytes();
    let n = b.len();
    let ident = |i: usize| i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(n, |e| i + e);
                out.push((i, end, false));
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let start = i;
                let mut depth = 0;
                while i < n {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                out.push((start, i.min(n), true));
            }
            b'"' => {
                i += 1;
                while i < n && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            // `r"..."`, `r#"..."#`, `br#"..."#`, `cr"..."`: no escapes, closed
            // by a quote and as many `#`.
            b'r' if !ident(i) || (i > 0 && matches!(b[i - 1], b'b' | b'c') && !ident(i - 1)) => {
                let mut j = i + 1;
                while j < n && b[j] == b'#' {
                    j += 1;
                }
                if j < n && b[j] == b'"' {
                    let close: String = std::iter::once('"')
                        .chain(std::iter::repeat_n('#', j - i - 1))
                        .collect();
                    i = text[j + 1..]
                        .find(&close)
                        .map_or(n, |e| j + 1 + e + close.len());
                } else {
                    i += 1;
                }
            }
            b'\'' => {
                // A char literal (`'"'`, `'\''`, `'é'`) or a lifetime (`'a`).
                if b.get(i + 1) == Some(&b'\\') {
                    i += 2;
                    while i < n && b[i] != b'\'' && b[i] != b'\n' {
                        i += 1;
                    }
                    i += 1;
                } else {
                    let width = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                    if b.get(i + 1 + width) == Some(&b'\'') {
                        i += width + 2;
                    } else {
                        i += 1;
                    }
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// A comment that looks meant to silence a finding but is not read as a
/// poollint suppression (PL100 says so, with the syntax that works).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Misread {
    /// `// poollint: allow PL004`, `// poollint: allow(PL001`, `// poollint allow(..)`.
    Malformed(String),
    /// `/* poollint: allow(PL001) */`
    Block,
    /// `// noqa`, `// noqa: PL001`: ruff's and flake8's syntax. Reported
    /// when it names a poollint rule or sits on the line of a finding.
    Noqa { line: usize, names_a_rule: bool },
}

/// Everything a file's comments say to poollint.
#[derive(Debug, Default)]
struct Parsed {
    suppressions: Vec<Suppression>,
    misread: Vec<(Misread, Span)>,
}

/// Does the comment body start like a poollint suppression: `poollint:`
/// (or `poollint`) followed by a word that silences (`allow`, `ignore`,
/// `disable`, ...)? Prose that begins with the tool's name
/// (`//! poollint: static analysis of ..`) does not. Returns the rest after
/// the name and its colon, and whether the name was written exactly.
fn directive(body: &str) -> Option<(&str, bool)> {
    let head = body.get(..8)?;
    if !head.eq_ignore_ascii_case("poollint") {
        return None;
    }
    let rest = &body[8..];
    let (after, colon) = match rest.strip_prefix(':') {
        // `poollint::` is a path (`poollint::acquire` in prose), not a directive.
        Some(after) if after.starts_with(':') => return None,
        Some(after) => (after, true),
        None => (rest, false),
    };
    let word: String = after
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphabetic() || *c == '-' || *c == '_')
        .collect::<String>()
        .to_ascii_lowercase();
    const SILENCING: &[&str] = &[
        "allow",
        "ignore",
        "disable",
        "skip",
        "suppress",
        "noqa",
        "nolint",
        "off",
        "allow-next-line",
    ];
    if !SILENCING.contains(&word.as_str()) {
        return None;
    }
    Some((after, colon && head == "poollint"))
}

/// The names of `allow(a, b)` if the text is exactly that shape (spaces allowed).
fn allow_list(rest: &str) -> Option<&str> {
    let list = rest
        .trim_start()
        .strip_prefix("allow")?
        .trim_start()
        .strip_prefix('(')?;
    let (list, _) = list.split_once(')')?;
    let is_name = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    list.split(',')
        .all(|item| is_name(item.trim()))
        .then_some(list)
}

/// Find the suppression comments of a file, and the comments that look like
/// one but are not read as one.
fn parse(file: &SourceFile, fn_ranges: &[(u32, u32)]) -> Parsed {
    let text = &file.text;
    let go = file.path.extension().is_some_and(|e| e == "go");
    let mut out = Parsed::default();
    for (start, end, block) in comments(text) {
        let comment = text[start + 2..end].trim_end_matches("*/");
        // Go's forms (`//poollint:allow PL001 -- why`, `//nolint:poollint`).
        if go
            && !block
            && let Some(entries) = go_form(comment, start + 2)
        {
            let (line, _) = file.line_col(start);
            let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
            let standalone = text[line_start..start].trim().is_empty();
            let scope = match fn_below(file, fn_ranges, line).filter(|_| standalone) {
                Some((start, end)) => Scope::Fn(start, end),
                None => Scope::Lines(line),
            };
            out.suppressions.push(Suppression { scope, entries });
            continue;
        }
        let inner = comment.starts_with('!');
        let body = comment.trim_start_matches(['!', '/', '*']).trim_start();
        let body_at = start + 2 + (comment.len() - body.len());
        let whole = Span::new(
            start,
            start + 2 + comment.trim_end().len() + if block { 2 } else { 0 },
        );
        let (line, _) = file.line_col(start);
        let Some((rest, exact)) = directive(body) else {
            if let Some(after) = noqa(body) {
                let names_a_rule = after
                    .split(|c: char| c == ',' || c == ':' || c.is_whitespace())
                    .any(|n| {
                        n.len() == 5
                            && n[..2].eq_ignore_ascii_case("PL")
                            && rules::find(n).is_some()
                    });
                out.misread
                    .push((Misread::Noqa { line, names_a_rule }, whole));
            }
            continue;
        };
        if block {
            out.misread.push((Misread::Block, whole));
            continue;
        }
        let Some(list) = allow_list(rest).filter(|_| exact) else {
            let what = if !exact {
                "write `poollint:` (lower case, then a colon)"
            } else if rest.trim_start().starts_with("allow") {
                "the rules go in parentheses, separated by commas"
            } else {
                "the only directive is `allow(..)`"
            };
            out.misread
                .push((Misread::Malformed(what.to_string()), whole));
            continue;
        };
        let after_name = body_at + "poollint:".len();
        let list_start = after_name + text[after_name..].find('(').map_or(0, |p| p + 1);
        let mut entries = Vec::new();
        let mut cursor = 0;
        for item in list.split(',') {
            let at = list_start + cursor + (item.len() - item.trim_start().len());
            cursor += item.len() + 1;
            let name = item.trim();
            if name.is_empty() {
                continue;
            }
            entries.push(Entry {
                rule: rules::find(name)
                    .map(|r| r.code)
                    .ok_or_else(|| name.to_string()),
                span: Span::new(at, at + name.len()),
                used: false,
            });
        }
        let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let standalone = text[line_start..start].trim().is_empty();
        let scope = if inner {
            Scope::File
        } else if let Some(&(start, end)) = fn_ranges
            .iter()
            .find(|(start, _)| standalone && file.line_col(*start as usize).0 == line + 1)
        {
            Scope::Fn(start, end)
        } else {
            Scope::Lines(line)
        };
        out.suppressions.push(Suppression { scope, entries });
    }
    out
}

/// `noqa`, `noqa: X`, `NOQA` at the start of a comment: what follows it.
fn noqa(body: &str) -> Option<&str> {
    let head = body.get(..4)?;
    if !head.eq_ignore_ascii_case("noqa") {
        return None;
    }
    let rest = &body[4..];
    (rest.is_empty() || rest.starts_with([':', ' ', '\t', '\n', '\r'])).then_some(rest)
}

/// Every rule: what `//nolint:poollint` silences.
const ANY_RULE: &str = "*";

/// Go's comment forms (after the `//`): `poollint:allow PL001, PL002 --
/// reason` and golangci-lint's `nolint:poollint` (also in a list,
/// `nolint:errcheck,poollint // reason`), which silences every rule.
/// `offset` is where the text after `//` starts in the file.
fn go_form(comment: &str, offset: usize) -> Option<Vec<Entry>> {
    if let Some(list) = comment.strip_prefix("nolint:") {
        let list = list.split_whitespace().next().unwrap_or("");
        let mut at = offset + "nolint:".len();
        for name in list.split(',') {
            if name == "poollint" {
                return Some(vec![Entry {
                    rule: Ok(ANY_RULE),
                    span: Span::new(at, at + name.len()),
                    used: false,
                }]);
            }
            at += name.len() + 1;
        }
        return None;
    }
    let rest = comment.strip_prefix("poollint:allow")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let list = rest.split(" --").next().unwrap_or(rest);
    let mut entries = Vec::new();
    let base = offset + "poollint:allow".len();
    let mut cursor = 0;
    for item in list.split(',') {
        let name = item.trim();
        let at = base + cursor + (item.len() - item.trim_start().len());
        cursor += item.len() + 1;
        if name.is_empty() {
            continue;
        }
        entries.push(Entry {
            rule: rules::find(name)
                .map(|r| r.code)
                .ok_or_else(|| name.to_string()),
            span: Span::new(at, at + name.len()),
            used: false,
        });
    }
    (!entries.is_empty()).then_some(entries)
}

/// The fn item whose declaration follows a comment on `line`, with only
/// comments between (a Go doc comment group).
fn fn_below(file: &SourceFile, fn_ranges: &[(u32, u32)], line: usize) -> Option<(u32, u32)> {
    let lines: Vec<&str> = file.text.lines().collect();
    fn_ranges.iter().copied().find(|&(start, _)| {
        let fn_line = file.line_col(start as usize).0;
        fn_line > line
            && (line + 1..fn_line).all(|l| {
                lines
                    .get(l - 1)
                    .is_some_and(|t| t.trim_start().starts_with("//"))
            })
    })
}

impl Scope {
    fn covers(&self, line: usize, offset: u32) -> bool {
        match *self {
            Scope::Lines(l) => line == l || line == l + 1,
            Scope::Fn(start, end) => (start..end).contains(&offset),
            Scope::File => true,
        }
    }
}

/// Drop the diagnostics a suppression covers, and report suppressions that
/// silenced nothing (PL100) for rules that are enabled.
pub fn apply(
    diagnostics: Vec<Diagnostic>,
    files: &[SourceFile],
    fn_ranges: &[Vec<(u32, u32)>],
    reported: &[bool],
    analysed: &[bool],
    level_of: impl Fn(&'static str) -> Level,
) -> Vec<Diagnostic> {
    let mut parsed: Vec<Parsed> = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if reported[i] && (f.text.contains("poollint") || f.text.contains("noqa")) {
                parse(f, &fn_ranges[i])
            } else {
                Parsed::default()
            }
        })
        .collect();
    // Lines that have a finding, for `// noqa` on them.
    let finding_lines: std::collections::BTreeSet<(usize, usize)> = diagnostics
        .iter()
        .map(|d| {
            (
                d.file,
                files[d.file].line_col(d.primary.span.start as usize).0,
            )
        })
        .collect();
    let mut kept = Vec::new();
    for d in diagnostics {
        let file = &files[d.file];
        let (line, _) = file.line_col(d.primary.span.start as usize);
        let mut silenced = false;
        for s in parsed[d.file].suppressions.iter_mut() {
            if !s.scope.covers(line, d.primary.span.start) {
                continue;
            }
            for e in s
                .entries
                .iter_mut()
                .filter(|e| e.rule == Ok(d.code) || e.rule == Ok(ANY_RULE))
            {
                e.used = true;
                silenced = true;
            }
        }
        if !silenced {
            kept.push(d);
        }
    }
    if level_of(UnusedSuppression::INFO.code) == Level::Allow {
        return kept;
    }
    for (file, found) in parsed.iter().enumerate() {
        // A file that was not analysed has only its PL000: every suppression
        // would look unused, and its comments may be anything.
        if !analysed[file] {
            continue;
        }
        for (misread, span) in &found.misread {
            match misread {
                Misread::Malformed(what) => {
                    kept.push(UnusedSuppression::malformed(file, *span, what))
                }
                Misread::Block => kept.push(UnusedSuppression::block_comment(file, *span)),
                Misread::Noqa { line, names_a_rule } => {
                    if *names_a_rule || finding_lines.contains(&(file, *line)) {
                        kept.push(UnusedSuppression::noqa(file, *span));
                    }
                }
            }
        }
        for e in found.suppressions.iter().flat_map(|s| &s.entries) {
            match &e.rule {
                Ok(ANY_RULE) if !e.used => {
                    kept.push(UnusedSuppression::unused(file, "poollint", e.span));
                }
                Ok(code) if !e.used && level_of(code) != Level::Allow => {
                    kept.push(UnusedSuppression::unused(file, code, e.span));
                }
                Err(name) => kept.push(UnusedSuppression::unknown(file, name, e.span)),
                _ => {}
            }
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment_texts(text: &str) -> Vec<&str> {
        comments(text)
            .into_iter()
            .map(|(s, e, _)| &text[s..e])
            .collect()
    }

    #[test]
    fn comments_skip_every_kind_of_literal() {
        let text = r###"let a = "// no"; // yes 1
let b = r##"// no "# still"##; /* yes 2 /* nested */ end */
let c = br"// no"; let d = '"'; let e = b'\''; fn f<'a>(x: &'a str) {} // yes 3
let g = "esc \" // no"; let h = 'é'; // yes 4"###;
        assert_eq!(
            comment_texts(text),
            vec![
                "// yes 1",
                "/* yes 2 /* nested */ end */",
                "// yes 3",
                "// yes 4"
            ]
        );
    }

    #[test]
    fn only_comments_that_mean_to_silence_are_directives() {
        assert!(directive("poollint: allow(PL001)").is_some());
        assert!(directive("poollint: allow PL001").is_some());
        assert!(directive("Poollint: ignore PL001").is_some_and(|(_, exact)| !exact));
        assert!(directive("poollint allow(PL001)").is_some_and(|(_, exact)| !exact));
        assert!(directive("poollint: static analysis of pools").is_none());
        assert!(directive("poollint::acquire marks an acquire").is_none());
        assert_eq!(
            allow_list(" allow( PL001 , PL002 )"),
            Some(" PL001 , PL002 ")
        );
        assert_eq!(allow_list(" allow(..)"), None);
        assert!(noqa("noqa: PL001").is_some() && noqa("noqaa").is_none());
    }
}
