#!/usr/bin/env bash
# Imaging benchmark (issue 7): Huimin's archive against Orthanc 1.10 + its DICOMweb plugin, on the
# same DICOM files, on this machine, in one run. Measures, for each server in turn (never both at once):
#   1. ingest over HTTP with the same Python client and the same concurrency: Orthanc `POST /instances`
#      (raw file), Huimin STOW-RS `POST /dicomweb/studies` (multipart/related, BENCH_STOW_BATCH files
#      per request, default 1) — files/s and MB/s;
#   2. time from the start of ingest until a thumbnail (256 px) and a preview exist for every instance.
#      Huimin renders both in its background job runners (HUIMIN_JOB_RUNNERS, default = cores) as files
#      arrive; the finish line is `render_state='pending'` count = 0 after the last file is stored.
#      Orthanc renders on demand only, so after its ingest the client asks it, at the same concurrency
#      as Huimin's runners, for `/instances/{id}/rendered?width=256` (thumbnail) and `/rendered`
#      (full-size preview; Huimin's preview is 1024 px without upscaling, i.e. 512 px here) —
#      both JPEG quality 85, windowed with the file's VOI like Huimin's. Orthanc does not keep them;
#   3. serving a thumbnail to a viewer (after 2.): Huimin's stored one vs Orthanc's on-demand one;
#   4. QIDO-RS study searches (PatientID exact, PatientName prefix `X*`, StudyDate range), sequential,
#      median and p99, and a check that both servers return the same number of studies;
#   5. storage: `du -sb` of Huimin's data dir (objects + SQLite incl. WAL) and of Orthanc's storage +
#      index dirs, after ingest and renders; plus each server's CPU seconds and peak RSS.
# The data set is generated with pydicom: CT-like 512x512 16-bit MONOCHROME2 uncompressed files,
# 2 series x 50 instances per study (rescale intercept -1024, window present, unique UIDs, varied
# patients and dates). BENCH_SAMPLES=1 adds the pydicom/data_store sample files, re-UIDed (mixed
# transfer syntaxes; some cannot be decoded by one server or the other — see the failure rows).
# Everything runs inside a fresh network namespace (`unshare -n`, loopback only): Orthanc 1.10 listens
# on all interfaces otherwise.
# Usage (from the package root, as root):
#   HUIMIN_BENCH_BIN=/path/to/release bash assets/bench/imaging-vs-orthanc.sh [files=1000] [concurrency=4] [qido=200]
# Environment: HUIMIN_BENCH_BIN (default .build-release/release), BENCH_STOW_BATCH (1), BENCH_SAMPLES (0),
#   BENCH_RUNNERS (Huimin job runners and Orthanc render concurrency; default = cores), BENCH_KEEP=1 keeps
#   the temp dir, BENCH_DATA=DIR reuses/creates the generated files there.
set -euo pipefail
cd "$(dirname "$0")/../.."
files=${1:-1000}; concurrency=${2:-4}; qido=${3:-200}
bin=${HUIMIN_BENCH_BIN:-.build-release/release}
bin=$(cd "$bin" && pwd)

if [ -z "${BENCH_IN_NETNS:-}" ]; then
  [ "$(id -u)" = 0 ] || { echo "run as root: the servers are started in their own network namespace (unshare -n)" >&2; exit 1; }
  [ -x "$bin/huimin" ] || { echo "no huimin binary in $bin (set HUIMIN_BENCH_BIN)" >&2; exit 1; }
  [ -x /usr/sbin/Orthanc ] || { apt-get update -qq && apt-get install -y -qq orthanc orthanc-dicomweb >/dev/null; }
  command -v ip >/dev/null || { apt-get update -qq && apt-get install -y -qq iproute2 >/dev/null; }
  python3 -c 'import pydicom, numpy' 2>/dev/null || python3 -m pip install -q pydicom numpy
  HUIMIN_BENCH_BIN=$bin BENCH_IN_NETNS=1 exec unshare -n bash "$0" "$@"
