"""JAX's persistent compilation cache, and the time a process spends compiling.

Most of a small run's wall time is the first-call compilation of its kernels; the persistent
cache turns it into a disk read in every later process. The command line and campaign workers
call `enable_compilation_cache`: the folder comes from `HYPERDEF_JAX_CACHE` (default
`~/.cache/hyperdef/jax`; `0` or empty turns the cache off), or a campaign store's own folder.

Every compiled kernel is kept however quick it was to compile (`MIN_COMPILE_S = 0`): the pipeline
has hundreds of small kernels, and at JAX's default threshold (1 s) or 0.2 s most of them stayed
out, so a warm demo still spent ≈ 12 s of its 35 s compiling and loading.

The setting must be made in the process that compiles, before its first compilation; a Dask
worker therefore calls it at the start of each task (environment variables given to a worker
apply too late: the worker has imported JAX by then).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

ENV_VAR = "HYPERDEF_JAX_CACHE"
MIN_COMPILE_S = 0.0
#: jax.monitoring duration events of one compilation: trace, lower to MLIR, and XLA compile (or
#: the persistent cache's load, which runs inside the backend-compile step).
COMPILE_EVENTS = ("/jax/core/compile/jaxpr_trace_duration",
                  "/jax/core/compile/jaxpr_to_mlir_module_duration",
                  "/jax/core/compile/backend_compile_duration")


def cache_dir() -> Path | None:
    """The cache folder the environment asks for, or None when the cache is turned off."""
    value = os.environ.get(ENV_VAR, str(Path.home() / ".cache" / "hyperdef" / "jax"))
    return None if value in ("0", "") else Path(value)


def enable_compilation_cache(folder: str | Path | None = None) -> Path | None:
    """Point JAX's persistent compilation cache at `folder` (default `cache_dir()`).

    Idempotent; returns the folder used, or None when the cache is off (JAX left as it is).
    """
    import jax

    folder = cache_dir() if folder is None else Path(folder)
    if folder is not None:
        # jax.config.update carries no annotations.
        jax.config.update("jax_compilation_cache_dir", str(folder))  # type: ignore[no-untyped-call]
        jax.config.update(  # type: ignore[no-untyped-call]
            "jax_persistent_cache_min_compile_time_secs", MIN_COMPILE_S)
    return folder


class _Clock:
    """Seconds of the compile events recorded in this process since it was installed."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._lock = threading.Lock()

    def __call__(self, event: str, duration_secs: float, **_: str | int) -> None:
        if event in COMPILE_EVENTS:
            with self._lock:
                self.seconds += duration_secs


_CLOCK: _Clock | None = None


def compile_seconds() -> float:
    """Seconds this process has spent compiling (or loading compiled kernels) so far."""
    global _CLOCK
    if _CLOCK is None:
        import jax

        _CLOCK = _Clock()
        jax.monitoring.register_event_duration_secs_listener(_CLOCK)
    return _CLOCK.seconds


@contextlib.contextmanager
def compile_timer() -> Iterator[dict[str, float]]:
    """Yields a dict whose `compile_s` holds, on exit, the compile seconds spent inside."""
    start = compile_seconds()
    out = {"compile_s": 0.0}
    try:
        yield out
    finally:
        out["compile_s"] = compile_seconds() - start
