"""Pipeline speed and memory against a bare trafilatura loop, side by side, in one run.

For N generated articles (bench/corpus.py: the same stories as text dumps and as HTML pages):

1. `trafilatura.extract` over every HTML page, one process, a plain loop (the baseline);
2. the whole pipeline (`run_pipeline`: ingest ... validate, publish) over the text dumps;
3. the whole pipeline over the HTML pages;
4. a no-op rerun of 3 (same inputs, same code: incremental runs skip everything).

Each step runs in its own child process; the parent samples the child's process tree (flow
process plus stage workers) for peak RSS. Ratios are what to compare across machines:
pipeline time / trafilatura time, and no-op rerun / full run.

    python -m bench.pipeline -n 10000              # the acceptance numbers
    python -m bench.pipeline -n 100000 --formats text --skip-baseline   # memory flatness
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"


def _child_baseline(html_dir: str) -> dict:
    """The baseline: read each page and call trafilatura.extract with its defaults (timed from
    before its import, as the pipeline is)."""
    started = time.perf_counter()
    import trafilatura

    paths = sorted(Path(html_dir).iterdir())
    extracted = 0
    for path in paths:
        if trafilatura.extract(path.read_text(encoding="utf-8")):
            extracted += 1
    return {"seconds": time.perf_counter() - started, "docs": len(paths), "extracted": extracted}


def _child_pipeline(input_dir: str, output_dir: str, workers: int, batch_size: int, rerun: bool) -> dict:
    """The flow as `newsetl run` calls it, timed from before its imports: a full run, then
    (optionally) an unchanged rerun."""
    started = time.perf_counter()
    from newsetl import runtime

    runtime.configure()
    with runtime.booting_local_run(Path(input_dir), workers, batch_size) as api_ready:  # as `newsetl run` does
        from flows.pipeline import run_pipeline

        api_ready()
        return _timed_runs(run_pipeline, input_dir, output_dir, workers, batch_size, rerun, started)


def _timed_runs(run_pipeline, input_dir: str, output_dir: str, workers: int, batch_size: int, rerun: bool, started: float) -> dict:
    summary = run_pipeline(
        input_path=input_dir, output_dir=output_dir, workers=workers, batch_size=batch_size, incremental=False
    )
    result = {
        "seconds": time.perf_counter() - started,
        "articles": summary.articles,
        "published": summary.published,
        "critical_failures": summary.critical_failures,
        "stage_ms": {stage: counts.get("ms") for stage, counts in summary.stage_stats.items() if "ms" in counts},
    }
    if rerun:
        started = time.perf_counter()
        again = run_pipeline(input_path=input_dir, output_dir=output_dir, workers=workers, batch_size=batch_size)
        result["noop_seconds"] = time.perf_counter() - started
        result["noop_unchanged"] = again.unchanged
    return result


def measure(kind: str, *args: str) -> dict:
    """Run one step in a child process; its result, wall time, the main process's peak RSS (the
    kernel's own count) and the peak PSS of all its processes (sampled every quarter second)."""
    import psutil

    with tempfile.NamedTemporaryFile("r", suffix=".json") as result_file:
        cmd = [sys.executable, "-m", "bench.pipeline", "--child", kind, result_file.name, *args]
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        parent = psutil.Process(proc.pid)
        peak_main = peak_tree = 0
        while proc.poll() is None:
            try:
                peak_main = max(peak_main, parent.memory_info().rss)
                pss = 0  # proportional set size: pages shared by forked workers are counted once
                for p in [parent, *parent.children(recursive=True)]:
                    try:
                        pss += p.memory_full_info().pss
                    except psutil.Error:
                        pass
                peak_tree = max(peak_tree, pss)
            except psutil.Error:
                pass
            time.sleep(0.25)
        wall = time.perf_counter() - started
        stderr = proc.stderr.read()
        if proc.returncode != 0:
            raise RuntimeError(f"{kind} failed ({proc.returncode}):\n{stderr[-3000:]}")
        result = json.loads(Path(result_file.name).read_text())
    exact = result.pop("peak_rss_kib", None)
    result.update(
        wall_seconds=wall,
        peak_rss_mib=round(exact / 2**10 if exact else peak_main / 2**20, 1),
        peak_tree_pss_mib=round(peak_tree / 2**20, 1),
    )
    return result


