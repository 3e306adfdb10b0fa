"""Drives the staff console (/console) in headless Chromium as a cashier and an operator would.

usage: console-browser-check.py --server URL --cashier USER --cashier-password P --operator USER
           --operator-password P --day YYYY-MM-DD --merchant MERCHANT_ID --his-file PATH --shots DIR
           [--session SESSION_ID] [--channel-file PATH] [--width 1280 --height 900] [--chromium PATH]

The day must have payments but no files yet (assets/sim/reconcile-day.sim up to "the cashier's
day" prepares one; --his-file is assets/sim/reconcile-his.csv filled in for it). The channel's bill
is taken with form#fetch-channel; the channel has none for today until the next morning, so for
today pass it as --channel-file (the sandbox's GET /sandbox/wechatpay/bills/DAY), which is then
uploaded through form#upload-channel after the refusal. --session is a clinic session with at least
one booking, to suspend from the console; its notices show on /console/messages only once the
dispatcher has taken them, so the server must run with its dispatcher on.
The steps follow the console's DOM contract: sign-in (a wrong password, the cookie's flags), roles,
the reconciliation overview and day (uploads, the channel bill, the match, refusing to close, a
filter, resolving every difference, closing the day, the CSV), the audit log, signing out, and the
operator's suspension with its notices. No page may log a script error, a console error or a CSP
violation (HTTP error statuses that a step expects aside).
Prints one line per step; exits 1 naming the failing step and its screenshot, 2 without Chromium.
"""
import argparse
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import Browser, BrowserError, image_has_content  # noqa: E402

NOTE = "已核对 checked by browser test"


class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


