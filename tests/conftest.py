"""Shared test fixtures. The small real projects under tests/projects/ and the source trees
under tests/inspect_cases/ are run in subprocesses by the tests; they are not part of this
suite's own collection, and neither are the corpus logs."""

import os

import pytest

collect_ignore = ["projects", "inspect_cases", "corpus"]


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL 15 server for the whole session, started on first use.

    Skips when PostgreSQL is not installed, unless FAULTLINE_REQUIRE_POSTGRES=1 (CI), where
    a missing or broken PostgreSQL fails the tests that need it.
    """
    from tests.support.postgres import PostgresServer, PostgresUnavailable

    server = PostgresServer()
    try:
        server.start()
    except PostgresUnavailable as exc:
        if os.environ.get("FAULTLINE_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required (FAULTLINE_REQUIRE_POSTGRES=1): {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_server):
    """postgresql://faultline@127.0.0.1:PORT/postgres: a superuser role, trust auth."""
    return postgres_server.url
