//! Output formats: human (codespan-reporting), rustc-style JSON lines, SARIF
//! for code scanning, and GitHub workflow annotations.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use crate::engine::Outcome;

/// The summary line every format prints for people.
pub fn summary(outcome: &Outcome) -> String {
    let n = outcome.diagnostics.len();
    let mut files: Vec<usize> = outcome.diagnostics.iter().map(|d| d.file).collect();
    files.sort_unstable();
    files.dedup();
    format!(
        "{n} finding{} in {} file{} ({} file{} scanned, {} pool API{} known)",
        plural(n),
        files.len(),
        plural(files.len()),
        outcome.files_scanned,
        plural(outcome.files_scanned),
        outcome.index.pool_api_count(),
        plural(outcome.index.pool_api_count()),
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// When nothing could be checked, "no findings" must not read as "clean".
pub const NO_APIS_HINT: &str = "no pool API is known in the scanned code, so nothing could be checked: \
annotate your pool with the `poollint` attribute crate (`#[poollint::acquire]`, `#[poollint::release]`), \
declare it under [[pools]] in poollint.toml, and see `poollint --explain-apis`";

/// The matching policy in brief, printed after `--explain-apis`
/// (docs/resolution.md has it in full).
pub const MATCHING_POLICY: &str = "\
How calls match these APIs (docs/resolution.md):
  - a receiver whose type resolves to the API's owner (or a type implementing its trait) matches;
  - a receiver whose type resolves to any other type never matches, whatever the method's name;
  - an unresolved receiver matches only attribute and config APIs with uncommon names, and pack
    APIs in files that import the pack's crate; inferred APIs never match by name alone;
  - packs apply to the crates that depend on them, and to files that import them.";
