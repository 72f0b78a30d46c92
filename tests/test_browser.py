"""The demo site and the widget in a real Chromium (Debian's /usr/bin/chromium), driven by Playwright.

The app runs in-process on a free 127.0.0.1 port with its own index folder. Screenshots of each
scenario are saved in tests/artifacts/screenshots/ for people to look at.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from qa_bot.config import PROJECT_ROOT, Config
from qa_bot.webapp import create_app

from conftest import CORPUS

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Read at import: the autouse fixture in conftest clears QA_BOT_* variables before each test.
REQUIRE_BROWSER = os.environ.get("CI") == "true" or os.environ.get("QA_BOT_REQUIRE_BROWSER") == "1"
SHOTS = PROJECT_ROOT / "tests" / "artifacts" / "screenshots"
ARTICLE = "/articles/botox-chronic-pain"
XSS = "<img src=x onerror=alert(1)>"


class Server:
    """A WSGI app on 127.0.0.1 in a background thread; can be stopped and started again on its port."""

    def __init__(self, app, port: int = 0, threaded: bool = True):
        self.app, self.threaded = app, threaded
        self.start(port)

    def start(self, port: int | None = None):
        self.httpd = make_server("127.0.0.1", self.port if port is None else port, self.app, threaded=self.threaded)
        self.port = self.httpd.server_port
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


HOSTILE_CSS = ("* { font-family: 'Comic Sans MS', cursive !important; color: red !important; "
               "font-size: 30px !important; line-height: 3 !important; } "
               "button { background: hotpink !important; } div { display: block; padding: 40px; }")
# A long page whose last line is a link in the bottom right corner, where the launcher sits.
LONG_BODY = ("<h1>Partner clinic</h1>" + "<p>Opening hours, parking and directions.</p>" * 40 +
             '<p class="end"><a id="last" href="#top">Back to the top</a></p>')
PLAIN_CSS = ("body { margin: 0; font: 16px/1.5 sans-serif; } main { padding: 0 16px; } .end { text-align: right; } "
             ".bar { position: fixed; left: 0; right: 0; bottom: 0; height: 80px; background: #333; color: #fff; } "
             ".cssvar qa-bot-widget { --qa-bot-offset-bottom: 96px; }")
BAR = '<div class="bar">We use no cookies.</div>'
# The partner's pages: path -> (stylesheet, <body> class, body, extra attributes of the widget's tag).
PARTNER_PAGES = {
    "/": ("/host.css", "", "<h1>Partner clinic</h1><p>Our own page.</p>", 'data-phone="000"'),
    "/long": ("/plain.css", "", LONG_BODY, ""),
    "/bar": ("/plain.css", "", LONG_BODY + BAR, 'data-offset="96px"'),
    "/cssvar": ("/plain.css", "cssvar", LONG_BODY + BAR, ""),
    "/short-limit": ("/plain.css", "", "<h1>Partner clinic</h1>", 'data-max-chars="200"'),
}


def host_page_app(api: str):
    """A third-party site that embeds the widget with one tag, a strict CSP and (on /) hostile CSS."""
    csp = (f"default-src 'self'; script-src 'self' {api}; style-src 'self' {api}; connect-src {api}; "
           "frame-ancestors 'none'")

    def wsgi(environ, start_response):
        path = environ["PATH_INFO"]
        if path in ("/host.css", "/plain.css"):
            body, kind = HOSTILE_CSS if path == "/host.css" else PLAIN_CSS, "text/css"
        elif path in PARTNER_PAGES:
            sheet, cls, content, attrs = PARTNER_PAGES[path]
            body = (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
                    f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>Partner site</title>'
                    f'<link rel="stylesheet" href="{sheet}"></head><body class="{cls}"><main id="top">{content}</main>'
                    f'<script src="{api}/widget.js" data-api="{api}" {attrs} defer></script></body></html>')
            kind = "text/html; charset=utf-8"
        else:  # /favicon.ico: nothing (a 404 would be logged as a console error)
            start_response("204 No Content", [])
            return []
        start_response("200 OK", [("Content-Type", kind), ("Content-Security-Policy", csp)])
        return [body.encode()]

    return wsgi


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("index")


@pytest.fixture(scope="module")
def site(index_dir):
    """The app, plus a partner site on another origin that the app's CORS config allows."""
    partner = Server(lambda environ, start_response: [])  # reserve the partner's port first
    app = create_app(Config(corpus=CORPUS, index_dir=index_dir, cors_origins=(partner.url,), rate_limit=""))
    server = Server(app)
    partner.app = host_page_app(server.url)
    partner.stop()
    partner.start()
    server.partner = partner
    yield server
    server.stop()
    partner.stop()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)"
        if REQUIRE_BROWSER:
            pytest.fail(message + " (browser tests are required: CI=true or QA_BOT_REQUIRE_BROWSER=1)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    pw.stop()


@pytest.fixture
def make_page(browser, request):
    """New pages that record console errors and CSP violations; a test fails on any it did not expect."""
    contexts, pages = [], []

    def make(expect_console_errors: bool = False, **context_options):
        context = browser.new_context(**{"viewport": {"width": 1280, "height": 800}, **context_options})
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.errors, page.console_errors, page.dialogs = [], [], []
        page.expect_console_errors = expect_console_errors
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        contexts.append(context)
        pages.append(page)
        return page

    yield make
    for page in pages:
        csp = [e for e in page.console_errors if "Content Security Policy" in e]
        assert not csp, f"CSP violations: {csp}"
        assert not page.errors, f"script errors: {page.errors}"
        if not page.expect_console_errors:
            assert not page.console_errors, page.console_errors
    for context in contexts:
        context.close()


@pytest.fixture
def page(make_page):
    return make_page()


def shot(page, name: str, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def open_widget(page):
    from playwright.sync_api import expect

    page.get_by_role("button", name="Ask a question").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.locator(".chip").first).to_be_visible()  # suggested questions loaded from /api/topics


def ask(page, question: str):
    box = page.get_by_role("textbox", name="Your question")
    box.fill(question)
    box.press("Enter")


def deep_focus(page) -> str:
    """What has focus, looking inside the widget's shadow root: 'tag.class#id'."""
    return page.evaluate("""() => {
        let el = document.activeElement;
        while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
        return el ? `${el.tagName.toLowerCase()}.${el.className}#${el.id}` : "";
    }""")


# --- scenarios ---------------------------------------------------------------------------------------

def test_ask_on_an_article_page_and_follow_the_citation(site, page):
    from playwright.sync_api import expect

    page.goto(site.url + ARTICLE)
    expect(page.locator("h1")).to_contain_text("Battling Chronic Pain with Botox")
    open_widget(page)
    expect(page.get_by_text("Hello! Ask me about our clinic's health articles.")).to_be_visible()
    shot(page, "01-widget-open")
    ask(page, "How does Botox work?")
    expect(page.locator(".msg.user")).to_have_text("How does Botox work?")
    answer = page.locator(".msg.answer")
    expect(answer.locator(".text")).to_contain_text("inhibiting the release of acetylcholine")
    expect(answer.locator(".disclaimer")).to_contain_text("not medical advice")
    cite = answer.get_by_role("link", name="How Does Botox Work?")
    expect(cite).to_have_attribute("href", f"{site.url}{ARTICLE}#how-does-botox-work")
    expect(page.get_by_role("status")).to_contain_text("acetylcholine")  # the live region announces it
    shot(page, "02-answer-with-citation")

    cite.click()
    expect(page).to_have_url(f"{site.url}{ARTICLE}#how-does-botox-work")
    expect(page.locator("h2#how-does-botox-work")).to_be_in_viewport()
    shot(page, "03-citation-opens-section")


def test_urgent_question_is_styled_distinctly_with_a_call_link(site, page):
    from playwright.sync_api import expect

    page.goto(site.url + ARTICLE)
    open_widget(page)
    ask(page, "my chest hurts and I'm short of breath")
    urgent = page.locator(".msg.urgent")
    expect(urgent).to_contain_text("This may be urgent")
    expect(urgent.get_by_role("link", name="Call 911")).to_have_attribute("href", "tel:911")
    assert urgent.evaluate("e => getComputedStyle(e).borderLeftColor") == "rgb(180, 35, 24)"
    assert page.locator(".msg.answer:not(.urgent)").count() == 0
    expect(page.get_by_role("alert")).to_contain_text("Urgent.")  # announced assertively
    shot(page, "04-urgent")


def test_keyboard_only(site, page):
    from playwright.sync_api import expect

    page.goto(site.url + ARTICLE)
    for _ in range(40):  # Tab through the page until the launcher has focus
        page.keyboard.press("Tab")
        if deep_focus(page).startswith("button.launcher"):
            break
    assert deep_focus(page).startswith("button.launcher")
    launcher = page.locator(".launcher")
    assert launcher.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"  # a visible focus ring
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()
    assert deep_focus(page) == "textarea.#qa-input"
    page.keyboard.type("Can Botox help with migraines?")
    page.keyboard.press("Enter")
    expect(page.locator(".msg.answer .cite").first).to_be_visible()
    assert deep_focus(page) == "textarea.#qa-input"  # ready for the next question
    stops = []  # from the box back through the answer's buttons (feedback, suggestions) to its citation
    while not (stops and stops[-1].startswith("a.cite")) and len(stops) < 8:
        page.keyboard.press("Shift+Tab")
        stops.append(deep_focus(page))
    assert stops[-1].startswith("a.cite") and all(s.startswith(("button.vote", "button.chip")) for s in stops[:-1]), stops
    shot(page, "05-keyboard-focus-on-citation")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    assert deep_focus(page).startswith("button.launcher")
    expect(launcher).to_have_attribute("aria-expanded", "false")


def test_html_in_a_question_is_shown_as_text_and_never_runs(site, page):
    from playwright.sync_api import expect

    page.goto(site.url + ARTICLE)
    open_widget(page)
    ask(page, XSS)
    expect(page.locator(".msg.user")).to_have_text(XSS)
    expect(page.locator(".msg.answer")).to_be_visible()  # the reply came back, so everything rendered
    assert page.evaluate("() => document.querySelector('qa-bot-widget').shadowRoot.querySelectorAll('img').length") == 0
    assert page.evaluate("() => document.querySelectorAll('img').length") == 0
    assert page.dialogs == []
    shot(page, "06-html-as-text")


def test_no_serious_accessibility_violations_with_the_widget_open(site, page):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    page.goto(site.url + ARTICLE)
    open_widget(page)
    ask(page, "How does Botox work?")
    expect(page.locator(".msg.answer")).to_be_visible()
    ask(page, "my chest hurts and I'm short of breath")
    expect(page.locator(".msg.urgent")).to_be_visible()
    assert page.console_errors == []
    violations = Axe().run(page).response["violations"]
    # axe-core itself applies inline styles while it measures; the page's CSP rightly refuses them.
    # That is the test tool, not the widget (checked clean just above), so those reports are dropped.
    page.console_errors.clear()
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in violations
               if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_phone_sized_viewport_uses_the_whole_screen(site, make_page):
    from playwright.sync_api import expect

    page = make_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page.goto(site.url + ARTICLE)
    open_widget(page)
    dialog = page.get_by_role("dialog")
    dialog.evaluate("e => Promise.all(e.getAnimations().map(a => a.finished))")  # the panel has risen
    box = dialog.bounding_box()
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 360, 740)
    ask(page, "what helps lower back pain")
    expect(page.locator(".msg.answer .cite").first).to_be_visible()
    expect(page.get_by_role("textbox", name="Your question")).to_be_in_viewport()
    assert page.locator(".messages").evaluate("e => e.scrollWidth <= e.clientWidth")  # nothing runs off the side
    shot(page, "07-phone-360")


