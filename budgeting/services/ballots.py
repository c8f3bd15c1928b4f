"""Casting ballots: who may, what is valid, and one ballot per voter."""

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from budgeting.models import (
    Ballot,
    BallotChoice,
    Plan,
    Round,
    Voter,
)
from budgeting.rules import ballots
from budgeting.rules.eligibility import VoterIdentity, ineligibility
from budgeting.rules.problem import Problem
from budgeting.services.rounds import rejected
from districts.models import District
from districts.permissions import ensure, is_admin

# Unambiguous when read aloud or from paper: no 0/O, 1/I/L.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 12


def voter_digest(identifier: str) -> str:
    """A keyed digest: without VOTER_DIGEST_KEY, a list of digests cannot be
    reversed by hashing every possible identity number."""
    normalised = "".join(identifier.split()).upper()
    key = settings.VOTER_DIGEST_KEY.encode()
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()


def receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


def normalised_receipt(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def ballot_rule(round_: Round) -> ballots.BallotRule:
    budgets = {b.district.code: b.amount for b in round_.area_budgets.all()}
    budgets[ballots.CITY_WIDE] = round_.city_wide_amount
    return ballots.BallotRule(
        voting_rule=round_.voting_rule,
        area_rule=round_.area_rule,
        budgets=budgets,
        max_choices=round_.max_choices,
        min_share=round_.min_spend_share,
    )


def voter_for(identity: VoterIdentity, home: District) -> Voter:
    """The voter with this identity, locked for the rest of the transaction.

    The lock serialises concurrent submissions of one voter; get_or_create
    survives two first-time submissions racing on the unique digest.
    """
    voter, _ = Voter.objects.get_or_create(
        digest=voter_digest(identity.identifier),
        defaults={"birth_date": identity.birth_date, "home_district": home},
    )
    voter = Voter.objects.select_for_update().get(pk=voter.pk)
    if (voter.birth_date, voter.home_district_id) != (identity.birth_date, home.pk):
        voter.birth_date = identity.birth_date
        voter.home_district = home
        voter.save(update_fields=["birth_date", "home_district"])
    return voter


def home_district(identity: VoterIdentity) -> District | None:
    """The major district whose plans the voter votes on."""
    return District.objects.filter(
        level=District.Level.MAJOR_DISTRICT, code=identity.home_major_district
    ).first()


def ballot_of(round_: Round, identity: VoterIdentity) -> Ballot | None:
    """The ballot this voter has cast in the round, if any: the one that
    makes ``ballot_submit`` refuse another as a duplicate."""
    return (
        Ballot.objects.filter(
            round=round_, voter__digest=voter_digest(identity.identifier)
        )
        .prefetch_related("choices__plan__area")
        .first()
    )


def duplicate_message(existing: Ballot) -> str:
    if existing.channel == Ballot.Channel.PAPER:
        return (
            "Duplicate: a paper ballot of this voter was already entered in "
            "this round; the first ballot is final."
        )
    return (
        "Duplicate: this voter has already voted in this round; the first "
        "ballot is final and cannot be replaced."
    )


@transaction.atomic
def ballot_submit(
    *,
    round_: Round,
    identity: VoterIdentity,
    plan_ids: Sequence[int],
    channel: str = Ballot.Channel.ONLINE,
    entered_by: User | None = None,
    now: dt.datetime | None = None,
) -> Ballot:
    """Record a ballot, or refuse it with a ValidationError whose code says
    why: voting_closed, not_resident, too_young, unknown_plan, wrong_area,
    over_budget, under_minimum, too_many_plans, empty, duplicate."""
    if channel == Ballot.Channel.PAPER:
        ensure(
            entered_by is not None and is_admin(entered_by),
            "Only staff may enter paper ballots.",
        )
    today = timezone.localdate(now or timezone.now())
    rounds = Round.objects.prefetch_related("phases", "area_budgets__district")
    if channel == Ballot.Channel.PAPER:
        # Publishing locks the round too: a paper ballot is either in the
        # published count or refused, never stored after it.
        rounds = rounds.select_for_update()
    round_ = rounds.get(pk=round_.pk)
    if problem := round_.ballot_problem(channel, today):
        raise rejected(problem)
    last_day = round_.last_voting_day
    assert last_day is not None  # a round without voting accepts no ballot
    if problem := ineligibility(
        identity, last_voting_day=last_day, min_age=round_.min_voter_age
    ):
        raise rejected(problem)
    home = home_district(identity)
    if home is None:
        raise rejected(
            Problem(
                "not_resident",
                f"No major district of Helsinki has the code "
                f"{identity.home_major_district[:10]!r}.",
            )
        )

    plans = {
        plan.pk: plan
        for plan in Plan.objects.filter(
            round=round_, pk__in=list(plan_ids), on_ballot=True
        ).select_related("area")
    }
    unknown = sorted({int(p) for p in plan_ids} - set(plans))
    if unknown:
        raise rejected(
            Problem(
                "unknown_plan",
                f"Not on this round's ballot: plan {', '.join(map(str, unknown))}.",
            )
        )
    chosen = [
        ballots.Option(plan=p, cost=plans[p].cost, area=plans[p].area_key)
        for p in plan_ids
    ]
    if problem := ballots.ballot_problem(
        ballot_rule(round_), home_area=home.code, chosen=chosen
    ):
        raise rejected(problem)

    voter = voter_for(identity, home)
    existing = Ballot.objects.filter(round=round_, voter=voter).first()
    if existing is not None:
        raise rejected(Problem("duplicate", duplicate_message(existing)))
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(
                round=round_,
                voter=voter,
                home_district=home,
                channel=channel,
                receipt_code=receipt_code(),
                entered_by=entered_by,
            )
    except IntegrityError:
        # Only reachable if the voter lock were bypassed; the constraint is
        # the last word either way.
        raise rejected(
            Problem(
                "duplicate", "Duplicate: this voter has already voted in this round."
            )
        ) from None
    BallotChoice.objects.bulk_create(
        BallotChoice(ballot=ballot, plan_id=p) for p in sorted(set(plan_ids))
    )
    return ballot
