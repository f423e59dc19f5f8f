"""Back up and restore the tracker's database, whichever engine it runs on.

PostgreSQL: `pg_dump` in its custom format, restored with `pg_restore`. SQLite: the
online backup API, never a file copy, so a backup taken while the service runs is
consistent.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    pass


def _engine(alias):
    return connections[alias].vendor


def _pg_env_and_args(settings_dict):
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [flag, str(settings_dict[key])]
    return env, args


def backup(path, *, alias="default"):
    """Write a backup of the database to `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = connections[alias]
    if _engine(alias) == "postgresql":
        env, args = _pg_env_and_args(connection.settings_dict)
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                *args,
                "--file",
                str(path),
                connection.settings_dict["NAME"],
            ],
            env,
        )
    elif _engine(alias) == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise BackupError(f"No backup method for {_engine(alias)} databases.")
    return path


def restore(path, *, alias="default", database=None):
    """Replace the contents of the database (or another `database` name) with a backup."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    connection = connections[alias]
    if _engine(alias) == "postgresql":
        env, args = _pg_env_and_args(connection.settings_dict)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *args,
                "--dbname",
                database or connection.settings_dict["NAME"],
                str(path),
            ],
            env,
        )
    elif _engine(alias) == "sqlite":
        source = sqlite3.connect(path)
        try:
            if database:
                target = sqlite3.connect(database)
                source.backup(target)
                target.close()
            else:
                connection.ensure_connection()
                source.backup(connection.connection)
        finally:
            source.close()
    else:
        raise BackupError(f"No restore method for {_engine(alias)} databases.")


def _run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
