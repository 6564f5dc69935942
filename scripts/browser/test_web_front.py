"""Browser tests of the web front: headless Chromium driven through chromedriver (selenium), against a gateway
that scripts/test-browser.sh started with `serve --dev`, a small quota and the tiny local model.

Each test saves a screenshot under the artifacts folder, and fails on any error in the browser's console
(a JavaScript exception, a console.error, or a failed request it did not expect).
"""

import argparse
import base64
import json
import sys
import time
import traceback
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

WAIT_SECONDS = 60


class Browser:
    """One headless Chromium session with its console log."""

    def __init__(self, chromium, chromedriver, width=1280, height=900):
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         "--disable-extensions", "--no-first-run", f"--window-size={width},{height}"):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
        self.driver.set_page_load_timeout(30)

    def console_errors(self, allowed=()):
        """SEVERE console entries, except failed requests whose message contains one of `allowed`."""
        errors = []
        for entry in self.driver.get_log("browser"):
            if entry["level"] != "SEVERE":
                continue
            if entry.get("source") == "network" and any(text in entry["message"] for text in allowed):
                continue
            errors.append(entry["message"])
        return errors

    def quit(self):
        self.driver.quit()


def save_full_page(driver, path):
    """A screenshot of the whole page, not only the part in the window (through the DevTools protocol)."""
    try:
        size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 8000), "scale": 1}
        shot = driver.execute_cdp_cmd(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip})
        path.write_bytes(base64.b64decode(shot["data"]))
    except Exception:  # a page that cannot be measured still gets the window's screenshot
        driver.save_screenshot(str(path))


def wait(driver, condition, seconds=WAIT_SECONDS, message=""):
    return WebDriverWait(driver, seconds, poll_frequency=0.1).until(condition, message)


def visible(driver, element_id, seconds=WAIT_SECONDS):
    return wait(driver, EC.visibility_of_element_located((By.ID, element_id)), seconds, f"#{element_id} not visible")


def text_contains(driver, element_id, text, seconds=WAIT_SECONDS):
    wait(driver, EC.text_to_be_present_in_element((By.ID, element_id), text), seconds,
         f"#{element_id} never said {text!r}; it says {driver.find_element(By.ID, element_id).text!r}")


def sign_in(driver, base, email, path="/"):
    driver.get(base + path)
    field = visible(driver, "dev-email")
    field.clear()
    field.send_keys(email)
    field.submit()


def fill_form(driver, prompt, steps):
    visible(driver, "generate")
    prompt_box = driver.find_element(By.ID, "prompt")
    prompt_box.clear()
    prompt_box.send_keys(prompt)
    steps_box = driver.find_element(By.ID, "steps")
    steps_box.clear()
    steps_box.send_keys(str(steps))


class Context:
    def __init__(self, base, artifacts, chromium, chromedriver, cancel_steps):
        self.base = base
        self.artifacts = artifacts
        self.chromium = chromium
        self.chromedriver = chromedriver
        self.cancel_steps = cancel_steps


def test_sign_in_generate_and_see_the_image(browser, context):
    """Sign in through the dev issuer, generate, watch progress reach done, see the image and the history."""
    driver = browser.driver
    sign_in(driver, context.base, "alice@example.com")
    text_contains(driver, "who", "alice@example.com")
    text_contains(driver, "allowance", "1 of 1 images left today")
    steps_box = driver.find_element(By.ID, "steps")
    assert steps_box.get_attribute("max") == "8", "the form did not take the tier's max_steps"
    widths = [option.get_attribute("value") for option in Select(driver.find_element(By.ID, "width")).options]
    assert widths == ["64"], f"the width choices ignore the tier's max_width: {widths}"

    fill_form(driver, "a watercolor lighthouse at dusk", 99)
    driver.find_element(By.ID, "submit").click()
    text_contains(driver, "steps-error", "1 to 8 steps")
    assert driver.find_element(By.ID, "steps").get_attribute("aria-invalid") == "true"
    assert driver.find_element(By.ID, "job").get_attribute("hidden") is not None, "an invalid form was sent"

    fill_form(driver, "a watercolor lighthouse at dusk", 3)
    Select(driver.find_element(By.ID, "scheduler")).select_by_value("euler")
    driver.find_element(By.ID, "seed-random").click()
    driver.find_element(By.ID, "seed").send_keys("18446744073709551615")
    driver.find_element(By.ID, "submit").click()
    visible(driver, "job")
    wait(driver, lambda d: d.find_element(By.ID, "job").get_attribute("data-status") == "succeeded",
         message="the job never reached done")
    text_contains(driver, "job-status", "Done")
    progress = driver.find_element(By.ID, "job-progress")
    assert progress.get_attribute("value") == progress.get_attribute("max") == "3", "progress did not reach 3 of 3"
    image = visible(driver, "result-image")
    wait(driver, lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image) == 64,
         message="the image did not load")
    settings = driver.find_element(By.ID, "result-settings").text
    assert "18446744073709551615" in settings, f"the exact seed is not shown: {settings}"
    assert "local" in settings and "euler" in settings, settings
    download = driver.find_element(By.ID, "download")
    assert download.get_attribute("href").startswith("blob:")
    assert download.get_attribute("download").endswith("-seed-18446744073709551615.png")
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#history-list li")) == 1,
         message="the history does not show the image")
    text_contains(driver, "allowance", "0 of 1 images left today")


