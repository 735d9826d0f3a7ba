#!/usr/bin/env bash
# Build the "three-workspace folder" of issue 19: the crates.io sources of
# tokio, wasmtime (and its `wasmtime-*` crates) and sqlx (and its `sqlx-*`
# crates), side by side in one folder, for scanning as one folder
# (`poollint DIR`) and for the benchmark. Needs the package registry only
# (cargo fetch through a throwaway crate); the versions are pinned, so the
# folder is the same on every machine.
#
#   scripts/three-workspaces.sh DIR      # DIR must not exist yet, or be empty
#
# DIR gets one sub-folder per crate, named `<name>-<version>` as in
# ~/.cargo/registry/src/, and a MANIFEST listing them.
set -euo pipefail
if [ $# -ne 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
dir="$1"
if [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
  echo "$0: $dir exists and is not empty" >&2
  exit 2
fi
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/src"
echo 'fn main() {}' > "$scratch/src/main.rs"
cat > "$scratch/Cargo.toml" <<'TOML'
[package]
name = "three-workspaces-scratch"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
tokio = { version = "=1.54.1", features = ["full"] }
wasmtime = { version = "=50.0.1", features = ["all-arch", "winch", "pulley", "wave"] }
wasmtime-wasi = "=50.0.1"
wasmtime-wasi-http = "=50.0.1"
wasmtime-wasi-io = "=50.0.1"
wasmtime-wasi-config = "=50.0.1"
wasmtime-wasi-keyvalue = "=50.0.1"
wasmtime-wasi-tls = "=50.0.1"
wasmtime-wast = "=50.0.1"
wasmtime-cli-flags = "=50.0.1"
sqlx = { version = "=0.8.6", features = ["runtime-tokio", "postgres", "mysql", "sqlite", "macros", "migrate"] }
TOML
(cd "$scratch" && cargo fetch --quiet)
# Every package of the resolved graph (all platforms) named tokio, wasmtime*
# or sqlx*: wasmtime and sqlx pin their own crates with `=`, so the set is fixed.
(cd "$scratch" && cargo metadata --format-version 1 --quiet) | python3 -c '
import json, os, sys
meta = json.load(sys.stdin)
for p in sorted(meta["packages"], key=lambda p: (p["name"], p["version"])):
    n = p["name"]
    if p["source"] and (n == "tokio" or n == "wasmtime" or n.startswith("wasmtime-")
                        or n == "sqlx" or n.startswith("sqlx-")):
        print(os.path.dirname(p["manifest_path"]))
' > "$scratch/dirs"
: > "$dir/MANIFEST"
while read -r src; do
  cp -r "$src" "$dir/"
  basename "$src" >> "$dir/MANIFEST"
done < "$scratch/dirs"
files=$(find "$dir" -name '*.rs' | wc -l)
mb=$(find "$dir" -name '*.rs' -print0 | du -cb --files0-from=- | tail -1 | cut -f1)
echo "$dir: $(wc -l < "$dir/MANIFEST") crates, $files .rs files, $((mb / 1000000)) MB of Rust"
