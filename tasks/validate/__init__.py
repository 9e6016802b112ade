"""Validate: run the Great Expectations suites in `expectations/` over the staged tables.

Suites are plain JSON (one per table, reviewed like code). Each expectation is `critical` (the
run does not publish) or `warning` (reported only). The results become GX Data Docs and a short
Markdown/JSON summary for CI job summaries. Row-level checks that quarantine single articles
before they are written live in `tasks.validate.rows`.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.publish.schema import TABLES
from tasks.memory import release_arrow_memory
from tasks.validate.chunks import ArticleTexts, TableSource, chunk_bytes_setting
from tasks.validate.derived import KeySet, TableReferences, derive_chunk, expectation_parameters
from tasks.validate.unique import duplicate_candidates, key_columns

log = logging.getLogger(__name__)

DEFAULT_EXPECTATIONS = Path(__file__).resolve().parents[2] / "expectations"
SITE_NAME = "newsetl"
RUN_NAME = "newsetl-validate"
MANIFEST = "_manifest.json"
SAMPLE_SIZE = 5
SAMPLE_CHARS = 160
ACCOUNTING = "inputs_equal_articles_plus_duplicates_plus_quarantined"
GX_PAGES = ("validations", "expectations")
STATIC_SUMMARY_ID = "newsetl-summary"


@dataclass
class ExpectationOutcome:
    table: str
    type: str
    column: str | None
    severity: str
    success: bool
    observed: Any = None
    unexpected_count: int | None = None
    unexpected_sample: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)
    notes: str | None = None

    @property
    def name(self) -> str:
        """How the summary names the expectation: `table.type(column)`."""
        parts = [v for k, v in self.kwargs.items() if k in ("column_A", "column_B")]
        parts += self.kwargs.get("column_list") or []
        target = self.column or ",".join(str(p) for p in parts) or "table"
        return f"{self.table}.{self.type}({target})"


@dataclass
class ValidationReport:
    outcomes: list[ExpectationOutcome]
    rows: dict[str, int]
    report_dir: Path | None = None
    accounting: dict[str, int | None] = field(default_factory=dict)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def critical_failures(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity == "critical"]

    @property
    def warnings(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity != "critical"]

    @property
    def success(self) -> bool:
        return not self.critical_failures

    @property
    def index_page(self) -> Path | None:
        return self.report_dir / "index.html" if self.report_dir is not None else None

    def headline(self) -> str:
        n_crit = sum(o.severity == "critical" for o in self.outcomes)
        verdict = "PASSED" if self.success else "FAILED"
        mark = "✅" if self.success else "❌"
        return (
            f"{mark} newsetl data quality {verdict}: {len(self.critical_failures)} critical failure(s), "
            f"{len(self.warnings)} warning(s) across {len(self.rows)} tables "
            f"({len(self.outcomes)} expectations, {n_crit} critical)"
        )

    def to_dict(self) -> dict[str, Any]:
        tables: dict[str, Any] = {}
        for o in self.outcomes:
            t = tables.setdefault(
                o.table, {"rows": self.rows.get(o.table), "success": True, "expectations": []}
            )
            t["expectations"].append(
                {
                    "name": o.name,
                    "type": o.type,
                    "column": o.column,
                    "kwargs": o.kwargs,
                    "severity": o.severity,
                    "success": o.success,
                    "observed": o.observed,
                    "unexpected_count": o.unexpected_count,
                    "unexpected_sample": o.unexpected_sample,
                    "notes": o.notes,
                }
            )
            if not o.success and o.severity == "critical":
                t["success"] = False
        return {
            "headline": self.headline(),
            "success": self.success,
            "critical_failures": len(self.critical_failures),
            "warnings": len(self.warnings),
            "failing": [o.name for o in self.critical_failures],
            "warning_names": [o.name for o in self.warnings],
            "accounting": self.accounting,
            "html": str(self.index_page) if self.index_page else None,
            "seconds": self.seconds,
            "notes": self.notes,
            "tables": tables,
        }

    def to_markdown(self) -> str:
        """GitHub-flavoured Markdown, ready to append to `$GITHUB_STEP_SUMMARY`."""
        lines = [f"## {self.headline()}", ""]
        if self.accounting:
            a = self.accounting
            lines += [
                f"Inputs: {_or_unknown(a.get('inputs'))} = {a.get('articles')} articles + "
                f"{a.get('duplicates')} duplicates + {a.get('quarantined')} quarantined",
                "",
            ]
        if self.index_page:
            lines += [f"Data Docs: `{self.index_page}`", ""]
        for note in self.notes:
            lines += [f"> {note}", ""]
        for title, items in (("Critical failures", self.critical_failures), ("Warnings", self.warnings)):
            if not items:
                continue
            lines += [f"### {title}", "", "| expectation | severity | observed | unexpected | sample |", "|---|---|---|---:|---|"]
            for o in items:
                lines.append(
                    f"| `{o.name}` | {o.severity} | {_md(o.observed)} | {_md(o.unexpected_count)} | "
                    f"{_md(o.unexpected_sample)} |"
                )
            lines.append("")
        lines += ["### Tables", "", "| table | rows | expectations | critical failures | warnings |", "|---|---:|---:|---:|---:|"]
        for table in self.rows:
            mine = [o for o in self.outcomes if o.table == table]
            crit = sum(not o.success and o.severity == "critical" for o in mine)
            warn = sum(not o.success and o.severity != "critical" for o in mine)
            lines.append(f"| {table} | {self.rows[table]} | {len(mine)} | {crit} | {warn} |")
        lines.append("")
        for table in self.rows:
            mine = [o for o in self.outcomes if o.table == table]
            if not mine:
                continue
            lines += [
                f"<details><summary>{table}: every expectation</summary>",
                "",
                "| expectation | severity | result | observed | unexpected |",
                "|---|---|---|---|---:|",
            ]
            for o in mine:
                result = "pass" if o.success else ("**FAIL**" if o.severity == "critical" else "warn")
                lines.append(
                    f"| `{o.name}` | {o.severity} | {result} | {_md(o.observed)} | {_md(o.unexpected_count)} |"
                )
            lines += ["", "</details>", ""]
        return "\n".join(lines)


def _or_unknown(value: Any) -> str:
    return "?" if value is None else str(value)


def _md(value: Any, limit: int = 120) -> str:
    if value is None or value == []:
        return ""
    text = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str | int | float) else str(value)
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def load_suites(expectations_dir: Path | None = None) -> dict[str, dict]:
    """Suite JSON per table name, from `<expectations_dir>/<table>.json`; every table needs one."""
    directory = Path(expectations_dir or os.environ.get("NEWSETL_EXPECTATIONS") or DEFAULT_EXPECTATIONS)
    if not directory.is_dir():
        raise FileNotFoundError(f"no expectations folder {directory}")
    suites = {}
    for path in sorted(directory.glob("*.json")):
        suite = json.loads(path.read_text(encoding="utf-8"))
        if suite.get("name") != path.stem:
            raise ValueError(f"{path} holds suite {suite.get('name')!r}; a suite is named after its file")
        if suite["name"] not in TABLES:
            raise ValueError(f"{path}: no table {suite['name']!r} in tasks/publish/schema.py")
        suites[suite["name"]] = suite
    missing = [t for t in TABLES if t not in suites]
    if missing:
        raise FileNotFoundError(f"no expectation suite for {', '.join(missing)} in {directory}")
    return suites


def _pandas_type(arrow_type: pa.DataType) -> Any:
    """Keep integer and boolean columns typed when they hold nulls, and lists as lists."""
    import pandas as pd

    if pa.types.is_integer(arrow_type):
        return {8: pd.Int8Dtype(), 16: pd.Int16Dtype(), 32: pd.Int32Dtype(), 64: pd.Int64Dtype()}[arrow_type.bit_width]
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return pd.ArrowDtype(arrow_type)
    return None


def read_accounting(table_dir: Path, rows: dict[str, int], inputs: int | None = None) -> dict[str, int | None]:
    """inputs (from the run, or the published manifest) against articles + duplicates + quarantined."""
    if inputs is None:
        manifest = Path(table_dir) / MANIFEST
        if manifest.exists():
            try:
                inputs = json.loads(manifest.read_text()).get("inputs")
            except (OSError, ValueError):
                inputs = None
    return {
        "inputs": inputs,
        "articles": rows.get("articles", 0),
        "duplicates": rows.get("duplicates", 0),
        "quarantined": rows.get("quarantine", 0),
    }


def _accounting_outcome(accounting: dict[str, int | None]) -> ExpectationOutcome | None:
    if accounting.get("inputs") is None:
        return None
    total = accounting["articles"] + accounting["duplicates"] + accounting["quarantined"]
    return ExpectationOutcome(
        table="run",
        type=ACCOUNTING,
        column=None,
        severity="critical",
        success=total == accounting["inputs"],
        observed=f"{accounting['inputs']} inputs, {total} accounted for",
        notes="A bad input must never vanish: every input is an article, a duplicate or quarantined.",
    )


# Expectations that compare rows with each other: run once over their key columns, not per chunk.
GLOBAL_TYPES = {"expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"}
# GX reports no unexpected-index query unless asked; saying so up front also spares it building
# one (a filter of the whole chunk per expectation) only to drop it.
RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": 20, "return_unexpected_index_query": False}


def table_sources(table_dir: Path) -> dict[str, TableSource]:
    """Every table of the contract in `table_dir`, opened for chunked reading (nothing read yet)."""
    table_dir = Path(table_dir)
    if not table_dir.is_dir():
        raise FileNotFoundError(f"no tables folder {table_dir}")
    sources = {}
    for table in TABLES:
        path = table_dir / f"{table}.parquet"
        if not path.exists():
            raise FileNotFoundError(f"missing table {path}")
        sources[table] = TableSource.from_parquet(path)
        sources[table].release()  # opened again when read: one table's footer at a time
    return sources


def _references(sources: dict[str, TableSource], chunk_bytes: int) -> TableReferences:
    """Keys other tables point at, and per-chunk access to article texts for the span checks."""
    articles = sources["articles"].read_columns(["article_id", "source_path"])
    catalog = sources.get("entity_catalog")
    entity_ids = catalog.read_columns(["entity_id"]).column("entity_id") if catalog is not None else None
    row_ids = articles.column("article_id").combine_chunks()
    article_ids = KeySet(row_ids)
    if article_ids.keys.equals(row_ids):  # no null, no repeat: the key set is the IDs in row order
        row_ids = article_ids.keys  # one copy of the IDs, not two (about 6 MB at 100,000 articles)
    return TableReferences(
        article_ids=article_ids,
        article_paths=KeySet(articles.column("source_path")),
        entity_ids=KeySet(entity_ids if entity_ids is not None else []),
        texts=ArticleTexts(sources["articles"], chunk_bytes, row_ids),
    )


def _to_pandas(chunk: pa.Table, first_row: int) -> Any:
    """A chunk as pandas, indexed by its rows' positions in the whole table (GX reports them)."""
    import pandas as pd

    frame = chunk.to_pandas(types_mapper=_pandas_type)
    frame.index = pd.RangeIndex(first_row, first_row + len(frame))
    return frame