def test_200_percent_zoom_and_reduced_motion(site, make_page):
    from playwright.sync_api import expect

    # A 1280x800 window at 200% zoom lays out like a 640x400 one.
    page = make_page(viewport={"width": 640, "height": 400}, reduced_motion="reduce")
    page.goto(site.url + ARTICLE)
    open_widget(page)
    ask(page, "How does Botox work?")
    expect(page.locator(".msg.answer .cite").first).to_be_visible()
    expect(page.get_by_role("textbox", name="Your question")).to_be_in_viewport()
    expect(page.get_by_role("button", name="Close the chat")).to_be_in_viewport()
    assert page.get_by_role("dialog").evaluate("e => getComputedStyle(e).animationName") == "none"
    shot(page, "08-zoom-200")


def test_server_down_shows_an_error_and_retry_works_when_it_is_back(index_dir, make_page):
    from playwright.sync_api import expect

    # Not threaded: HTTP/1.0, one connection per request, so nothing outlives the shutdown.
    server = Server(create_app(Config(corpus=CORPUS, index_dir=index_dir, rate_limit="")), threaded=False)
    page = make_page(expect_console_errors=True)  # Chromium logs the refused connection
    try:
        page.goto(server.url + ARTICLE)
        open_widget(page)
        server.stop()
        ask(page, "How does Botox work?")
        error = page.locator(".msg.error")
        expect(error).to_contain_text("couldn't reach the assistant")
        shot(page, "09-server-down")
        server.start()
        error.get_by_role("button", name="Try again").click()
        expect(page.locator(".msg.answer .text")).to_contain_text("acetylcholine")
        expect(page.locator(".msg.error")).to_have_count(0)
        assert all("ERR_CONNECTION_REFUSED" in e for e in page.console_errors), page.console_errors
        shot(page, "10-server-back")
    finally:
        server.stop()


