"""Tables for the validation tests, built from real seed articles with the project's own stages.

Two seed bodies go through the real normaliser and entity matcher; quotes are located in the
normalised text by their quote marks. Tests then doctor a copy of these tables one fault at a time.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tasks.publish.schema import TABLES
from tasks.records import Doc, content_id

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
QUOTE = re.compile(r"“([^”]{3,})”")


def _body(seed: str, skip_lines: int = 0) -> str:
    lines = [ln.strip() for ln in (SEEDS / seed).read_text(encoding="utf-8").splitlines() if ln.strip()]
    return "\n\n".join(lines[skip_lines:])


def make_doc(source_path: str, title: str, text: str, published_at: datetime | None) -> Doc:
    """A finished article, as the stages before validation leave it."""
    from tasks.entities import find_mentions
    from tasks.normalise import normalize_text

    doc = Doc(source_path=source_path, source_format="text", encoding="utf-8", size_bytes=len(text.encode()))
    doc.sha256 = content_id(text, size=32)
    doc.text, doc.title, doc.published_at, doc.language = text, title, published_at, "en"
    doc.article_id = content_id(text)
    body, head = normalize_text(text), normalize_text(title)
    doc.text_normalized, doc.title_normalized = body.text, head.text
    doc.normalizations = [
        {"article_id": doc.article_id, "field": field, "start": c.start, "end": c.end,
         "original": c.original, "replacement": c.replacement, "rule": c.rule}
        for field, result in (("text", body), ("title", head))
        for c in result.changes
    ]
    doc.mentions = [{"article_id": doc.article_id, **m} for m in find_mentions(doc.text_normalized)]
    doc.quotes = [
        {"quote_id": content_id(doc.article_id, str(m.start(1))), "article_id": doc.article_id,
         "text": m.group(1), "text_normalized": m.group(1), "speaker": "Volodymyr Zelensky",
         "speaker_entity_id": "person:volodymyr-zelensky", "speaker_surface": "Zelensky", "verb": "said",
         "start": m.start(1), "end": m.end(1), "is_partial": False, "is_headline": False,
         "quote_cluster_id": None}
        for m in QUOTE.finditer(doc.text_normalized)
    ]
    doc.comments = [{"article_id": doc.article_id, "author": "reader", "posted_at": published_at,
                     "text": "Thanks for the report.", "position": 0}]
    return doc


def seed_docs() -> list[Doc]:
    return [
        make_doc("002_5dcd03dd6cee76e7.txt", "Zelensky rules out recognising Crimea as Russian",
                 _body("002_5dcd03dd6cee76e7.txt"), datetime(2025, 5, 15, 9, 0, tzinfo=timezone.utc)),
        make_doc("004_786d0f0dc838fab5.txt", "Zelenskyy: Ukraine will never cede occupied territories",
                 _body("004_786d0f0dc838fab5.txt", skip_lines=1), datetime(2025, 3, 27, tzinfo=timezone.utc)),
    ]


def table_rows(docs: list[Doc]) -> dict[str, list[dict]]:
    from tasks.entities import catalog_rows

    rows: dict[str, list[dict]] = {t: [] for t in TABLES}
    for doc in docs:
        rows["articles"].append({
            "article_id": doc.article_id, "source_path": doc.source_path, "source_format": doc.source_format,
            "encoding": doc.encoding, "url": None, "outlet": None, "title": doc.title,
            "title_normalized": doc.title_normalized, "author": None, "published_at": doc.published_at,
            "language": doc.language, "text": doc.text, "text_normalized": doc.text_normalized,
            "word_count": doc.word_count, "extractor": "text-classifier", "sha256": doc.sha256,
            "lexicon_version": "test",
        })
        rows["quotes"] += doc.quotes
        rows["entities"] += doc.mentions
        rows["comments"] += doc.comments
        rows["normalizations"] += doc.normalizations
    used = {m["entity_id"] for m in rows["entities"]} | {"person:volodymyr-zelensky"}
    rows["entity_catalog"] = [r for r in catalog_rows(rows["entities"]) if r["entity_id"] in used]
    rows["duplicates"] = [{"source_path": "copy-of-002.txt", "article_id": docs[0].article_id,
                           "duplicate_of": docs[0].source_path, "kind": "exact"}]
    rows["quarantine"] = [{"source_path": "empty.txt", "source_format": "text", "stage": "extract",
                           "reason": "no-article-text", "detail": "empty input", "size_bytes": 0, "sha256": None}]
    return rows


def write_tables(rows: dict[str, list[dict]], directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for table, schema in TABLES.items():
        pq.write_table(pa.Table.from_pylist(rows.get(table, []), schema=schema), directory / f"{table}.parquet")
    return directory


def copy_rows(rows: dict[str, list[dict]]) -> dict[str, list[dict]]:
    return {t: [dict(r) for r in rs] for t, rs in rows.items()}


FAR_FUTURE = datetime(2099, 1, 1, tzinfo=timezone.utc)
BEFORE_1990 = datetime(1989, 12, 31, tzinfo=timezone.utc)
FURNITURE = "READ MORE: Zelensky rules out territorial concessions"
ORPHAN_ID = "0000000000000000"


def break_rows(rows: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """One fault per critical rule, each in its own row, so one validation run shows them all."""
    rows = copy_rows(rows)
    a = rows["articles"]
    a.append(dict(a[0], source_path="again.txt", published_at=BEFORE_1990))  # duplicate article_id
    a[0]["text"] += f"\n\n{FURNITURE}"
    a[0]["text_normalized"] += f"\n\n{FURNITURE}"
    a[1]["text_normalized"] = a[1]["text_normalized"].replace("Kyiv", "Kiev", 1)  # same length
    a[1]["published_at"] = FAR_FUTURE
    a[1]["word_count"] = 0

    q = rows["quotes"]
    q[0]["start"], q[0]["end"] = q[0]["start"] + 1, q[0]["end"] + 1
    q[1]["article_id"] = ORPHAN_ID
    q[2]["text_normalized"] = "word " * 500
    q.append(dict(q[3]))  # duplicate quote_id

    e = rows["entities"]
    e[0]["start"], e[0]["end"] = e[0]["start"] + 1, e[0]["end"] + 1
    e[1]["article_id"] = ORPHAN_ID
    e[2]["type"] = "PLACE"
    e[3]["entity_id"] = "person:nobody"

    rows["comments"][0]["article_id"] = ORPHAN_ID
    n = rows["normalizations"]
    n[0]["start"], n[0]["end"] = n[0]["start"] + 1, n[0]["end"] + 1
    n[1]["article_id"] = ORPHAN_ID
    rows["duplicates"][0]["article_id"] = ORPHAN_ID
    rows["quarantine"][0]["source_path"] = rows["articles"][1]["source_path"]
    return rows


def break_schema(directory: Path) -> None:
    """A dropped and an added column (comments) and a column of the wrong type (entities.start)."""
    path = directory / "comments.parquet"
    table = pq.read_table(path)
    pq.write_table(table.drop_columns(["author"]).append_column("mood", pa.array(["ok"] * len(table))), path)
    path = directory / "entities.parquet"
    table = pq.read_table(path)
    i = table.schema.get_field_index("start")
    pq.write_table(table.set_column(i, pa.field("start", pa.int64()), table["start"].cast(pa.int64())), path)


@pytest.fixture(scope="session")
def good_rows() -> dict[str, list[dict]]:
    return table_rows(seed_docs())


@pytest.fixture
def good_tables(tmp_path: Path, good_rows) -> Path:
    return write_tables(good_rows, tmp_path / "tables")


@pytest.fixture(scope="session")
def broken_tables(tmp_path_factory, good_rows) -> Path:
    rows = break_rows(good_rows)
    directory = write_tables(rows, tmp_path_factory.mktemp("broken") / "tables")
    break_schema(directory)
    accounted = len(rows["articles"]) + len(rows["duplicates"]) + len(rows["quarantine"])
    (directory / "_manifest.json").write_text(f'{{"inputs": {accounted + 1}}}')  # one input vanished
    return directory


@pytest.fixture(scope="session")
def broken_report(broken_tables: Path):
    from tasks.validate import validate_dir

    return validate_dir(broken_tables, broken_tables.parent / "reports")


@pytest.fixture
def doctored(tmp_path: Path, good_rows) -> Callable[..., Path]:
    """`doctored(table, change)`: the good tables with `change(rows)` applied to one table's rows."""

    def make(table: str, change: Callable[[list[dict]], None]) -> Path:
        rows = copy_rows(good_rows)
        change(rows[table])
        out = tmp_path / f"doctored-{table}"
        shutil.rmtree(out, ignore_errors=True)
        return write_tables(rows, out)

    return make
