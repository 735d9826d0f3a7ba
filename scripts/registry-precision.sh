#!/usr/bin/env bash
# Precision (and robustness) on real code: fetch popular crates into the cargo
# registry through a scratch crate, run poollint over every fetched package's
# sources, and print per-rule finding counts, PL000s, panics and timing.
# Needs the package registry; not part of `cargo test`.
#
#   scripts/registry-precision.sh            # the default crate list
#   POOLLINT=target/release/poollint scripts/registry-precision.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$repo/target/registry-scratch"
mkdir -p "$scratch/src"
echo 'fn main() {}' > "$scratch/src/main.rs"
cat > "$scratch/Cargo.toml" <<'TOML'
[package]
name = "registry-scratch"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
tokio = { version = "1", features = ["full"] }
hyper = { version = "1", features = ["full"] }
sqlx = { version = "0.8", features = ["runtime-tokio", "postgres"] }
deadpool = "0.12"
deadpool-postgres = "0.14"
bb8 = "0.9"
r2d2 = "0.8"
object-pool = "0.6"
lockfree-object-pool = "0.1"
slab = "0.4"
sharded-slab = "0.1"
crossbeam = "0.8"
crossbeam-queue = "0.3"
bytes = "1"
mio = { version = "1", features = ["os-poll", "net"] }
quinn = "0.11"
actix-http = "3"
serde = { version = "1", features = ["derive"] }
serde_json = "1"
syn = { version = "2", features = ["full"] }
rayon = "1"
regex = "1"
clap = { version = "4", features = ["derive"] }
reqwest = "0.12"
tracing = "0.1"
futures = "0.3"
TOML
(cd "$scratch" && cargo fetch --quiet)
bin="${POOLLINT:-$repo/target/release/poollint}"
if [ ! -x "$bin" ]; then (cd "$repo" && cargo build --release --quiet); fi
dirs=$(cd "$scratch" && cargo metadata --format-version 1 --quiet | python3 -c '
import json, sys, os
meta = json.load(sys.stdin)
for p in meta["packages"]:
    if p["source"]:
        print(os.path.dirname(p["manifest_path"]))
' | sort -u)
out="$repo/target/registry-precision"
mkdir -p "$out"
: > "$out/findings.jsonl"
packages=0; files=0; failed=0
start=$(date +%s.%N)
for d in $dirs; do
  packages=$((packages + 1))
  name=$(basename "$d")
  set +e
  (cd "$d" && "$bin" . --format json --exit-zero) > "$out/$name.jsonl" 2> "$out/$name.stderr"
  status=$?
  set -e
  if [ $status -ne 0 ] || grep -q "panicked" "$out/$name.stderr"; then
    echo "FAIL: $name (exit $status)"; cat "$out/$name.stderr"; failed=$((failed + 1))
  fi
  sed "s|^|{\"package\":\"$name\",\"d\":|; s|\$|}|" "$out/$name.jsonl" >> "$out/findings.jsonl"
  files=$((files + $(find "$d" -name '*.rs' -not -path '*/target/*' | wc -l)))
done
end=$(date +%s.%N)
python3 - "$out/findings.jsonl" <<'PY'
import json, sys, collections
by_rule = collections.Counter()
rows = []
for line in open(sys.argv[1]):
    rec = json.loads(line)
    d = rec["d"]
    code = d["code"]["code"].split("::")[1]
    by_rule[code] += 1
    s = d["spans"][0]
    rows.append(f'{code} {rec["package"]}/{s["file_name"]}:{s["line_start"]}: {d["message"]}')
for r in sorted(rows):
    print(r)
print("findings per rule:", dict(sorted(by_rule.items())) or "none")
PY
echo "packages: $packages, .rs files: $files, failures: $failed, time: $(echo "$end - $start" | bc) s"
[ "$failed" -eq 0 ]
