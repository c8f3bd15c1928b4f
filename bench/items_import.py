"""Bulk import and area linking of 100,000 synthetic cases: our code
(``cases.services.cases.case_bulk_create``: ORM bulk INSERTs plus the one
set-based linking statement) against the same work as raw SQL (COPY into a
staging table, one INSERT ... SELECT into the case table, one linking
INSERT ... SELECT).

Both runs start from the same state (the real Helsinki data, no synthetic
cases) and end with 100,000 cases each linked to every area it lies in;
the synthetic cases are deleted between runs. The cases come from
bench/synthetic.py: seeded, clustered on land, labelled synthetic.
"""

import os
import sys
import time

import django
import psycopg

from bench.common import (
    bench_database_url,
    prepare_database,
    psycopg_url,
    table,
    write_results,
)
from bench.synthetic import synthetic_cases

RAW_STAGE = """
CREATE TEMP TABLE synthetic_stage (
    diary_number text, title text, status text, lon float8, lat float8
) ON COMMIT DROP
"""
RAW_INSERT = """
INSERT INTO cases_case (
    diary_number, source_id, title_fi, title_sv, summary_fi, summary_sv,
    status, department, decision_maker, classification, links, placement,
    place_names, created_at, updated_at, location)
SELECT diary_number, '', title, '', '', '', status, '', '', '', '[]',
       'given', '[]', now(), now(),
       ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 3067)
FROM synthetic_stage
RETURNING id
"""
RAW_LINK = """
INSERT INTO cases_case_areas (case_id, district_id)
SELECT item.id, area.id
FROM cases_case AS item
JOIN districts_district AS area ON ST_Intersects(area.boundary, item.location)
WHERE item.id = ANY(%s) AND NOT area.is_sea
"""
CLEANUP = [
    "DELETE FROM cases_case_areas WHERE case_id IN "
    "(SELECT id FROM cases_case WHERE diary_number LIKE 'SYN %%')",
    "DELETE FROM cases_case WHERE diary_number LIKE 'SYN %%'",
]


def cleanup(url: str) -> None:
    with psycopg.connect(psycopg_url(url)) as conn:
        for statement in CLEANUP:
            conn.execute(statement)


def link_count(url: str) -> int:
    with psycopg.connect(psycopg_url(url)) as conn:
        row = conn.execute(
            "SELECT count(*) FROM cases_case_areas l JOIN cases_case c "
            "ON c.id = l.case_id WHERE c.diary_number LIKE 'SYN %%'"
        ).fetchone()
    return int(row[0]) if row else 0


def run_raw(url: str, cases) -> float:
    start = time.perf_counter()
    with psycopg.connect(psycopg_url(url)) as conn, conn.transaction():
        conn.execute(RAW_STAGE)
        with conn.cursor().copy(
            "COPY synthetic_stage (diary_number, title, status, lon, lat) FROM STDIN"
        ) as copy:
            for case in cases:
                copy.write_row(
                    (case.diary_number, case.title, case.status, case.lon, case.lat)
                )
        ids = [row[0] for row in conn.execute(RAW_INSERT).fetchall()]
        conn.execute(RAW_LINK, [ids])
    return time.perf_counter() - start


def run_ours(cases) -> float:
    from cases.services.cases import case_bulk_create
    from geo.points import point_at

    start = time.perf_counter()
    case_bulk_create(
        [
            {
                "diary_number": case.diary_number,
                "title_fi": case.title,
                "status": case.status,
                "location": point_at(lon=case.lon, lat=case.lat),
            }
            for case in cases
        ]
    )
    return time.perf_counter() - start


def main(n: int = 100_000, repeats: int = 2) -> None:
    url = bench_database_url()
    prepare_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("PIIRI_DEV", "1")
    django.setup()
    from django.db import connection

    cases = synthetic_cases(n, seed=20261128)
    raw_times, our_times, links = [], [], {}
    for attempt in range(repeats):
        # Alternate the order so neither side always runs on a warmer cache.
        for side in ("raw", "ours") if attempt % 2 == 0 else ("ours", "raw"):
            cleanup(url)
            print(f"==> {side} #{attempt + 1}", file=sys.stderr)
            if side == "raw":
                raw_times.append(run_raw(url, cases))
            else:
                our_times.append(run_ours(cases))
                connection.close()
            links[side] = link_count(url)
    cleanup(url)
    if links["raw"] != links["ours"]:
        sys.exit(f"the two paths linked differently: {links}")
    raw_best, our_best = min(raw_times), min(our_times)
    ratio = round(raw_best / our_best, 2)
    rows = [
        {
            "path": "raw SQL (COPY + INSERT ... SELECT + linking INSERT ... SELECT)",
            "best_s": round(raw_best, 2),
            "runs_s": [round(t, 2) for t in raw_times],
            "cases_per_s": round(n / raw_best),
        },
        {
            "path": "case_bulk_create (COPY to a staging table + INSERT ... "
            "SELECT + areas_link)",
            "best_s": round(our_best, 2),
            "runs_s": [round(t, 2) for t in our_times],
            "cases_per_s": round(n / our_best),
        },
    ]
    markdown = (
        f"{n:,} synthetic cases (bench/synthetic.py, seed 20261128, clustered on "
        f"land), inserted and linked to every official area they lie in "
        f"({links['ours']:,} links). Best of {repeats} runs per path, run "
        "order alternated.\n\n"
        + table(rows, ["path", "best_s", "runs_s", "cases_per_s"])
        + f"\n\nSpeed of our code relative to raw SQL: **{ratio}** "
        "(raw time / our time; target >= 0.5).\n"
    )
    write_results(
        "items_import",
        {"cases": n, "links": links["ours"], "speed_ratio": ratio, "results": rows},
        markdown,
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
