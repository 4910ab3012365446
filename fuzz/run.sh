#!/usr/bin/env bash
# The long fuzz run (not part of CI): seeds the corpus with every fixture input, then fuzzes the
# whole pipeline for SECONDS (default 600). cargo-fuzz needs nightly features; the stable toolchain
# provides them with RUSTC_BOOTSTRAP=1. Crashes land in fuzz/artifacts/pipeline/: copy each into
# tests/fuzz-regressions/ (tests/fuzz_regressions.rs replays them all).
set -euo pipefail
cd "$(dirname "$0")"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
mkdir -p corpus/pipeline
find ../fixtures -path '*/input/*' \( -name '*.ts' -o -name '*.tf' -o -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | while read -r file; do
    cp "$file" "corpus/pipeline/fixture-$(echo "$file" | sha1sum | cut -c1-12).${file##*.}"
done
RUSTC_BOOTSTRAP=1 cargo fuzz run pipeline corpus/pipeline -- \
    -max_total_time="${1:-600}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
