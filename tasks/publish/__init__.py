"""Publish: turn documents into table rows, stage them as Parquet, then swap them in atomically.

Tables are written aside (`<output>/.staging/<run>/`), validated there, and only then moved over
the published ones with `os.replace`, so a reader never sees a half-written file and a failed
validation leaves the last good tables in place.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.publish.schema import TABLES
from tasks.records import Doc

STAGING = ".staging"
MANIFEST = "_manifest.json"


def article_row(doc: Doc, lexicon_version: str | None) -> dict[str, Any]:
    return {
        "article_id": doc.article_id,
        "source_path": doc.source_path,
        "source_format": doc.source_format,
        "encoding": doc.encoding,
        "url": doc.url,
        "outlet": doc.outlet,
        "title": doc.title,
        "title_normalized": doc.title_normalized,
        "author": doc.author,
        "published_at": doc.published_at,
        "language": doc.language,
        "text": doc.text,
        "text_normalized": doc.text_normalized,
        "word_count": doc.word_count,
        "extractor": doc.extractor,
        "sha256": doc.sha256 or None,
        "lexicon_version": lexicon_version,
    }


def rows_from_docs(docs: Iterable[Doc], lexicon_version: str | None) -> dict[str, list[dict]]:
    """The rows each finished document contributes to each table."""
    rows: dict[str, list[dict]] = {"articles": [], "quotes": [], "entities": [], "comments": [], "normalizations": []}
    for doc in docs:
        rows["articles"].append(article_row(doc, lexicon_version))
        rows["quotes"].extend(doc.quotes)
        rows["entities"].extend(doc.mentions)
        rows["comments"].extend(doc.comments)
        rows["normalizations"].extend(doc.normalizations)
    return rows


class TableWriter:
    """Streams rows into one staged Parquet file per table (a row group per write).

    Memory stays bounded by the batch, not the corpus. Every table in `TABLES` is written, empty
    or not, so readers can rely on all of them existing.
    """

    def __init__(self, staging_dir: Path, metadata: dict[str, str] | None = None):
        self.dir = Path(staging_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.metadata = {f"newsetl.{k}": str(v) for k, v in (metadata or {}).items() if v is not None}
        self._writers: dict[str, pq.ParquetWriter] = {}
        self.counts: dict[str, int] = dict.fromkeys(TABLES, 0)

    def path(self, table: str) -> Path:
        return self.dir / f"{table}.parquet"

    def _writer(self, table: str) -> pq.ParquetWriter:
        if table not in self._writers:
            schema = TABLES[table].with_metadata({**self.metadata, "newsetl.table": table})
            self._writers[table] = pq.ParquetWriter(self.path(table), schema, compression="zstd")
        return self._writers[table]

    def write(self, table: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        batch = pa.Table.from_pylist(rows, schema=TABLES[table])
        self._writer(table).write_table(batch.replace_schema_metadata(self._writer(table).schema.metadata))
        self.counts[table] += len(rows)

    def write_all(self, rows_by_table: dict[str, list[dict]]) -> None:
        for table, rows in rows_by_table.items():
            self.write(table, rows)

    def close(self) -> dict[str, Path]:
        for table in TABLES:
            self._writer(table)  # creates the file of a table that got no rows
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()
        return {table: self.path(table) for table in TABLES}


def staging_dir(output_dir: Path, run_id: str) -> Path:
    return Path(output_dir) / STAGING / run_id


def publish_staged(staged: Path, output_dir: Path, manifest: dict[str, Any]) -> dict[str, Path]:
    """Move every staged table over the published one (atomic per file), then the manifest."""
    output_dir = Path(output_dir)
    published = {}
    for table in TABLES:
        src = staged / f"{table}.parquet"
        dst = output_dir / f"{table}.parquet"
        os.replace(src, dst)
        published[table] = dst
    tmp = output_dir / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n")
    os.replace(tmp, output_dir / MANIFEST)
    discard_staged(staged)
    return published


def discard_staged(staged: Path) -> None:
    shutil.rmtree(staged, ignore_errors=True)
    parent = staged.parent
    if parent.name == STAGING and parent.exists() and not any(parent.iterdir()):
        parent.rmdir()


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(staged: Path, output_dir: Path, manifest: dict[str, Any]) -> dict[str, Path]:
    return publish_staged(staged, output_dir, manifest)
