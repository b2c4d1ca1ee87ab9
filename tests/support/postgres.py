"""A throwaway PostgreSQL server for tests and benchmarks.

    with PostgresServer() as pg:
        url = pg.url                      # postgresql://faultline@127.0.0.1:PORT/postgres
        pg.create_database("shop")
        ...

The server lives in a fresh temporary directory: its data directory, its unix socket and its
log. It listens on that socket and on 127.0.0.1 at a free port, trusts every local connection
and has one superuser role. PostgreSQL refuses to run as root, so when we are root the server
runs as an unprivileged system user (created with useradd when absent). `stop()` always kills
the server and removes the directory, whatever state `start()` got to.

Plain Python with no test-framework dependency, so benchmark scripts can reuse it.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

__all__ = ["PostgresServer", "PostgresUnavailable", "find_bin_dir"]

REQUIRED = ("initdb", "pg_ctl", "postgres", "psql")
DEFAULT_OS_USER = "faultline-pg"
ROLE = "faultline"


class PostgresUnavailable(RuntimeError):
    """PostgreSQL cannot be started on this machine; the message says why."""


def _version_key(path: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in re.split(r"[^0-9]+", path) if p)


def find_bin_dir() -> Path:
    """The directory holding initdb, pg_ctl, postgres and psql.

    Looks at $FAULTLINE_PG_BINDIR, then the directory `pg_ctl` on PATH really lives in
    (Debian links a few of them into /usr/local/bin or /usr/bin), then the newest
    /usr/lib/postgresql/*/bin.
    """
    candidates: list[Path] = []
    if os.environ.get("FAULTLINE_PG_BINDIR"):
        candidates.append(Path(os.environ["FAULTLINE_PG_BINDIR"]))
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(os.path.realpath(on_path)).parent)
        candidates.append(Path(on_path).parent)
    for pattern in ("/usr/lib/postgresql/*/bin", "/usr/local/pgsql/bin", "/usr/pgsql-*/bin"):
        candidates.extend(Path(p) for p in sorted(glob.glob(pattern), key=_version_key, reverse=True))
    for directory in candidates:
        if all(os.access(directory / name, os.X_OK) for name in REQUIRED):
            return directory
    looked = ", ".join(dict.fromkeys(str(c) for c in candidates)) or "nowhere"
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres, psql) not found "
        f"(looked in: {looked}); install PostgreSQL (Debian: apt-get install postgresql) "
        "or set FAULTLINE_PG_BINDIR"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ensure_os_user(name: str) -> str:
    """An unprivileged OS user to run the server as (we are root)."""
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        entry = None
        useradd = shutil.which("useradd") or "/usr/sbin/useradd"
        proc = subprocess.run(
            [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
            capture_output=True, text=True,
        )
        if proc.returncode in (0, 9):  # 9: the user appeared meanwhile
            entry = pwd.getpwnam(name)
        else:
            for fallback in ("postgres", "nobody"):
                try:
                    entry = pwd.getpwnam(fallback)
                    break
                except KeyError:
                    continue
            if entry is None:
                raise PostgresUnavailable(
                    f"running as root and could not create the user {name!r} to run "
                    f"PostgreSQL as: {proc.stderr.strip()}"
                )
    if entry.pw_uid == 0:
        raise PostgresUnavailable(f"user {entry.pw_name!r} is root; PostgreSQL refuses to run as root")
    return entry.pw_name


class PostgresServer:
    """A private PostgreSQL server in a temporary directory. A context manager."""

    def __init__(self, *, bin_dir: Path | str | None = None, os_user: str | None = None,
                 role: str = ROLE, settings: dict[str, str] | None = None):
        self._bin_dir = Path(bin_dir) if bin_dir else None
        self._os_user = os_user or os.environ.get("FAULTLINE_PG_USER") or DEFAULT_OS_USER
        self.role = role
        self.settings = {
            # a test server: speed over durability
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "200",
            "shared_buffers": "64MB",
            **(settings or {}),
        }
        self.base: Path | None = None
        self.port: int | None = None
        self.run_as: str | None = None
        self._started = False
        self._atexit_registered = False

    # ------------------------------------------------------------------ paths and URLs
    @property
    def data_dir(self) -> Path:
        return self.base / "data"

    @property
    def socket_dir(self) -> Path:
        return self.base / "sock"

    @property
    def log_file(self) -> Path:
        return self.base / "server.log"

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def url_for(self, dbname: str = "postgres", driver: str = "postgresql") -> str:
        """A URL for `dbname`, e.g. driver='postgresql+psycopg' for SQLAlchemy."""
        return f"{driver}://{self.role}@{self.host}:{self.port}/{dbname}"

    @property
    def url(self) -> str:
        return self.url_for("postgres")

    def dsn(self, dbname: str = "postgres") -> str:
        return f"host={self.host} port={self.port} user={self.role} dbname={dbname}"

    # ------------------------------------------------------------------ running things
    def _cmd(self, argv: list[str]) -> list[str]:
        if self.run_as:
            runuser = shutil.which("runuser") or "/usr/sbin/runuser"
            if os.access(runuser, os.X_OK):
                return [runuser, "-u", self.run_as, "--", *argv]
            entry = pwd.getpwnam(self.run_as)
            setpriv = shutil.which("setpriv") or "/usr/bin/setpriv"
            return [setpriv, f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}",
                    "--init-groups", "--", *argv]
        return argv

    def _run(self, argv: list[str], what: str, timeout: float = 120) -> subprocess.CompletedProcess:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C",
               "TZ": "UTC"}
        try:
            proc = subprocess.run(self._cmd(argv), cwd=self.base, env=env, capture_output=True,
                                  text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise PostgresUnavailable(f"{what} timed out after {timeout:.0f}s") from exc
        if proc.returncode != 0:
            log = ""
            if self.log_file.exists():
                log = "\n--- server log ---\n" + self.log_file.read_text(errors="replace")[-3000:]
            raise PostgresUnavailable(
                f"{what} failed (exit {proc.returncode}): {' '.join(argv)}\n"
                f"{proc.stdout[-2000:]}{proc.stderr[-2000:]}{log}"
            )
        return proc

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        """Run SQL through psql over TCP as the superuser role; returns stdout."""
        argv = [str(self.bin_dir / "psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
                "-h", self.host, "-p", str(self.port), "-U", self.role, "-d", dbname, "-c", sql]
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=60,
                              env={**os.environ, "PGCONNECT_TIMEOUT": "10"})
        if proc.returncode != 0:
            raise RuntimeError(f"psql failed: {sql!r}: {proc.stderr.strip()}")
        return proc.stdout

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create database `name` (owned by the role) and return its URL."""
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"unsafe database name {name!r}")
        extra = f" TEMPLATE {template}" if template else ""
        self.psql(f'CREATE DATABASE "{name}"{extra}')
        return self.url_for(name)

    # ------------------------------------------------------------------ lifecycle
    @property
    def bin_dir(self) -> Path:
        if self._bin_dir is None:
            self._bin_dir = find_bin_dir()
        return self._bin_dir

    def start(self) -> "PostgresServer":
        if self._started:
            return self
        bin_dir = self.bin_dir  # fail early and clearly when PostgreSQL is not installed
        try:
            self.base = Path(tempfile.mkdtemp(prefix="faultline-pg-"))
            if not self._atexit_registered:
                atexit.register(self.stop)
                self._atexit_registered = True
            self.socket_dir.mkdir()
            if os.geteuid() == 0:
                self.run_as = _ensure_os_user(self._os_user)
                entry = pwd.getpwnam(self.run_as)
                for path in (self.base, self.socket_dir):
                    os.chown(path, entry.pw_uid, entry.pw_gid)
            self._run([str(bin_dir / "initdb"), "-D", str(self.data_dir), "-U", self.role,
                       "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync",
                       "--no-instructions"], "initdb")
            last_error: Exception | None = None
            for _attempt in range(3):  # the free port can be taken between probe and bind
                self.port = _free_port()
                conf = {
                    **self.settings,
                    "listen_addresses": "'127.0.0.1'",
                    "port": str(self.port),
                    "unix_socket_directories": f"'{self.socket_dir}'",
                }
                with open(self.data_dir / "postgresql.auto.conf", "w") as fh:
                    fh.writelines(f"{k} = {v}\n" for k, v in conf.items())
                try:
                    self._run([str(bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-l",
                               str(self.log_file), "-w", "-t", "60", "start"], "pg_ctl start")
                    self._started = True
                    return self
                except PostgresUnavailable as exc:
                    last_error = exc
                    if "already in use" not in str(exc) and "could not bind" not in str(exc):
                        break
            raise last_error
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop the server (immediately) and remove its directory. Safe to call twice."""
        base = self.base
        if base is None:
            return
        try:
            pid_file = self.data_dir / "postmaster.pid"
            pid = self._read_pid(pid_file)
            if pid is not None:
                try:
                    self._run([str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m",
                               "immediate", "-w", "-t", "30", "stop"], "pg_ctl stop", timeout=60)
                except Exception:
                    self._kill(pid)
                if not self._wait_gone(pid, 10):
                    self._kill(pid)
        finally:
            self.base = None
            self._started = False
            shutil.rmtree(base, ignore_errors=True)

    @staticmethod
    def _read_pid(pid_file: Path) -> int | None:
        try:
            return int(pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    @staticmethod
    def _alive(pid: int) -> bool:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                return fh.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited
        except FileNotFoundError:
            return False
        except OSError:
            try:
                os.kill(pid, 0)
                return True
            except ProcessLookupError:
                return False

    @classmethod
    def _wait_gone(cls, pid: int, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while cls._alive(pid):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    @classmethod
    def _kill(cls, pid: int) -> None:
        """The postmaster of this server only (its pid from its own postmaster.pid)."""
        for sig in (signal.SIGQUIT, signal.SIGKILL):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                return
            if cls._wait_gone(pid, 5):
                return

    def __enter__(self) -> "PostgresServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
