"""The raw-SQL peer of bench/layers_wrk.py: the statements Piiri sends for a
list of requests, run through psycopg behind the smallest HTTP server, so
wrk drives it like the other servers.

    .venv/bin/python -m bench.sqlserver PORT STATEMENTS.json DATABASE_URL

STATEMENTS.json maps a request path to ``[sql, params, prepare]``, built
beforehand by the same code as the app's views (bench/layers_wrk.py); a
request only looks its statement up. Each HTTP connection (one per wrk
client, kept alive) has its own database connection and binds the values
server-side; with ``prepare`` (tiles, as the app) it prepares each
statement once, without it (items pages, as the app: a generic plan does
not know how many rows a bbox holds) PostgreSQL plans each execution for
its values. The body is the last
column of the first row: the tile, or the page of features as JSON text.
An unknown path answers 404; /readyz answers 200 once the server listens.
"""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg.types.numeric import Int4


def bound(params: list[Any]) -> list[Any]:
    """JSON params as Django bound them: integers as int4, geometries as
    EWKB in hex (PostgreSQL reads it as geometry from its context)."""
    return [
        Int4(p) if isinstance(p, int) else p["ewkb_hex"] if isinstance(p, dict) else p
        for p in params
    ]


def make_server(
    port: int, statements: dict[str, list[Any]], url: str
) -> ThreadingHTTPServer:
    """The server, bound to ``port``; ``serve_forever()`` runs it."""
    local = threading.local()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as wrk expects
        # No Nagle: with it, a response sent as two segments (headers, then
        # body) waits for the client's delayed ACK, ~40 ms a request, which
        # made this peer look ten times slower than the SQL it runs.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            # wrk's cold runs add a unique `_bench=` argument: the same SQL.
            path = self.path.split("&_bench=")[0].split("?_bench=")[0]
            if path == "/readyz":
                self.answer(200, b"ok")
                return
            found = statements.get(path) or statements.get(urlsplit(path).path)
            if found is None:
                self.answer(404, b"unknown path")
                return
            if not hasattr(local, "conn"):
                local.conn = psycopg.connect(url, autocommit=True)
            sql, params, *options = found
            prepare = bool(options[0]) if options else True
            row = local.conn.execute(sql, params, prepare=prepare).fetchone()
            value = row[-1] if row else None
            if value is None:
                self.answer(204, b"")
            elif isinstance(value, str):
                self.answer(200, value.encode())
            else:
                self.answer(200, bytes(value))

        def answer(self, status: int, body: bytes) -> None:
            # Status line, headers and body in one write: one segment for a
            # small answer.
            self.send_response_only(status)
            self.send_header("Content-Length", str(len(body)))
            self._headers_buffer.append(b"\r\n")
            self.wfile.write(b"".join(self._headers_buffer) + body)
            self._headers_buffer = []

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            # wrk drops its connections when its time is up: not an error.
            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)

    return Server(("127.0.0.1", port), Handler)


def main() -> None:
    port, path, url = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    with open(path, encoding="utf-8") as file:
        raw = json.load(file)
    statements = {
        key: [sql, bound(params), *options]
        for key, (sql, params, *options) in raw.items()
    }
    make_server(port, statements, url).serve_forever()


if __name__ == "__main__":
    main()