class Scenario:
    def __init__(self, browser, args):
        self.b, self.args = browser, args
        self.server = args.server.rstrip("/")
        self.day_path = "/console/reconciliation/%s/%s" % (args.day, args.merchant)
        self.number = 0
        self.page_errors = []

    def run(self, name, action, allow_status=()):
        """One step: prints its line; on failure a screenshot and exit 1. Console errors fail it too,
        except "Failed to load resource" for a console document with a status in allow_status."""
        self.number += 1
        try:
            detail = action() or ""
            errors = [e for e in self.b.console_errors(clear=True) if not self.expected(e, allow_status)]
            expect(not errors, "console errors: " + " | ".join("%s %s %s" % (e["kind"], e["text"], e["url"] or "")
                                                               for e in errors[:5]))
        except (CheckFailed, BrowserError) as error:
            shot = os.path.join(self.args.shots, "failed-step-%02d.png" % self.number)
            try:
                self.b.screenshot(shot)
            except BrowserError as shot_error:
                shot = "(no screenshot: %s)" % shot_error
            try:
                where = self.b.url()
            except BrowserError:
                where = "?"
            print("FAIL %2d %s: %s\n     at %s, screenshot %s" % (self.number, name, error, where, shot))
            sys.exit(1)
        print("ok   %2d %s%s" % (self.number, name, " — " + detail if detail else ""))

    def expected(self, error, allow_status):
        found = re.search(r"status of (\d{3})", error["text"] or "")
        return (error["kind"] == "log:network" and found is not None and int(found.group(1)) in allow_status
                and "/console" in (error["url"] or ""))

    # --- helpers ---
    def goto(self, path):
        self.b.goto(self.server + path)
        self.b.wait_for("body[data-page]")

    def page(self):
        return self.b.attr("body", "data-page")

    def status(self):
        return self.b.eval("(performance.getEntriesByType('navigation')[0] || {}).responseStatus")

    def no_error(self):
        if self.b.count(".error"):
            raise CheckFailed("the page shows an error: %s %s" % (self.b.attr(".error", "data-code"), self.b.text(".error")))

    def flash(self):
        return self.b.attr(".flash", "data-code") if self.b.count(".flash") else None

    def login(self, user, password):
        self.goto("/console/login")
        self.b.fill("form#login input[name=username]", user)
        self.b.fill("form#login input[name=password]", password)
        self.b.click("form#login button[type=submit]", navigate=True)
        self.b.wait_for("body[data-page]")

    def screenshot(self, name, box_css=None):
        path = os.path.join(self.args.shots, name)
        self.b.screenshot(path)
        expect(image_has_content(path), "screenshot %s is blank" % path)
        if box_css:
            expect(image_has_content(path, box=self.b.box(box_css)), "%s looks blank in %s" % (box_css, path))
        return path

    def day_action(self, form_css, timeout=60):
        self.b.click(form_css + " button[type=submit]", navigate=True, timeout=timeout)
        self.on_day_page(form_css)

    def on_day_page(self, after):
        """The page loaded after an action must be the day page (or it again with an .error)."""
        try:
            self.b.wait_for("#day-state", timeout=5)
        except BrowserError:
            raise CheckFailed("after %s the browser is on %s (HTTP %s, page %r), not the day page"
                              % (after, self.b.url().replace(self.server, ""), self.status(),
                                 self.b.attr("body", "data-page") if self.b.count("body") else None))

    def rows(self, css="table#differences tr.difference"):
        return self.b.eval("""[...document.querySelectorAll(%s)].map(r => ({id: r.dataset.id, kind: r.dataset.kind,
            state: r.dataset.state, trade: r.dataset.trade, text: r.innerText}))""" % json.dumps(css))

    # --- the steps ---
    def wrong_password(self):
        self.login(self.args.cashier, self.args.cashier_password + "-wrong")
        expect(self.page() == "login", "a wrong password left the login page for %r" % self.page())
        self.b.wait_for(".error[data-code=login_failed]", timeout=5)
        return "login_failed (HTTP %s)" % self.status()

    def cashier_login(self):
        self.login(self.args.cashier, self.args.cashier_password)
        expect(self.page() == "dashboard", "signed in to page %r, not the dashboard" % self.page())
        cookie = [c for c in self.b.cookies() if c["name"] == "hm_console"]
        expect(cookie, "no hm_console cookie after signing in (cookies: %s)" % [c["name"] for c in self.b.cookies()])
        expect(cookie[0]["httpOnly"], "hm_console is not HttpOnly")
        expect(cookie[0].get("sameSite") == "Strict", "hm_console SameSite is %r, not Strict" % cookie[0].get("sameSite"))
        return "hm_console HttpOnly SameSite=Strict secure=%s" % cookie[0]["secure"]

    def cashier_role(self):
        expect(self.b.attr("body", "data-role") == "cashier", "body data-role is %r" % self.b.attr("body", "data-role"))
        expect(self.b.count("#nav a[data-nav=reconciliation]") == 1, "nav has no reconciliation link")
        expect(self.b.count("#nav a[data-nav=schedules]") == 0, "a cashier's nav links to schedules")
        nav = self.b.eval("[...document.querySelectorAll('#nav a[data-nav]')].map(a => a.dataset.nav).join(',')")
        self.goto("/console/schedules")
        expect(self.b.count(".error[data-code=role_forbidden]") == 1, "GET /console/schedules as a cashier shows no role_forbidden error")
        expect(self.status() == 403, "GET /console/schedules as a cashier answered %s, not 403" % self.status())
        return "nav " + nav + "; schedules → 403 role_forbidden"

    def overview(self):
        self.goto("/console/reconciliation")
        expect(self.page() == "reconciliation", "page %r" % self.page())
        for css in ("svg#chart-amounts", "svg#chart-counts", "#today-totals", "#refunds", "form#pick-day"):
            expect(self.b.count(css) == 1, "no %s on the overview" % css)
        self.screenshot("reconciliation.png", "svg#chart-amounts")
        link = "tr.day-row[data-day='%s'][data-merchant='%s'] a.open-day" % (self.args.day, self.args.merchant)
        if self.b.count(link):
            self.b.click(link, navigate=True)
            how = "its row's link"
        else:
            self.b.fill("form#pick-day input[name=day]", self.args.day)
            self.b.select("form#pick-day select[name=merchant]", self.args.merchant)
            self.b.click("form#pick-day button[type=submit]", navigate=True)
            how = "form#pick-day"
        self.b.wait_for("#day-state")
        expect(self.page() == "reconciliation-day", "opened page %r" % self.page())
        expect(self.day_path in self.b.url(), "opened %s, not %s" % (self.b.url(), self.day_path))
        return "charts drawn; day opened through " + how

    def upload(self, side, path):
        """Sends a file through form#upload-SIDE (the page's XHR with a progress bar), waits for the reload."""
        form = "form#upload-" + side
        expect(self.b.count("progress#upload-%s-progress" % side) == 1, "no progress#upload-%s-progress" % side)
        self.b.set_files(form + " input[type=file][name=file]", [path])
        marks = self.b.marks()
        self.b.click(form + " button[type=submit]", navigate=False)
        try:
            self.b.wait_navigation(marks, timeout=30, what="the page after the %s upload" % side)
        except BrowserError:
            status = self.b.eval("(e => e ? e.innerText + ' ' + (e.dataset.code || '') : '')(document.querySelector(%s))"
                                 % json.dumps(form + " .upload-status"))
            raise CheckFailed("the page did not reload after the %s upload; status: %r" % (side, status))
        self.on_day_page("the %s upload" % side)
        self.no_error()
        return "%s uploaded (flash %s)" % (side, self.flash())

    def files_and_run(self):
        state = self.b.attr("#day-state", "data-state")
        done = [self.upload("his", self.args.his_file)]
        self.day_action("form#fetch-channel")
        refused = self.b.attr(".error", "data-code") if self.b.count(".error") else None
        if refused == "wechatpay_statement_creating" and self.args.channel_file:
            # The channel's bill for a day is ready only the next morning: today's comes as a file.
            done.append("fetch-channel refused (%s, HTTP %s)" % (refused, self.status()))
            done.append(self.upload("channel", self.args.channel_file))
        else:
            self.no_error()
            done.append("channel bill fetched (flash %s)" % self.flash())
        self.day_action("form#run")
        self.no_error()
        for css in ("#totals", "#by-kind"):
            expect(self.b.count(css) == 1, "no %s after the run" % css)
        open_rows = self.b.count("table#differences tr.difference[data-state=open]")
        expect(open_rows > 0, "no open difference after the run")
        self.screenshot("day-differences.png", "table#differences")
        kinds = sorted(r["kind"] for r in self.rows())
        return "%s; state %s → %s; %d open: %s" % ("; ".join(done), state, self.b.attr("#day-state", "data-state"),
                                                  open_rows, ", ".join(kinds))

    def close_refused(self):
        asked = len(self.b.dialogs)
        self.day_action("form#close")
        self.b.wait_for(".error[data-code=differences_open]", timeout=5)
        expect(self.b.attr("#day-state", "data-state") != "closed", "the day closed with open differences")
        return "differences_open (HTTP %s)%s" % (self.status(), ", after a confirm()" if len(self.b.dialogs) > asked else "")

    def filters(self):
        everything = self.rows()
        kinds = sorted({r["kind"] for r in everything})
        kind = kinds[0]
        self.b.select("form#filters select[name=kind]", kind)
        self.b.click("form#filters button[type=submit]", navigate=True)
        self.on_day_page("filtering")
        shown = self.rows()
        expect(shown, "filtering by kind %s shows no row" % kind)
        expect(all(r["kind"] == kind for r in shown), "kind filter %s shows %s" % (kind, sorted({r["kind"] for r in shown})))
        expect(len(shown) == sum(1 for r in everything if r["kind"] == kind), "kind filter %s shows %d rows, expected %d"
               % (kind, len(shown), sum(1 for r in everything if r["kind"] == kind)))
        expect("kind=" + kind in self.b.url(), "the filter is not in the URL %s" % self.b.url())
        self.b.select("form#filters select[name=kind]", "")
        self.b.select("form#filters select[name=state]", "all")
        self.b.click("form#filters button[type=submit]", navigate=True)
        self.on_day_page("filtering")
        expect(len(self.rows()) == len(everything), "after resetting the filter %d rows, before %d" % (len(self.rows()), len(everything)))
        return "kind %s: %d of %d rows; reset: %d" % (kind, len(shown), len(everything), len(everything))

    def resolve_all(self):
        done = []
        for _ in range(100):
            waiting = [r for r in self.rows("table#differences tr.difference[data-state=open]")]
            if not waiting:
                break
            row = "table#differences tr.difference[data-id='%s']" % waiting[0]["id"]
            expect(self.b.count(row + " form.resolve") == 1, "open difference %s has no form.resolve" % waiting[0]["id"])
            action = self.b.eval("""(s => ({value: s.value, proposed: ([...s.options].find(o => o.defaultSelected) || {}).value}))
                (document.querySelector(%s))""" % json.dumps(row + " form.resolve select[name=action]"))
            expect(action["proposed"] and action["value"] == action["proposed"],
                   "difference %s: the action is not preselected with the proposal (%s)" % (waiting[0]["id"], action))
            self.b.fill(row + " form.resolve input[name=note]", NOTE)
            self.b.click(row + " form.resolve button[type=submit]", navigate=True)
            self.on_day_page("resolving %s" % waiting[0]["id"])
            self.no_error()
            expect(self.flash() == "resolved", "resolving %s: flash %r" % (waiting[0]["id"], self.flash()))
            after = [r for r in self.rows() if r["id"] == waiting[0]["id"]]
            expect(after and after[0]["state"] == "resolved", "difference %s is %s after resolving"
                   % (waiting[0]["id"], after[0]["state"] if after else "gone from the table"))
            expect(NOTE in after[0]["text"], "difference %s does not show the note" % waiting[0]["id"])
            done.append("%s→%s" % (waiting[0]["kind"], action["value"]))
        expect(self.b.count("table#differences tr.difference[data-state=open]") == 0, "open differences remain")
        self.resolved = len(done)
        self.screenshot("day-resolved.png", "table#differences")
        return "%d resolved: %s" % (len(done), ", ".join(done))

    def close_day(self):
        asked = len(self.b.dialogs)
        self.day_action("form#close")
        self.no_error()
        self.b.wait_for("#day-state[data-state=closed]", timeout=5)
        expect(len(self.b.dialogs) > asked, "closing the day asked for no confirmation")
        expect(self.b.count("form#close") == 0 and self.b.count("form.resolve") == 0, "a closed day still offers close or resolve forms")
        csv = self.b.eval("""fetch(document.querySelector('a#export-csv').href)
            .then(async r => ({status: r.status, type: r.headers.get('content-type'), text: await r.text()}))""")
        expect(csv["status"] == 200, "the CSV link answered %s" % csv["status"])
        lines = [line for line in csv["text"].splitlines() if line.strip()]
        expect(len(lines) >= self.resolved + 1, "the CSV has %d lines for %d differences" % (len(lines), self.resolved))
        return "closed (%s), CSV 200 %s, %d lines" % (self.b.text("#day-state").strip(), csv["type"], len(lines))

    def audit(self):
        self.goto("/console/audit")
        expect(self.page() == "audit", "page %r" % self.page())
        entries = self.b.eval("[...document.querySelectorAll('table#audit tr.audit-entry')].map(r => [...r.cells].map(c => c.innerText.trim()))")
        mine = [e for e in entries if len(e) >= 5 and e[1] == self.args.cashier]
        resolutions = [e for e in mine if "resolve" in e[2] and NOTE in e[4]]
        expect(len(resolutions) == self.resolved, "%d audit entries of %s resolving with the note, expected %d (of %d entries)"
               % (len(resolutions), self.args.cashier, self.resolved, len(entries)))
        return "%d entries, %d by %s, %d resolutions (%s)" % (len(entries), len(mine), self.args.cashier, len(resolutions),
                                                               ", ".join(sorted({e[2] for e in mine})))

    def logout(self):
        self.b.click("form#logout button[type=submit]", navigate=True)
        self.b.wait_for("body[data-page=login]")
        expect(not [c for c in self.b.cookies() if c["name"] == "hm_console" and c["value"]], "hm_console survives signing out")
        signed_out = self.flash()
        self.b.goto(self.server + "/console/reconciliation")
        self.b.wait_url("/console/login")
        self.b.wait_for("body[data-page=login]")
        return "flash %s; /console/reconciliation → %s" % (signed_out, self.b.url().replace(self.server, ""))

    def suspend(self):
        self.login(self.args.operator, self.args.operator_password)
        expect(self.page() == "dashboard", "the operator signed in to %r" % self.page())
        expect(self.b.count("#nav a[data-nav=schedules]") == 1 and self.b.count("#nav a[data-nav=reconciliation]") == 0,
               "the operator's nav is wrong")
        self.goto("/console/sessions/%s/suspend" % self.args.session)
        expect(self.page() == "suspend-confirm", "page %r" % self.page())
        affected = self.b.text("#affected").strip()
        expect(re.fullmatch(r"\d+", affected) and int(affected) >= 1, "#affected is %r" % affected)
        self.b.fill("form#confirm-suspend textarea[name=reason]", "医生临时外出 browser test")
        self.b.click("form#confirm-suspend button[type=submit]", navigate=True)
        self.b.wait_for("body[data-page]")
        self.no_error()
        expect(self.flash() == "session_suspended", "flash %r after suspending" % self.flash())
        row = "tr.session[data-id='%s']" % self.args.session
        row_state = self.b.attr(row, "data-state") if self.b.count(row) else "(not listed)"
        # The notices are queued: they show once the dispatcher has taken them (it must be running).
        for _ in range(20):
            self.goto("/console/messages")
            expect(self.page() == "messages", "page %r" % self.page())
            notices = self.b.eval("""[...document.querySelectorAll('table#messages tr.message')]
                .filter(r => (r.dataset.event || '').includes('suspend')).map(r => r.dataset.state)""")
            if notices:
                break
            time.sleep(0.5)
        expect(len(notices) >= 1, "no tr.message with a suspension event on /console/messages within 10 s (is the dispatcher on?)")
        self.screenshot("messages.png", "table#messages")
        return "#affected %s; session row %s; %d suspension notices (%s)" % (affected, row_state, len(notices), ", ".join(notices))


