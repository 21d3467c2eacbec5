"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, as a person uses a site.

Each browser gets a fresh profile (its own user-data-dir), closed when its block ends, pass
or fail. The browser records every response and failed request, so an assertion can say which
URL failed with which status, and saves screenshots under artifacts/screenshots/ (one more,
"-at-failure", of the page a failing test stopped on). It also records what the Content
Security Policy refused: each `securitypolicyviolation` event of every page (handed over
through a binding, so none is lost when a page navigates away) and each console message.
"""

import contextlib
import re
from dataclasses import dataclass, field

from playwright.sync_api import Error as PlaywrightError

from tests.support.template import REPO

CHROMIUM = "/usr/bin/chromium"
# The background-networking flags matter on a closed network (see ENVIRONMENT.md).
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
# Chromium asks every site for one; no page links it, so its 404 is no failure.
IGNORED = re.compile(r"/favicon\.ico$")
# Runs in every document before its own scripts: hands each violation to the test.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => window.cspViolation(
  `${event.disposition}: ${event.effectiveDirective} refused ${event.blockedURI || "inline"}`
  + ` on ${event.documentURI}`), true);
"""


@dataclass
class Browser:
    page: object  # playwright's Page
    screenshot_prefix: str
    responses: list = field(default_factory=list)  # (status, method, url)
    failed: list = field(default_factory=list)  # (method, url, error)
    violations: list = field(default_factory=list)  # securitypolicyviolation events, as text
    console: list = field(default_factory=list)  # (type, text) of each console message
    document: object = None  # the response of the page shown now (playwright's Response)
    # A page was opened since the last screenshot: a test that stops here failed on it.
    unseen: bool = False

    def record(self):
        self.page.on("response", self._on_response)
        self.page.on("requestfailed", self._on_failed)
        self.page.on("console", lambda message: self.console.append((message.type, message.text)))
        self.page.context.expose_binding(
            "cspViolation", lambda _source, text: self.violations.append(text)
        )
        self.page.context.add_init_script(REPORT_VIOLATIONS)

    def _on_response(self, response):
        self.responses.append((response.status, response.request.method, response.url))
        request = response.request
        if request.resource_type == "document" and request.frame == self.page.main_frame:
            self.document = response

    def _on_failed(self, request):
        self.failed.append((request.method, request.url, request.failure))

    def problems(self):
        """Every request that failed or got an error status, in the order they happened."""
        lines = [
            f"{method} {url} -> {status}"
            for status, method, url in self.responses
            if status >= 400 and not IGNORED.search(url)
        ]
        lines += [f"{method} {url} -> failed: {error}" for method, url, error in self.failed]
        return lines

    def report(self):
        """What a failing assertion shows: the page, then every failed URL and its status."""
        problems = "\n  ".join(self.problems()) or "(no failed request)"
        return f"at {self.page.url}; failed requests:\n  {problems}"

    def assert_no_failed_requests(self):
        assert not self.problems(), self.report()

    def policy_problems(self):
        """What the Content Security Policy refused so far (violation events and console
        errors), and whether the page shown now lacks an enforced policy."""
        refused = [f"violation: {text}" for text in self.violations]
        refused += [
            f"console {kind}: {text}"
            for kind, text in self.console
            if "Content Security Policy" in text or "Content-Security-Policy" in text
        ]
        headers = self.document.all_headers() if self.document else {}
        if not headers.get("content-security-policy"):
            refused.append(f"no enforced Content-Security-Policy header on {self.page.url}")
        return refused

    def assert_policy_kept(self):
        """The page shown now has an enforced policy, and no page so far broke one."""
        problems = "\n  ".join(self.policy_problems())
        assert not problems, f"at {self.page.url}; Content Security Policy:\n  {problems}"

    def goto(self, url):
        self.unseen = True
        response = self.page.goto(url)
        assert response is not None and response.ok, (
            f"GET {url} -> {response.status if response else 'no response'}; {self.report()}"
        )
        return response

    def open_directly(self, url):
        """Open `url` as a typed address, whatever it answers: its response, or None when
        the browser downloads it instead of showing it."""
        self.unseen = True
        try:
            return self.page.goto(url)
        except PlaywrightError as error:
            if "Download is starting" not in str(error):
                raise
            return None

    def evaluate(self, script, *args):
        return self.page.evaluate(script, *args)

    def computed(self, selector, prop):
        """A CSS property of the first element matching `selector`, as the browser applies it."""
        return self.page.locator(selector).first.evaluate(
            "(element, prop) => getComputedStyle(element).getPropertyValue(prop)", prop
        )

    def natural_width(self, selector):
        """naturalWidth of an image once it finished loading: 0 means it did not render."""
        image = self.page.locator(selector).first
        image.wait_for(state="attached")
        return image.evaluate(
            "image => image.complete ? image.naturalWidth"
            " : new Promise(done => { image.onload = image.onerror ="
            " () => done(image.naturalWidth); })"
        )

    def submit(self, button, path):
        """Click a form's submit button; the POST to the site (after any the page's script
        sends elsewhere, such as files to a bucket) must redirect to `path`, which then loads."""
        self.unseen = True
        site = re.match(r"https?://[^/]+/", self.page.url)[0]
        with self.page.expect_response(
            lambda r: r.request.method == "POST" and r.url.startswith(site), timeout=120_000
        ) as posted:
            self.page.click(button)
        status, url = posted.value.status, posted.value.url
        assert status in (302, 303), f"POST {url} -> {status}; {self.report()}"
        self.page.wait_for_url(re.compile(rf"^https?://[^/]+{re.escape(path)}$"))
        self.page.wait_for_load_state("load")

    def screenshot(self, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.screenshot_prefix}-{name}.png"
        self.page.screenshot(path=path, full_page=True)
        self.unseen = False
        return path


@contextlib.contextmanager
def chromium(playwright, profile, screenshot_prefix, **options):
    """A Browser on a fresh Chromium profile in `profile` until the block ends. Options are
    Playwright's (e.g. ignore_https_errors=True for a test certificate)."""
    context = playwright.chromium.launch_persistent_context(
        profile,
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_FLAGS,
        viewport={"width": 1000, "height": 700},
        **options,
    )
    context.set_default_timeout(30_000)
    browser = Browser(context.pages[0] if context.pages else context.new_page(), screenshot_prefix)
    browser.record()
    try:
        yield browser
    finally:
        if browser.unseen:  # the page a failure stopped on, as the browser showed it
            with contextlib.suppress(Exception):
                browser.screenshot("at-failure")
        context.close()
