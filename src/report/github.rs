//! `--format github`: GitHub Actions workflow commands, one annotation per
//! finding, a summary line, and a markdown table appended to
//! `$GITHUB_STEP_SUMMARY` when it is set.

use crate::diagnostic::Level;
use crate::engine::Outcome;
use std::io::Write;

/// Escape a workflow command's message.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a workflow command's property value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn write(out: &mut dyn Write, outcome: &Outcome) -> std::io::Result<()> {
    write_with(out, outcome, false)
}

/// [`write`]; `quiet`: the annotations only, without the summary line.
pub fn write_with(out: &mut dyn Write, outcome: &Outcome, quiet: bool) -> std::io::Result<()> {
    for d in &outcome.diagnostics {
        let file = &outcome.files[d.file];
        let start = file.clamp(d.primary.span.start as usize);
        let end = file.clamp(d.primary.span.end as usize).max(start);
        let (line, col) = file.line_col(start);
        let (end_line, end_col) = file.line_col(end);
        let command = if d.level == Level::Error {
            "error"
        } else {
            "warning"
        };
        let mut props = format!(
            "file={},line={line},endLine={end_line}",
            escape_property(&file.name)
        );
        // Columns only make sense on a single-line span.
        if line == end_line {
            props.push_str(&format!(",col={col},endColumn={}", end_col.max(col + 1)));
        }
        props.push_str(&format!(
            ",title={}",
            escape_property(&format!("{} {}", d.code, d.name))
        ));
        let mut message = format!("{} ({})", d.message, d.primary.message);
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        writeln!(out, "::{command} {props}::{}", escape_data(&message))?;
    }
    if !quiet {
        writeln!(out, "poollint: {}", super::summary(outcome))?;
    }
    if let Ok(path) = std::env::var("GITHUB_STEP_SUMMARY")
        && !path.is_empty()
    {
        append_step_summary(&path, outcome)?;
    }
    Ok(())
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn append_step_summary(path: &str, outcome: &Outcome) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    writeln!(f, "### poollint\n\n{}\n", super::summary(outcome))?;
    if outcome.diagnostics.is_empty() {
        return Ok(());
    }
    writeln!(f, "| Rule | Location | Finding |\n|---|---|---|")?;
    for d in &outcome.diagnostics {
        let file = &outcome.files[d.file];
        let (line, col) = file.line_col(d.primary.span.start as usize);
        writeln!(
            f,
            "| `{}` {} | `{}:{line}:{col}` | {} |",
            d.code,
            d.name,
            cell(&file.name),
            cell(&d.message)
        )?;
    }
    writeln!(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("100% done\r\nnext"), "100%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
