"""Bulk import and area linking of synthetic cases at 100,000 and 1,000,000:
our code (``cases.services.cases.case_bulk_create``: COPY into a staging
table, one INSERT ... SELECT, then ``areas_link_new`` in chunks) against
the same work as raw SQL (COPY into a staging table, one INSERT ... SELECT
into the case table, one linking INSERT ... SELECT), both committed.

Every run starts from the same state (the real Helsinki data, no synthetic
cases) and ends with the cases each linked to every area it lies in; the
synthetic cases are deleted between runs. The two paths run interleaved,
in alternating order, at each size. The cases come from bench/synthetic.py:
seeded, clustered on land, labelled synthetic.

    BENCH_SIZES=100000,1000000 BENCH_REPEATS=2 \
        .venv/bin/python bench/run.py items_import
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

SEED = 20261128
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
# bigint[]: an integer[] (what psycopg sends for small ints) cannot be
# hashed against the bigint id, which makes this statement quadratic.
RAW_LINK = """
INSERT INTO cases_case_areas (case_id, district_id)
SELECT item.id, area.id
FROM cases_case AS item
JOIN districts_district AS area ON ST_Intersects(area.boundary, item.location)
WHERE item.id = ANY(%s::bigint[]) AND NOT area.is_sea
"""
CLEANUP = [
    "DELETE FROM cases_case_areas WHERE case_id IN "
    "(SELECT id FROM cases_case WHERE diary_number LIKE 'SYN %%')",
    "DELETE FROM cases_case WHERE diary_number LIKE 'SYN %%'",
    "VACUUM ANALYZE cases_case_areas",
    "VACUUM ANALYZE cases_case",
]


def cleanup(url: str) -> None:
    with psycopg.connect(psycopg_url(url), autocommit=True) as conn:
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


def service_rows(cases) -> list[dict]:
    """The cases as ``case_bulk_create`` takes them (built before the clock
    starts, as the raw side's rows are)."""
    from geo.points import point_at

    return [
        {
            "diary_number": case.diary_number,
            "title_fi": case.title,
            "status": case.status,
            "location": point_at(lon=case.lon, lat=case.lat),
        }
        for case in cases
    ]


def run_ours(rows: list[dict]) -> float:
    from cases.services.cases import case_bulk_create

    def progress(done: int, total: int) -> None:
        print(f"    linked {done:,} of {total:,}", file=sys.stderr, flush=True)

    start = time.perf_counter()
    case_bulk_create(rows, progress=progress)
    return time.perf_counter() - start


def measure(url: str, n: int, repeats: int) -> dict:
    from django.db import connection

    cases = synthetic_cases(n, seed=SEED)
    rows = service_rows(cases)
    times: dict[str, list[float]] = {"raw": [], "ours": []}
    links: dict[str, int] = {}
    for attempt in range(repeats):
        # Alternate the order so neither side always runs on a warmer cache.
        for side in ("raw", "ours") if attempt % 2 == 0 else ("ours", "raw"):
            cleanup(url)
            print(f"==> {n:,} cases, {side} #{attempt + 1}", file=sys.stderr)
            if side == "raw":
                took = run_raw(url, cases)
            else:
                took = run_ours(rows)
                connection.close()
            times[side].append(took)
            print(f"    {took:.1f} s", file=sys.stderr)
            links[side] = link_count(url)
    cleanup(url)
    if links["raw"] != links["ours"]:
        sys.exit(f"the two paths linked {n:,} cases differently: {links}")
    raw, ours = min(times["raw"]), min(times["ours"])
    return {
        "cases": n,
        "links": links["ours"],
        "raw_s": round(raw, 2),
        "ours_s": round(ours, 2),
        "raw_runs_s": [round(t, 2) for t in times["raw"]],
        "ours_runs_s": [round(t, 2) for t in times["ours"]],
        "ours_over_raw": round(ours / raw, 2),
    }


def main() -> None:
    sizes = [
        int(size) for size in os.environ.get("BENCH_SIZES", "100000,1000000").split(",")
    ]
    repeats = int(os.environ.get("BENCH_REPEATS", "2"))
    url = bench_database_url()
    prepare_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("PIIRI_DEV", "1")
    django.setup()
    from cases.services.links import CHUNK

    results = [measure(url, n, repeats) for n in sizes]
    scaling = {}
    if len(results) > 1:
        small, large = results[0], results[-1]
        data = large["cases"] / small["cases"]
        scaling = {
            "data": round(data, 1),
            "raw": round(large["raw_s"] / small["raw_s"], 2),
            "ours": round(large["ours_s"] / small["ours_s"], 2),
        }
    rows = [
        {
            "cases": f"{r['cases']:,}",
            "links": f"{r['links']:,}",
            "raw SQL s": r["raw_s"],
            "Piiri s": r["ours_s"],
            "Piiri/raw": r["ours_over_raw"],
            "raw runs": r["raw_runs_s"],
            "Piiri runs": r["ours_runs_s"],
        }
        for r in results
    ]
    markdown = (
        "The real Helsinki areas (fixtures/districts, 250 official areas) and "
        f"N synthetic cases (bench/synthetic.py, seed {SEED}, clustered on "
        "land), inserted and linked to every official area they lie in, "
        "committed. Raw SQL: COPY into a staging table, one INSERT ... SELECT, "
        "one linking INSERT ... SELECT. Piiri: `case_bulk_create` (COPY into a "
        "staging table, one INSERT ... SELECT, `areas_link_new` in chunks of "
        f"{CHUNK:,}). Best of {repeats} runs per path, the paths interleaved in "
        "alternating order.\n\n"
        + table(rows, list(rows[0]))
        + "\n\nTargets: Piiri/raw at most 2; time grows at most about as the data.\n"
    )
    if scaling:
        markdown += (
            f"\n{scaling['data']:g}x the cases took **{scaling['ours']}x** the "
            f"time in Piiri and {scaling['raw']}x in raw SQL.\n"
        )
    write_results(
        "items_import",
        {"seed": SEED, "results": results, "scaling": scaling},
        markdown,
    )


if __name__ == "__main__":
    main()
