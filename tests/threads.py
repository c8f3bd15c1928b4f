"""Work in threads of their own, with their own database connections and
committed transactions, as gunicorn workers have: a test's rolled-back
transaction would hide a race."""

from concurrent.futures import ThreadPoolExecutor

from django.db import connections


def closing(work):
    def run():
        try:
            return work()
        finally:
            connections.close_all()

    return run


def in_own_thread(work):
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(closing(work)).result()
