from collections.abc import Callable
from typing import cast

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from budgeting import services
from budgeting.models import (
    AreaBudget,
    Ballot,
    BallotChoice,
    Phase,
    Plan,
    Round,
    Tally,
    TallyLine,
)


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class AreaBudgetInline(admin.TabularInline):
    model = AreaBudget
    extra = 0
    # Written by round_allocate from the population figures, never by hand.
    readonly_fields = ("district", "population", "amount")
    can_delete = False


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "total_amount", "voting_rule", "area_rule")
    inlines = [PhaseInline, AreaBudgetInline]
    # Set by publishing a count; it closes paper entry.
    readonly_fields = ("results_published_at",)
    actions = ["allocate", "count_ballots"]

    @admin.action(description=_("Split the money between districts by population"))
    def allocate(self, request: HttpRequest, queryset: QuerySet[Round]) -> None:
        self.run(request, queryset, services.round_allocate)

    @admin.action(description=_("Count the ballots and publish the greedy result"))
    def count_ballots(self, request: HttpRequest, queryset: QuerySet[Round]) -> None:
        self.run(
            request,
            queryset,
            lambda r: services.tally_compute(
                r,
                # Admin pages are for staff, never anonymous.
                computed_by=cast(User, request.user),
                publish=True,
            ),
        )

    def run(
        self,
        request: HttpRequest,
        queryset: QuerySet[Round],
        action: Callable[[Round], object],
    ) -> None:
        for round_ in queryset:
            try:
                action(round_)
            except ValidationError as error:
                self.message_user(
                    request, f"{round_}: {' '.join(error.messages)}", messages.ERROR
                )
            else:
                self.message_user(request, f"{round_}: {_('done')}", messages.SUCCESS)


@admin.register(Plan)
class PlanAdmin(LeafletGeoAdmin):
    list_display = (
        "title",
        "round",
        "source_id",
        "area",
        "cost",
        "selected",
        "implementation_status",
    )
    list_filter = ("round", "area", "selected", "implementation_status")
    search_fields = ("title", "description", "source_id")
    readonly_fields = ("result_source",)


class BallotChoiceInline(admin.TabularInline):
    model = BallotChoice
    extra = 0
    readonly_fields = ("plan",)
    can_delete = False


@admin.register(Ballot)
class BallotAdmin(admin.ModelAdmin):
    """Read-only: ballots are cast through ballot_submit, which enforces the
    rules; a ballot edited here would bypass them."""

    list_display = ("id", "round", "channel", "home_district", "submitted_at")
    list_filter = ("round", "channel")
    readonly_fields = (
        "round",
        "voter",
        "home_district",
        "channel",
        "receipt_code",
        "entered_by",
        "submitted_at",
    )
    inlines = [BallotChoiceInline]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class TallyLineInline(admin.TabularInline):
    model = TallyLine
    extra = 0
    readonly_fields = ("plan", "position", "votes", "selected", "remaining", "note")
    can_delete = False


@admin.register(Tally)
class TallyAdmin(admin.ModelAdmin):
    list_display = ("round", "area", "method", "budget", "ballots_counted")
    list_filter = ("round", "method")
    readonly_fields = ("round", "area", "method", "budget", "ballots_counted")
    inlines = [TallyLineInline]