def _forget_batch(data_source: Any) -> None:
    """Drop what GX keeps of the last chunk validated: its frame and its computed metrics.

    The data source's one execution engine holds both until the next chunk replaces them, so
    without this each chunk's peak sits on top of the previous chunk's frame and metrics.
    """
    engine = data_source.get_execution_engine()
    engine.batch_manager.reset_batch_cache()
    engine.batch_manager.batch_data_cache.clear()
    engine._metric_cache.clear()


def _split_suite(suite: dict) -> tuple[list[int], list[int]]:
    """Positions of the row-local expectations and of those comparing rows across the table."""
    local, across = [], []
    for i, e in enumerate(suite.get("expectations", [])):
        (across if e.get("type") in GLOBAL_TYPES else local).append(i)
    return local, across


# Expectations on the table's columns and their dtypes, which every chunk shares. A type check
# on a column of Python objects is judged value by value instead (its result has row counts).
SHAPE_TYPES = {
    "expect_table_columns_to_match_set",
    "expect_table_columns_to_match_ordered_list",
    "expect_table_column_count_to_equal",
    "expect_table_column_count_to_be_between",
    "expect_column_to_exist",
    "expect_column_values_to_be_of_type",
    "expect_column_values_to_be_in_type_list",
}


def _settled_by_first_chunk(suite: dict, positions: list[int], first: dict[int, Any]) -> set[int]:
    """Positions whose first-chunk result holds for every chunk: it judged the shape, not rows.

    Every chunk is read with the same schema and gets the same check columns, so such a result
    would repeat on each chunk; running them once spares GX their metrics on every other chunk.
    """
    return {
        i for i in positions
        if suite["expectations"][i].get("type") in SHAPE_TYPES and "element_count" not in (first[i].result or {})
    }


