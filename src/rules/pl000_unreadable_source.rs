use super::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::ir::Span;

declare_rule! {
    /// ## What it does
    /// Reports a file poollint could not analyse: it cannot be read, is not
    /// UTF-8, does not parse as Rust, or its analysis failed internally.
    ///
    /// ## Why is this bad
    /// A file that is not analysed is not checked. Without this diagnostic a
    /// broken file would look clean.
    ///
    /// ## Example
    /// ```text
    /// error[PL000]: cannot parse `src/gen.rs`: expected `;`
    ///  --> src/gen.rs:3:14
    /// ```
    ///
    /// ## Use instead
    /// Fix the syntax error, or exclude generated or template files in
    /// `poollint.toml` (`exclude = ["templates/**"]`). The other files of the
    /// run are analysed normally.
    ///
    /// ## Known limits
    /// poollint parses with `syn`: syntax newer than the `syn` it was built
    /// with is reported here even if `rustc` accepts it.
    pub struct UnreadableSource {
        code: "PL000",
        name: "unreadable-source",
        level: Error,
        summary: "a file could not be read, decoded, parsed or analysed",
    }
}

/// The reason a file was not analysed.
pub enum Unreadable {
    Io(String),
    NotUtf8 { valid_up_to: usize },
    Syntax { message: String, span: Span },
    Internal(String),
}

impl UnreadableSource {
    pub fn diagnostic(file: usize, name: &str, reason: Unreadable) -> Diagnostic {
        Self::diagnostic_in(file, name, reason, crate::frontend::Language::Rust)
    }

    /// [`diagnostic`](Self::diagnostic) for a file of this language.
    pub fn diagnostic_in(
        file: usize,
        name: &str,
        reason: Unreadable,
        language: crate::frontend::Language,
    ) -> Diagnostic {
        let lang = language.name();
        let at_start = Span::default();
        let (message, primary, help) = match reason {
            Unreadable::Io(err) => (
                format!("cannot read `{name}`: {err}"),
                Label::new(at_start, "file not analysed"),
                None,
            ),
            Unreadable::NotUtf8 { valid_up_to } => (
                format!("`{name}` is not valid UTF-8 (first invalid byte at offset {valid_up_to})"),
                Label::new(at_start, "file not analysed"),
                Some(format!(
                    "{lang} sources must be UTF-8; exclude this file if it is not {lang}"
                )),
            ),
            Unreadable::Syntax { message, span } => (
                format!("cannot parse `{name}`: {message}"),
                Label::new(span, message),
                Some(format!(
                    "fix the syntax error, or exclude the file in poollint.toml if it is not {lang}"
                )),
            ),
            Unreadable::Internal(what) => (
                format!("internal error while analysing `{name}`: {what}"),
                Label::new(at_start, "file not analysed"),
                Some("please report this with the file attached".to_string()),
            ),
        };
        Diagnostic {
            help,
            ..Self::INFO.diagnostic(file, message, primary)
        }
    }
}
