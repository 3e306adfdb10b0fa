"""A small headless-Chromium driver over the Chrome DevTools Protocol (CDP), standard library only.

Chromium runs with --remote-debugging-pipe: it reads CDP commands on its fd 3 and writes replies and
events on its fd 4, each message JSON ended by a NUL byte, so no websocket library is needed. Every
Browser gets a throwaway profile; its whole process group is killed when the `with` block ends.

    from browser import Browser, BrowserError, image_has_content
    with Browser(1280, 900) as b:                  # chromium from PATH; Browser(..., chromium="/path")
        b.goto("http://localhost:8080/console/login")     # waits for the load event
        b.fill("input[name=username]", "cashier1")         # focus, Input.insertText (CJK works), input/change
        b.click("form#login button[type=submit]")          # real mouse click at the centre; waits for a
                                                           # navigation if one starts
        b.wait_for("body[data-page=dashboard]")            # BrowserError naming the selector on timeout
        print(b.text("#day-state"), b.attr("#day-state", "data-state"), b.count("tr.difference"))
        b.select("select[name=kind]", "his_only"); b.set_files("input[type=file]", ["/tmp/his.csv"])
        b.eval("fetch('/x').then(r => r.status)")          # awaits promises, returns JSON values
        b.screenshot("/tmp/page.png"); image_has_content("/tmp/page.png", box=(0, 0, 400, 300))
        b.cookies()                                        # incl. httpOnly / sameSite
        b.console_errors()                                 # exceptions, console/Log errors, CSP violations
confirm()/alert() dialogs are accepted automatically (their texts are kept in b.dialogs).
"""
import fcntl
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time


class BrowserError(Exception):
    """A CDP command failed, an element was missing, or a wait ran out of time."""


# Registered on every new document: reports CSP violations through a CDP binding.
_CSP_HOOK = """document.addEventListener('securitypolicyviolation', e => { try { __hmViolation(
  JSON.stringify({directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber})); } catch (_) {} });"""


