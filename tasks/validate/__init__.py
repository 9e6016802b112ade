"""Validate: run the Great Expectations suites in `expectations/` over the staged tables.

Suites are plain JSON (one per table, reviewed like code). Each expectation is `critical` (the
run does not publish) or `warning` (reported only). The results become GX Data Docs and a short
Markdown/JSON summary for CI job summaries.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.publish.schema import TABLES
from tasks.validate.derived import add_derived_columns, expectation_parameters

log = logging.getLogger(__name__)

DEFAULT_EXPECTATIONS = Path(__file__).resolve().parents[2] / "expectations"
SITE_NAME = "newsetl"


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


@dataclass
class ValidationReport:
    outcomes: list[ExpectationOutcome]
    rows: dict[str, int]
    report_dir: Path | None = None

    @property
    def critical_failures(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity == "critical"]

    @property
    def warnings(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity != "critical"]

    @property
    def success(self) -> bool:
        return not self.critical_failures

    def to_dict(self) -> dict[str, Any]:
        tables: dict[str, Any] = {}
        for o in self.outcomes:
            t = tables.setdefault(o.table, {"rows": self.rows.get(o.table), "success": True, "expectations": []})
            t["expectations"].append(
                {
                    "type": o.type,
                    "column": o.column,
                    "severity": o.severity,
                    "success": o.success,
                    "observed": o.observed,
                    "unexpected_count": o.unexpected_count,
                    "unexpected_sample": o.unexpected_sample,
                }
            )
            if not o.success and o.severity == "critical":
                t["success"] = False
        return {
            "success": self.success,
            "critical_failures": len(self.critical_failures),
            "warnings": len(self.warnings),
            "tables": tables,
        }

    def to_markdown(self) -> str:
        lines = [
            f"## newsetl data quality: {'PASSED' if self.success else 'FAILED'}",
            "",
            f"{len(self.critical_failures)} critical failure(s), {len(self.warnings)} warning(s).",
            "",
            "| table | rows | expectation | column | severity | result | observed |",
            "|---|---:|---|---|---|---|---|",
        ]
        for o in self.outcomes:
            result = "pass" if o.success else ("**FAIL**" if o.severity == "critical" else "warn")
            observed = o.observed if o.observed is not None else (
                f"{o.unexpected_count} unexpected" if o.unexpected_count else ""
            )
            lines.append(
                f"| {o.table} | {self.rows.get(o.table, '')} | {o.type} | {o.column or ''} | {o.severity} | {result} | {_short(observed)} |"
            )
        return "\n".join(lines) + "\n"


def _short(value: Any, limit: int = 80) -> str:
    text = str(value).replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def load_suites(expectations_dir: Path | None = None) -> dict[str, dict]:
    """Suite JSON per table name, from `<expectations_dir>/<table>.json`."""
    directory = Path(expectations_dir or os.environ.get("NEWSETL_EXPECTATIONS") or DEFAULT_EXPECTATIONS)
    suites = {}
    for path in sorted(directory.glob("*.json")):
        suite = json.loads(path.read_text())
        suites[suite["name"]] = suite
    missing = [t for t in ("articles", "quotes", "entities", "quarantine") if t not in suites]
    if missing:
        raise FileNotFoundError(f"no expectation suite for {', '.join(missing)} in {directory}")
    return suites


def read_tables(table_dir: Path) -> dict[str, Any]:
    """Read every table of the contract from `table_dir` as pandas frames."""
    frames = {}
    for table in TABLES:
        path = Path(table_dir) / f"{table}.parquet"
        if not path.exists():
            raise FileNotFoundError(f"missing table {path}")
        frames[table] = pq.read_table(path).to_pandas()
    return frames


def run_suites(frames: dict[str, Any], suites: dict[str, dict], report_dir: Path | None) -> ValidationReport:
    """Validate each table with its suite in one ephemeral GX context; build Data Docs."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if report_dir is not None:
        report_dir = Path(report_dir)
        report_dir.mkdir(parents=True, exist_ok=True)
        context.add_data_docs_site(
            site_name=SITE_NAME,
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(report_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    frames = add_derived_columns(frames)
    params = expectation_parameters(frames)
    source = context.data_sources.add_pandas("newsetl")
    outcomes: list[ExpectationOutcome] = []
    for table, suite_json in suites.items():
        if table not in frames:
            raise KeyError(f"suite {table!r} names no table")
        suite = context.suites.add(gx.ExpectationSuite(**suite_json))
        batch_def = source.add_dataframe_asset(table).add_batch_definition_whole_dataframe("all")
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"validate_{table}", data=batch_def, suite=suite)
        )
        actions = []
        if report_dir is not None:
            actions = [gx.checkpoint.UpdateDataDocsAction(name="data_docs", site_names=[SITE_NAME])]
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name=f"checkpoint_{table}",
                validation_definitions=[definition],
                actions=actions,
                result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5},
            )
        )
        result = checkpoint.run(batch_parameters={"dataframe": frames[table]}, expectation_parameters=params)
        for run_result in result.run_results.values():
            for r in run_result.results:
                cfg = r.expectation_config
                outcomes.append(
                    ExpectationOutcome(
                        table=table,
                        type=cfg.type,
                        column=cfg.kwargs.get("column"),
                        severity=str(getattr(cfg.severity, "value", cfg.severity) or "critical"),
                        success=bool(r.success),
                        observed=_jsonable(r.result.get("observed_value")),
                        unexpected_count=r.result.get("unexpected_count"),
                        unexpected_sample=[_jsonable(v) for v in (r.result.get("partial_unexpected_list") or [])][:5],
                    )
                )
    rows = {t: len(f) for t, f in frames.items()}
    return ValidationReport(outcomes=outcomes, rows=rows, report_dir=report_dir)


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except TypeError:
        return str(value)


def write_summaries(report: ValidationReport, report_dir: Path) -> dict[str, Path]:
    report_dir = Path(report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    md = report_dir / "summary.md"
    js = report_dir / "summary.json"
    md.write_text(report.to_markdown())
    js.write_text(json.dumps(report.to_dict(), indent=2, sort_keys=True, default=str) + "\n")
    return {"markdown": md, "json": js, "html": report_dir / "index.html"}


def validate_dir(table_dir: Path, report_dir: Path | None, expectations_dir: Path | None = None) -> ValidationReport:
    """Validate the tables in `table_dir`, write Data Docs and summaries into `report_dir`."""
    report = run_suites(read_tables(table_dir), load_suites(expectations_dir), report_dir)
    if report_dir is not None:
        write_summaries(report, report_dir)
    return report


@task(name="validate", cache_policy=NO_CACHE)
def validate_task(table_dir: Path, report_dir: Path | None, expectations_dir: Path | None = None) -> ValidationReport:
    return validate_dir(table_dir, report_dir, expectations_dir)
