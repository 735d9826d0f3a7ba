//! `--format json`: one rustc-style diagnostic object per line, the shape
//! rust-analyzer's `check.overrideCommand` and other rustc consumers read.

use crate::diagnostic::{Diagnostic, Edit, Label, Suggestion};
use crate::engine::Outcome;
use crate::ir::Span;
use crate::source::SourceFile;
use serde_json::{Value, json};
use std::io::Write;

fn span_json(file: &SourceFile, label: &Label, primary: bool) -> Value {
    span_value(file, label.span, Some(&label.message), primary, None)
}

/// A span of a suggestion: what to put in place of its bytes, and how sure that is.
fn edit_json(file: &SourceFile, edit: &Edit, suggestion: &Suggestion) -> Value {
    span_value(
        file,
        edit.span,
        None,
        true,
        Some((&edit.replacement, suggestion.applicability.as_str())),
    )
}

fn span_value(
    file: &SourceFile,
    span: Span,
    label: Option<&str>,
    primary: bool,
    suggestion: Option<(&str, &str)>,
) -> Value {
    let start = file.clamp(span.start as usize);
    let end = file.clamp(span.end as usize).max(start);
    let (line_start, column_start) = file.line_col(start);
    let (line_end, column_end) = file.line_col(end);
    let text: Vec<Value> = (line_start..=line_end)
        .map(|line| {
            let text = file.line_text(line);
            let chars = text.chars().count() + 1;
            let hs = if line == line_start { column_start } else { 1 };
            let he = if line == line_end { column_end } else { chars };
            json!({"text": text, "highlight_start": hs, "highlight_end": he})
        })
        .collect();
    json!({
        "file_name": file.name,
        "byte_start": start,
        "byte_end": end,
        "line_start": line_start,
        "line_end": line_end,
        "column_start": column_start,
        "column_end": column_end,
        "is_primary": primary,
        "text": text,
        "label": label,
        "suggested_replacement": suggestion.map(|s| s.0),
        "suggestion_applicability": suggestion.map(|s| s.1),
        "expansion": null,
    })
}

fn child(level: &str, message: &str) -> Value {
    json!({"message": message, "code": null, "level": level, "spans": [], "children": [], "rendered": null})
}

pub fn diagnostic_json(d: &Diagnostic, files: &[SourceFile]) -> Value {
    let mut spans = vec![span_json(&files[d.file], &d.primary, true)];
    spans.extend(
        d.secondary
            .iter()
            .map(|l| span_json(&files[l.file.unwrap_or(d.file)], l, false)),
    );
    let mut children: Vec<Value> = d.help.iter().map(|h| child("help", h)).collect();
    children.extend(d.notes.iter().map(|n| child("note", n)));
    // rustc's shape: a help child whose spans carry the replacement, which
    // rust-analyzer turns into a quick fix.
    if let Some(s) = &d.suggestion {
        let mut help = child("help", &s.message);
        help["spans"] = s
            .edits
            .iter()
            .map(|e| edit_json(&files[d.file], e, s))
            .collect();
        children.push(help);
    }
    json!({
        "$message_type": "diagnostic",
        "message": d.message,
        "code": {"code": format!("poollint::{}", d.code), "explanation": null},
        "level": d.level.as_str(),
        "spans": spans,
        "children": children,
        "rendered": super::human::render_plain(d, files),
    })
}

pub fn write(out: &mut dyn Write, outcome: &Outcome) -> std::io::Result<()> {
    for d in &outcome.diagnostics {
        writeln!(out, "{}", diagnostic_json(d, &outcome.files))?;
    }
    Ok(())
}
