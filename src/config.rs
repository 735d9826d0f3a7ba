//! `poollint.toml` / `.poollint.toml` / `[package.metadata.poollint]`: found by
//! walking up from the scanned path (closest wins), validated strictly, and
//! merged with the command-line overrides.

use crate::diagnostic::Level;
use crate::rules;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    rules: BTreeMap<String, String>,
    #[serde(default)]
    pools: Vec<PoolDecl>,
    #[serde(default)]
    exclude: Vec<String>,
    /// Extra lint pack files, relative to the config file.
    #[serde(default)]
    packs: Vec<String>,
    /// Rules not reported in the files a glob matches (ruff's `per-file-ignores`).
    #[serde(default)]
    per_file_ignores: BTreeMap<String, Vec<String>>,
}

/// The keys of the top level, which must come before the first table.
const TOP_LEVEL_KEYS: &[&str] = &["rules", "pools", "exclude", "packs", "per-file-ignores"];

/// A `[[pools]]` entry: pool APIs the code cannot be annotated for.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PoolDecl {
    pub name: Option<String>,
    #[serde(default)]
    pub acquire: Vec<String>,
    /// `"Type::method"` (gives back argument 0), or
    /// `{ name = "Registry::remove", arg = 1 }` (an index or a parameter name).
    #[serde(default)]
    pub release: Vec<ReleaseEntry>,
    #[serde(default)]
    pub guard_acquire: Vec<String>,
    #[serde(default)]
    pub detach: Vec<String>,
    #[serde(default)]
    pub reset: Vec<String>,
    #[serde(default)]
    pub forget: Vec<String>,
    /// Types whose values are pooled (`"Msg"`), as `#[poollint::pooled]` says.
    #[serde(default)]
    pub pooled: Vec<String>,
    /// Fields kept across reuse on purpose (`"Msg.id"`), as `#[pooled(keep)]` says.
    #[serde(default)]
    pub keep: Vec<String>,
    /// The field of a guard type that holds its raw value (`"PoolConnection.live"`):
    /// taking it out of the guard outside its `Drop` is a detach.
    #[serde(default)]
    pub detach_field: Vec<String>,
    /// `"handle"`: key-like values (slab keys) that are not leaked by being
    /// dropped; `"counter"`: acquires take a count and releases give one back,
    /// with no value in between (`increment_count()` / `decrement_count()`).
    pub kind: Option<String>,
    /// The declarations do not apply to a crate that calls any of these
    /// (it manages the pool's accounting by hand).
    #[serde(default)]
    pub unless_called: Vec<String>,
    /// Callees (of other crates) that drop the values they are given when
    /// they fail (`Fiber::new`): `Fiber::new(stack, n)?` loses `stack` on `Err`.
    #[serde(default)]
    pub fallible_sinks: Vec<String>,
    /// Callees (of other crates) that hand the value they are given back
    /// inside the `Err` they return when they fail (a channel's
    /// `Sender::send` when the receiver is gone): `let _ = tx.send(v)`
    /// drops `v` there, `if let Err(e) = tx.send(v)` gets it back.
    #[serde(default)]
    pub hands_back: Vec<String>,
    /// The releases take the value as an interface (Go's `sync.Pool.Put`):
    /// a non-pointer argument is copied to the heap on every release (PL012).
    #[serde(default)]
    pub boxes: bool,
    /// The runtime reclaims a value that is dropped (Go's `sync.Pool`): a
    /// value a body neither releases nor hands back on any path is let go on
    /// purpose, not leaked (PL001 and PL003 stay silent on it).
    #[serde(default)]
    pub collected: bool,
}

/// A release in a `[[pools]]` table: a name, or a name and the argument it
/// gives back.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum ReleaseEntry {
    Name(String),
    WithArg { name: String, arg: ArgRef },
}

/// Which argument a release gives back: its index among the non-receiver
/// arguments, or the parameter's name.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum ArgRef {
    Index(usize),
    Name(String),
}

impl ReleaseEntry {
    pub fn name(&self) -> &str {
        match self {
            ReleaseEntry::Name(n) | ReleaseEntry::WithArg { name: n, .. } => n,
        }
    }

    /// The argument, if the entry names one.
    pub fn arg(&self) -> Option<&ArgRef> {
        match self {
            ReleaseEntry::Name(_) => None,
            ReleaseEntry::WithArg { arg, .. } => Some(arg),
        }
    }
}

impl From<&str> for ReleaseEntry {
    fn from(name: &str) -> Self {
        ReleaseEntry::Name(name.to_string())
    }
}

