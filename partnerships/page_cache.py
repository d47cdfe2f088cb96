"""What every page that keeps rendered parts in Django's cache (Redis) shares: a digest of the
code that shapes them, a version query compiled once and run with its stand-ins replaced, and
the cache itself, which a page does without (rendering, slower) when it cannot be reached.

The pages' own keys and versions are their modules' (cdp/fragments.py for the dashboard and
a metric page, actionplans/plan_fragment.py for the plan page)."""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection

log = logging.getLogger(__name__)
T = TypeVar("T")

CACHE_SECONDS = 24 * 3600


@functools.cache
def code_fingerprint(shaping: tuple[str, ...]) -> str:
    """A digest of the templates and modules (paths under BASE_DIR, folders read whole) that
    shape a cached page or fragment, once per process: a release that changes any of them
    changes every key made with it."""
    digest = hashlib.sha256()
    for name in shaping:
        path = Path(settings.BASE_DIR) / name
        for file in sorted(path.rglob("*") if path.is_dir() else [path]):
            if file.is_file() and file.suffix in (".py", ".html"):
                digest.update(str(file.relative_to(settings.BASE_DIR)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def version_row(compiled: tuple[str, tuple], values: dict) -> dict | None:
    """Runs a version query compiled once (its SQL and parameters) with each stand-in among
    its parameters replaced by `values[stand_in]`: its one row as a dict, or None."""
    sql, params = compiled
    with connection.cursor() as cursor:
        cursor.execute(sql, [values.get(p, p) if isinstance(p, int | str) else p
                             for p in params])
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([c[0] for c in cursor.description], row, strict=True))


def cached(key: str | None, build: Callable[[], T]) -> T:
    """The fragment under `key`, built and kept if it is not there yet (any value the cache
    can pickle). Without a key it is built afresh."""
    if key is None:
        return build()
    try:
        found = cache.get(key)
    except Exception:  # noqa: BLE001 - the cache is down: render it, slower
        log.warning("page fragments: the cache cannot be reached", exc_info=True)
        return build()
    if found is not None:
        return found
    built = build()
    try:
        cache.set(key, built, CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        log.warning("page fragments: the cache cannot be reached", exc_info=True)
    return built
