#!/usr/bin/env bash
# Go precision: run poollint over the Go module sources that Debian's
# golang-*-dev packages install (under /usr/share/gocode/src), one package at
# a time, and print one row per package (.go files, wall seconds, findings).
# Fails on any finding not listed in scripts/go-precision-true.txt (findings
# reviewed and judged real defects, one `path:line CODE` a line).
# Not part of `cargo test` (it needs the packages installed: apt-get install
# the names in scripts/go-precision-packages.txt).
#
#   scripts/go-precision.sh                  # every package in the list
#   scripts/go-precision.sh PKG...           # these packages
#
# Environment: POOLLINT (the binary; default target/release/poollint, built
# if missing), GO_PRECISION_OUT (raw outputs; default target/go-precision).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
list="$repo/scripts/go-precision-packages.txt"
true_list="$repo/scripts/go-precision-true.txt"
out="${GO_PRECISION_OUT:-$repo/target/go-precision}"
bin="${POOLLINT:-$repo/target/release/poollint}"
if [ ! -x "$bin" ]; then
  (cd "$repo" && cargo build --release --quiet)
fi
mkdir -p "$out"
if [ $# -gt 0 ]; then
  pkgs=("$@")
else
  mapfile -t pkgs < <(grep -v '^\s*#' "$list" | grep -v '^\s*$')
fi
total_files=0 total_findings=0 unexpected=0 total_ms=0 npkgs=0
printf '%-50s %7s %8s %8s\n' package files seconds findings
for pkg in "${pkgs[@]}"; do
  if ! dpkg -L "$pkg" >/dev/null 2>&1; then
    echo "$pkg: not installed" >&2
    exit 1
  fi
  # The package's module roots: the folders with a go.mod, else the
  # shallowest folders holding its .go files.
  mapfile -t files < <(dpkg -L "$pkg" | grep '\.go$' | grep -v -e '/vendor/' -e '/testdata/' || true)
  [ ${#files[@]} -gt 0 ] || { echo "$pkg: no .go file" >&2; continue; }
  mapfile -t roots < <(dpkg -L "$pkg" | grep '/go\.mod$' | xargs -r -n1 dirname | sort -u)
  if [ ${#roots[@]} -eq 0 ]; then
    mapfile -t roots < <(printf '%s\n' "${files[@]}" | xargs -n1 dirname | sort -u |
      awk 'NR==1 || index($0, prev "/") != 1 { print; prev = $0 }')
  fi
  # Roots nested in another root are checked with it.
  mapfile -t roots < <(printf '%s\n' "${roots[@]}" | sort -u |
    awk 'NR==1 || index($0, prev "/") != 1 { print; prev = $0 }')
  start=$(date +%s%N)
  "$bin" --format json --exit-zero "${roots[@]}" >"$out/$pkg.json" 2>"$out/$pkg.err" || {
    echo "$pkg: poollint failed (see $out/$pkg.err)" >&2
    exit 1
  }
  end=$(date +%s%N)
  ms=$(((end - start) / 1000000))
  nfiles=${#files[@]}
  nfind=$(grep -c '"code"' "$out/$pkg.json" || true)
  printf '%-50s %7d %8.2f %8d\n' "$pkg" "$nfiles" "$(echo "$ms/1000" | bc -l)" "$nfind"
  total_files=$((total_files + nfiles))
  total_findings=$((total_findings + nfind))
  total_ms=$((total_ms + ms))
  npkgs=$((npkgs + 1))
  # Every finding must be a reviewed real defect.
  python3 "$repo/scripts/go-precision-check.py" "$out/$pkg.json" "$true_list" || unexpected=$((unexpected + 1))
done
printf '%-50s %7d %8.2f %8d\n' "total ($npkgs packages)" "$total_files" "$(echo "$total_ms/1000" | bc -l)" "$total_findings"
[ "$unexpected" -eq 0 ]
