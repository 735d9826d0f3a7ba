//! What the index knows about one pool API: its name as config and packs
//! write it, where the knowledge came from, and its role.

use super::Role;
use std::path::PathBuf;

/// A pool API's name as a config entry or lint pack writes it, in Rust's
/// forms (`Type::method`, `module::fn`, `fn`) or Go's (`(*T).Method`,
/// `T.Method`, `pkg.Func`, `Func`). A `Type::`/`T.` prefix names a type when
/// it starts upper-case, otherwise a module or package; `(*t).m` always
/// names a type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiName {
    pub owner: Option<String>,
    pub module: Option<String>,
    pub name: String,
}

impl ApiName {
    pub fn parse(entry: &str) -> ApiName {
        let entry = entry.trim();
        // Go method expressions: `(*T).M`, `(T).M`, `(*pkg.T).M`.
        if let Some(rest) = entry.strip_prefix('(')
            && let Some((ty, name)) = rest.split_once(").")
        {
            let ty = ty.trim_start_matches('*');
            let ty = ty.rsplit(['.', ':']).next().unwrap_or(ty);
            return ApiName {
                owner: Some(ty.to_string()),
                module: None,
                name: name.to_string(),
            };
        }
        let (path, name) = match entry.rsplit_once("::") {
            Some((path, name)) => (Some(path), name),
            None => match entry.rsplit_once('.') {
                Some((path, name)) => (Some(path), name),
                None => (None, entry),
            },
        };
        let last = path.map(|p| p.rsplit(['.', ':']).next().unwrap_or(p));
        let is_type = last.is_some_and(|l| l.starts_with(char::is_uppercase));
        ApiName {
            owner: last.filter(|_| is_type).map(str::to_string),
            module: last.filter(|_| !is_type).map(str::to_string),
            name: name.to_string(),
        }
    }
}

/// Where the index learned about an API.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ApiOrigin {
    Attribute {
        file: PathBuf,
        line: usize,
    },
    Config {
        file: PathBuf,
    },
    Pack {
        name: String,
    },
    /// `via` says how: `returns Slab::insert`, `pops its free list `free``.
    Inferred {
        path: PathBuf,
        line: usize,
        via: String,
    },
}

impl std::fmt::Display for ApiOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiOrigin::Attribute { file, line } => {
                write!(f, "attribute at {}:{line}", file.display())
            }
            ApiOrigin::Config { file } => write!(f, "config {}", file.display()),
            ApiOrigin::Pack { name } => write!(f, "lint pack `{name}`"),
            ApiOrigin::Inferred { path, line, via } => {
                write!(f, "inferred: {via} ({}:{line})", path.display())
            }
        }
    }
}

/// One known pool API.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Api {
    pub role: Role,
    pub owner: Option<String>,
    pub name: String,
    /// `None` when the declaration does not say (config and packs).
    pub has_receiver: Option<bool>,
    /// The type the API returns (after peeling references and smart pointers).
    pub returns: Option<String>,
    /// Key-like values (slab keys): use after release and double release
    /// apply, leaks do not.
    pub handle: bool,
    /// A counter's API (`kind = "counter"`): acquires take a count, releases
    /// give one back, and no value passes between them.
    pub counter: bool,
    pub pool: Option<String>,
    pub origin: ApiOrigin,
    /// The file that defines a free fn, for matching its common-named calls.
    pub file: Option<usize>,
    /// For a configured release: the argument the config names, if any.
    #[serde(with = "super::arg_ref_serde")]
    pub declared_arg: Option<crate::config::ArgRef>,
    /// For a free fn declared with its module or package (`mem::forget`,
    /// `bytebufferpool.Get`): a call qualified by another module is not it.
    pub module: Option<String>,
    /// A release that takes its value as an interface: a non-pointer
    /// argument is copied to the heap on every call (Go's `sync.Pool.Put`).
    pub boxes: bool,
    /// The pool's values are reclaimed by the runtime when dropped (Go's
    /// `sync.Pool`): a value a body never releases nor hands back on any
    /// path is a missed reuse, not a leak (PL001/PL003 stay silent).
    pub collected: bool,
    /// Which result carries the value: a Go func's later result (`func
    /// alloc() (int, []byte)` gives its buffer in result 1); 0 otherwise.
    #[serde(default)]
    pub result: u8,
}

impl Api {
    /// `Type::name` or `name`.
    pub fn display_name(&self) -> String {
        match &self.owner {
            Some(owner) => format!("{owner}::{}", self.name),
            None => self.name.clone(),
        }
    }

    /// Declared by the user (an attribute or the config).
    pub fn user_declared(&self) -> bool {
        matches!(
            self.origin,
            ApiOrigin::Attribute { .. } | ApiOrigin::Config { .. }
        )
    }

    /// The lint pack it comes from.
    pub fn pack(&self) -> Option<&str> {
        match &self.origin {
            ApiOrigin::Pack { name } => Some(name),
            _ => None,
        }
    }

    pub(super) fn precedence(&self) -> u8 {
        match self.origin {
            ApiOrigin::Attribute { .. } => 0,
            ApiOrigin::Config { .. } => 1,
            ApiOrigin::Pack { .. } => 2,
            ApiOrigin::Inferred { .. } => 3,
        }
    }
}
