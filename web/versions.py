"""Data versions of tables, kept by PostgreSQL, for responses that caches
may keep for ever.

A tracked table has statement-level triggers that bump its row in
``data_version`` after every INSERT, UPDATE, DELETE and TRUNCATE, whoever
writes: the ORM, an import, ``COPY`` or raw SQL. The bump is part of the
writing transaction, so a new version becomes visible exactly when the data
it stands for does; read the version before the data, and the data is at
least that new. (Concurrent writers to one table wait on its version row
until the first commits.)

A version is the clock in microseconds when it was bumped, or the old one
plus one if that is larger: it never repeats, not after a rolled-back
transaction nor after a restore from a backup, so no cache can hold other
data under the same version.

Migrations call ``track`` for the tables they own; ``version_of`` reads
one key per table set in one indexed statement.
"""

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connections

TABLE = "data_version"
_BUMP = "data_version_bump"
_TRIGGER = "data_version"

_SETUP = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    table_name text PRIMARY KEY,
    version bigint NOT NULL
);
CREATE OR REPLACE FUNCTION {_BUMP}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {TABLE} AS v (table_name, version)
    VALUES (TG_TABLE_NAME, (extract(epoch FROM clock_timestamp()) * 1e6)::bigint)
    ON CONFLICT (table_name) DO UPDATE SET version = greatest(
        v.version + 1, (extract(epoch FROM clock_timestamp()) * 1e6)::bigint
    );
    RETURN NULL;
END
$$;
"""


def track(*tables: str) -> str:
    """SQL giving each of ``tables`` a version and the triggers that bump it
    (for ``migrations.RunSQL``)."""
    statements = [_SETUP]
    for table in tables:
        statements.append(
            f"""
            INSERT INTO {TABLE} (table_name, version)
            VALUES ('{table}', (extract(epoch FROM clock_timestamp()) * 1e6)::bigint)
            ON CONFLICT (table_name) DO NOTHING;
            CREATE TRIGGER {_TRIGGER}
                AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}"
                FOR EACH STATEMENT EXECUTE FUNCTION {_BUMP}();
            """
        )
    return "\n".join(statements)


def untrack(*tables: str) -> str:
    """The reverse of ``track``: the triggers go; the version rows stay, so a
    table tracked again never repeats a version."""
    return "\n".join(
        f'DROP TRIGGER IF EXISTS {_TRIGGER} ON "{table}";' for table in tables
    )


def version_of(tables: Sequence[str], *, using: str = "default") -> str:
    """One short key for the data of ``tables``: it changes whenever a row
    of any of them does. Untracked tables count as unchanging. Read it from
    the database the data will be read from (a replica lags the primary)."""
    sql, params = version_sql(tables)
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)
        (found,) = cursor.fetchone()
    return version_key(tables, found)


def version_sql(tables: Sequence[str]) -> tuple[str, list[Any]]:
    """A scalar subquery of the versions of ``tables``, for a statement that
    reads them beside the data itself: one round trip, and the data is
    exactly as new as the version (one statement, one snapshot).
    ``version_key`` makes its value the key ``version_of`` gives."""
    return (
        f"(SELECT json_object_agg(table_name, version) FROM {TABLE}"
        " WHERE table_name = ANY(%s))",
        [list(tables)],
    )


def version_key(tables: Sequence[str], found: Mapping[str, int] | str | None) -> str:
    """The key of ``tables`` from their versions as ``version_sql`` reads
    them (JSON text or parsed, NULL when none is tracked)."""
    versions = json.loads(found) if isinstance(found, str) else found or {}
    text = ",".join(f"{table}:{versions.get(table, 0)}" for table in sorted(tables))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def tracked_tables(*, using: str = "default") -> set[str]:
    """The tables whose writes bump a version (their trigger is in place)."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT c.relname FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = %s",
            [_TRIGGER],
        )
        return {name for (name,) in cursor.fetchall()}