/// The effective configuration of a run.
#[derive(Debug, Default)]
pub struct Config {
    /// The file it came from, if any.
    pub file: Option<PathBuf>,
    /// The directory exclude globs are relative to.
    pub root: PathBuf,
    levels: HashMap<&'static str, Level>,
    pub pools: Vec<PoolDecl>,
    /// Lint pack files named by `packs = [..]`, resolved against the config's directory.
    pub packs: Vec<PathBuf>,
    exclude: Option<GlobSet>,
    per_file_ignores: Vec<PerFileIgnore>,
    /// Types and fields named by `pooled`, `keep` and `detach-field`.
    pub named_types: Vec<NamedType>,
}

/// One `[per-file-ignores]` entry.
#[derive(Debug)]
struct PerFileIgnore {
    glob: globset::GlobMatcher,
    /// A pattern without `/` also matches a file's name in any folder.
    by_name: bool,
    codes: Vec<&'static str>,
}

/// A configuration problem: exit status 2 with the file, line and key named.
#[derive(Debug)]
pub struct ConfigError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file.display(), self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

pub const FILE_NAMES: &[&str] = &["poollint.toml", ".poollint.toml"];

/// The closest config at or above `start`.
pub fn find(start: &Path) -> Result<Option<(PathBuf, String, bool)>, ConfigError> {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        for name in FILE_NAMES {
            let p = d.join(name);
            if p.is_file() {
                let text = read(&p)?;
                return Ok(Some((p, text, false)));
            }
        }
        let manifest = d.join("Cargo.toml");
        if manifest.is_file() {
            let text = read(&manifest)?;
            if let Ok(value) = text.parse::<toml::Table>()
                && metadata(&value).is_some()
            {
                return Ok(Some((manifest, text, true)));
            }
        }
        dir = d.parent();
    }
    Ok(None)
}

fn read(p: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(p).map_err(|e| ConfigError {
        file: p.to_path_buf(),
        line: None,
        message: format!("cannot read config: {e}"),
    })
}

fn metadata(value: &toml::Table) -> Option<&toml::Value> {
    ["package", "workspace"]
        .iter()
        .find_map(|section| value.get(*section)?.get("metadata")?.get("poollint"))
}

/// Make a deserialization error say which key, on which line, and what was meant.
fn describe(text: &str, line: Option<usize>, message: &str) -> (Option<usize>, String) {
    let mut message = message.to_string();
    let unknown = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next())
        .map(str::to_string);
    let mut line = line;
    if let Some(key) = unknown {
        line = line.or_else(|| line_of_key(text, &key));
        if let Some(moved) = misplaced_top_level_key(text, &key, line) {
            return (line, moved);
        }
        // The keys the table accepts, as the parser lists them.
        let expected: Vec<String> = message
            .split_once("expected one of ")
            .or_else(|| message.split_once("expected "))
            .map(|(_, list)| {
                list.split('`')
                    .skip(1)
                    .step_by(2)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        if !expected.is_empty() {
            message.push_str(&did_you_mean(&key, expected.iter().map(String::as_str)));
            return (line, name_the_key(text, line, message));
        }
        const KNOWN: &[&str] = &[
            "rules",
            "pools",
            "exclude",
            "name",
            "acquire",
            "release",
            "guard-acquire",
            "detach",
            "reset",
            "forget",
            "kind",
            "unless-called",
            "fallible-sinks",
            "hands-back",
            "packs",
            "per-file-ignores",
            "pooled",
            "keep",
            "detach-field",
        ];
        message.push_str(&did_you_mean(&key, KNOWN.iter().copied()));
    }
    // A top-level key written inside a table fails there with a type error.
    if let Some(key) = line.and_then(|l| key_of_line(text, l))
        && let Some(moved) = misplaced_top_level_key(text, &key, line)
    {
        return (line, moved);
    }
    let message = name_the_key(text, line, message);
    (line, message)
}

/// The key written on a 1-based line (`exclude` in `exclude = [..]`).
fn key_of_line(text: &str, line: usize) -> Option<String> {
    let l = text.lines().nth(line.checked_sub(1)?)?;
    let (key, _) = l.split_once('=')?;
    let key = key.trim().trim_matches('"').trim_matches('\'');
    (!key.is_empty() && !key.starts_with('[')).then(|| key.to_string())
}

/// A top-level key (`exclude`) written below a table header belongs to that
/// table in TOML: say where it must go instead.
fn misplaced_top_level_key(text: &str, key: &str, line: Option<usize>) -> Option<String> {
    if !TOP_LEVEL_KEYS.contains(&key) {
        return None;
    }
    let line = line?;
    let header = |l: &str| {
        let l = l.trim();
        (l.starts_with('[') && !l.starts_with("[\""))
            .then(|| l.split('#').next().unwrap_or(l).trim().to_string())
    };
    let lines: Vec<&str> = text.lines().collect();
    let table = lines
        .get(..line.checked_sub(1)?)?
        .iter()
        .rev()
        .find_map(|l| header(l))?;
    let first = lines.iter().find_map(|l| header(l))?;
    Some(format!(
        "`{key}` is a top-level key, but here it is read as part of `{table}`: move it above the first table (`{first}`)"
    ))
}

/// Put the key of the offending line in front of a message that does not name it.
fn name_the_key(text: &str, line: Option<usize>, message: String) -> String {
    let key = line
        .and_then(|l| text.lines().nth(l - 1))
        .and_then(|l| l.split_once('='))
        .map(|(k, _)| k.trim().trim_matches('"').to_string())
        .filter(|k| !k.is_empty() && !k.starts_with('['));
    match key {
        Some(k) if !message.contains(&format!("`{k}`")) => format!("`{k}`: {message}"),
        _ => message,
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The line where `key` first appears as a key, for error messages.
fn line_of_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let l = l.trim_start().trim_start_matches('"');
            l.starts_with(key)
                && l[key.len()..]
                    .trim_start_matches('"')
                    .trim_start()
                    .starts_with('=')
        })
        .map(|i| i + 1)
}

