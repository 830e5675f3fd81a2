#!/usr/bin/env bash
# Bounded fuzz smoke run for CTest: fuzz_binary seed_corpus work_dir.
# Runs for TANDEM_FUZZ_SECONDS (default 60) and fails on any crash, leak or UB report.
set -euo pipefail
binary=$1 seeds=$2 work=$3
seconds=${TANDEM_FUZZ_SECONDS:-60}
rm -rf "$work" && mkdir -p "$work"
artifacts="$work/artifacts/" && mkdir -p "$artifacts"
"$binary" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$artifacts" \
  -max_len=65536 -timeout=10 "$work" "$seeds"
