"""The embedded PostgreSQL used when ``DATABASE_URL`` is unset.

``python -m twinproject.devdb start|stop|status|url|run -- CMD...``

The server's binaries come from the ``pgserver`` wheel (or, where that wheel
cannot be installed, from a PostgreSQL found on the machine). Its data lives in
``var/pg`` and it listens only on a Unix socket inside that folder. A data folder
left by an earlier run is reused whether that server is still running, was
stopped, or was killed. The application never connects as the superuser: the
bootstrap creates a login role without SUPERUSER or BYPASSRLS, and a database it
owns, and hands out a URL for that role only.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import os
import pwd
import shutil
import signal
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = BASE_DIR / "var" / "pg"
APP_ROLE = "twin_app"
APP_DATABASE = "twin"
SUPERUSER = "postgres"
# Unix socket paths are limited to ~107 bytes; deep checkouts fall back to /tmp.
_MAX_SOCKET_DIR = 80
SYSTEM_USER = "pgserver"
LEAKPROOF_SQL = "ALTER FUNCTION pg_catalog.ts_match_vq(tsvector, tsquery) LEAKPROOF"


class EmbeddedDatabaseError(RuntimeError):
    pass


def _bin_dir() -> Path:
    try:
        with warnings.catch_warnings():
            # pgserver's import looks up a runtime folder we never use.
            warnings.simplefilter("ignore")
            from pgserver._commands import POSTGRES_BIN_PATH
    except ImportError:
        candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
        if candidates:
            return Path(candidates[0])
        on_path = shutil.which("pg_ctl")
        if on_path:
            return Path(on_path).parent
        raise EmbeddedDatabaseError(
            "No PostgreSQL binaries: the pgserver wheel is not installed for this Python "
            "and no PostgreSQL was found on the machine. Set DATABASE_URL to a PostgreSQL "
            "server instead."
        ) from None
    return Path(POSTGRES_BIN_PATH)


def _system_user() -> str | None:
    """PostgreSQL refuses to run as root, so root runs it as a dedicated user."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", SYSTEM_USER], check=True)
    return SYSTEM_USER


def _open_path_for(path: Path, user: str | None) -> None:
    if user is None:
        return
    entry = pwd.getpwnam(user)
    path.mkdir(parents=True, exist_ok=True)
    os.chown(path, entry.pw_uid, entry.pw_gid)
    for parent in path.parents:
        mode = parent.stat().st_mode
        if mode & 0o005 != 0o005:
            parent.chmod(mode | 0o055)
    bin_dir = _bin_dir()
    if str(bin_dir).startswith(str(BASE_DIR)) or "site-packages" in str(bin_dir):
        install = bin_dir.parent
        for root, dirs, files in os.walk(install):
            for name in dirs:
                p = Path(root, name)
                p.chmod(p.stat().st_mode | 0o055)
            for name in files:
                p = Path(root, name)
                p.chmod(
                    p.stat().st_mode | 0o044 | ((p.stat().st_mode & 0o100) >> 3) | ((p.stat().st_mode & 0o100) >> 6)
                )
        for parent in install.parents:
            mode = parent.stat().st_mode
            if mode & 0o005 != 0o005:
                parent.chmod(mode | 0o055)


