"""Process-wide settings applied before Prefect or GX are imported: offline, quiet, local.

With no `PREFECT_API_URL`, Prefect starts its embedded ephemeral API in-process; a set
`PREFECT_API_URL` (a standing server) is honoured untouched. Schedules and Dask workers need a
standing server, which `api_server()` provides for the length of a command when none is set.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]

QUIET_OFFLINE_DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "GX_ANALYTICS_ENABLED": "false",
}


def configure(prefect_home: Path | None = None) -> None:
    """Set defaults (never overriding the caller's environment) before importing prefect."""
    os.environ.setdefault("PREFECT_HOME", str(prefect_home or PROJECT_ROOT / ".prefect"))
    for key, value in QUIET_OFFLINE_DEFAULTS.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("DASK_TEMPORARY_DIRECTORY", str(Path(os.environ["PREFECT_HOME"]) / "dask"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    """In the server's process: get SIGTERM when the command that started it dies (Linux)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def wait_healthy(api_url: str, timeout: float, proc: subprocess.Popen | None = None, every: float = 0.5) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"prefect server exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(every)
    raise TimeoutError(f"prefect server at {api_url} not healthy after {timeout:.0f} s")


@contextlib.contextmanager
def local_server(port: int | None = None, timeout: float = 180) -> Iterator[str]:
    """Run `prefect server start` on 127.0.0.1 for the block; yields its API URL.

    Its database is `server.db` in PREFECT_HOME (apart from the ephemeral API's), its log
    `server.log` there. It is stopped on exit, and it dies with this process even on SIGKILL.
    """
    configure()
    home = Path(os.environ["PREFECT_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home / 'server.db'}",
        "PREFECT_UI_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    prefect = Path(sys.executable).with_name("prefect")
    proc = _spawn_server([str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)], env, home / "server.log")
    try:
        wait_healthy(api_url, timeout, proc)
        yield api_url
    finally:
        stop_process_group(proc)


def _spawn_server(command: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """A server process in its own process group, logging to `log_path`, that dies with us."""
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            command,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )


def stop_process_group(proc: subprocess.Popen, grace: float = 20) -> None:
    """SIGTERM the process and its children, SIGKILL after `grace` seconds."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@contextlib.contextmanager
def api_server() -> Iterator[str]:
    """The standing API to use: `PREFECT_API_URL` if set, else a local server for the block.

    Sets `PREFECT_API_URL` for this process (before Prefect reads its settings) and for the
    processes it starts (flow-run subprocesses, Dask workers).
    """
    existing = os.environ.get("PREFECT_API_URL")
    if existing:
        yield existing
        return
    with local_server() as url:
        os.environ["PREFECT_API_URL"] = url
        try:
            yield url
        finally:
            os.environ.pop("PREFECT_API_URL", None)


@contextlib.contextmanager
def early_api(timeout: float = 90) -> Iterator[Callable[[], None]]:
    """Prefect's temporary API for one command, started before the stages are imported.

    With no `PREFECT_API_URL`, a flow's first call starts this same server (uvicorn over
    Prefect's `create_app`, UI off, the local database in PREFECT_HOME) and waits seconds for
    it, idle. Started first, it boots on another CPU while this process imports GX and
    trafilatura. Yields a wait for it to answer; a set `PREFECT_API_URL` is used as is. The
    server stops with the block, and with this process even on SIGKILL.
    """
    if os.environ.get("PREFECT_API_URL"):
        yield lambda: None
        return
    import importlib.util

    spec = importlib.util.find_spec("prefect")  # locates the package without importing it
    site = Path(spec.origin).parents[1] if spec and spec.origin else None
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    command = [sys.executable, "-m", "uvicorn", *(["--app-dir", str(site)] if site else [])]
    command += ["--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--log-level", "error", "--lifespan", "on"]
    env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    home = Path(os.environ.get("PREFECT_HOME") or PROJECT_ROOT / ".prefect")
    home.mkdir(parents=True, exist_ok=True)
    proc = _spawn_server(command, env, home / "api.log")
    os.environ["PREFECT_API_URL"] = api_url
    try:
        yield lambda: wait_healthy(api_url, timeout, proc, every=0.1)
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        stop_process_group(proc, grace=5)


# What the local pool's fork server imports before it forks workers: the chain (whose callables
# the workers unpickle) and `tasks.warm` (every stage's data loaded once, shared by the workers).
WORKER_PRELOAD = ["flows.pipeline", "tasks.warm"]


def start_fork_server() -> None:
    """Start the local pool's fork server now, if it is not running.

    Its imports and warm-up take seconds of CPU; started early (by the CLI, beside Prefect's API
    and the main imports, or by the flow right after listing the inputs) they overlap other
    startup work instead of delaying the first batch.
    """
    import multiprocessing
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(WORKER_PRELOAD)
    forkserver.ensure_running()


def stop_fork_server() -> None:
    """Stop the pool's fork server, if running, once a run forks nothing more from it.

    It holds every stage's imports: about 330 MiB once no worker shares its pages, which would
    otherwise sit beside validation's peak and between scheduled runs. The next run starts it
    again. This is the stdlib's own stop (what CPython's tests call); without it the server
    simply stays up.
    """
    from multiprocessing import forkserver

    stop = getattr(forkserver._forkserver, "_stop", None)
    if stop is not None:
        stop()


@contextlib.contextmanager
def booting_local_run(input_path: Path, workers: int, batch_size: int) -> Iterator[Callable[[], None]]:
    """What a local run needs besides its imports, started before them so it boots meanwhile:
    Prefect's temporary API, and the pool's fork server when the input fills more than one
    batch. Yields a wait for the API to answer."""
    with early_api() as api_ready:
        if workers > 1 and more_files_than(Path(input_path), batch_size):
            start_fork_server()
        yield api_ready


def more_files_than(path: Path, count: int) -> bool:
    """Whether a folder holds more than `count` files (stops looking as soon as it does)."""
    if not path.is_dir():
        return False
    seen = 0
    for _, _, files in os.walk(path):
        seen += len(files)
        if seen > count:
            return True
    return False