def test_hit_the_quota_and_read_the_message(browser, context):
    """The second image of the day is refused by the server; the page says which limit and when it resets."""
    driver = browser.driver
    sign_in(driver, context.base, "alice@example.com")
    text_contains(driver, "allowance", "0 of 1 images left today")
    fill_form(driver, "a second lighthouse", 2)
    driver.find_element(By.ID, "submit").click()
    box = visible(driver, "form-error")
    text_contains(driver, "form-error", "You have used all your images for today (1). It resets at")
    assert box.get_attribute("role") == "alert"
    assert driver.find_element(By.ID, "submit").is_enabled(), "the form stayed busy after the refusal"
    browser.allowed_network_errors = ("status of 429",)


def test_cancel_a_job(browser, context):
    """A long job is cancelled from the page while it runs."""
    driver = browser.driver
    sign_in(driver, context.base, "bob@example.com")
    text_contains(driver, "who", "bob@example.com")
    fill_form(driver, "a very slow painting", context.cancel_steps)
    driver.find_element(By.ID, "submit").click()
    visible(driver, "cancel")
    text_contains(driver, "job-status", "Step")
    driver.find_element(By.ID, "cancel").click()
    wait(driver, lambda d: d.find_element(By.ID, "job").get_attribute("data-status") == "cancelled",
         message="the job was not cancelled")
    text_contains(driver, "job-status", "Cancelled.")
    text_contains(driver, "job-error", "You cancelled this image")
    assert not driver.find_element(By.ID, "cancel").is_displayed()
    text_contains(driver, "allowance", "1 of 1 images left today")


def test_a_failed_provider_is_told_and_the_next_one_makes_the_image(browser, context):
    """The first provider of the tier is down: the page says so and that it tries the next, which makes the image."""
    driver = browser.driver
    sign_in(driver, context.base, "erin@example.com")
    text_contains(driver, "who", "failover tier")
    driver.execute_script("""
        window.statuses = [];
        new MutationObserver((records) => {
          for (const record of records) for (const node of record.addedNodes) window.statuses.push(node.textContent);
        }).observe(document.getElementById("job-status"), { childList: true });""")
    fill_form(driver, "a lighthouse in fog", 2)
    driver.find_element(By.ID, "submit").click()
    wait(driver, lambda d: d.find_element(By.ID, "job").get_attribute("data-status") == "succeeded",
         message="the job never reached done")
    text_contains(driver, "job-status", "by “local”")
    statuses = driver.execute_script("return window.statuses")
    told = [text for text in statuses if "“down” is unavailable; trying the next one" in text]
    assert told, f"the page never said the first provider failed: {statuses}"
    assert any("“local”" in text for text in statuses[statuses.index(told[0]):]), statuses


