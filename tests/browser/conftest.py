"""Real Chromium (Debian's /usr/bin/chromium) driving the app.

One browser per session. The app is served by Django's live-server thread
against the test database, whose session data was committed by
django_db_setup; tests here use no transaction of their own, so the server
sees exactly that data. A transactional test elsewhere flushes the tables
when it ends, so each browser module makes sure the data is back first.

Every request the page makes to any host but the test server fails the
test: nothing may reach the internet or rely on a CDN.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright
from pytest_django.live_server_helper import LiveServer

from cases.importers.helsinki import import_helsinki_items
from cases.models import BudgetProposal, Case, Facility
from districts.models import District
from tests.browser.items import create_map_items
from tests.committed import committed
from tests.fixtures_data import FIXTURES, load_fixture_data

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"

# Playwright's sync API runs its event loop in this thread; the ORM calls
# the tests make between page actions are plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            # pytest-django creates the test database only when a collected
            # test is marked for it; without this, running the browser tests
            # alone would point the server at the development database.
            item.add_marker(pytest.mark.django_db)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (scripts/bootstrap)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def app_server(django_db_setup, django_db_blocker):
    with committed(django_db_blocker):
        server = LiveServer("127.0.0.1")
        yield server
        server.stop()


@pytest.fixture(scope="module")
def site(app_server, django_db_blocker):
    """The live server's base URL, with the session's data in place."""
    with committed(django_db_blocker):
        if not District.objects.exists():
            load_fixture_data()
    return app_server.url


@pytest.fixture(scope="module")
def map_items(site, django_db_blocker):
    """The module's labelled test items, alone on the map: the real items
    are set aside for the module and imported again after it, so what the
    browser counts is exactly the test's own."""
    with committed(django_db_blocker):
        for model in (Case, Facility, BudgetProposal):
            model.objects.all().delete()
        items = create_map_items()
        yield items
        items.delete()
        import_helsinki_items(FIXTURES, progress=False)


@pytest.fixture(scope="module")
def budgeting_rounds(site, django_db_blocker):
    """OmaStadi's real rounds (the session data holds them) with their
    plans, for the module; the plans are removed after it."""
    from budgeting.importers import import_omastadi_plans
    from budgeting.models import Plan, Round

    with committed(django_db_blocker):
        import_omastadi_plans(
            FIXTURES / "budgeting" / "helsinki_omastadi_plans_rounds1-3.csv",
            progress=False,
        )
        yield list(Round.objects.order_by("number"))
        Plan.objects.all().delete()


@pytest.fixture(scope="module")
def staff_user(site, django_db_blocker):
    """An admin (who may use the coordinator pages), for the module."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import MD5PasswordHasher

    # The hasher the tests sign in with (tests/conftest.py).
    hasher = MD5PasswordHasher()
    with committed(django_db_blocker):
        user = get_user_model().objects.create_superuser("browser-admin")
        user.password = hasher.encode(PASSWORD, hasher.salt())
        user.save()
        yield user
        user.delete()


PASSWORD = "a long browser test password"


def sign_in(page, user, password=PASSWORD, lang="fi"):
    page.goto(f"/{lang}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


class Guard:
    """Fails on any request to another host, any uncaught page error and any
    console error (CSP refusals, failed loads)."""

    def __init__(self, base_url: str, *also: str):
        self.hosts = {urlsplit(url).netloc for url in (base_url, *also)}
        self.foreign: list[str] = []
        self.errors: list[str] = []

    def route(self, route):
        url = route.request.url
        if url.startswith("data:") or urlsplit(url).netloc in self.hosts:
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()


@pytest.fixture(scope="module")
def context(browser, site):
    guard = Guard(site)
    context = browser.new_context(
        base_url=site, locale="fi-FI", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    context.route("**/*", guard.route)
    context.guard = guard
    yield context
    context.close()


@pytest.fixture
def page(context, request):
    guard = context.guard
    guard.foreign.clear()
    guard.errors.clear()
    page = context.new_page()
    page.on("pageerror", lambda error: guard.errors.append(str(error)))
    # CSP refusals and failed loads are reported only on the console.
    page.on(
        "console",
        lambda message: message.type == "error" and guard.errors.append(message.text),
    )
    yield page
    OUTPUT.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    page.screenshot(path=OUTPUT / f"{name}.png", full_page=True)
    page.close()
    assert guard.foreign == [], f"requests left the test server: {guard.foreign}"
    assert guard.errors == [], f"JavaScript errors: {guard.errors}"


@pytest.fixture(scope="session")
def axe():
    return Axe()


def serious_violations(axe, page) -> list[str]:
    results = axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def open_map(page, path="/fi/"):
    page.goto(path)
    page.wait_for_selector("#map[data-ready=true]")
    return page
