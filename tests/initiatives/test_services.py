import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from districts.models import AuditLog
from initiatives import services
from initiatives.models import Initiative, Support
from initiatives.selectors import report_rows, supports_by_home_district, threshold_of
from tests.initiatives.conftest import draft, gathering, identity
from tests.places import ITAKESKUS_METRO, RAILWAY_STATION, TAPIOLA_ESPOO

pytestmark = pytest.mark.django_db


def test_a_draft_is_linked_to_every_official_area_it_lies_in(author):
    initiative = draft(author, location=RAILWAY_STATION)
    # Kluuvi: sub-district 020 of Vironniemi (101) in Eteläinen (1), and
    # the neighbourhood Kluuvi (02).
    assert set(initiative.areas.values_list("level", "code")) == {
        ("major_district", "1"),
        ("district", "101"),
        ("sub_district", "020"),
        ("neighbourhood", "02"),
    }


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"text": "   "}, "text"),
        ({"title": ""}, "title"),
        ({"location": TAPIOLA_ESPOO}, "location"),
        ({"topic": "nonsense"}, "topic"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(author, fields, field):
    with pytest.raises(ValidationError) as error:
        draft(author, **fields)
    assert field in error.value.message_dict
    assert not Initiative.objects.exists()


def test_one_support_per_person_and_withdraw_until_submitted(author):
    initiative = gathering(author)
    first, new = services.support_give(initiative=initiative, identity=identity("a"))
    again, new_again = services.support_give(
        initiative=initiative, identity=identity("a")
    )
    assert (new, new_again) == (True, False)
    assert again.pk == first.pk
    services.support_give(initiative=initiative, identity=identity("b", district="5"))
    assert Support.objects.filter(initiative=initiative).count() == 2
    assert [(c.code, c.supports) for c in supports_by_home_district(initiative)] == [
        ("3", 1),
        ("5", 1),
    ]

    services.support_withdraw(initiative=initiative, identity=identity("b"))
    assert Support.objects.filter(initiative=initiative).count() == 1

    services.initiative_submit(actor=author, initiative=initiative)
    with pytest.raises(ValidationError, match="not gathering support"):
        services.support_give(initiative=initiative, identity=identity("c"))
    with pytest.raises(ValidationError, match="once it is submitted"):
        services.support_withdraw(initiative=initiative, identity=identity("a"))
    assert Support.objects.filter(initiative=initiative).count() == 1


def test_support_needs_strong_identification(author):
    initiative = gathering(author)
    with pytest.raises(PermissionDenied):
        services.support_give(initiative=initiative, identity=None)
    with pytest.raises(PermissionDenied, match="strong"):
        services.support_give(initiative=initiative, identity=identity("w", loa="low"))
    assert not Support.objects.exists()


def test_the_council_threshold_is_two_per_cent_of_the_latest_population(author):
    initiative = gathering(author)
    services.support_give(initiative=initiative, identity=identity("a"))
    services.support_give(
        initiative=initiative, identity=identity("e", municipality="049", district="")
    )
    threshold = threshold_of(initiative)
    # helsinki_population_by_peruspiiri_2018-2023.csv: the 2023 total.
    assert threshold.population_year == 2023
    assert 600_000 < threshold.population < 700_000
    assert threshold.needed == -(-threshold.population * 2 // 100)
    # The resident of Espoo supports, but is not counted for the council.
    assert threshold.residents_supporting == 1
    assert not threshold.reached


def test_a_staff_merge_keeps_one_support_per_person_and_is_audited(author, planner):
    keep = gathering(author, title="Leikkipuisto Kluuviin")
    duplicate = gathering(
        author, title="Kluuviin leikkipuisto", location=ITAKESKUS_METRO
    )
    for subject in ("a", "b"):
        services.support_give(initiative=keep, identity=identity(subject))
    for subject in ("b", "c"):
        services.support_give(initiative=duplicate, identity=identity(subject))

    with pytest.raises(PermissionDenied):
        services.initiative_merge(actor=author, duplicate=duplicate, into=keep)

    services.initiative_merge(actor=planner, duplicate=duplicate, into=keep)
    assert Support.objects.filter(initiative=keep).count() == 3
    assert not Support.objects.filter(initiative=duplicate).exists()
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.duplicate_of_id) == ("closed", keep.pk)
    entry = AuditLog.objects.get(
        object_type="initiatives.initiative", object_id=duplicate.pk
    )
    assert entry.actor == planner
    assert entry.changes["supports"] == 2 and entry.changes["supports_moved"] == 1

    with pytest.raises(ValidationError, match="already merged"):
        services.initiative_merge(actor=planner, duplicate=duplicate, into=keep)


def test_the_half_year_report_lists_an_answered_initiative_with_its_answer(
    author, planner
):
    initiative = gathering(author)
    services.initiative_submit(actor=author, initiative=initiative)
    services.initiative_handle(
        actor=planner,
        initiative=initiative,
        board="Kulttuuri- ja vapaa-aikalautakunta",
        ahjo_case_id="HEL 2026-000001",
    )
    services.initiative_answer(
        actor=planner,
        initiative=initiative,
        answer="Leikkipuisto rakennetaan vuonna 2027.",
        actions="Hanke lisättiin investointiohjelmaan.",
    )
    initiative.refresh_from_db()
    published = initiative.published_at
    half = f"{published.year}-H{1 if published.month <= 6 else 2}"
    rows = list(report_rows(half=half, board="Kulttuuri- ja vapaa-aikalautakunta"))
    assert [(r.title, r.answer, r.status) for r in rows] == [
        ("Leikkipuisto Kluuviin", "Leikkipuisto rakennetaan vuonna 2027.", "answered")
    ]
    assert list(report_rows(half=half, board="Kasvatus- ja koulutuslautakunta")) == []
    with pytest.raises(ValidationError, match="half-year"):
        report_rows(half="2026-H3")


def test_statuses_move_only_along_the_path(author, planner):
    initiative = draft(author)
    with pytest.raises(ValidationError, match="cannot become"):
        services.initiative_submit(actor=author, initiative=initiative)
    with pytest.raises(PermissionDenied):
        services.initiative_answer(actor=author, initiative=initiative, answer="x")


def test_a_demo_initiative_must_say_so_in_its_title(author):
    with pytest.raises(ValidationError, match="DEMO"):
        draft(author, is_demo=True, title="Leikkipuisto")
    assert draft(author, is_demo=True, title="DEMO: Leikkipuisto").is_demo
