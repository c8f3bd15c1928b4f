"""Racing ballot submissions against the real database, committed.

Each thread has its own connection and its own transactions, as gunicorn
workers do. The test's own rolled-back transaction would hide the race, so
all the work, setup and clean-up included, runs in other threads, which
commit; the main thread's test transaction stays empty.
"""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError

from budgeting import services
from budgeting.models import AreaBudget, Ballot, BallotChoice, Round, Voter
from tests.budgeting.conftest import major, open_round, resident
from tests.threads import closing, in_own_thread

VOTERS = 100
# Voters 0-79 send two valid ballots at once; 80-99 one valid and one over
# budget.
RACING = 80


def remove(round_id, digests):
    BallotChoice.objects.filter(ballot__round_id=round_id).delete()
    Ballot.objects.filter(round_id=round_id).delete()
    Voter.objects.filter(digest__in=digests).delete()
    Round.objects.filter(pk=round_id).delete()


def setup():
    round_ = open_round(number=9100)
    central = major("3")
    budget = AreaBudget.objects.get(round=round_, district=central).amount
    make = services.plan_create
    park = make(round_=round_, title="Park", cost=budget - 100_000, area=central)
    library = make(round_=round_, title="Library", cost=300_000, area=central)
    benches = make(round_=round_, title="Benches", cost=50_000, area=central)
    return round_, budget, park, library, benches


@pytest.mark.slow
@pytest.mark.django_db
def test_200_concurrent_submissions_leave_one_ballot_per_voter():
    round_, budget, park, library, benches = in_own_thread(setup)
    identities = [resident(f"race-{n}") for n in range(VOTERS)]
    digests = [services.voter_digest(i.identifier) for i in identities]
    try:
        outcomes = race(round_, identities, park, library, benches)
        in_own_thread(lambda: check(round_, outcomes, budget))
    finally:
        in_own_thread(lambda: remove(round_.pk, digests))


def race(round_, identities, park, library, benches):
    tasks = []
    for n, identity in enumerate(identities):
        barrier = threading.Barrier(2, timeout=30)
        second = [library.pk] if n < RACING else [park.pk, library.pk]
        tasks.append((n, identity, [park.pk, benches.pk], barrier))
        tasks.append((n, identity, second, barrier))

    def submit(task):
        n, identity, plan_ids, barrier = task
        barrier.wait()
        try:
            ballot = services.ballot_submit(
                round_=round_, identity=identity, plan_ids=plan_ids
            )
            return n, "accepted", ballot.receipt_code
        except ValidationError as error:
            return n, error.code, " ".join(error.messages)

    with ThreadPoolExecutor(max_workers=12) as pool:
        return list(pool.map(lambda task: closing(lambda: submit(task))(), tasks))


def check(round_, outcomes, budget):
    assert len(outcomes) == 2 * VOTERS
    codes = Counter(code for _, code, _ in outcomes)
    assert codes == {"accepted": VOTERS, "duplicate": RACING, "over_budget": 20}
    for n, code, message in outcomes:
        if code == "duplicate":
            assert "already voted" in message
        elif code == "over_budget":
            assert n >= RACING and "Over budget" in message
    per_voter = Counter(n for n, code, _ in outcomes if code == "accepted")
    assert set(per_voter.values()) == {1} and len(per_voter) == VOTERS

    ballots = Ballot.objects.filter(round=round_).prefetch_related("choices__plan")
    assert ballots.count() == VOTERS
    assert Ballot.objects.filter(round=round_).values("voter").distinct().count() == (
        VOTERS
    )
    for ballot in ballots:
        assert sum(choice.plan.cost for choice in ballot.choices.all()) <= budget
    receipts = {code for _, outcome, code in outcomes if outcome == "accepted"}
    assert receipts == set(ballots.values_list("receipt_code", flat=True))
