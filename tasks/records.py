"""The one record every stage reads and enriches: a document on its way to becoming an article.

A `Doc` is created by ingest and passed, in batches, through every later stage. Each stage fills
in its own fields and leaves the others alone, so a stage can be read (and tested) on its own.
The Arrow schemas in `tasks.publish.schema` decide which of these fields become columns.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


def content_id(*parts: str, size: int = 8) -> str:
    """A short, deterministic hex ID from content (BLAKE2b), so re-runs give the same IDs."""
    h = hashlib.blake2b(digest_size=size)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()


@dataclass
class Quarantined(Exception):
    """Raised by a stage for a document it cannot turn into an article; becomes a quarantine row."""

    reason: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}" if self.detail else self.reason


@dataclass
class Doc:
    # --- ingest: where the document came from and its decoded content
    source_path: str  # relative to the input root; "feed.jsonl:3" for line 3 of a JSONL feed
    source_format: str  # "text" | "html" (a JSONL record takes the format of its content)
    raw: str = ""  # decoded content: the HTML source, or the plain-text dump
    encoding: str | None = None  # detected encoding of the bytes, e.g. "utf-8", "cp1252"
    size_bytes: int = 0
    sha256: str = ""  # of the raw bytes, for duplicate detection and incremental runs
    meta: dict[str, Any] = field(default_factory=dict)  # source-supplied metadata (JSONL fields)

    # --- extract: the article body as published and its metadata
    article_id: str | None = None
    title: str | None = None
    author: str | None = None
    url: str | None = None
    outlet: str | None = None
    published_at: datetime | None = None  # timezone-aware, UTC
    language: str | None = None
    text: str = ""  # body as published, paragraphs separated by one blank line
    extractor: str | None = None  # which method produced `text`
    comments: list[dict[str, Any]] = field(default_factory=list)  # rows of the comments table

    # --- normalise: canonical spellings, with an audit of every change
    text_normalized: str = ""
    title_normalized: str | None = None
    normalizations: list[dict[str, Any]] = field(default_factory=list)  # rows of normalizations

    # --- entities and quotes: rows of their tables, offsets into text_normalized
    mentions: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def word_count(self) -> int:
        return len(self.text.split())

    def quarantine_row(self, stage: str, reason: str, detail: str = "") -> dict[str, Any]:
        return {
            "source_path": self.source_path,
            "source_format": self.source_format,
            "stage": stage,
            "reason": reason,
            "detail": detail[:2000],
            "size_bytes": self.size_bytes,
            "sha256": self.sha256 or None,
        }
