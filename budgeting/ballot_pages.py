"""The resident's ballot pages: vote (signed in with strong identification),
the voter's own ballot with its receipt code, and the public receipt check.

The rules are the ballot service's (budgeting.services.ballots) and the
round's phase methods; these views only show them and report a refusal.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from budgeting import selectors, services
from budgeting.models import Ballot, Phase, Plan, Round
from budgeting.rules import ballots
from budgeting.rules.eligibility import VoterIdentity, ineligibility
from budgeting.verification import signed_in_claims, verify
from districts.models import District
from web.ratelimit import BallotThrottle, rate_limited

RECEIPT_MAX_LENGTH = 40


@dataclass(frozen=True)
class Pool:
    """One budget pool on the voter's ballot."""

    area: District | None
    budget: int
    minimum: int | None
    max_choices: int | None
    plans: list[Plan]


def refusal_text(code: str) -> str:
    """The voter's explanation of a refusal code of the ballot rules."""
    texts = {
        "voting_closed": _("Voting is not open in this round now."),
        "not_resident": _(
            "Only residents of Helsinki may vote, and the identity service "
            "did not give a home in Helsinki."
        ),
        "too_young": _("You are too young to vote in this round."),
        "unknown_plan": _("A chosen plan is not on this round's ballot."),
        "wrong_area": _(
            "You may vote only for plans of your own major district and "
            "city-wide plans."
        ),
        "over_budget": _(
            "The chosen plans cost more than the budget. Remove a plan so "
            "that the total fits."
        ),
        "under_minimum": _(
            "The chosen plans use too little of the budget. Add a plan so "
            "that at least the minimum is used."
        ),
        "too_many_plans": _("Too many plans were chosen."),
        "empty": _("Choose at least one plan."),
        "duplicate_plan": _("The same plan was chosen twice."),
        "duplicate": _(
            "You have already voted in this round. The first ballot is final "
            "and cannot be changed."
        ),
        "unverified": _(
            "Voting needs strong identification. Sign out and sign in again "
            "with bank codes, a mobile certificate or an ID card."
        ),
    }
    return texts.get(code, _("The ballot could not be accepted."))


def budget_bar_texts() -> dict[str, str]:
    """The budget bar's messages (budgeting/static/budgeting/ballot.js);
    {names} are filled in there."""
    return {
        "spent": _("{spent} € chosen of {budget} €, {left} € left."),
        "count": _("{count} of {max} chosen."),
        "doesNotFit": _("Does not fit: only {left} € is left in this budget."),
        "full": _("You have already chosen {max} plans here."),
        "refused": _(
            "That plan costs more than is left in the budget ({left} €). "
            "Remove another plan first."
        ),
        "over": _("The plans chosen in {pool} cost more than the budget."),
        "minimum": _("Use at least {minimum} € in {pool}, or choose nothing there."),
        "empty": _("Choose at least one plan."),
    }


def round_or_404(number: int) -> Round:
    round_ = selectors.round_get(number)
    if round_ is None:
        raise Http404(f"No budgeting round {number}.")
    return round_


def pools_for(round_: Round, home: District) -> list[Pool]:
    rule = services.ballot_rule(round_)
    plans = list(round_.plans.on_ballot().select_related("area").order_by("title"))
    pools = []
    for key, area in ((home.code, home), (ballots.CITY_WIDE, None)):
        budget = rule.budgets.get(key, 0)
        pool_plans = [plan for plan in plans if plan.area_key == key]
        if not pool_plans:
            continue
        pools.append(
            Pool(
                area=area,
                budget=budget,
                minimum=ballots.minimum_spend(rule, budget),
                max_choices=rule.max_choices
                if rule.voting_rule == ballots.APPROVAL
                else None,
                plans=pool_plans,
            )
        )
    return pools


