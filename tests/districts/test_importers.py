import json
import shutil

import geopandas as gpd
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum

from districts.importers import (
    HELSINKI_2022,
    import_area_set,
    import_areas,
)
from districts.models import District, Population
from geo.sync import ImportRefusedError
from tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db

Level = District.Level


def test_the_real_hierarchy_is_imported_in_full():
    counts = {
        level: District.objects.filter(level=level).count() for level in Level.values
    }
    assert counts == {
        "major_district": 8,
        "district": 34,
        "sub_district": 148,
        "neighbourhood": 60,
    }
    # The sea area is kept for the map, but it is no neighbourhood.
    assert (
        District.objects.filter(level=Level.NEIGHBOURHOOD, is_sea=False).count() == 59
    )
    sea = District.objects.get(level=Level.NEIGHBOURHOOD, is_sea=True)
    assert sea.code == "Aluemeri"


def test_names_are_readable_in_finnish_swedish_and_english():
    south = District.objects.get(level=Level.MAJOR_DISTRICT, code="1")
    assert (south.name_fi, south.name_sv, south.name_en) == (
        "Eteläinen",
        "Södra",
        "Southern",
    )
    kluuvi = District.objects.get(level=Level.SUB_DISTRICT, code="020")
    assert (kluuvi.name_fi, kluuvi.name_sv) == ("Kluuvi", "Gloet")
    assert kluuvi.name("en") == "Kluuvi"  # no English name: Finnish


def test_every_sub_district_has_its_district_and_major_district_as_parents():
    for sub in District.objects.filter(level=Level.SUB_DISTRICT).select_related(
        "parent__parent"
    ):
        assert sub.parent.level == Level.DISTRICT
        assert sub.parent.parent.level == Level.MAJOR_DISTRICT
        assert sub.full_code[4:7] == sub.parent.code
        assert sub.full_code[3] == sub.parent.parent.code


def test_every_sub_district_lies_inside_its_district_and_major_district():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT child.code, max(ST_Area(ST_Difference(child.boundary, p.boundary)))
            FROM districts_district child
            JOIN districts_district d ON d.id = child.parent_id
            JOIN districts_district p ON p.id IN (d.id, d.parent_id)
            WHERE child.level = 'sub_district'
            GROUP BY child.code
            """
        )
        outside = dict(cursor.fetchall())
    assert len(outside) == 148
    worst = max(outside, key=outside.get)
    assert outside[worst] <= 1.0, f"{worst} has {outside[worst]} m2 outside its parent"


def test_boundaries_are_stored_in_metres_with_a_spatial_index():
    kluuvi = District.objects.get(level=Level.SUB_DISTRICT, code="020")
    assert kluuvi.boundary.srid == 3067
    # The same area as pyproj computes from the source file, in m2.
    source = gpd.read_file(FIXTURES / "districts" / "helsinki_osa_alueet.geojson")
    expected = source[source.tunnus == "020"].to_crs(3067).area.iloc[0]
    assert kluuvi.boundary.area == pytest.approx(expected, rel=1e-6)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'districts_district'"
        )
        indexes = " ".join(row[0] for row in cursor.fetchall())
    assert "USING gist (boundary)" in indexes


def test_major_district_population_is_the_sum_of_its_districts():
    for major in District.objects.filter(level=Level.MAJOR_DISTRICT):
        for year in range(2018, 2024):
            total = Population.objects.filter(
                district__parent=major, year=year
            ).aggregate(total=Sum("population"))["total"]
            assert major.populations.get(year=year).population == total
    # Figures published with the data (SOURCES.md), 2023.
    published = {"1": 123_568, "2": 113_982, "7": 114_361, "8": 1_742}
    for code, population in published.items():
        assert (
            Population.objects.get(
                district__level=Level.MAJOR_DISTRICT, district__code=code, year=2023
            ).population
            == population
        )


def test_importing_the_same_file_again_changes_nothing():
    before = District.objects.count()
    reports = import_area_set(FIXTURES / "districts", HELSINKI_2022, progress=False)
    assert District.objects.count() == before
    assert [r.created + r.updated + r.deleted for r in reports] == [0, 0, 0, 0]
    assert sum(r.unchanged for r in reports) == 250


def test_a_second_load_skips_files_already_loaded(capsys):
    call_command("load_helsinki")
    call_command("load_helsinki")
    out = capsys.readouterr().out
    assert out.count("already imported, nothing to do") >= 5
    assert District.objects.count() == 250


@pytest.fixture
def short_file(tmp_path):
    """The real sub-district file with all but 100 of its 148 areas cut."""
    data = json.loads(
        (FIXTURES / "districts" / "helsinki_osa_alueet.geojson").read_text()
    )
    data["features"] = data["features"][:100]
    path = tmp_path / "osa_alueet_truncated.geojson"
    path.write_text(json.dumps(data))
    return path


def test_an_import_that_would_delete_many_areas_is_refused(short_file):
    mapping = HELSINKI_2022["helsinki_osa_alueet.geojson"]
    with pytest.raises(ImportRefusedError, match="would delete 48 of 148"):
        import_areas(short_file, mapping, progress=False)
    assert District.objects.filter(level=Level.SUB_DISTRICT).count() == 148


def test_the_command_refuses_too_and_force_deletes(short_file):
    args = [str(short_file), "--level", "sub_district"]
    args += ["--parent-code-field", "peruspiiri_tunnus"]
    with pytest.raises(CommandError, match="refusing without --force"):
        call_command("import_areas", *args)
    call_command("import_areas", *args, "--force")
    assert District.objects.filter(level=Level.SUB_DISTRICT).count() == 100


def test_broken_rows_are_repaired_or_rejected_with_file_row_and_field(tmp_path):
    source = FIXTURES / "districts" / "broken" / "helsinki_osa_alueet_broken.geojson"
    path = tmp_path / source.name
    shutil.copy(source, path)
    mapping = HELSINKI_2022["helsinki_osa_alueet.geojson"]
    report = import_areas(path, mapping, progress=False, force=True)
    assert [str(r) for r in report.rejected] == [
        f"{source.name} row 3 field 'tunnus': no code",
        f"{source.name} row 4 field 'peruspiiri_tunnus': no district with code '999'",
        f"{source.name} row 5 field 'geometry': no geometry",
    ]
    assert len(report.repairs) == 1
    assert "Self-intersection" in report.repairs[0]
    assert "(020)" in report.repairs[0]
    kluuvi = District.objects.get(level=Level.SUB_DISTRICT, code="020")
    assert kluuvi.boundary.valid
    # The good row is kept.
    assert District.objects.filter(level=Level.SUB_DISTRICT, code="010").exists()


def test_load_helsinki_says_why_it_refused_and_force_applies(
    short_file, tmp_path, monkeypatch
):
    """The README's loader reports a refused sync as a command error naming
    the file (no traceback), writes nothing, and ``--force`` applies it."""
    from maps.management.commands import load_helsinki

    import_area_set(FIXTURES / "districts", HELSINKI_2022, progress=False)
    fixtures = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, fixtures, symlinks=True)
    shutil.copy(short_file, fixtures / "districts" / "helsinki_osa_alueet.geojson")
    monkeypatch.setattr(load_helsinki, "FIXTURES", fixtures)
    with pytest.raises(CommandError, match="helsinki_osa_alueet.geojson would delete"):
        call_command("load_helsinki", "--again")
    assert District.objects.filter(level=Level.SUB_DISTRICT).count() == 148
    call_command("load_helsinki", "--again", "--force")
    assert District.objects.filter(level=Level.SUB_DISTRICT).count() == 100
