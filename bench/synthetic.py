"""Seeded synthetic cases clustered on Helsinki's land, for benchmarks.

Every record is labelled synthetic (diary numbers ``SYN ...``, titles
starting "SYNTHETIC"); none of it is real data. Points fall inside the real
land sub-districts (osa-alueet without the sea area "Aluemeri", 2022
fixture), in Gaussian clusters around random centres, the way real cases
bunch around construction sites and centres.

    from bench.synthetic import synthetic_cases, synthetic_points
    cases = synthetic_cases(100_000, seed=1)   # list[SyntheticCase]
    lon, lat = synthetic_points(10_000, seed=1)  # numpy arrays, WGS84
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parent.parent
SUB_DISTRICTS = ROOT / "fixtures" / "districts" / "helsinki_osa_alueet.geojson"
SEA_CODES = {"533"}

# Cluster spread in degrees (about 350 m north-south, 300 m east-west).
SPREAD_LAT = 0.0032
SPREAD_LON = 0.0055
POINTS_PER_CLUSTER = 200

STATUSES = ("pending", "in_preparation", "decided", "closed")


@dataclass(frozen=True)
class SyntheticCase:
    diary_number: str
    title: str
    status: str
    lon: float
    lat: float


@cache
def land_sub_districts() -> tuple[shapely.Geometry, ...]:
    data = json.loads(SUB_DISTRICTS.read_text(encoding="utf-8"))
    areas = tuple(
        shape(feature["geometry"])
        for feature in data["features"]
        if str(feature["properties"]["tunnus"]) not in SEA_CODES
    )
    for area in areas:
        shapely.prepare(area)
    return areas


def synthetic_points(n: int, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` lon/lat points on land, clustered; the same seed gives the same
    points."""
    rng = np.random.default_rng(seed)
    areas = land_sub_districts()
    lon_out: list[np.ndarray] = []
    lat_out: list[np.ndarray] = []
    remaining = n
    while remaining > 0:
        area = areas[rng.integers(len(areas))]
        centre = area.representative_point()
        size = min(POINTS_PER_CLUSTER, remaining)
        lon = rng.normal(centre.x, SPREAD_LON, size * 3)
        lat = rng.normal(centre.y, SPREAD_LAT, size * 3)
        inside = shapely.contains_xy(area, lon, lat)
        lon, lat = lon[inside][:size], lat[inside][:size]
        lon_out.append(lon)
        lat_out.append(lat)
        remaining -= len(lon)
    return np.concatenate(lon_out), np.concatenate(lat_out)


def synthetic_cases(n: int, *, seed: int = 0) -> list[SyntheticCase]:
    lon, lat = synthetic_points(n, seed=seed)
    rng = np.random.default_rng(seed + 1)
    statuses = rng.integers(len(STATUSES), size=n)
    return [
        SyntheticCase(
            diary_number=f"SYN {2020 + i % 7}-{i:06d}",
            title=f"SYNTHETIC case {i} (benchmark data, not real)",
            status=STATUSES[statuses[i]],
            lon=round(float(lon[i]), 6),
            lat=round(float(lat[i]), 6),
        )
        for i in range(n)
    ]


def is_on_land(lon: float, lat: float) -> bool:
    return any(shapely.contains_xy(a, lon, lat) for a in land_sub_districts())
