/// The page at `/s/{token}` a doctor opens from a resident's film share (云胶片), in a phone
/// browser, WeChat's in-app browser or on a desktop. It is one self-contained document with its
/// CSS and script inline and nothing fetched from elsewhere: hospital networks often have no
/// internet, and the share's CSP allows only this origin. It holds no data and is the same for
/// every share: the script opens the share (`POST open`, with the access code read from the
/// `#code=` fragment, which never reaches the server or its logs, or typed into a form), renders
/// the study it gets back, and from then on the HttpOnly cookie `open` set authorizes the image
/// URLs the page names. Every text from the server goes in through `textContent`; the script
/// writes no cookie or storage. `body[data-state]` (loading, code, ready, error) and
/// `body[data-error]` tell tests where it stands, and each `<img>` gets `data-loaded` or
/// `data-failed` when it settles.
public enum ShareViewerPage {
    public static let html: String = #"""
<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<meta name="format-detection" content="telephone=no">
<title>云胶片 Imaging share</title>
<style>
:root { color-scheme: dark; --bg: #0b0d10; --panel: #15191e; --line: #2a3039; --text: #e7eaee; --muted: #8e98a5; --accent: #3ea6ff; --warn: #ffb454; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html, body { margin: 0; background: var(--bg); color: var(--text); }
body { font: 14px/1.5 -apple-system, BlinkMacSystemFont, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Segoe UI", Roboto, sans-serif;
  -webkit-text-size-adjust: 100%; padding: env(safe-area-inset-top) env(safe-area-inset-right) env(safe-area-inset-bottom) env(safe-area-inset-left); }
button { font: inherit; color: inherit; cursor: pointer; touch-action: manipulation; -webkit-tap-highlight-color: transparent; }
.muted { color: var(--muted); }
.small { font-size: 12px; word-break: break-all; }
.status { min-height: 70vh; display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 12px; color: var(--muted); }
.spinner { width: 28px; height: 28px; border: 3px solid var(--line); border-top-color: var(--accent); border-radius: 50%; animation: spin .9s linear infinite; }
@keyframes spin { to { transform: rotate(360deg); } }
.card { max-width: 400px; margin: 16vh auto 0; width: calc(100% - 32px); padding: 24px 20px; background: var(--panel); border: 1px solid var(--line); border-radius: 12px; text-align: center; }
.card h1 { font-size: 18px; font-weight: 600; margin: 0 0 8px; }
.card p { margin: 8px 0 0; }
.card label { display: block; color: var(--muted); margin-bottom: 14px; }
.row { display: flex; gap: 8px; }
#code-input { flex: 1; min-width: 0; font-size: 22px; letter-spacing: 4px; text-align: center; padding: 8px; color: var(--text); background: var(--bg); border: 1px solid var(--line); border-radius: 8px; }
#code-input:focus { outline: none; border-color: var(--accent); }
.primary { flex: 0 0 auto; padding: 0 18px; min-height: 44px; border: 0; border-radius: 8px; background: var(--accent); color: #00182b; font-weight: 600; }
.primary:disabled { opacity: .5; }
.warn { color: var(--warn); min-height: 1.5em; }
#retry { margin-top: 16px; }
#app { display: grid; grid-template-columns: minmax(0, 1fr); grid-template-areas: "header" "report" "viewer" "keys" "series"; gap: 8px; padding: 8px; max-width: 1680px; margin: 0 auto; }
#study-header { grid-area: header; display: flex; flex-wrap: wrap; align-items: baseline; gap: 0 14px; padding: 0 2px; }
#study-header > div { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0 10px; min-width: 0; }
.brand { font-size: 12px; color: var(--accent); border: 1px solid var(--accent); border-radius: 4px; padding: 0 5px; align-self: center; }
#patient { font-size: 17px; font-weight: 600; }
#expiry { font-size: 12px; }
#report { grid-area: report; background: var(--panel); border: 1px solid var(--line); border-radius: 10px; min-width: 0; }
#report summary { display: flex; align-items: baseline; gap: 8px; padding: 9px 12px; cursor: pointer; list-style: none; }
#report summary::-webkit-details-marker { display: none; }
#report summary::after { content: "展开 More"; margin-left: auto; font-size: 12px; color: var(--accent); white-space: nowrap; }
#report[open] summary::after { content: "收起 Less"; }
#report.empty summary::after { content: none; }
#report-title { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.report-body { padding: 0 12px 12px; }
.report-body h3 { font-size: 12px; font-weight: 500; color: var(--muted); margin: 8px 0 2px; }
.report-body p { margin: 0; white-space: pre-wrap; word-break: break-word; }
#impression { font-weight: 600; }
#reported-at { font-size: 12px; margin-top: 8px; }
#viewer { grid-area: viewer; min-width: 0; }
#stage { position: relative; height: 100vw; height: min(calc(100vw - 16px), 60vh); background: #000; border-radius: 8px; overflow: hidden;
  touch-action: pinch-zoom; user-select: none; -webkit-user-select: none; -webkit-touch-callout: none; }
#main-image { display: block; width: 100%; height: 100%; object-fit: contain; }
#main-image:not([src]) { visibility: hidden; }
.ov { position: absolute; max-width: 62%; font-size: 12px; color: #dfe6ee; text-shadow: 0 0 3px #000, 0 0 2px #000; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; pointer-events: none; }
.tl { top: 6px; left: 10px; } .tr { top: 6px; right: 10px; } .bl { bottom: 6px; left: 10px; }
.br { bottom: 4px; right: 10px; font-size: 15px; font-weight: 600; }
.mid { top: 50%; left: 50%; transform: translate(-50%, -50%); padding: 4px 12px; border-radius: 6px; background: rgba(0, 0, 0, .65); }
.controls { display: flex; align-items: center; gap: 8px; margin-top: 8px; }
.controls button { flex: 0 0 48px; height: 40px; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; font-size: 26px; line-height: 1; padding: 0 0 3px; }
.controls button:disabled { opacity: .35; }
#slider { flex: 1; min-width: 0; height: 32px; margin: 0; accent-color: var(--accent); }
.presets { display: flex; align-items: center; gap: 6px; margin-top: 8px; overflow-x: auto; scrollbar-width: none; }
.presets .lbl { flex: 0 0 auto; font-size: 12px; color: var(--muted); }
.chips { display: flex; gap: 6px; }
.chip { flex: 0 0 auto; padding: 5px 12px; background: var(--panel); border: 1px solid var(--line); border-radius: 999px; font-size: 13px; white-space: nowrap; }
.chip[aria-pressed="true"] { border-color: var(--accent); color: var(--accent); }
.box { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 8px 10px 10px; min-width: 0; }
.box h2 { font-size: 13px; font-weight: 500; color: var(--muted); margin: 0 0 6px; }
#keys { grid-area: keys; } #series-box { grid-area: series; }
.strip { display: flex; gap: 8px; overflow-x: auto; -webkit-overflow-scrolling: touch; padding-bottom: 2px; }
.tile { position: relative; flex: 0 0 auto; width: 92px; padding: 0; background: #000; border: 2px solid var(--line); border-radius: 8px; overflow: hidden; text-align: left; }
.tile[aria-pressed="true"] { border-color: var(--accent); }
.tile img { display: block; width: 88px; height: 88px; object-fit: contain; background: #000; }
.badge { position: absolute; top: 3px; right: 3px; padding: 0 5px; font-size: 11px; border-radius: 4px; background: rgba(0, 0, 0, .72); }
.cap { display: block; padding: 2px 5px; font-size: 11px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; background: var(--panel); }
@media (min-width: 900px) {
  #app { grid-template-columns: minmax(0, 1fr) 340px; grid-template-rows: auto auto auto auto 1fr; gap: 10px 16px; padding: 10px 16px;
    grid-template-areas: "header header" "viewer report" "viewer keys" "viewer series" "viewer ."; }
  #expiry { margin-left: auto; }
  #stage { height: calc(100vh - 160px); min-height: 360px; }
  .report-body { max-height: 46vh; overflow: auto; }
}
</style>
</head>
<body data-state="loading">
<div id="status" class="status"><div class="spinner"></div><div>加载中 Loading…</div></div>
<form id="code-form" class="card" hidden novalidate>
  <h1>云胶片 Imaging share</h1>
  <label for="code-input">此分享需要访问码 Enter the access code</label>
  <div class="row">
    <input id="code-input" name="code" type="text" inputmode="numeric" pattern="[0-9]*" autocomplete="one-time-code" maxlength="8">
    <button id="code-submit" class="primary" type="submit">查看 View</button>
  </div>
  <p id="code-msg" class="warn" role="alert"></p>
</form>
<div id="error" class="card" hidden role="alert">
  <h1 id="error-title"></h1>
  <p id="error-hint"></p>
  <p id="error-detail" class="muted small"></p>
  <button id="retry" class="primary" type="button" hidden>重试 Retry</button>
</div>
<div id="app" hidden>
  <header id="study-header">
    <div><span class="brand">云胶片</span><span id="patient"></span><span id="sex"></span><span id="when"></span></div>
    <div><span id="desc"></span><span id="hospital"></span><span id="counts" class="muted"></span></div>
    <div id="expiry" class="muted"></div>
  </header>
  <details id="report">
    <summary><span class="muted">报告 Report</span><span id="report-title"></span></summary>
    <div id="report-body" class="report-body">
      <h3>所见 Findings</h3><p id="findings"></p>
      <h3>诊断 Impression</h3><p id="impression"></p>
      <p id="reported-at" class="muted"></p>
    </div>
  </details>
  <section id="viewer">
    <div id="stage">
      <img id="main-image" alt="影像 Image" draggable="false">
      <div id="ov-series" class="ov tl"></div><div id="ov-preset" class="ov tr"></div>
      <div id="ov-image" class="ov bl"></div><div id="ov-count" class="ov br"></div>
      <div id="ov-msg" class="ov mid" hidden></div>
    </div>
    <div class="controls">
      <button id="prev" type="button" aria-label="上一张 Previous">‹</button>
      <input id="slider" type="range" min="1" max="1" value="1" step="1" aria-label="图像 Image">
      <button id="next" type="button" aria-label="下一张 Next">›</button>
    </div>
    <div id="presets" class="presets" hidden><span class="lbl">窗宽窗位 Window</span><span id="preset-buttons" class="chips"></span></div>
  </section>
  <section id="keys" class="box" hidden><h2>关键图像 Key images</h2><div id="key-strip" class="strip"></div></section>
  <section id="series-box" class="box"><h2>序列 Series</h2><div id="series-strip" class="strip"></div></section>
</div>
<script>
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const body = document.body, main = $("main-image"), slider = $("slider"), stage = $("stage");
  const segs = location.pathname.split("/"), at = segs.indexOf("s");
  const base = at >= 0 && segs[at + 1] ? segs.slice(0, at + 2).join("/") : location.pathname;
  const wide = window.matchMedia ? window.matchMedia("(min-width: 900px)") : { matches: false };
  const PRESETS = { lung: "肺窗 Lung", mediastinum: "纵隔窗 Mediastinum", bone: "骨窗 Bone", brain: "脑窗 Brain", abdomen: "腹窗 Abdomen" };
  const SEX = { M: "男 M", F: "女 F", O: "其他 O" };
  const ERRORS = {
    share_code_locked: "尝试次数过多，请稍后再试 Too many tries",
    share_expired: "分享已过期 This share has expired",
    share_revoked: "分享已被撤销 This share was revoked",
    share_not_found: "链接无效 Link not valid",
    network: "网络错误，请重试 Network error, please retry"
  };
  const ASK = "请联系分享人重新分享 Ask the sender for a new link";
  const HINTS = { share_expired: ASK, share_revoked: ASK, share_not_found: ASK };
  const FINAL = ["share_expired", "share_revoked", "share_not_found", "share_code_locked"];
  const JSON_GET = { credentials: "same-origin", headers: { Accept: "application/json" } };
  const S = { stacks: [], key: null, cur: null, preset: "", presets: [], dir: 1, warm: new Map(), slow: 0, reopened: 0 };

  function setState(state, error) {
    body.dataset.state = state;
    if (error) body.dataset.error = error; else delete body.dataset.error;
  }
  function view(name) { ["status", "code-form", "error", "app"].forEach((id) => { $(id).hidden = id !== name; }); }
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }
  function watch(i) {
    i.addEventListener("load", () => { i.dataset.loaded = "1"; delete i.dataset.failed; });
    i.addEventListener("error", () => { if (i.getAttribute("src")) { i.dataset.failed = "1"; delete i.dataset.loaded; } });
  }
  function param(url, key, value) { return url + (url.indexOf("?") >= 0 ? "&" : "?") + key + "=" + encodeURIComponent(value); }
  async function readJSON(res) { try { return await res.json(); } catch (e) { return null; } }
  function pad(n) { return String(n).padStart(2, "0"); }
  function when(iso) {
    const d = new Date(iso);
    if (isNaN(d.getTime())) return String(iso);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }
  function fragmentCode() { return new URLSearchParams(location.hash.slice(1)).get("code") || ""; }

  // Opens the share; without a code, a cookie from a code typed earlier in this browser still reads the study.
  async function open(code) {
    setState("loading");
    try {
      const res = await fetch(base + "/open", { method: "POST", credentials: "same-origin", cache: "no-store",
        headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(code ? { code: code } : {}) });
      const data = await readJSON(res);
      if (res.ok && data && data.study) return render(data);
      const err = (data && data.error) || {};
      if (err.code === "share_code_required") {
        const again = await fetch(base + "/study", JSON_GET);
        const page = again.ok ? await readJSON(again) : null;
        if (page && page.study) return render(page);
      }
      failed(err.code || "http_" + res.status, err.message || "HTTP " + res.status, err.requestId);
    } catch (e) {
      failed("network", "", "");
    }
  }

  function failed(code, message, requestId) {
    if (code === "share_code_required" || code === "share_code_wrong") {
      setState("code", code);
      view("code-form");
      $("code-msg").textContent = code === "share_code_wrong" ? "访问码错误 Wrong code" : "";
      $("code-input").value = "";
      $("code-submit").disabled = false;
      $("code-input").focus();
      return;
    }
    setState("error", code);
    view("error");
    $("error-title").textContent = ERRORS[code] || message || "出错了 Something went wrong";
    $("error-hint").textContent = HINTS[code] || "";
    $("error-detail").textContent = [code, requestId ? "请求编号 Request ID " + requestId : ""].filter(Boolean).join(" · ");
    $("retry").hidden = FINAL.indexOf(code) >= 0;
  }

  // The cookie ended (or the share did) while the page was open: open again, or say why not.
  async function recheck() {
    if (Date.now() - S.reopened < 60000) return;
    S.reopened = Date.now();
    try {
      const res = await fetch(base + "/study", JSON_GET);
      if (res.ok) return;
      const err = ((await readJSON(res)) || {}).error || {};
      if (res.status === 401) open(fragmentCode());
      else if (FINAL.indexOf(err.code) >= 0) failed(err.code, err.message, err.requestId);
    } catch (e) { /* offline: the image message says enough */ }
  }

  function render(page) {
    const st = page.study || {};
    $("patient").textContent = st.patientName || "—";
    $("sex").textContent = SEX[st.patientSex] || st.patientSex || "";
    $("when").textContent = [st.date, (st.time || "").slice(0, 5)].filter(Boolean).join(" ");
    const mods = (st.modalities || []).join("/"), desc = st.description || "";
    $("desc").textContent = desc.indexOf(mods) >= 0 ? desc : [mods, desc].filter(Boolean).join(" · ");
    $("hospital").textContent = st.hospitalName || st.hospitalCode || "";
    $("counts").textContent = st.seriesCount != null ? st.seriesCount + " 序列 series · " + st.imageCount + " 图像 images" : "";
    $("expiry").textContent = page.share && page.share.expiresAt ? "有效期至 Valid until " + when(page.share.expiresAt) : "";
    document.title = "云胶片 " + (st.description || "Imaging share");
    const r = page.report;
    $("report").classList.toggle("empty", !r);
    $("report-title").textContent = r ? r.title || "" : "暂无报告 No report";
    $("report-body").hidden = !r;
    if (r) {
      $("findings").textContent = r.findings || "—";
      $("impression").textContent = r.impression || "—";
      $("reported-at").textContent = r.reportedAt ? "报告时间 Reported " + when(r.reportedAt) : "";
    }
    $("report").open = !!r && wide.matches;
    S.presets = Array.isArray(page.presets) ? page.presets : [];
    S.stacks = (page.series || []).map((s) => stack(s, false));
    const keys = page.keyImages || [];
    S.key = keys.length ? stack({ description: "关键图像 Key images", images: keys, imageCount: keys.length }, true) : null;
    strips();
    presets();
    view("app");
    setState("ready");
    const first = S.key || S.stacks[0];
    if (first) select(first, 0); else message("暂无图像 No images");
  }

  // A stack is what the slider steps through: a series, or the key images; a multi-frame image is one step per frame.
  function stack(s, key) {
    const k = { key: key, uid: s.seriesUid || "", number: s.number, modality: s.modality || "", description: s.description || "",
      count: s.imageCount || 0, thumb: s.thumbnail || "", images: [], items: [], first: [], cursor: s.nextCursor || null,
      loading: null, failedAt: 0, pos: 0, tile: null, tiles: [] };
    add(k, s.images || []);
    return k;
  }
  function add(k, images) {
    images.forEach((im) => {
      const n = Math.max(1, im.frames || 1);
      k.first.push(k.items.length);
      k.images.push(im);
      for (let f = 1; f <= n; f++) k.items.push({ im: im, frame: n > 1 ? f : 0, frames: n });
    });
  }
  function total(k) { return k.items.length + (k.cursor ? Math.max(1, k.count - k.images.length) : 0); }
  function label(k) { return k.key ? k.description : [k.number != null ? "S" + k.number : "", k.modality, k.description].filter(Boolean).join(" "); }
  function applies(k) { return S.presets.length > 0 && (k.key || !k.modality || k.modality === "CT"); }

  function tile(src, cls, caption, badge) {
    const b = el("button", "tile"), i = el("img", cls);
    b.type = "button";
    b.title = caption;
    i.alt = caption;
    i.draggable = false;
    watch(i);
    if (src) i.src = src;
    b.appendChild(i);
    if (badge) b.appendChild(el("span", "badge", badge));
    b.appendChild(el("span", "cap", caption));
    return b;
  }
  function strips() {
    const ks = $("key-strip"), ss = $("series-strip");
    ks.textContent = "";
    ss.textContent = "";
    $("keys").hidden = !S.key;
    if (S.key) S.key.images.forEach((im, i) => {
      const b = tile(im.thumbnail, "key-thumb", "#" + (im.number != null ? im.number : i + 1), "");
      b.addEventListener("click", () => { S.dir = 1; select(S.key, S.key.first[i]); });
      S.key.tiles.push(b);
      ks.appendChild(b);
    });
    S.stacks.forEach((k) => {
      const b = tile(k.thumb || (k.images[0] && k.images[0].thumbnail), "series-thumb", label(k) || "—", k.count || k.images.length);
      b.addEventListener("click", () => { S.dir = 1; select(k, k.pos); });
      k.tile = b;
      ss.appendChild(b);
    });
  }
  function presets() {
    const box = $("preset-buttons");
    box.textContent = "";
    [""].concat(S.presets).forEach((p) => {
      const b = el("button", "chip", p ? PRESETS[p] || p : "默认 Default");
      b.type = "button";
      b.dataset.preset = p;
      b.addEventListener("click", () => { S.preset = p; markPresets(); if (S.cur) show(S.cur.pos); });
      box.appendChild(b);
    });
    markPresets();
  }
  function markPresets() {
    Array.prototype.forEach.call($("preset-buttons").children, (b) => b.setAttribute("aria-pressed", String(b.dataset.preset === S.preset)));
  }

  function select(k, pos) {
    S.cur = k;
    S.stacks.forEach((s) => s.tile.setAttribute("aria-pressed", String(s === k)));
    $("presets").hidden = !applies(k);
    $("ov-series").textContent = label(k);
    show(pos);
  }
  function message(text) { $("ov-msg").textContent = text; $("ov-msg").hidden = !text; }
  function counts(k) {
    const t = total(k);
    slider.max = String(Math.max(1, t));
    slider.value = String(k.pos + 1);
    slider.disabled = t < 2;
    $("ov-count").textContent = t ? k.pos + 1 + " / " + t : "";
    $("prev").disabled = k.pos <= 0;
    $("next").disabled = k.pos >= t - 1;
  }
  function url(k, item) {
    let u = item.im.preview || item.im.thumbnail || "";
    if (u && item.frame) u = param(u, "frame", item.frame);
    if (u && S.preset && applies(k)) u = param(u, "preset", S.preset);
    return u;
  }

  function show(pos) {
    const k = S.cur, t = total(k);
    if (!t) { counts(k); message("暂无图像 No images"); return; }
    k.pos = Math.max(0, Math.min(t - 1, pos));
    counts(k);
    if (S.key) S.key.tiles.forEach((b, i) => b.setAttribute("aria-pressed", String(k === S.key && k.first[i] <= k.pos && (k.first[i + 1] == null || k.pos < k.first[i + 1]))));
    if (k.pos >= k.items.length) { message("加载中 Loading…"); fill(k, k.pos); return; }
    const item = k.items[k.pos], src = url(k, item);
    $("ov-image").textContent = [item.im.number != null ? "Im " + item.im.number : "", item.frame ? "帧 Frame " + item.frame + "/" + item.frames : ""].filter(Boolean).join(" · ");
    $("ov-preset").textContent = S.preset && applies(k) ? PRESETS[S.preset] || S.preset : "";
    if (main.getAttribute("src") !== src) {
      delete main.dataset.loaded;
      delete main.dataset.failed;
      main.src = src;
      clearTimeout(S.slow);
      S.slow = setTimeout(() => { if (!main.dataset.loaded && !main.dataset.failed) message("加载中 Loading…"); }, 400);
    } else if (main.dataset.loaded) message("");
    if (k.cursor && k.pos >= k.items.length - 30) more(k);
    warm(k, k.pos + S.dir);
    warm(k, k.pos + 2 * S.dir);
  }
  function step(d) {
    if (!S.cur) return;
    S.dir = d < 0 ? -1 : 1;
    show(S.cur.pos + d);
  }
  function warm(k, i) {
    if (i < 0 || i >= k.items.length) return;
    const u = url(k, k.items[i]);
    if (!u || S.warm.has(u)) return;
    const im = new Image();
    im.src = u;
    S.warm.set(u, im);
    if (S.warm.size > 12) S.warm.delete(S.warm.keys().next().value);
  }

  // The next page of a series' images (100 at a time), once at a time, not again for 5 s after a failure.
  function more(k) {
    if (!k.cursor || Date.now() - k.failedAt < 5000) return Promise.resolve();
    if (k.loading) return k.loading;
    k.loading = fetch(base + "/series/" + encodeURIComponent(k.uid) + "/images?cursor=" + encodeURIComponent(k.cursor), JSON_GET)
      .then(async (res) => {
        const data = await readJSON(res);
        if (!res.ok || !data || !Array.isArray(data.images)) {
          if (res.status === 401 || res.status === 410 || res.status === 404) recheck();
          throw new Error("page " + res.status);
        }
        add(k, data.images);
        k.cursor = data.nextCursor || null;
      })
      .catch(() => { k.failedAt = Date.now(); })
      .then(() => { k.loading = null; if (S.cur === k) counts(k); });
    return k.loading;
  }
  async function fill(k, pos) {
    while (pos >= k.items.length && k.cursor) {
      const had = k.items.length;
      await more(k);
      if (k.items.length === had) break;
    }
    if (S.cur !== k || k.pos !== pos) return;
    if (pos < k.items.length || !k.cursor) show(pos); else message("加载失败 Failed to load");
  }

  main.addEventListener("load", () => { main.dataset.loaded = "1"; delete main.dataset.failed; clearTimeout(S.slow); message(""); });
  main.addEventListener("error", () => {
    if (!main.getAttribute("src")) return;
    main.dataset.failed = "1";
    delete main.dataset.loaded;
    clearTimeout(S.slow);
    message("图像加载失败 Image failed to load");
    recheck();
  });
  $("prev").addEventListener("click", () => step(-1));
  $("next").addEventListener("click", () => step(1));
  slider.addEventListener("input", () => {
    if (!S.cur) return;
    const to = Number(slider.value) - 1;
    S.dir = to < S.cur.pos ? -1 : 1;
    show(to);
  });
  let wheel = 0;
  stage.addEventListener("wheel", (e) => {
    if (!S.cur) return;
    e.preventDefault();
    const d = e.deltaMode === 1 ? e.deltaY * 40 : e.deltaY;
    wheel = Math.abs(d) >= 50 ? d : wheel + d;
    if (Math.abs(wheel) >= 50) { step(wheel > 0 ? 1 : -1); wheel = 0; }
  }, { passive: false });
  document.addEventListener("keydown", (e) => {
    const t = e.target, keys = { ArrowDown: 1, ArrowRight: 1, PageDown: 10, ArrowUp: -1, ArrowLeft: -1, PageUp: -10 };
    if (!S.cur || body.dataset.state !== "ready" || e.altKey || e.ctrlKey || e.metaKey) return;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA")) return;
    if (keys[e.key]) { e.preventDefault(); step(keys[e.key]); }
    else if (e.key === "Home") { e.preventDefault(); S.dir = 1; show(0); }
    else if (e.key === "End") { e.preventDefault(); S.dir = -1; show(total(S.cur) - 1); }
  });
  // One finger on the image: drag up or left for the next images, down or right for the previous; two fingers zoom the page.
  let touch = null;
  stage.addEventListener("touchstart", (e) => {
    touch = e.touches.length === 1 ? { x: e.touches[0].clientX, y: e.touches[0].clientY, axis: "", done: 0 } : null;
  }, { passive: true });
  stage.addEventListener("touchmove", (e) => {
    if (!touch || e.touches.length !== 1 || !S.cur) return;
    const dx = e.touches[0].clientX - touch.x, dy = e.touches[0].clientY - touch.y;
    if (!touch.axis) {
      if (Math.abs(dx) < 8 && Math.abs(dy) < 8) return;
      touch.axis = Math.abs(dy) > Math.abs(dx) ? "y" : "x";
    }
    e.preventDefault();
    const steps = Math.trunc(touch.axis === "y" ? -dy / 14 : -dx / 28);
    if (steps !== touch.done) { step(steps - touch.done); touch.done = steps; }
  }, { passive: false });
  stage.addEventListener("touchend", () => { touch = null; });
  stage.addEventListener("touchcancel", () => { touch = null; });

  $("code-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const input = $("code-input");
    const code = input.value.trim().replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0));
    if (!code) { $("code-msg").textContent = "请输入访问码 Enter the code"; input.focus(); return; }
    $("code-submit").disabled = true;
    $("code-msg").textContent = "";
    open(code);
  });
  $("retry").addEventListener("click", () => { view("status"); open(fragmentCode()); });
  open(fragmentCode());
})();
</script>
</body>
</html>
"""#
}
