"""A throw-away PostgreSQL server on a temporary folder, for the tests and the benches.

It uses the PostgreSQL binaries installed on the machine (initdb, pg_ctl, createdb), listens
on a unix socket only (no TCP port, so nothing outside the machine can reach it, and parallel
runs never fight over a port), trusts local connections, and is deleted when stopped.
PostgreSQL refuses to run as root: as root (CI), it runs as the `postgres` account when
there is one, else as `nobody`.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "bridgeline"


class PostgresMissing(RuntimeError):
    """No PostgreSQL binaries: says how to install them."""


def find_bin_dir() -> Path:
    """The folder of initdb: on PATH, else the newest /usr/lib/postgresql/N/bin (Debian)."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if not found:
        raise PostgresMissing(
            "PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql/*/bin): "
            "install it (Debian: apt-get install -y postgresql) to run the PostgreSQL tests."
        )
    return Path(found[-1]).parent


def _run_as() -> str | None:
    """The account to run the server as when we are root; None when we are not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise PostgresMissing("Running as root with no `postgres` or `nobody` account to run as.")


@dataclass
class LocalPostgres:
    bin_dir: Path
    root: Path
    user: str | None
    port: int = 5432
    _count: int = 0

    @property
    def socket_dir(self) -> Path:
        return self.root

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@/{database}?host={self.socket_dir}&port={self.port}"

    def _cmd(self, *args: str) -> list[str]:
        return ["runuser", "-u", self.user, "--", *args] if self.user else list(args)

    def _run(self, *args: str) -> None:
        result = subprocess.run(self._cmd(*args), capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name} failed: {result.stderr.strip()[-800:]}")

    @classmethod
    def start(cls) -> LocalPostgres:
        bin_dir = find_bin_dir()
        user = _run_as()
        root = Path(tempfile.mkdtemp(prefix="bridgeline-pg-"))
        if user:
            info = pwd.getpwnam(user)
            os.chown(root, info.pw_uid, info.pw_gid)
        server = cls(bin_dir, root, user)
        data = root / "data"
        server._run(
            str(bin_dir / "initdb"),
            "-D", str(data), "-U", SUPERUSER, "--auth=trust", "--no-sync", "-E", "UTF8",
            "--locale=C",
        )  # fmt: skip
        options = (
            f"-k {root} -c listen_addresses='' -p {server.port} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        server._run(
            str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w",
            "-o", options, "start",
        )  # fmt: skip
        return server

    def create_database(self, template: str | None = None) -> str:
        """A new empty database (or a copy of `template`, which nobody may be connected to);
        returns its name (see url())."""
        self._count += 1
        name = f"db_{self._count}"
        args = [str(self.bin_dir / "createdb"), "-h", str(self.socket_dir), "-p", str(self.port)]
        args += ["-U", SUPERUSER, *(["-T", template] if template else []), name]
        self._run(*args)
        return name

    def drop_database(self, name: str) -> None:
        """Dropped at once, even with connections left open (a test that failed mid-way):
        the files go now, not all together at the end (a gigabyte for a few hundred)."""
        args = [str(self.bin_dir / "dropdb"), "-h", str(self.socket_dir), "-p", str(self.port)]
        self._run(*args, "-U", SUPERUSER, "--force", name)

    def stop(self) -> None:
        try:
            self._run(
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(self.root / "data"),
                "-m",
                "immediate",
                "stop",
            )
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
