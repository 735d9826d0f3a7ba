//! A finding: one rule, one primary span, labelled secondary spans, a help and notes.

use crate::ir::Span;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Allow,
    Warn,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warning",
            Level::Error => "error",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
    /// The file the span is in, when it is not the diagnostic's own file.
    pub file: Option<usize>,
}

impl Label {
    pub fn new(span: Span, message: impl Into<String>) -> Label {
        Label {
            span,
            message: message.into(),
            file: None,
        }
    }

    /// A label in another file of the run.
    pub fn in_file(file: usize, span: Span, message: impl Into<String>) -> Label {
        Label {
            file: Some(file),
            ..Label::new(span, message)
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub level: Level,
    /// Index of the file in the run's file list.
    pub file: usize,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    pub notes: Vec<String>,
    /// The rewrite that fixes it, when there is one obvious rewrite.
    pub suggestion: Option<Suggestion>,
}

/// How sure a suggestion is, in rustc's terms (`suggestion_applicability`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// The rewrite is what the user wants and compiles: `--fix` applies it.
    MachineApplicable,
    /// Probably right, but it may need a look (a `mut`, another name): shown, never applied.
    MaybeIncorrect,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::MachineApplicable => "MachineApplicable",
            Applicability::MaybeIncorrect => "MaybeIncorrect",
        }
    }
}

/// One text edit: replace the bytes of `span` (empty for an insertion) with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

/// The one obvious rewrite of a finding, as rustc's suggestions carry it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// What the rewrite does, for a help line (`replace with `self.buf.clear()``).
    pub message: String,
    /// Non-overlapping edits in the diagnostic's file.
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

impl Suggestion {
    /// Replace `span` with `replacement`.
    pub fn replace(
        message: impl Into<String>,
        span: Span,
        replacement: impl Into<String>,
        applicability: Applicability,
    ) -> Suggestion {
        Suggestion {
            message: message.into(),
            edits: vec![Edit {
                span,
                replacement: replacement.into(),
            }],
            applicability,
        }
    }

    pub fn is_machine_applicable(&self) -> bool {
        self.applicability == Applicability::MachineApplicable
    }
}
