"""Opens a film share's viewer page (/s/{token}) in headless Chromium and checks what a doctor would see.

usage: share-page-check.py URL [--code CODE] [--expect-text TEXT ...] [--expect-state ready|error|code]
                           [--expect-error CODE] [--min-thumbs N] [--screenshot OUT.png]
                           [--width 390 --height 844] [--chromium PATH]
Chromium runs twice, each with its own throwaway profile (so each run opens the share itself):
once dumping the DOM after the page's script has run, once taking a screenshot. The DOM must show
the expected body[data-state] (and data-error), the texts, loaded series thumbnails and, when
ready, a loaded #main-image; the console no uncaught script error or CSP refusal; the screenshot,
when ready, a large image-like region, which a page whose main image was not drawn does not have
(thumbnails are too small to count).
Exits 0 printing one summary line, 1 with the reason on a failed check, 2 when Chromium is missing.
"""
import argparse
import html.parser
import os
import shutil
import signal
import subprocess
import sys
import tempfile

TIMEOUT = 90


def fail(message, status=1):
    print("FAIL " + message)
    sys.exit(status)


class DOM(html.parser.HTMLParser):
    """The few things the checks read from a dumped DOM."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.body = None
        self.main = None
        self.thumbs = []
        self.text = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body" and self.body is None:
            self.body = a
        if a.get("id") == "main-image":
            self.main = a
        if "series-thumb" in (a.get("class") or "").split():
            self.thumbs.append(a)
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.text.append(data)


def chromium(binary, url, width, height, extra):
    with tempfile.TemporaryDirectory(prefix="share-page-check-") as profile:
        command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                   "--no-default-browser-check", "--disable-extensions", "--disable-dev-shm-usage",
                   "--virtual-time-budget=15000", "--window-size=%d,%d" % (width, height),
                   "--user-data-dir=" + profile] + extra + [url]
        try:
            # Its own process group, so a hung run goes with all the helpers it started.
            run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        except OSError as error:
            fail("cannot run chromium %s: %s" % (binary, error), 2)
        try:
            stdout, stderr = run.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
            run.communicate()
            fail("chromium did not finish within %d s (%s)" % (TIMEOUT, " ".join(extra)))
    stderr = stderr.decode("utf-8", "replace")
    if run.returncode != 0:
        # Chromium's stderr is noise on success; on failure its tail is the reason.
        fail("chromium exited %d: %s" % (run.returncode, " | ".join(stderr.strip().splitlines()[-5:])))
    return stdout.decode("utf-8", "replace"), stderr


def script_errors(stderr):
    """Uncaught exceptions and CSP refusals the page logged to its console (--enable-logging=stderr)."""
    return [line.split("] ", 1)[-1] for line in stderr.splitlines()
            if ":CONSOLE" in line and any(mark in line for mark in ("Uncaught", "Refused to", "Content Security Policy"))]


def image_region(path):
    """Finds the largest image-like area of a screenshot.

    The page is drawn in flat colours and text: a 16 px tile of it has a dominant level (its background)
    or few levels. A tile of a medical image has several levels, none covering 60% of it. The tiles of
    one drawn image touch one another (lines one tile thick, such as edges of boxes, are left out);
    the caller wants the largest such group to span 40% of the screen's shorter side both ways, which
    thumbnails (88 px) and lines of text do not.
    Returns (distinct levels, dominant fraction, (width, height, fill) of the largest group, shorter side).
    """
    from PIL import Image

    grey = Image.open(path).convert("L")
    width, height = grey.size
    histogram = grey.histogram()
    distinct = sum(1 for count in histogram if count)
    dominant = max(histogram) / float(width * height)
    size = 16
    columns, rows = width // size, height // size
    busy = set()
    for row in range(rows):
        for column in range(columns):
            tile = grey.crop((column * size, row * size, column * size + size, row * size + size)).histogram()
            if sum(1 for count in tile if count) >= 4 and max(tile) <= size * size * 0.6:
                busy.add((column, row))
    # Drop lines one tile thick (a box's edge beside another's) so they join nothing: keep the 2x2
    # blocks of busy tiles, grown back to their size.
    cores = {(c, r) for c, r in busy if {(c + 1, r), (c, r + 1), (c + 1, r + 1)} <= busy}
    busy = {(c + dc, r + dr) for c, r in cores for dc in (0, 1) for dr in (0, 1)}
    best = (0, 0, 0.0)
    seen = set()
    for start in busy:
        if start in seen:
            continue
        seen.add(start)
        group, stack = [], [start]
        while stack:
            column, row = stack.pop()
            group.append((column, row))
            for near in ((column + 1, row), (column - 1, row), (column, row + 1), (column, row - 1)):
                if near in busy and near not in seen:
                    seen.add(near)
                    stack.append(near)
        xs = [c for c, _ in group]
        ys = [r for _, r in group]
        span_x, span_y = max(xs) - min(xs) + 1, max(ys) - min(ys) + 1
        fill = len(group) / float(span_x * span_y)
        if min(span_x, span_y) * size > min(best[0], best[1]) and fill >= 0.25:
            best = (span_x * size, span_y * size, fill)
    return distinct, dominant, best, min(width, height)


def main():
    parser = argparse.ArgumentParser(description="Checks a film share's viewer page in headless Chromium.")
    parser.add_argument("url")
    parser.add_argument("--code")
    parser.add_argument("--expect-text", action="append", default=[])
    parser.add_argument("--expect-state", choices=["ready", "error", "code"], default="ready")
    parser.add_argument("--expect-error")
    parser.add_argument("--min-thumbs", type=int, help="loaded series thumbnails (default 1 when ready, else 0)")
    parser.add_argument("--screenshot", help="keep the screenshot here")
    parser.add_argument("--width", type=int, default=390)
    parser.add_argument("--height", type=int, default=844)
    parser.add_argument("--chromium", default="chromium")
    args = parser.parse_args()

    binary = shutil.which(args.chromium)
    if not binary:
        fail("chromium not found (%s); install it or pass --chromium PATH" % args.chromium, 2)
    url = args.url.split("#", 1)[0] + ("#code=" + args.code if args.code else "")
    ready = args.expect_state == "ready"
    min_thumbs = args.min_thumbs if args.min_thumbs is not None else (1 if ready else 0)

    dom = DOM()
    page, stderr = chromium(binary, url, args.width, args.height, ["--dump-dom", "--enable-logging=stderr", "--v=0"])
    dom.feed(page)
    if dom.body is None:
        fail("no <body> in the dumped DOM")
    state, error = dom.body.get("data-state"), dom.body.get("data-error")
    errors = script_errors(stderr)
    if errors:
        fail("the page's console shows %d error(s): %s" % (len(errors), " | ".join(errors[:3])))
    if state != args.expect_state:
        fail("data-state is %r (data-error %r), expected %r" % (state, error, args.expect_state))
    if args.expect_error and error != args.expect_error:
        fail("data-error is %r, expected %r" % (error, args.expect_error))
    text = " ".join(" ".join(dom.text).split())
    for expected in args.expect_text:
        if expected not in text:
            fail("text %r not on the page" % expected)
    loaded = sum(1 for thumb in dom.thumbs if thumb.get("data-loaded") == "1")
    failed = sum(1 for thumb in dom.thumbs if thumb.get("data-failed") == "1")
    if loaded < min_thumbs:
        fail("%d of %d series thumbnails loaded (%d failed), expected at least %d" % (loaded, len(dom.thumbs), failed, min_thumbs))
    summary = "state=%s%s thumbs=%d/%d" % (state, " error=" + error if error else "", loaded, len(dom.thumbs))
    if ready:
        if dom.main is None:
            fail("no #main-image")
        if dom.main.get("data-loaded") != "1":
            fail("#main-image %s not loaded%s" % (dom.main.get("src"), " (failed)" if dom.main.get("data-failed") else ""))

    if ready or args.screenshot:
        with tempfile.TemporaryDirectory(prefix="share-page-shot-") as scratch:
            shot = os.path.abspath(args.screenshot) if args.screenshot else os.path.join(scratch, "shot.png")
            if os.path.exists(shot):
                os.remove(shot)
            chromium(binary, url, args.width, args.height, ["--screenshot=" + shot])
            if not os.path.exists(shot):
                fail("chromium wrote no screenshot")
            if ready:
                distinct, dominant, (span_x, span_y, fill), short = image_region(shot)
                if distinct < 32:
                    fail("screenshot has only %d grey levels: no image drawn" % distinct)
                if dominant > 0.97:
                    fail("screenshot is %.1f%% one grey level: blank" % (dominant * 100))
                if min(span_x, span_y) < 0.4 * short:
                    fail("no image drawn: the largest image-like area is %dx%d px, expected at least %d px each way"
                         % (span_x, span_y, int(0.4 * short)))
                summary += " levels=%d image=%dx%d" % (distinct, span_x, span_y)
        if args.screenshot:
            summary += " screenshot=" + args.screenshot
    print("OK " + summary)


if __name__ == "__main__":
    main()