pub fn did_you_mean<'a>(key: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    candidates
        .into_iter()
        // Never suggest what was written (another table's key of the same name).
        .filter(|c| *c != key)
        .map(|c| {
            let (k, l) = (key.to_ascii_lowercase(), c.to_ascii_lowercase());
            // Jaro-Winkler favours shared prefixes; a swap or a slip in a
            // short name (`Mgs`, `idd`) is one or two edits.
            let near = k.len() >= 3 && strsim::osa_distance(&k, &l) <= 1 + k.len() / 6;
            let score = strsim::jaro_winkler(&k, &l);
            (if near { score.max(0.85) } else { score }, c)
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

impl Config {
    /// Load the config for a run rooted at `start`, or the one given explicitly.
    pub fn load(start: &Path, explicit: Option<&Path>) -> Result<Config, ConfigError> {
        let found = match explicit {
            Some(p) => {
                let text = read(p)?;
                let is_manifest = p.file_name().is_some_and(|n| n == "Cargo.toml");
                Some((p.to_path_buf(), text, is_manifest))
            }
            None => find(start)?,
        };
        let Some((file, text, is_manifest)) = found else {
            return Ok(Config {
                root: start.to_path_buf(),
                ..Config::default()
            });
        };
        Config::parse(&file, &text, is_manifest)
    }

    pub fn parse(file: &Path, text: &str, is_manifest: bool) -> Result<Config, ConfigError> {
        let err = |line: Option<usize>, message: String| ConfigError {
            file: file.to_path_buf(),
            line,
            message,
        };
        let raw: RawConfig = if is_manifest {
            let table: toml::Table = toml::from_str(text).map_err(|e| {
                let line = e.span().map(|s| line_of(text, s.start));
                let (line, message) = describe(text, line, e.message());
                err(line, message)
            })?;
            match metadata(&table) {
                // Spans are lost in the re-deserialization: find the key by name.
                Some(v) => v.clone().try_into().map_err(|e: toml::de::Error| {
                    let (line, message) = describe(text, None, e.message());
                    err(line, message)
                })?,
                None => RawConfig::default(),
            }
        } else {
            toml::from_str(text).map_err(|e| {
                let line = e.span().map(|s| line_of(text, s.start));
                let (line, message) = describe(text, line, e.message());
                err(line, message)
            })?
        };
        let mut levels = HashMap::new();
        for (key, value) in &raw.rules {
            let Some(rule) = rules::find(key) else {
                if let Some(moved) = misplaced_top_level_key(text, key, line_of_key(text, key)) {
                    return Err(err(line_of_key(text, key), moved));
                }
                let names = rules::ALL.iter().flat_map(|r| [r.code, r.name]);
                return Err(err(
                    line_of_key(text, key),
                    format!(
                        "unknown rule `{key}` in [rules]{}",
                        did_you_mean(key, names)
                    ),
                ));
            };
            let level = parse_level(value).ok_or_else(|| {
                err(
                    line_of_key(text, key),
                    format!(
                        "bad level `{value}` for rule `{key}`: expected `allow`, `warn` or `error`"
                    ),
                )
            })?;
            levels.insert(rule.code, level);
        }
        let mut globs = GlobSetBuilder::new();
        for pattern in &raw.exclude {
            let glob = Glob::new(pattern).map_err(|e| {
                err(
                    line_of_key(text, "exclude"),
                    format!("bad exclude pattern `{pattern}`: {e}"),
                )
            })?;
            globs.add(glob);
        }
        let exclude = globs.build().map_err(|e| {
            err(
                line_of_key(text, "exclude"),
                format!("bad exclude patterns: {e}"),
            )
        })?;
        for pool in &raw.pools {
            for (key, entries) in [("keep", &pool.keep), ("detach-field", &pool.detach_field)] {
                if let Some(bad) = entries.iter().find(|e| split_field(e).is_none()) {
                    return Err(err(
                        line_of_key(text, key),
                        format!("bad `{key}` entry `{bad}`: expected `Type.field`"),
                    ));
                }
            }
            if let Some(bad) = pool.pooled.iter().find(|e| !is_type_name(e)) {
                return Err(err(
                    line_of_key(text, "pooled"),
                    format!("bad `pooled` entry `{bad}`: expected a type name (`Msg`)"),
                ));
            }
            if let Some(kind) = pool
                .kind
                .as_deref()
                .filter(|k| *k != "handle" && *k != "counter")
            {
                return Err(err(
                    line_of_key(text, "kind"),
                    format!(
                        "bad `kind = \"{kind}\"` in [[pools]]: the kinds are `handle` and `counter`"
                    ),
                ));
            }
        }
        let mut per_file_ignores = Vec::new();
        for (pattern, names) in &raw.per_file_ignores {
            let line = line_of_key(text, pattern);
            if let Some(moved) = misplaced_top_level_key(text, pattern, line) {
                return Err(err(line, moved));
            }
            let glob = Glob::new(pattern).map_err(|e| {
                err(
                    line,
                    format!("bad pattern `{pattern}` in [per-file-ignores]: {e}"),
                )
            })?;
            let mut codes = Vec::new();
            for name in names {
                if name == "all" {
                    codes.extend(rules::ALL.iter().map(|r| r.code));
                    continue;
                }
                let Some(rule) = rules::find(name) else {
                    let names = rules::ALL
                        .iter()
                        .flat_map(|r| [r.code, r.name])
                        .chain(["all"]);
                    return Err(err(
                        line,
                        format!(
                            "unknown rule `{name}` for `{pattern}` in [per-file-ignores]{}",
                            did_you_mean(name, names)
                        ),
                    ));
                };
                codes.push(rule.code);
            }
            per_file_ignores.push(PerFileIgnore {
                glob: glob.compile_matcher(),
                by_name: !pattern.contains('/'),
                codes,
            });
        }
        let root = file.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(Config {
            file: Some(file.to_path_buf()),
            packs: raw.packs.iter().map(|p| root.join(p)).collect(),
            root,
            levels,
            named_types: named_types(&raw.pools, text),
            pools: raw.pools,
            exclude: Some(exclude),
            per_file_ignores,
        })
    }

    /// Override a rule's level from the command line.
    pub fn set_level(&mut self, code: &'static str, level: Level) {
        self.levels.insert(code, level);
    }

    pub fn level(&self, code: &'static str) -> Level {
        self.levels.get(code).copied().unwrap_or_else(|| {
            rules::find(code)
                .map(|r| r.default_level)
                .unwrap_or(Level::Warn)
        })
    }

    /// Does `[per-file-ignores]` turn off rule `code` in this file? Patterns
    /// are relative to the config's directory; one without `/` also matches
    /// the file's name anywhere (`"generated.rs" = ["PL001"]`).
    pub fn ignores_in_file(&self, path: &Path, code: &str) -> bool {
        if self.per_file_ignores.is_empty() {
            return false;
        }
        let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let root = std::fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone());
        let rel = abs.strip_prefix(&root).unwrap_or(&abs);
        self.per_file_ignores.iter().any(|entry| {
            entry.codes.contains(&code)
                && (rel
                    .ancestors()
                    .any(|a| !a.as_os_str().is_empty() && entry.glob.is_match(a))
                    || (entry.by_name && rel.file_name().is_some_and(|n| entry.glob.is_match(n))))
        })
    }

    /// Is the path excluded by the config's globs?
    pub fn is_excluded(&self, path: &Path) -> bool {
        let Some(set) = &self.exclude else {
            return false;
        };
        let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let root = std::fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone());
        let rel = abs.strip_prefix(&root).unwrap_or(&abs);
        set.is_match(rel)
            || rel
                .ancestors()
                .any(|a| !a.as_os_str().is_empty() && set.is_match(a))
    }
}

