"""Run a per-document function over a batch, turning failures into quarantine rows.

Every stage's Prefect task is a thin call to `run_stage`: one task run per batch (task runs cost
milliseconds each), one bad document never stops the batch, and each stage reports stats the way
datatrove's pipeline steps do.

Each document also gets a time limit (`NEWSETL_DOC_TIME_LIMIT` seconds, default 10): a page that
sends a parser or a regular expression into a spin is quarantined as "timeout" and the run goes
on. On the main thread (where Prefect runs the tasks of a sync flow) the limit is a SIGALRM
timer that interrupts the stuck Python code; it costs two system calls per document. Elsewhere a
watchdog worker thread runs the documents and gives up waiting for one at the limit.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tasks.records import Doc, Quarantined

log = logging.getLogger(__name__)

TIME_LIMIT_ENV = "NEWSETL_DOC_TIME_LIMIT"
DEFAULT_TIME_LIMIT = 10.0  # seconds per document per stage; a 50 KB page takes ~15 ms to extract


class DocTimeout(BaseException):
    """Raised into a document's stage code when its time is up.

    A BaseException, like KeyboardInterrupt, so the `except Exception` fallbacks inside
    extractors cannot swallow it and carry on with the same stuck document.
    """


@dataclass
class StageResult:
    """What a stage hands on: the documents that survived, the ones it quarantined, its counts."""

    docs: list[Doc] = field(default_factory=list)
    quarantined: list[dict[str, Any]] = field(default_factory=list)
    stats: Counter = field(default_factory=Counter)

    def quarantine(self, row: dict[str, Any], counter: str | None = None) -> None:
        """Record a quarantine row and count it (as `quarantined:<reason>` unless told otherwise)."""
        self.quarantined.append(row)
        self.stats[counter or f"quarantined:{row['reason']}"] += 1


_unlimited = threading.local()  # set on a thread that is loading the stages' data (warm-up)


@contextmanager
def without_time_limits() -> Iterator[None]:
    """Run stages on this thread with no per-document limit, to load their data: on a busy
    machine that can take longer than any one document may, and a timeout in the middle of it
    would leave the loading to be done again, charged to the next document."""
    _unlimited.on = True
    try:
        yield
    finally:
        _unlimited.on = False


def time_limit_from_env() -> float | None:
    """Seconds per document from `NEWSETL_DOC_TIME_LIMIT` (0 or 'none' turns the limit off)."""
    value = os.environ.get(TIME_LIMIT_ENV, "").strip().lower()
    if not value:
        return DEFAULT_TIME_LIMIT
    if value in {"0", "none", "off"}:
        return None
    limit = float(value)
    return limit if limit > 0 else None


def run_stage(
    stage: str,
    fn: Callable[[Doc], Any],
    docs: Iterable[Doc],
    time_limit: float | None | str = "env",
) -> StageResult:
    """Apply `fn` to each document in place; a document that raises is quarantined, not lost.

    `Quarantined` carries an expected reason (empty page, not an article...); any other exception
    is a bug or hostile input, recorded with its type so it can be found and fixed. A document
    that runs longer than `time_limit` seconds (default: from the environment) is quarantined as
    "timeout"; None means no limit.
    """
    limit = time_limit_from_env() if time_limit == "env" else time_limit
    if getattr(_unlimited, "on", False):
        limit = None
    result = StageResult()
    with _limiter(limit) as call:
        for doc in docs:
            result.stats["in"] += 1
            try:
                call(fn, doc)
            except Quarantined as q:
                result.quarantine(doc.quarantine_row(stage, q.reason, q.detail))
                continue
            except DocTimeout:
                log.warning("%s gave up on %s after %s s", stage, doc.source_path, limit)
                result.quarantine(doc.quarantine_row(stage, "timeout", f"{stage} took more than {limit} s"))
                continue
            except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
                log.warning("%s failed on %s: %r", stage, doc.source_path, exc)
                reason = f"error:{type(exc).__name__}"
                result.quarantine(doc.quarantine_row(stage, reason, str(exc)), counter=reason)
                continue
            result.docs.append(doc)
            result.stats["out"] += 1
    return result


Call = Callable[[Callable[[Doc], Any], Doc], Any]


def _direct(fn: Callable[[Doc], Any], doc: Doc) -> Any:
    return fn(doc)


@contextmanager
def _limiter(limit: float | None) -> Iterator[Call]:
    """A way to call `fn(doc)` that raises DocTimeout after `limit` seconds."""
    if limit is None:
        yield _direct
    elif _alarm_usable():
        with _alarm(limit) as call:
            yield call
    else:
        watchdog = _Watchdog(limit)
        try:
            yield watchdog
        finally:
            watchdog.close()


def _alarm_usable() -> bool:
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # nobody else's timer is running
    )


@contextmanager
def _alarm(limit: float) -> Iterator[Call]:
    """Per-document SIGALRM timer; the previous handler is restored afterwards."""
    armed = False

    def on_alarm(signum: int, frame: Any) -> None:
        if armed:  # a late signal after the document finished is ignored
            raise DocTimeout

    def call(fn: Callable[[Doc], Any], doc: Doc) -> Any:
        nonlocal armed
        armed = True
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            return fn(doc)
        finally:
            armed = False
            signal.setitimer(signal.ITIMER_REAL, 0)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        yield call
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _Watchdog:
    """Runs documents on one worker thread and stops waiting for one at the limit.

    Off the main thread nothing can interrupt Python code safely, so a stuck document keeps its
    worker busy until it finishes: that worker is abandoned (told to exit when done), the
    document is quarantined, and a fresh worker takes the next one.
    """

    def __init__(self, limit: float):
        self.limit = limit
        self._jobs: queue.SimpleQueue | None = None
        self._done: queue.SimpleQueue | None = None

    def _start(self) -> None:
        jobs, done = queue.SimpleQueue(), queue.SimpleQueue()

        def work() -> None:
            while (job := jobs.get()) is not None:
                fn, doc = job
                try:
                    done.put((True, fn(doc)))
                except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
                    done.put((False, exc))

        threading.Thread(target=work, name="newsetl-doc-watchdog", daemon=True).start()
        self._jobs, self._done = jobs, done

    def __call__(self, fn: Callable[[Doc], Any], doc: Doc) -> Any:
        if self._jobs is None:
            self._start()
        self._jobs.put((fn, doc))
        try:
            ok, value = self._done.get(timeout=self.limit)
        except queue.Empty:
            self.close()  # the stuck worker exits once its document is done
            raise DocTimeout from None
        if not ok:
            raise value
        return value

    def close(self) -> None:
        if self._jobs is not None:
            self._jobs.put(None)
        self._jobs = self._done = None
