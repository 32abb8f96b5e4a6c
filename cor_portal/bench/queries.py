"""Count the SQL queries of each page, in process (the view runs once after a warm-up)."""

import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .pages import Page


@dataclass(frozen=True)
class Probe:
    status: int
    queries: int
    ms: float
    sql: tuple[str, ...]


def clients(roles: set[str]) -> dict[str, Client]:
    """Return a signed-in test client per role (the logins ``seed_scale`` makes)."""
    users = get_user_model().objects.in_bulk([r for r in roles if r], field_name="username")
    result = {"": Client(HTTP_HOST="127.0.0.1")}
    for role, user in users.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        result[role] = client
    return result


def probe(pages: list[Page], *, admin: bool = False) -> dict[str, Probe]:
    """Request each page (or its admin twin) twice; return the second answer's status,
    queries and time, by page name."""
    signed_in = clients({p.role for p in pages})
    results = {}
    for page in pages:
        path = page.admin if admin else page.path
        if not path:
            continue
        client = signed_in[page.role]
        client.get(path)  # warm-up: caches, compiled templates
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            ms = (time.perf_counter() - started) * 1000
        results[page.name] = Probe(
            response.status_code,
            len(queries),
            ms,
            tuple(q["sql"] for q in queries.captured_queries),
        )
    return results
