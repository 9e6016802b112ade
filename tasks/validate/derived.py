"""Columns computed for validation only: facts that need more than one row, one table, or code.

GX expectations judge one table at a time, so cross-row and cross-table facts (does an offset
point at its surface in the article's text?) and facts that need the project's own rules (is a
line page furniture? is a spelling one the lexicon replaces?) are computed here as `check_*`
columns. Each holds the evidence of a problem, or null when the row is fine, and the suites in
`expectations/` require them to be null, so a failing report shows the offending value.
Nothing here is published.
"""

from __future__ import annotations

import pandas as pd

from tasks.validate.checks import furniture_line, span_mismatch, variant_spelling

# Table -> the columns added here (the suites' column sets list them after the schema's).
DERIVED_COLUMNS: dict[str, list[str]] = {
    "articles": ["check_furniture_line", "check_variant_spelling"],
    "quotes": ["check_orphan_article_id", "check_orphan_speaker_entity_id", "check_span_mismatch"],
    "entities": ["check_orphan_article_id", "check_orphan_entity_id", "check_span_mismatch"],
    "comments": ["check_orphan_article_id"],
    "normalizations": ["check_orphan_article_id", "check_span_mismatch"],
    "duplicates": ["check_orphan_article_id", "check_orphan_duplicate_of", "check_source_also_article"],
    "quarantine": ["check_source_also_article"],
}


def _texts(articles: pd.DataFrame, column: str) -> dict[str, str]:
    return dict(zip(articles["article_id"], articles[column], strict=True))


def _evidence(values: list[str | None], index: pd.Index) -> pd.Series:
    return pd.Series(values, index=index, dtype="str")


def span_mismatches(frame: pd.DataFrame, value_col: str, text_of) -> list[str | None]:
    """For each row, why `text_of(row)[start:end]` is not the row's `value_col`, or None."""
    return [
        span_mismatch(text_of(row), row["start"], row["end"], row[value_col])
        for row in frame[["article_id", "start", "end", value_col, *_extra(frame)]].to_dict("records")
    ]


def _extra(frame: pd.DataFrame) -> list[str]:
    return [c for c in ("is_headline", "field") if c in frame.columns]


def add_derived_columns(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Add the `check_*` columns the suites expect; returns new frames, inputs untouched."""
    frames = dict(frames)
    articles = frames["articles"].copy()
    normalised = _texts(articles, "text_normalized")
    normalised_titles = _texts(articles, "title_normalized")
    published = _texts(articles, "text")
    published_titles = _texts(articles, "title")

    articles["check_furniture_line"] = _evidence([furniture_line(t) for t in articles["text"]], articles.index)
    articles["check_variant_spelling"] = _evidence(
        [variant_spelling(t) for t in articles["text_normalized"]], articles.index
    )
    frames["articles"] = articles

    def quote_text(row):
        source = normalised_titles if _is_true(row.get("is_headline")) else normalised
        return source.get(row["article_id"])

    def mention_text(row):
        return normalised.get(row["article_id"])

    def published_field(row):
        return (published_titles if row.get("field") == "title" else published).get(row["article_id"])

    for table, value_col, text_of in (
        ("quotes", "text_normalized", quote_text),
        ("entities", "surface", mention_text),
        ("normalizations", "original", published_field),
    ):
        if table in frames:
            frame = frames[table].copy()
            frame["check_span_mismatch"] = _evidence(span_mismatches(frame, value_col, text_of), frame.index)
            frames[table] = frame
    return add_reference_columns(frames)


def _orphans(values: pd.Series, known: set) -> pd.Series:
    """The value where it is set but not among `known` (a broken reference), else null."""
    present = values.notna()
    broken = present & ~values.isin(known)
    return _evidence([v if b else None for v, b in zip(values, broken, strict=True)], values.index)


def add_reference_columns(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Referential integrity as `check_orphan_*` columns (the evidence is the dangling key).

    Computed here rather than with a `$PARAMETER` value set so that the Data Docs do not list
    every article ID, and large runs stay fast.
    """
    frames = dict(frames)
    article_ids = set(frames["articles"]["article_id"].dropna())
    article_paths = set(frames["articles"]["source_path"].dropna())
    entity_ids = set(frames["entity_catalog"]["entity_id"].dropna()) if "entity_catalog" in frames else set()
    refs = {
        "quotes": [("check_orphan_article_id", "article_id", article_ids),
                   ("check_orphan_speaker_entity_id", "speaker_entity_id", entity_ids)],
        "entities": [("check_orphan_article_id", "article_id", article_ids),
                     ("check_orphan_entity_id", "entity_id", entity_ids)],
        "comments": [("check_orphan_article_id", "article_id", article_ids)],
        "normalizations": [("check_orphan_article_id", "article_id", article_ids)],
        "duplicates": [("check_orphan_article_id", "article_id", article_ids),
                       ("check_orphan_duplicate_of", "duplicate_of", article_paths)],
    }
    for table, checks in refs.items():
        if table in frames:
            frame = frames[table].copy()
            for name, column, known in checks:
                frame[name] = _orphans(frame[column], known)
            frames[table] = frame
    # An input is an article, a duplicate or quarantined: never two of them.
    for table in ("duplicates", "quarantine"):
        if table in frames:
            frame = frames[table].copy()
            paths = frame["source_path"]
            also = paths.notna() & paths.isin(article_paths)
            frame["check_source_also_article"] = _evidence(
                [p if a else None for p, a in zip(paths, also, strict=True)], frame.index
            )
            frames[table] = frame
    return frames


def _is_true(value) -> bool:
    return value is True or (value is not None and not pd.isna(value) and bool(value))


def expectation_parameters() -> dict[str, object]:
    """Run-time values the suites refer to with {"$PARAMETER": name}."""
    return {"now": pd.Timestamp.now(tz="UTC").isoformat()}
