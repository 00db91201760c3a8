#!/usr/bin/env bash
# Run the foundation acceptance benchmark and keep its JSON (takes ~2 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
make install >/dev/null
mkdir -p benchmarks/results
out="benchmarks/results/bench-$(date -u +%Y%m%dT%H%M%SZ).json"
.venv/bin/crmflow bench --events 10000 --latency-seconds 20 --workflows 10000 \
    --stats-rows 1000000 --json | tee "$out"
echo "saved $out" >&2
