"""Rows of the quotes table as the quote stage leaves them (no cluster yet), and a staged
quotes table written from them the way the flow's batches write it, for the clustering tests."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tasks.publish.schema import QUOTES
from tasks.records import content_id


def quote_row(
    article_id: str,
    text: str,
    speaker: str | None = "Volodymyr Zelensky",
    speaker_entity_id: str | None = None,
    quote_id: str | None = None,
) -> dict:
    """A full quotes row for `text`, quoted whole in article `article_id`."""
    return {
        "quote_id": quote_id or content_id(article_id, text),
        "article_id": article_id,
        "text": text,
        "text_normalized": text,
        "speaker": speaker,
        "speaker_entity_id": speaker_entity_id,
        "speaker_surface": None,
        "verb": None,
        "start": 0,
        "end": len(text),
        "is_partial": False,
        "is_headline": False,
        "quote_cluster_id": None,
    }


def write_staged(path: Path, rows: list[dict], rows_per_group: int) -> Path:
    """`rows` as a quotes table of several row groups, as the flow stages a long run."""
    with pq.ParquetWriter(path, QUOTES) as writer:
        for i in range(0, len(rows), rows_per_group):
            writer.write_table(pa.Table.from_pylist(rows[i : i + rows_per_group], schema=QUOTES))
    return path
