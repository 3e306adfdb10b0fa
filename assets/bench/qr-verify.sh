#!/usr/bin/env bash
# QR verification benchmark: hospital terminals verifying e-health card codes over HTTP.
# Starts a release build of `huimin serve` on spare ports with a fresh data directory, prepares
# signed terminal requests, and drives them with wrk. Usage (from the package root):
#   bash assets/bench/qr-verify.sh [seconds=20] [connections=64] [crypto=gm]
# Codes are made valid for 10 minutes (HUIMIN_CARD_QR_TTL=600) so the pre-signed requests stay
# valid for the whole run; verification does the same work whatever the TTL.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-20}; connections=${2:-64}; crypto=${3:-gm}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
swift build -c release --product huimin >/dev/null
bin=$(swift build -c release --show-bin-path)/huimin
data=$(mktemp -d)
export HUIMIN_DATA=$data HUIMIN_PORT=18080 HUIMIN_SANDBOX_PORT=18090 HUIMIN_LOG_LEVEL=warning \
       HUIMIN_CARD_QR_TTL=600 HUIMIN_CRYPTO=$crypto
"$bin" serve &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 50); do curl -sf localhost:18080/readyz >/dev/null && break; sleep 0.2; done
key=$("$bin" admin hospital-add --code BENCH --name "Benchmark Hospital")
api_key=$(echo "$key" | python3 -c 'import json,sys;print(json.load(sys.stdin)["apiKey"])')
secret=$(echo "$key" | python3 -c 'import json,sys;print(json.load(sys.stdin)["apiSecret"])')
total=$((seconds * 12000))
python3 assets/bench/prepare.py http://127.0.0.1:18080 http://127.0.0.1:18090 "$api_key" "$secret" 10 50 "$total" "$data/requests.tsv"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; crypto profile: $crypto; wrk -t2 -c$connections -d${seconds}s"
BENCH_REQUESTS=$data/requests.tsv BENCH_THREADS=2 wrk -t2 -c"$connections" -d"${seconds}s" --latency \
  -s assets/bench/verify.lua http://127.0.0.1:18080