def _part_of(suite: dict, positions: list[int]) -> Any:
    """A GX suite of the expectations of `suite` at `positions`."""
    import great_expectations as gx

    return gx.ExpectationSuite(**{**suite, "expectations": [suite["expectations"][i] for i in positions]})


def _gx_order(suite: dict, positions: list[int]) -> list[int]:
    """`positions` in the order GX returns their results: grouped by column, first seen first.

    Results of a part of a suite come back in this order, and the whole suite's merged result
    is listed in it too, as GX would list it for the whole table.
    """
    groups: dict[str, list[int]] = {}
    for i in sorted(positions):
        column = suite["expectations"][i].get("kwargs", {}).get("column")
        groups.setdefault(column if isinstance(column, str) else "\0no column", []).append(i)
    return [i for group in groups.values() for i in group]


def run_suites_on(
    sources: dict[str, TableSource], suites: dict[str, dict], report_dir: Path | None, chunk_bytes: int | None = None
) -> ValidationReport:
    """Validate each table with its suite, a bounded chunk at a time; build Data Docs once.

    Row-local expectations run per chunk (the GX context, suite and batch definition are made
    once per table) and their results are merged; those that judge only the columns and their
    dtypes run on the first chunk alone. Uniqueness runs once over the key columns alone. The
    merged result per table is what the report and the Data Docs show.
    """
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.constants import DATAFRAME_REPLACEMENT_STR
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )
    from great_expectations.validator.v1_validator import Validator
    from great_expectations.validator.validator import calc_validation_statistics

    from tasks.validate.merge import merge_results, with_table_counts

    chunk_bytes = chunk_bytes_setting(chunk_bytes)
    started = time.perf_counter()
    # GX sets this module's logger to INFO itself; its one line is a temporary path nobody needs.
    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if report_dir is not None:
        report_dir = Path(report_dir)
        report_dir.mkdir(parents=True, exist_ok=True)
        context.add_data_docs_site(
            site_name=SITE_NAME,
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(report_dir.resolve())},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    rows = {t: s.num_rows for t, s in sources.items()}
    refs = _references(sources, chunk_bytes)
    release_arrow_memory()  # reading and hashing the key columns left tens of MB in Arrow's pool
    params = expectation_parameters()
    data_source = context.data_sources.add_pandas("newsetl")
    # A named run: Data Docs list only results whose run has a name, and one name groups the tables.
    run_id = RunIdentifier(run_name=RUN_NAME, run_time=datetime.now(timezone.utc))
    outcomes: list[ExpectationOutcome] = []
    for table in TABLES:
        if table not in suites or table not in sources:
            continue
        source = sources[table]
        suite_json = suites[table]
        suite = context.suites.add(gx.ExpectationSuite(**suite_json))
        batch_def = data_source.add_dataframe_asset(table).add_batch_definition_whole_dataframe("all")
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"validate_{table}", data=batch_def, suite=suite)
        )
        local, across = _split_suite(suite_json)
        per_position: dict[int, list[Any]] = {i: [] for i in local}  # each chunk's result, in row order
        running, part = local, _part_of(suite_json, local)
        carrier = None  # the first chunk's suite result: its meta describes the batch
        columns: set[str] = set()
        first_row = chunks = 0
        for chunk in source.iter_chunks(chunk_bytes):
            frame = _to_pandas(chunk, first_row)
            del chunk  # pandas holds its own copy
            frame = derive_chunk(table, frame, refs)
            first_row += len(frame)
            chunks += 1
            columns = set(frame.columns)
            if carrier is None or running:
                validator = Validator(batch_definition=batch_def, batch_parameters={"dataframe": frame}, result_format=RESULT_FORMAT)
                result = validator.validate_expectation_suite(part, params)
                for i, found in zip(_gx_order(suite_json, running), result.results, strict=True):
                    per_position[i].append(found)
                if carrier is None:
                    carrier, batch_id = result, validator.active_batch_id
                    settled = _settled_by_first_chunk(suite_json, local, {i: r[0] for i, r in per_position.items()})
                    running = [i for i in local if i not in settled]
                    part = _part_of(suite_json, running)
                del validator, result
                _forget_batch(data_source)
            del frame
            release_arrow_memory()
        by_position = {i: merge_results(results, RESULT_FORMAT) for i, results in per_position.items()}
        for i in across:
            kwargs = suite_json["expectations"][i].get("kwargs", {})
            if all(c in source.columns for c in key_columns(kwargs)):
                candidates, element_count, considered = duplicate_candidates(source, kwargs, chunk_bytes, _to_pandas)
            else:  # GX reports the missing column, as it would over the whole table
                candidates, element_count, considered = _to_pandas(source.schema.empty_table(), 0), 0, 0
            validator = Validator(batch_definition=batch_def, batch_parameters={"dataframe": candidates}, result_format=RESULT_FORMAT)
            (found,) = validator.validate_expectation_suite(_part_of(suite_json, [i]), params).results
            by_position[i] = with_table_counts(found, element_count, considered, RESULT_FORMAT)
            del candidates, validator
        source.release()  # its footer is not needed again (the articles' is, for span checks)
        merged = [by_position[i] for i in _gx_order(suite_json, local + across)]
        assert carrier is not None
        statistics = calc_validation_statistics(merged)
        carrier.results = merged
        carrier.success = statistics.success
        carrier.statistics = {
            "evaluated_expectations": statistics.evaluated_expectations,
            "successful_expectations": statistics.successful_expectations,
            "unsuccessful_expectations": statistics.unsuccessful_expectations,
            "success_percent": statistics.success_percent,
        }
        if chunks > 1:  # GX fingerprints the frame it saw: here only the first chunk
            carrier.meta.get("batch_markers", {}).pop("pandas_data_fingerprint", None)
        # As ValidationDefinition.run records a run, so the Data Docs page matches an unchunked one.
        carrier.meta.update(
            validation_id=definition.id, checkpoint_id=None, run_id=run_id, validation_time=run_id.run_time,
            batch_parameters={"dataframe": DATAFRAME_REPLACEMENT_STR},
        )
        suite_id = ExpectationSuiteIdentifier(name=suite.name)
        context.validation_results_store.store_validation_results(
            suite_validation_result=carrier,
            suite_validation_result_identifier=ValidationResultIdentifier(
                expectation_suite_identifier=suite_id, run_id=run_id, batch_identifier=batch_id
            ),
            expectation_suite_identifier=suite_id,
        )
        outcomes.extend(_outcomes(table, carrier, columns))
    if report_dir is not None:
        for stale in GX_PAGES:  # pages of earlier runs would sit beside this run's index
            shutil.rmtree(report_dir / stale, ignore_errors=True)
        context.build_data_docs(site_names=[SITE_NAME])
    report = ValidationReport(outcomes=outcomes, rows=rows, report_dir=report_dir)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _outcomes(table: str, result: Any, columns: set[str]) -> list[ExpectationOutcome]:
    out = []
    for r in result.results:
        cfg = r.expectation_config
        res = r.result or {}
        column = cfg.kwargs.get("column")
        if column is not None and column not in columns:
            observed: Any = f"no column {column!r}"
        elif r.exception_info and r.exception_info.get("raised_exception"):
            observed = f"error: {r.exception_info.get('exception_message')}"
        else:
            observed = _jsonable(res.get("observed_value"))
        sample = _sample(res.get("partial_unexpected_list") or [])
        out.append(
            ExpectationOutcome(
                table=table,
                type=cfg.type,
                column=column,
                severity=str(getattr(cfg.severity, "value", cfg.severity) or "critical"),
                success=bool(r.success),
                observed=observed,
                unexpected_count=res.get("unexpected_count"),
                unexpected_sample=sample,
                kwargs={k: _jsonable(v) for k, v in cfg.kwargs.items() if k not in ("column", "batch_id")},
                notes=(cfg.meta or {}).get("notes"),
            )
        )
    return out