fi
ip link set lo up

runners=${BENCH_RUNNERS:-$(nproc)}
batch=${BENCH_STOW_BATCH:-1}
work=$(mktemp -d /tmp/imaging-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [ -n "${BENCH_KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
dataset=${BENCH_DATA:-$work/dicom}

# ---------------------------------------------------------------- the Python half (client + data set)
cat >"$work/bench.py" <<'PY'
import concurrent.futures as cf, datetime, http.client, json, os, random, sqlite3, statistics, sys, threading, time
import urllib.parse

def pct(values, p):
    values = sorted(values)
    if not values: return float('nan')
    k = min(len(values) - 1, max(0, int(round(p / 100 * len(values) + 0.5)) - 1))
    return values[k]

# ---- data set -------------------------------------------------------------------------------
SURNAMES = ["WANG", "LI", "ZHANG", "LIU", "CHEN", "YANG", "HUANG", "ZHAO", "WU", "ZHOU"]
GIVEN = ["WEI", "FANG", "NA", "MIN", "JING", "LEI", "QIANG", "YAN", "JUN", "LI", "HUI", "MING"]

def generate(out, count, samples):
    import numpy as np, pydicom
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(7)
    random.seed(7)
    per_series, series_per_study = 50, 2
    studies = max(1, -(-count // (per_series * series_per_study)))
    patients = max(1, (studies * 7) // 10)
    yy, xx = np.mgrid[0:512, 0:512].astype(np.float32)
    written = 0
    for s in range(studies):
        p = s % patients
        name = f"{SURNAMES[p % len(SURNAMES)]}^{GIVEN[(p * 7) % len(GIVEN)]}{p // len(SURNAMES) or ''}"
        date = (datetime.date(2024, 1, 2) + datetime.timedelta(days=s * 11)).strftime("%Y%m%d")
        study_uid, frame_uid = generate_uid(), generate_uid()
        for se in range(series_per_study):
            series_uid = generate_uid()
            thickness = 1.25 if se == 0 else 5.0
            for i in range(per_series):
                if written >= count: break
                # A body ellipse (soft tissue), two lungs, a spine and a bone ring, changing along z.
                z = i / per_series
                a, b = 200 + 15 * np.sin(z * 3 + s), 150 + 10 * np.cos(z * 2 + s)
                hu = np.full((512, 512), -1000.0, np.float32)
                body = ((xx - 256) / a) ** 2 + ((yy - 266) / b) ** 2 <= 1
                hu[body] = 40
                for cx in (256 - a * 0.45, 256 + a * 0.45):
                    lung = ((xx - cx) / (a * 0.3)) ** 2 + ((yy - 250) / (b * 0.55 * (0.6 + z * 0.4))) ** 2 <= 1
                    hu[lung] = -820
                hu[((xx - 256) / 25) ** 2 + ((yy - 266 - b * 0.7) / 22) ** 2 <= 1] = 700
                ring = np.abs(((xx - 256) / a) ** 2 + ((yy - 266) / b) ** 2 - 0.92) < 0.02
                hu[ring] = 500
                hu += rng.normal(0, 12, hu.shape).astype(np.float32)
                pixels = np.clip(hu + 1024, 0, 4095).astype(np.uint16)
                ds = Dataset()
                ds.file_meta = FileMetaDataset()
                ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
                ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
                sop_uid = generate_uid()
                ds.file_meta.MediaStorageSOPInstanceUID = sop_uid
                ds.SpecificCharacterSet = "ISO_IR 100"
                ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
                ds.SOPInstanceUID = sop_uid
                ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
                ds.StudyDate = ds.SeriesDate = ds.ContentDate = date
                ds.StudyTime = ds.SeriesTime = ds.ContentTime = f"{8 + s % 10:02d}{(s * 7) % 60:02d}00"
                ds.AccessionNumber = f"A{s + 1:07d}"
                ds.Modality = "CT"
                ds.Manufacturer = "BENCH"
                ds.InstitutionName = "HUIMIN BENCH HOSPITAL"
                ds.ReferringPhysicianName = "DOCTOR^REF"
                ds.StudyDescription = "CT CHEST"
                ds.SeriesDescription = f"AXIAL {thickness} MM"
                ds.PatientName = name
                ds.PatientID = f"P{p + 1:06d}"
                ds.PatientBirthDate = f"{1940 + (p * 3) % 60}0{1 + p % 9}15"
                ds.PatientSex = "MF"[p % 2]
                ds.SliceThickness = thickness
                ds.KVP = 120
                ds.StudyInstanceUID = study_uid
                ds.SeriesInstanceUID = series_uid
                ds.StudyID = str(s + 1)
                ds.SeriesNumber = se + 1
                ds.InstanceNumber = i + 1
                ds.ImagePositionPatient = [-250.0, -250.0, -i * thickness]
                ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
                ds.FrameOfReferenceUID = frame_uid
                ds.SliceLocation = -i * thickness
                ds.SamplesPerPixel = 1
                ds.PhotometricInterpretation = "MONOCHROME2"
                ds.Rows = ds.Columns = 512
                ds.PixelSpacing = [0.9765625, 0.9765625]
                ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
                ds.WindowCenter, ds.WindowWidth = 40, 400
                ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = -1024, 1, "HU"
                ds.PixelData = pixels.tobytes()
                ds.save_as(os.path.join(out, f"ct_{s:03d}_{se}_{i:03d}.dcm"), enforce_file_format=True)
                written += 1
    if samples:
        import glob, hashlib, warnings
        from pydicom.dataset import FileMetaDataset
        warnings.filterwarnings("ignore")
        seen, n = set(), 0
        for d in [d for d in samples.split(":") if os.path.isdir(d)]:
            for path in sorted(glob.glob(os.path.join(d, "**", "*"), recursive=True)):
                if not os.path.isfile(path): continue
                digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
                if digest in seen: continue
                seen.add(digest)
                try:
                    ds = pydicom.dcmread(path)
                    if "PixelData" not in ds or "SOPInstanceUID" not in ds or "SOPClassUID" not in ds: continue
                    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
                    ds.SOPInstanceUID = generate_uid()
                    if not ds.get("PatientID"): ds.PatientID = "SAMPLE"
                    meta = getattr(ds, "file_meta", None) or FileMetaDataset()
                    if "TransferSyntaxUID" not in meta: continue
                    meta.MediaStorageSOPClassUID = ds.SOPClassUID
                    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
                    ds.file_meta = meta
                    ds.save_as(os.path.join(out, f"sample_{n:03d}.dcm"), enforce_file_format=True)
                    n += 1
                except Exception:
                    continue
        print(f"added {n} re-UIDed sample files", file=sys.stderr)

# ---- HTTP client --------------------------------------------------------------------------
local = threading.local()

def conn(port):
    c = getattr(local, "conn", None)
    if c is None:
        c = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    return c

def request(port, method, path, body=None, headers=None):
    for attempt in (0, 1):
        c = conn(port)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
            if r.getheader("Connection", "").lower() == "close":
                c.close(); local.conn = None
            return r.status, data
        except (http.client.HTTPException, ConnectionError, OSError):
            c.close(); local.conn = None
            if attempt: raise

def dataset_files(directory):
    return sorted(os.path.join(directory, f) for f in os.listdir(directory) if f.endswith(".dcm"))

def alive(pid):
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False

def ingest(server, port, directory, concurrency, token, batch, out, pid, pending_db):
    paths = dataset_files(directory)
    total_bytes = sum(os.path.getsize(p) for p in paths)
    for p in paths:  # page cache: both servers read the files warm
        with open(p, "rb") as f: f.read()
    if server == "huimin":
        groups = [paths[i:i + batch] for i in range(0, len(paths), batch)]
    else:
        groups = [[p] for p in paths]
    ids, failures, latencies = [], [], []
    lock = threading.Lock()

    def send(group):
        try:
            send1(group)
        except Exception as error:
            with lock: failures.append((group, "exception", repr(error)))

    def send1(group):
        t = time.perf_counter()
        if server == "orthanc":
            with open(group[0], "rb") as f: body = f.read()
            status, data = request(port, "POST", "/instances", body, {"Content-Type": "application/dicom"})
            ok = status == 200 and json.loads(data).get("Status") in ("Success", "AlreadyStored")
            result = [json.loads(data)["ID"]] if ok else []
            bad = [] if ok else [(group[0], status, data[:200])]
        else:
            boundary = "huiminbench" + os.urandom(8).hex()
            parts = []
            for p in group:
                with open(p, "rb") as f:
                    parts.append(b"--" + boundary.encode() + b"\r\nContent-Type: application/dicom\r\n\r\n" + f.read() + b"\r\n")
            body = b"".join(parts) + b"--" + boundary.encode() + b"--\r\n"
            status, data = request(port, "POST", "/dicomweb/studies", body, {
                "Content-Type": f'multipart/related; type="application/dicom"; boundary={boundary}',
                "Accept": "application/dicom+json", "Authorization": "Bearer " + token, "X-Huimin-Hospital": "H0001"})
            answer = json.loads(data) if data[:1] == b"{" else {}
            stored = answer.get("00081199", {}).get("Value", [])
            result = [s["00081190"]["Value"][0].split("/dicomweb")[1] for s in stored]
            bad = [] if status == 200 else [(group, status, data[:300])]
        with lock:
            latencies.append(time.perf_counter() - t)
            ids.extend(result); failures.extend(bad)

    done_at = {}
    def watch():  # Huimin: poll the render backlog until ingest is over and it is empty
        db = sqlite3.connect(f"file:{pending_db}?mode=ro", uri=True, timeout=30)
        while True:
            time.sleep(0.1)
            if not alive(pid):
                done_at["crashed"] = time.perf_counter(); return
            try:
                pending = db.execute("SELECT COUNT(*) FROM dicom_instance WHERE render_state='pending'").fetchone()[0]
            except sqlite3.OperationalError:
                continue
            if "ingest" in done_at and pending == 0:
                done_at["renders"] = time.perf_counter(); return
    start = time.perf_counter()
    watcher = None
    if pending_db:
        watcher = threading.Thread(target=watch); watcher.start()
    with cf.ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(send, groups))
    done_at["ingest"] = time.perf_counter()
    if watcher: watcher.join()
    result = {"files": len(paths), "bytes": total_bytes, "stored": len(ids), "failures": len(failures),
              "ingest_s": done_at["ingest"] - start, "request_p50_ms": pct(latencies, 50) * 1000,
              "request_p99_ms": pct(latencies, 99) * 1000}
    if "renders" in done_at: result["renders_s"] = done_at["renders"] - start
    for f in failures[:5]: print(f"{server} ingest failure: {str(f)[:400]}", file=sys.stderr)
    json.dump({"result": result, "ids": ids}, open(out, "w"))
    if not alive(pid):
        sys.exit(f"{server} died during ingest or renders ({len(ids)} of {len(paths)} files stored)")

def orthanc_render(port, ids_file, concurrency, out):
    ids = json.load(open(ids_file))["ids"]
    failures, sizes = [], []
    lock = threading.Lock()
    def one(i):
        for path in (f"/instances/{i}/rendered?width=256&quality=85", f"/instances/{i}/rendered?quality=85"):
            status, data = request(port, "GET", path, headers={"Accept": "image/jpeg"})
            with lock:
                (sizes.append(len(data)) if status == 200 else failures.append((path, status)))
    t = time.perf_counter()
    with cf.ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, ids))
    took = time.perf_counter() - t
    for f in failures[:5]: print(f"orthanc render failure: {f}", file=sys.stderr)
    json.dump({"render_s": took, "failures": len(failures), "renders": len(sizes)}, open(out, "w"))

def thumbnails(server, port, ids_file, count, token, out):
    ids = json.load(open(ids_file))["ids"]
    random.seed(3)
    pick = random.sample(ids, min(count, len(ids)))
    headers = {"Accept": "image/jpeg"}
    if token: headers["Authorization"] = "Bearer " + token
    lat, failures = [], 0
    for i in pick:
        path = f"/dicomweb{i}/thumbnail" if server == "huimin" else f"/instances/{i}/rendered?width=256&quality=85"
        t = time.perf_counter()
        status, data = request(port, "GET", path, headers=headers)
        lat.append(time.perf_counter() - t)
        if i == pick[0]: open(os.path.join(os.path.dirname(out), f"{server}-thumbnail.jpg"), "wb").write(data)
        failures += status != 200
    json.dump({"p50_ms": pct(lat, 50) * 1000, "p99_ms": pct(lat, 99) * 1000, "failures": failures}, open(out, "w"))

def queries(directory):
    import pydicom
    ids, names, dates = set(), set(), set()
    for p in dataset_files(directory):
        if not os.path.basename(p).startswith("ct_"): continue
        ds = pydicom.dcmread(p, stop_before_pixels=True, specific_tags=["PatientID", "PatientName", "StudyDate"])
        ids.add(ds.PatientID); names.add(str(ds.PatientName).split("^")[0]); dates.add(ds.StudyDate)
    ids, names, dates = sorted(ids), sorted(names), sorted(dates)
    ranges = [f"{dates[i]}-{dates[min(len(dates) - 1, i + 2)]}" for i in range(len(dates))]
    return {"PatientID exact": [{"PatientID": v} for v in ids],
            "PatientName prefix": [{"PatientName": v + "*"} for v in names],
            "StudyDate range": [{"StudyDate": v} for v in ranges]}

def qido(server, port, directory, count, token, out):
    prefix = "/dicomweb/studies?" if server == "huimin" else "/dicom-web/studies?"
    headers = {"Accept": "application/dicom+json"}
    if token: headers["Authorization"] = "Bearer " + token
    result = {}
    for kind, params in queries(directory).items():
        lat, matches, failures = [], {}, 0
        for n in range(count):
            q = params[n % len(params)]
            path = prefix + urllib.parse.urlencode(q, safe="*")
            t = time.perf_counter()
            status, data = request(port, "GET", path, headers=headers)
            lat.append(time.perf_counter() - t)
            if status not in (200, 204): failures += 1; continue
            matches[json.dumps(q)] = len(json.loads(data)) if data.strip() else 0
        result[kind] = {"p50_ms": pct(lat, 50) * 1000, "p99_ms": pct(lat, 99) * 1000, "failures": failures,
                        "matches": matches}
    json.dump(result, open(out, "w"))

def login(port, user, password):
    status, data = request(port, "POST", "/api/v1/staff/login", json.dumps({"username": user, "password": password}),
                           {"Content-Type": "application/json"})
    assert status == 200, (status, data)
    print(json.loads(data)["token"])

def table(work, meta):
    h = json.load(open(f"{work}/huimin-ingest.json"))["result"]
    o = json.load(open(f"{work}/orthanc-ingest.json"))["result"]
    orr = json.load(open(f"{work}/orthanc-render.json"))
    hq, oq = json.load(open(f"{work}/huimin-qido.json")), json.load(open(f"{work}/orthanc-qido.json"))
    ht, ot = json.load(open(f"{work}/huimin-thumbs.json")), json.load(open(f"{work}/orthanc-thumbs.json"))
    hs, os_ = json.load(open(f"{work}/huimin-server.json")), json.load(open(f"{work}/orthanc-server.json"))
    mb = h["bytes"] / 1e6
    o_thumbs = o["ingest_s"] + orr["render_s"]
    rows = []
    def row(name, hv, ov, fmt, better):
        # better: "higher" or "lower"; the ratio is Huimin's advantage (>1 = Huimin better)
        if better != "-" and isinstance(hv, (int, float)) and isinstance(ov, (int, float)) and hv and ov:
            ratio = (hv / ov) if better == "higher" else (ov / hv)
            r = f"{ratio:.2f}x"
        else:
            r = "-"
        rows.append((name, fmt.format(hv) if isinstance(hv, (int, float)) else str(hv),
                     fmt.format(ov) if isinstance(ov, (int, float)) else str(ov), r))
    row("ingest files/s", h["stored"] / h["ingest_s"], o["stored"] / o["ingest_s"], "{:.1f}", "higher")
    row("ingest MB/s", mb / h["ingest_s"], mb / o["ingest_s"], "{:.1f}", "higher")
    row("ingest wall s", h["ingest_s"], o["ingest_s"], "{:.2f}", "lower")
    row("ingest request p50 ms", h["request_p50_ms"], o["request_p50_ms"], "{:.1f}", "lower")
    row("ingest request p99 ms", h["request_p99_ms"], o["request_p99_ms"], "{:.1f}", "lower")
    row("files stored / failed", f'{h["stored"]}/{h["failures"]}', f'{o["stored"]}/{o["failures"]}', "{}", "-")
    row("all thumbs+previews s (from ingest start)", h["renders_s"], o_thumbs, "{:.2f}", "lower")
    row("  of which after ingest s", h["renders_s"] - h["ingest_s"], orr["render_s"], "{:.2f}", "lower")
    row("instances without a render (placeholder / 415)", meta["huimin_placeholders"], orr["failures"] // 2, "{}", "-")
    row("thumbnail fetch p50 ms", ht["p50_ms"], ot["p50_ms"], "{:.2f}", "lower")
    row("thumbnail fetch p99 ms", ht["p99_ms"], ot["p99_ms"], "{:.2f}", "lower")
    for kind in hq:
        row(f"QIDO {kind} p50 ms", hq[kind]["p50_ms"], oq[kind]["p50_ms"], "{:.2f}", "lower")
        row(f"QIDO {kind} p99 ms", hq[kind]["p99_ms"], oq[kind]["p99_ms"], "{:.2f}", "lower")
    row("storage MB (du -sb)", hs["du"] / 1e6, os_["du"] / 1e6, "{:.1f}", "lower")
    row("server CPU s (ingest+renders)", hs["cpu_s"], os_["cpu_s"], "{:.1f}", "lower")
    row("server peak RSS MB", hs["rss_mb"], os_["rss_mb"], "{:.0f}", "lower")
    widths = [max(len(r[i]) for r in rows + [("metric", "Huimin", "Orthanc", "ratio")]) for i in range(4)]
    line = lambda r: " | ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r))
    print(line(("metric", "Huimin", "Orthanc", "ratio")))
    print("-+-".join("-" * w for w in widths))
    for r in rows: print(line(r))
    print("ratio = Huimin's advantage (>1: Huimin better; throughput Huimin/Orthanc, times Orthanc/Huimin)")
    mismatched = [(k, q, hq[k]["matches"].get(q), oq[k]["matches"].get(q)) for k in hq for q in hq[k]["matches"]
                  if hq[k]["matches"].get(q) != oq[k]["matches"].get(q)]
    print("QIDO answers: " + ("same study counts on both servers" if not mismatched else f"DIFFER: {mismatched[:5]}"))
    print(f"QIDO failures: Huimin {sum(v['failures'] for v in hq.values())}, Orthanc {sum(v['failures'] for v in oq.values())}")

if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "generate": generate(args[0], int(args[1]), args[2] if len(args) > 2 else "")
    elif cmd == "ingest": ingest(args[0], int(args[1]), args[2], int(args[3]), args[4], int(args[5]), args[6], int(args[7]), args[8] if len(args) > 8 else "")
    elif cmd == "orthanc-render": orthanc_render(int(args[0]), args[1], int(args[2]), args[3])
    elif cmd == "thumbnails": thumbnails(args[0], int(args[1]), args[2], int(args[3]), args[4], args[5])
    elif cmd == "qido": qido(args[0], int(args[1]), args[2], int(args[3]), args[4], args[5])
    elif cmd == "login": login(int(args[0]), args[1], args[2])
    elif cmd == "table": table(args[0], json.loads(args[1]))
PY
py() { python3 "$work/bench.py" "$@"; }

# A process's CPU seconds (user + system, all threads) and its peak RSS in MB.
cpu_s() { awk -v t="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$1/stat"; }
rss_mb() { awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

# ---------------------------------------------------------------- data set
if [ ! -d "$dataset" ] || [ "$(find "$dataset" -name '*.dcm' | wc -l)" -eq 0 ]; then
  samples=""
  if [ "${BENCH_SAMPLES:-0}" = 1 ]; then
    python3 -c 'import pydicom_data' 2>/dev/null || python3 -m pip install -q pydicom-data >/dev/null 2>&1 || true
    pyd=$(python3 -c 'import pydicom, os; print(os.path.join(os.path.dirname(pydicom.__file__), "data", "test_files"))')
    samples="$pyd:${BENCH_SAMPLE_DIRS:-.build/dicom-samples/pydicom/data/test_files:.build/dicom-samples/data_store/data}"
  fi
  echo "generating $files CT files${samples:+ + samples} in $dataset ..."
  py generate "$dataset" "$files" "$samples"
fi
nfiles=$(find "$dataset" -name '*.dcm' | wc -l)
dbytes=$(du -sb "$dataset" | cut -f1)

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; load before run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "data set: $nfiles files, $((dbytes / 1000000)) MB; client concurrency $concurrency; Huimin job runners = Orthanc render concurrency = $runners; STOW batch $batch"
echo "busiest processes before the run: $(ps -eo pcpu=,comm= --sort=-pcpu | head -3 | awk '{ printf "%s %s%%; ", $2, $1 }')"
echo "huimin: $bin/huimin; orthanc: $(/usr/sbin/Orthanc --version 2>&1 | head -1)"

# ---------------------------------------------------------------- Huimin
hdata=$work/huimin-data
mkdir -p "$hdata"
export HUIMIN_DATA=$hdata HUIMIN_PORT=18280 HUIMIN_SANDBOX=off HUIMIN_SANDBOX_PORT=18290 HUIMIN_LOG_LEVEL=warning \
  HUIMIN_DISPATCHER=off HUIMIN_JOB_RUNNERS=$runners
"$bin/huimin" serve >"$work/huimin.log" 2>&1 &
hpid=$!; pids+=("$hpid")
for _ in $(seq 100); do curl -sf localhost:18280/readyz >/dev/null && break; sleep 0.2; done
curl -sf localhost:18280/readyz >/dev/null || { echo "huimin did not start:"; tail "$work/huimin.log"; exit 1; }
"$bin/huimin" admin hospital-add --code H0001 --name "基准测试医院" >/dev/null
HUIMIN_STAFF_PASSWORD=bench-password-1 "$bin/huimin" admin staff-add --username bench --role admin >/dev/null
token=$(py login 18280 bench bench-password-1)
cpu0=$(cpu_s "$hpid")
echo "--- Huimin: STOW-RS ingest ($concurrency in flight) and background renders ($runners runners)"
py ingest huimin 18280 "$dataset" "$concurrency" "$token" "$batch" "$work/huimin-ingest.json" "$hpid" "$hdata/huimin.sqlite" || {
  grep -v '^0x' "$work/huimin.log" | grep -m 40 -B2 -A25 'crashed' || tail -40 "$work/huimin.log"
  cp "$work/huimin.log" "/tmp/huimin-bench-crash-$(date +%s).log"; echo "(full log kept in /tmp/huimin-bench-crash-*.log)"; exit 1; }
hcpu=$(awk -v a="$(cpu_s "$hpid")" -v b="$cpu0" 'BEGIN { printf "%.2f", a - b }'); hrss=$(rss_mb "$hpid")
placeholders=$(sqlite3 "$hdata/huimin.sqlite" "SELECT COUNT(*) FROM dicom_instance WHERE render_state='placeholder'")
hdu=$(du -sb "$hdata" | cut -f1)
hobj=$(du -sb "$hdata/objects" | cut -f1)
echo "--- Huimin: thumbnails and QIDO"
py thumbnails huimin 18280 "$work/huimin-ingest.json" 200 "$token" "$work/huimin-thumbs.json"
py qido huimin 18280 "$dataset" "$qido" "$token" "$work/huimin-qido.json"
echo "{\"du\": $hdu, \"objects\": $hobj, \"cpu_s\": $hcpu, \"rss_mb\": $hrss}" >"$work/huimin-server.json"
kill "$hpid"; wait "$hpid" 2>/dev/null || true

# ---------------------------------------------------------------- Orthanc
odir=$work/orthanc
mkdir -p "$odir/storage" "$odir/index"
cat >"$odir/config.json" <<JSON
{
  "Name": "bench",
  "StorageDirectory": "$odir/storage",
  "IndexDirectory": "$odir/index",
  "HttpPort": 18042,
  "DicomPort": 18112,
  "DicomServerEnabled": false,
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false,
  "Plugins": ["/usr/share/orthanc/plugins/libOrthancDicomWeb.so"],
  "DicomWeb": { "Enable": true, "Root": "/dicom-web/" }
}
JSON
/usr/sbin/Orthanc "$odir/config.json" >"$work/orthanc.log" 2>&1 &
opid=$!; pids+=("$opid")
for _ in $(seq 100); do curl -sf localhost:18042/system >/dev/null && break; sleep 0.2; done
curl -sf localhost:18042/system >/dev/null || { echo "orthanc did not start:"; tail "$work/orthanc.log"; exit 1; }
ocpu0=$(cpu_s "$opid")
echo "--- Orthanc: POST /instances ingest ($concurrency in flight), then on-demand renders ($runners in flight)"
py ingest orthanc 18042 "$dataset" "$concurrency" "" 1 "$work/orthanc-ingest.json" "$opid" || { tail -40 "$work/orthanc.log"; exit 1; }
py orthanc-render 18042 "$work/orthanc-ingest.json" "$runners" "$work/orthanc-render.json"
ocpu=$(awk -v a="$(cpu_s "$opid")" -v b="$ocpu0" 'BEGIN { printf "%.2f", a - b }'); orss=$(rss_mb "$opid")
odu=$(du -sb "$odir/storage" "$odir/index" | awk '{ s += $1 } END { print s }')
echo "--- Orthanc: thumbnails and QIDO"
py thumbnails orthanc 18042 "$work/orthanc-ingest.json" 200 "" "$work/orthanc-thumbs.json"
py qido orthanc 18042 "$dataset" "$qido" "" "$work/orthanc-qido.json"
echo "{\"du\": $odu, \"cpu_s\": $ocpu, \"rss_mb\": $orss}" >"$work/orthanc-server.json"
kill "$opid"; wait "$opid" 2>/dev/null || true

# ---------------------------------------------------------------- report
echo
echo "=== Huimin vs Orthanc $(/usr/sbin/Orthanc --version 2>&1 | head -1 | awk '{print $NF}'): $nfiles files, $((dbytes / 1000000)) MB, concurrency $concurrency, $runners render workers, load after run: $(cut -d' ' -f1-3 /proc/loadavg)"
py table "$work" "{\"huimin_placeholders\": $placeholders}"
echo "Huimin storage: objects $((hobj / 1000000)) MB (DICOM + thumbnails + previews), rest = SQLite index/WAL; Orthanc keeps no renders."
