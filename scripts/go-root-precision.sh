#!/usr/bin/env bash
# Go precision at the root of a whole tree: one run over every Go source that
# Debian's golang-*-dev packages installed (/usr/share/gocode/src: a few
# hundred modules, GOPATH-like), as a monorepo user runs it. Packages are
# namespaces there: one package's wrappers, signatures, structs and put-back
# habits must not leak into another's. Fails on any finding not listed in
# scripts/go-precision-true.txt (reviewed real defects).
#
#   scripts/go-root-precision.sh [DIR]      # default /usr/share/gocode/src
#
# Environment: POOLLINT (the binary; default target/release/poollint, built
# if missing), GO_PRECISION_OUT (raw output; default target/go-precision).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
root="${1:-/usr/share/gocode/src}"
true_list="$repo/scripts/go-precision-true.txt"
out="${GO_PRECISION_OUT:-$repo/target/go-precision}"
bin="${POOLLINT:-$repo/target/release/poollint}"
if [ ! -x "$bin" ]; then
  (cd "$repo" && cargo build --release --quiet)
fi
mkdir -p "$out"
files=$(find "$root" -name '*.go' -not -path '*/vendor/*' -not -path '*/testdata/*' | wc -l)
start=$(date +%s%N)
"$bin" --format json --exit-zero "$root" >"$out/root.json" 2>"$out/root.err" || {
  echo "poollint failed (see $out/root.err)" >&2
  exit 1
}
end=$(date +%s%N)
findings=$(grep -c '"code"' "$out/root.json" || true)
printf '%s: %d .go files, %.2f s, %d findings\n' "$root" "$files" \
  "$(echo "($end - $start)/1000000000" | bc -l)" "$findings"
python3 "$repo/scripts/go-precision-check.py" "$out/root.json" "$true_list"
