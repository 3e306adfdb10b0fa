#!/usr/bin/env bash
# Booking benchmark (issue 4): residents racing for released places, and sustained uncontended
# bookings. Starts a release build of `huimin serve` on spare ports with a fresh data directory,
# registers residents through the sandbox with `huimin-sim load setup`, then:
#   1. `load race`      — 2,000 residents for 500 places released at once: confirmed, oversold, lost;
#   2. `load sustained` — the Swift client (libcurl) at a fixed concurrency: bookings/s, p50/p95/p99;
#   3. wrk              — the same kind of bookings from a prepared request file, for a client that
#                         costs the server's two cores less.
# Usage (from the package root):
#   bash assets/bench/booking.sh [seconds=20] [connections=64] [residents=2000]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-20}; connections=${2:-64}; residents=${3:-2000}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
bin=${HUIMIN_BENCH_BIN:-}   # release binaries built elsewhere (e.g. --scratch-path .build-release)
if [ -z "$bin" ]; then
  swift build -c release --product huimin >/dev/null
  swift build -c release --product huimin-sim >/dev/null
  bin=$(swift build -c release --show-bin-path)
fi
data=$(mktemp -d)
# The booking path writes each notice to the outbox in its own transaction (that cost is measured);
# sending them is a worker's job, which a deployment runs on another machine, not on these 2 cores.
export HUIMIN_DATA=$data HUIMIN_PORT=18180 HUIMIN_SANDBOX_PORT=18190 HUIMIN_LOG_LEVEL=warning HUIMIN_DISPATCHER=off
"$bin/huimin" serve &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 50); do curl -sf localhost:18180/readyz >/dev/null && break; sleep 0.2; done
key=$("$bin/huimin" admin hospital-add --code LOAD --name "负载测试医院")
export HUIMIN_SIM_SERVER=http://127.0.0.1:18180 HUIMIN_SIM_SANDBOX=http://127.0.0.1:18190
HUIMIN_SIM_API_KEY=$(echo "$key" | python3 -c 'import json,sys;print(json.load(sys.stdin)["apiKey"])')
HUIMIN_SIM_API_SECRET=$(echo "$key" | python3 -c 'import json,sys;print(json.load(sys.stdin)["apiSecret"])')
export HUIMIN_SIM_API_KEY HUIMIN_SIM_API_SECRET
plan=$data/plan.json
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
"$bin/huimin-sim" load setup --plan "$plan" --hospital LOAD --residents "$residents"
echo "--- race: 2000 residents, 500 places"
"$bin/huimin-sim" load race --plan "$plan" --residents 2000 --places 500 || echo "RACE CHECK FAILED"
echo "--- sustained (Swift client, 32 in flight, ${seconds}s)"
"$bin/huimin-sim" load sustained --plan "$plan" --duration "$seconds" --concurrency 32 || echo "SUSTAINED RUN HAD ERRORS"
echo "--- sustained (wrk -t2 -c$connections, ${seconds}s)"
"$bin/huimin-sim" load requests --plan "$plan" --count $((seconds * 5000)) --out "$data/requests.tsv"
BENCH_REQUESTS=$data/requests.tsv BENCH_THREADS=2 wrk -t2 -c"$connections" -d"${seconds}s" --latency \
  -s assets/bench/booking.lua http://127.0.0.1:18180
