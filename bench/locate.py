"""Locate: which areas is this point in? Raw SQL vs selector vs HTTP.

Random points over Helsinki's land bbox (seeded); each is asked once. The
raw SQL is the statement the selector sends (LOCATE_SQL), run through
psycopg.
"""

import http.client
import os
import sys
from urllib.parse import urlsplit

import django
import psycopg

from bench.common import (
    bench_database_url,
    prepare_database,
    psycopg_url,
    random_points,
    table,
    time_each,
    write_results,
)
from bench.server import app_server


def main(n: int = 2000) -> None:
    url = bench_database_url()
    prepare_database(url)
    points = random_points(n, seed=20261128)

    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("PIIRI_DEV", "1")
    django.setup()
    from districts.selectors import LOCATE_SQL, locate
    from geo.points import point_at

    with psycopg.connect(psycopg_url(url)) as conn:
        raw = time_each(
            lambda p: conn.execute(LOCATE_SQL, (*p, 4326)).fetchall(),
            points,
            label="raw SQL",
        )

    selector = time_each(
        lambda p: locate(point_at(lon=p[0], lat=p[1])), points, label="selector"
    )

    with app_server(url, workers=1) as base:
        client = http.client.HTTPConnection(urlsplit(base).netloc)

        def get(p: tuple[float, float]) -> None:
            client.request("GET", f"/api/v1/locate?lon={p[0]}&lat={p[1]}")
            response = client.getresponse()
            response.read()
            assert response.status == 200, response.status

        over_http = time_each(get, points, label="HTTP")
        client.close()

    rows = []
    for name, result in (
        ("raw SQL (psycopg)", raw),
        ("selector (districts.selectors.locate)", selector),
        ("HTTP GET /api/v1/locate", over_http),
    ):
        rows.append(
            {
                "path": name,
                **result,
                "p50 / raw p50": round(result["p50_ms"] / raw["p50_ms"], 2),
            }
        )
    markdown = (
        f"{n} random points over Helsinki's land bbox, one request each, "
        "concurrency 1, gunicorn with 1 sync worker for HTTP (stdlib\n"
        "http.client, keep-alive).\n\n"
        + table(
            rows, ["path", "n", "p50_ms", "p90_ms", "p99_ms", "rps", "p50 / raw p50"]
        )
        + f"\n\nTarget: HTTP p50 under 5 ms. Result: {over_http['p50_ms']} ms.\n"
    )
    write_results("locate", {"points": n, "results": rows}, markdown)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
