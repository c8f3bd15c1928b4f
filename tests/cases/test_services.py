import pytest
from django.contrib.gis.geos import LineString, Polygon
from django.core.exceptions import ValidationError

from cases.models import BudgetProposal, Case
from cases.services.cases import case_create, case_update
from cases.services.proposals import proposal_create, proposal_update
from geo.points import point_at
from tests.places import ITAKESKUS_METRO, OPEN_SEA, RAILWAY_STATION, TAPIOLA_ESPOO

pytestmark = pytest.mark.django_db

# A bow tie: its ring crosses itself.
BOW_TIE = Polygon(
    ((24.94, 60.17), (24.95, 60.18), (24.95, 60.17), (24.94, 60.18), (24.94, 60.17)),
    srid=4326,
)


def _codes(item) -> set[tuple[str, str]]:
    return set(item.areas.values_list("level", "code"))


def test_case_create_links_the_case_to_its_areas():
    case = case_create(title_fi="Penkki rikki", location=RAILWAY_STATION)
    assert case.placement == Case.Placement.GIVEN
    assert ("sub_district", "020") in _codes(case)


def test_case_create_accepts_geojson_lines_crossing_a_border():
    line = {
        "type": "LineString",
        "coordinates": [[24.9414, 60.1710], [24.9560, 60.1730]],
    }
    case = case_create(title_fi="Katutyö", location=line)
    subs = {c for level, c in _codes(case) if level == "sub_district"}
    assert {"010", "020"} <= subs


@pytest.mark.parametrize(
    ("location", "message"),
    [
        (BOW_TIE, "Not a valid geometry"),
        (TAPIOLA_ESPOO, "outside Helsinki"),
        (OPEN_SEA, "outside Helsinki"),
        (123, "Expected a GeoJSON geometry, got int"),
        ({"type": "Point", "coordinates": [24.9]}, "not a valid GeoJSON"),
        ({"type": "Point", "coordinates": [240.9, 60.1]}, "out of range"),
        ("not json", "not valid JSON"),
    ],
)
def test_case_create_refuses_bad_locations_and_saves_nothing(location, message):
    count = Case.objects.count()
    with pytest.raises(ValidationError) as error:
        case_create(title_fi="Huono paikka", location=location)
    assert message in str(error.value.message_dict["location"])
    assert Case.objects.count() == count


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"status": "bogus"}, "status"),
        ({"opened_on": "not a date"}, "opened_on"),
        ({"title_fi": ""}, "title_fi"),
        ({"links": "http://example.org"}, "links"),
    ],
)
def test_case_create_refuses_wrong_types_and_saves_nothing(fields, field):
    count = Case.objects.count()
    with pytest.raises(ValidationError) as error:
        case_create(**{"title_fi": "Tapaus", "location": RAILWAY_STATION, **fields})
    assert field in error.value.message_dict
    assert Case.objects.count() == count


def test_a_duplicate_diary_number_is_refused():
    taken = Case.objects.exclude(diary_number="").first().diary_number
    with pytest.raises(ValidationError) as error:
        case_create(title_fi="Kopio", diary_number=taken)
    assert "diary_number" in str(error.value)


def test_case_update_moves_the_case_and_its_links():
    case = case_create(title_fi="Siirtyvä", location=RAILWAY_STATION)
    case_update(case, location=ITAKESKUS_METRO, status="in_preparation")
    case.refresh_from_db()
    assert ("sub_district", "457") in _codes(case)
    assert ("sub_district", "020") not in _codes(case)
    case_update(case, location=None)
    assert _codes(case) == set()


def test_a_failed_case_update_changes_nothing():
    case = case_create(title_fi="Alkuperäinen", location=RAILWAY_STATION)
    with pytest.raises(ValidationError):
        case_update(case, title_fi="Uusi", location=TAPIOLA_ESPOO)
    with pytest.raises(ValidationError):
        case_update(case, title_fi="Uusi", status="closed")  # skips decided
    with pytest.raises(ValidationError):
        case_update(case, title_fi="Uusi", owner="someone")
    case.refresh_from_db()
    assert case.title_fi == "Alkuperäinen"
    assert case.status == Case.Status.PENDING
    assert ("sub_district", "020") in _codes(case)


def test_proposal_create_refuses_an_unknown_area_code_and_non_points():
    count = BudgetProposal.objects.count()
    with pytest.raises(ValidationError) as error:
        proposal_create(round=1, title="Penkki", district="99")
    assert "No major district has the code '99'" in str(error.value)
    with pytest.raises(ValidationError) as error:
        proposal_create(
            round=1,
            title="Polku",
            district="1",
            location=LineString((24.94, 60.17), (24.95, 60.18), srid=4326),
        )
    assert "LineString is not accepted" in str(error.value)
    with pytest.raises(ValidationError) as error:
        proposal_create(round="yksi", title="Penkki", district="1")
    assert "round" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        proposal_create(round=99, title="Penkki", district="1")
    assert "99" in " ".join(error.value.message_dict["round"])
    assert BudgetProposal.objects.count() == count


def test_a_proposal_without_a_point_belongs_to_its_major_district_only():
    proposal = proposal_create(round=1, title="Koko piirin juttu", district="7")
    assert _codes(proposal) == {("major_district", "7")}
    proposal_update(proposal, location=point_at(lon=24.9414, lat=60.1710))
    assert ("sub_district", "020") in _codes(proposal)
    assert proposal.source_id.startswith("piiri-")


def test_a_citywide_proposal_has_no_district():
    proposal = proposal_create(round=1, title="Koko kaupunki", district=None)
    assert proposal.scope == BudgetProposal.Scope.CITYWIDE
    assert _codes(proposal) == set()


def test_case_bulk_create_stores_and_links_like_case_create():
    from cases.services.cases import case_bulk_create

    ids = case_bulk_create(
        [
            {
                "title_fi": "SYNTHETIC a",
                "location": RAILWAY_STATION,
                "status": "decided",
            },
            {"title_fi": "SYNTHETIC b", "location": None},
        ]
    )
    located, unlocated = Case.objects.get(pk=ids[0]), Case.objects.get(pk=ids[1])
    assert located.status == "decided" and located.placement == Case.Placement.GIVEN
    single = case_create(title_fi="yksi", location=RAILWAY_STATION)
    single.refresh_from_db()
    assert located.location.equals_exact(single.location, tolerance=0)
    assert _codes(located) == _codes(single)
    assert _codes(unlocated) == set() and unlocated.links == []
