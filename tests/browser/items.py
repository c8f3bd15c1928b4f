"""A few clearly made-up items at real places, for the browser tests.

Committed (the live server cannot see a test's transaction) and removed
when the module that asked for them ends.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from cases.models import BudgetProposal, Case, Facility
from cases.services.links import areas_link
from districts.models import District
from forums.models import Forum
from tests import places


@dataclass
class MapItems:
    pending_case: Case
    decided_case: Case
    playground: Facility
    proposal: BudgetProposal
    forum: Forum

    def delete(self):
        coordinator = self.forum.created_by
        self.forum.delete()
        coordinator.delete()
        for item in (self.pending_case, self.decided_case, self.playground):
            item.delete()
        self.proposal.delete()


def create_map_items() -> MapItems:
    pending = Case.objects.create(
        diary_number="TEST 2026-000001",
        title_fi="TESTI: Rautatientorin penkit",
        title_sv="TEST: Bänkarna på Järnvägstorget",
        status=Case.Status.PENDING,
        location=places.RAILWAY_STATION,
    )
    decided = Case.objects.create(
        diary_number="TEST 2026-000002",
        title_fi="TESTI: Itäkeskuksen pyörätelineet",
        status=Case.Status.DECIDED,
        location=places.ITAKESKUS_METRO,
    )
    playground = Facility.objects.create(
        kind=Facility.Kind.PLAYGROUND,
        name_fi="TESTI: Leikkipuisto Malmi",
        name_sv="TEST: Lekparken Malm",
        source="test",
        source_id="map-1",
        location=places.MALMI_AIRPORT,
    )
    proposal = BudgetProposal.objects.create(
        round_id=1,
        source_id="test-map-1",
        title="TEST: Suomenlinna benches",
        district=District.objects.get(level="major_district", code="1"),
        location=places.SUOMENLINNA_CHURCH,
    )
    # A forum is drawn as its area: Kluuvi, a small sub-district downtown.
    forum = Forum.objects.create(
        district=District.objects.get(level="sub_district", name_fi="Kluuvi"),
        title="TESTI: Kluuvin asukasfoorumi",
        created_by=get_user_model().objects.create_user("test-map-coordinator"),
    )
    areas_link(Case, [pending.pk, decided.pk])
    areas_link(Facility, [playground.pk])
    areas_link(BudgetProposal, [proposal.pk])
    return MapItems(pending, decided, playground, proposal, forum)