@dataclass(frozen=True)
class Server:
    data_dir: Path

    @property
    def socket_dir(self) -> Path:
        if len(str(self.data_dir)) <= _MAX_SOCKET_DIR:
            return self.data_dir
        digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:12]
        return Path(f"/tmp/twin-pg-{digest}")

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "postmaster.pid"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "server.log"

    def _run(self, tool: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        user = _system_user()
        return subprocess.run(
            [str(_bin_dir() / tool), *args],
            check=False,
            capture_output=True,
            text=True,
            timeout=timeout,
            user=user,
            cwd="/",
        )

    def url(self, *, role: str = APP_ROLE, database: str = APP_DATABASE) -> str:
        return f"postgresql://{role}@/{database}?host={quote(str(self.socket_dir), safe='')}"

    def answers(self) -> bool:
        try:
            with psycopg.connect(self.url(role=SUPERUSER, database="postgres"), connect_timeout=2):
                return True
        except psycopg.OperationalError:
            return False

    def postmaster_pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text().splitlines()[0])
        except (FileNotFoundError, IndexError, ValueError):
            return None

    def initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def init(self) -> None:
        user = _system_user()
        _open_path_for(self.data_dir, user)
        result = self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            timeout=120,
        )
        if result.returncode != 0:
            raise EmbeddedDatabaseError(f"initdb failed:\n{result.stdout}\n{result.stderr}")

    def _clear_stale_pid(self) -> None:
        """A killed postmaster can linger as a zombie; its pid file then misleads pg_ctl."""
        pid = self.postmaster_pid()
        if pid is None:
            return
        if _process_alive(pid):
            # A live postmaster that does not answer is stuck: stop it hard.
            try:
                os.kill(pid, signal.SIGQUIT)
            except ProcessLookupError:
                pass
            for _ in range(50):
                if not _process_alive(pid):
                    break
                time.sleep(0.1)
            else:
                os.kill(pid, signal.SIGKILL)
        # PostgreSQL checks these lock files with kill(pid, 0), which a zombie passes.
        self.pid_file.unlink(missing_ok=True)
        for lock in self.socket_dir.glob(".s.PGSQL.*.lock"):
            lock.unlink(missing_ok=True)
            Path(str(lock)[: -len(".lock")]).unlink(missing_ok=True)

    def start(self) -> bool:
        """Start the server unless it already answers; returns True when this call started it."""
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        if not self.initialised():
            self.init()
        if self.answers():
            self.ensure_app_role()
            return False
        if self.postmaster_pid() is not None:
            # Give a server that is still starting up or shutting down a moment.
            for _ in range(20):
                if self.answers():
                    return False
                if not _process_alive(self.postmaster_pid() or 0):
                    break
                time.sleep(0.1)
            self._clear_stale_pid()
        user = _system_user()
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        _open_path_for(self.socket_dir, user)
        result = self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-w",
            "-t",
            "60",
            "-o",
            f"-c listen_addresses='' -k {self.socket_dir} -c max_connections=200",
            "start",
            timeout=90,
        )
        if result.returncode != 0 or not self.answers():
            log = self.log_file.read_text()[-4000:] if self.log_file.exists() else ""
            raise EmbeddedDatabaseError(f"PostgreSQL did not start:\n{result.stdout}\n{result.stderr}\n{log}")
        self.ensure_app_role()
        return True

    def ensure_app_role(self) -> None:
        with psycopg.connect(self.url(role=SUPERUSER, database="postgres"), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE]).fetchone()
            if not exists:
                conn.execute(f'CREATE ROLE "{APP_ROLE}" LOGIN NOSUPERUSER NOBYPASSRLS CREATEDB NOCREATEROLE')
            # Row-level security keeps a non-leakproof operator away from indexes, so full-text
            # search (@@) would scan every row. The match function raises no data-dependent
            # errors; marking it leakproof lets the GIN index serve policy-protected tables.
            # template1 too, so test databases created from it inherit the setting.
            for database in ("template1", "postgres"):
                with psycopg.connect(self.url(role=SUPERUSER, database=database), autocommit=True) as db:
                    db.execute(LEAKPROOF_SQL)
            has_db = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [APP_DATABASE]).fetchone()
            if not has_db:
                conn.execute(f'CREATE DATABASE "{APP_DATABASE}" OWNER "{APP_ROLE}"')
            with psycopg.connect(self.url(role=SUPERUSER, database=APP_DATABASE), autocommit=True) as db:
                db.execute(LEAKPROOF_SQL)

    def stop(self) -> bool:
        if self.postmaster_pid() is None:
            return False
        result = self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop", timeout=60)
        if result.returncode != 0:
            self._clear_stale_pid()
        return True


def _process_alive(pid: int) -> bool:
    """True for a running process; False for none or a zombie waiting to be reaped."""
    if pid <= 0:
        return False
    try:
        with open(f"/proc/{pid}/stat") as stat:
            state = stat.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


def server(data_dir: Path | None = None) -> Server:
    return Server(Path(data_dir or os.environ.get("TWIN_PGDATA") or DEFAULT_DATA_DIR).resolve())


def _run_command(srv: Server, command: list[str]) -> int:
    if os.environ.get("DATABASE_URL"):
        # An external PostgreSQL was chosen: nothing to start.
        return subprocess.call(command)
    started = srv.start()
    env = dict(os.environ, DATABASE_URL=srv.url())
    child = subprocess.Popen(command, env=env)

    def forward(signum: int, _frame: object) -> None:
        child.send_signal(signum)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    try:
        return child.wait()
    finally:
        if started and os.environ.get("TWIN_KEEP_DB") != "1":
            srv.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="devdb", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["start", "stop", "status", "url", "run"])
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    srv = server()
    try:
        if args.action == "start":
            started = srv.start()
            print(f"PostgreSQL {'started' if started else 'already running'} in {srv.data_dir}", file=sys.stderr)
            print(srv.url())
        elif args.action == "stop":
            print("stopped" if srv.stop() else "not running", file=sys.stderr)
        elif args.action == "status":
            up = srv.answers()
            print("running" if up else "stopped")
            return 0 if up else 3
        elif args.action == "url":
            print(srv.url())
        elif args.action == "run":
            command = args.command[1:] if args.command[:1] == ["--"] else args.command
            if not command:
                parser.error("run needs a command after --")
            return _run_command(srv, command)
    except EmbeddedDatabaseError as exc:
        print(f"devdb: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
