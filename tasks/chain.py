"""The per-batch chain of stages, and how its results become rows in input order.

The chain (extract -> normalise -> entities -> quotes -> row checks) is one Prefect task per batch
that may run in another process (a local pool or a Dask worker): it hands back rows, never the
raw pages. `assemble_batch` then runs in the flow's process, which holds the cross-batch dedupe
index, and puts computed and reused (incremental) rows together in input order, so the tables do
not depend on where or how the chain ran.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.batch import without_time_limits
from tasks.dedupe import SeenIndex, drop_body_duplicates
from tasks.entities import entities_batch
from tasks.extract import extract_batch
from tasks.ingest import Source
from tasks.normalise import normalise_batch
from tasks.publish import PreviousRun, rows_from_docs
from tasks.quotes import quotes_batch
from tasks.records import Doc
from tasks.validate.rows import check_rows_batch

LATER_STAGES = ("normalise", "entities", "quotes", "validate")


@dataclass
class ProcessedBatch:
    """What the chain hands back for a batch: rows per finished document, never the raw pages."""

    extracted: dict[str, str] = field(default_factory=dict)  # source_path -> article_id, extract's survivors
    finished: dict[str, dict[str, list[dict]]] = field(default_factory=dict)  # source_path -> table -> rows
    quarantined: dict[str, list[dict]] = field(default_factory=dict)  # stage -> rows
    stats: dict[str, Counter] = field(default_factory=dict)


def process_docs(docs: list[Doc], lexicon_version: str | None) -> ProcessedBatch:
    """extract -> normalise -> entities -> quotes -> row checks over one batch, as plain calls."""
    if not _loaded.is_set():
        # Each document has a time limit; loading every stage's data (a second or more on a busy
        # machine) must not count against whichever document happens to come first.
        with _loading:
            if not _loaded.is_set():
                warm_up()
    return _run_chain(docs, lexicon_version)


def _run_chain(docs: list[Doc], lexicon_version: str | None) -> ProcessedBatch:
    out = ProcessedBatch()
    started = time.process_time()
    extracted = extract_batch.fn(docs)
    extracted.stats["ms"] += round(1000 * (time.process_time() - started))
    for doc in extracted.docs:
        doc.raw = ""  # the page is no longer needed; do not carry it through the chain
    out.extracted = {d.source_path: d.article_id for d in extracted.docs}
    out.quarantined["extract"], out.stats["extract"] = extracted.quarantined, extracted.stats
    current = extracted.docs
    for name, stage in zip(LATER_STAGES, (normalise_batch, entities_batch, quotes_batch, check_rows_batch), strict=True):
        started = time.process_time()
        result = stage.fn(current)
        result.stats["ms"] += round(1000 * (time.process_time() - started))  # CPU time of the process that ran it
        out.quarantined[name], out.stats[name] = result.quarantined, result.stats
        current = result.docs
    for doc in current:
        out.finished[doc.source_path] = rows_from_docs([doc], lexicon_version)
    return out


# One short article in both formats: enough to reach every stage's data files and models.
_WARM_UP_TEXT = (
    "Kyiv talks resume\n\nBy Jane Doe\n\n"
    "KYIV, March 3 (Reuters) - Ukraine's President Volodymyr Zelensky met officials in Kiev on Monday. "
    '"We will keep working," Zelensky said. The talks in Brussels go on, the European Union said.\n'
)


_loaded = threading.Event()  # set once this process has run `warm_up`
_loading = threading.Lock()  # batches that arrive while it runs wait for it


def warm_up() -> ProcessedBatch:
    """Load every stage's patterns, lexicons, catalogue and language model now, by running the
    chain over one short document in each format.

    The pool's fork server calls this once, so each worker forked from it starts with all of it
    in memory (shared, copy-on-write) instead of spending a second of its own on the first batch.
    A process that was not forked from it (a run on one worker, a Dask worker) runs it before
    its first batch.
    """
    html = "<html><head><title>Kyiv talks resume</title></head><body><article>" + "".join(
        f"<p>{line}</p>" for line in _WARM_UP_TEXT.splitlines() if line
    ) + "</article></body></html>"
    with without_time_limits():
        out = _run_chain(
            [
                Doc(source_path="warm-up.txt", source_format="text", raw=_WARM_UP_TEXT),
                Doc(source_path="warm-up.html", source_format="html", raw=html),
            ],
            None,
        )
    _loaded.set()
    return out


class OpaqueDocs:
    """A batch of documents passed to a task as one value Prefect does not look inside.

    Prefect walks list and dataclass arguments item by item looking for futures, about a
    millisecond per document in the flow's process. (Its `quote` annotation would do, but does
    not survive pickling to a Dask worker.)
    """

    __slots__ = ("docs",)

    def __init__(self, docs: list[Doc]):
        self.docs = docs


@task(name="process-batch", cache_policy=NO_CACHE)
def process_batch(
    docs: OpaqueDocs | list[Doc], lexicon_version: str | None, executor: Executor | None = None
) -> ProcessedBatch:
    if isinstance(docs, OpaqueDocs):
        docs = docs.docs
    if executor is not None and docs:
        return executor.submit(process_docs, docs, lexicon_version).result()
    return process_docs(docs, lexicon_version)


@dataclass
class Batch:
    """A batch between submission and finishing: what the flow keeps while its chain runs."""

    ingest_quarantine: list[dict]
    fresh: list[Doc]  # stubs (path, format, hash) of the documents after exact dedupe, input order
    copies: list[Doc]
    cached: dict[str, str]  # source_path -> article_id of the previous tables
    cached_quarantine: list[dict]
    stats: Counter
    order: InputOrder  # sort key of the batch's own sources (rows sort within a batch)
    future: Any = None


class InputOrder:
    """Sort key of a source_path in input order (`feed.jsonl:3` sorts by file, then line).

    Built per batch from the batch's sources: rows are only ever sorted within their batch, and
    an index over the whole corpus would grow with it.
    """

    def __init__(self, sources: list[Source]):
        self.index = {s.rel: i for i, s in enumerate(sources)}

    def clear(self) -> None:
        self.index.clear()

    def __call__(self, source_path: str) -> tuple[int, int]:
        if source_path in self.index:
            return self.index[source_path], 0
        rel, _, line = source_path.rpartition(":")
        return self.index.get(rel, len(self.index)), int(line) if line.isdigit() else 0


def assemble_batch(
    batch: Batch, processed: ProcessedBatch, seen: SeenIndex, cache: PreviousRun | None
) -> tuple[dict[str, list[dict]], list[dict], list[dict]]:
    """A batch's rows in input order, whether computed now or copied from the previous tables.

    Body dedupe runs here, in input order over every document that came through every stage
    (cached or not), so the first copy is kept exactly as in a full run, and a duplicates row
    never points at an article that a later stage quarantined.
    """
    survivors = []
    for doc in batch.fresh:
        article_id = batch.cached.get(doc.source_path)
        if article_id is None and doc.source_path in processed.finished:
            article_id = processed.extracted.get(doc.source_path)
        if article_id:
            survivors.append(stub(doc, article_id))
    kept, duplicates, dedupe_quarantine = drop_body_duplicates(survivors, batch.copies, seen)
    kept_ids = {d.source_path: d.article_id for d in kept}
    reused_ids = [kept_ids[p] for p in kept_ids if p in batch.cached]
    previous = cache.rows(reused_ids) if cache and reused_ids else {}

    rows: dict[str, list[dict]] = {t: [] for t in ("articles", "quotes", "entities", "comments", "normalizations")}
    for doc in batch.fresh:
        if doc.source_path not in kept_ids:
            continue
        if doc.source_path in batch.cached:
            article_id = kept_ids[doc.source_path]
            for table in rows:
                rows[table].extend(previous.get(table, {}).get(article_id, []))
        elif doc.source_path in processed.finished:
            for table, table_rows in processed.finished[doc.source_path].items():
                rows[table].extend(table_rows)
    later = [r for s in LATER_STAGES for r in processed.quarantined.get(s, [])]
    quarantined = [
        *batch.ingest_quarantine,
        *batch.cached_quarantine,
        *processed.quarantined.get("extract", []),
        *dedupe_quarantine,
        *later,
    ]
    quarantined.sort(key=lambda r: batch.order(r["source_path"]))
    duplicates.sort(key=lambda r: batch.order(r["source_path"]))
    return rows, duplicates, quarantined


def stub(doc: Doc, article_id: str | None = None) -> Doc:
    """What dedupe needs of a document, without its content."""
    return Doc(source_path=doc.source_path, source_format=doc.source_format, sha256=doc.sha256, article_id=article_id)