# Records every CSP violation the page reports (the event is composed: it reaches the document from
# inside the widget's shadow root too), before any of the page's own scripts run.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", e => window.__cspViolations.push(
    `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`));
"""


def test_widget_on_a_third_party_page_with_strict_csp_and_hostile_css(site, page):
    from playwright.sync_api import expect

    page.add_init_script(WATCH_CSP)
    page.goto(site.partner.url + "/")
    launcher = page.get_by_role("button", name="Ask a question")
    expect(launcher).to_be_visible()
    style = launcher.evaluate("e => { const s = getComputedStyle(e); return [s.backgroundColor, s.fontSize, s.fontFamily]; }")
    assert style[0] == "rgb(11, 110, 110)" and style[1] == "16px" and "Comic" not in style[2]
    open_widget(page)
    ask(page, "my chest hurts and I'm short of breath")
    expect(page.locator(".msg.urgent").get_by_role("link", name="Call 000")).to_have_attribute("href", "tel:000")
    ask(page, "How does Botox work?")
    # The contract's relative URL now points at the clinic's server, not the partner's.
    expect(page.locator(".msg.answer:not(.urgent) .cite").first).to_have_attribute(
        "href", f"{site.url}{ARTICLE}#how-does-botox-work")
    expect(page.locator(".msg.answer:not(.urgent) .text")).to_contain_text("acetylcholine")
    shot(page, "11-third-party-page")
    # The widget's script, stylesheet and API calls all fit the partner's strict policy.
    assert page.evaluate("() => window.__cspViolations") == []
    with urllib.request.urlopen(site.partner.url + "/") as response:  # the policy under test is the strict one
        csp = response.headers["Content-Security-Policy"]
    assert f"script-src 'self' {site.url};" in csp and f"connect-src {site.url};" in csp and "unsafe" not in csp
    # The watcher itself works: an inline style, which the policy forbids, is reported.
    page.evaluate("() => document.head.appendChild(Object.assign(document.createElement('style'), {textContent: 'p {}'}))")
    page.wait_for_function("() => window.__cspViolations.length > 0")  # the event is queued, not immediate
    violations = page.evaluate("() => window.__cspViolations")
    assert len(violations) == 1 and violations[0].startswith("style-src-elem blocked inline")
    # That deliberate violation is the only CSP report Chromium logged; drop it for the fixture's check.
    page.console_errors[:] = [e for e in page.console_errors if "Content Security Policy" not in e or "inline style" not in e]


def test_an_unconfigured_origin_is_refused_by_cors(site, make_page):
    from playwright.sync_api import expect

    page = make_page(expect_console_errors=True)  # Chromium logs the CORS refusal
    page.goto(site.partner.url.replace("127.0.0.1", "localhost") + "/")  # same page, other origin
    page.get_by_role("button", name="Ask a question").click()
    ask(page, "How does Botox work?")
    expect(page.locator(".msg.error")).to_contain_text("couldn't reach the assistant")
    assert page.locator(".chip").count() == 0  # /api/topics was refused too
    assert any("CORS" in e for e in page.console_errors), page.console_errors


def test_qa_bot_serve_shows_the_site_with_a_working_widget(index_dir, page):
    """The real thing: `qa-bot serve` (gunicorn) in a subprocess, driven from Chromium."""
    from playwright.sync_api import expect

    from test_webapp import free_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_BOT_")}
    proc = subprocess.Popen([sys.executable, "-m", "qa_bot.cli", "--index-dir", str(index_dir), "serve",
                             "--port", str(port)], cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:  # poll until gunicorn's workers accept connections
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2).close()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "qa-bot serve did not start"
                time.sleep(0.1)
        page.goto(f"http://127.0.0.1:{port}/")
        page.get_by_role("link", name=re.compile("Battling Chronic Pain")).first.click()
        open_widget(page)
        page.locator(".chip").first.click()
        expect(page.locator(".msg.answer .cite").first).to_be_visible()
        shot(page, "12-qa-bot-serve")
    finally:
        proc.terminate()
        proc.wait(15)


# --- issue 13 and 14: a conversation that keeps its place ---------------------------------------------

DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
}
BOTOX = "Battling Chronic Pain with Botox: A Promising Approach"


@pytest.fixture(params=list(DEVICES))
def device(request):
    return request.param


@pytest.fixture
def device_page(make_page, device):
    page = make_page(**DEVICES[device])
    page.device = device
    return page


def assert_accessible(page, state: str) -> None:
    """axe-core on the page as it is: no serious or critical violation, widget included (open shadow DOM)."""
    from axe_playwright_python.sync_playwright import Axe

    before = list(page.console_errors)
    violations = Axe().run(page).response["violations"]
    page.console_errors[:] = before  # axe's own inline styles, refused by the CSP: the tool, not the widget
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations
               if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{state}: {serious}"


def settled(page) -> None:
    """The panel has finished rising (its boxes are measured where they stay)."""
    page.get_by_role("dialog").evaluate("e => Promise.all(e.getAnimations().map(a => a.finished))")


def inside(inner: dict, outer: dict, slack: float = 0.5) -> bool:
    return (inner["x"] >= outer["x"] - slack and inner["y"] >= outer["y"] - slack
            and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + slack
            and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + slack)


def overlaps(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def assert_question_in_view(page) -> None:
    """The last question bubble lies wholly inside the message area, under the header, inside the panel."""
    settled(page)
    bubble = page.locator(".msg.user").last.bounding_box()
    area = page.locator(".messages").bounding_box()
    head = page.locator(".head").bounding_box()
    assert inside(bubble, area) and inside(bubble, page.get_by_role("dialog").bounding_box())
    assert bubble["y"] >= head["y"] + head["height"], (bubble, head)


class AskRecorder:
    """Watches POST /api/ask: the bodies sent and the server's replies; optionally adds fields to them."""

    def __init__(self, page, extra=None):
        self.bodies, self.replies, self.extra = [], [], extra
        page.route("**/api/ask", self.handle)

    def handle(self, route):

        self.bodies.append(json.loads(route.request.post_data))
        response = route.fetch()
        data = response.json()
        if self.extra:
            data.update(self.extra(data, self.bodies[-1]))
        self.replies.append(data)
        route.fulfill(response=response, json=data)


