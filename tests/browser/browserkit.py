"""Browser fixtures, a pytest plugin loaded by tests/conftest.py: Debian's
chromium driven by selenium, headless.

`browser` opens a fresh Chromium per test at phone size (390x844) with the
flags this sandbox needs (no background networking: the machine has no
internet), collects the console log, and fails the test on any console
error unless the test calls `browser.allow_console_errors()`.
`shot(name)` saves a screenshot under NETDEP_ARTIFACTS (default
var/test-artifacts/screenshots in the checkout), kept after `make test`.
"""
import os
import shutil
import tempfile

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
PHONE = (390, 844)
DESKTOP = (1366, 768)


def artifacts_dir():
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    d = os.environ.get("NETDEP_ARTIFACTS") or os.path.join(top, "var", "test-artifacts", "screenshots")
    os.makedirs(d, exist_ok=True)
    return d


def _options(user_dir, size):
    o = webdriver.ChromeOptions()
    o.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--lang=vi-VN",
                 "--user-data-dir=" + user_dir,
                 "--window-size=%d,%d" % size):
        o.add_argument(flag)
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return o


class Browser:
    """A WebDriver with the site's base URL and console-error bookkeeping."""

    def __init__(self, base_url, size=PHONE):
        self.base_url = base_url
        self._dir = tempfile.mkdtemp(prefix="netdep-chromium-")
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER),
                                       options=_options(self._dir, size))
        self.driver.set_page_load_timeout(30)
        self._allow_errors = False
        self.console = []
        self.resize(size)

    def get(self, path):
        self.driver.get(self.base_url + path)

    def resize(self, size):
        """Sets the viewport to exactly w x h CSS pixels.  Headless chromium
        keeps windows at least 500 px wide, so a phone viewport needs
        device-metrics emulation (which also applies mobile viewport rules)."""
        w, h = size
        self.driver.set_window_size(max(w, 500), h)
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": w, "height": h, "deviceScaleFactor": 1, "mobile": w < 800})

    def drain_console(self):
        for e in self.driver.get_log("browser"):
            self.console.append(e)
        return self.console

    def console_errors(self):
        return [e for e in self.drain_console() if e.get("level") == "SEVERE"]

    def allow_console_errors(self):
        self._allow_errors = True

    def take_console_errors(self):
        """Returns the console errors so far and forgets them, for a test
        that caused them on purpose (it asserts what they are)."""
        errors = self.console_errors()
        self.console = [e for e in self.console if e.get("level") != "SEVERE"]
        return errors

    def shot(self, name):
        path = os.path.join(artifacts_dir(), name + ".png")
        self.driver.save_screenshot(path)
        return path

    def close(self):
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self._dir, ignore_errors=True)


@pytest.fixture
def browser(base_url):
    b = Browser(base_url)
    try:
        yield b
        if not b._allow_errors:
            errors = b.console_errors()
            assert not errors, "console errors: %r" % errors
    finally:
        b.close()
