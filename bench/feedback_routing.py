"""How well history-learned routing (feedback.learning) predicts the unit
that really handled each piece of feedback.

Trained on the records requested before TEST_FROM, tested on those from
it on, in the City's shared feedback file (the fixture copy). Three
predictors: the majority class (every record to the unit that handled
most), the service's unit city-wide, and the service's unit per major
district where the history there is large enough (what routing uses).
A record whose service the training months never saw is routed to the
fallback queue, which is never the recorded unit: it counts as a miss.
"""

import gzip
import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

from bench.common import ROOT, table, write_results
from feedback.learning import (
    MIN_AREA_SUPPORT,
    HistoryRow,
    LearnedDefaults,
    learn_defaults,
    majority_unit,
)

DATA = (
    ROOT
    / "fixtures"
    / "feedback"
    / "helsinki_feedback_open311_2014-12_2015-08.geojson.gz"
)
# Dec 2014 - Jun 2015 to learn from (619 records), Jul - Aug 2015 to test.
TEST_FROM = "2015-07"
FALLBACK = "(fallback queue)"


def load(path: Path) -> list[tuple[str, HistoryRow]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    return [
        (
            f["properties"]["requested_datetime"][:7],
            HistoryRow(
                service_code=f["properties"]["service_code"] or "",
                area_code=f["properties"]["suurpiiri_tunnus"],
                unit=f["properties"]["agency_responsible"] or "",
            ),
        )
        for f in features
    ]


def evaluate(predicted: list[str], actual: list[str]) -> dict[str, Any]:
    hits = sum(p == a for p, a in zip(predicted, actual, strict=True))
    recall = {}
    for unit, n in sorted(Counter(actual).items(), key=lambda kv: (-kv[1], kv[0])):
        found = sum(p == a == unit for p, a in zip(predicted, actual, strict=True))
        recall[unit] = {"n": n, "hits": found, "recall": round(found / n, 3)}
    return {"accuracy": round(hits / len(actual), 4), "hits": hits, "recall": recall}


def predict_all(learned: LearnedDefaults, rows: list[HistoryRow]) -> list[str]:
    return [learned.predict(r.service_code, r.area_code) or FALLBACK for r in rows]


def main() -> None:
    records = load(DATA)
    train = [row for month, row in records if month < TEST_FROM]
    test = [row for month, row in records if month >= TEST_FROM]
    actual = [row.unit for row in test]
    majority = majority_unit(train) or FALLBACK
    results = {
        "majority class": evaluate([majority] * len(test), actual),
        "service, city-wide": evaluate(
            predict_all(learn_defaults(train, min_area_support=10**9), test), actual
        ),
        f"service per major district (>= {MIN_AREA_SUPPORT} records)": evaluate(
            predict_all(learn_defaults(train), test), actual
        ),
    }
    train_months = sorted({m for m, _ in records if m < TEST_FROM})
    test_months = sorted({m for m, _ in records if m >= TEST_FROM})
    unseen = sum(
        1 for row in test if row.service_code not in {r.service_code for r in train}
    )
    data = {
        "data_file": str(DATA.relative_to(ROOT)),
        "data_sha256": hashlib.sha256(DATA.read_bytes()).hexdigest(),
        "train_months": train_months,
        "test_months": test_months,
        "train_records": len(train),
        "test_records": len(test),
        "test_records_of_unseen_services": unseen,
        "majority_unit": majority,
        "predictors": results,
    }
    summary = table(
        [
            {"predictor": name, "accuracy": r["accuracy"], "hits": r["hits"]}
            for name, r in results.items()
        ],
        ["predictor", "accuracy", "hits"],
    )
    units = list(results["majority class"]["recall"])
    per_unit = table(
        [
            {
                "unit": unit,
                "n": results["majority class"]["recall"][unit]["n"],
                **{name: r["recall"][unit]["recall"] for name, r in results.items()},
            }
            for unit in units
        ],
        ["unit", "n", *results],
    )
    markdown = f"""
Data: `{data["data_file"]}` (sha256 {data["data_sha256"][:16]}…), the City's
Open311 records with the unit that handled each. Trained on
{train_months[0]}..{train_months[-1]} ({len(train)} records), tested on
{test_months[0]}..{test_months[-1]} ({len(test)} records; {unseen} of them of a
service the training months never saw, which routing sends to the fallback
queue and counts as a miss). Majority unit: {majority}.

{summary}

Recall per unit (share of the unit's test records routed to it):

{per_unit}

Rakennusvirasto handled most feedback, so the majority class is a strong
baseline; learning per service is what finds the other units.
"""
    write_results("feedback_routing", data, markdown)


if __name__ == "__main__":
    main()
