"""The `newsetl` command: parses arguments and calls a flow or a stage. No logic lives here.

Exit codes: 0 success; 1 validation failed (nothing published); 2 bad usage, unreadable input, or
another run holding the output's lock.
"""

from __future__ import annotations

import enum
import os
import signal
from pathlib import Path
from typing import Annotated

import typer

from newsetl import runtime

runtime.configure()

DEFAULT_BATCH_SIZE = 200  # flows.pipeline.DEFAULT_BATCH_SIZE, kept here so --help does not import Prefect


class TaskRunnerName(str, enum.Enum):
    local = "local"
    dask = "dask"

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn raw scraped news into tidy, validated Parquet.",
)

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _fail_usage(message: str) -> typer.Exit:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(EXIT_USAGE)


@app.command()
def run(
    input: Annotated[Path, typer.Option("--input", "-i", help="Folder (walked recursively) or one file.")] = Path("seeds"),
    output: Annotated[str, typer.Option("--output", "-o", help="Folder for the tables and reports/, or an fsspec URL (s3://bucket/news).")] = "data",
    batch_size: Annotated[int, typer.Option(min=1, help="Input files per task run.")] = DEFAULT_BATCH_SIZE,
    expectations: Annotated[Path | None, typer.Option(help="Folder of GX suites (default: expectations/).")] = None,
    max_bytes: Annotated[int, typer.Option(min=1, help="Quarantine inputs larger than this.")] = 20 * 1024 * 1024,
    workers: Annotated[int, typer.Option(min=0, help="Processes (or Dask workers) for the stages; 0: one per CPU.")] = 0,
    task_runner: Annotated[TaskRunnerName, typer.Option(help="local: this machine; dask: a Dask cluster (local, or --dask-address).")] = TaskRunnerName.local,
    dask_address: Annotated[str | None, typer.Option(help="Scheduler of an existing Dask cluster, e.g. tcp://10.0.0.5:8786.")] = None,
    full: Annotated[bool, typer.Option("--full", help="Reprocess every input, ignoring the previous tables.")] = False,
    work_dir: Annotated[Path | None, typer.Option(help="Local working copy when --output is a URL.")] = None,
    doc_time_limit: Annotated[float, typer.Option(min=0, envvar="NEWSETL_DOC_TIME_LIMIT", help="Seconds a document may spend in a stage before it is quarantined (0: no limit).")] = 10.0,
    ner_model: Annotated[str | None, typer.Option(help="An installed spaCy model (e.g. en_core_web_sm) used beside the entity catalogue.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
) -> None:
    """Run the pipeline over INPUT and publish validated tables into OUTPUT."""
    if not input.exists():
        raise _fail_usage(f"input not found: {input}")
    # Stage settings travel by environment so worker processes (local pool or Dask) inherit them.
    os.environ["NEWSETL_DOC_TIME_LIMIT"] = str(doc_time_limit)
    if ner_model:
        _check_ner_model(ner_model)
        os.environ["NEWSETL_NER_MODEL"] = ner_model
    if dask_address and task_runner is not TaskRunnerName.dask:
        raise _fail_usage("--dask-address needs --task-runner dask")
    _check_unlocked(output, work_dir)
    workers = workers or os.cpu_count() or 1
    # Dask workers need a standing server; a local run starts Prefect's temporary API (and its
    # pool's fork server) now, so they boot while the stages import.
    local = task_runner is TaskRunnerName.local
    with runtime.booting_local_run(input, workers, batch_size) if local else runtime.api_server() as api:
        from flows.pipeline import run_pipeline
        from tasks.publish import OutputLocked

        if local:
            api()  # wait until the temporary API answers

        flow = run_pipeline
        if task_runner is TaskRunnerName.dask:
            flow = run_pipeline.with_options(task_runner=_dask_runner(workers, dask_address))
        try:
            summary = flow(
                input_path=str(input),
                output_dir=output,
                batch_size=batch_size,
                expectations_dir=str(expectations) if expectations else None,
                max_bytes=max_bytes,
                progress=not quiet,
                workers=1 if task_runner is TaskRunnerName.dask else workers,
                in_flight=2 * workers,
                incremental=not full,
                work_dir=str(work_dir) if work_dir else None,
            )
        except OutputLocked as exc:
            raise _fail_usage(str(exc)) from None
    if not quiet:
        _print_summary(summary)
    raise typer.Exit(EXIT_OK if summary.validation_success else EXIT_INVALID)


def _check_ner_model(name: str) -> None:
    """Fail fast, before any work, when the named spaCy model is not installed."""
    import spacy.util

    if not spacy.util.is_package(name) and not Path(name).exists():
        raise _fail_usage(f"spaCy model {name!r} is not installed (pip install it, or omit --ner-model)")


def _check_unlocked(output: str, work_dir: Path | None) -> None:
    """Refuse early, before Prefect starts, when another run holds the output's lock."""
    from tasks.publish import OutputLock, OutputLocked, is_remote, local_path

    if is_remote(output):
        return  # the flow locks its local working copy
    out = local_path(output)
    if not out.exists():
        return
    try:
        with OutputLock(out):
            pass
    except OutputLocked as exc:
        raise _fail_usage(str(exc)) from None


def _dask_runner(workers: int, address: str | None):
    """prefect-dask's runner: an existing scheduler, or a local cluster of `workers` processes."""
    import logging

    from prefect_dask import DaskTaskRunner

    logging.getLogger("distributed").setLevel(logging.WARNING)  # cluster start/stop chatter
    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(
        cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True, "dashboard_address": None}
    )


@app.command()
def serve(
    cron: Annotated[str | None, typer.Option(help='Cron schedule, e.g. "*/30 * * * *".')] = None,
    interval: Annotated[int | None, typer.Option(min=1, help="Or: run every INTERVAL seconds.")] = None,
    timezone: Annotated[str, typer.Option(help="Time zone of the cron schedule.")] = "UTC",
    input: Annotated[Path, typer.Option("--input", "-i", help="Folder of scrapes, re-read at each run.")] = Path("seeds"),
    output: Annotated[str, typer.Option("--output", "-o", help="Folder (or fsspec URL) for the tables.")] = "data",
    name: Annotated[str, typer.Option(help="Deployment name.")] = "scheduled",
    batch_size: Annotated[int, typer.Option(min=1, help="Input files per task run.")] = DEFAULT_BATCH_SIZE,
    workers: Annotated[int, typer.Option(min=0, help="Processes for the stages; 0: one per CPU.")] = 0,
) -> None:
    """Run the pipeline on a schedule until stopped (Ctrl-C or SIGTERM).

    Prefect fires schedules only from a standing API: with PREFECT_API_URL unset, a local
    `prefect server` is started for as long as this command runs.
    """
    if (cron is None) == (interval is None):
        raise _fail_usage("give exactly one of --cron or --interval")
    if not input.exists():
        raise _fail_usage(f"input not found: {input}")
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        with runtime.api_server() as api_url:
            from prefect.schedules import Cron, Interval

            from flows.pipeline import run_pipeline

            schedule = Cron(cron, timezone=timezone) if cron else Interval(interval)
            typer.echo(f"newsetl: serving {name!r} ({cron or f'every {interval} s'}) against {api_url}", err=True)
            run_pipeline.serve(
                name=name,
                schedules=[schedule],
                parameters={
                    "input_path": str(input.resolve()),
                    "output_dir": output if "://" in output else str(Path(output).resolve()),
                    "batch_size": batch_size,
                    "workers": workers or os.cpu_count() or 1,
                },
                print_starting_message=False,
            )
    except (KeyboardInterrupt, SystemExit):  # Ctrl-C, or Prefect's own SIGTERM handler exiting
        pass
    typer.echo("newsetl: stopped", err=True)


def _raise_keyboard_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _print_summary(summary) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:  # piped or logged: never wrap paths mid-word
        console = Console(width=200)
    if summary.unchanged:
        status = "[green]unchanged[/]: same inputs, code and lexicon as the published tables"
    elif summary.published:
        status = f"[green]published[/] ({summary.reused} articles reused from the previous run)"
    else:
        status = "[red]NOT published: validation failed[/]"
    console.print(f"newsetl: {status} in {summary.seconds:.1f} s")
    console.print(
        f"{summary.inputs} documents in -> {summary.articles} articles, "
        f"{summary.duplicates} duplicates, {summary.quarantined} quarantined"
    )
    table = Table("table", "rows", "file", box=None)
    out = Path(summary.output_dir)
    for name, count in summary.rows.items():
        table.add_row(name, str(count), str(out / f"{name}.parquet"))
    console.print(table)
    for failure in summary.critical_failures:
        console.print(f"  [red]critical[/] {failure}")
    console.print(f"report: {summary.report}  (summary: {Path(summary.report).with_name('summary.md')})")


@app.command()
def validate(
    data: Annotated[Path, typer.Option("--data", "-d", help="Folder holding the published tables.")] = Path("data"),
    report: Annotated[Path | None, typer.Option(help="Where to write the report (default: DATA/reports).")] = None,
    expectations: Annotated[Path | None, typer.Option(help="Folder of GX suites (default: expectations/).")] = None,
) -> None:
    """Validate existing tables; exit 0 if every critical expectation passes, 1 if not, 2 if unreadable."""
    from tasks.validate import validate_dir

    report_dir = report or data / "reports"
    try:
        result = validate_dir(data, report_dir, expectations)
    except (FileNotFoundError, OSError, ValueError) as exc:
        raise _fail_usage(f"cannot read tables in {data}: {exc}") from exc
    for o in result.critical_failures:
        typer.secho(f"FAIL {o.name}: {o.unexpected_sample or o.observed or ''}", fg=typer.colors.RED)
    for o in result.warnings:
        typer.secho(f"warn {o.table}: {o.type} {o.column or ''}", fg=typer.colors.YELLOW)
    verdict = "passed" if result.success else "FAILED"
    typer.echo(f"validation {verdict}: {len(result.critical_failures)} critical, {len(result.warnings)} warnings; report: {report_dir / 'index.html'}")
    raise typer.Exit(EXIT_OK if result.success else EXIT_INVALID)


@app.command()
def normalize(text: Annotated[str, typer.Argument(help="Text to normalise.")]) -> None:
    """Print what TEXT becomes under the spelling lexicon, and which rules fired."""
    from tasks.normalise import LEXICON_VERSION, normalize_text

    result = normalize_text(text)
    typer.echo(result.text)  # stdout: the text alone, so it can be piped; the why goes to stderr
    typer.echo(f"# lexicon {LEXICON_VERSION}: {len(result.changes)} change(s)", err=True)
    for c in result.changes:
        typer.echo(f"#   [{c.start}:{c.end}] {c.original!r} -> {c.replacement!r}  ({c.rule})", err=True)
    for k in result.kept:
        typer.echo(f"#   [{k.start}:{k.end}] kept {k.text!r}  ({k.reason}: {k.rule})", err=True)


@app.command()
def docs(
    check: Annotated[bool, typer.Option(help="Exit 1 if the data dictionary is out of date.")] = False,
) -> None:
    """Regenerate the data dictionary (docs/data-dictionary.md and README) from the schema module."""
    from newsetl.datadict import write_data_dictionary

    changed = write_data_dictionary(check=check)
    if check and changed:
        typer.echo("data dictionary is out of date: run `newsetl docs`", err=True)
        raise typer.Exit(EXIT_INVALID)
    typer.echo("data dictionary up to date" if not changed else "data dictionary written")


if __name__ == "__main__":
    app()