def _sample(values: list[Any]) -> list[Any]:
    """Distinct unexpected values, shortened (a whole article body is no use in a summary)."""
    seen: list[Any] = []
    for v in values:
        v = None if _is_missing(v) else _jsonable(v)
        if isinstance(v, str) and len(v) > SAMPLE_CHARS:
            v = v[: SAMPLE_CHARS - 1] + "…"
        if v not in seen:
            seen.append(v)
        if len(seen) == SAMPLE_SIZE:
            break
    return seen


def _is_missing(value: Any) -> bool:
    """NaN, NaT and NA (pandas 3 shows a missing string as NaN) are all reported as null."""
    try:
        import pandas as pd

        return not isinstance(value, list | tuple | dict) and bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _jsonable(value: Any) -> Any:
    if hasattr(value, "item") and not isinstance(value, list | tuple | dict | str):
        try:
            value = value.item()  # numpy and pandas scalars
        except (TypeError, ValueError, AttributeError):
            pass
    try:
        json.dumps(value, allow_nan=False)
        return value
    except (TypeError, ValueError):
        if isinstance(value, list | tuple):
            return [_jsonable(v) for v in value]
        if isinstance(value, dict):
            return {str(k): _jsonable(v) for k, v in value.items()}
        return str(value)


def write_summaries(report: ValidationReport, report_dir: Path) -> dict[str, Path]:
    """summary.md (for a CI job summary) and summary.json (for machines) beside the Data Docs."""
    report_dir = Path(report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    md = report_dir / "summary.md"
    js = report_dir / "summary.json"
    md.write_text(report.to_markdown(), encoding="utf-8")
    js.write_text(json.dumps(report.to_dict(), indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return {"markdown": md, "json": js, "html": report_dir / "index.html"}


def validation_pages(report_dir: Path) -> dict[str, Path]:
    """Table -> its validation result page (relative to the report folder), from this run."""
    pages = {}
    for table in TABLES:
        found = sorted((report_dir / "validations" / table).glob(f"{RUN_NAME}/*/*.html"))
        if found:
            pages[table] = found[-1].relative_to(report_dir)
    return pages


def add_static_summary(report: ValidationReport, report_dir: Path) -> None:
    """Put the verdict, per-table results and failures into index.html as plain HTML.

    GX's index lists results with JavaScript loaded from public CDNs, so offline (in a CI
    artifact, on an air-gapped machine) it shows empty tables; this section needs no script.
    """
    index = Path(report_dir) / "index.html"
    if not index.exists():
        return
    esc = html.escape
    pages = validation_pages(Path(report_dir))
    status = "PASSED" if report.success else "FAILED"
    parts = [
        f'<section id="{STATIC_SUMMARY_ID}" class="container-fluid px-4 py-3" data-status="{status}">',
        f"<h2>newsetl data quality: {status}</h2>",
        f"<p>{esc(report.headline())}</p>",
    ]
    if report.accounting:
        a = report.accounting
        parts.append(
            f"<p>Inputs: {esc(_or_unknown(a.get('inputs')))} = {a.get('articles')} articles + "
            f"{a.get('duplicates')} duplicates + {a.get('quarantined')} quarantined</p>"
        )
    parts.append('<table class="table table-sm"><thead><tr><th>table</th><th>rows</th><th>result</th>'
                 "<th>critical failures</th><th>warnings</th><th>pages</th></tr></thead><tbody>")
    for table in report.rows:
        mine = [o for o in report.outcomes if o.table == table]
        crit = sum(not o.success and o.severity == "critical" for o in mine)
        warn = sum(not o.success and o.severity != "critical" for o in mine)
        links = [f'<a href="{esc(str(pages[table]))}">validation result</a>'] if table in pages else []
        links.append(f'<a href="expectations/{esc(table)}.html">suite</a>')
        parts.append(
            f'<tr data-table="{esc(table)}"><td>{esc(table)}</td><td>{report.rows[table]}</td>'
            f"<td>{'FAILED' if crit else 'passed'}</td><td>{crit}</td><td>{warn}</td><td>{' · '.join(links)}</td></tr>"
        )
    parts.append("</tbody></table>")
    for title, items in (("Critical failures", report.critical_failures), ("Warnings", report.warnings)):
        if items:
            parts.append(f"<h3>{title}</h3><ul>")
            for o in items:
                evidence = o.unexpected_sample or o.observed
                parts.append(
                    f'<li class="newsetl-{esc(o.severity)}"><code>{esc(o.name)}</code>'
                    f"{' — ' + esc(_md(evidence, 200)) if evidence not in (None, []) else ''}</li>"
                )
            parts.append("</ul>")
    parts.append('<p><a href="summary.md">summary.md</a> · <a href="summary.json">summary.json</a></p></section>')
    page = index.read_text(encoding="utf-8")
    page = re.sub(rf'<section id="{STATIC_SUMMARY_ID}".*?</section>', "", page, flags=re.S)
    body = re.search(r"<body[^>]*>", page)
    at = body.end() if body else 0
    index.write_text(page[:at] + "\n".join(parts) + page[at:], encoding="utf-8")


def import_in_background() -> threading.Thread:
    """Import Great Expectations in a daemon thread, now.

    The import costs about 2 s of CPU. A run starts this before its batches, so the import
    overlaps them instead of adding to the serial validation at the end; `run_suites_on`'s own
    import then waits for this one, if it has not finished, and costs nothing.
    """

    def load() -> None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        import great_expectations  # noqa: F401
        from great_expectations.validator import v1_validator, validator  # noqa: F401

    thread = threading.Thread(target=load, name="import-great-expectations", daemon=True)
    thread.start()
    return thread


def validate_dir(
    table_dir: Path,
    report_dir: Path | None,
    expectations_dir: Path | None = None,
    inputs: int | None = None,
    chunk_bytes: int | None = None,
) -> ValidationReport:
    """Validate the tables in `table_dir`, write Data Docs and summaries into `report_dir`.

    Tables are read `chunk_bytes` of Arrow data at a time (default: `chunks.DEFAULT_CHUNK_BYTES`
    or NEWSETL_VALIDATE_CHUNK_BYTES), so memory does not grow with the tables.

    `inputs` (the run's input count; else the folder's `_manifest.json`) adds the critical check
    that every input is an article, a duplicate or quarantined.
    """
    suites = load_suites(expectations_dir)
    report = run_suites_on(table_sources(table_dir), suites, report_dir, chunk_bytes)
    report.accounting = read_accounting(table_dir, report.rows, inputs)
    accounted = _accounting_outcome(report.accounting)
    if accounted is not None:
        report.outcomes.insert(0, accounted)
    from tasks.validate.checks import variant_finder

    if variant_finder() is None:
        report.notes.append(
            "Variant-spelling check not run: tasks.normalise exposes no find_variants() or variant_pattern()."
        )
    if report_dir is not None:
        write_summaries(report, report_dir)
        add_static_summary(report, report_dir)
    log.info("validation %s in %.2f s", "passed" if report.success else "FAILED", report.seconds)
    return report


@task(name="validate", cache_policy=NO_CACHE)
def validate_task(
    table_dir: Path, report_dir: Path | None, expectations_dir: Path | None = None, inputs: int | None = None
) -> ValidationReport:
    return validate_dir(table_dir, report_dir, expectations_dir, inputs)


__all__ = [
    "ExpectationOutcome",
    "ValidationReport",
    "import_in_background",
    "load_suites",
    "run_suites_on",
    "table_sources",
    "validate_dir",
    "validate_task",
    "write_summaries",
]
