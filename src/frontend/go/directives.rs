//! `//poollint:WORD key=value ...` directives in the comment group directly
//! above a declaration: Go's stand-in for the attribute vocabulary.
//!
//! | directive | on | meaning |
//! |---|---|---|
//! | `//poollint:acquire` (`guard`, `pool=NAME`) | func, method | returns a raw pooled value (a guard with `guard`) |
//! | `//poollint:release` (`arg=NAME`, `receiver`) | func, method | gives back its first argument (or the named one, or its receiver; a method without arguments gives back its receiver) |
//! | `//poollint:detach` | method | returns the value detached from its guard |
//! | `//poollint:reset` | method | resets its receiver for reuse |
//! | `//poollint:pooled reset=Reset keep=ID,Name` | type | values of the type are pooled; `reset` names the reset method, `keep` the fields kept across reuse |
//! | `//poollint:guard` | type | a guard type |

use super::Src;
use super::fields::Fields as _;
use crate::knowledge::{ReleaseParam, Role};
use tree_sitter::Node;

pub struct Directive {
    pub word: String,
    /// `key=value` and bare `key` arguments, in order.
    pub args: Vec<(String, Option<String>)>,
    /// Byte offset of the comment.
    pub offset: usize,
}

impl Directive {
    pub fn arg(&self, key: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.as_deref())
    }

    pub fn flag(&self, key: &str) -> bool {
        self.args.iter().any(|(k, _)| k == key)
    }

    /// The pool role the directive declares for a func with these
    /// parameters, if any.
    pub fn role(&self, params: &[String], has_receiver: bool, has_result: bool) -> Option<Role> {
        Some(match self.word.as_str() {
            "acquire" if has_result => Role::Acquire {
                guard: self.flag("guard"),
            },
            "release" => Role::Release(
                if self.flag("receiver") || (params.is_empty() && has_receiver) {
                    ReleaseParam::Receiver
                } else if let Some(name) = self.arg("arg") {
                    ReleaseParam::Param(params.iter().position(|p| p == name)?)
                } else {
                    ReleaseParam::Param(0)
                },
            ),
            "detach" if has_result => Role::Detach,
            "reset" => Role::Reset,
            _ => return None,
        })
    }
}

/// The directives above a declaration.
pub struct Above {
    pub list: Vec<Directive>,
}

/// The comment group directly above `node` (no blank line between).
pub fn above(node: Node<'_>, src: &Src<'_>) -> Above {
    let mut list = Vec::new();
    let mut next_line = src.line_of(node.start_byte());
    let mut prev = node.prev_sibling();
    while let Some(c) = prev {
        if c.kind_name() != "comment" {
            break;
        }
        let end_line = src.line_of(c.end_byte().saturating_sub(1));
        if end_line + 1 != next_line {
            break;
        }
        next_line = src.line_of(c.start_byte());
        if let Some(d) = parse(src.text(c), c.start_byte()) {
            list.push(d);
        }
        prev = c.prev_sibling();
    }
    list.reverse();
    Above { list }
}

/// `//poollint:WORD args` (also `// poollint:WORD`); suppressions
/// (`//poollint:allow`) are not declarations.
pub fn parse(comment: &str, offset: usize) -> Option<Directive> {
    let body = comment.strip_prefix("//")?.trim_start();
    let rest = body.strip_prefix("poollint:")?;
    let mut words = rest.split_whitespace();
    let word = words.next()?.to_string();
    if word == "allow" {
        return None;
    }
    let args = words
        .take_while(|w| *w != "--")
        .map(|w| match w.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (w.to_string(), None),
        })
        .collect();
    Some(Directive { word, args, offset })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_words_and_arguments() {
        let d = parse("//poollint:pooled reset=Reset keep=ID,Name", 0).unwrap();
        assert_eq!(d.word, "pooled");
        assert_eq!(d.arg("reset"), Some("Reset"));
        assert_eq!(d.arg("keep"), Some("ID,Name"));
        let d = parse("// poollint:acquire guard", 0).unwrap();
        assert!(d.flag("guard"));
        assert!(parse("//poollint:allow PL001 -- why", 0).is_none());
        assert!(parse("// a comment", 0).is_none());
    }
}