def test_follow_up_questions_are_read_with_the_previous_turn(site, device_page):
    """Each question goes with the turns before it; a follow-up is answered on the earlier topic, which
    the reply names; a question with a topic of its own is read alone."""
    from playwright.sync_api import expect

    page = device_page
    rec = AskRecorder(page)
    page.goto(site.url + ARTICLE)
    open_widget(page)
    ask(page, "Can Botox help with migraines?")
    first = page.locator(".msg.answer").first
    expect(first.locator(".cite")).to_have_text(["Botox in Chronic Migraine Treatment"])
    expect(first.locator(".assumed")).to_have_count(0)  # nothing assumed for a first question
    ask(page, "what about my neck?")
    second = page.locator(".msg.answer").nth(1)
    expect(second.locator(".assumed")).to_have_text("Reading this as about: Botox")
    expect(second.locator(".cite").first).to_have_text("Upper Back and Neck Pain")
    assert "history" not in rec.bodies[0]
    assert rec.bodies[1]["history"] == [
        {"question": "Can Botox help with migraines?", "answer_id": rec.replies[0]["id"], "article": BOTOX}]
    assert_question_in_view(page)
    shot(page, f"13-follow-up-{page.device}")
    assert_accessible(page, "follow-up")
    ask(page, "what helps lower back pain")  # its own topic: not read as about Botox
    third = page.locator(".msg.answer").nth(2)
    expect(third.locator(".cite").first).to_have_text("Lower Back Pain and Botox")
    expect(third.locator(".assumed")).to_have_count(0)
    assert [t["question"] for t in rec.bodies[2]["history"]] == ["Can Botox help with migraines?", "what about my neck?"]
    # At most five turns go with a question, oldest first.
    for n in range(4):
        ask(page, f"Tell me about Botox number {n}")
        expect(page.locator(".msg.answer")).to_have_count(4 + n)
    ask(page, "and then?")
    expect(page.locator(".msg.answer")).to_have_count(8)
    history = rec.bodies[-1]["history"]
    assert [t["question"] for t in history] == ["what helps lower back pain"] + [f"Tell me about Botox number {n}" for n in range(4)]
    assert [t["answer_id"] for t in history] == [r["id"] for r in rec.replies[2:7]]


