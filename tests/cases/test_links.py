import pytest
from django.contrib.gis.geos import LineString

from cases.models import Case
from cases.services.links import areas_link
from districts.selectors import locate
from tests.places import (
    HELSINKI_SEA_AREA,
    KLUUVI_KRUUNUNHAKA_BORDER,
    RAILWAY_STATION,
    TAPIOLA_ESPOO,
)

pytestmark = pytest.mark.django_db


def _codes(case: Case) -> set[tuple[str, str]]:
    return set(case.areas.values_list("level", "code"))


def _case(location) -> Case:
    case = Case.objects.create(title_fi="testi", location=location)
    areas_link(Case, [case.pk])
    return case


def test_a_point_is_linked_to_the_area_covering_it_at_every_level():
    case = _case(RAILWAY_STATION)
    assert _codes(case) == {
        ("major_district", "1"),
        ("district", "101"),
        ("sub_district", "020"),
        ("neighbourhood", "02"),
    }


def test_a_point_on_a_shared_border_belongs_to_both_sides():
    codes = _codes(_case(KLUUVI_KRUUNUNHAKA_BORDER))
    assert {"010", "020", "030"} <= {c for level, c in codes if level == "sub_district"}


def test_a_point_outside_helsinki_has_no_areas():
    assert _codes(_case(TAPIOLA_ESPOO)) == set()


def test_the_sea_area_is_left_out_as_locate_leaves_it_out():
    # The sea sub-district and neighbourhood "Aluemeri" are no place anyone
    # lives in; the district and major district above them are official
    # areas with a budget, so a point out at sea still belongs to those.
    assert (
        _codes(_case(HELSINKI_SEA_AREA))
        == {
            (area["level"], area["code"])
            for area in locate(HELSINKI_SEA_AREA).values()
            if area is not None
        }
        == {("district", "603"), ("major_district", "6")}
    )


def test_a_line_crossing_a_border_belongs_to_both_sides():
    line = LineString(RAILWAY_STATION.coords, (24.9560, 60.1730), srid=4326)
    codes = _codes(_case(line))
    assert {"010", "020"} <= {c for level, c in codes if level == "sub_district"}


def test_relinking_reports_only_items_that_moved():
    case = _case(RAILWAY_STATION)
    assert areas_link(Case, [case.pk]) == set()
    case.location = TAPIOLA_ESPOO
    case.save()
    assert areas_link(Case, [case.pk]) == {case.pk}
    assert _codes(case) == set()
