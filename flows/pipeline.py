"""The main flow: files in, validated tables out. Orchestration only; the work is in `tasks/`.

Per batch of input files: ingest -> dedupe (bytes) -> extract -> dedupe (body) -> normalise ->
entities -> quotes, rows streamed to staged Parquet. Then, once: cluster quotes across articles,
write the entity catalogue, validate every table, and publish only if validation passed.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

import newsetl
from tasks.dedupe import SeenIndex, dedupe_body_batch, dedupe_exact_batch
from tasks.entities import entities_batch, entity_catalog_rows
from tasks.extract import extract_batch
from tasks.ingest import DEFAULT_MAX_BYTES, Source, discover, ingest_batch
from tasks.normalise import LEXICON_VERSION, normalise_batch
from tasks.publish import TableWriter, discard_staged, publish_task, rows_from_docs, staging_dir
from tasks.quotes import cluster_quotes_task, quotes_batch
from tasks.validate import validate_task

DEFAULT_BATCH_SIZE = 200


@dataclass
class RunSummary:
    """What a run did, in numbers an operator can check: inputs = articles + duplicates + quarantined."""

    inputs: int = 0
    articles: int = 0
    duplicates: int = 0
    quarantined: int = 0
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
def discover_task(input_path: str) -> list[Source]:
    return discover(input_path)


def _batches(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]


@flow(name="newsetl-run", log_prints=False, persist_result=False)
def run_pipeline(
    input_path: str,
    output_dir: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    expectations_dir: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: bool = False,
) -> RunSummary:
    started = time.perf_counter()
    output = Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    report_dir = output / "reports"
    staged = staging_dir(output, uuid.uuid4().hex[:12])
    writer = TableWriter(staged, {"version": newsetl.__version__, "lexicon_version": LEXICON_VERSION})
    summary = RunSummary(output_dir=str(output), report=str(report_dir / "index.html"))
    stats: dict[str, Counter] = {}
    seen = SeenIndex()
    all_quotes: list[dict] = []
    all_mentions_entities: dict[str, dict] = {}

    sources = discover_task(str(input_path))
    bar = _progress(len(sources)) if progress else None
    try:
        for batch in _batches(sources, batch_size):
            ingested = ingest_batch(batch, max_bytes)
            fresh, copies = dedupe_exact_batch(ingested.docs, seen)
            extracted = extract_batch(fresh)
            kept, duplicates, dedupe_quarantine = dedupe_body_batch(extracted.docs, copies, seen)
            normalised = normalise_batch(kept)
            linked = entities_batch(normalised.docs)
            quoted = quotes_batch(linked.docs)

            rows = rows_from_docs(quoted.docs, LEXICON_VERSION)
            all_quotes.extend(rows.pop("quotes"))  # clustered across the whole run, below
            for mention in rows["entities"]:
                all_mentions_entities.setdefault(mention["entity_id"], mention)
            writer.write_all(rows)
            writer.write("duplicates", duplicates)
            quarantined = [
                *ingested.quarantined,
                *extracted.quarantined,
                *dedupe_quarantine,
                *normalised.quarantined,
                *linked.quarantined,
                *quoted.quarantined,
            ]
            writer.write("quarantine", quarantined)

            summary.inputs += ingested.stats["in"]
            summary.articles += len(quoted.docs)
            summary.duplicates += len(duplicates)
            summary.quarantined += len(quarantined)
            for name, result in (
                ("ingest", ingested),
                ("extract", extracted),
                ("normalise", normalised),
                ("entities", linked),
                ("quotes", quoted),
            ):
                stats.setdefault(name, Counter()).update(result.stats)
            if bar:
                bar.advance(len(batch))

        cluster_quotes_task(all_quotes)
        writer.write("quotes", all_quotes)
        writer.write("entity_catalog", entity_catalog_rows(list(all_mentions_entities.values())))
        writer.close()
    except BaseException:
        writer.close()
        discard_staged(staged)
        raise
    finally:
        if bar:
            bar.stop()

    summary.rows = dict(writer.counts)
    summary.stage_stats = {k: dict(v) for k, v in stats.items()}
    report = validate_task(staged, report_dir, expectations_dir)
    summary.validation_success = report.success
    summary.critical_failures = [f"{o.table}: {o.type} {o.column or ''}".strip() for o in report.critical_failures]
    if report.success:
        manifest = {
            "newsetl_version": newsetl.__version__,
            "lexicon_version": LEXICON_VERSION,
            "rows": summary.rows,
            "inputs": summary.inputs,
            "articles": summary.articles,
            "duplicates": summary.duplicates,
            "quarantined": summary.quarantined,
        }
        publish_task(staged, output, manifest)
        summary.published = True
    else:
        discard_staged(staged)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


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