def test_the_conversation_survives_a_citation_click_and_a_page_change(site, device_page, browser):
    from playwright.sync_api import expect

    page = device_page
    rec = AskRecorder(page)
    page.goto(site.url + "/")
    open_widget(page)
    ask(page, "How does Botox work?")
    cite = page.locator(".msg.answer .cite").first
    expect(cite).to_have_attribute("href", f"{site.url}{ARTICLE}#how-does-botox-work")
    cite.click()  # another page: the article, at its section
    expect(page).to_have_url(f"{site.url}{ARTICLE}#how-does-botox-work")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.locator("h2#how-does-botox-work")).to_be_in_viewport()
    shot(page, f"14-citation-opened-{page.device}")
    open_widget(page)
    expect(page.locator(".msg.user")).to_have_text(["How does Botox work?"])
    expect(page.locator(".msg.answer .text")).to_contain_text("acetylcholine")
    assert_question_in_view(page)
    shot(page, f"15-conversation-kept-{page.device}")
    assert_accessible(page, "restored")

    # A follow-up after the page change still carries the first turn.
    ask(page, "Can Botox help with migraines?")
    expect(page.locator(".msg.answer")).to_have_count(2)
    assert rec.bodies[-1]["history"][0]["question"] == "How does Botox work?"
    # A citation on the page itself: the panel steps aside and the section is in view.
    page.locator(".msg.answer").nth(1).locator(".cite").first.click()
    expect(page).to_have_url(re.compile(r"#botox-in-chronic-migraine-treatment$"))
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.locator("h2#botox-in-chronic-migraine-treatment")).to_be_in_viewport()

    page.goto(site.url + "/")  # any page of the site
    open_widget(page)
    expect(page.locator(".msg.user")).to_have_text(["How does Botox work?", "Can Botox help with migraines?"])

    # Another tab does not see it (sessionStorage), and nothing of it is on the server.
    other = browser.new_context(**DEVICES[page.device]).new_page()
    try:
        other.goto(site.url + "/")
        open_widget(other)
        expect(other.locator(".msg.user")).to_have_count(0)
    finally:
        other.context.close()

    # "New conversation" starts afresh, and stays fresh after a reload.
    page.get_by_role("button", name="New conversation").click()
    expect(page.locator(".msg.user")).to_have_count(0)
    expect(page.locator(".chip").first).to_be_visible()
    expect(page.get_by_role("button", name="New conversation")).to_be_hidden()
    page.reload()
    open_widget(page)
    expect(page.locator(".msg.user")).to_have_count(0)
    ask(page, "Can Botox help with migraines?")
    expect(page.locator(".msg.answer")).to_have_count(1)
    assert "history" not in rec.bodies[-1]


def test_the_question_bubble_is_never_clipped(site, device_page):
    from playwright.sync_api import expect

    page = device_page
    page.goto(site.url + ARTICLE)
    open_widget(page)
    questions = ["How does Botox work?", "Can Botox help with migraines?", "what helps lower back pain",
                 "What are the side effects of Botox injections for pain?"]
    for n, question in enumerate(questions, 1):
        ask(page, question)
        expect(page.locator(".msg.answer")).to_have_count(n)
        expect(page.locator(".msg.user").last).to_have_text(question)
        assert_question_in_view(page)
    assert page.locator(".messages").evaluate("e => e.scrollHeight > e.clientHeight")  # it did scroll
    shot(page, f"16-question-in-view-{page.device}")
    assert_accessible(page, "scrolled conversation")
    page.get_by_role("button", name="Close the chat").click()
    page.get_by_role("button", name="Ask a question").click()
    assert_question_in_view(page)  # and on reopening


def test_suggestions_are_buttons_that_ask_their_question(site, device_page):
    from playwright.sync_api import expect

    page = device_page
    page.goto(site.url + ARTICLE)
    open_widget(page)
    chip = page.locator(".greeting .chip").first
    text = chip.inner_text()
    chip.click()
    expect(page.locator(".msg.user")).to_have_text([text])
    expect(page.locator(".msg.answer .cite").first).to_be_visible()
    assert page.locator(".msg.answer").first.get_attribute("class") == "msg bot answer"
    shot(page, f"17-starter-chip-answered-{page.device}")
    assert_accessible(page, "starter chip")


@pytest.mark.parametrize("question", ["what are your parking hours", "hello"])  # no answer; small talk
def test_suggestions_offered_with_a_reply_are_asked_when_clicked(site, device_page, question):
    from playwright.sync_api import expect

    page = device_page
    rec = AskRecorder(page)
    page.goto(site.url + ARTICLE)
    open_widget(page)
    ask(page, question)
    reply = page.locator(".msg.answer").first
    expect(reply.locator(".suggest-label")).to_have_text("You could ask:")
    offered = [s["text"] for s in rec.replies[0]["suggestions"]]
    assert rec.replies[0]["status"] in ("no_answer", "smalltalk") and 1 <= len(offered) <= 3
    expect(reply.get_by_role("button")).to_have_text(offered)
    expect(reply.locator(".vote")).to_have_count(0)  # feedback is for answers
    assert_accessible(page, "suggestions")
    reply.get_by_role("button", name=offered[-1]).click()
    expect(page.locator(".msg.user").last).to_have_text(offered[-1])
    expect(page.locator(".msg.answer")).to_have_count(2)
    assert rec.replies[1]["status"] == "answered"
    expect(page.locator(".msg.answer").nth(1).locator(".cite").first).to_be_visible()
    assert_question_in_view(page)
    shot(page, f"18-suggestion-answered-{question.split()[0]}-{page.device}")


