"""The `newsetl` command: parses arguments and calls a flow or a stage. No logic lives here.

Exit codes: 0 success; 1 validation failed (nothing published); 2 bad usage or unreadable input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsetl import runtime

runtime.configure()

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
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the tables and reports/.")] = Path("data"),
    batch_size: Annotated[int, typer.Option(min=1, help="Input files per task run.")] = 200,
    expectations: Annotated[Path | None, typer.Option(help="Folder of GX suites (default: expectations/).")] = None,
    max_bytes: Annotated[int, typer.Option(min=1, help="Quarantine inputs larger than this.")] = 20 * 1024 * 1024,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
) -> None:
    """Run the pipeline over INPUT and publish validated tables into OUTPUT."""
    if not input.exists():
        raise _fail_usage(f"input not found: {input}")
    from flows.pipeline import run_pipeline

    summary = run_pipeline(
        input_path=str(input),
        output_dir=str(output),
        batch_size=batch_size,
        expectations_dir=str(expectations) if expectations else None,
        max_bytes=max_bytes,
        progress=not quiet,
    )
    if not quiet:
        _print_summary(summary)
    raise typer.Exit(EXIT_OK if summary.validation_success else EXIT_INVALID)


def _print_summary(summary) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=False)
    status = "[green]published[/]" if summary.published else "[red]NOT published: validation failed[/]"
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
        typer.secho(f"FAIL {o.table}: {o.type} {o.column or ''} {o.unexpected_sample or o.observed or ''}", fg=typer.colors.RED)
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
    typer.echo(result.text)
    typer.echo(f"# lexicon {LEXICON_VERSION}: {len(result.changes)} change(s)", err=True)
    for c in result.changes:
        typer.echo(f"#   [{c.start}:{c.end}] {c.original!r} -> {c.replacement!r}  ({c.rule})", err=True)


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
