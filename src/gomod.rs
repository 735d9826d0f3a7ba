//! Go modules: a directory with a `go.mod` is a "crate" to poollint, named
//! by its module path, whose dependencies are the modules it requires (lint
//! packs for `github.com/valyala/fasthttp` apply to a module that requires
//! it). No Go toolchain is involved: the file is read as text.

use std::collections::BTreeSet;
use std::path::Path;

/// What a `go.mod` says: the module path and the required modules.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct GoMod {
    pub module: String,
    pub requires: BTreeSet<String>,
}

/// Parse the text of a `go.mod`.
pub fn parse(text: &str) -> GoMod {
    let mut out = GoMod::default();
    let mut in_require = false;
    for raw in text.lines() {
        let line = raw.split("//").next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if in_require {
            if line == ")" {
                in_require = false;
            } else if let Some(path) = line.split_whitespace().next() {
                out.requires.insert(unquote(path));
            }
            continue;
        }
        let mut words = line.split_whitespace();
        match words.next() {
            Some("module") => {
                if let Some(m) = words.next() {
                    out.module = unquote(m);
                }
            }
            Some("require") => match words.next() {
                Some("(") => in_require = true,
                Some(path) => {
                    out.requires.insert(unquote(path));
                }
                None => {}
            },
            _ => {}
        }
    }
    out
}

fn unquote(s: &str) -> String {
    s.trim_matches(|c| c == '"' || c == '`').to_string()
}

/// The `go.mod` of a directory, if it has one.
pub fn read(dir: &Path) -> Option<GoMod> {
    let text = std::fs::read_to_string(dir.join("go.mod")).ok()?;
    Some(parse(&text))
}

/// Is `dir` the root of a Go module?
pub fn is_module_root(dir: &Path) -> bool {
    dir.join("go.mod").is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_module_and_requires() {
        let m = parse(
            "module github.com/nats-io/nats-server/v2 // the server\n\ngo 1.22\n\nrequire (\n\tgithub.com/klauspost/compress v1.17.0\n\tgithub.com/nats-io/jwt/v2 v2.5.0 // indirect\n)\nrequire golang.org/x/crypto v0.1.0\n",
        );
        assert_eq!(m.module, "github.com/nats-io/nats-server/v2");
        assert_eq!(
            m.requires.iter().map(String::as_str).collect::<Vec<_>>(),
            [
                "github.com/klauspost/compress",
                "github.com/nats-io/jwt/v2",
                "golang.org/x/crypto"
            ]
        );
    }
}
