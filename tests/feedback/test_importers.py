"""The City's 872 feedback records, imported through the production
importer at session start (tests/fixtures_data.py)."""

from collections import Counter

import pytest

from feedback.importers import import_feedback
from feedback.models import Feedback, StatusNote
from geo.sync import ImportRefusedError
from tests.feedback.conftest import FEEDBACK_FILE, records
from tests.fixtures_data import FIXTURES

pytestmark = pytest.mark.django_db

BROKEN = FIXTURES / "feedback" / "broken" / "helsinki_feedback_broken.geojson"


def test_every_record_is_imported_with_its_unit_status_and_reply():
    source = {r["properties"]["service_request_id"]: r["properties"] for r in records()}
    stored = Feedback.objects.filter(origin=Feedback.Origin.IMPORTED)
    assert len(source) == 872
    assert set(stored.values_list("service_request_id", flat=True)) == set(source)
    units = Counter(stored.values_list("unit__name", flat=True))
    assert units == Counter(p["agency_responsible"] for p in source.values())
    assert units["Rakennusvirasto"] == 765
    statuses = Counter(stored.values_list("status", flat=True))
    assert statuses == {"closed": 860, "open": 12}
    one = stored.get(service_request_id="1ar09ts10t4qdko74nmj")
    assert one.detailed_status == "PROCESSED,PUBLIC_WORKS_COMPLETED"
    assert one.service.code == "178"
    note = one.notes.get()
    assert note.text.startswith("Hei!\n\nKiitos palautteestanne.")
    assert note.author == "Rakennusvirasto"
    assert note.created_at.isoformat() == "2015-03-05T10:03:12+00:00"
    replied = sum(1 for p in source.values() if (p["status_notes"] or "").strip())
    assert StatusNote.objects.filter(origin=Feedback.Origin.IMPORTED).count() == replied


def test_each_records_sub_district_link_is_its_own_osa_alue():
    linked = {}
    for request_id, code in Feedback.objects.filter(
        origin=Feedback.Origin.IMPORTED, areas__level="sub_district"
    ).values_list("service_request_id", "areas__code"):
        linked.setdefault(request_id, set()).add(code)
    mismatches = []
    for record in records():
        props = record["properties"]
        own = {props["osa_alue_tunnus"]} if props["osa_alue_tunnus"] else set()
        if linked.get(props["service_request_id"], set()) != own:
            mismatches.append(
                (
                    props["service_request_id"],
                    own,
                    linked.get(props["service_request_id"]),
                )
            )
    assert mismatches == []
    outside = [r for r in records() if r["properties"]["osa_alue_tunnus"] is None]
    assert len(outside) == 4
    for record in outside:
        kept = Feedback.objects.get(
            service_request_id=record["properties"]["service_request_id"]
        )
        assert kept.location is not None
        assert kept.areas.count() == 0


def test_a_reimport_changes_nothing():
    before = list(
        Feedback.objects.order_by("id").values_list(
            "id", "unit_id", "status", "updated_at", "description"
        )
    )
    notes = list(StatusNote.objects.order_by("id").values_list("id", "text"))
    report = import_feedback(FEEDBACK_FILE, progress=False)
    assert (report.created, report.updated, report.deleted) == (0, 0, 0)
    assert report.unchanged == 872
    assert "replies: 0 created, 0 updated" in report.notes
    after = list(
        Feedback.objects.order_by("id").values_list(
            "id", "unit_id", "status", "updated_at", "description"
        )
    )
    assert after == before
    assert list(StatusNote.objects.order_by("id").values_list("id", "text")) == notes


def test_a_file_that_would_delete_most_records_is_refused_and_changes_nothing():
    with pytest.raises(
        ImportRefusedError, match="would delete 871 of 872 Feedback rows"
    ):
        import_feedback(BROKEN, progress=False)
    assert Feedback.objects.filter(origin=Feedback.Origin.IMPORTED).count() == 872


def test_broken_rows_are_reported_with_row_field_and_reason_and_good_ones_kept():
    Feedback.objects.filter(origin=Feedback.Origin.IMPORTED).delete()
    report = import_feedback(BROKEN, progress=False)
    assert [(r.row, r.field, r.reason) for r in report.rejected] == [
        (2, "service_request_id", "no id"),
        (3, "service_request_id", "1ar09ts10t4qdko74nmj appears twice"),
        (4, "description", "no description"),
        (5, "status", "not open or closed: 'pending'"),
        (6, "geometry", "a point is needed, got nothing"),
    ]
    assert str(report.rejected[0]).startswith("helsinki_feedback_broken.geojson row 2")
    assert report.created == 1
    assert list(Feedback.objects.values_list("service_request_id", flat=True)) == [
        "1ar09ts10t4qdko74nmj"
    ]


def test_a_boundary_reimport_relinks_feedback_too():
    from cases.services.links import areas_relink_near, linked_models
    from districts.models import District

    assert Feedback in linked_models()
    kluuvi = District.objects.get(level="sub_district", code="020")
    inside = Feedback.objects.filter(areas=kluuvi)
    assert inside.exists()
    kluuvi_ids = set(inside.values_list("id", flat=True))
    # Kluuvi shrinks to nothing near its feedback: the links must follow.
    District.objects.filter(pk=kluuvi.pk).update(
        boundary=District.objects.get(level="sub_district", code="533").boundary
    )
    moved = areas_relink_near([kluuvi.pk])
    assert kluuvi_ids <= moved["feedback"]
    assert not Feedback.objects.filter(areas=kluuvi, id__in=kluuvi_ids).exists()