def test_the_box_stops_at_the_limit_with_a_counter_beside_it(site, device_page):
    from playwright.sync_api import expect

    page = device_page
    page.goto(site.url + ARTICLE)
    open_widget(page)
    box = page.get_by_role("textbox", name="Your question")
    counter = page.locator("#qa-count")
    expect(counter).to_have_text("0 / 1000")
    box.fill("Does Botox help? " * 100)  # 1,700 characters pasted
    assert len(box.input_value()) == 1000  # the server's max_question_chars
    expect(counter).to_have_text("1000 / 1000 · limit reached")
    expect(counter).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("You have reached the limit of 1000 characters.")
    assert box.get_attribute("aria-describedby") == "qa-count"
    settled(page)
    b, c = box.bounding_box(), counter.bounding_box()
    assert 0 <= c["y"] - (b["y"] + b["height"]) < 30  # right under the box
    # The keys hint is for keyboards: not on a touch screen.
    keys = page.get_by_text("Enter sends")
    if page.device == "desktop":
        expect(keys).to_be_visible()
    else:
        expect(keys).to_be_hidden()
    shot(page, f"19-counter-at-limit-{page.device}")
    assert_accessible(page, "at the limit")
    box.press("Enter")  # the server takes a question at the limit
    expect(page.locator(".msg.answer")).to_have_count(1)
    expect(page.locator(".msg.error, .msg.notice")).to_have_count(0)
    expect(counter).to_have_text("0 / 1000")


def test_the_limit_can_come_from_the_tag(site, page):
    from playwright.sync_api import expect

    page.goto(site.partner.url + "/short-limit")
    open_widget(page)
    box = page.get_by_role("textbox", name="Your question")
    box.fill("a" * 500)
    assert len(box.input_value()) == 200
    expect(page.locator("#qa-count")).to_have_text("200 / 200 · limit reached")


def test_the_box_takes_the_servers_limit_from_api_topics(index_dir, page):
    """A server with max_question_chars = 40: /api/topics says so, and the box and counter stop there."""
    from playwright.sync_api import expect

    server = Server(create_app(Config(corpus=CORPUS, index_dir=index_dir, rate_limit="", max_question_chars=40)))
    try:
        page.goto(server.url + ARTICLE)
        open_widget(page)
        counter = page.locator("#qa-count")
        expect(counter).to_have_text("0 / 40")
        box = page.get_by_role("textbox", name="Your question")
        box.fill("Can Botox help with the chronic migraines I have had for years?")
        assert len(box.input_value()) == 40
        expect(counter).to_have_text("40 / 40 · limit reached")
        shot(page, "19b-server-limit-40")
    finally:
        server.stop()


def test_a_question_the_server_finds_too_long_comes_back_to_the_box(index_dir, make_page):
    """A server stricter than the widget knows (max_question_chars = 40, and an /api/topics reply
    without the limit, as from an older server): a plain sentence, the text kept."""
    from playwright.sync_api import expect

    server = Server(create_app(Config(corpus=CORPUS, index_dir=index_dir, rate_limit="", max_question_chars=40)))
    page = make_page(expect_console_errors=True)  # Chromium logs the 400

    def without_limit(route):
        data = route.fetch().json()
        data.pop("max_question_chars")
        route.fulfill(status=200, content_type="application/json", body=json.dumps(data))

    try:
        page.route("**/api/topics", without_limit)
        page.goto(server.url + ARTICLE)
        open_widget(page)
        question = "Can Botox help with the chronic migraines I have had for years?"
        ask(page, question)
        notice = page.locator(".msg.notice")
        expect(notice).to_have_text("Your question is too long for me. Please shorten it and send it again.")
        expect(page.get_by_role("textbox", name="Your question")).to_have_value(question)
        expect(page.locator(".msg.user")).to_have_count(0)
        assert "limit is" not in notice.inner_text() and "characters long" not in notice.inner_text()
        assert all("400" in e for e in page.console_errors), page.console_errors
    finally:
        server.stop()


API_ERRORS = [  # what the server says, and what the patient reads
    (429, {"error": {"code": "rate_limited", "message": "too many requests (20 per 1 minute): please wait a little and try again"}},
     "You've sent a lot of questions in a short time. Please wait a minute, then try again."),
    (503, {"error": {"code": "too_slow", "message": "the question took too long to answer (over 5 s)"}},
     "Sorry, that took too long to answer. Please try again in a moment."),
    (500, {"error": {"code": "internal_error", "message": "something went wrong on our side: please try again later"}},
     "Sorry, we couldn't reach the assistant. Please check your connection, then try again."),
    (502, None, "Sorry, we couldn't reach the assistant. Please check your connection, then try again."),
]


def test_errors_are_plain_sentences_and_retry_works_when_the_server_answers_again(site, device_page):

    from playwright.sync_api import expect

    page = device_page
    page.expect_console_errors = True  # Chromium logs each refused status
    failures = list(API_ERRORS)

    def flaky(route):
        if failures:
            status, body = failures[0][:2]
            return route.fulfill(status=status, content_type="application/json" if body else "text/html",
                                 body=json.dumps(body) if body else "<html>Bad gateway</html>")
        route.continue_()

    page.route("**/api/ask", flaky)
    page.goto(site.url + ARTICLE)
    open_widget(page)
    ask(page, "How does Botox work?")
    for n, (status, body, words) in enumerate(API_ERRORS):
        error = page.locator(".msg.error")
        expect(error.locator("p")).to_have_text(words)
        expect(error).to_have_count(1)
        if body:
            assert body["error"]["message"] not in error.inner_text()
        if n == 0:
            shot(page, f"20-rate-limited-{page.device}")
            assert_accessible(page, "error")
        failures.pop(0)  # the server does better next time
        error.get_by_role("button", name="Try again").click()
    expect(page.locator(".msg.answer .text")).to_contain_text("acetylcholine")
    expect(page.locator(".msg.error")).to_have_count(0)
    expect(page.locator(".msg.user")).to_have_text(["How does Botox work?"])  # asked once, answered once
    shot(page, f"21-retried-{page.device}")


