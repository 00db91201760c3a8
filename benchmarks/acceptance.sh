#!/usr/bin/env bash
# Run an acceptance benchmark and keep its JSON in benchmarks/results/.
#   benchmarks/acceptance.sh            embedded runtime, SQLite (~2 minutes on 2 cores)
#   benchmarks/acceptance.sh celery     Celery runtime: 2 workers, PostgreSQL + Redis (~1 minute)
#   benchmarks/acceptance.sh delays     10,000 delays falling due at once, embedded runtime,
#                                       SQLite (~30 s; exits 1 if a run was lost or repeated)
#   benchmarks/acceptance.sh ui         web UI pages in Chromium, 1,000 workflows and 100,000
#                                       executions (~2 minutes; exits 1 if a page's p95 >= 1 s)
# The celery run makes (and drops) a scratch database on CRMFLOW_BENCH_PG_URL's server and needs
# a Redis database that no worker uses (CRMFLOW_BENCH_BROKER_URL, db 12 by default).
set -euo pipefail
cd "$(dirname "$0")/.."
make install >/dev/null
mkdir -p benchmarks/results
runtime="${1:-embedded}"
out="benchmarks/results/bench-${runtime}-$(date -u +%Y%m%dT%H%M%SZ).json"
case "$runtime" in
    embedded)
        .venv/bin/crmflow bench --events 10000 --latency-seconds 20 --workflows 10000 \
            --stats-rows 1000000 --json | tee "$out" ;;
    celery)
        .venv/bin/crmflow bench --runtime celery --workers 2 --events 5000 --json \
            --database-url "${CRMFLOW_BENCH_PG_URL:-postgresql://postgres@127.0.0.1:5432/postgres}" \
            --broker-url "${CRMFLOW_BENCH_BROKER_URL:-redis://127.0.0.1:6379/12}" | tee "$out" ;;
    delays)
        .venv/bin/crmflow bench --scenario delays --executions 10000 --json | tee "$out" ;;
    ui)
        make web chromium >/dev/null
        .venv/bin/python benchmarks/ui_pages.py --workflows 1000 --executions 100000 \
            --repeats 10 --json | tee "$out" ;;
    *)
        echo "usage: $0 [embedded|celery|delays|ui]" >&2; exit 2 ;;
esac
echo "saved $out" >&2
