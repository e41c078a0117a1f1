#!/usr/bin/env python3
"""Drives the Gatehouse dashboard in a real headless Chromium (Debian's chromium +
chromium-driver, selenium from scripts/install-browser-test.sh's venv).

Run by Tests/IntegrationTests/DashboardBrowserTests.swift against a running gatehouse; it
can also be run by hand against one (see --help). Steps, each failing loudly:

1. open the admin listener's page at 1280x800 and sign in with the admin token (the form);
2. read the "requests since start" counter, send traffic to the proxy, and wait until the
   counter shows it;
3. search the user's sessions, revoke the first one through the confirmation dialog, and wait
   until the list no longer shows it;
4. check the page at phone width (390x844) has no horizontal overflow;
5. fail on any console error (CSP violations are console errors: the page reports its own
   `securitypolicyviolation` events there, and Chromium logs every blocked load);
6. save a screenshot at 1280x800.

Prints one JSON object on stdout: {"revoked": hash, "kept": [hashes], "requests_before": n,
"requests_after": n, "screenshot": path}. Exit status 1 with a message on stderr on failure.
"""

import argparse
import json
import sys
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def fail(message):
    print("dashboard-browser-check: " + message, file=sys.stderr)
    sys.exit(1)


def start_browser(chromium, chromedriver):
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",  # the test runs as root in CI containers
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,800",
        "--force-device-scale-factor=1",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--lang=en-US",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)


def viewport(driver, width, height, mobile):
    """Emulates a viewport of exactly width x height CSS pixels (window sizes include the
    browser's own frame)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})


def console_errors(driver):
    """Console entries at level SEVERE since the last call (the log is drained on read)."""
    return [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]


ROWS = "#user-sessions tbody tr[data-hash]"


def listed_hashes(driver):
    """The session hashes the management table lists now (read in one script: the page
    rebuilds the rows on every search)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map((r) => r.dataset.hash);", ROWS)


def integer(text):
    digits = "".join(ch for ch in text if ch.isdigit())
    return int(digits) if digits else 0


def send_traffic(url, count):
    for _ in range(count):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                response.read()
        except urllib.error.HTTPError as error:
            error.read()


def main():
    parser = argparse.ArgumentParser(description="Drive the Gatehouse dashboard in headless Chromium.")
    parser.add_argument("--admin", required=True, help="admin listener base URL, e.g. http://127.0.0.1:9901")
    parser.add_argument("--token", required=True, help="the [admin] token")
    parser.add_argument("--traffic-url", required=True, help="a proxy URL to send requests to")
    parser.add_argument("--user", required=True, help="a user id with at least two sessions")
    parser.add_argument("--screenshot", required=True, help="where to save the 1280x800 screenshot (PNG)")
    parser.add_argument("--full-page", help="also save the whole page at 1280 px width here (for docs)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args()

    driver = start_browser(args.chromium, args.chromedriver)
    wait = WebDriverWait(
        driver, args.timeout, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,))
    try:
        viewport(driver, 1280, 800, False)
        driver.get(args.admin.rstrip("/") + "/")

        # 1. Sign in once with the token.
        try:
            wait.until(EC.visibility_of_element_located((By.ID, "sign-in-form")))
        except TimeoutException:
            fail("the sign-in form did not appear; access state: "
                 + driver.find_element(By.ID, "access-state").text)
        driver.find_element(By.ID, "token").send_keys(args.token)
        driver.find_element(By.ID, "sign-in-button").click()
        try:
            wait.until(EC.visibility_of_element_located((By.ID, "board")))
            wait.until(lambda d: d.find_element(By.ID, "routes").find_elements(By.CSS_SELECTOR, "tbody tr"))
        except TimeoutException:
            fail("not signed in: " + driver.find_element(By.ID, "sign-in-message").text)
        if "signed in as token" not in driver.find_element(By.ID, "access-state").text:
            fail("access state after sign-in: " + driver.find_element(By.ID, "access-state").text)

        # 2. The request counter follows traffic.
        before = integer(driver.find_element(By.ID, "requests-total").text)
        send_traffic(args.traffic_url, 40)
        try:
            wait.until(lambda d: integer(d.find_element(By.ID, "requests-total").text) >= before + 40)
        except TimeoutException:
            fail("the request counter stayed at %s after 40 requests"
                 % driver.find_element(By.ID, "requests-total").text)
        after = integer(driver.find_element(By.ID, "requests-total").text)

        # 3. Find the user's sessions and revoke one, confirmed in the dialog.
        search = driver.find_element(By.ID, "user-search")
        search.clear()
        search.send_keys(args.user)
        driver.find_element(By.ID, "search-button").click()
        try:
            wait.until(lambda d: len(listed_hashes(d)) >= 2)
        except TimeoutException:
            fail("the user's sessions were not listed: " + driver.find_element(By.ID, "manage-message").text)
        target = listed_hashes(driver)[0]
        driver.find_element(By.CSS_SELECTOR, ROWS + '[data-hash="%s"] button.revoke' % target).click()
        dialog = driver.find_element(By.ID, "confirm-dialog")
        wait.until(lambda d: dialog.get_attribute("open") is not None)
        if target not in driver.find_element(By.ID, "confirm-text").text:
            fail("the confirmation does not name the session: " + driver.find_element(By.ID, "confirm-text").text)
        driver.find_element(By.ID, "confirm-yes").click()
        try:
            wait.until(lambda d: target not in listed_hashes(d))
            wait.until(lambda d: "Revoked 1 session" in d.find_element(By.ID, "manage-message").text)
        except TimeoutException:
            fail("the revoked session is still listed: " + driver.find_element(By.ID, "manage-message").text)
        kept = listed_hashes(driver)

        # 4. Phone width: nothing wider than the viewport (tables scroll inside their frames).
        viewport(driver, 390, 844, True)
        time.sleep(0.3)
        overflow = driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;")
        if overflow > 1:
            fail("the page is %d px wider than a 390 px phone viewport" % overflow)
        viewport(driver, 1280, 800, False)

        # 5. A few refreshes later: still no console error, no CSP violation.
        time.sleep(2.5)
        errors = console_errors(driver)
        if errors:
            fail("console errors:\n" + "\n".join(e.get("message", "") for e in errors))

        # 6. The screenshot (the viewport at 1280x800, scrolled to the top).
        driver.execute_script("window.scrollTo(0, 0);")
        if not driver.save_screenshot(args.screenshot):
            fail("could not save the screenshot to " + args.screenshot)
        if args.full_page:
            height = driver.execute_script("return document.documentElement.scrollHeight;")
            viewport(driver, 1280, int(height), False)
            time.sleep(0.3)
            if not driver.save_screenshot(args.full_page):
                fail("could not save the full page to " + args.full_page)
        print(json.dumps({"revoked": target, "kept": kept, "requests_before": before,
                          "requests_after": after, "screenshot": args.screenshot}))
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
