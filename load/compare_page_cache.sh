#!/usr/bin/env bash
# The page cache's worth, measured in one run on one machine (docs/benchmarks.md):
# gunicorn as `make serve` runs it, with the page cache off and on in turn, each run on a
# fresh copy of the prepared database (so every run starts from the same data and an empty
# cache), under load/locustfile.py's 50 people. Run by `make load-compare`, which prepares
# the database first; the environment (DATABASE_URL and the rest) is `make serve`'s.
#
#   ROUNDS        rounds of (off, on), alternated so drift hits both alike (2)
#   MIXES         LOAD_POST_WEIGHT values to measure, each a set of rounds ("2 1")
#   THINK         "0 0" for saturation (no think time); "3 10" for the default scenario
#   RATES         instead of THINK: arrival rates to pace everyone to, in actions a second
#                 together (LOAD_ACTIONS_PER_SECOND), to find what holds a p95 ("15 25")
#
# Results: var/load/compare-<think|rate>-w<weight>-<off|on>-<round>_stats.csv, and a table of
# requests per second and percentiles on standard output (load/summarise.py).
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-2}
MIXES=${MIXES:-"2 1"}
THINK=${THINK:-"0 0"}
BIN=${BIN:-.venv/bin}
PORT=${LOAD_PORT:-8002}
template=${DATABASE_URL##*/}
base=${DATABASE_URL%/*}
run_db="${template}_run"
read -r wait_min wait_max <<<"$THINK"
mkdir -p var/load
paces=${RATES:-think}

fresh_copy() {
    psql "$base/postgres" -qc "drop database if exists \"$run_db\"" -qc \
        "create database \"$run_db\" template \"$template\""
}

run() {  # one measured run: $1 the name, $2 the page cache flag, $3 the post weight, $4 the rate
    fresh_copy
    # Demo mode: the demo accounts sign in without a second factor, as locust does.
    DATABASE_URL="$base/$run_db" TRACKER_DEMO=1 TRACKER_PAGE_CACHE=$2 TRACKER_BIND=127.0.0.1:$PORT \
        "$BIN/gunicorn" tracker.wsgi -c tracker/gunicorn.conf.py >var/load/gunicorn.log 2>&1 &
    local server=$!
    for _ in $(seq 60); do
        curl -fs "http://127.0.0.1:$PORT/health/" >/dev/null && break
        sleep 1
    done
    echo "== $1 (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    LOAD_WAIT_MIN=$wait_min LOAD_WAIT_MAX=$wait_max LOAD_POST_WEIGHT=$3 LOAD_ACTIONS_PER_SECOND=$4 \
        "$BIN/locust" -f load/locustfile.py --headless -u 50 -r 2 -t 300s \
        --host "http://127.0.0.1:$PORT" --csv "var/load/$1" --only-summary >"var/load/$1.log" 2>&1 || true
    kill "$server"
    wait "$server" || true
}

for pace in $paces; do
    if [ "$pace" = think ]; then pacing="think$wait_min-$wait_max" rate=0; else pacing="rate$pace-s" rate=$pace; fi
    for weight in $MIXES; do
        for round in $(seq "$ROUNDS"); do
            run "compare-$pacing-w$weight-off-$round" 0 "$weight" "$rate"
            run "compare-$pacing-w$weight-on-$round" 1 "$weight" "$rate"
        done
    done
done
psql "$base/postgres" -qc "drop database if exists \"$run_db\""
"$BIN/python" load/summarise.py var/load/compare-*_stats.csv
