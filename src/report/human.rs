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

fn to_codespan(d: &Diagnostic, files: &[SourceFile]) -> CsDiagnostic<usize> {
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
    notes.push(format!(
        "note: `{}` ({}) is explained by `poollint --explain {}`",
        d.code, d.name, d.code
    ));
    CsDiagnostic::new(severity)
        .with_message(&d.message)
        .with_code(d.code)
        .with_labels(labels)
        .with_notes(notes)
}

/// Render one diagnostic as plain text (snapshots and the JSON `rendered` field).
pub fn render_plain(d: &Diagnostic, files: &[SourceFile]) -> String {
    let config = term::Config::default();
    let cs = to_codespan(d, files);
    term::emit_into_string(&config, &SourceFiles(files), &cs)
        .unwrap_or_else(|_| format!("{}\n", d.message))
}

pub fn write(out: &mut dyn WriteColor, outcome: &Outcome) -> std::io::Result<()> {
    let config = term::Config::default();
    let files = SourceFiles(&outcome.files);
    for d in &outcome.diagnostics {
        let cs = to_codespan(d, &outcome.files);
        if term::emit_to_write_style(out, &config, &files, &cs).is_err() {
            writeln!(out, "{}: {}", outcome.files[d.file].name, d.message)?;
        }
    }
    writeln!(out, "{}", super::summary(outcome))?;
    if outcome.index.is_empty() {
        writeln!(out, "note: {}", super::NO_APIS_HINT)?;
    }
    Ok(())
}