def voter_of(request: HttpRequest) -> tuple[VoterIdentity | None, str]:
    """The verified voter signed in, or None and why not."""
    claims = signed_in_claims(request)
    if claims is None:
        return None, "signed_out" if not request.user.is_authenticated else "staff"
    try:
        return verify(claims, channel=ballots.ONLINE), ""
    except ValidationError as error:
        return None, error.code or "unverified"


def chosen_ids(request: HttpRequest) -> list[int] | None:
    try:
        return [int(value) for value in request.POST.getlist("plan")]
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
@rate_limited(BallotThrottle)
def vote_page(request: HttpRequest, number: int) -> HttpResponse:
    round_ = round_or_404(number)
    today = timezone.localdate()
    context: dict[str, object] = {
        "round": round_,
        "chosen": [],
        "ballot_texts": budget_bar_texts(),
    }

    def page(status: int = 200, **more: object) -> HttpResponse:
        context.update(more)
        return render(request, "budgeting/vote.html", context, status=status)

    # Refused before a ballot: shown on a GET, forbidden on a POST.
    refused = 403 if request.method == "POST" else 200
    if round_.ballot_problem(ballots.ONLINE, today) is not None:
        return page(refused, closed=True, voting=round_.phase(Phase.Kind.VOTING))
    identity, why_not = voter_of(request)
    if identity is None:
        if why_not in ("signed_out", "staff"):
            return page(refused, sign_in=why_not)
        return page(refused, refusal=refusal_text(why_not))
    last_day = round_.last_voting_day
    assert last_day is not None  # voting is open
    home = services.home_district(identity)
    if problem := ineligibility(
        identity, last_voting_day=last_day, min_age=round_.min_voter_age
    ):
        return page(refused, ineligible=problem.code)
    if home is None:
        return page(refused, ineligible="not_resident")

    existing = services.ballot_of(round_, identity)
    context.update(pools=pools_for(round_, home), home=home, existing=existing)
    if request.method == "GET":
        return page()

    plan_ids = chosen_ids(request)
    if plan_ids is None:
        return page(400, refusal=refusal_text("unknown_plan"))
    context["chosen"] = plan_ids
    try:
        services.ballot_submit(
            round_=round_,
            identity=identity,
            plan_ids=plan_ids,
            channel=Ballot.Channel.ONLINE,
        )
    except ValidationError as error:
        return page(400, refusal=refusal_text(error.code or ""))
    return redirect("budgeting-pages:ballot", number=round_.number)


def ballot_page(request: HttpRequest, number: int) -> HttpResponse:
    """The signed-in voter's own ballot in a round: its receipt code and
    what was chosen."""
    round_ = round_or_404(number)
    identity, why_not = voter_of(request)
    ballot = services.ballot_of(round_, identity) if identity else None
    plans = [choice.plan for choice in ballot.choices.all()] if ballot else []
    return render(
        request,
        "budgeting/ballot.html",
        {
            "round": round_,
            "ballot": ballot,
            "plans": sorted(plans, key=lambda p: (p.area_key, p.title)),
            "total": sum(plan.cost for plan in plans),
            "sign_in": why_not in ("signed_out", "staff"),
        },
    )


def receipt_page(request: HttpRequest) -> HttpResponse:
    """Anyone holding a receipt code may check that its ballot is stored;
    the answer says nothing about what was chosen."""
    code = request.GET.get("code", "").strip()
    context: dict[str, object] = {"code": code[:RECEIPT_MAX_LENGTH]}
    if not code:
        return render(request, "budgeting/receipt.html", context)
    if len(code) > RECEIPT_MAX_LENGTH:
        context["error"] = _("A receipt code is 12 letters and digits.")
        return render(request, "budgeting/receipt.html", context, status=400)
    # A code that names no ballot is an answer to the question, as a search
    # without hits is (the API answers 404).
    context["ballot"] = selectors.ballot_by_receipt(services.normalised_receipt(code))
    context["checked"] = True
    return render(request, "budgeting/receipt.html", context)
