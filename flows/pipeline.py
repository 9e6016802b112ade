"""The main flow: files in, validated tables out. Orchestration only; the work is in `tasks/`.

Per batch of input files: ingest -> dedupe (bytes) -> [extract -> normalise -> entities -> quotes]
-> dedupe (body), rows streamed to staged Parquet in input order. The bracketed chain is one task
per batch that may run elsewhere (a local process pool, or Dask workers), several batches at a
time; ingest and both dedupe steps stay in the flow's process, which holds the cross-batch index,
and batches are finished in input order, so the tables do not depend on where or how the chain
ran. Then, once: cluster the staged quotes across articles (reading back only what clustering
needs), write the entity catalogue, validate every table, and publish the set only if
validation passed. Across batches the flow's memory holds only the entities found beyond the
catalogue; the list of inputs and the dedupe index are temporary files, rows are gathered into
row groups of a few MiB, clustering runs in a process of its own, and the pool's workers are
renewed every DOCUMENTS_PER_POOL documents.

Runs are incremental and exclusive: the output's lock is held throughout; inputs whose path and
content hash match an article of the previous tables (same code and lexicon versions) keep their
rows instead of being processed again; identical inputs and versions make the run a no-op.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import uuid
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

import newsetl
from newsetl import runtime
from tasks.chain import Batch, InputOrder, OpaqueDocs, ProcessedBatch, assemble_batch, process_batch, stub
from tasks.dedupe import SeenIndex, dedupe_exact_batch
from tasks.entities import AutoEntities
from tasks.ingest import DEFAULT_MAX_BYTES, ingest_batch, walk_inputs
from tasks.ingest.inputs import InputList
from tasks.memory import release_free_memory
from tasks.normalise import LEXICON_VERSION
from tasks.publish import (
    ROW_ORDER,
    OutputLock,
    PreviousRun,
    TableWriter,
    code_version,
    dir_fingerprint,
    discard_staged,
    fetch_published,
    inputs_fingerprint,
    is_remote,
    local_path,
    mirror_published,
    publish_task,
    read_manifest,
    recover,
    staging_dir,
)
from tasks.quotes import cluster_staged_quotes_task
from tasks.records import Doc
from tasks.validate import DEFAULT_EXPECTATIONS, import_in_background, validate_task

# Files per task run: big enough that Prefect's per-task cost (a few ms) is noise, small enough
# that a batch of 100 KB pages stays a few tens of MB in memory.
DEFAULT_BATCH_SIZE = 200


@dataclass
class RunSummary:
    """What a run did, in numbers an operator can check: inputs = articles + duplicates + quarantined."""

    inputs: int = 0
    articles: int = 0
    duplicates: int = 0
    quarantined: int = 0
    reused: int = 0  # articles copied from the previous tables instead of processed again
    unchanged: bool = False  # same inputs and versions as the published tables: nothing to do
    recovered: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    stage_stats: dict[str, dict[str, int]] = field(default_factory=dict)
    published: bool = False
    validation_success: bool = False
    critical_failures: list[str] = field(default_factory=list)
    output_dir: str = ""
    report: str = ""
    seconds: float = 0.0

    @property
    def accounted(self) -> bool:
        return self.inputs == self.articles + self.duplicates + self.quarantined


@task(name="discover", cache_policy=NO_CACHE)
def discover_task(input_path: str) -> InputList:
    """The inputs, as one value kept in a file: Prefect records every item of a list a task
    returns (one record per input until the flow ends), and as objects the list would take
    memory that grows with the corpus (see tasks/ingest/inputs.py)."""
    return InputList(walk_inputs(input_path))


# Documents a pool's workers process before they are replaced by fresh ones (see _RenewedPool).
DOCUMENTS_PER_POOL = 10_000


@contextmanager
def _local_pool(workers: int, batch_size: int) -> Iterator[Executor | None]:
    """Worker processes for the chain (forked from a server that has the stages imported)."""
    if workers <= 1:
        yield None
        return
    with _RenewedPool(workers, max(1, DOCUMENTS_PER_POOL // batch_size)) as pool:
        yield pool


class _RenewedPool(Executor):
    """A process pool whose workers are all replaced after every `tasks_per_pool` tasks.

    Every cache in the stages is bounded, but some bounds are reached only after tens of
    thousands of documents, and a worker's allocator keeps what it once held. Fresh workers every
    DOCUMENTS_PER_POOL documents keep a long run's workers at the size a run of that many
    documents reaches, whatever the corpus. The old pool finishes its tasks before the new one
    starts, so the two never hold memory at once. (ProcessPoolExecutor's own
    `max_tasks_per_child` can deadlock on Python 3.11 to 3.13: CPython issue gh-115634.)
    """

    def __init__(self, workers: int, tasks_per_pool: int):
        import threading

        self._workers = workers
        self._tasks_per_pool = tasks_per_pool
        self._lock = threading.Lock()
        self._submitted = 0
        self._pool = _forked_pool(workers)

    def submit(self, fn, /, *args, **kwargs):
        with self._lock:  # batches are submitted from Prefect's task threads
            if self._submitted and self._submitted % self._tasks_per_pool == 0:
                self._pool.shutdown(wait=True)  # its tasks complete; their waiters get the results
                self._pool = _forked_pool(self._workers)
            self._submitted += 1
            return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def _forked_pool(workers: int) -> ProcessPoolExecutor:
    """Processes forked from the fork server, each exiting when the flow's process is gone.

    Also used with one worker for a job whose memory should go back to the system when it ends
    rather than stay in the flow's process (quote clustering).
    """
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=_fork_server(), initializer=_exit_with, initargs=(os.getpid(),)
    )


def _fork_server() -> multiprocessing.context.BaseContext:
    """The forkserver context, its server started now (a no-op if the CLI already started it)."""
    runtime.start_fork_server()
    return multiprocessing.get_context("forkserver")


def _exit_with(flow_pid: int) -> None:
    """In a pool worker: exit as soon as the flow's process is gone, even killed by SIGKILL.

    Workers are forked from the fork server, not from the flow, and hold its liveness pipe, so
    nothing else would ever stop them (nor the fork server) after a kill.
    """
    import threading

    def watch() -> None:
        while True:
            time.sleep(1)
            try:
                os.kill(flow_pid, 0)
            except ProcessLookupError:
                os._exit(1)

    threading.Thread(target=watch, name="exit-with-flow", daemon=True).start()


@flow(name="newsetl-run", log_prints=False, persist_result=False)
def run_pipeline(
    input_path: str,
    output_dir: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    expectations_dir: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: bool = False,
    workers: int = 1,
    in_flight: int = 0,
    incremental: bool = True,
    work_dir: str | None = None,
) -> RunSummary:
    """Process INPUT into validated tables at OUTPUT (a folder, or an fsspec URL such as s3://).

    `workers` > 1 runs the chain in a local process pool; with a Dask task runner it runs on the
    cluster and `in_flight` (default 2 x workers) bounds the batches submitted at once, and so
    the memory. A remote OUTPUT is built in `work_dir` (default `.newsetl-work/` here) and
    uploaded after publishing there.
    """
    started = time.perf_counter()
    remote = is_remote(output_dir)
    if remote:
        output = Path(work_dir) if work_dir else Path(".newsetl-work") / _slug(output_dir)
    else:
        output = local_path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    with OutputLock(output):
        if remote and (read_manifest(output) or {}) != _remote_manifest(output_dir):
            fetch_published(output_dir, output)
        with discover_task(str(input_path)) as sources:
            summary = _run_locked(
                sources, output, batch_size, expectations_dir, max_bytes, progress, workers, in_flight, incremental
            )
        if remote and summary.published:
            mirror_published(output, output_dir)
            summary.output_dir = output_dir
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def _run_locked(
    sources: InputList,
    output: Path,
    batch_size: int,
    expectations_dir: str | None,
    max_bytes: int,
    progress: bool,
    workers: int,
    in_flight: int,
    incremental: bool,
) -> RunSummary:
    report_dir = output / "reports"
    summary = RunSummary(output_dir=str(output), report=str(report_dir / "index.html"))
    summary.recovered = recover(output)
    pool_size = min(workers, -(-len(sources) // batch_size))  # no more processes than batches
    if pool_size > 1:
        _fork_server()
    version = code_version()
    fingerprint = inputs_fingerprint(
        ((s.rel, None if s.refused else s.path) for s in sources),
        version,
        str(LEXICON_VERSION),
        dir_fingerprint(Path(expectations_dir or os.environ.get("NEWSETL_EXPECTATIONS") or DEFAULT_EXPECTATIONS)),
        str(max_bytes),
        max_bytes=max_bytes,
    )
    previous = read_manifest(output) or {}
    if incremental and previous.get("fingerprint") == fingerprint:
        # The fork server (started above, so that it boots while the inputs are hashed) is left
        # up: stopping it would wait for its imports to finish, seconds a no-op must not cost.
        return _unchanged(summary, previous)

    import_in_background()  # validation's library loads while the batches run, not after them
    cache = PreviousRun(output, version, LEXICON_VERSION) if incremental else None
    staged = staging_dir(output, uuid.uuid4().hex[:12])
    writer = TableWriter(
        staged, {"version": newsetl.__version__, "code_version": version, "lexicon_version": LEXICON_VERSION}
    )
    stats: dict[str, Counter] = {}
    seen = SeenIndex()
    auto_entities = AutoEntities()  # entities beyond the curated catalogue, for entity_catalog
    window = max(1, in_flight or 2 * workers)  # a queued batch per worker: none idles while the flow ingests
    pending: deque[tuple[Batch, list[Doc]]] = deque()
    bar = _progress(len(sources)) if progress else None

    def finish(batch: Batch, submitted: list[Doc]) -> None:
        processed = batch.future.result() if batch.future is not None else ProcessedBatch()
        submitted.clear()  # Prefect keeps a task's arguments until the flow ends: let the documents go
        rows, duplicates, quarantined = assemble_batch(batch, processed, seen, cache)
        auto_entities.add(rows["entities"])
        writer.write_all(rows)  # quotes without their cluster, filled in once all are staged
        writer.write("duplicates", duplicates)
        writer.write("quarantine", quarantined)
        summary.articles += len(rows["articles"])
        summary.duplicates += len(duplicates)
        summary.quarantined += len(quarantined)
        stats.setdefault("cache", Counter()).update(reused=len(batch.cached), quarantine=len(batch.cached_quarantine))
        for name, counter in [("ingest", batch.stats), *processed.stats.items()]:
            stats.setdefault(name, Counter()).update(counter)
        if bar:
            bar.advance(len(batch.fresh) + len(batch.copies) + len(batch.ingest_quarantine))
        # Prefect keeps every task run's return value until the flow ends: empty it, so memory
        # stays bounded by the batches in flight, not the corpus.
        processed.finished.clear()
        processed.extracted.clear()
        processed.quarantined.clear()

    try:
        with _local_pool(pool_size, batch_size) as pool:
            for sources_batch in sources.batches(batch_size):
                timer = time.perf_counter()
                order = InputOrder(sources_batch)
                # quote(): Prefect would walk every source and document looking for futures,
                # about a quarter of a millisecond per document; these run here, never remotely.
                ingested = ingest_batch(quote(sources_batch), max_bytes)
                sources_batch.clear()  # Prefect keeps task arguments until the flow ends
                ingested.stats["ms"] += round(1000 * (time.perf_counter() - timer))
                fresh, copies = dedupe_exact_batch(quote(ingested.docs), seen)
                batch = Batch(ingested.quarantined, [stub(d) for d in fresh], copies, {}, [], ingested.stats, order)
                todo = []
                for doc in fresh:
                    article_id = cache.article_of(doc.source_path, doc.sha256) if cache else None
                    rejected = cache.quarantine_of(doc.source_path, doc.sha256) if cache and not article_id else None
                    if article_id:
                        batch.cached[doc.source_path] = article_id
                    elif rejected:
                        batch.cached_quarantine.append(rejected)
                    else:
                        todo.append(doc)
                        continue
                    doc.raw = ""  # its rows come from the previous tables
                summary.inputs += ingested.stats["in"]
                summary.reused += len(batch.cached)
                if todo:
                    batch.future = process_batch.submit(OpaqueDocs(todo), LEXICON_VERSION, pool)
                for doc in copies:
                    doc.raw = ""
                ingested.docs.clear()  # the task results Prefect keeps: only the batch's stubs stay
                fresh.clear()
                pending.append((batch, todo))
                while len(pending) > window:
                    finish(*pending.popleft())
            while pending:
                finish(*pending.popleft())

        writer.write("entity_catalog", auto_entities.catalog_rows())
        writer.close()
        # Done with: give the input list's and the dedupe index's files back before clustering and
        # validation peak.
        sources.close()
        seen.clear()
        release_free_memory()
        timer = time.perf_counter()
        with _forked_pool(1) if pool_size > 1 else nullcontext() as worker:  # the pool has exited by now
            quotes = cluster_staged_quotes_task(writer.path("quotes"), worker)
        runtime.stop_fork_server()  # nothing more is forked: validation peaks without it
        stats["cluster-quotes"] = Counter(quotes=quotes, ms=round(1000 * (time.perf_counter() - timer)))
    except BaseException:
        writer.abandon()
        discard_staged(staged)
        raise
    finally:
        if bar:
            bar.stop()

    summary.rows = dict(writer.counts)
    timer = time.perf_counter()
    report = validate_task(staged, report_dir, expectations_dir, inputs=summary.inputs)
    stats["validate"] = Counter(ms=round(1000 * (time.perf_counter() - timer)))
    summary.stage_stats = {k: dict(v) for k, v in stats.items()}
    summary.validation_success = report.success
    summary.critical_failures = [f"{o.table}: {o.type} {o.column or ''}".strip() for o in report.critical_failures]
    if report.success:
        manifest = {
            "newsetl_version": newsetl.__version__,
            "code_version": version,
            "lexicon_version": LEXICON_VERSION,
            "fingerprint": fingerprint,
            "row_order": ROW_ORDER,
            "rows": summary.rows,
            "inputs": summary.inputs,
            "articles": summary.articles,
            "duplicates": summary.duplicates,
            "quarantined": summary.quarantined,
            "validation_success": True,
        }
        publish_task(staged, output, manifest)
        summary.published = True
    else:
        discard_staged(staged)
    return summary


def _unchanged(summary: RunSummary, manifest: dict[str, Any]) -> RunSummary:
    """The published tables already are this run's result: report them, touch nothing."""
    summary.unchanged = True
    summary.published = False
    summary.validation_success = bool(manifest.get("validation_success", True))
    summary.inputs = manifest.get("inputs", 0)
    summary.articles = manifest.get("articles", 0)
    summary.duplicates = manifest.get("duplicates", 0)
    summary.quarantined = manifest.get("quarantined", 0)
    summary.reused = summary.articles
    summary.rows = dict(manifest.get("rows", {}))
    return summary


def _slug(url: str) -> str:
    import hashlib

    return hashlib.sha256(url.encode()).hexdigest()[:16]


def _remote_manifest(url: str) -> dict[str, Any]:
    import json

    import fsspec

    fs, root = fsspec.core.url_to_fs(url)
    try:
        return json.loads(fs.cat_file(f"{root.rstrip('/')}/_manifest.json"))
    except (FileNotFoundError, ValueError):
        return {}


def _progress(total: int):
    """A rich progress bar on stderr over input files (only on long runs)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    prog = Progress(
        TextColumn("[bold]newsetl[/] files"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
    )
    prog.start()
    task_id = prog.add_task("files", total=total)

    class _Bar:
        def advance(self, n: int) -> None:
            prog.advance(task_id, n)

        def stop(self) -> None:
            prog.stop()

    return _Bar()
