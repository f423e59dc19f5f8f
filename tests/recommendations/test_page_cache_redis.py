"""The shared page cache in Redis, where TRACKER_REDIS_URL names one (tracker/settings.py).

Where no Redis answers these tests are skipped with a message saying so, except when
REQUIRE_REDIS=1 (CI, which starts one): then a missing Redis is a failure."""

import datetime
import os
import uuid

import pytest
import redis
from django.core.cache import caches

from recommendations.models import Status
from tests.conftest import make_update
from tests.recommendations.test_page_cache import get
from tests.recommendations.test_views import dashboard_url, signed_in
from tests.tracker.test_settings import django_manage

URL = os.environ.get("TRACKER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings):
    try:
        redis.Redis.from_url(URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        message = f"No Redis answers at {URL} (apt-get install redis-server)."
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"{message} REQUIRE_REDIS=1 is set, so this is a failure.", pytrace=False)
        pytest.skip(message)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": URL,
            "KEY_PREFIX": uuid.uuid4().hex,  # this test's keys only
        }
    }
    yield caches["default"]


def test_pages_are_kept_in_redis_and_rebuilt_when_their_data_changes(
    redis_cache, recommendation, police_editor, reader
):
    client = signed_in(reader)
    assert get(client, dashboard_url(recommendation.review))[1]
    page, built = get(client, dashboard_url(recommendation.review))
    assert not built and "Not started" in page
    keys = redis.Redis.from_url(URL).keys(f"{redis_cache.key_prefix}:*")
    assert keys  # the page is in Redis, not in this process

    make_update(recommendation, police_editor, date=datetime.date(2016, 11, 1), status=Status.RED)

    page, built = get(client, dashboard_url(recommendation.review))
    assert built and "Red" in page


def test_tracker_redis_url_puts_the_cache_in_redis():
    result = django_manage(
        "shell",
        "-c",
        "from django.core.cache import caches; print(type(caches['default']).__name__)",
        DJANGO_DEBUG="1",
        TRACKER_REDIS_URL=URL,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "RedisCache"
