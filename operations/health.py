"""The health endpoint for load balancers: /health/ answers "OK" (200) when this instance can
serve, "Unavailable" (503) when it cannot; nothing else, to anyone, signed in or not.

An instance can serve when its database answers, every migration this code has is applied
there (an instance of a newer release, started before `migrate` has run, is kept out of the
pool), and the evidence storage answers (S3-compatible object storage, or the folder).
The answer names none of these, nor why a check failed: the log does ("health" logger).
Each check is bounded in time, so a load balancer's probe never hangs on a dead dependency.
"""

import functools
import logging

from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from evidence.models import evidence_storage

logger = logging.getLogger("health")

PROBE = "health-check-probe"  # a name looked up, never written: its absence is an answer
STORAGE_TIMEOUT_SECONDS = 3


def problems():
    """The names of the checks that fail now (empty when the instance can serve)."""
    failing = []
    for name, check in (("database", database), ("migrations", migrations), ("storage", storage)):
        try:
            if not check():
                failing.append(name)
        except Exception as error:  # any failure is "unavailable", never a 500
            logger.warning("Health check %s failed (%s).", name, type(error).__name__)
            failing.append(name)
        if failing and name == "database":
            failing.append("migrations")  # cannot be asked without a database
            break
    return failing


def database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def migrations():
    """Whether every migration of this code is recorded as applied in the database."""
    applied = MigrationRecorder(connection).applied_migrations()
    missing = expected_migrations() - set(applied)
    if missing:
        logger.warning("Health check: %d migrations not applied.", len(missing))
    return not missing


@functools.cache
def expected_migrations():
    """The migrations this code has, read from disk once per process (it does not change)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.graph.leaf_nodes()) | frozenset(loader.graph.nodes)


def storage():
    """Whether the evidence storage answers: a bucket that is there, or a folder's disk."""
    files = evidence_storage()
    bucket = getattr(files, "bucket_name", None)
    if bucket is None:
        files.exists(PROBE)  # the file system: raises only if the disk cannot be read
        return True
    _s3_client(files).head_bucket(Bucket=bucket)  # raises on any refusal or timeout
    return True


def _s3_client(files):
    """A client of the storage's own session and endpoint, with short timeouts and no
    retries; made once per storage (making one takes longer than asking)."""
    client = getattr(files, "_health_client", None)
    if client is None:
        client = _new_s3_client(files)
        files._health_client = client
    return client


def _new_s3_client(files):
    from botocore.config import Config

    config = files.client_config.merge(
        Config(
            connect_timeout=STORAGE_TIMEOUT_SECONDS,
            read_timeout=STORAGE_TIMEOUT_SECONDS,
            retries={"total_max_attempts": 1},
        )
    )
    return files._create_session().client(
        "s3",
        region_name=files.region_name,
        use_ssl=files.use_ssl,
        endpoint_url=files.endpoint_url,
        config=config,
        verify=files.verify,
    )
