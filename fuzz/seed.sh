#!/usr/bin/env bash
# Seed the fuzz corpus with every fixture.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/pipeline
find ../fixtures -name '*.rs' | while read -r f; do
  cp "$f" "corpus/pipeline/$(echo "${f#../}" | tr '/' '_')"
done