/// `Type.field` (the type may be a path: `proto::Msg.id`).
pub fn split_field(entry: &str) -> Option<(&str, &str)> {
    let (ty, field) = entry.rsplit_once('.')?;
    let ty = ty.rsplit("::").next().unwrap_or(ty);
    (is_type_name(ty)
        && !field.is_empty()
        && field.chars().all(|c| c == '_' || c.is_alphanumeric()))
    .then_some((ty, field))
}

/// A type name, possibly a path (`Msg`, `proto::Msg`).
fn is_type_name(entry: &str) -> bool {
    let last = entry.rsplit("::").next().unwrap_or(entry);
    !last.is_empty()
        && last
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
        && last.chars().all(|c| c == '_' || c.is_alphanumeric())
}

/// A type (or a type's field) the config names in `pooled`, `keep` or
/// `detach-field`: the sources must declare it (checked once they are indexed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedType {
    pub ty: String,
    pub field: Option<String>,
    pub key: &'static str,
    pub line: Option<usize>,
}

fn named_types(pools: &[PoolDecl], text: &str) -> Vec<NamedType> {
    let line = |entry: &str| {
        text.lines()
            .position(|l| l.contains(&format!("\"{entry}\"")))
            .map(|i| i + 1)
    };
    let mut out = Vec::new();
    for pool in pools {
        for e in &pool.pooled {
            out.push(NamedType {
                ty: e.rsplit("::").next().unwrap_or(e).to_string(),
                field: None,
                key: "pooled",
                line: line(e),
            });
        }
        for (key, entries) in [("keep", &pool.keep), ("detach-field", &pool.detach_field)] {
            for e in entries {
                if let Some((ty, field)) = split_field(e) {
                    out.push(NamedType {
                        ty: ty.to_string(),
                        field: Some(field.to_string()),
                        key,
                        line: line(e),
                    });
                }
            }
        }
    }
    out
}

