#!/usr/bin/env bash
# Bounded fuzz smoke run for CTest: fuzz_binary seed_corpus work_dir [dictionary].
# Runs for TANDEM_FUZZ_SECONDS (default 60) and fails on any crash, leak or UB report.
set -euo pipefail
binary=$1 seeds=$2 work=$3 dict=${4:-}
seconds=${TANDEM_FUZZ_SECONDS:-60}
rm -rf "$work" && mkdir -p "$work"
artifacts="$work/artifacts/" && mkdir -p "$artifacts"
extra=()
if [[ -n "$dict" ]]; then extra+=("-dict=$dict"); fi
"$binary" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$artifacts" \
  -max_len=65536 -timeout=10 "${extra[@]}" "$work" "$seeds"
