"""Playwright (sync API) against pytest-django's live server, in Debian's Chromium.

Shared by every browser test of the suite: tests/conftest.py registers this module as a plugin.

Playwright's sync API runs an asyncio loop in the test thread; Django refuses ORM calls
from a thread with a running loop unless told that this is safe (it is: the loop only
drives the browser).
"""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class BrowserSession:
    """Opens pages in fresh browser contexts (separate cookies) against the live server.

    Nothing outside the live server is reachable, as on a machine with no internet:
    tiles, fonts or a forgotten CDN fail fast instead of hanging. Page errors (uncaught
    JavaScript exceptions) fail the test.
    """

    def __init__(self, browser, base_url: str, name: str):
        self.browser = browser
        self.base_url = base_url
        self.name = re.sub(r"[^\w.-]+", "_", name)
        self.contexts = []
        self.pages = []
        self.errors: list[str] = []
        self.offsite: list[str] = []

    def new_page(self, *, width: int = 1280, height: int = 900, user=None, enforce_csp: bool = False):
        # Playwright's wait_for_function polls with eval in the page, which the site's
        # Content-Security-Policy forbids; tests/browser/test_csp.py enforces the policy itself.
        context = self.browser.new_context(
            viewport={"width": width, "height": height}, base_url=self.base_url, bypass_csp=not enforce_csp
        )
        context.set_default_timeout(15_000)

        def route(r):
            if r.request.url.startswith(self.base_url):
                try:
                    return r.continue_()
                except PlaywrightError as exc:
                    # A request a test's page route held, that the page then dropped (a newer
                    # one superseded it), is passed on here when the test removes that route,
                    # already handled: nothing is left to answer. Seen in a fresh-clone run
                    # (test_explore_ux's loading test). Any other error is the test's failure.
                    if "already handled" not in str(exc):
                        raise
                    return None
            self.offsite.append(r.request.url)
            return r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: {exc}"))
        self.contexts.append(context)
        self.pages.append(page)
        if user is not None:
            self.login(page, user)
        return page

    def login(self, page, user):
        page.goto(reverse("login"))
        page.fill("#id_username", user.username)
        page.fill("#id_password", "pw-" + user.username)
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    def screenshot(self, page=None, suffix: str = ""):
        page = page or self.pages[-1]
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{self.name}{suffix}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def browse(browser, live_server, transactional_db, request):
    """``page = browse.new_page(user=analyst)``; the last page is saved as a screenshot at the end."""
    session = BrowserSession(browser, live_server.url, request.node.name)
    yield session
    if session.pages:
        try:
            session.screenshot()
        except Exception as exc:  # a crashed page must not hide the test's own failure
            print(f"screenshot failed: {exc}")
    session.close()
    assert not session.errors, f"JavaScript errors: {session.errors}"


def overflow(page) -> int:
    """How many pixels the page is wider than its viewport, once its stylesheets have applied.

    A check made as soon as an element appears can run before the head's stylesheets have
    loaded: the browser paints nothing until they have, but script can measure the unstyled
    layout (the merge preview measured 413 px at 390 px with its CSS delayed, 390 px after).
    """
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def fits_the_width(page) -> bool:
    """Whether the styled page needs no sideways scrolling (1 px of rounding allowed)."""
    return overflow(page) <= 1


def wait_keys_ready(page):
    """Wait until the page's keyboard shortcuts are listening (keys.js runs after parsing)."""
    page.wait_for_selector("html[data-keys='ready']", state="attached")


def wait_map_ready(page, timeout: float = 15_000):
    page.wait_for_selector("#map[data-ready='1']", state="attached", timeout=timeout)


def map_points(page) -> int:
    """How many attacks the map currently represents (markers plus those inside clusters)."""
    return int(page.get_attribute("#map", "data-points"))


def shown_count(page) -> int:
    return int(page.get_attribute("#count-total", "data-count"))
