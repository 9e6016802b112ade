"""The per-document time limit in `tasks.batch.run_stage`: a stuck document is quarantined, the batch goes on."""

import re
import signal
import threading

import pytest

from tasks.batch import DocTimeout, run_stage, time_limit_from_env
from tasks.records import Doc, Quarantined


def _docs(*names: str) -> list[Doc]:
    return [Doc(source_path=n, source_format="html", raw=n) for n in names]


def _stage(release: threading.Event):
    """Finishes normal documents; spins on 'stuck' (swallowing Exceptions, as extractors do)."""

    def fn(doc: Doc) -> None:
        if doc.raw == "stuck":
            while not release.is_set():
                try:
                    release.wait(0.01)
                except Exception:  # noqa: BLE001 - a broad fallback must not swallow the limit
                    pass
        elif doc.raw == "bad":
            raise Quarantined("no-article-text", "nothing here")
        elif doc.raw == "bug":
            raise KeyError("oops")
        doc.text = doc.raw.upper()

    return fn


def _check(result) -> None:
    assert [d.source_path for d in result.docs] == ["a", "b"]
    assert [d.text for d in result.docs] == ["A", "B"]
    assert [(r["source_path"], r["reason"]) for r in result.quarantined] == [
        ("stuck", "timeout"),
        ("bad", "no-article-text"),
        ("bug", "error:KeyError"),
    ]
    assert result.quarantined[0]["detail"] == "extract took more than 0.2 s"
    assert result.stats["in"] == 5 and result.stats["out"] == 2


def test_stuck_document_is_quarantined_on_the_main_thread():
    release = threading.Event()
    try:
        _check(run_stage("extract", _stage(release), _docs("a", "stuck", "bad", "bug", "b"), time_limit=0.2))
    finally:
        release.set()
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL


def test_stuck_document_is_quarantined_off_the_main_thread():
    release = threading.Event()
    out = {}
    worker = threading.Thread(
        target=lambda: out.setdefault(
            "result", run_stage("extract", _stage(release), _docs("a", "stuck", "bad", "bug", "b"), time_limit=0.2)
        )
    )
    worker.start()
    worker.join(30)
    release.set()
    _check(out["result"])


def test_catastrophic_regex_is_interrupted():
    def fn(doc: Doc) -> None:
        re.match(r"(a+)+$", doc.raw)

    result = run_stage("quotes", fn, [Doc(source_path="evil", source_format="text", raw="a" * 64 + "b")], time_limit=0.2)
    assert [r["reason"] for r in result.quarantined] == ["timeout"]


def test_no_limit_runs_directly():
    result = run_stage("extract", _stage(threading.Event()), _docs("a", "b"), time_limit=None)
    assert [d.text for d in result.docs] == ["A", "B"]


@pytest.mark.parametrize("value, expected", [("", 10.0), ("2.5", 2.5), ("0", None), ("off", None)])
def test_time_limit_from_env(monkeypatch, value, expected):
    monkeypatch.setenv("NEWSETL_DOC_TIME_LIMIT", value)
    assert time_limit_from_env() == expected


def test_doc_timeout_is_not_an_exception():
    assert not issubclass(DocTimeout, Exception)
