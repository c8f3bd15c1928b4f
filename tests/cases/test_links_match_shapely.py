"""Every loaded item's stored area links equal an independent shapely
computation on the fixture files."""

import pytest

from cases.models import BudgetProposal, Case, Facility
from tests.cases.shapely_areas import AREAS_2022, Areas, expected_links, stored_links

pytestmark = pytest.mark.django_db


@pytest.fixture
def expected():
    return expected_links(Areas.of(AREAS_2022))


def test_every_playground_is_linked_as_shapely_says(expected):
    links = stored_links(Facility)
    assert len(links) == 307
    assert links == expected["facility"]
    # The one playground just outside every osa-alue is in no area.
    assert sum(1 for areas in links.values() if not areas) == 1


def test_every_proposal_is_linked_as_shapely_says(expected):
    links = stored_links(BudgetProposal)
    assert len(links) == 4403
    assert BudgetProposal.objects.exclude(location=None).count() == 3339 - 655
    assert links == expected["budgetproposal"]


def test_every_case_is_linked_as_shapely_says(expected):
    links = stored_links(Case)
    assert len(links) == 928
    assert sum(1 for areas in links.values() if areas) > 250
    assert links == expected["case"]
