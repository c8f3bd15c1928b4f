"""Reading any OGR source (GeoJSON, GeoPackage, Shapefile, CSV with lon/lat)
into rows of plain properties plus a GEOS geometry in the storage CRS.

Knows no domain words: the importers in the apps declare which properties
they want.
"""

import hashlib
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import geopandas as gpd
import pandas as pd
import shapely
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from shapely.geometry.base import BaseGeometry

from geo import srid


@dataclass(frozen=True)
class Rejection:
    """A source row that was not imported, and why."""

    source: str
    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source} row {self.row} field '{self.field}': {self.reason}"


class Writer(Protocol):
    """A management command's ``stdout``/``stderr``, or any text stream."""

    def write(self, text: str, /) -> object: ...


@dataclass
class ImportReport:
    source: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    skipped: bool = False
    repairs: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def reject(self, row: int, field_name: str, reason: str) -> None:
        self.rejected.append(Rejection(self.source, row, field_name, reason))

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            "skipped": self.skipped,
            "repairs": self.repairs,
            "rejected": [str(r) for r in self.rejected],
            "notes": self.notes,
        }

    def summary(self) -> str:
        if self.skipped:
            return f"{self.source}: already imported, nothing to do"
        return (
            f"{self.source}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.deleted} deleted, "
            f"{len(self.repairs)} repaired, {len(self.rejected)} rejected"
        )

    def write(self, out: "Writer", err: "Writer") -> None:
        """The summary, each repair and note on ``out``, each rejected row
        (file, row, field, reason) on ``err``: what an import command shows."""
        out.write(self.summary())
        for repair in self.repairs:
            out.write(f"  repaired: {repair}")
        for note in self.notes:
            out.write(f"  {note}")
        for rejection in self.rejected:
            err.write(f"  rejected: {rejection}")


@dataclass(frozen=True)
class SourceRow:
    number: int  # 1-based, as a person counts the features in the file
    properties: dict[str, Any]
    geometry: BaseGeometry | None
    srid: int


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_rows(
    path: Path,
    *,
    layer: str | None = None,
    lon_field: str | None = None,
    lat_field: str | None = None,
    source_srid: int = srid.GEOJSON,
) -> Iterator[SourceRow]:
    """Rows of ``path`` with geometries in the source's own CRS.

    Geometries are not reprojected here: PostGIS transforms them on save, so
    stored boundaries and query points go through the same transformation
    and a point on a shared border stays exactly on it.

    A CSV names its coordinate columns with ``lon_field``/``lat_field``; a
    row whose coordinates are missing or not numbers gets no geometry.
    """
    if lon_field and lat_field:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        lon = pd.to_numeric(frame[lon_field], errors="coerce")
        lat = pd.to_numeric(frame[lat_field], errors="coerce")
        frame = gpd.GeoDataFrame(
            frame, geometry=gpd.points_from_xy(lon, lat), crs=source_srid
        )
    else:
        frame = gpd.read_file(path, layer=layer, engine="pyogrio")
        if frame.crs is None:
            frame = frame.set_crs(source_srid)
    epsg = frame.crs.to_epsg()
    if epsg is None:
        raise ValueError(f"{path.name}: CRS {frame.crs} has no EPSG code")
    columns = [c for c in frame.columns if c != frame.geometry.name]
    for number, (geometry, props) in enumerate(
        zip(frame.geometry, frame[columns].to_dict("records"), strict=True), start=1
    ):
        if geometry is not None and (geometry.is_empty or _has_nan(geometry)):
            geometry = None
        yield SourceRow(
            number, {k: _plain(v) for k, v in props.items()}, geometry, epsg
        )


def _has_nan(geometry: BaseGeometry) -> bool:
    return not all(math.isfinite(v) for v in geometry.bounds)


def _plain(value: Any) -> Any:
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def repaired(geometry: BaseGeometry) -> tuple[BaseGeometry, str | None]:
    """``geometry`` made valid, and what was wrong with it, if anything."""
    if geometry.is_valid:
        return geometry, None
    reason = shapely.is_valid_reason(geometry)
    return shapely.make_valid(geometry), reason


def polygons_in(geometry: BaseGeometry) -> list[shapely.Polygon]:
    if geometry.geom_type == "Polygon":
        return [geometry] if geometry.area > 0 else []
    if hasattr(geometry, "geoms"):
        return [p for part in geometry.geoms for p in polygons_in(part)]
    return []


def to_multipolygon(geometry: BaseGeometry, *, srid: int) -> MultiPolygon | None:
    """The polygonal part of ``geometry`` as a GEOS MultiPolygon, or None
    when it has no area (a repair can leave only lines)."""
    polygons = polygons_in(geometry)
    if not polygons:
        return None
    result = to_geos(shapely.MultiPolygon(polygons), srid=srid)
    assert isinstance(result, MultiPolygon)
    return result


def to_geos(geometry: BaseGeometry, *, srid: int) -> GEOSGeometry:
    return GEOSGeometry(memoryview(shapely.to_wkb(geometry)), srid=srid)
