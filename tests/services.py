"""Run a command (the test suite) against real PostgreSQL and Redis.

    python tests/services.py -- pytest [args]

PostgreSQL: DATABASE_URL if it answers, else the server on 127.0.0.1:5432, else a throwaway
server started from the machine's `initdb`/`pg_ctl` in a temporary folder. Redis likewise
with REDIS_URL, 127.0.0.1:6379 and `redis-server`. Throwaway servers are stopped afterwards.
If neither a server nor the binaries are available, it exits with a one-line reason.

It also installs Debian's chromium for the browser tests when it is missing and this runs
as root, and passes on the command's exit status.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cdp"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
CHROMIUM = "/usr/bin/chromium"


class ServiceUnavailable(Exception):
    """No server answers and none can be started."""


def say(message: str) -> None:
    print(f"[services] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- PostgreSQL ----------------------------------------------------------------------------
def postgres_answers(url: str) -> bool:
    import psycopg2

    parts = urlsplit(url)
    try:
        # The named database may not exist yet; the server's maintenance database always does.
        conn = psycopg2.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or None,
            dbname="postgres",
            connect_timeout=3,
        )
    except psycopg2.Error:
        return False
    conn.close()
    return True


def postgres_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def run_as_service_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run it as the `postgres` (or `nobody`) user."""
    if os.geteuid() != 0:
        return command
    runuser = shutil.which("runuser")
    if not runuser:
        raise ServiceUnavailable("PostgreSQL cannot run as root and `runuser` is missing")
    user = "postgres" if _user_exists("postgres") else "nobody"
    return [runuser, "-u", user, "--", *command]


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    initdb, pg_ctl = postgres_binary("initdb"), postgres_binary("pg_ctl")
    if not initdb or not pg_ctl:
        raise ServiceUnavailable(
            "no PostgreSQL answers at DATABASE_URL or 127.0.0.1:5432, "
            "and no initdb/pg_ctl binaries are installed to start one"
        )
    folder = tempfile.mkdtemp(prefix="cdp-test-postgres-")
    if os.geteuid() == 0:
        import pwd

        user = "postgres" if _user_exists("postgres") else "nobody"
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    data = os.path.join(folder, "data")
    port = free_port()
    say(f"starting a throwaway PostgreSQL on 127.0.0.1:{port}")
    subprocess.run(
        run_as_service_user([initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    log = os.path.join(folder, "server.log")
    subprocess.run(
        run_as_service_user([pg_ctl, "-D", data, "-o", options, "-l", log, "-w", "start"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield f"postgres://postgres@127.0.0.1:{port}/cdp"
    finally:
        subprocess.run(
            run_as_service_user([pg_ctl, "-D", data, "-m", "fast", "-w", "stop"]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(folder, ignore_errors=True)
        say("stopped the throwaway PostgreSQL")


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    configured = os.environ.get("DATABASE_URL", "").strip()
    if configured:
        if postgres_answers(configured):
            yield configured
            return
        say(f"DATABASE_URL does not answer ({urlsplit(configured).hostname}); trying others")
    if postgres_answers(DEFAULT_DATABASE_URL):
        yield DEFAULT_DATABASE_URL
        return
    with throwaway_postgres() as url:
        yield url


# --- Redis -------------------------------------------------------------------------------
def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=3).ping())
    except redis.RedisError:
        return False


@contextlib.contextmanager
def throwaway_redis() -> Iterator[str]:
    binary = shutil.which("redis-server")
    if not binary:
        raise ServiceUnavailable(
            "no Redis answers at REDIS_URL or 127.0.0.1:6379, "
            "and no redis-server binary is installed to start one"
        )
    port = free_port()
    say(f"starting a throwaway Redis on 127.0.0.1:{port}")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 15
        while not redis_answers(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise ServiceUnavailable("redis-server did not start")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        say("stopped the throwaway Redis")


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    configured = os.environ.get("REDIS_URL", "").strip()
    if configured:
        if redis_answers(configured):
            yield configured
            return
        say(f"REDIS_URL does not answer ({urlsplit(configured).hostname}); trying others")
    if redis_answers(DEFAULT_REDIS_URL):
        yield DEFAULT_REDIS_URL
        return
    with throwaway_redis() as url:
        yield url


# --- Chromium ----------------------------------------------------------------------------
def ensure_chromium() -> None:
    """Install Debian's chromium when it is missing and we can (root with apt-get)."""
    if os.path.exists(CHROMIUM):
        return
    apt_get = shutil.which("apt-get")
    if os.geteuid() != 0 or not apt_get:
        say("chromium is missing and cannot be installed here (needs root and apt-get)")
        return
    say("installing Debian's chromium for the browser tests")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([apt_get, "update", "-qq"], env=env, check=False, stdout=subprocess.DEVNULL)
    result = subprocess.run(
        [apt_get, "install", "-y", "-qq", "chromium"],
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    if result.returncode != 0:
        say("installing chromium failed; the browser tests will say so")


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    if not argv:
        print("usage: python tests/services.py -- COMMAND [ARGS]", file=sys.stderr)
        return 2
    ensure_chromium()
    # SIGTERM (CI cancelling the job) should still stop the throwaway servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        with postgres() as database_url, redis_server() as redis_url:
            say(f"PostgreSQL: {urlsplit(database_url).netloc}  Redis: {urlsplit(redis_url).netloc}")
            env = {
                **os.environ,
                "DATABASE_URL": database_url,
                "REDIS_URL": redis_url,
                # Connections are not reused across tests, so test databases can be dropped.
                "DATABASE_CONN_MAX_AGE": "0",
            }
            return subprocess.run(argv, env=env, check=False).returncode
    except ServiceUnavailable as exc:
        print(f"make test: cannot run the tests: {exc}.", file=sys.stderr)
        return 3
    except subprocess.CalledProcessError as exc:
        failed = " ".join(exc.cmd)
        print(f"make test: cannot start a test server: {failed} failed.", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
