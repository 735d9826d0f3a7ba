#!/usr/bin/env bash
# Precision on real workspaces: run poollint as a user would, at the root of
# every checkout directly under DIR (`poollint --format json`, no paths: it
# checks the cargo workspace's members), print one row per tree (.rs files
# scanned, wall seconds, pool APIs known and how many of them inferred, from
# `--explain-apis`, findings), and fail on any finding not listed in
# scripts/realworld-true.txt (the findings reviewed and judged real defects).
# Needs no network, but it cannot fetch the trees either: see `--list` and the
# README for rebuilding DIR. Not part of `cargo test`.
#
#   scripts/realworld-precision.sh DIR
#   scripts/realworld-precision.sh --list      # the trees and commits (owner/name commit)
#   POOLLINT=/path/to/poollint scripts/realworld-precision.sh DIR
#
# Environment: POOLLINT (the binary; default target/release/poollint of this
# repository, built if missing), REALWORLD_OUT (where the raw outputs go;
# default target/realworld-precision), REALWORLD_TOOLCHAIN (see below).
#
# A tree that pins a Rust toolchain which is not installed makes `cargo
# metadata` fail, and poollint then scans the folder instead of the workspace.
# A user of that project has its toolchain, so the script runs such a tree
# with RUSTUP_TOOLCHAIN=${REALWORLD_TOOLCHAIN:-stable} and says so in the row.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
trees_list="$repo/scripts/realworld-trees.txt"
true_list="$repo/scripts/realworld-true.txt"
usage() {
  echo "usage: $0 DIR | --list" >&2
  exit 2
}
[ $# -eq 1 ] || usage
case "$1" in
  --list)
    grep -v '^\s*#' "$trees_list" | grep -v '^\s*$'
    exit 0
    ;;
  -h | --help) usage ;;
  -*) usage ;;
esac
dir="$(cd "$1" && pwd)"
bin="${POOLLINT:-$repo/target/release/poollint}"
if [ ! -x "$bin" ]; then (cd "$repo" && cargo build --release --quiet); fi
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
out="${REALWORLD_OUT:-$repo/target/realworld-precision}"
mkdir -p "$out"
rows="$out/rows.tsv"
: > "$rows"
failed=0
for tree in "$dir"/*/; do
  tree="${tree%/}"
  name="$(basename "$tree")"
  note=""
  toolchain=()
  if [ -f "$tree/Cargo.toml" ] && ! (cd "$tree" && cargo metadata --no-deps --format-version 1 --offline >/dev/null 2>"$out/$name.metadata.err"); then
    if grep -q "toolchain '.*' is not installed" "$out/$name.metadata.err" &&
      (cd "$tree" && RUSTUP_TOOLCHAIN="${REALWORLD_TOOLCHAIN:-stable}" cargo metadata --no-deps --format-version 1 --offline >/dev/null 2>&1); then
      toolchain=(env RUSTUP_TOOLCHAIN="${REALWORLD_TOOLCHAIN:-stable}")
      note="pinned toolchain missing: ran with ${REALWORLD_TOOLCHAIN:-stable}"
    else
      note="cargo metadata fails: $(head -1 "$out/$name.metadata.err")"
    fi
  fi
  # The commit, when the tree is a git checkout listed in realworld-trees.txt.
  if head=$(git -C "$tree" rev-parse HEAD 2>/dev/null); then
    listed=$(awk -v n="${name/+//}" '$1 == n { print $2 }' "$trees_list")
    if [ -n "$listed" ] && [ "$listed" != "$head" ]; then
      note="${note:+$note; }at $head, listed at $listed"
    fi
  fi
  set +e
  start=$(date +%s.%N)
  (cd "$tree" && "${toolchain[@]}" "$bin" --format json) > "$out/$name.json" 2> "$out/$name.stderr"
  status=$?
  end=$(date +%s.%N)
  (cd "$tree" && "${toolchain[@]}" "$bin" --color never --exit-zero 2>&1) > "$out/$name.human"
  (cd "$tree" && "${toolchain[@]}" "$bin" --explain-apis) > "$out/$name.apis" 2>> "$out/$name.stderr"
  set -e
  if [ $status -gt 1 ] || grep -q "panicked" "$out/$name.stderr"; then
    echo "FAIL: $name: poollint exited $status"
    cat "$out/$name.stderr"
    failed=1
  fi
  printf '%s\t%s\t%s\t%s\n' "$name" "$(echo "$end - $start" | bc)" "$status" "$note" >> "$rows"
done
python3 - "$out" "$rows" "$true_list" <<'PY' || failed=1
import json, re, sys
out, rows, true_list = sys.argv[1:]
known = {}
for line in open(true_list):
    if not line.strip() or line.lstrip().startswith("#"):
        continue
    parts = line.rstrip("\n").split("\t")
    if len(parts) < 5:
        sys.exit(f"bad line in {true_list}: {line!r}")
    known[tuple(parts[:4])] = parts[4]
origin = re.compile(r"\s(attribute at |config |lint pack `|inferred: )")
table = []
unexpected = []
seen = set()
total = {"files": 0, "seconds": 0.0, "apis": 0, "inferred": 0, "findings": 0}
for row in open(rows):
    name, seconds, status, note = row.rstrip("\n").split("\t")
    human = open(f"{out}/{name}.human").read()
    m = re.search(r"\((\d+) files? scanned", human)
    files = int(m.group(1)) if m else 0
    apis = [l for l in open(f"{out}/{name}.apis") if origin.search(l)]
    inferred = sum(1 for l in apis if " inferred: " in l)
    findings = 0
    for line in open(f"{out}/{name}.json"):
        d = json.loads(line)
        findings += 1
        code = d["code"]["code"].split("::")[-1]
        s = d["spans"][0]
        key = (name, s["file_name"], str(s["line_start"]), code)
        seen.add(key)
        if key not in known:
            unexpected.append("\t".join(key) + "\t" + d["message"])
    total["files"] += files
    total["seconds"] += float(seconds)
    total["apis"] += len(apis)
    total["inferred"] += inferred
    total["findings"] += findings
    table.append((name, files, float(seconds), len(apis), inferred, findings, note))
print("| tree | .rs files | seconds | pool APIs known (inferred) | findings | note |")
print("|---|---|---|---|---|---|")
for name, files, seconds, apis, inferred, findings, note in table:
    print(f"| {name} | {files} | {seconds:.2f} | {apis} ({inferred}) | {findings} | {note} |")
print(f"| **{len(table)} trees** | {total['files']} | {total['seconds']:.2f} | "
      f"{total['apis']} ({total['inferred']}) | {total['findings']} | |")
names = {t[0] for t in table}
for key in sorted(known):
    if key[0] in names and key not in seen:
        print("note: listed true finding no longer reported: " + "\t".join(key))
for u in unexpected:
    print("FAIL: finding not in scripts/realworld-true.txt: " + u)
sys.exit(1 if unexpected else 0)
PY
exit $failed
