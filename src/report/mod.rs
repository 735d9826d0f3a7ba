//! Output formats: human (codespan-reporting), rustc-style JSON lines, SARIF
//! for code scanning, and GitHub workflow annotations.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use crate::engine::Outcome;
use crate::rules::RuleInfo;
use std::collections::BTreeMap;
use std::io::Write;

/// The summary line every format prints for people.
pub fn summary(outcome: &Outcome) -> String {
    let n = outcome.diagnostics.len();
    let mut files: Vec<usize> = outcome.diagnostics.iter().map(|d| d.file).collect();
    files.sort_unstable();
    files.dedup();
    format!(
        "{n} finding{} in {} file{} ({} file{} scanned, {})",
        plural(n),
        files.len(),
        plural(files.len()),
        outcome.files_scanned,
        plural(outcome.files_scanned),
        known_summary(outcome),
    )
}

/// What the index knows, as `--explain-apis` lists it: pool APIs (the
/// standard library's leaks are always known and not counted), and the
/// pooled and guard types when there are any.
pub fn known_summary(outcome: &Outcome) -> String {
    let apis = outcome.index.pool_api_count();
    let mut out = format!("{apis} pool API{}", plural(apis));
    let pooled = outcome.index.struct_decls().filter(|s| s.pooled).count();
    let guards = outcome.index.struct_decls().filter(|s| s.guard).count();
    if pooled > 0 {
        out.push_str(&format!(", {pooled} pooled type{}", plural(pooled)));
    }
    if guards > 0 {
        out.push_str(&format!(", {guards} guard type{}", plural(guards)));
    }
    out.push_str(" known");
    out
}

/// `--statistics`: how many findings each rule has, most first, as ruff
/// prints them (`[*]` marks rules whose findings `--fix` can fix); with
/// `json`, one array of `{code, name, count, fixable}`.
pub fn statistics(
    out: &mut dyn Write,
    outcome: &Outcome,
    json: bool,
    quiet: bool,
) -> std::io::Result<()> {
    let mut counts: BTreeMap<&str, (&str, usize, usize)> = BTreeMap::new();
    for d in &outcome.diagnostics {
        let entry = counts.entry(d.code).or_insert((d.name, 0, 0));
        entry.1 += 1;
        if d.suggestion
            .as_ref()
            .is_some_and(|s| s.is_machine_applicable())
        {
            entry.2 += 1;
        }
    }
    let mut rows: Vec<(&str, &str, usize, usize)> = counts
        .into_iter()
        .map(|(code, (name, n, fixable))| (code, name, n, fixable))
        .collect();
    rows.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
    if json {
        let rows: Vec<serde_json::Value> = rows
            .iter()
            .map(|(code, name, n, fixable)| {
                serde_json::json!({"code": code, "name": name, "count": n, "fixable": fixable})
            })
            .collect();
        return writeln!(out, "{}", serde_json::Value::Array(rows));
    }
    let width = rows
        .iter()
        .map(|r| r.2.to_string().len())
        .max()
        .unwrap_or(1);
    for (code, name, n, fixable) in &rows {
        let mark = if *fixable > 0 { "[*]" } else { "[ ]" };
        writeln!(out, "{n:>width$}\t{code}\t{mark} {name}")?;
    }
    if !quiet {
        writeln!(out, "{}", summary(outcome))?;
        let fixable = fixable(outcome);
        if fixable > 0 {
            writeln!(out, "[*] {fixable} fixable with `poollint --fix`")?;
        }
    }
    Ok(())
}

/// A rule's documentation as clean Markdown: doc-comment indentation
/// removed, `rust,ignore` fences shown as `rust`.
pub fn rule_markdown(rule: &RuleInfo) -> String {
    let mut out = String::new();
    for line in rule.doc.lines() {
        let line = line.strip_prefix(' ').unwrap_or(line);
        let line = match line.trim_start().strip_prefix("```") {
            Some(lang) if !lang.is_empty() => {
                let lang = lang.split(',').next().unwrap_or("").trim();
                format!("```{lang}")
            }
            _ => line.to_string(),
        };
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.trim().to_string() + "\n"
}

/// Markdown as plain text for a terminal: headings as plain lines, code
/// blocks indented by four spaces without their fences.
pub fn markdown_to_plain(markdown: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push_str("    ");
            out.push_str(line);
        } else if let Some(heading) = line.strip_prefix('#') {
            out.push_str(heading.trim_start_matches('#').trim());
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// How many findings `--fix` can fix.
pub fn fixable(outcome: &Outcome) -> usize {
    outcome
        .diagnostics
        .iter()
        .filter(|d| {
            d.suggestion
                .as_ref()
                .is_some_and(|s| s.is_machine_applicable())
        })
        .count()
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