pub fn parse_level(s: &str) -> Option<Level> {
    match s {
        "allow" => Some(Level::Allow),
        "warn" | "warning" => Some(Level::Warn),
        "error" | "deny" => Some(Level::Error),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_rule_names_line_and_suggests() {
        let e = Config::parse(
            Path::new("poollint.toml"),
            "[rules]\nPL0001 = \"warn\"\n",
            false,
        )
        .unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("did you mean `PL001`"), "{}", e.message);
    }

    #[test]
    fn unknown_key_names_line() {
        let e = Config::parse(
            Path::new("poollint.toml"),
            "exclude = []\nexlude = []\n",
            false,
        )
        .unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(
            e.message.contains("did you mean `exclude`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn type_keys_are_checked_for_shape() {
        let e = Config::parse(
            Path::new("poollint.toml"),
            "[[pools]]\nkeep = [\"Msg\"]\n",
            false,
        )
        .unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("expected `Type.field`"), "{}", e.message);
        let e = Config::parse(
            Path::new("poollint.toml"),
            "[[pools]]\npooled = [\"Msg.id\"]\n",
            false,
        )
        .unwrap_err();
        assert!(e.message.contains("expected a type name"), "{}", e.message);
        let e = Config::parse(Path::new("poollint.toml"), "[[pools]]\npoled = []\n", false)
            .unwrap_err();
        assert!(e.message.contains("did you mean `pooled`"), "{}", e.message);
        let c = Config::parse(
            Path::new("poollint.toml"),
            "[[pools]]\npooled = [\"proto::Msg\"]\ndetach-field = [\"PoolConnection.live\"]\n",
            false,
        )
        .unwrap();
        assert_eq!(c.named_types.len(), 2);
        assert_eq!(c.named_types[0].ty, "Msg");
        assert_eq!(c.named_types[1].field.as_deref(), Some("live"));
    }

    #[test]
    fn levels_by_code_or_name() {
        let c = Config::parse(
            Path::new("p.toml"),
            "[rules]\nunreleased-acquire = \"error\"\n",
            false,
        )
        .unwrap();
        assert_eq!(c.level("PL001"), Level::Error);
        assert_eq!(c.level("PL002"), Level::Warn);
    }
}
