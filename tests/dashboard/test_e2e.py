"""End to end: the real Streamlit server, driven by headless Chromium.

Needs the Debian packages from scripts/install_browser.sh; the browser is the
system one at /usr/bin/chromium (playwright never downloads its own).
Screenshots go to test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from pipeline.store.schema import ReviewRow
from tests.dashboard.conftest import PASSWORD, Store, build_store

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="/usr/bin/chromium missing: run scripts/install_browser.sh"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(base: str, proc: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError("streamlit did not become healthy")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Store]]:
    store = build_store(tmp_path)
    port = _free_port()
    env = {**os.environ, "CALLQA_DATABASE_URL": store.url,
           "CALLQA_RULES_DIR": str(ROOT / "compliance_rules")}
    log = (tmp_path / "streamlit.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
         "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc)
        yield base, store
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _sign_in(page: object, base: str, username: str) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(base)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=re.compile("Overview"))).to_be_visible(timeout=30000)


def _nav(page: object, title: str) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.get_by_test_id("stSidebarNavLink").filter(has_text=title).click()
    expect(page.get_by_role("heading", name=re.compile(title))).to_be_visible(timeout=30000)


def _settle(page: object) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    # Streamlit shows a status widget while the script runs; wait for it to go.
    page.wait_for_timeout(500)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30000)
    page.wait_for_timeout(1500)  # charts render after the script finishes


def test_sign_in_open_call_confirm_finding(server: tuple[str, Store]) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    from playwright.sync_api import expect

    base, store = server
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(base)
            page.get_by_role("textbox", name="Username").fill("auditor1")
            page.get_by_role("textbox", name="Password").fill("not the password")
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_text("Unknown username or wrong password.")).to_be_visible(
                timeout=30000)
            page.screenshot(path=str(ARTIFACTS / "01_sign_in_failed.png"))

            _sign_in(page, base, "auditor1")
            _settle(page)
            page.screenshot(path=str(ARTIFACTS / "02_overview.png"), full_page=True)

            _nav(page, "Review queue")
            _settle(page)
            page.screenshot(path=str(ARTIFACTS / "03_review_queue.png"), full_page=True)
            # Most severe and newest first: the threat on col-002.
            page.get_by_role("button", name="Open call").first.click()
            expect(page.get_by_role("heading", name=re.compile("Call"))).to_be_visible(
                timeout=30000)
            _settle(page)
            expect(page.get_by_text("再不还钱就去你单位闹").first).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "04_call_transcript.png"), full_page=True)

            page.get_by_role("tab", name=re.compile("Findings")).click()
            page.get_by_role("button", name="Confirm").first.click()
            expect(page.get_by_text("CN-THREAT-01: confirm recorded")).to_be_visible(
                timeout=30000)
            _settle(page)
            page.get_by_role("tab", name=re.compile("Findings")).click()
            page.screenshot(path=str(ARTIFACTS / "05_call_confirmed.png"), full_page=True)

            with store.factory() as s:
                rows = [(r.target_key, r.action, r.username)
                        for r in s.scalars(select(ReviewRow))]
            assert rows == [("col-002|CN-THREAT-01|1|3.5", "confirm", "auditor1")]

            # An admin sees every page; keep pictures of the ones auditors cannot open.
            admin = browser.new_page(viewport={"width": 1400, "height": 1000})
            _sign_in(admin, base, "admin1")
            for n, title in enumerate(["Risk queue", "Trainer library", "Rules"], start=6):
                _nav(admin, title)
                _settle(admin)
                name = title.lower().replace(" ", "_")
                admin.screenshot(path=str(ARTIFACTS / f"{n:02d}_{name}.png"), full_page=True)
        finally:
            browser.close()
