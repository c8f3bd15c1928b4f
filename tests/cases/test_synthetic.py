from bench.synthetic import is_on_land, synthetic_cases


def test_synthetic_cases_are_labelled_seeded_and_on_land():
    cases = synthetic_cases(500, seed=7)
    assert cases == synthetic_cases(500, seed=7)
    assert cases != synthetic_cases(500, seed=8)
    assert len({c.diary_number for c in cases}) == 500
    assert all(c.diary_number.startswith("SYN ") for c in cases)
    assert all("SYNTHETIC" in c.title for c in cases)
    assert all(is_on_land(c.lon, c.lat) for c in cases)
    assert all(24.83 < c.lon < 25.26 and 60.1 < c.lat < 60.3 for c in cases)
