//! Human output: codespan-reporting diagnostics, colour only on a terminal.

use crate::diagnostic::{Diagnostic, Level};
use crate::engine::Outcome;
use crate::source::SourceFile;
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity};
use codespan_reporting::files::{Error, Files};
use codespan_reporting::term::{self, termcolor::WriteColor};
use std::ops::Range;

/// The run's files, as codespan-reporting sees them.
struct SourceFiles<'a>(&'a [SourceFile]);

impl<'a> Files<'a> for SourceFiles<'a> {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, Error> {
        self.0
            .get(id)
            .map(|f| f.name.as_str())
            .ok_or(Error::FileMissing)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, Error> {
        self.0
            .get(id)
            .map(|f| f.text.as_str())
            .ok_or(Error::FileMissing)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, Error> {
        Ok(self
            .0
            .get(id)
            .ok_or(Error::FileMissing)?
            .line_index(byte_index))
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, Error> {
        let file = self.0.get(id).ok_or(Error::FileMissing)?;
        let starts = file.line_starts();
        let start = *starts.get(line_index).ok_or(Error::LineTooLarge {
            given: line_index,
            max: starts.len() - 1,
        })?;
        let end = starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(file.text.len());
        Ok(start..end)
    }
}

fn to_codespan(d: &Diagnostic, files: &[SourceFile], explain_note: bool) -> CsDiagnostic<usize> {
    let severity = match d.level {
        Level::Error => Severity::Error,
        _ => Severity::Warning,
    };
    let range = |file: usize, s: crate::ir::Span| {
        let f = &files[file];
        f.clamp(s.start as usize)..f.clamp(s.end as usize)
    };
    let mut labels = vec![
        Label::primary(d.file, range(d.file, d.primary.span)).with_message(&d.primary.message),
    ];
    labels.extend(d.secondary.iter().map(|l| {
        let file = l.file.unwrap_or(d.file);
        Label::secondary(file, range(file, l.span)).with_message(&l.message)
    }));
    let mut notes: Vec<String> = d.help.iter().map(|h| format!("help: {h}")).collect();
    notes.extend(d.notes.iter().map(|n| format!("note: {n}")));
    if let Some(s) = &d.suggestion {
        let applied = if s.is_machine_applicable() {
            " (`poollint --fix` applies it)"
        } else {
            ""
        };
        notes.push(format!("fix: {}{applied}", s.message));
    }
    if explain_note {
        notes.push(format!(
            "note: `{}` ({}) is explained by `poollint --explain {}`",
            d.code, d.name, d.code
        ));
    }
    CsDiagnostic::new(severity)
        .with_message(&d.message)
        .with_code(d.code)
        .with_labels(labels)
        .with_notes(notes)
}

/// Render one diagnostic as plain text (snapshots and the JSON `rendered` field).
pub fn render_plain(d: &Diagnostic, files: &[SourceFile]) -> String {
    let config = term::Config::default();
    let cs = to_codespan(d, files, true);
    term::emit_into_string(&config, &SourceFiles(files), &cs)
        .unwrap_or_else(|_| format!("{}\n", d.message))
}

/// What the human output prints besides the findings.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Only the findings: no summary, no notes after them (`--quiet`).
    pub quiet: bool,
    /// The output is a terminal: a person reads it, so say how to silence a finding.
    pub terminal: bool,
}

pub fn write(out: &mut dyn WriteColor, outcome: &Outcome, options: Options) -> std::io::Result<()> {
    let config = term::Config::default();
    let files = SourceFiles(&outcome.files);
    // The `--explain` pointer once per rule, on its first finding.
    let mut explained = std::collections::BTreeSet::new();
    for d in &outcome.diagnostics {
        let cs = to_codespan(d, &outcome.files, explained.insert(d.code));
        if term::emit_to_write_style(out, &config, &files, &cs).is_err() {
            writeln!(out, "{}: {}", outcome.files[d.file].name, d.message)?;
        }
    }
    if options.quiet {
        return Ok(());
    }
    writeln!(out, "{}", super::summary(outcome))?;
    let fixable = super::fixable(outcome);
    if fixable > 0 {
        writeln!(
            out,
            "{fixable} fixable with `poollint --fix` (`cargo poollint --fix`)"
        )?;
    }
    if options.terminal
        // A finding about the code, not about the file or a comment.
        && let Some(first) = outcome
            .diagnostics
            .iter()
            .find(|d| !matches!(d.code, "PL000" | "PL100"))
    {
        writeln!(
            out,
            "hint: to silence a finding you have checked, put `// poollint: allow({}) -- reason` on its line or the line above",
            first.code
        )?;
    }
    // Pooled and guard types are checked without any pool API (PL006-PL008).
    let knows_types = outcome.index.struct_decls().any(|s| s.pooled || s.guard);
    if outcome.index.is_empty() && !knows_types && outcome.diagnostics.is_empty() {
        writeln!(out, "note: {}", super::NO_APIS_HINT)?;
    }
    Ok(())
}
