"""Pages as people see them, in a real browser (headless Chromium).

Starts the platform with the demo data, signs in through the login form as
each kind of user, and opens the pages each of them uses at a phone's width
(320 px, WCAG 1.4.10) and a desktop's, in English and Ukrainian. On every
page: it answered, nothing scrolls sideways, there is one main heading, the
page says its language, and the browser logged no error.

    python tests/browser/pages.py path/to/solidarnist [chromium]
"""

import re
import subprocess
import sys
import tempfile
import time
import urllib.request

from playwright.sync_api import sync_playwright

PORT = 18941
BASE = f"http://127.0.0.1:{PORT}"
WIDTHS = (320, 1280)

# The pages each visitor opens, by who they are. `{...}` are filled from
# the demo data by following links on the pages themselves.
PAGES = {
    "visitor": [
        "/", "/login", "/reset", "/appeals", "/statements", "/needs", "/affiliate",
        "/affiliates", "/request-a-speaker", "/take-part/national", "/take-part/motion",
        "/take-part/network", "/nope-not-a-page", "/s/nope-not-a-link",
    ],
    "coordinator": [
        "/", "/branches", "/unions", "/people", "/speakers", "/speaker-requests",
        "/events", "/twinnings", "/twinnings/board", "/appeals", "/affiliations",
        "/links", "/statements", "/account", "/admin/outbox",
    ],
    "officer": ["/", "/branches", "/people", "/speaker-requests", "/twinnings", "/account"],
    "speaker": ["/", "/speakers/me", "/speaker-requests", "/events", "/account"],
    "admin": ["/admin/accounts", "/admin/audit"],
}


def wait_until_up(process):
    for _ in range(200):
        if process.poll() is not None:
            sys.exit(f"the server stopped: {process.stderr.read()}")
        try:
            urllib.request.urlopen(BASE + "/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    sys.exit("the server did not start")


def logins(stdout_text):
    found = {}
    for line in stdout_text.splitlines():
        m = re.match(r"\s+(admin|coordinator|branch_officer|speaker)\s+(\S+@\S+)\s+(\S+)", line)
        if m and m.group(1) not in found:
            found[m.group(1)] = (m.group(2), m.group(3))
    return found


def check_page(page, path, who, width, problems):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    response = page.goto(BASE + path)
    status = response.status if response else 0
    expected_missing = "/nope" in path
    if (status >= 400) != expected_missing:
        problems.append(f"{who} {path} @{width}: answered {status}")
        return
    where = f"{who} {path} @{width}px"
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll > inner:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                 .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                 .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""
        )
        problems.append(f"{where}: scrolls sideways ({scroll} > {inner}; {', '.join(wide)})")
    if page.locator("h1").count() != 1:
        problems.append(f"{where}: {page.locator('h1').count()} main headings")
    title = page.title()
    if not title or "<" in title or len(title) > 120:
        problems.append(f"{where}: the page's title is not a title ({title[:60]!r})")
    lang = page.evaluate("document.documentElement.lang")
    if lang not in ("en", "uk"):
        problems.append(f"{where}: the page does not say its language ({lang!r})")
    for e in errors:
        if expected_missing and "404" in e:
            continue  # the page itself is the 404 it should be
        problems.append(f"{where}: browser error: {e}")


# Record pages, found by following the first link of each kind on a list
# page the user sees: (list page, link pattern).
RECORDS = {
    "visitor": [("/appeals", r"^/appeals/\d+$"), ("/statements", r"^/statements/[a-z0-9-]+$"),
                ("/needs", r"^/needs/\d+$")],
    "coordinator": [("/speaker-requests", r"^/speaker-requests/\d+$"), ("/links", r"^/links/\d+$"),
                    ("/twinnings", r"^/twinnings/\d+$"), ("/branches", r"^/branches/\d+$"),
                    ("/people", r"^/people/\d+$"), ("/speakers", r"^/speakers/\d+$"),
                    ("/appeals", r"^/appeals/\d+$"), ("/unions", r"^/unions/\d+$")],
    "officer": [("/speaker-requests", r"^/speaker-requests/\d+$"), ("/twinnings", r"^/twinnings/\d+$")],
    "speaker": [("/speaker-requests", r"^/speaker-requests/\d+$")],
    "admin": [],
}


def record_pages(context, who):
    page = context.new_page()
    found = []
    for listing, pattern in RECORDS[who]:
        page.goto(BASE + listing)
        hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
        match = next((h for h in hrefs if re.match(pattern, h.split("?")[0])), None)
        if match is None:
            sys.exit(f"{who}: no link like {pattern} on {listing}: the demo data should have one")
        found.append(match.split("?")[0])
    page.close()
    return found


def sign_in(context, email, password):
    page = context.new_page()
    page.goto(BASE + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form[action=\"/login\"] button[type=submit]")
    page.wait_for_load_state()
    if "/login" in page.url:
        alert = page.locator("[role=alert]").all_inner_texts()
        sys.exit(f"could not sign in as {email}: {page.url} {alert}")
    page.close()


def main():
    binary = sys.argv[1]
    chromium = sys.argv[2] if len(sys.argv) > 2 else "/usr/bin/chromium"
    work = tempfile.mkdtemp()
    server = subprocess.Popen(
        [binary, "serve", "--demo", "--addr", f"127.0.0.1:{PORT}",
         "--database-url", f"sqlite://{work}/browser.db", "--mail-dir", f"{work}/mail"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    problems = []
    checked = 0
    try:
        wait_until_up(server)
        # The demo logins are printed before the server says it listens.
        text = ""
        while "listening" not in text:
            line = server.stdout.readline()
            if not line:
                break
            text += line
        accounts = logins(text)
        roles = {"coordinator": "coordinator", "officer": "branch_officer",
                 "speaker": "speaker", "admin": "admin"}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            for who, paths in PAGES.items():
                for lang in ("en", "uk"):
                    for width in WIDTHS:
                        context = browser.new_context(viewport={"width": width, "height": 900},
                                                      java_script_enabled=False)
                        if who != "visitor":
                            sign_in(context, *accounts[roles[who]])
                        page = context.new_page()
                        for path in paths + record_pages(context, who):
                            sep = "&" if "?" in path else "?"
                            check_page(page, f"{path}{sep}lang={lang}", who, width, problems)
                            checked += 1
                        context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    if problems:
        print(f"{len(problems)} problems in {checked} page views:")
        for p in problems:
            print("  " + p)
        sys.exit(1)
    print(f"browser checks passed: {checked} page views")


if __name__ == "__main__":
    main()