def test_dark_mode_stays_readable(site, make_page, device):
    from playwright.sync_api import expect

    page = make_page(color_scheme="dark", **DEVICES[device])
    page.goto(site.url + ARTICLE)
    open_widget(page)
    ask(page, "How does Botox work?")
    expect(page.locator(".msg.answer .cite").first).to_be_visible()
    ask(page, "my chest hurts and I'm short of breath")
    expect(page.locator(".msg.urgent")).to_be_visible()
    colors = page.locator(".msg.answer").first.evaluate(
        "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]")
    assert colors == ["rgb(27, 37, 40)", "rgb(230, 237, 239)"]  # a dark card, light text
    assert page.locator(".messages").evaluate("e => getComputedStyle(e.parentElement).backgroundColor") == "rgb(18, 25, 27)"
    settled(page)
    shot(page, f"22-dark-{device}")
    assert_accessible(page, "dark, answer and urgent")
    page.get_by_role("textbox", name="Your question").fill("x" * 2000)
    assert_accessible(page, "dark, at the limit")


@pytest.mark.parametrize("path", ["/long", "/bar", "/cssvar"])
def test_the_launcher_never_covers_the_page(site, device_page, path):
    """The page's last link can always be scrolled clear of the launcher; an offset lifts it over a
    fixed bar of the page's own (data-offset, or the --qa-bot-offset-bottom CSS variable)."""
    from playwright.sync_api import expect

    page = device_page
    page.goto(site.partner.url + path)
    launcher = page.get_by_role("button", name="Ask a question")
    expect(launcher).to_be_visible()
    page.keyboard.press("End")
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    last = page.locator("#last")
    expect(last).to_be_in_viewport()
    height = page.viewport_size["height"]
    bar = {"x": 0, "y": height - 80, "width": page.viewport_size["width"], "height": 80}
    assert not overlaps(last.bounding_box(), launcher.bounding_box())
    if path != "/long":
        assert not overlaps(launcher.bounding_box(), bar)
        assert launcher.bounding_box()["y"] + launcher.bounding_box()["height"] <= height - 96 + 0.5
        assert not overlaps(last.bounding_box(), bar)
    shot(page, f"23-launcher-clear{path.replace('/', '-')}-{page.device}")
    launcher.click()
    settled(page)
    if page.device == "desktop":  # the panel too stays above the bar, and the launcher in view
        panel = page.get_by_role("dialog").bounding_box()
        if path != "/long":
            assert not overlaps(panel, bar)
        assert not overlaps(panel, launcher.bounding_box())
        expect(launcher).to_be_in_viewport()
    else:  # a phone: the panel is the whole screen, the launcher is hidden under it
        expect(launcher).to_be_hidden()


class FeedbackRecorder:
    """Records the replies and POST /api/feedback (answered here, or refused with fail=True)."""

    def __init__(self, page, fail: bool = False):
        self.bodies, self.fail = [], fail
        self.asks = AskRecorder(page)
        page.route("**/api/feedback", self.handle)

    def handle(self, route):

        self.bodies.append(json.loads(route.request.post_data))
        if self.fail:
            return route.abort()
        route.fulfill(status=200, json={"status": "recorded"})


def test_feedback_on_an_answer(site, device_page):
    from playwright.sync_api import expect

    page = device_page
    rec = FeedbackRecorder(page)
    page.goto(site.url + "/")
    open_widget(page)
    ask(page, "How does Botox work?")
    answer = page.locator(".msg.answer").first
    expect(answer.get_by_role("button", name="Not helpful")).to_be_visible()
    answer.get_by_role("button", name="Helpful", exact=True).click()
    expect(answer.locator(".thanks")).to_have_text("Thank you for your feedback.")
    expect(answer.get_by_role("button", name="Helpful", exact=True)).to_have_count(0)
    assert rec.bodies == [{"answer_id": rec.asks.replies[0]["id"], "helpful": True}]

    ask(page, "Can Botox help with migraines?")
    second = page.locator(".msg.answer").nth(1)
    second.get_by_role("button", name="Not helpful").click()
    reasons = second.get_by_role("group", name="What was wrong? (optional)")
    expect(reasons.get_by_role("button")).to_have_text(
        ["Wrong topic", "Didn't answer my question", "Hard to understand", "Out of date", "Skip"])
    shot(page, f"24-not-helpful-reasons-{page.device}")
    assert_accessible(page, "feedback reasons")
    assert len(rec.bodies) == 1  # nothing sent until the patient picks a reason, skips or moves on
    reasons.get_by_role("button", name="Hard to understand").click()
    expect(second.locator(".thanks")).to_be_visible()
    assert rec.bodies[1]["helpful"] is False and rec.bodies[1]["reason"] == "hard_to_understand"
    assert rec.bodies[1]["answer_id"] == rec.asks.replies[1]["id"]

    # A "not helpful" left without a reason is sent when the patient asks the next question.
    ask(page, "what helps lower back pain")
    page.locator(".msg.answer").nth(2).get_by_role("button", name="Not helpful").click()
    ask(page, "Is Botox safe?")
    expect(page.locator(".msg.answer")).to_have_count(4)
    expect(page.locator(".msg.answer").nth(2).locator(".thanks")).to_be_visible()
    assert rec.bodies[2]["helpful"] is False and "reason" not in rec.bodies[2]
    # No buttons on replies that are not answers (urgent, no answer).
    ask(page, "my chest hurts and I'm short of breath")
    expect(page.locator(".msg.urgent")).to_be_visible()
    expect(page.locator(".msg.urgent .vote")).to_have_count(0)
    shot(page, f"25-feedback-thanks-{page.device}")

    # What was rated stays rated after a page change.
    page.goto(site.url + ARTICLE)
    open_widget(page)
    expect(page.locator(".msg.answer .thanks")).to_have_count(3)
    assert len(rec.bodies) == 3


