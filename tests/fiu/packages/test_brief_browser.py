"""A brief opened in a real headless Chromium: its sections render, and a script planted
in an open-source record's text shows as text and never runs."""
import shutil
from pathlib import Path

import pytest

from fiu.packages.assemble import package_files

from tests.fiu.packages.sample_case import BANK_A, PLANTED_SCRIPT, STAMP, leaky_case

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="Chromium and chromedriver are not installed (apt-get install chromium chromium-driver; .ci/run does it)",
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e .[test])")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=DRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def test_brief_renders_its_sections_and_never_runs_planted_script(browser, tmp_path):
    from selenium.webdriver.common.by import By

    brief = Path(tmp_path / "brief.html")
    brief.write_text(package_files(leaky_case(), BANK_A, STAMP)["brief.html"], encoding="utf-8")
    browser.get(brief.as_uri())
    assert browser.title == "case-0123456789ab for Bank A"
    for section in ("summary", "typology", "timeline", "network", "subjects", "evidence", "open-sources"):
        element = browser.find_element(By.ID, section)
        assert element.is_displayed() and element.size["height"] > 0, section
    assert browser.find_element(By.ID, "status").text == "DRAFT"
    svgs = browser.find_elements(By.CSS_SELECTOR, "svg")
    assert len(svgs) == 2 and all(s.size["width"] > 100 for s in svgs)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#timeline rect.bar-in")) == 2
    assert browser.find_elements(By.CSS_SELECTOR, "#network .node-business")
    # The planted script is on the page as text, and it did not run.
    sources = browser.find_element(By.ID, "open-sources").text
    assert PLANTED_SCRIPT in sources
    assert browser.find_elements(By.TAG_NAME, "script") == []
    assert "PWNED" not in browser.find_element(By.TAG_NAME, "body").text.replace(PLANTED_SCRIPT, "")
    assert browser.execute_script("return document.title") != "pwned"
