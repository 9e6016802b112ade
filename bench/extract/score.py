"""Score the extract stage on labelled pages: 4-gram shingle precision/recall/F1 and ms/doc.

    .venv/bin/python bench/extract/score.py                    # the development set in tests/
    .venv/bin/python bench/extract/score.py --cases DIR        # any directory in the same layout
    .venv/bin/python bench/extract/score.py --json out.json    # also write the numbers

Text cases run through `clean_text`; HTML cases through `extract_html`. Baselines are the
uncleaned dump (text) and `trafilatura.extract` with default settings (HTML), timed the same way.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from tasks.extract import extract_doc  # noqa: E402
from tasks.extract.evaluate import load_cases, prf  # noqa: E402
from tasks.extract.html import extract_html  # noqa: E402
from tasks.extract.text_cleaner import clean_text, clear_caches  # noqa: E402
from tasks.records import Doc, Quarantined  # noqa: E402


def _ms(fn, repeat: int) -> float:
    """Best of `repeat` runs, in ms: the machine is shared, and the minimum is the stable figure."""
    best = float("inf")
    for _ in range(repeat):
        clear_caches()  # each run starts cold, like one pass over a fresh corpus
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def score(cases_dir: Path, repeat: int = 5) -> dict:
    cases = [c for c in load_cases(cases_dir) if c.body]  # furniture-only pages have no body
    out: dict = {"cases": [], "summary": {}}
    for fmt in ("text", "html"):
        subset = [c for c in cases if c.source_format == fmt]
        if not subset:
            continue
        rows = []
        for c in subset:
            body = clean_text(c.raw).body if fmt == "text" else "\n\n".join(extract_html(c.raw).paragraphs)
            base = c.raw if fmt == "text" else (trafilatura.extract(c.raw) or "")
            p, r, f = prf(body, c.body)
            rows.append({"case": c.name, "format": fmt, "precision": round(p, 4), "recall": round(r, 4),
                         "f1": round(f, 4), "baseline_f1": round(prf(base, c.body)[2], 4)})
        run = (lambda: [clean_text(c.raw) for c in subset]) if fmt == "text" else \
              (lambda: [extract_html(c.raw) for c in subset])

        def full() -> None:
            for c in subset:
                try:
                    extract_doc(Doc(source_path=c.name, source_format=fmt, raw=c.raw))
                except Quarantined:
                    pass

        run(), full()  # warm caches and imports
        ms_core = _ms(run, repeat) / len(subset)
        ms_full = _ms(full, repeat) / len(subset)
        ms_base = _ms(lambda: [trafilatura.extract(c.raw) for c in cases if c.source_format == "html"] or None,
                      repeat) / max(1, sum(c.source_format == "html" for c in cases))
        out["cases"].extend(rows)
        out["summary"][fmt] = {
            "n": len(rows),
            "mean_precision": round(statistics.mean(r["precision"] for r in rows), 4),
            "mean_recall": round(statistics.mean(r["recall"] for r in rows), 4),
            "mean_f1": round(statistics.mean(r["f1"] for r in rows), 4),
            "mean_baseline_f1": round(statistics.mean(r["baseline_f1"] for r in rows), 4),
            "ms_per_doc_extractor": round(ms_core, 3),
            "ms_per_doc_extract_doc": round(ms_full, 3),
            "ms_per_doc_trafilatura_default_on_html": round(ms_base, 3),
        }
    # Paired timing: text dumps and HTML pages of the same articles (the HTML dev pages are
    # built from labelled text cases), against a bare trafilatura.extract loop on the HTML.
    html_by_body = {c.body: c for c in cases if c.source_format == "html"}
    pairs = [(t, html_by_body[t.body]) for t in cases if t.source_format == "text" and t.body in html_by_body]
    if pairs:
        def docs(fmt: str) -> None:
            for t, h in pairs:
                c = t if fmt == "text" else h
                try:
                    extract_doc(Doc(source_path=c.name, source_format=fmt, raw=c.raw))
                except Quarantined:
                    pass

        base = _ms(lambda: [trafilatura.extract(h.raw) for _, h in pairs], repeat * 4)
        text_ms = _ms(lambda: docs("text"), repeat * 4)
        html_ms = _ms(lambda: docs("html"), repeat * 4)
        out["summary"]["paired"] = {
            "n": len(pairs),
            "trafilatura_extract_ms": round(base / len(pairs), 3),
            "text_pipeline_ms": round(text_ms / len(pairs), 3),
            "html_pipeline_ms": round(html_ms / len(pairs), 3),
            "text_ratio": round(text_ms / base, 3),
            "html_ratio": round(html_ms / base, 3),
        }
    return out


_MENU_WORDS = ("world politics business markets sport culture opinion video live europe ukraine russia "
               "africa asia climate science health travel").split()


def with_page_weight(html: str) -> str:
    """The page with the weight real news pages carry (the dev pages are 2-5 KB, real ones
    100-300 KB): inline CSS and app state, a mega-menu, a teaser grid and a footer sitemap."""
    import random

    rnd = random.Random(len(html))
    pick = lambda n: " ".join(rnd.choice(_MENU_WORDS) for _ in range(n))  # noqa: E731
    menu = "".join(
        f'<li><a href="/s/{i}">{pick(2).title()}</a><ul>'
        + "".join(f'<li><a href="/s/{i}/{j}">{pick(2)}</a></li>' for j in range(6)) + "</ul></li>"
        for i in range(40)
    )
    style = "<style>" + ".c{color:#333;margin:0 auto;padding:4px}" * 1500 + "</style>"
    state = '<script>window.__STATE__={"k":"' + "x" * 60000 + '"}</script>'
    cards = "".join(f'<div class="card"><a href="/a/{i}"><h3>{pick(9)}</h3></a><span>{i} hours ago</span></div>'
                    for i in range(30))
    html = html.replace("</head>", style + state + "</head>", 1)
    html = html.replace("<body", f'<body><div class="mega"><ul>{menu}</ul></div><div', 1)
    return html.replace("</body>", f'<section class="more">{cards}</section><footer><ul>{menu}</ul></footer></body>', 1)


def paired_heavy(cases_dir: Path, repeat: int = 5) -> dict:
    """Text and HTML pipelines against trafilatura.extract on page-weight versions of the pages."""
    from tasks.extract.html import html_to_text

    pages = [c for c in load_cases(cases_dir) if c.source_format == "html"]
    heavy = [with_page_weight(c.raw) for c in pages]
    dumps = [html_to_text(h) for h in heavy]

    def docs(fmt: str, raws: list[str]) -> None:
        for raw in raws:
            try:
                extract_doc(Doc(source_path="x", source_format=fmt, raw=raw))
            except Quarantined:
                pass

    base = _ms(lambda: [trafilatura.extract(h) for h in heavy], repeat)
    text_ms = _ms(lambda: docs("text", dumps), repeat)
    html_ms = _ms(lambda: docs("html", heavy), repeat)
    f_text = statistics.mean(prf(clean_text(d).body, c.body)[2] for d, c in zip(dumps, pages))
    f_html = statistics.mean(prf("\n\n".join(extract_html(h).paragraphs), c.body)[2] for h, c in zip(heavy, pages))
    n = len(pages)
    return {"n": n, "html_kb": round(statistics.mean(map(len, heavy)) / 1000), "text_kb": round(statistics.mean(map(len, dumps)) / 1000),
            "trafilatura_extract_ms": round(base / n, 3), "text_pipeline_ms": round(text_ms / n, 3),
            "html_pipeline_ms": round(html_ms / n, 3), "text_ratio": round(text_ms / base, 3),
            "html_ratio": round(html_ms / base, 3), "text_f1": round(f_text, 4), "html_f1": round(f_html, 4)}


SETTINGS = {
    "defaults": {},
    "no-comments": {"include_comments": False},
    "no-comments+precision": {"include_comments": False, "favor_precision": True},
    "no-comments+fast": {"include_comments": False, "fast": True},
    "no-comments+fast+precision": {"include_comments": False, "fast": True, "favor_precision": True},
}


def compare_settings(cases_dir: Path, repeat: int = 5) -> dict:
    """F1 and ms/doc of bare trafilatura.extract under the settings the issue asks about."""
    pages = [c for c in load_cases(cases_dir) if c.source_format == "html"]
    out = {}
    for name, kwargs in SETTINGS.items():
        f1 = statistics.mean(prf(trafilatura.extract(c.raw, **kwargs) or "", c.body)[2] for c in pages)
        ms = _ms(lambda: [trafilatura.extract(c.raw, **kwargs) for c in pages], repeat) / len(pages)
        out[name] = {"f1": round(f1, 4), "ms_per_doc": round(ms, 3)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=Path, default=ROOT / "tests" / "extract" / "devset")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--settings", action="store_true", help="also compare trafilatura settings on the HTML cases")
    ap.add_argument("--weight", action="store_true", help="also time page-weight versions of the HTML cases")
    args = ap.parse_args()
    result = score(args.cases, args.repeat)
    for row in result["cases"]:
        print(f"{row['format']:4} {row['case']:34} P={row['precision']:.3f} R={row['recall']:.3f} "
              f"F1={row['f1']:.3f}  baseline F1={row['baseline_f1']:.3f}")
    for fmt, s in result["summary"].items():
        if fmt == "paired":
            print(f"\npaired ({s['n']} articles as text and HTML): trafilatura.extract {s['trafilatura_extract_ms']:.2f} "
                  f"ms/doc; text pipeline {s['text_pipeline_ms']:.2f} ms/doc ({s['text_ratio']:.2f}x); "
                  f"HTML pipeline {s['html_pipeline_ms']:.2f} ms/doc ({s['html_ratio']:.2f}x)")
            continue
        print(f"\n{fmt}: n={s['n']} P={s['mean_precision']:.3f} R={s['mean_recall']:.3f} F1={s['mean_f1']:.3f} "
              f"(baseline {s['mean_baseline_f1']:.3f}); {s['ms_per_doc_extractor']:.2f} ms/doc extractor, "
              f"{s['ms_per_doc_extract_doc']:.2f} ms/doc extract_doc; trafilatura.extract on the HTML cases "
              f"{s['ms_per_doc_trafilatura_default_on_html']:.2f} ms/doc")
    if args.settings:
        result["trafilatura_settings"] = compare_settings(args.cases, args.repeat)
        print()
        for name, row in result["trafilatura_settings"].items():
            print(f"trafilatura {name:28} F1={row['f1']:.3f} {row['ms_per_doc']:.2f} ms/doc")
    if args.weight:
        w = result["page_weight"] = paired_heavy(args.cases, args.repeat)
        print(f"\npage weight ({w['n']} pages, {w['html_kb']} KB HTML, {w['text_kb']} KB text): trafilatura.extract "
              f"{w['trafilatura_extract_ms']:.2f} ms/doc; text pipeline {w['text_pipeline_ms']:.2f} ms/doc "
              f"({w['text_ratio']:.2f}x, F1 {w['text_f1']:.3f}); HTML pipeline {w['html_pipeline_ms']:.2f} ms/doc "
              f"({w['html_ratio']:.2f}x, F1 {w['html_f1']:.3f})")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