def test_a_feedback_failure_is_quiet(site, make_page):
    from playwright.sync_api import expect

    page = make_page(expect_console_errors=True)
    rec = FeedbackRecorder(page, fail=True)
    page.goto(site.url + ARTICLE)
    open_widget(page)
    ask(page, "How does Botox work?")
    page.locator(".msg.answer").get_by_role("button", name="Not helpful").click()
    page.get_by_role("button", name="Out of date").click()
    expect(page.locator(".msg.answer .thanks")).to_be_visible()
    expect(page.locator(".msg.error, .msg.notice")).to_have_count(0)
    assert rec.bodies[0]["reason"] == "out_of_date"
    ask(page, "Can Botox help with migraines?")  # the chat goes on
    expect(page.locator(".msg.answer")).to_have_count(2)
    expect(page.locator(".msg.error")).to_have_count(0)


def test_a_question_left_without_a_reply_is_not_kept(site, make_page):
    from playwright.sync_api import expect

    page = make_page(expect_console_errors=True)  # the failed request is logged
    page.goto(site.url + ARTICLE)
    open_widget(page)
    ask(page, "How does Botox work?")
    expect(page.locator(".msg.answer")).to_have_count(1)
    page.route("**/api/ask", lambda route: route.abort())
    ask(page, "Can Botox help with migraines?")
    expect(page.locator(".msg.error")).to_have_count(1)
    page.reload()
    open_widget(page)
    expect(page.locator(".msg.user")).to_have_text(["How does Botox work?"])
    expect(page.locator(".msg.error")).to_have_count(0)


def test_a_server_that_refuses_the_turns_still_answers_the_question(site, make_page):

    from playwright.sync_api import expect

    page = make_page(expect_console_errors=True)  # Chromium logs the 400
    sent = []

    def no_history(route):
        body = json.loads(route.request.post_data)
        sent.append(body)
        if "history" in body:
            return route.fulfill(status=400, json={"error": {"code": "invalid_question", "message": '"history" ...'}})
        route.continue_()

    page.route("**/api/ask", no_history)
    page.goto(site.url + ARTICLE)
    open_widget(page)
    ask(page, "How does Botox work?")
    expect(page.locator(".msg.answer")).to_have_count(1)
    ask(page, "Can Botox help with migraines?")
    expect(page.locator(".msg.answer")).to_have_count(2)
    expect(page.locator(".msg.error, .msg.notice")).to_have_count(0)
    assert [("history" in b) for b in sent] == [False, True, False]
    assert sent[2] == {"question": "Can Botox help with migraines?"}


# --- issue 14: the loop closed, from the patient's click to the staff page ------------------------------

STAFF_PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def staff_site(index_dir, tmp_path_factory):
    """The app with the feedback store on (SQLite in a temp folder) and the staff page on."""
    from qa_bot.staff import new_user_entry

    app = create_app(Config(corpus=CORPUS, index_dir=index_dir, rate_limit="",
                            data_dir=tmp_path_factory.mktemp("staff-data"), staff_secret_key="s" * 32,
                            staff_users=(new_user_entry("nurse.kim", STAFF_PASSWORD),)))
    server = Server(app)
    yield server
    server.stop()
    app.extensions["qa_bot_recorder"].close()


def test_not_helpful_in_the_widget_is_counted_on_the_staff_page(staff_site, page):
    """A patient clicks "Not helpful" and says why; a member of staff logs in (the real cookie: Secure,
    SameSite=Strict) and sees the count and the section, with why."""
    from playwright.sync_api import expect

    page.goto(staff_site.url + "/")
    open_widget(page)
    ask(page, "How does Botox work?")
    answer = page.locator(".msg.answer").first
    with page.expect_response("**/api/feedback") as sent:
        answer.get_by_role("button", name="Not helpful").click()
        answer.get_by_role("button", name="Wrong topic").click()
    assert sent.value.status == 200
    expect(answer.locator(".thanks")).to_be_visible()
    section = answer.locator(".cite").first.inner_text()  # the article's section the answer cited

    page.goto(staff_site.url + "/staff/")
    expect(page).to_have_url(staff_site.url + "/staff/login")  # no session yet
    page.get_by_label("Name").fill("nurse.kim")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(staff_site.url + "/staff/")
    expect(page.locator("#answers")).to_have_text("1")
    expect(page.locator("#not-helpful")).to_have_text("1")
    expect(page.locator("#helpful")).to_have_text("0")
    row = page.get_by_role("row").filter(has_text="wrong_topic 1")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(section)
    expect(page.locator("svg.chart rect.s-answered")).to_have_count(1)  # today's bar
    shot(page, "26-staff-page", full_page=True)
