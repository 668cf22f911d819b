"""report.html in a real headless browser (Debian's chromium): filters, search, drill-down, escaping."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.reports.sample import XSS_NAME

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="needs Debian's chromium: apt-get install chromium chromium-driver"),
]


@pytest.fixture(scope="module")
def browser():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:  # chromium is there, so the browser tests must run: say what is missing
        pytest.fail("chromium is installed but selenium is not: pip install 'selenium>=4.20,<5'")
    profile = tempfile.mkdtemp(prefix="report-browser-")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1440,2000", f"--user-data-dir={profile}"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_report(driver, directory: Path):
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get((directory / "report.html").as_uri())
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.documentElement.dataset.ready"))


def no_alert(driver) -> bool:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        driver.switch_to.alert  # noqa: B018 - raises when there is none
    except NoAlertPresentException:
        return True
    return False


def section(driver, checklist_id):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, f'section[data-checklist="{checklist_id}"]')


class Row:
    """What the browser reports about one matrix row (read in one round trip per call)."""

    def __init__(self, attributes):
        self.attributes = attributes

    def get_attribute(self, name):
        return self.attributes.get(name)


def visible_items(sec):
    """The matrix rows the browser actually lays out (hidden rows have no layout box)."""
    rows = sec.parent.execute_script(
        "return Array.from(arguments[0].querySelectorAll('tr.item'))"
        ".filter(r => r.getClientRects().length > 0)"
        ".map(r => ({'data-item': r.dataset.item, 'data-status': r.dataset.status,"
        " 'data-clouds': r.dataset.clouds, 'data-group': r.dataset.group}))",
        sec,
    )
    return [Row(r) for r in rows]


def test_matrix_renders_and_nothing_is_fetched(browser, written):
    _, directory, results = written
    open_report(browser, directory)
    for checklist in results["checklists"]:
        rows = visible_items(section(browser, checklist["id"]))
        assert [r.get_attribute("data-item") for r in rows] == [i["item_id"] for i in checklist["items"]]
    resources = browser.execute_script("return performance.getEntriesByType('resource').length")
    assert resources == 0, "the report must open offline: nothing may be fetched"
    assert no_alert(browser)


def test_status_section_cloud_filters_and_search_hide_rows(browser, written):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    _, directory, results = written
    open_report(browser, directory)
    sec = section(browser, "ext-service-requirements")
    items = next(c for c in results["checklists"] if c["id"] == "ext-service-requirements")["items"]
    total = len(items)
    Select(sec.find_element(By.CSS_SELECTOR, 'select[data-filter="status"]')).select_by_value("FAIL")
    rows = visible_items(sec)
    assert {r.get_attribute("data-status") for r in rows} == {"FAIL"}
    assert len(rows) == sum(1 for i in items if i["status"] == "FAIL")
    assert sec.find_element(By.CSS_SELECTOR, "[data-count]").text == f"{len(rows)} / {total}"
    Select(sec.find_element(By.CSS_SELECTOR, 'select[data-filter="status"]')).select_by_value("")
    assert len(visible_items(sec)) == total

    Select(sec.find_element(By.CSS_SELECTOR, 'select[data-filter="cloud"]')).select_by_value("azure")
    rows = visible_items(sec)
    assert rows and len(rows) < total
    assert all("azure" in r.get_attribute("data-clouds").split() for r in rows)
    Select(sec.find_element(By.CSS_SELECTOR, 'select[data-filter="cloud"]')).select_by_value("")

    search = sec.find_element(By.CSS_SELECTOR, 'input[data-filter="search"]')
    search.send_keys("国内に保存")
    rows = visible_items(sec)
    assert [r.get_attribute("data-item") for r in rows] == ["25"]
    search.clear()
    search.send_keys("x")
    search.clear()
    browser.execute_script("arguments[0].dispatchEvent(new Event('input'))", search)
    assert len(visible_items(sec)) == total

    annex = section(browser, "infosec-requirements-annex4")
    groups = Select(annex.find_element(By.CSS_SELECTOR, 'select[data-filter="group"]'))
    chosen = groups.options[1].get_attribute("value")
    groups.select_by_value(chosen)
    rows = visible_items(annex)
    assert rows and {r.get_attribute("data-group") for r in rows} == {chosen}


def test_drill_down_from_item_to_finding_to_observed_value(browser, written):
    from selenium.webdriver.common.by import By

    _, directory, results = written
    open_report(browser, directory)
    sec = section(browser, "ext-service-requirements")
    row = sec.find_element(By.CSS_SELECTOR, 'tr.item[data-item="34"]')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
    row.click()
    detail = sec.find_element(By.CSS_SELECTOR, f'tr[data-detail-for="{row.get_attribute("id")}"]')
    assert detail.is_displayed()
    finding_rows = detail.find_elements(By.CSS_SELECTOR, ".item-findings tr.frow")
    expected = [f for f in results["findings"] if f["control_id"] == "encryption.at-rest"]
    assert len(finding_rows) == len(expected)
    hostile = next(r for r in finding_rows if r.find_element(By.CSS_SELECTOR, "td.resource").text == XSS_NAME)
    assert hostile.find_element(By.CSS_SELECTOR, ".badge").text == "× 不適合"
    hostile.click()
    panel = hostile.find_element(By.XPATH, "following-sibling::tr[1]")
    observed = json.loads(panel.find_element(By.CSS_SELECTOR, "pre.observed").text)
    recorded = next(f for f in expected if f["resource_name"] == XSS_NAME)
    assert observed == recorded["observed"]
    text = panel.text
    assert "ec2:DescribeVolumes" in text and "ap-northeast-1" in text and "vol-0bbb" in text
    assert "2026-11-01 09:31:00 JST" in text and "2026-11-01T00:31:00Z" in text
    assert recorded["expected"] in text
    assert no_alert(browser), "the script in the resource name must not run"
    assert browser.execute_script("return document.querySelectorAll('script').length") == 2

    ARTIFACTS.mkdir(exist_ok=True)
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -140)", row)
    browser.save_screenshot(str(ARTIFACTS / "report.png"))
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000


def test_findings_list_filters_and_pages(browser, written):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    _, directory, results = written
    open_report(browser, directory)
    sec = browser.find_element(By.ID, "findings")
    rows = sec.find_elements(By.CSS_SELECTOR, "#findings-body tr.frow")
    assert len(rows) == len(results["findings"])
    assert rows[0].find_element(By.CSS_SELECTOR, ".badge").text == "× 不適合", "failures come first"
    Select(sec.find_element(By.CSS_SELECTOR, 'select[data-ffilter="status"]')).select_by_value("UNKNOWN")
    rows = sec.find_elements(By.CSS_SELECTOR, "#findings-body tr.frow")
    assert len(rows) == sum(1 for f in results["findings"] if f["status"] == "UNKNOWN")
    search = sec.find_element(By.CSS_SELECTOR, 'input[data-ffilter="search"]')
    search.send_keys("guardduty")
    rows = sec.find_elements(By.CSS_SELECTOR, "#findings-body tr.frow")
    assert len(rows) == 1 and "aws.guardduty.enabled" in rows[0].text
    rows[0].click()
    assert "guardduty:ListDetectors" in sec.find_element(By.CSS_SELECTOR, "tr.fdetail").text