class Browser:
    def __init__(self, width=1280, height=900, chromium=None, timeout=15.0, extra_args=()):
        self.timeout = timeout
        self.dialogs, self.errors = [], []
        self._cond = threading.Condition()
        self._replies, self._next_id, self._closed = {}, 0, False
        self._loads, self._starts, self._frame = 0, 0, None
        binary = shutil.which(chromium or "chromium")
        if not binary:
            raise BrowserError("chromium not found (%s); install it or pass its path" % (chromium or "chromium"))
        self._profile = tempfile.mkdtemp(prefix="hm-browser-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # The child must see them as fds 3 and 4: move them above 10 first, then dup2 them in the child.
        high_r, high_w = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10), fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
        os.close(to_child_r), os.close(from_child_w)

        def child_fds():
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        args = [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
                "--user-data-dir=" + self._profile, "--window-size=%d,%d" % (width, height),
                "--hide-scrollbars", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-dev-shm-usage", "--disable-background-networking", "--mute-audio", *extra_args, "about:blank"]
        self._log = open(os.path.join(self._profile, "chromium.log"), "wb")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log,
                                     pass_fds=(3, 4), preexec_fn=child_fds, start_new_session=True)
        os.close(high_r), os.close(high_w)
        self._write_lock = threading.Lock()
        threading.Thread(target=self._reader, daemon=True).start()
        try:
            target = self._call("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
            self._session = self._call("Target.attachToTarget", {"targetId": target, "flatten": True},
                                       session=False)["sessionId"]
            for domain in ("Page", "Runtime", "Network", "DOM", "Log"):
                self._call(domain + ".enable")
            self._frame = self._call("Page.getFrameTree")["frameTree"]["frame"]["id"]
            self._call("Emulation.setDeviceMetricsOverride", {"width": width, "height": height,
                                                               "deviceScaleFactor": 1, "mobile": False})
            self._call("Runtime.addBinding", {"name": "__hmViolation"})
            self._call("Page.addScriptToEvaluateOnNewDocument", {"source": _CSP_HOOK})
        except Exception:
            self.close()
            raise

    # --- the pipe ---
    def _reader(self):
        pending = []  # pieces of the message being read (a screenshot's can be megabytes)
        while True:
            try:
                chunk = os.read(self._from_child, 1 << 20)
            except OSError:
                chunk = b""
            if not chunk:
                break
            end = chunk.find(b"\0")
            while end >= 0:
                message = json.loads(b"".join(pending + [chunk[:end]]).decode("utf-8"))
                pending, chunk = [], chunk[end + 1:]
                if "id" in message:
                    with self._cond:
                        self._replies[message["id"]] = message
                        self._cond.notify_all()
                else:
                    self._event(message.get("method"), message.get("params", {}))
                end = chunk.find(b"\0")
            pending.append(chunk)
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def _send(self, method, params=None, session=True):
        with self._cond:
            self._next_id += 1
            ident = self._next_id
        message = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self._session
        data = json.dumps(message).encode("utf-8") + b"\0"
        with self._write_lock:
            while data:
                data = data[os.write(self._to_child, data):]
        return ident

    def _call(self, method, params=None, session=True, timeout=None):
        ident = self._send(method, params, session)
        deadline = time.monotonic() + (timeout or self.timeout * 2)
        with self._cond:
            while ident not in self._replies:
                left = deadline - time.monotonic()
                if self._closed or left <= 0:
                    raise BrowserError("%s: %s" % (method, "chromium went away" if self._closed else "no reply"))
                self._cond.wait(left)
            reply = self._replies.pop(ident)
        if "error" in reply:
            raise BrowserError("%s failed: %s" % (method, reply["error"].get("message")))
        return reply.get("result", {})

    def _event(self, method, params):
        if method == "Page.javascriptDialogOpening":
            self.dialogs.append(params.get("message"))
            self._send("Page.handleJavaScriptDialog", {"accept": True})
        elif method == "Page.frameStartedLoading" and params.get("frameId") == self._frame:
            with self._cond:
                self._starts += 1
                self._cond.notify_all()
        elif method == "Page.loadEventFired":
            with self._cond:
                self._loads += 1
                self._cond.notify_all()
        elif method == "Runtime.exceptionThrown":
            d = params.get("exceptionDetails", {})
            text = (d.get("exception") or {}).get("description") or d.get("text")
            self.errors.append({"kind": "exception", "text": text, "url": d.get("url")})
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            self.errors.append({"kind": "console.error", "text": text, "url": None})
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            e = params["entry"]
            if e.get("source") == "network" and (e.get("url") or "").endswith("/favicon.ico"):
                return  # the browser's own request, not the page's
            self.errors.append({"kind": "log:" + e.get("source", "?"), "text": e.get("text"), "url": e.get("url")})
        elif method == "Runtime.bindingCalled" and params.get("name") == "__hmViolation":
            self.errors.append({"kind": "csp", "text": params.get("payload"), "url": None})

    # --- life cycle ---
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.proc.poll() is None:
            try:
                self._send("Browser.close", session=False)
                self.proc.wait(3)
            except Exception:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the renderers and helpers too
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        for _ in range(50):  # until the group is gone, so the profile can be removed
            try:
                os.killpg(self.proc.pid, 0)
                time.sleep(0.05)
            except (ProcessLookupError, PermissionError):
                break
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        self._log.close()
        shutil.rmtree(self._profile, ignore_errors=True)

    # --- navigation ---
    def _wait_load(self, loads_before, timeout, what):
        deadline = time.monotonic() + (timeout or self.timeout)
        with self._cond:
            while self._loads <= loads_before:
                left = deadline - time.monotonic()
                if self._closed or left <= 0:
                    raise BrowserError("%s: page did not finish loading in %.0f s" % (what, timeout or self.timeout))
                self._cond.wait(left)

    def marks(self):
        """(navigations started, loads) so far; pass it to wait_navigation() after an action."""
        with self._cond:
            return self._starts, self._loads

    def wait_navigation(self, marks, timeout=None, what="navigation"):
        """Waits for a page load after `marks` (from marks()), e.g. a script's location.reload()."""
        self._wait_load(marks[1], timeout, what)

    def goto(self, url, timeout=None):
        loads = self.marks()[1]
        result = self._call("Page.navigate", {"url": url, "frameId": self._frame})
        if result.get("errorText"):
            raise BrowserError("goto %s: %s" % (url, result["errorText"]))
        self._wait_load(loads, timeout, "goto " + url)

    def _after_action(self, marks, what, navigate, timeout):
        """navigate=None: waits for a load if a navigation starts within 0.6 s; True: waits for one."""
        if navigate is False:
            return
        deadline = time.monotonic() + 0.6
        with self._cond:
            while navigate is None and self._starts == marks[0] and self._loads == marks[1]:
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self._cond.wait(left)
        self._wait_load(marks[1], timeout, what)

    def url(self):
        return self.eval("location.href")

    def wait_url(self, substring, timeout=None):
        return self._poll(lambda: substring in (self.eval("location.href") or ""), timeout,
                          lambda: "url containing %r (now %s)" % (substring, self.url()))

    # --- the page ---
    def eval(self, js, timeout=None):
        """Evaluates an expression in the page, awaiting a promise; returns its JSON value."""
        result = self._call("Runtime.evaluate", {"expression": js, "awaitPromise": True, "returnByValue": True,
                                                 "userGesture": True}, timeout=timeout)
        if "exceptionDetails" in result:
            d = result["exceptionDetails"]
            raise BrowserError("eval failed: %s (%s)" % ((d.get("exception") or {}).get("description") or d.get("text"), js[:120]))
        return result.get("result", {}).get("value")

    def _poll(self, ready, timeout, describe):
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            try:
                if ready():
                    return True
            except BrowserError as error:  # e.g. the execution context went away mid-navigation
                if "went away" in str(error) or "not a valid selector" in str(error):
                    raise
            if time.monotonic() > deadline:
                raise BrowserError("timed out after %.0f s waiting for %s" % (timeout or self.timeout, describe()))
            time.sleep(0.1)

    def wait_for(self, css, timeout=None):
        """Waits until an element matches `css`."""
        return self._poll(lambda: self.count(css) > 0, timeout, lambda: repr(css))

    def _element(self, css, body):
        """Runs `body` (JS using `el`) on the first match; BrowserError naming the selector if none."""
        value = self.eval("(() => { const el = document.querySelector(%s); if (!el) return {missing: true}; %s })()"
                          % (json.dumps(css), body))
        if isinstance(value, dict) and value.get("missing"):
            raise BrowserError("no element matches %r on %s" % (css, self.url()))
        return value

    def count(self, css):
        return self.eval("document.querySelectorAll(%s).length" % json.dumps(css))

    def text(self, css):
        return self._element(css, "return {t: el.innerText !== undefined ? el.innerText : el.textContent};")["t"]

    def attr(self, css, name):
        return self._element(css, "return {a: el.getAttribute(%s)};" % json.dumps(name))["a"]

    def box(self, css):
        """(left, top, right, bottom) of the element in page pixels, as in screenshot()'s image."""
        b = self._element(css, """const r = el.getBoundingClientRect(); return {b: [r.left + scrollX, r.top + scrollY,
            r.right + scrollX, r.bottom + scrollY].map(Math.round)};""")["b"]
        return tuple(b)

    def click(self, css, navigate=None, timeout=None):
        """Scrolls the element into view and clicks its centre with real mouse events."""
        box = self._element(css, """el.scrollIntoView({block: 'center', inline: 'center'});
            const r = el.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
            const hit = document.elementFromPoint(x, y);
            return {x, y, w: r.width, h: r.height, ok: !!hit && (hit === el || el.contains(hit) || hit.contains(el)),
                    hit: hit ? hit.tagName + (hit.id ? '#' + hit.id : '') : null};""")
        if box["w"] == 0 or box["h"] == 0:
            raise BrowserError("%r is not visible (zero size)" % css)
        if not box["ok"]:
            raise BrowserError("%r is covered by %s at its centre" % (css, box["hit"]))
        marks = self.marks()
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self._call("Input.dispatchMouseEvent", {"type": kind, "x": box["x"], "y": box["y"], "button": "left",
                                                    "buttons": 1 if kind == "mousePressed" else 0, "clickCount": 1})
        self._after_action(marks, "click " + css, navigate, timeout)

    def fill(self, css, text):
        """Focuses the field, replaces its value by typing `text` (Input.insertText), fires input/change."""
        self._element(css, "el.focus(); if (el.select) el.select(); el.value = ''; return {};")
        self._call("Input.insertText", {"text": text})
        self._element(css, """if (el.value !== %s) { el.value = %s; el.dispatchEvent(new Event('input', {bubbles: true})); }
            el.dispatchEvent(new Event('change', {bubbles: true})); return {};""" % (json.dumps(text), json.dumps(text)))

    def select(self, css, value):
        ok = self._element(css, """if (![...el.options].some(o => o.value === %s)) return {ok: false,
            options: [...el.options].map(o => o.value)}; el.value = %s;
            el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true}));
            return {ok: true};""" % (json.dumps(value), json.dumps(value)))
        if not ok["ok"]:
            raise BrowserError("%r has no option %r (options: %s)" % (css, value, ok["options"]))

    def set_files(self, css, paths):
        found = self._call("Runtime.evaluate", {"expression": "document.querySelector(%s)" % json.dumps(css)})
        object_id = found.get("result", {}).get("objectId")
        if not object_id:
            raise BrowserError("no element matches %r on %s" % (css, self.url()))
        self._call("DOM.setFileInputFiles", {"files": [os.path.abspath(p) for p in paths], "objectId": object_id})
        self._element(css, "el.dispatchEvent(new Event('change', {bubbles: true})); return {};")

    def submit(self, form_css, navigate=None, timeout=None):
        """Submits the form as its submit button would (requestSubmit: validation and submit handlers run)."""
        marks = self.marks()
        self._element(form_css, "el.requestSubmit(); return {};")
        self._after_action(marks, "submit " + form_css, navigate, timeout)

    def screenshot(self, path):
        """Saves a PNG of the whole page (beyond the viewport)."""
        size = self._call("Page.getLayoutMetrics")["cssContentSize"]
        shot = self._call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": {
            "x": 0, "y": 0, "width": max(1, size["width"]), "height": max(1, size["height"]), "scale": 1}})
        import base64
        with open(path, "wb") as out:
            out.write(base64.b64decode(shot["data"]))
        return path

    def cookies(self):
        """All cookies of the page's URL: dicts with name, value, httpOnly, secure, sameSite, ..."""
        return self._call("Network.getCookies")["cookies"]

    def console_errors(self, clear=False):
        """Errors collected so far: dicts {kind, text, url}; kind exception, console.error, log:SOURCE or csp."""
        errors = list(self.errors)
        if clear:
            del self.errors[:len(errors)]
        return errors


def image_has_content(png_path, box=None, min_levels=8, max_dominant=0.97):
    """True when the PNG (or its box (left, top, right, bottom)) is not blank: at least `min_levels`
    grey levels and no single level covering more than `max_dominant` of it."""
    from PIL import Image

    with Image.open(png_path) as image:
        grey = (image.crop(box) if box else image).convert("L")
        histogram = grey.histogram()
    total = float(sum(histogram)) or 1.0
    levels = sum(1 for count in histogram if count)
    return levels >= min_levels and max(histogram) / total <= max_dominant
