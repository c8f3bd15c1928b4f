"""The planners' query result as a file: GeoJSON, CSV or GeoPackage.

The features arrive as GeoJSON text rendered in PostGIS; geopandas and
pyogrio only change the container.
"""

import json
import tempfile
from pathlib import Path

import geopandas as gpd
from django.http import HttpResponse

FORMATS = {
    "geojson": "application/geo+json",
    "csv": "text/csv; charset=utf-8",
    "gpkg": "application/geopackage+sqlite3",
}
FILENAME = "piiri-query"


def frames(features_text: str) -> dict[str, gpd.GeoDataFrame]:
    """One GeoDataFrame per collection, in WGS84."""
    features = json.loads(features_text)["features"]
    by_collection: dict[str, list[dict]] = {}
    for feature in features:
        name = feature["properties"]["collection"]
        by_collection.setdefault(name, []).append(feature)
    return {
        name: gpd.GeoDataFrame.from_features(rows, crs="EPSG:4326")
        for name, rows in by_collection.items()
    }


# A spreadsheet runs a cell that starts with one of these as a formula
# (OWASP "CSV injection"); a leading apostrophe makes it text again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: object) -> object:
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def as_csv(features_text: str) -> bytes:
    # One table for every collection: the union of their columns, the
    # geometry as WKT in lon/lat.
    tables = [
        frame.assign(geometry_wkt=frame.geometry.to_wkt()).drop(columns="geometry")
        for frame in frames(features_text).values()
    ]
    if not tables:
        return b"collection,geometry_wkt\n"
    import pandas as pd

    table = pd.concat(tables, ignore_index=True)
    first = ["collection", "id"] if "id" in table.columns else ["collection"]
    table = table[first + [c for c in table.columns if c not in first]]
    return table.map(neutralised).to_csv(index=False).encode()


def as_gpkg(features_text: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{FILENAME}.gpkg"
        written = False
        for name, frame in frames(features_text).items():
            # A collection may mix points, lines and polygons (cases).
            frame.to_file(
                path,
                layer=name,
                driver="GPKG",
                engine="pyogrio",
                geometry_type="Unknown",
            )
            written = True
        if not written:
            gpd.GeoDataFrame({"collection": []}, geometry=[], crs="EPSG:4326").to_file(
                path, layer="empty", driver="GPKG", engine="pyogrio"
            )
        return path.read_bytes()


def download(features_text: str, wanted: str) -> HttpResponse:
    if wanted == "csv":
        content = as_csv(features_text)
    elif wanted == "gpkg":
        content = as_gpkg(features_text)
    else:
        content = features_text.encode()
    response = HttpResponse(content, content_type=FORMATS[wanted])
    response["Content-Disposition"] = f'attachment; filename="{FILENAME}.{wanted}"'
    return response
