"""Every new piece of feedback gets a responsible unit at once: a declared
rule first, then what history teaches, then the fallback queue."""

import pytest
from django.core.exceptions import PermissionDenied

from cases.models import Facility
from districts.models import AuditLog, District
from feedback.learning import HistoryRow, learn_defaults, majority_unit
from feedback.models import Feedback, LearnedRoute, RoutingRule, Service, Unit
from feedback.routing import FALLBACK_QUEUE
from feedback.services import feedback_create, feedback_reply, feedback_reroute
from tests import places
from tests.factories import UserFactory, in_group

pytestmark = pytest.mark.django_db


def give(service_code, location=places.RAILWAY_STATION, **kwargs):
    return feedback_create(
        service_code=service_code, description="Testi.", location=location, **kwargs
    )


@pytest.fixture
def handler():
    return in_group(UserFactory(username="kasittelija"), "feedback_handler")


def unit(name):
    return Unit.objects.get_or_create(name=name)[0]


def test_without_rules_the_unit_that_handled_the_service_most_is_chosen():
    # Category 645: Kaupunkisuunnitteluvirasto handled 8 of its 9 records;
    # staff open the code for new feedback.
    learned = LearnedRoute.objects.get(service__code="645", area=None)
    assert (learned.unit.name, learned.support) == ("Kaupunkisuunnitteluvirasto", 9)
    Service.objects.filter(code="645").update(accepts_new=True)
    feedback = give("645")
    assert feedback.unit.name == "Kaupunkisuunnitteluvirasto"
    assert feedback.routed_by == Feedback.RoutedBy.HISTORY
    assert give("171").unit.name == "Rakennusvirasto"


def test_a_declared_rule_overrides_the_learned_default():
    assert give("171").unit.name == "Rakennusvirasto"
    RoutingRule.objects.create(
        service=Service.objects.get(code="171"), unit=unit("Kaupunkiympäristö")
    )
    routed = give("171")
    assert routed.unit.name == "Kaupunkiympäristö"
    assert routed.routed_by == Feedback.RoutedBy.RULE


def test_the_most_specific_rule_wins():
    parks = Service.objects.get(code="174")
    kluuvi = District.objects.get(level="sub_district", code="020")
    RoutingRule.objects.create(service=parks, unit=unit("Puistot"))
    RoutingRule.objects.create(service=parks, area=kluuvi, unit=unit("Keskusta"))
    RoutingRule.objects.create(
        service=parks, facility_kind=Facility.Kind.PLAYGROUND, unit=unit("Leikkipaikat")
    )
    assert give("174").unit.name == "Keskusta"
    assert give("174", location=places.ITAKESKUS_METRO).unit.name == "Puistot"
    playground = Facility.objects.filter(kind=Facility.Kind.PLAYGROUND).first()
    about = give("174", location=None, facility_id=playground.pk)
    assert about.unit.name == "Leikkipaikat"
    assert about.location == playground.location


def test_feedback_nothing_routes_goes_to_the_fallback_queue():
    Service.objects.create(code="9001", name="Uusi palvelu")
    feedback = give("9001")
    assert feedback.unit.name == FALLBACK_QUEUE
    assert feedback.unit.is_fallback
    assert feedback.routed_by == Feedback.RoutedBy.FALLBACK


def test_a_reroute_is_audited_and_only_handlers_may_do_it(handler):
    feedback = give("171")
    with pytest.raises(PermissionDenied):
        feedback_reroute(
            actor=UserFactory(), feedback=feedback, unit=unit("Liikuntavirasto")
        )
    feedback_reroute(
        actor=handler,
        feedback=feedback,
        unit=unit("Liikuntavirasto"),
        reason="Urheilukentän vieressä",
    )
    feedback.refresh_from_db()
    assert feedback.unit.name == "Liikuntavirasto"
    assert feedback.routed_by == Feedback.RoutedBy.STAFF
    entry = AuditLog.objects.get(object_type="feedback.feedback", object_id=feedback.pk)
    assert entry.actor == handler
    assert entry.action == AuditLog.Action.CHANGED
    assert entry.changes == {
        "unit": "Liikuntavirasto",
        "previous_unit": "Rakennusvirasto",
        "reason": "Urheilukentän vieressä",
    }


def test_a_reroute_in_the_admin_is_audited(client, city_admin):
    feedback = give("171")
    target = unit("Liikuntavirasto")
    city_admin.is_staff = True
    city_admin.is_superuser = True
    city_admin.save()
    client.force_login(city_admin)
    response = client.post(
        f"/admin/feedback/feedback/{feedback.pk}/change/",
        {
            "status": "open",
            "detailed_status": "",
            "unit": target.pk,
            "notes-TOTAL_FORMS": "0",
            "notes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    feedback.refresh_from_db()
    assert (feedback.unit, feedback.routed_by) == (target, Feedback.RoutedBy.STAFF)
    entry = AuditLog.objects.get(object_type="feedback.feedback", object_id=feedback.pk)
    assert entry.changes == {"unit": target.pk}


def test_a_reply_is_signed_by_the_unit_and_can_close_the_feedback(handler):
    feedback = give("171")
    note = feedback_reply(
        actor=handler, feedback=feedback, text="Korjattu.", status="closed"
    )
    feedback.refresh_from_db()
    assert (note.author, feedback.status) == ("Rakennusvirasto", "closed")


def test_learning_takes_the_majority_and_areas_with_enough_history():
    rows = [HistoryRow("1", "3", "A")] * 3 + [HistoryRow("1", "4", "B")] * 2
    learned = learn_defaults(rows, min_area_support=3)
    assert learned.predict("1", "4") == "A"  # area 4 has too little history
    assert learned.predict("1", "3") == "A"
    assert learned.by_service["1"].share == 0.6
    learned = learn_defaults(rows, min_area_support=2)
    assert learned.predict("1", "4") == "B"
    assert learned.predict("2", "4") is None
    # A tie goes to the alphabetically first unit, whatever the order.
    tie = [HistoryRow("1", None, "B"), HistoryRow("1", None, "A")]
    assert learn_defaults(tie).predict("1", None) == "A"
    assert majority_unit(rows) == "A"
