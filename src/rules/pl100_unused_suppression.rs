use super::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::ir::Span;

declare_rule! {
    /// ## What it does
    /// Reports a `// poollint: allow(..)` comment that silenced nothing, or
    /// that names a rule poollint does not have; and a comment that looks
    /// meant to silence a finding but is not read as a suppression: a
    /// malformed one (`// poollint: allow PL004`, `// poollint: allow(PL001`),
    /// a block comment (`/* poollint: allow(PL001) */`), or a `// noqa` (ruff's
    /// syntax) on the line of a finding or naming a poollint rule.
    ///
    /// ## Why is this bad
    /// A suppression outlives the finding it was written for: the code gets
    /// fixed or moved, and the comment stays, ready to hide the next real
    /// finding at that spot. A misspelled rule, or a comment poollint does
    /// not read, silences nothing at all while looking as if it did.
    ///
    /// ## Example
    /// ```rust,ignore
    /// // poollint: allow(PL001) -- released by the caller
    /// let n = buf.len(); // nothing here is PL001 any more
    /// ```
    ///
    /// ## Use instead
    /// Remove the comment, or move it to the finding it is meant for. The
    /// syntax that works: `// poollint: allow(PL001, use-after-release) --
    /// reason`, a line comment, on the finding's line or the line above.
    ///
    /// ## Known limits
    /// Suppressions of rules that are turned off (`allow`) are not reported.
    pub struct UnusedSuppression {
        code: "PL100",
        name: "unused-suppression",
        level: Warn,
        summary: "a `// poollint: allow(..)` comment silenced nothing, or is not read as one",
    }
}

/// The syntax every PL100 about a comment's form points to.
const SYNTAX: &str = "write `// poollint: allow(PL001) -- reason` (rules by code or name, in parentheses, separated by commas) on the finding's line or the line above";

impl UnusedSuppression {
    fn make(file: usize, message: String, span: Span, label: &str, help: String) -> Diagnostic {
        Diagnostic {
            help: Some(help),
            ..Self::INFO.diagnostic(file, message, Label::new(span, label))
        }
    }

    pub fn unused(file: usize, code: &str, span: Span) -> Diagnostic {
        Self::make(
            file,
            format!("unused suppression: nothing here is `{code}`"),
            span,
            "silences nothing",
            "remove it, or move it to the line of the finding it is meant for".to_string(),
        )
    }

    pub fn malformed(file: usize, span: Span, what: &str) -> Diagnostic {
        Self::make(
            file,
            format!("malformed suppression: {what}"),
            span,
            "not read as a suppression: it silences nothing",
            SYNTAX.to_string(),
        )
    }

    pub fn block_comment(file: usize, span: Span) -> Diagnostic {
        Self::make(
            file,
            "a block comment is not read as a suppression".to_string(),
            span,
            "silences nothing",
            format!("use a line comment: {SYNTAX}"),
        )
    }

    pub fn noqa(file: usize, span: Span) -> Diagnostic {
        Self::make(
            file,
            "poollint does not read `noqa` comments".to_string(),
            span,
            "silences no poollint finding",
            SYNTAX.to_string(),
        )
    }

    pub fn unknown(file: usize, name: &str, span: Span) -> Diagnostic {
        let names = super::ALL.iter().flat_map(|r| [r.code, r.name]);
        Self::make(
            file,
            format!("unknown rule `{name}` in suppression{}", crate::config::did_you_mean(name, names)),
            span,
            "no such rule",
            "name a rule by code (`PL001`) or name (`unreleased-acquire`); `poollint --list-rules` lists them".to_string(),
        )
    }
}
