#!/usr/bin/env bash
# Messaging benchmark (issue 6): dispatch rate to the sandbox, and a broadcast (群发) interrupted by
# kill -9 of the server halfway, then restarted: every recipient must get exactly one message.
#   1. The sandbox runs as its own process (it must outlive the server it counts for); a release
#      `huimin serve` runs with HUIMIN_SANDBOX=off, its channels pointed at that sandbox.
#   2. N real-named WeChat residents are seeded (`huimin bench seed-residents`); an admin broadcasts
#      one announcement to all of them through the staff API. Each goes out as a WeChat template
#      message (the residents follow the official account and gave no subscribe consent).
#   3. Rate: messages/s as the sandbox counts them arriving, from the first to the last.
#   4. Crash: once half have arrived, kill -9; start the server again; wait until no message is
#      left to send; ask the sandbox for the total, the recipients and any recipient with more
#      than one. Exits non-zero unless every recipient got exactly one.
# Usage (from the package root): bash assets/bench/broadcast-crash.sh [recipients=100000] [nokill]
set -euo pipefail
cd "$(dirname "$0")/../.."
recipients=${1:-100000}; mode=${2:-kill}
# HUIMIN_BENCH_CONFIG=debug: a quick functional run with the test build; HUIMIN_BENCH_BIN: binaries built elsewhere.
config=${HUIMIN_BENCH_CONFIG:-release}
bin=${HUIMIN_BENCH_BIN:-}
if [ -z "$bin" ]; then
  swift build -c "$config" --product huimin >/dev/null
  bin=$(swift build -c "$config" --show-bin-path)
fi
work=$(mktemp -d)
server=""; sandbox=""
cleanup() { kill -9 $server $sandbox 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
port=${HUIMIN_BENCH_PORT:-18280}; sandbox_port=${HUIMIN_BENCH_SANDBOX_PORT:-18290}
export HUIMIN_LOG_LEVEL=warning HUIMIN_PORT=$port HUIMIN_SANDBOX_PORT=$sandbox_port HUIMIN_QUIET_HOURS=off
export HUIMIN_SMS_RECEIPT_URL=http://127.0.0.1:$port/notify/v1/sms-report
sandbox_url=http://127.0.0.1:$sandbox_port
HUIMIN_DATA=$work/sandbox "$bin/huimin" sandbox & sandbox=$!
export HUIMIN_DATA=$work/huimin HUIMIN_SANDBOX=off HUIMIN_WECHAT_BASE_URL=$sandbox_url HUIMIN_SMS_BASE_URL=$sandbox_url/sms
start_server() {
  "$bin/huimin" serve >>"$work/server.log" 2>&1 & server=$!
  for _ in $(seq 100); do curl -sf localhost:$port/readyz >/dev/null && return; sleep 0.2; done
  echo "server did not start; its log ends:"; tail -20 "$work/server.log"; exit 1
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
counts() { curl -sf "$sandbox_url/sandbox/wechat/message-counts?templateId=tpl_mp_notice_announcement"; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; recipients: $recipients"
"$bin/huimin" bench seed-residents --count "$recipients"
HUIMIN_STAFF_PASSWORD=bench-password-1 "$bin/huimin" admin staff-add --username bench --role admin >/dev/null
start_server
token=$(curl -sf -X POST localhost:$port/api/v1/staff/login -H 'Content-Type: application/json' \
  -d '{"username":"bench","password":"bench-password-1"}' | json 'd["token"]')
for _ in $(seq 50); do curl -sf "$sandbox_url/sandbox/health" >/dev/null && break; sleep 0.2; done
curl -sf -X POST localhost:$port/api/v1/staff/broadcasts -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -H 'Idempotency-Key: bench-broadcast-1' \
  -d '{"event":"notice.announcement","audience":{"kind":"all"},"payload":{"title":"春节门诊安排","content":"除夕至初三普通门诊停诊，急诊照常。","publishedAt":"2026-12-01T02:00:00.000Z"}}' \
  | json 'd["broadcast"]["id"]' >/dev/null

# Rate: sample the sandbox's count until all arrived (or, with kill, until half).
target=$recipients; [ "$mode" = kill ] && target=$((recipients / 2))
first_t=""; first_n=0; last_t=0; last_n=0
while :; do
  n=$(counts | json 'd["total"]'); t=$(date +%s.%N)
  if [ -z "$first_t" ] && [ "$n" -gt 0 ]; then first_t=$t; first_n=$n; fi
  last_t=$t; last_n=$n
  [ "$n" -ge "$target" ] && break
  sleep 0.2
done
python3 -c "print(f'dispatch rate: {($last_n-$first_n)/max($last_t-$first_t, 0.001):.0f} messages/s ({$last_n-$first_n} messages in {$last_t-$first_t:.1f} s)')"

if [ "$mode" = kill ]; then
  kill -9 "$server"; wait "$server" 2>/dev/null || true
  echo "killed the server (kill -9) with $last_n of $recipients delivered"
  start_server
  echo "restarted"
fi
# Done when the sandbox has them all and nothing is left leased or pending.
for _ in $(seq 1200); do
  n=$(counts | json 'd["total"]')
  left=$(python3 -c "import sqlite3; c=sqlite3.connect('$work/huimin/huimin.sqlite'); print(c.execute(\"SELECT (SELECT count(*) FROM message WHERE status IN ('pending','sending')) + (SELECT count(*) FROM outbox WHERE dispatched_at IS NULL)\").fetchone()[0])")
  [ "$n" -ge "$recipients" ] && [ "$left" -eq 0 ] && break
  sleep 0.5
done
sleep 2  # a late duplicate would show now
report=$(counts)
echo "sandbox: $report" | cut -c1-400
total=$(echo "$report" | json 'd["total"]'); got=$(echo "$report" | json 'd["recipients"]')
dups=$(echo "$report" | json 'd["duplicateRecipients"]')
python3 - "$work/huimin/huimin.sqlite" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print("messages by status:", dict(c.execute("SELECT status, count(*) FROM message WHERE event = 'notice.announcement' GROUP BY status")))
print("attempts by status:", dict(c.execute("SELECT a.status, count(*) FROM message_attempt a JOIN message m ON m.id = a.message_id WHERE m.event = 'notice.announcement' GROUP BY a.status")))
EOF
settled=$({ grep 'settling interrupted sends' "$work/server.log" || true; } | { grep -o 'count=[0-9]*' || true; } | awk -F= '{s+=$NF} END {print s+0}')
echo "sends interrupted by the kill and settled after the restart: $settled"
if [ "$total" -eq "$recipients" ] && [ "$got" -eq "$recipients" ] && [ "$dups" -eq 0 ]; then
  echo "PASS: $recipients recipients, each got exactly one message"
else
  echo "FAIL: total=$total recipients=$got duplicates=$dups (expected $recipients, $recipients, 0)"; exit 1
fi
