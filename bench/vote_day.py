"""A budgeting vote day, as bench/load.py plays it: who asks for what.

Residents browse the map (vector tiles and OGC API items) and open area
pages, planners run polygon queries, voters submit ballots in a synthetic
benchmark round. Each simulated person has their own address and voter
identity.
"""

import datetime as dt
import json
import os
import random
import subprocess
from typing import Any

from bench.common import HELSINKI_BBOX, PY, ROOT, prepare_database, tile_of

BENCH_ROUND = 9901

# Share of each kind of request in the mix.
MIX = {
    "tile": 40,
    "items": 15,
    "area_page": 15,
    "polygon_query": 15,
    "ballot": 15,
}
TILE_LAYERS = ["districts", "sub-districts", "cases", "facilities"]
ITEM_COLLECTIONS = ["districts", "cases", "facilities", "budget-proposals"]

SETUP_ROUND = """
import datetime as dt
from django.utils import timezone
from budgeting import services
from budgeting.models import Ballot, Phase, Round
from districts.models import District

number = {number}
# Each run votes afresh: the benchmark round's ballots of an earlier run
# would make every voter a duplicate.
Ballot.objects.filter(round__number=number).delete()
if not Round.objects.filter(number=number).exists():
    today = timezone.localdate()
    voting = (today - dt.timedelta(days=30), today + dt.timedelta(days=3650))
    round_ = services.round_create(
        number=number,
        name="Benchmark round (synthetic, not OmaStadi data)",
        total_amount=8_800_000,
        city_wide_amount=800_000,
        phases={{
            Phase.Kind.PROPOSALS: (voting[0] - dt.timedelta(days=60),
                                   voting[0] - dt.timedelta(days=30)),
            Phase.Kind.VOTING: voting,
            Phase.Kind.RESULTS: (voting[1] + dt.timedelta(days=1),
                                 voting[1] + dt.timedelta(days=30)),
        }},
    )
    for major in District.objects.filter(level="major_district", is_sea=False):
        services.plan_create(round_=round_, title=f"Benches in {{major.name_fi}}",
                             cost=10_000, area=major)
"""


def setup(url: str) -> dict[str, Any]:
    prepare_database(url)
    env = {**os.environ, "DATABASE_URL": url, "PIIRI_DEV": "1", "STATIC_MANIFEST": "1"}
    for command in (
        ["createcachetable"],
        ["collectstatic", "--noinput", "-v", "0"],
        ["shell", "-c", SETUP_ROUND.format(number=BENCH_ROUND)],
    ):
        subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=env, check=True)
    script = (
        "import json\n"
        "from districts.models import District\n"
        "from budgeting.models import Plan\n"
        "areas = list(District.objects.filter(is_sea=False)"
        ".values_list('level', 'code'))\n"
        f"plans = list(Plan.objects.filter(round__number={BENCH_ROUND})"
        ".values_list('id', 'area__code'))\n"
        "print(json.dumps({'areas': areas, 'plans': plans}))\n"
    )
    out = subprocess.run(
        [PY, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


class Client:
    """One simulated person: their own address and voter identity."""

    def __init__(self, number: int, data: dict[str, Any], rng: random.Random):
        self.ip = f"10.{number // 250 % 250}.{number % 250}.{rng.randint(1, 250)}"
        self.rng = rng
        self.data = data
        self.votes = 0
        self.number = number

    def request(self) -> tuple[str, str, str, dict[str, Any]]:
        kind = self.rng.choices(list(MIX), weights=list(MIX.values()))[0]
        west, south, east, north = HELSINKI_BBOX
        lon = self.rng.uniform(west, east)
        lat = self.rng.uniform(south, north)
        if kind == "tile":
            z, x, y = tile_of(lon, lat, self.rng.randint(11, 15))
            layer = self.rng.choice(TILE_LAYERS)
            return kind, "GET", f"/tiles/{layer}/{z}/{x}/{y}.pbf", {}
        if kind == "items":
            d = 0.01
            collection = self.rng.choice(ITEM_COLLECTIONS)
            bbox = f"{lon - d:.5f},{lat - d:.5f},{lon + d:.5f},{lat + d:.5f}"
            return (
                kind,
                "GET",
                f"/ogc/collections/{collection}/items?bbox={bbox}&limit=50",
                {},
            )
        if kind == "area_page":
            level, code = self.rng.choice(self.data["areas"])
            lang = self.rng.choice(["fi", "sv", "en"])
            return kind, "GET", f"/{lang}/areas/{level}/{code}/", {}
        if kind == "polygon_query":
            d = self.rng.uniform(0.003, 0.02)
            ring = [
                [lon - d, lat - d],
                [lon + d, lat - d],
                [lon + d, lat + d],
                [lon - d, lat + d],
                [lon - d, lat - d],
            ]
            body = {"type": "Polygon", "coordinates": [ring]}
            return kind, "POST", "/api/v1/query", {"json": body}
        plan_id, major = self.rng.choice(self.data["plans"])
        self.votes += 1
        # A well-formed personal identity code per simulated voter: 898
        # individual numbers a day, a day per 898 voters of this client.
        serial = self.number * 1_000_000 + self.votes
        born = dt.date(1950, 1, 1) + dt.timedelta(days=serial // 898 % 20_000)
        birth, individual = born.strftime("%d%m%y"), f"{2 + serial % 898:03d}"
        century = "-" if born.year < 2000 else "A"
        # The app's own rule; imported here, as Django is set up by then
        # (bench/load.py main).
        from budgeting.verification import check_character

        identifier = f"{birth}{century}{individual}{check_character(birth, individual)}"
        voter = {
            "identifier": identifier,
            "birth_date": born.isoformat(),
            "municipality": "091",  # Statistics Finland code
            "home_major_district": major,
        }
        return (
            kind,
            "POST",
            f"/api/v1/budgeting/rounds/{BENCH_ROUND}/ballots",
            {"json": {"plans": [plan_id], "voter": voter}},
        )
