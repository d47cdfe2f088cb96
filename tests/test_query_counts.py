"""Query counts per page and endpoint: pinned, and the same whatever the amount of data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outcomes import services
from partnerships import services as partnership_services

pytestmark = pytest.mark.django_db

# (who, URL, queries). Session pages include the session renewal (savepoint, update, release).
PAGES = [
    ("a_admin", "/partnerships/rotherham/members/", 8),
    ("a_analyst", "/partnerships/rotherham/data/imports/", 8),
    ("a_analyst", "/partnerships/rotherham/data/imports/{batch}/", 9),
    ("a_viewer", "/partnerships/rotherham/data/framework/", 12),
    ("a_analyst", "/partnerships/rotherham/data/values/new/", 9),
    ("superuser", "/partnerships/", 6),
    ("a_viewer", "/api/v1/partnerships/", 7),
    ("a_analyst", "/api/v1/imports/", 6),
    ("a_analyst", "/api/v1/imports/{batch}/problems/", 7),
]


def grow(tenants) -> None:
    """More of everything the pages list: members, imports, problems, observations."""
    for n in range(6):
        user = tenants.users["b_viewer"].__class__.objects.create_user(f"extra{n}")
        partnership_services.membership_create(partnership=tenants.a, user=user, role="viewer")
        services.import_file(
            partnership=tenants.a, user=tenants.users["a_analyst"], file_name=f"more{n}.csv",
            data=(f"metric,area_code,period,value\nnumbers_in_treatment,E08000018,{2010 + n},"
                  f"{n}\ncontinuity_of_care,E08000019,2020,1\n").encode(),
            format="tidy", accept_valid=True,
        )


def count(client, url: str) -> int:
    client.get(url)  # warm per-process caches (content types, permissions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(("username", "url", "pinned"), PAGES, ids=[p[1] for p in PAGES])
def test_query_count_is_pinned_and_flat(client, tenants, username, url, pinned):
    url = url.format(batch=tenants.batches["a"].pk)
    client.force_login(tenants.users[username])
    before = count(client, url)
    grow(tenants)
    after = count(client, url)
    assert (before, after) == (pinned, pinned)
