"""Writing one budget pool in the Pabulib ``.pb`` format.

Pabulib (pabulib.org, format in arXiv:2305.11035) is three ``;``-separated
sections: META (key;value), PROJECTS (project_id;cost;...) and VOTES
(voter_id;vote). Voters are numbered 1..n in the export: no digest or
receipt code ever leaves the service in it.
"""

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PbProject:
    project_id: int
    cost: int
    name: str
    # None when the votes were not cast here (imported rounds): no count
    # is ever made up.
    votes: int | None = None
    selected: bool | None = None


@dataclass(frozen=True)
class PbElection:
    description: str
    instance: str
    subunit: str
    budget: int
    vote_type: str
    rule: str
    projects: Sequence[PbProject]
    votes: Sequence[Sequence[int]]
    extra_meta: Mapping[str, str] = field(default_factory=dict)


def one_line(text: str) -> str:
    # The format is line-based; pabutools splits lines before reading CSV.
    return " ".join(text.split())


def pabulib_text(election: PbElection) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    meta = {
        "description": election.description,
        "country": "Finland",
        "unit": "Helsinki",
        "subunit": election.subunit,
        "instance": election.instance,
        "num_projects": str(len(election.projects)),
        "num_votes": str(len(election.votes)),
        "budget": str(election.budget),
        "vote_type": election.vote_type,
        "rule": election.rule,
        "currency": "EUR",
        "language": "fi",
        **election.extra_meta,
    }
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    for key, value in meta.items():
        writer.writerow([key, one_line(value)])

    with_votes = any(p.votes is not None for p in election.projects)
    with_selected = any(p.selected is not None for p in election.projects)
    writer.writerow(["PROJECTS"])
    writer.writerow(
        ["project_id", "cost"]
        + (["votes"] if with_votes else [])
        + ["name"]
        + (["selected"] if with_selected else [])
    )
    for project in sorted(election.projects, key=lambda p: p.project_id):
        row: list[object] = [project.project_id, project.cost]
        if with_votes:
            row.append(project.votes or 0)
        row.append(one_line(project.name))
        if with_selected:
            row.append(int(bool(project.selected)))
        writer.writerow(row)

    writer.writerow(["VOTES"])
    writer.writerow(["voter_id", "vote"])
    for number, vote in enumerate(election.votes, 1):
        writer.writerow([number, ",".join(str(p) for p in sorted(set(vote)))])
    return buffer.getvalue()
