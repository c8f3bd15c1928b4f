"""The annual participation report: written by `manage.py
participation_report` as HTML and as a PDF Chromium prints offline, and
shown as a page; its totals are the API's."""

import re
import shutil

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

pytestmark = pytest.mark.django_db

CHROMIUM = shutil.which("chromium")


def api_total(client, **params):
    response = client.get(
        "/api/v1/participation/", {**params, "level": "major_district"}
    )
    assert response.status_code == 200
    return response.json()["total"]


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_the_report_of_a_rounds_year_is_a_pdf_whose_totals_are_the_apis(
    client, tmp_path
):
    call_command("participation_report", year=2020, output=tmp_path, language="en")

    html = (tmp_path / "participation-report-2020.html").read_text()
    # Round 2 collected its proposals in 2020 (fixtures/participation).
    total = api_total(client, measure="proposals", round=2)
    row = re.search(
        r'<tr data-measure="proposals" data-period="2">.*?'
        r'class="total-count">(\d+)</td>\s*<td>(\d+)</td>',
        html,
        flags=re.DOTALL,
    )
    assert row, "no proposals row in the totals table"
    assert int(row.group(1)) == total["count"] > 1000
    assert int(row.group(2)) == total["population"]
    assert 'class="folium-map"' in html
    assert html.count('<img class="chart"') == 1
    # Nothing in the report is fetched from elsewhere.
    assert not re.search(r'(src|href)="https?://', html)

    pdf = PdfReader(tmp_path / "participation-report-2020.pdf")
    assert len(pdf.pages) >= 2
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert f"{total['count']} {total['population']}" in text
    assert "Budget proposals, round 2" in text
    # The map: its scale bar and attribution are printed with it.
    assert "Leaflet" in text and re.search(r"\d+ km", text)
    # The chart and the map's colour scale are images.
    assert sum(len(page.images) for page in pdf.pages) >= 2
    # The change from round 1: Vironniemi's row carries a signed change.
    assert re.search(r"Vironniemi \d+ \d+ \d\.\d\d [+-]\d\.\d\d", text)


def test_a_year_without_population_figures_is_refused(tmp_path):
    with pytest.raises(CommandError, match="No population figures for 2031"):
        call_command("participation_report", year=2031, output=tmp_path, no_pdf=True)


def test_the_report_page_shows_the_same_totals(client):
    response = client.get("/en/participation/report/2021/")
    assert response.status_code == 200
    html = response.content.decode()
    total = api_total(client, measure="proposals", round=3)
    assert (
        f'data-period="3">\n      <th scope="row">Budget proposals, round 3</th>\n'
        f'      <td class="total-count">{total["count"]}</td>'
    ) in html


def test_the_report_page_of_a_year_without_population_is_400(client):
    response = client.get("/en/participation/report/2040/")
    assert response.status_code == 400
    assert "No population figures for 2040" in response.content.decode()
