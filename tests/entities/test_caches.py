"""The matcher's caches only save work: emptied, or bounded to a few entries, answers stay the same."""

from __future__ import annotations

from pathlib import Path

import yaml

from tasks.entities import catalog as catalog_module
from tasks.entities import find_mentions, matcher
from tasks.entities.catalog import _fold, fold, load_catalog

DEVSET = Path(__file__).parent / "devset"


def _texts() -> list[str]:
    return [yaml.safe_load(p.read_text(encoding="utf-8"))["text"] for p in sorted(DEVSET.glob("*.yaml"))]


def test_tiny_caches_give_the_same_mentions(monkeypatch):
    texts = _texts()
    expected = [find_mentions(t) for t in texts]
    monkeypatch.setattr(catalog_module.fold, "maxsize", 3)
    monkeypatch.setattr(matcher, "_FIRST_WORDS_MAX", 2)
    fold.cache_clear()
    load_catalog().case_cache.clear()
    assert [find_mentions(t) for t in texts] == expected
    assert len(fold) <= 3
    assert len(load_catalog().case_cache) <= 2


def test_fold_is_the_uncached_fold():
    for token in ["Kyiv", "Kyiv’s", "ZELENSKYY", "Ésé", "ﬁnal", "Київ", "x\u0301", "'S", "3RD", ""]:
        assert fold(token) == _fold(token)
