"""The extract stage: the article body and its metadata from raw HTML or a plain-text dump.

HTML goes to trafilatura (tasks/extract/html.py); text dumps, which trafilatura rejects, go to a
line classifier (tasks/extract/text_cleaner.py). Metadata from the source feed wins over
anything guessed from the page.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.batch import StageResult, run_stage
from tasks.extract.dates import not_future, parse_date
from tasks.extract.html import extract_html
from tasks.extract.text_cleaner import CleanedText, clean_text, norm_key, word_estimate
from tasks.records import Doc, Quarantined, content_id

__all__ = ["extract_doc", "extract_batch", "clean_text", "CleanedText", "extract_html", "MIN_WORDS"]

# A body under this many words is a teaser, a stub or a furniture-only page, not an article:
# the shortest real news briefs run to two or three sentences (about 30-40 words). Chinese,
# Japanese and Korean text counts about two characters per word.
MIN_WORDS = 25

_LOOKS_HTML = re.compile(r"^\s*(?:<!doctype html|<html\b|<\?xml[^>]*>\s*<html\b)", re.I)


def _language(text: str) -> str | None:
    import py3langid

    lang, _ = py3langid.classify(text[:600])  # cost grows with length; 600 chars of prose suffice
    return lang or None


def _as_utc(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    else:
        parsed = parse_date(str(value))
    return not_future(parsed)


def _same(a: str, b: str) -> bool:
    return norm_key(a) == norm_key(b)


def extract_doc(doc: Doc) -> None:
    """Fill the extract fields of `doc` in place; raise Quarantined when no article survives."""
    meta = doc.meta or {}
    raw = doc.raw or ""
    if not raw.strip():
        raise Quarantined("no-article-text", "empty input")
    is_html = doc.source_format == "html" or bool(_LOOKS_HTML.match(raw[:500]))
    if is_html:
        found = extract_html(raw, url=meta.get("url"))
        paragraphs, title, author = found.paragraphs, found.title, found.author
        url, outlet, published, comments = found.url, found.outlet, found.published_at, found.comments
        extractor = found.extractor
    else:
        cleaned = clean_text(raw, title_hint=meta.get("title") or None)
        paragraphs, title, author = cleaned.paragraphs, cleaned.title, cleaned.author
        url, outlet, published, comments = None, cleaned.outlet, cleaned.published_at, cleaned.comments
        extractor = "text-classifier"

    title = (meta.get("title") or title or None) and str(meta.get("title") or title).strip()
    # The headline is metadata, not the first paragraph of the body.
    while paragraphs and title and _same(paragraphs[0], title):
        paragraphs = paragraphs[1:]
    text = "\n\n".join(p.strip() for p in paragraphs if p.strip())
    if not text:
        raise Quarantined("no-article-text", f"{extractor} kept no body lines")
    words = word_estimate(text)
    if words < MIN_WORDS:
        raise Quarantined("too-short", f"{words} words (< {MIN_WORDS})")

    doc.text = text
    doc.title = title or None
    doc.author = meta.get("author") or author
    doc.url = meta.get("url") or url
    doc.outlet = meta.get("outlet") or outlet
    doc.published_at = _as_utc(meta.get("published_at")) or not_future(published)
    doc.language = (str(meta["language"]).lower()[:2] if meta.get("language") else None) or _language(text)
    doc.extractor = extractor
    doc.article_id = content_id(doc.text)
    doc.comments = [
        {
            "article_id": doc.article_id,
            "author": c.get("author"),
            "posted_at": c.get("posted_at"),
            "text": c["text"],
            "position": position,
        }
        for position, c in enumerate(comments)
    ]


@task(name="extract", cache_policy=NO_CACHE)
def extract_batch(docs: list[Doc]) -> StageResult:
    return run_stage("extract", extract_doc, docs)
