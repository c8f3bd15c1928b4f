"""The shared sync step (geo.sync) for located items, which also keeps the
area links of every created or changed row, in set-based statements of
bounded chunks: a file of thousands of rows costs a handful of queries,
not thousands."""

from pathlib import Path
from typing import cast

from django.db import models
from django.db.models import Q

from cases.services.links import areas_link, areas_link_new
from geo.sources import ImportReport
from geo.sync import Incoming, Synced, sync_rows


def ogr_path(path: Path) -> Path:
    """``path`` as GDAL reads it: a gzipped file through /vsigzip/.

    GDAL's virtual path needs its double slash, which ``Path`` would fold;
    the string is only handed on to GDAL.
    """
    if path.suffix == ".gz":
        return cast(Path, f"/vsigzip/{path.resolve()}")
    return path


def sync_items(
    model: type[models.Model],
    *,
    key_fields: tuple[str, ...],
    rows: list[Incoming],
    report: ImportReport,
    scope: Q,
    force: bool = False,
) -> Synced:
    """``geo.sync.sync_rows`` for an item model, then its area links.
    ``scope`` is the rows that came from this source: a re-import deletes
    only among them."""
    synced = sync_rows(
        model,
        key_fields=key_fields,
        rows=rows,
        report=report,
        scope=scope,
        force=force,
    )
    areas_link_new(model, synced.created)
    areas_link(model, synced.updated)
    return synced
