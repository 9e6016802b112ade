"""The Data Docs as a reader sees them: opened in a real headless browser, with no network needed."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tasks.validate import validate_dir, validation_pages

CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"), "/usr/bin/chromium")
                 if p and Path(p).exists()), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")


def rendered_text(page: Path, profile: Path) -> str:
    """The page's DOM after scripts ran, as visible text (tags, scripts and styles dropped)."""
    dom = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--dump-dom", page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout
    assert "<body" in dom, dom[:500]
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", dom, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)))


def test_a_failing_report_shows_the_failure_by_name(broken_report, tmp_path: Path):
    report_dir = broken_report.report_dir
    index = rendered_text(report_dir / "index.html", tmp_path / "profile")
    assert "newsetl data quality: FAILED" in index
    assert "articles.expect_column_values_to_be_unique(article_id)" in index
    assert "entities.expect_column_values_to_be_in_set(type)" in index
    for table in broken_report.rows:
        assert re.search(rf"\b{table} \d+ (FAILED|passed)\b", index), table

    page = rendered_text(report_dir / validation_pages(report_dir)["articles"], tmp_path / "profile")
    assert "Expectation Suite: articles" in page
    assert "Status: Failed" in page
    failed = sum(not o.success for o in broken_report.outcomes if o.table == "articles")
    assert f"Unsuccessful Expectations {failed}" in page
    assert "values must be unique" in page


def test_a_passing_report_shows_every_suite_passed(good_tables: Path, tmp_path: Path):
    report = validate_dir(good_tables, tmp_path / "reports")
    index = rendered_text(tmp_path / "reports" / "index.html", tmp_path / "profile")
    assert "newsetl data quality: PASSED" in index
    for table in report.rows:
        assert re.search(rf"\b{table} \d+ passed 0\b", index), table
    page = rendered_text(tmp_path / "reports" / validation_pages(tmp_path / "reports")["quotes"], tmp_path / "profile")
    assert "Expectation Suite: quotes" in page and "Status: Succeeded" in page
