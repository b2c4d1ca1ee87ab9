"""The generated docs: every page, valid HTML, readable without JavaScript, and the index's
search and links working in a real headless Chromium."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import html5lib
import pytest

from faultline.catalog.loader import load_catalog

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "faultline", "docs", "build", str(out)], check=True, capture_output=True)
    return out


def test_one_page_per_playbook_and_an_index(site):
    ids = {e.playbook.id for e in load_catalog()}
    assert {p.stem for p in site.glob("*.html")} == ids | {"index"}
    index = (site / "index.html").read_text()
    for playbook_id in ids:  # every page is reachable without JavaScript
        assert f'href="{playbook_id}.html"' in index


def test_pages_are_valid_html(site):
    parser = html5lib.HTMLParser(strict=True)
    for page in sorted(site.glob("*.html")):
        parser.parse(page.read_bytes())  # raises on any parse error


def test_page_has_every_section_and_says_it_is_generated(site):
    page = (site / "python-module-missing.html").read_text()
    for heading in ("What it means", "Signals it matches", "Diagnosis", "Fix", "Validation", "Why it matters",
                    "Prevention", "Try it locally"):
        assert f"<h2>{heading}</h2>" in page
    assert "Generated from playbooks/build/python-module-missing.yaml; do not edit." in page


def test_markdown_docs_in_the_repository_are_up_to_date(tmp_path):
    subprocess.run([sys.executable, "-m", "faultline", "docs", "build", str(tmp_path), "--format", "markdown"],
                   check=True, capture_output=True)
    committed = ROOT / "docs" / "playbooks"
    generated = {p.name: p.read_text() for p in tmp_path.glob("*.md")}
    assert generated == {p.name: p.read_text() for p in committed.glob("*.md")}, (
        "docs/playbooks is stale: run `faultline docs build docs/playbooks --format markdown`")


def _browser():
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        if os.environ.get("FAULTLINE_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium and chromedriver are required (FAULTLINE_REQUIRE_BROWSER=1)")
        pytest.skip("chromium/chromedriver not installed (Debian: apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(driver), options=options)


def test_search_and_navigation_in_chromium(site, tmp_path):
    from selenium.webdriver.common.by import By

    browser = _browser()
    try:
        browser.get((site / "index.html").as_uri())
        visible = lambda: [e for e in browser.find_elements(By.CSS_SELECTOR, "li[data-search]") if e.is_displayed()]
        everything = len(visible())
        assert everything == len(list(site.glob("*.html"))) - 1
        search = browser.find_element(By.ID, "search")
        assert search.is_displayed()  # shown by the script; hidden when JavaScript is off
        search.send_keys("module import")
        found = visible()
        assert 0 < len(found) < everything
        assert any("python-module-missing" in e.text for e in found)
        browser.save_screenshot(str(tmp_path / "search.png"))
        found[0].find_element(By.TAG_NAME, "a").click()
        assert browser.find_element(By.TAG_NAME, "h1").text
        assert "Generated from playbooks/" in browser.find_element(By.TAG_NAME, "footer").text
        browser.save_screenshot(str(tmp_path / "page.png"))
        assert (tmp_path / "page.png").stat().st_size > 10_000
    finally:
        browser.quit()
