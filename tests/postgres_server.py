"""A throwaway PostgreSQL server for the test session, started from the installed binaries.

Why not pytest-postgresql (10.0.0)? It calls `pg_ctl initdb` and `pg_ctl start` as the
current user, and both refuse to run as root, which is how CI and the dev containers run;
it has no option to switch users, and a `runuser` wrapper given as its executable would
still fail: it puts the data directory and the log in pytest's temp directory, root-owned
and 0700, where the `postgres` user cannot write. So this module does the same in ~100
lines: as root, every server command runs as the `postgres` system user (`runuser`), which
the Debian package creates, in a temp directory handed to that user.

The server is for tests only: trust authentication on 127.0.0.1 and a socket in its own
directory, and no durability (fsync off), so that it starts and creates databases fast.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

SUPERUSER = "postgres"
OS_USER = "postgres"  # the system user of Debian's package; the server runs as it when we are root
START_TIMEOUT_S = 60
SESSION_DATABASE = "pytest"

# Appended to postgresql.conf rather than passed on the command line: no quoting to get right.
TEST_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_connections": "200",  # thread tests open several connections per test database
    "shared_buffers": "32MB",
    "log_min_messages": "warning",
}


def find_bindir() -> Path | None:
    """The directory of `initdb` and `pg_ctl`: pg_config's answer, else Debian's newest version."""
    candidates = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        answer = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        candidates.append(answer.stdout.strip())
    # pg_config belongs to libpq-dev, which a server install lacks; Debian keeps one folder per version.
    debian = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted(debian, key=lambda path: int(Path(path).parent.name), reverse=True)
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").is_file() and (Path(candidate) / "pg_ctl").is_file():
            return Path(candidate)
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def hand_to_server_user(path: Path) -> None:
    """As root, the server runs as `postgres`, which must own its directories."""
    if os.geteuid() == 0:
        shutil.chown(path, OS_USER)


def run_server_command(args: list[str]) -> None:
    """Run initdb or pg_ctl, as the `postgres` user when we are root (both refuse root)."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", OS_USER, "--", *args]
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")


@contextmanager
def postgres_server(bindir: Path) -> Iterator[sa.URL]:
    """Start a server in a temp directory; yield the superuser's URL of a new database; stop and remove it."""
    root = Path(tempfile.mkdtemp(prefix="pytest-pg-"))
    hand_to_server_user(root)
    data, sockets, log = root / "data", root / "sockets", root / "server.log"
    try:
        # --no-sync: the cluster is thrown away, so initdb need not flush it to disk.
        cluster = ["-D", str(data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--locale=C"]
        run_server_command([str(bindir / "initdb"), *cluster, "--no-sync", "--no-instructions"])
        sockets.mkdir()
        hand_to_server_user(sockets)
        port = free_port()
        settings = {**TEST_SETTINGS, "port": str(port), "unix_socket_directories": f"'{sockets}'"}
        with (data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        pg_ctl = str(bindir / "pg_ctl")
        try:
            run_server_command([pg_ctl, "start", "-w", "-t", str(START_TIMEOUT_S), "-D", str(data), "-l", str(log)])
        except RuntimeError as error:
            server_log = log.read_text() if log.exists() else "(no server log)"
            raise RuntimeError(f"{error}\nServer log:\n{server_log}") from error
        try:
            server = sa.URL.create("postgresql+psycopg", username=SUPERUSER, host="127.0.0.1", port=port)
            yield create_database(server.set(database="postgres"), SESSION_DATABASE)
        finally:
            # Immediate: no shutdown checkpoint for data nobody keeps.
            run_server_command([pg_ctl, "stop", "-D", str(data), "-m", "immediate", "-w"])
    finally:
        shutil.rmtree(root, ignore_errors=True)


def admin_statement(server_url: sa.URL, statement: str) -> None:
    """CREATE and DROP DATABASE cannot run inside a transaction: autocommit, one connection, closed after."""
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(statement)
    finally:
        admin.dispose()


def create_database(server_url: sa.URL, name: str) -> sa.URL:
    admin_statement(server_url, f'CREATE DATABASE "{name}"')
    return server_url.set(database=name)


@contextmanager
def fresh_database(server_url: str | sa.URL) -> Iterator[sa.URL]:
    """A new empty database on the server, so a test sees no other test's rows; dropped afterwards."""
    server_url = sa.make_url(server_url)
    url = create_database(server_url, f"test_{uuid.uuid4().hex}")
    yield url
    # FORCE ends the connections a test's engine still holds in its pool.
    admin_statement(server_url, f'DROP DATABASE "{url.database}" WITH (FORCE)')
