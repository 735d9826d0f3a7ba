#!/usr/bin/env bash
# Precision (and robustness) on real code: fetch popular crates into the cargo
# registry through a scratch crate, run poollint over every fetched package's
# sources, and print per-rule finding counts, PL000s, panics and timing.
# Fails on a panic or internal error, on a PL000 that is not a known genuine
# syntax error (scripts/registry-known-pl000.txt), and on nondeterminism (each
# package is checked twice, with all threads and with one; the outputs must be
# byte-identical). Needs the package registry; not part of `cargo test`.
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
anyhow = "1"
thiserror = "2"
log = "0.4"
env_logger = "0.11"
rand = "0.9"
chrono = "0.4"
uuid = { version = "1", features = ["v4"] }
itertools = "0.14"
once_cell = "1"
parking_lot = "0.12"
smallvec = "1"
indexmap = "2"
hashbrown = "0.15"
memchr = "2"
base64 = "0.22"
url = "2"
http = "1"
tower = { version = "0.5", features = ["full"] }
axum = "0.8"
prost = "0.13"
toml = "0.8"
tempfile = "3"
walkdir = "2"
bitflags = "2"
socket2 = "0.5"
dashmap = "6"
byteorder = "1"
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
  (cd "$d" && RAYON_NUM_THREADS=1 "$bin" . --format json --exit-zero) > "$out/$name.again.jsonl" 2>/dev/null || true
  if ! cmp -s "$out/$name.jsonl" "$out/$name.again.jsonl"; then
    echo "FAIL: $name: output differs between runs (nondeterminism)"; failed=$((failed + 1))
  fi
  sed "s|^|{\"package\":\"$name\",\"d\":|; s|\$|}|" "$out/$name.jsonl" >> "$out/findings.jsonl"
  files=$((files + $(find "$d" -name '*.rs' -not -path '*/target/*' | wc -l)))
done
end=$(date +%s.%N)
python3 - "$out/findings.jsonl" "$repo/scripts/registry-known-pl000.txt" <<'PY' || failed=$((failed + 1))
import json, re, sys, collections
known = {l.strip() for l in open(sys.argv[2]) if l.strip() and not l.startswith("#")}
unexpected = []
by_rule = collections.Counter()
rows = []
for line in open(sys.argv[1]):
    rec = json.loads(line)
    d = rec["d"]
    code = d["code"]["code"].split("::")[1]
    by_rule[code] += 1
    s = d["spans"][0]
    rows.append(f'{code} {rec["package"]}/{s["file_name"]}:{s["line_start"]}: {d["message"]}')
    # The package without its version: a new version's PL000 is reviewed again
    # only if it moves to another file.
    key = re.sub(r"-\d+\.\d+\.\d+.*$", "", rec["package"]) + "/" + s["file_name"]
    if code == "PL000" and key not in known:
        unexpected.append(key)
for r in sorted(rows):
    print(r)
print("findings per rule:", dict(sorted(by_rule.items())) or "none")
for key in unexpected:
    print(f"FAIL: unexpected PL000 in {key} (a genuine syntax error goes into registry-known-pl000.txt)")
sys.exit(1 if unexpected else 0)
PY
echo "packages: $packages, .rs files: $files, failures: $failed, time: $(echo "$end - $start" | bc) s"
[ "$failed" -eq 0 ]