def run(n: int, formats: list[str], workers: int, batch_size: int, skip_baseline: bool, seed: int) -> dict:
    from bench.corpus import CORPUS_VERSION, write_corpus

    corpus = OUT / f"corpus-v{CORPUS_VERSION}-{n}-seed{seed}"
    t = time.perf_counter()
    write_corpus(corpus, n, seed, tuple(sorted(set(formats) | ({"html"} if not skip_baseline else set()))))
    print(f"corpus: {corpus} ({time.perf_counter() - t:.0f} s to write)", file=sys.stderr)
    report: dict = {"n": n, "workers": workers, "batch_size": batch_size, "cpus": os.cpu_count()}
    if not skip_baseline:
        report["trafilatura"] = measure("baseline", str(corpus / "html"))
        print(f"trafilatura alone: {report['trafilatura']['seconds']:.1f} s", file=sys.stderr)
    for fmt in formats:
        out = OUT / f"tables-{n}-{fmt}"
        report[f"pipeline_{fmt}"] = measure(
            "pipeline", str(corpus / fmt), str(out), str(workers), str(batch_size), "rerun" if fmt == formats[-1] else ""
        )
        print(f"pipeline {fmt}: {report[f'pipeline_{fmt}']['seconds']:.1f} s", file=sys.stderr)
    base = report.get("trafilatura", {}).get("seconds")
    for fmt in formats:
        r = report[f"pipeline_{fmt}"]
        if base:
            r["ratio_vs_trafilatura"] = round(r["seconds"] / base, 3)
            r["wall_ratio_vs_trafilatura"] = round(r["wall_seconds"] / base, 3)
        if "noop_seconds" in r:
            r["noop_ratio"] = round(r["noop_seconds"] / r["seconds"], 4)
    return report


def to_markdown(report: dict) -> str:
    lines = [
        f"N = {report['n']} articles, {report['cpus']} CPUs, workers = {report['workers']}, batch = {report['batch_size']}",
        "",
        "| step | time / trafilatura alone | incl. process start | peak RSS, main process (MiB) | peak PSS, all processes (MiB) | no-op rerun / full run |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    if "trafilatura" in report:
        t = report["trafilatura"]
        lines.append(f"| trafilatura.extract loop | 1.000 | {t['wall_seconds'] / t['seconds']:.3f} | {t['peak_rss_mib']} | {t['peak_tree_pss_mib']} | |")
    for key, r in report.items():
        if key.startswith("pipeline_"):
            lines.append(
                f"| pipeline, {key.removeprefix('pipeline_')} | {r.get('ratio_vs_trafilatura', '')} | "
                f"{r.get('wall_ratio_vs_trafilatura', '')} | {r['peak_rss_mib']} | {r['peak_tree_pss_mib']} | {r.get('noop_ratio', '')} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        kind, result_path, *rest = argv[1:]
        if kind == "baseline":
            result = _child_baseline(rest[0])
        else:
            result = _child_pipeline(rest[0], rest[1], int(rest[2]), int(rest[3]), rest[4:5] == ["rerun"])
        import resource

        # The kernel's high-water mark: exact, where sampling can miss a peak that lasts a moment.
        result["peak_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        Path(result_path).write_text(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=10_000)
    parser.add_argument("--formats", default="text,html")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-baseline", action="store_true", help="no trafilatura loop (memory runs)")
    args = parser.parse_args(argv)
    report = run(args.n, args.formats.split(","), args.workers, args.batch_size, args.skip_baseline, args.seed)
    OUT.mkdir(parents=True, exist_ok=True)
    stem = OUT / f"pipeline-{args.n}-{'-'.join(args.formats.split(','))}"
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
    markdown = to_markdown(report)
    stem.with_suffix(".md").write_text(markdown)
    print(markdown)


if __name__ == "__main__":
    main()
