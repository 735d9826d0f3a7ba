//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it. Columns
//! count Unicode code points (`columnKind`); no fingerprints are emitted, so
//! GitHub computes its own from the code rather than from line numbers.

use crate::diagnostic::{Diagnostic, Label, Level};
use crate::engine::Outcome;
use crate::rules;
use crate::source::SourceFile;
use serde_json::{Value, json};
use std::io::Write;

pub const INFORMATION_URI: &str = "https://crates.io/crates/cargo-poollint";

fn level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warn => "warning",
        Level::Allow => "none",
    }
}

fn precision(code: &str) -> &'static str {
    match code {
        "PL000" | "PL100" => "very-high",
        "PL009" | "PL010" => "medium",
        _ => "high",
    }
}

/// A relative path as a URI reference: `/` separators, everything else percent-encoded.
pub fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.replace('\\', "/").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn region(file: &SourceFile, label: &Label) -> Value {
    let start = file.clamp(label.span.start as usize);
    let end = file.clamp(label.span.end as usize).max(start);
    let (start_line, start_column) = file.line_col(start);
    let (end_line, end_column) = file.line_col(end);
    json!({
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column.max(if end_line == start_line { start_column + 1 } else { 1 }),
    })
}

/// A region that may be empty (an insertion point), for a fix's `deletedRegion`.
fn edit_region(file: &SourceFile, span: crate::ir::Span) -> Value {
    let start = file.clamp(span.start as usize);
    let end = file.clamp(span.end as usize).max(start);
    let (start_line, start_column) = file.line_col(start);
    let (end_line, end_column) = file.line_col(end);
    json!({
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
    })
}

/// A suggestion as a SARIF `fix`: one artifact change with its replacements.
fn fix_json(file: &SourceFile, suggestion: &crate::diagnostic::Suggestion) -> Value {
    let replacements: Vec<Value> = suggestion
        .edits
        .iter()
        .map(|e| {
            json!({
                "deletedRegion": edit_region(file, e.span),
                "insertedContent": {"text": e.replacement},
            })
        })
        .collect();
    json!({
        "description": {"text": suggestion.message},
        "artifactChanges": [{
            "artifactLocation": {"uri": uri(&file.name)},
            "replacements": replacements,
        }],
        "properties": {"applicability": suggestion.applicability.as_str()},
    })
}

fn location(file: &SourceFile, label: &Label) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": {"uri": uri(&file.name)},
            "region": region(file, label),
        }
    })
}

fn rule_json(rule: &rules::RuleInfo) -> Value {
    let markdown = super::rule_markdown(rule);
    let full = markdown
        .split("## Why is this bad")
        .next()
        .unwrap_or("")
        .replace("## What it does", "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    json!({
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        "help": {"text": super::markdown_to_plain(&markdown), "markdown": markdown},
        "helpUri": format!("{INFORMATION_URI}#{}", rule.code.to_lowercase()),
        "defaultConfiguration": {"level": level(rule.default_level)},
        "properties": {
            "precision": precision(rule.code),
            "tags": ["correctness", "object-pool"],
        },
    })
}

fn result_json(d: &Diagnostic, files: &[SourceFile]) -> Value {
    let index = rules::ALL
        .iter()
        .position(|r| r.code == d.code)
        .unwrap_or(0);
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<Value> = d
        .secondary
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut loc = location(&files[l.file.unwrap_or(d.file)], l);
            loc["id"] = json!(i + 1);
            loc["message"] = json!({"text": l.message});
            loc
        })
        .collect();
    let mut primary = location(&files[d.file], &d.primary);
    primary["message"] = json!({"text": d.primary.message});
    let mut result = json!({
        "ruleId": d.code,
        "ruleIndex": index,
        "level": level(d.level),
        "message": {"text": text},
        "locations": [primary],
    });
    if !related.is_empty() {
        result["relatedLocations"] = json!(related);
    }
    if let Some(s) = &d.suggestion {
        result["fixes"] = json!([fix_json(&files[d.file], s)]);
    }
    result
}

pub fn to_json(outcome: &Outcome) -> Value {
    // The catalogue depends on nothing but the binary.
    static RULES: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    let rules = RULES.get_or_init(|| rules::ALL.iter().map(|r| rule_json(r)).collect());
    let results: Vec<Value> = outcome
        .diagnostics
        .iter()
        .map(|d| result_json(d, &outcome.files))
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "poollint",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

pub fn write(out: &mut dyn Write, outcome: &Outcome) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(&to_json(outcome)).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")
}
