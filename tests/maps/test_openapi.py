"""The OGC API document is built from the layer registry: each collection's
items path lists exactly the filters the layer reads."""

import pytest

from maps.layers import LAYERS
from maps.openapi import ITEM_PARAMETERS

OGC = "/ogc"
# A value no filter accepts: not an area reference, an id, a status, a
# kind or a number.
NONSENSE = "nowhere"


@pytest.fixture
def document(client, db):
    return client.get(f"{OGC}/api").json()


def documented_filters(document, name):
    parameters = document["paths"][f"/collections/{name}/items"]["get"]["parameters"]
    return {p["name"] for p in parameters} - set(ITEM_PARAMETERS)


def every_filter():
    return {"area", "custom_area"} | {
        name for layer in LAYERS.values() for name in layer.filters
    }


@pytest.mark.parametrize("name", LAYERS)
def test_a_collection_documents_every_filter_its_layer_reads(client, document, name):
    documented = documented_filters(document, name)
    assert documented == {
        "area",
        "custom_area",
        *LAYERS[name].filters,
        *LAYERS[name].parameters,
    }
    for parameter in documented:
        response = client.get(f"{OGC}/collections/{name}/items", {parameter: NONSENSE})
        assert response.status_code == 400, parameter
        # A filter echoes the value it refused; a shaping parameter (the
        # participation measure's) names itself, e.g. "give round=, not year=".
        said = str(response.json())
        assert (parameter if parameter in LAYERS[name].parameters else NONSENSE) in (
            said
        ), parameter


@pytest.mark.parametrize("name", LAYERS)
def test_a_collection_ignores_the_filters_it_does_not_document(client, document, name):
    unread = every_filter() - documented_filters(document, name)
    everything = client.get(f"{OGC}/collections/{name}/items").json()["numberMatched"]
    for parameter in unread:
        response = client.get(f"{OGC}/collections/{name}/items", {parameter: NONSENSE})
        assert response.status_code == 200, parameter
        assert response.json()["numberMatched"] == everything, parameter


def test_budget_proposals_document_their_round_filter(document):
    parameters = document["paths"]["/collections/budget-proposals/items"]["get"][
        "parameters"
    ]
    (round_,) = (p for p in parameters if p["name"] == "round")
    assert round_["schema"] == {
        "type": "array",
        "items": {"type": "integer", "minimum": 0},
    }
    assert (round_["style"], round_["explode"]) == ("form", False)


def test_the_generic_items_path_documents_every_layers_filters(document):
    parameters = document["paths"]["/collections/{collectionId}/items"]["get"][
        "parameters"
    ]
    assert every_filter() <= {p["name"] for p in parameters}
