"""The stage contract: fields set on the Doc, feed metadata precedence, quarantine reasons."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from tasks.extract import MIN_WORDS, extract_batch, extract_doc
from tasks.records import Doc, Quarantined, content_id

SEED0 = next((Path(__file__).parent / "devset" / "text").glob("seed_000_*.txt")).read_text(encoding="utf-8")


def test_seed_doc_fields():
    doc = Doc(source_path="000.txt", source_format="text", raw=SEED0)
    extract_doc(doc)
    assert doc.title == "Zelensky rules out territorial concessions to Russia"
    assert doc.published_at == datetime(2025, 9, 26, 16, 44, tzinfo=timezone.utc)
    assert doc.language == "en" and doc.outlet == "RT" and doc.extractor == "text-classifier"
    assert doc.article_id == content_id(doc.text)
    assert doc.text == doc.text.strip() and "\n\n\n" not in doc.text
    assert "Top stories" not in doc.text and "[Reply]" not in doc.text
    assert "sometime in the future by diplomatic way" in doc.text
    assert [c["position"] for c in doc.comments] == list(range(6))
    assert set(doc.comments[0]) == {"article_id", "author", "posted_at", "text", "position"}
    assert doc.comments[0]["article_id"] == doc.article_id
    assert doc.comments[0]["posted_at"] == datetime(2025, 9, 26, 19, 51, tzinfo=timezone.utc)


def test_feed_metadata_wins():
    meta = {"title": "Feed title", "outlet": "Feed Outlet", "author": "A. Writer",
            "published_at": "2025-01-02T03:04:05Z", "language": "EN", "url": "https://x.example/a"}
    doc = Doc(source_path="f.jsonl:1", source_format="text", raw=SEED0, meta=meta)
    extract_doc(doc)
    assert (doc.title, doc.outlet, doc.author, doc.url, doc.language) == (
        "Feed title", "Feed Outlet", "A. Writer", "https://x.example/a", "en")
    assert doc.published_at == datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def test_future_date_is_dropped():
    raw = "Published 12 March 2099 10:00\n\n" + "The council approved the budget on Monday after a long debate. " * 6
    doc = Doc(source_path="f.txt", source_format="text", raw=raw)
    extract_doc(doc)
    assert doc.published_at is None


def test_too_short_and_empty_are_quarantined():
    with pytest.raises(Quarantined) as exc:
        extract_doc(Doc(source_path="s", source_format="text", raw="Home\n\nThe minister resigned on Friday after a long and bitter vote in parliament over the budget.\n"))
    assert exc.value.reason == "too-short" and MIN_WORDS == 25
    with pytest.raises(Quarantined) as exc:
        extract_doc(Doc(source_path="e", source_format="text", raw="  \n"))
    assert exc.value.reason == "no-article-text"


def test_batch_task_quarantines_without_stopping():
    docs = [Doc(source_path="a", source_format="text", raw=SEED0), Doc(source_path="b", source_format="text", raw="")]
    result = extract_batch.fn(docs)
    assert [d.source_path for d in result.docs] == ["a"]
    assert result.quarantined[0]["reason"] == "no-article-text"
    assert result.stats["out"] == 1
