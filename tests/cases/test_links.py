import pytest
from django.contrib.gis.geos import LineString

from cases.models import BudgetProposal, Case
from cases.services.links import areas_link, areas_link_new
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


def _twins(count: int) -> tuple[list[int], list[int]]:
    """Two sets of new, unlinked cases at the places of ``count`` real
    cases, and one pair on a border and one pair out at sea."""
    places = list(
        Case.objects.exclude(location=None)
        .order_by("pk")
        .values_list("location", flat=True)[:count]
    )
    places += [KLUUVI_KRUUNUNHAKA_BORDER, HELSINKI_SEA_AREA, TAPIOLA_ESPOO, None]
    made = [
        Case.objects.bulk_create(
            Case(title_fi=f"SYNTHETIC twin {side}", location=place) for place in places
        )
        for side in "ab"
    ]
    return [c.pk for c in made[0]], [c.pk for c in made[1]]


def _areas_of(ids: list[int]) -> list[set[int]]:
    links: dict[int, set[int]] = {pk: set() for pk in ids}
    for case_id, district_id in Case.areas.through.objects.filter(
        case_id__in=ids
    ).values_list("case_id", "district_id"):
        links[case_id].add(district_id)
    return [links[pk] for pk in ids]


def test_linking_in_chunks_gives_the_links_of_one_statement():
    # 7 ids a chunk: the 44 cases cross six chunk boundaries; the twins
    # are few enough to be linked by one plain statement.
    chunked, single = _twins(40)
    seen = []
    assert areas_link_new(
        Case, chunked, chunk=7, progress=lambda done, of: seen.append((done, of))
    ) == areas_link_new(Case, single)
    assert seen == [(min(n, 44), 44) for n in range(7, 51, 7)]
    assert _areas_of(chunked) == _areas_of(single)
    assert sum(1 for areas in _areas_of(chunked) if areas) >= 40

    # Move every case to the place of its neighbour and relink: the
    # comparison with the stored links holds across chunks too.
    for ids in (chunked, single):
        cases = list(Case.objects.filter(pk__in=ids).order_by("pk"))
        for case, neighbour in zip(cases, cases[1:] + cases[:1], strict=True):
            case.location = neighbour.location
        Case.objects.bulk_update(cases, ["location"])
    moved_chunked = areas_link(Case, chunked, chunk=7)
    moved_single = areas_link(Case, single)
    assert len(moved_chunked) == len(moved_single) > 30
    offset = single[0] - chunked[0]
    assert {pk + offset for pk in moved_chunked} == moved_single
    assert _areas_of(chunked) == _areas_of(single)
    assert areas_link(Case, chunked, chunk=7) == set()


def test_proposals_without_a_point_keep_their_district_when_chunked():
    ids = [
        pk
        for located in (True, False)
        for pk in BudgetProposal.objects.filter(location__isnull=not located)
        .exclude(district=None)
        .order_by("pk")
        .values_list("pk", flat=True)[:20]
    ]
    through = BudgetProposal.areas.through
    before = set(through.objects.filter(budgetproposal_id__in=ids).values_list())
    through.objects.filter(budgetproposal_id__in=ids).delete()
    assert areas_link_new(BudgetProposal, ids, chunk=3) == len(before) > 20
    after = set(through.objects.filter(budgetproposal_id__in=ids).values_list())
    assert {row[1:] for row in after} == {row[1:] for row in before}
    # Every proposal without a point has exactly its major district.
    assert all(len(_proposal_codes(pk)) == 1 for pk in ids[20:]) and all(
        len(_proposal_codes(pk)) >= 3 for pk in ids[:20]
    )


def _proposal_codes(pk: int) -> set[tuple[str, str]]:
    return set(BudgetProposal.objects.get(pk=pk).areas.values_list("level", "code"))
