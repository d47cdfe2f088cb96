"""Shared plumbing for the benchmarks: a throwaway test database and a results table."""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cdp.settings")
    import django

    django.setup()


@contextlib.contextmanager
def benchmark_database(prefix: str = "bench") -> Iterator[None]:
    """A fresh database beside the configured one (<prefix>_<name>), dropped afterwards.

    Its own name, so that a benchmark and the test suite (or another benchmark with another
    prefix) can run at the same time."""
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    served = _as_served()
    old_name = connection.settings_dict["NAME"]
    if "sqlite" not in connection.settings_dict["ENGINE"]:
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{prefix}_{old_name}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with served:
            yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


@contextlib.contextmanager
def _as_served() -> Iterator[None]:
    """Templates render as they do when serving, not as the test environment has them: it
    sends a signal for every template rendered, on which the test client copies the whole
    context to record it, a cost no browser's request pays."""
    from django.template import Template
    from django.test import utils

    instrumented = Template._render
    if instrumented is utils.instrumented_test_render:
        Template._render = utils._TestState.saved_data.template_render
    try:
        yield
    finally:
        Template._render = instrumented


def time_calls(call: Callable[[], object], repeat: int, warmup: int = 5) -> list[float]:
    for _ in range(warmup):
        call()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def summarise(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    return {
        "n": len(ordered),
        "median_ms": statistics.median(ordered),
        "p95_ms": ordered[max(0, int(len(ordered) * 0.95) - 1)],
        "max_ms": ordered[-1],
    }


def report(name: str, columns: list[str], rows: list[list[object]], notes: str = "") -> str:
    """Prints a table and writes it to bench/results/<name>.txt."""
    cells = [[str(c) if not isinstance(c, float) else f"{c:.2f}" for c in row] for row in rows]
    widths = [max(len(col), *(len(r[i]) for r in cells)) for i, col in enumerate(columns)]
    lines = [
        f"# {name} — {datetime.now():%Y-%m-%d %H:%M} on {platform.node()} "
        f"({os.cpu_count()} CPUs, Python {platform.python_version()})",
        "  ".join(col.ljust(w) for col, w in zip(columns, widths, strict=True)),
        "  ".join("-" * w for w in widths),
        *("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells),
    ]
    if notes:
        lines += ["", notes]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.txt").write_text(text)
    return text
