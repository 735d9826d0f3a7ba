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
}

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
    /// `"handle"`: key-like values (slab keys) that are not leaked by being
    /// dropped; `"counter"`: acquires take a count and releases give one back,
    /// with no value in between (`increment_count()` / `decrement_count()`).
    pub kind: Option<String>,
    /// The declarations do not apply to a crate that calls any of these
    /// (it manages the pool's accounting by hand).
    #[serde(default)]
    pub unless_called: Vec<String>,
    /// The releases take the value as an interface (Go's `sync.Pool.Put`):
    /// a non-pointer argument is copied to the heap on every release (PL012).
    #[serde(default)]
    pub boxes: bool,
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
            "packs",
        ];
        message.push_str(&did_you_mean(&key, KNOWN.iter().copied()));
        line = line.or_else(|| line_of_key(text, &key));
    }
    let message = name_the_key(text, line, message);
    (line, message)
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
        .map(|c| {
            (
                strsim::jaro_winkler(&key.to_ascii_lowercase(), &c.to_ascii_lowercase()),
                c,
            )
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
        let root = file.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(Config {
            file: Some(file.to_path_buf()),
            packs: raw.packs.iter().map(|p| root.join(p)).collect(),
            root,
            levels,
            pools: raw.pools,
            exclude: Some(exclude),
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