def test_admin_dashboard_draws_its_chart(browser, context):
    """An admin sees spend and images per day as a chart, top users, providers, the reload and a user's limits."""
    driver = browser.driver
    sign_in(driver, context.base, "ops@example.com", path="/admin")
    visible(driver, "dashboard")
    chart = wait(driver, EC.presence_of_element_located((By.CSS_SELECTOR, "#chart svg")))
    wait(driver, lambda d: int(chart.get_attribute("data-images")) >= 1, message="the chart has no images")
    bars = driver.find_elements(By.CSS_SELECTOR, "#chart svg rect.bar")
    assert len(bars) >= 1, "the chart draws no bar"
    assert driver.find_elements(By.CSS_SELECTOR, "#chart svg polyline.spend"), "the chart draws no spend line"
    assert float(bars[0].get_attribute("height")) > 0
    text_contains(driver, "users-table", "alice@example.com")
    text_contains(driver, "providers-table", "local")
    text_contains(driver, "providers-table", "100.0 %")
    down = driver.find_element(By.XPATH, "//table[@id='providers-table']//tr[td[1]='down']").text
    assert "0.0 %" in down and down.endswith(" 1"), f"the failed provider's row: {down}"

    text_contains(driver, "reload", "Last reload OK.")
    driver.find_element(By.ID, "limits-email").send_keys("alice@example.com")
    driver.find_element(By.ID, "limits-form").submit()
    text_contains(driver, "limits", "gets the free tier")
    text_contains(driver, "limits", "1 used, 0 left")


def test_admin_page_refuses_a_non_admin(browser, context):
    driver = browser.driver
    sign_in(driver, context.base, "alice@example.com", path="/admin")
    text_contains(driver, "page-error", "administrators")
    assert not driver.find_element(By.ID, "dashboard").is_displayed()


def test_phone_sized_screen(browser, context):
    """The generation page fits a phone's width: no sideways scrolling, the form in reach."""
    driver = browser.driver
    driver.set_window_size(390, 844)
    sign_in(driver, context.base, "dana@example.com")
    visible(driver, "generate")
    overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow} px wider than the screen"
    assert driver.find_element(By.ID, "submit").is_displayed()


def test_embed_page(browser, context):
    """/embed is the same page without chrome, and may be framed by the policy's embed origins only."""
    driver = browser.driver
    driver.get(context.base + "/embed")
    visible(driver, "dev-email")
    assert "embed" in driver.find_element(By.TAG_NAME, "body").get_attribute("class")
    with urllib.request.urlopen(context.base + "/embed") as response:
        csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://pages.example.com" in csp, csp


TESTS = [
    test_sign_in_generate_and_see_the_image,
    test_hit_the_quota_and_read_the_message,
    test_cancel_a_job,
    test_a_failed_provider_is_told_and_the_next_one_makes_the_image,
    test_admin_dashboard_draws_its_chart,
    test_admin_page_refuses_a_non_admin,
    test_phone_sized_screen,
    test_embed_page,
]


def run(context, selected):
    context.artifacts.mkdir(parents=True, exist_ok=True)
    failures = 0
    for number, test in enumerate(TESTS, start=1):
        if selected and test.__name__ not in selected:
            continue
        browser = Browser(context.chromium, context.chromedriver)
        browser.allowed_network_errors = ()
        started = time.monotonic()
        outcome = "ok"
        try:
            test(browser, context)
            errors = browser.console_errors(browser.allowed_network_errors)
            if errors:
                raise AssertionError("errors in the browser console:\n  " + "\n  ".join(errors))
        except (AssertionError, TimeoutException) as error:
            outcome = "FAILED"
            failures += 1
            print(f"--- {test.__name__}: {error}", file=sys.stderr)
            errors = browser.console_errors()
            if errors:
                print("    console: " + json.dumps(errors, indent=2), file=sys.stderr)
        except Exception:  # a broken test or driver: report it like a failure, with its trace
            outcome = "FAILED"
            failures += 1
            traceback.print_exc()
        finally:
            shot = context.artifacts / f"{number:02d}-{test.__name__.removeprefix('test_')}.png"
            save_full_page(browser.driver, shot)
            browser.quit()
        print(f"{outcome:6} {test.__name__} ({time.monotonic() - started:.1f} s) -> {shot}")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True, help="the gateway's URL, e.g. http://127.0.0.1:8123")
    parser.add_argument("--artifacts", required=True, type=Path, help="folder for the screenshots")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    parser.add_argument("--cancel-steps", type=int, default=8, help="steps of the job the cancel test stops")
    parser.add_argument("tests", nargs="*", help="names of tests to run (all by default)")
    arguments = parser.parse_args()
    context = Context(arguments.base, arguments.artifacts, arguments.chromium, arguments.chromedriver,
                      arguments.cancel_steps)
    failures = run(context, set(arguments.tests))
    print(f"{len(TESTS) if not arguments.tests else len(arguments.tests)} browser tests, {failures} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
