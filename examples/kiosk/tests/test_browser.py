"""The kiosk in a real browser: headless Chromium, driven through Selenium,
against `kiosk.py --seed` run as its README says, clicks through check-in,
the promises, a request and the staff agenda, and saves a screenshot of
each screen.

Screenshots go to $KIOSK_SCREENSHOTS (ctest: a folder of the build tree);
examples/kiosk/README.md says how to regenerate docs/img with it.
"""

import datetime as dt
import os
import re
import selectors
import subprocess
import sys

import pytest

from conftest import KIOSK_DIR, require

require("flask", "selenium", "/usr/bin/chromium", "/usr/bin/chromedriver")

import crm  # noqa: E402
import seed  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

PIN = "97531"
WAIT = 20  # seconds for any one page or element; ctest's timeout bounds the whole
SIZE = (1024, 768)
# What the sanitizer build preloads into this interpreter (and the kiosk
# it starts, whose libcrm needs it), which the browser must not inherit.
SANITIZER_ENV = ("LD_PRELOAD", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "PYTHONMALLOC")


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    out = os.environ.get("KIOSK_SCREENSHOTS") or str(tmp_path_factory.mktemp("shots"))
    os.makedirs(out, exist_ok=True)
    return out


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory):
    """`kiosk.py --db FILE --seed --port 0`, as the README runs it; yields
    (base URL, database path)."""
    path = str(tmp_path_factory.mktemp("kiosk") / "kiosk.db")
    env = dict(os.environ, KIOSK_STAFF_PIN=PIN, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, os.path.join(KIOSK_DIR, "kiosk.py"), "--db", path, "--seed",
         "--port", "0", "--tz", "UTC"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        line = read_line(proc, r"serving (http://127\.0\.0\.1:\d+/)", WAIT)
        yield line, path
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def read_line(proc, pattern, seconds):
    """The first group of the first line of proc's output matching pattern,
    waiting at most `seconds`; what it printed is in the failure otherwise."""
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    seen = []
    deadline = dt.datetime.now() + dt.timedelta(seconds=seconds)
    while dt.datetime.now() < deadline:
        if sel.select(timeout=0.2):
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            m = re.search(pattern, line)
            if m:
                return m.group(1)
    pytest.fail(f"kiosk.py did not start (exit {proc.poll()}): {''.join(seen)}", pytrace=False)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--hide-scrollbars",
                "--force-device-scale-factor=1", "--lang=en-GB",
                f"--window-size={SIZE[0]},{SIZE[1]}",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        opts.add_argument(arg)
    env = {k: v for k, v in os.environ.items() if k not in SANITIZER_ENV}
    service = Service("/usr/bin/chromedriver", env=env,
                      log_path=str(tmp_path_factory.mktemp("driver") / "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=opts)
    try:
        with open(f"/proc/{service.process.pid}/environ", "rb") as f:
            started_with = {kv.split(b"=", 1)[0].decode() for kv in f.read().split(b"\0") if kv}
        assert not started_with & set(SANITIZER_ENV), started_with & set(SANITIZER_ENV)
        # the page itself SIZE, whatever the window's frame takes
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": SIZE[0], "height": SIZE[1], "deviceScaleFactor": 1, "mobile": False})
        driver.set_page_load_timeout(WAIT)
        driver.set_script_timeout(WAIT)
        yield driver
    finally:
        driver.quit()


def wait_for(driver, text):
    """Wait until the page's <main> says text; return its words."""
    try:
        WebDriverWait(driver, WAIT).until(
            EC.text_to_be_present_in_element((By.TAG_NAME, "main"), text))
    except Exception:
        pytest.fail(f"the page never said {text!r}; it says: "
                    f"{driver.find_element(By.TAG_NAME, 'body').text!r}", pytrace=False)
    return driver.find_element(By.TAG_NAME, "main").text


def shot(driver, shots, name):
    path = os.path.join(shots, name)
    assert driver.get_screenshot_as_file(path), path
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")) == SIZE


def no_script_ran(driver):
    """No script element in the page and no alert open: markup typed in
    stayed text."""
    assert driver.find_elements(By.TAG_NAME, "script") == []
    assert driver.execute_script("return document.querySelectorAll('img').length") == 0
    try:
        alert = driver.switch_to.alert
    except Exception:
        return
    pytest.fail(f"an alert opened: {alert.text!r}")


def type_into(driver, element_id, text, submit=True):
    field = driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(text)
    if submit:
        field.send_keys(Keys.ENTER)


def start(driver, base):
    driver.get(base)
    wait_for(driver, "Let us find you")


# ---- the journey --------------------------------------------------------------

def test_check_in_see_promises_leave_a_request_staff_sees_it(kiosk, browser, shots):
    base, path = kiosk
    d = browser
    start(d, base)
    assert d.switch_to.active_element == d.find_element(By.ID, "number")  # ready to type
    type_into(d, "number", seed.JANE[1][0], submit=False)
    shot(d, shots, "kiosk-checkin.png")
    d.find_element(By.ID, "number").send_keys(Keys.ENTER)  # keys alone get through

    words = wait_for(d, "Is it you?")
    assert "Jane" not in d.page_source and "refund" not in d.page_source
    born = seed.JANE[3]
    type_into(d, "day", str(born.day), submit=False)
    d.switch_to.active_element.send_keys(Keys.TAB, str(born.month), Keys.TAB, str(born.year))
    assert [d.find_element(By.ID, f).get_attribute("value") for f in ("day", "month", "year")] \
        == [str(born.day), str(born.month), str(born.year)]
    shot(d, shots, "kiosk-verify.png")
    d.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()

    words = wait_for(d, "Hello, Jane")
    with crm.open(path, default_country="GB", readonly=True) as db:
        late = next(p for p in db.promises(customer_id=db.lookup("phone", seed.JANE[1][0]))
                    if p.overdue)
    day = late.due_at
    assert (f"We promised to call you back about your refund by {day:%A} {day.day} {day:%B} "
            "— this is overdue, sorry.") in words
    assert "post you a replacement loyalty card" in words
    overdue = d.find_element(By.CSS_SELECTOR, ".promises li.late")
    assert "OVERDUE" in overdue.text.upper() and "refund" in overdue.text
    shot(d, shots, "kiosk-promises.png")

    d.find_element(By.LINK_TEXT, "Leave a request").click()
    wait_for(d, "What can we do for you, Jane?")
    type_into(d, "text", "Please call me about my bill", submit=False)
    d.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()
    words = wait_for(d, "Thank you, Jane")
    assert ("We promised to get back to you about your request “Please call me about my bill” "
            "by ") in words
    shot(d, shots, "kiosk-request.png")

    d.find_element(By.XPATH, "//button[normalize-space()='Done']").click()
    wait_for(d, "Let us find you")
    assert "Jane" not in d.page_source

    d.get(base + "staff")
    wait_for(d, "Staff only")
    type_into(d, "pin", PIN)
    words = wait_for(d, "Agenda")
    rows = [r.text for r in d.find_elements(By.CSS_SELECTOR, "table.agenda tbody tr")]
    mine = [r for r in rows if "call me about my bill" in r]
    assert len(mine) == 1, rows
    assert "Jane Doe" in mine[0] and "team:front-desk" in mine[0]
    assert "PROMISE DUE" in mine[0].upper()
    assert any("refund" in r and "OVERDUE PROMISE" in r.upper() for r in rows)
    shot(d, shots, "kiosk-staff.png")
    d.find_element(By.XPATH, "//button[normalize-space()='Lock']").click()
    wait_for(d, "Let us find you")


# ---- bad input ------------------------------------------------------------------

def test_markup_in_a_request_stays_text_for_the_customer_and_for_staff(kiosk, browser):
    base, _path = kiosk
    d = browser
    start(d, base)
    type_into(d, "number", seed.SAM[2])
    wait_for(d, "Is it you?")
    born = seed.SAM[3]
    for field, value in (("day", born.day), ("month", born.month), ("year", born.year)):
        type_into(d, field, str(value), submit=False)
    d.find_element(By.ID, "year").send_keys(Keys.ENTER)
    wait_for(d, "Hello, Sam")
    d.find_element(By.LINK_TEXT, "Leave a request").click()
    wait_for(d, "What can we do for you, Sam?")
    typed = "<b>urgent</b> <script>alert('x')</script> ring me"
    type_into(d, "text", typed, submit=False)
    d.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()
    assert typed in wait_for(d, "Thank you, Sam")  # the very characters, as words
    no_script_ran(d)
    assert d.find_elements(By.CSS_SELECTOR, "main b") == []
    d.find_element(By.XPATH, "//button[normalize-space()='Done']").click()
    wait_for(d, "Let us find you")
    d.get(base + "staff")
    wait_for(d, "Staff only")
    type_into(d, "pin", PIN)
    assert typed in wait_for(d, "Agenda")
    no_script_ran(d)
    assert d.find_elements(By.CSS_SELECTOR, "main b") == []
    d.find_element(By.XPATH, "//button[normalize-space()='Lock']").click()
    wait_for(d, "Let us find you")


@pytest.mark.parametrize("typed, says", [
    ("", "Please type your phone number or loyalty card number."),
    ("<script>alert('hi')</script>", "does not look like a phone or card number"),
    ('"><img src=x onerror=alert(1)>', "does not look like a phone or card number"),
])
def test_bad_numbers_get_a_friendly_sentence(kiosk, browser, typed, says):
    base, _path = kiosk
    start(browser, base)
    type_into(browser, "number", typed)
    words = wait_for(browser, says)
    assert "<script" not in browser.page_source and "onerror" not in browser.page_source
    assert "alert" not in words
    no_script_ran(browser)
    error = browser.find_element(By.CSS_SELECTOR, "[role=alert]")
    field = browser.find_element(By.ID, "number")
    assert field.get_attribute("aria-invalid") == "true"
    assert error.get_attribute("id") in field.get_attribute("aria-describedby").split()


def test_an_unknown_number_is_told_apart_only_after_the_birth_date(kiosk, browser):
    base, _path = kiosk
    start(browser, base)
    type_into(browser, "number", "07700 900999")
    wait_for(browser, "Is it you?")
    for field, value in (("day", "1"), ("month", "2"), ("year", "1990")):
        type_into(browser, field, value, submit=False)
    browser.find_element(By.ID, "year").send_keys(Keys.ENTER)
    wait_for(browser, "We could not match that number and date of birth")


# ---- for people, at a distance and by keys ------------------------------------------

def luminance(css):
    r, g, b = (int(x) / 255 for x in re.findall(r"[\d.]+", css)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(fg, bg):
    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


STYLE = """const s = getComputedStyle(arguments[0]); const r = arguments[0].getBoundingClientRect();
return [s.color, s.backgroundColor, parseFloat(s.fontSize), r.height, r.width,
        s.outlineStyle, parseFloat(s.outlineWidth), s.boxShadow];"""


def test_large_high_contrast_labelled_and_usable_by_keys(kiosk, browser):
    base, _path = kiosk
    d = browser
    start(d, base)
    assert d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en-GB"
    assert len(d.find_elements(By.TAG_NAME, "h1")) == 1
    for page in (base, base + "staff"):
        d.get(page)
        for field in d.find_elements(By.CSS_SELECTOR, "input:not([type=hidden]), textarea"):
            fid = field.get_attribute("id")
            assert fid and d.find_elements(By.CSS_SELECTOR, f"label[for='{fid}']"), page
    start(d, base)
    body = d.execute_script(STYLE, d.find_element(By.TAG_NAME, "main"))
    assert body[2] >= 20  # px: readable from a step away
    h1 = d.execute_script(STYLE, d.find_element(By.TAG_NAME, "h1"))
    assert h1[2] >= 40 and contrast(h1[0], "rgb(255, 255, 255)") >= 7
    button = d.find_element(By.CSS_SELECTOR, "button[type=submit]")
    color, bg, size, height, width = d.execute_script(STYLE, button)[:5]
    assert size >= 24 and height >= 64 and width >= 200  # a finger's target
    assert contrast(color, bg) >= 7
    # Tab reaches the button from the field, and focus shows plainly.
    field = d.find_element(By.ID, "number")
    field.click()
    focused = d.execute_script(STYLE, field)
    assert focused[5] == "solid" and focused[6] >= 3 and focused[7] != "none"
    field.send_keys(Keys.TAB)
    assert d.switch_to.active_element == button
    style = d.execute_script(STYLE, button)
    assert style[5] == "solid" and style[6] >= 3 and style[7] != "none"
