"""Security events moved from the `tracker` package to `accounts`: an older database keeps them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import SecurityEvent

INITIAL = [("accounts", "0001_initial")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.fixture(autouse=True)
def latest_migrations_afterwards():
    """Later migrations of accounts (its people tables) are back for the tests that follow."""
    yield
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes("accounts"))


@pytest.mark.django_db(transaction=True)
def test_security_events_of_a_database_made_before_the_move_are_kept():
    migrate([("accounts", None)])
    # The table as the previous layout's `tracker` app made it, with an event in it.
    SecurityEvent._meta.db_table = "tracker_securityevent"
    try:
        with connection.schema_editor() as editor:
            editor.create_model(SecurityEvent)
        SecurityEvent.objects.create(kind=SecurityEvent.Kind.SIGNED_IN, username="clerk")
    finally:
        SecurityEvent._meta.db_table = "accounts_securityevent"

    migrate(INITIAL)

    assert list(SecurityEvent.objects.values_list("kind", "username")) == [("signed_in", "clerk")]
    assert "tracker_securityevent" not in connection.introspection.table_names()


@pytest.mark.django_db(transaction=True)
def test_a_new_database_gets_an_empty_security_event_table():
    migrate([("accounts", None)])
    migrate(INITIAL)

    assert SecurityEvent.objects.count() == 0
    SecurityEvent.objects.create(kind=SecurityEvent.Kind.SIGNED_OUT, username="clerk")
    assert SecurityEvent.objects.count() == 1
