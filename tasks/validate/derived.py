"""Columns computed for validation only: facts that need more than one row or one table.

GX expectations judge one table at a time, so cross-row and cross-table facts (does an offset
point at its surface in the article's text?) are computed here as `check_*` columns that the
suites in `expectations/` then require to be true. Nothing here is published.
"""

from __future__ import annotations

import pandas as pd


def _texts(articles: pd.DataFrame, column: str) -> dict[str, str]:
    return dict(zip(articles["article_id"], articles[column], strict=True))


def span_matches(frame: pd.DataFrame, texts: dict[str, str], value_col: str, titles: dict[str, str] | None = None) -> list[bool]:
    """Whether text[start:end] equals the row's value, for each row (False when the article is missing)."""
    out = []
    headline = frame["is_headline"] if titles is not None and "is_headline" in frame else None
    for i, (article_id, start, end, value) in enumerate(
        zip(frame["article_id"], frame["start"], frame["end"], frame[value_col], strict=True)
    ):
        source = titles if headline is not None and bool(headline.iloc[i]) else texts
        text = source.get(article_id) if source is not None else None
        out.append(
            isinstance(text, str) and 0 <= int(start) <= int(end) <= len(text) and text[int(start) : int(end)] == value
        )
    return out


def add_derived_columns(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Add the `check_*` columns the suites expect; returns new frames, inputs untouched."""
    frames = dict(frames)
    articles = frames["articles"]
    texts = _texts(articles, "text_normalized")
    titles = _texts(articles, "title_normalized")
    if "quotes" in frames:
        q = frames["quotes"].copy()
        q["check_offsets_match"] = pd.Series(span_matches(q, texts, "text_normalized", titles), index=q.index, dtype=bool)
        frames["quotes"] = q
    if "entities" in frames:
        e = frames["entities"].copy()
        e["check_offsets_match"] = pd.Series(span_matches(e, texts, "surface"), index=e.index, dtype=bool)
        frames["entities"] = e
    return frames


def expectation_parameters(frames: dict[str, pd.DataFrame]) -> dict[str, object]:
    """Run-time values the suites refer to with {"$PARAMETER": name}."""
    params: dict[str, object] = {
        "article_ids": sorted(set(frames["articles"]["article_id"])),
        "now": pd.Timestamp.now(tz="UTC").isoformat(),
    }
    if "entity_catalog" in frames:
        params["catalog_entity_ids"] = sorted(set(frames["entity_catalog"]["entity_id"]))
    return params
