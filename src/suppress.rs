//! `// poollint: allow(PL001) -- reason` comments.
//!
//! A comment on a finding's line or the line above silences it; the same
//! comment directly above a fn (or its attributes and doc comments) covers the
//! whole fn; `//! poollint: allow(..)` covers the file. Rules are named by code
//! or name. A suppression that silences nothing is reported as PL100.

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

/// Where a `//` comment starts on a line, skipping `//` inside string literals.
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i + 1 < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes[i + 1] == b'/' => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Find the suppression comments of a file.
fn parse(file: &SourceFile, fn_ranges: &[(u32, u32)]) -> Vec<Suppression> {
    let text = &file.text;
    let mut out = Vec::new();
    let mut offset = 0;
    for (i, raw_line) in text.split_inclusive('\n').enumerate() {
        let line_start = offset;
        offset += raw_line.len();
        let Some(comment_at) = comment_start(raw_line) else {
            continue;
        };
        let comment = &raw_line[comment_at + 2..];
        if let Some(entries) = go_form(comment, line_start + comment_at + 2) {
            let line = i + 1;
            let standalone = raw_line[..comment_at].trim().is_empty();
            let scope = match fn_below(file, fn_ranges, line).filter(|_| standalone) {
                Some((start, end)) => Scope::Fn(start, end),
                None => Scope::Lines(line),
            };
            out.push(Suppression { scope, entries });
            continue;
        }
        let inner = comment.starts_with('!');
        let body = comment.trim_start_matches(['!', '/']).trim_start();
        let Some(rest) = body.strip_prefix("poollint:") else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(list) = rest
            .strip_prefix("allow(")
            .and_then(|r| r.split_once(')'))
            .map(|(l, _)| l)
        else {
            continue;
        };
        // Prose that mentions the syntax (`allow(..)`) is not a suppression.
        let is_name = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        };
        if !list.split(',').all(|item| is_name(item.trim())) {
            continue;
        }
        let list_start = line_start
            + comment_at
            + 2
            + (comment.len() - body.len())
            + (body.len() - rest.len())
            + "allow(".len();
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
        let line = i + 1;
        let standalone = raw_line[..comment_at].trim().is_empty();
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
        out.push(Suppression { scope, entries });
    }
    out
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
    parsed: &[bool],
    level_of: impl Fn(&'static str) -> Level,
) -> Vec<Diagnostic> {
    let mut per_file: Vec<Vec<Suppression>> = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if reported[i] && f.text.contains("poollint") {
                parse(f, &fn_ranges[i])
            } else {
                Vec::new()
            }
        })
        .collect();
    let mut kept = Vec::new();
    for d in diagnostics {
        let file = &files[d.file];
        let (line, _) = file.line_col(d.primary.span.start as usize);
        let mut silenced = false;
        for s in per_file[d.file].iter_mut() {
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
    for (file, suppressions) in per_file.iter().enumerate() {
        // In a file that was not analysed every suppression would look unused.
        if !parsed[file] {
            continue;
        }
        for e in suppressions.iter().flat_map(|s| &s.entries) {
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
