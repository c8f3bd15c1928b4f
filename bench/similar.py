"""Same-topic ranking on real data: do co-plan proposals find each other?

In OmaStadi, city staff combined residents' proposals on the same topic
into one plan (``linked_proposal_ids`` in the plans file). For each
proposal in a plan of two or more proposals, the proposals of its round
are ranked by ``initiatives.similarity``; we count how many of its co-plan
proposals are in its top 5 (recall@5: hits / co-plan proposals, so a plan
of more than six proposals cannot reach 1) and the reciprocal rank of the
first co-plan proposal (MRR). The combined rank is compared with its
text-only and distance-only parts.
"""

import csv
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import django

from bench.common import (
    ROOT,
    bench_database_url,
    prepare_database,
    table,
    write_results,
)

PLANS = Path("fixtures/budgeting/helsinki_omastadi_plans_rounds1-3.csv")
PROPOSALS = Path("fixtures/cases/helsinki_omastadi_proposals_rounds1-3.geojson.gz")
K = 5


def plans_by_round() -> dict[int, list[list[str]]]:
    found: dict[int, list[list[str]]] = defaultdict(list)
    with (ROOT / PLANS).open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            ids = [i.strip() for i in (row["linked_proposal_ids"] or "").split(";")]
            ids = [i for i in ids if i]
            if len(ids) >= 2:
                found[int(row["round"])].append(ids)
    return found


def main() -> None:
    url = bench_database_url()
    prepare_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("PIIRI_DEV", "1")
    django.setup()
    from cases.models import BudgetProposal
    from initiatives.similarity import (
        DISTANCE_ONLY,
        TEXT_ONLY,
        WEIGHTS,
        query_of,
        similar,
    )

    rankers = {
        "combined": WEIGHTS,
        "text only": TEXT_ONLY,
        "distance only": DISTANCE_ONLY,
    }
    per_ranker: dict[str, dict[str, list[float]]] = {
        name: {"recall": [], "rr": [], "ms": []} for name in rankers
    }
    counted = {"plans": 0, "queries": 0, "missing_ids": 0}
    for round_number, plans in sorted(plans_by_round().items()):
        proposals = {
            p.source_id: p for p in BudgetProposal.objects.filter(round=round_number)
        }
        size = len(proposals)
        for ids in plans:
            present = [proposals[i] for i in ids if i in proposals]
            counted["missing_ids"] += len(ids) - len(present)
            if len(present) < 2:
                continue
            counted["plans"] += 1
            for proposal in present:
                others = {p.pk for p in present if p.pk != proposal.pk}
                counted["queries"] += 1
                for name, weights in rankers.items():
                    start = time.perf_counter()
                    ranked = similar(
                        query_of(proposal),
                        limit=size,
                        initiatives=False,
                        exclude=("proposal", proposal.pk),
                        in_round=round_number,
                        weights=weights,
                    )
                    per_ranker[name]["ms"].append((time.perf_counter() - start) * 1000)
                    order = [item.id for item in ranked]
                    hits = len(others & set(order[:K]))
                    per_ranker[name]["recall"].append(hits / len(others))
                    first = next(
                        (n for n, pk in enumerate(order, 1) if pk in others), None
                    )
                    per_ranker[name]["rr"].append(1 / first if first else 0.0)
        print(
            f"round {round_number}: {counted['queries']} queries so far",
            file=sys.stderr,
        )

    rows = []
    for name, values in per_ranker.items():
        rows.append(
            {
                "ranker": name,
                "queries": len(values["recall"]),
                f"recall@{K}": round(statistics.fmean(values["recall"]), 3),
                "MRR": round(statistics.fmean(values["rr"]), 3),
                "p50 ms (whole round ranked)": round(
                    statistics.median(values["ms"]), 1
                ),
            }
        )
    columns = ["ranker", "queries", f"recall@{K}", "MRR", "p50 ms (whole round ranked)"]
    markdown = f"""
Same-topic ranking (initiatives.similarity, weights text {WEIGHTS.text},
trigram {WEIGHTS.trigram}, distance {WEIGHTS.distance}) on the real
OmaStadi data: `{PLANS}` (plans and their `linked_proposal_ids`) and
`{PROPOSALS}` (the proposals, loaded by `load_helsinki`).

For each of the {counted["queries"]} proposals in the {counted["plans"]}
plans that combine two or more proposals, the other proposals of its round
are ranked; recall@{K} is the share of its co-plan proposals in the top
{K} (hits / co-plan proposals, so plans of more than six proposals cannot
reach 1), MRR the mean reciprocal rank of the first co-plan proposal.
{counted["missing_ids"]} linked ids named no proposal in the proposals file
and were left out.

{table(rows, columns)}

Random ranking would give a recall@{K} of about {K} / (proposals in a
round), under 0.01 here.
"""
    write_results(
        "similar",
        {
            "data": [str(PLANS), str(PROPOSALS)],
            "weights": vars(WEIGHTS),
            "counted": counted,
            "results": rows,
        },
        markdown,
    )


if __name__ == "__main__":
    main()