def main():
    parser = argparse.ArgumentParser(description="Drives the staff console in headless Chromium.")
    for name in ("server", "cashier", "cashier-password", "operator", "operator-password", "day", "merchant", "his-file", "shots"):
        parser.add_argument("--" + name, required=True)
    parser.add_argument("--session")
    parser.add_argument("--channel-file", help="the channel's bill, uploaded when the channel has none ready to fetch")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--chromium")
    args = parser.parse_args()
    os.makedirs(args.shots, exist_ok=True)
    try:
        browser = Browser(args.width, args.height, chromium=args.chromium)
    except BrowserError as error:
        print("FAIL cannot start chromium: %s" % error)
        sys.exit(2)
    with browser:
        s = Scenario(browser, args)
        s.run("login: a wrong password", s.wrong_password, allow_status={401, 403})
        s.run("login: the cashier, cookie flags", s.cashier_login)
        s.run("cashier: nav and role", s.cashier_role, allow_status={403})
        s.run("reconciliation overview", s.overview)
        s.run("day: HIS upload, channel bill, run", s.files_and_run, allow_status={503})
        s.run("day: closing refused while differences are open", s.close_refused, allow_status={409})
        s.run("day: filter by kind", s.filters)
        s.run("day: resolve every difference", s.resolve_all)
        s.run("day: close, CSV", s.close_day)
        s.run("audit log", s.audit)
        s.run("sign out", s.logout)
        if args.session:
            s.run("operator: suspend a session, notices", s.suspend)
        print("ok   all %d steps, no console errors; screenshots in %s" % (s.number, args.shots))


if __name__ == "__main__":
    main()
