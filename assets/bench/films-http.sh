#!/usr/bin/env bash
# Film benchmark over HTTP, as a doctor's browser reads a shared film: a release `huimin serve`
# on spare ports with a fresh data directory, a made-up CT of IMAGES slices (`huimin demo-study`),
# films.sim to link it to a resident and share it, then the share's study page (the film JSON)
# and frames rendered on request with a CT window, each image once (uncached), timed request by
# request. Usage (from the package root):
#   bash assets/bench/films-http.sh [images=500] [size=512] [pages=2000] [connections=8]
set -euo pipefail
cd "$(dirname "$0")/../.."
images=${1:-500}; size=${2:-512}; pages=${3:-2000}; connections=${4:-8}
swift build -c release --product huimin --scratch-path .build-release >/dev/null
swift build --product huimin-sim >/dev/null
bin=.build-release/release/huimin
data=$(mktemp -d)
export HUIMIN_DATA=$data HUIMIN_PORT=18380 HUIMIN_SANDBOX_PORT=18390 HUIMIN_LOG_LEVEL=warning HUIMIN_DISPATCHER=off
"$bin" serve &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 50); do curl -sf localhost:18380/readyz >/dev/null && break; sleep 0.2; done
key=$("$bin" admin hospital-add --code H0001 --name "Benchmark Hospital")
HUIMIN_STAFF_PASSWORD=bench-password-1 "$bin" admin staff-add --username pacs --role operator >/dev/null
"$bin" demo-study --out "$data/ct" --patient-id 11010519560501003X --images "$images" --size "$size" >/dev/null
api_key=$(echo "$key" | python3 -c 'import json,sys;print(json.load(sys.stdin)["apiKey"])')
secret=$(echo "$key" | python3 -c 'import json,sys;print(json.load(sys.stdin)["apiSecret"])')
started=$(date +%s.%N)
.build/debug/huimin-sim run --server http://127.0.0.1:18380 --sandbox http://127.0.0.1:18390 --api-key "$api_key" \
  --api-secret "$secret" --var staff_user=pacs --var staff_password=bench-password-1 --var study_dir="$data/ct" \
  assets/sim/films.sim > "$data/sim.log" || { tail -30 "$data/sim.log"; exit 1; }
link=$(grep -o 'SHARE-LINK http[^ ]*' "$data/sim.log" | head -1 | cut -d' ' -f2)
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; a CT of $images images ${size}x${size} and a scout, uploaded, indexed and shared in $(python3 -c "print(round($(date +%s.%N) - $started, 1))") s"
python3 - "$link" "$pages" "$connections" <<'PY'
import http.client, json, sys, time, urllib.parse, concurrent.futures as cf
link, pages, connections = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
url = urllib.parse.urlparse(link)
def connection(): return http.client.HTTPConnection(url.hostname, url.port, timeout=60)
c = connection()
c.request("POST", url.path + "/open", body="{}", headers={"Content-Type": "application/json"})
r = c.getresponse(); page = json.loads(r.read()); cookie = r.getheader("Set-Cookie").split(";")[0]
def timed(paths):
    conn, times, size = connection(), [], 0
    for path in paths:
        t = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookie})
        resp = conn.getresponse(); body = resp.read()
        assert resp.status == 200, (path, resp.status, body[:200])
        times.append((time.perf_counter() - t) * 1000); size = len(body)
    return times, size
def report(label, times):
    times.sort(); at = lambda f: times[min(len(times) - 1, int(len(times) * f))]
    print(f"  {label:<52} n={len(times):5d}  median {at(.5):6.2f} ms  p90 {at(.9):6.2f} ms  p99 {at(.99):6.2f} ms")
times, size = timed([url.path + "/study"] * pages)
report(f"study page JSON ({size // 1024} KiB), one connection", times)
with cf.ThreadPoolExecutor(connections) as pool:
    parts = list(pool.map(timed, [[url.path + "/study"] * (pages // connections)] * connections))
report(f"study page JSON, {connections} connections", [t for p, _ in parts for t in p])
axial = max(page["series"], key=lambda s: s["imageCount"])
images, cursor = list(axial["images"]), axial.get("nextCursor")
while cursor:
    c.request("GET", f"{url.path}/series/{axial['seriesUid']}/images?cursor={cursor}", headers={"Cookie": cookie})
    more = json.loads(c.getresponse().read()); images += more["images"]; cursor = more.get("nextCursor")
report("frame rendered on request, lung window, uncached", timed([i["preview"] + "&preset=lung&frame=1" for i in images])[0])
report("preview kept since ingest", timed([i["preview"] for i in images])[0])
report("thumbnail kept since ingest", timed([i["thumbnail"] for i in images])[0])
PY
