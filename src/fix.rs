//! `--fix`: apply the MachineApplicable suggestions of a run to the files, the
//! way `cargo fix` does: only on a clean git work tree (or with
//! `--allow-dirty`), only edits that leave the file parsing, each file
//! written whole by a rename so that no reader ever sees half of it.
//!
//! Without `--fix` nothing here runs: poollint never writes to a source file.

use crate::diagnostic::{Edit, Suggestion};
use crate::engine::Outcome;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// What one round of fixing did.
#[derive(Debug, Default)]
pub struct Applied {
    /// Fixes applied, by rule code.
    pub by_rule: BTreeMap<&'static str, usize>,
    /// Files written, by the name shown to users, with the number of fixes in each.
    pub files: BTreeMap<String, usize>,
    /// Files whose fixes were not applied, and why.
    pub skipped: Vec<(String, String)>,
}

impl Applied {
    pub fn count(&self) -> usize {
        self.by_rule.values().sum()
    }

    /// Add a later round's work.
    pub fn merge(&mut self, other: Applied) {
        for (rule, n) in other.by_rule {
            *self.by_rule.entry(rule).or_default() += n;
        }
        for (file, n) in other.files {
            *self.files.entry(file).or_default() += n;
        }
        self.skipped.extend(other.skipped);
    }
}

/// The files with uncommitted changes (modified, staged or untracked) in the
/// git work tree around `dir`; `None` when `dir` is not in a git work tree
/// (or git is not installed).
pub fn dirty_files(dir: &Path) -> Option<Vec<String>> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let inside = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--is-inside-work-tree"])
        .output()
        .ok()?;
    if !inside.status.success() || !String::from_utf8_lossy(&inside.stdout).starts_with("true") {
        return None;
    }
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["status", "--porcelain=v1", "--untracked-files=all"])
        .output()
        .ok()?;
    if !status.status.success() {
        return None;
    }
    Some(
        String::from_utf8_lossy(&status.stdout)
            .lines()
            .filter(|l| l.len() > 3)
            .map(|l| format!("{} ({})", &l[3..], state(&l[..2])))
            .collect(),
    )
}

fn state(code: &str) -> &'static str {
    match code {
        "??" => "untracked",
        c if c.starts_with(' ') => "dirty",
        _ => "staged",
    }
}

/// Apply the edits to a text, last first; an edit that overlaps one already
/// taken is left out. Returns the new text and the indices of the
/// suggestions applied.
pub fn apply_edits(text: &str, suggestions: &[&Suggestion]) -> (String, Vec<usize>) {
    // Whole suggestions only: all their edits, or none.
    let mut taken: Vec<(usize, &Edit)> = Vec::new();
    let mut applied = Vec::new();
    'next: for (i, s) in suggestions.iter().enumerate() {
        for e in &s.edits {
            let (start, end) = (e.span.start as usize, e.span.end as usize);
            if start > end
                || end > text.len()
                || !text.is_char_boundary(start)
                || !text.is_char_boundary(end)
            {
                continue 'next;
            }
            let overlaps = taken.iter().any(|(_, t)| {
                let (ts, te) = (t.span.start as usize, t.span.end as usize);
                (start < te && ts < end) || (start == ts && (start == end || ts == te))
            });
            if overlaps {
                continue 'next;
            }
        }
        taken.extend(s.edits.iter().map(|e| (i, e)));
        applied.push(i);
    }
    taken.sort_by_key(|(_, e)| std::cmp::Reverse((e.span.start, e.span.end)));
    let mut out = text.to_string();
    for (_, e) in taken {
        out.replace_range(e.span.start as usize..e.span.end as usize, &e.replacement);
    }
    (out, applied)
}

/// Apply every MachineApplicable suggestion of `outcome` to its file.
pub fn apply(outcome: &Outcome) -> Applied {
    let mut per_file: BTreeMap<usize, Vec<(&'static str, &Suggestion)>> = BTreeMap::new();
    for d in &outcome.diagnostics {
        if let Some(s) = d.suggestion.as_ref().filter(|s| s.is_machine_applicable()) {
            per_file.entry(d.file).or_default().push((d.code, s));
        }
    }
    let mut done = Applied::default();
    for (file, fixes) in per_file {
        let source = &outcome.files[file];
        let on_disk = match std::fs::read_to_string(&source.path) {
            Ok(t) => t,
            Err(e) => {
                done.skipped
                    .push((source.name.clone(), format!("cannot read it again: {e}")));
                continue;
            }
        };
        if on_disk != source.text {
            done.skipped.push((
                source.name.clone(),
                "it changed while poollint was checking it".to_string(),
            ));
            continue;
        }
        let suggestions: Vec<&Suggestion> = fixes.iter().map(|(_, s)| *s).collect();
        let (fixed, applied) = apply_edits(&on_disk, &suggestions);
        if applied.is_empty() {
            continue;
        }
        if let Err(e) = syn::parse_file(&fixed) {
            done.skipped.push((
                source.name.clone(),
                format!("the fixed text would not parse ({e}); left as it was"),
            ));
            continue;
        }
        if let Err(e) = write_whole(&source.path, &fixed) {
            done.skipped
                .push((source.name.clone(), format!("cannot write it: {e}")));
            continue;
        }
        for i in &applied {
            *done.by_rule.entry(fixes[*i].0).or_default() += 1;
        }
        done.files.insert(source.name.clone(), applied.len());
    }
    done
}

/// Replace a file's content by writing a sibling and renaming it over the
/// file, keeping its permissions.
fn write_whole(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir
        .unwrap_or(Path::new("."))
        .join(format!(".{name}.poollint-fix-{}", std::process::id()));
    let permissions = std::fs::metadata(path)?.permissions();
    std::fs::write(&tmp, text)?;
    let renamed =
        std::fs::set_permissions(&tmp, permissions).and_then(|_| std::fs::rename(&tmp, path));
    if renamed.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    renamed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Applicability;
    use crate::ir::Span;

    fn replace(start: usize, end: usize, with: &str) -> Suggestion {
        Suggestion::replace(
            "",
            Span::new(start, end),
            with,
            Applicability::MachineApplicable,
        )
    }

    #[test]
    fn edits_apply_last_first_and_overlaps_are_left_out() {
        let text = "a = Vec::new(); b = Vec::new();";
        let one = replace(0, 14, "a.clear()");
        let two = replace(16, 30, "b.clear()");
        let overlapping = replace(4, 20, "x");
        let (out, applied) = apply_edits(text, &[&one, &two, &overlapping]);
        assert_eq!(out, "a.clear(); b.clear();");
        assert_eq!(applied, vec![0, 1]);
    }

    #[test]
    fn two_insertions_at_one_point_are_one_edit() {
        let a = replace(3, 3, "x");
        let b = replace(3, 3, "y");
        let (out, applied) = apply_edits("abcdef", &[&a, &b]);
        assert_eq!(out, "abcxdef");
        assert_eq!(applied, vec![0]);
    }
}
