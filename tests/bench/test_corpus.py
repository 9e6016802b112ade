"""The benchmark corpus: same articles as text and HTML, distinct, heavy like real pages, repeatable."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
N = 30


def _generate(out: Path, seed: int = 0) -> Path:
    subprocess.run(
        [sys.executable, "-m", "bench.corpus", str(out), "-n", str(N), "--seed", str(seed)],
        check=True, cwd=ROOT, capture_output=True,
    )
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return _generate(tmp_path_factory.mktemp("corpus"))


def test_every_article_exists_as_text_and_as_html(corpus: Path):
    texts = sorted(p.stem for p in (corpus / "text").iterdir())
    pages = sorted(p.stem for p in (corpus / "html").iterdir())
    assert texts == pages and len(texts) == N
    for stem in texts[:5]:
        text = (corpus / "text" / f"{stem}.txt").read_text()
        page = (corpus / "html" / f"{stem}.html").read_text()
        title = re.search(r"<h1>(.*?)</h1>", page).group(1)
        assert title in text


def test_pages_weigh_40_to_100_kb_with_scripts_menus_sidebars_and_comments(corpus: Path):
    pages = [p.read_text() for p in (corpus / "html").iterdir()]
    sizes = [len(p.encode()) for p in pages]
    assert all(40_000 <= s <= 100_000 for s in sizes), (min(sizes), max(sizes))
    for page in pages:
        assert page.count("<script>") >= 2 and 'class="menu"' in page and 'class="rail' in page
    assert sum('class="comment"' in p for p in pages) > N // 2


def test_text_dumps_carry_furniture_and_comment_threads(corpus: Path):
    texts = [p.read_text() for p in (corpus / "text").iterdir()]
    assert all("READ MORE:" in t and "Top stories" in t for t in texts)
    assert sum("[Reply](#)" in t for t in texts) > N // 2


def test_every_article_is_distinct(corpus: Path):
    bodies = [p.read_text().split("By ", 1)[1] for p in (corpus / "text").iterdir()]
    assert len({hashlib.sha256(b.encode()).hexdigest() for b in bodies}) == N


def test_the_same_seed_gives_the_same_bytes_and_another_seed_does_not(corpus: Path, tmp_path: Path):
    again = _generate(tmp_path / "again")
    other = _generate(tmp_path / "other", seed=1)
    for fmt, ext in (("text", "txt"), ("html", "html")):
        for stem in ("0000000", "0000017"):
            original = (corpus / fmt / f"{stem}.{ext}").read_bytes()
            assert (again / fmt / f"{stem}.{ext}").read_bytes() == original
            assert (other / fmt / f"{stem}.{ext}").read_bytes() != original
