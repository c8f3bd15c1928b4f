from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from districts.admin import AuditedAdmin
from feedback.models import (
    ApiKey,
    Feedback,
    LearnedRoute,
    RoutingRule,
    Service,
    ServiceAttribute,
    StatusNote,
    Unit,
)


class ServiceAttributeInline(admin.TabularInline):
    model = ServiceAttribute
    extra = 0


@admin.register(Service)
class ServiceAdmin(AuditedAdmin):
    list_display = ("code", "name", "accepts_new", "needs_location")
    list_filter = ("accepts_new",)
    search_fields = ("code", "name")
    inlines = [ServiceAttributeInline]


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ("name", "is_fallback")


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin):
    list_display = ("service", "area", "facility_kind", "unit", "note")
    list_filter = ("unit", "facility_kind")
    autocomplete_fields = ("service",)
    raw_id_fields = ("area",)


@admin.register(LearnedRoute)
class LearnedRouteAdmin(admin.ModelAdmin):
    list_display = ("service", "area", "unit", "support", "share")
    list_filter = ("unit",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StatusNoteInline(admin.TabularInline):
    model = StatusNote
    extra = 0
    fields = ("created_at", "author", "text")


@admin.register(Feedback)
class FeedbackAdmin(AuditedAdmin):
    """Staff re-route here (audited): changing the unit marks the route as
    staff's. The giver's contact details are not shown in the list."""

    list_display = ("service_request_id", "title", "service", "status", "unit")
    list_filter = ("status", "unit", "routed_by", "origin")
    search_fields = ("service_request_id", "title")
    fields = (
        "service_request_id",
        "service",
        "title",
        "description",
        "address",
        "status",
        "detailed_status",
        "unit",
        "routed_by",
        "requested_at",
        "updated_at",
    )
    readonly_fields = (
        "service_request_id",
        "service",
        "title",
        "description",
        "address",
        "routed_by",
        "requested_at",
        "updated_at",
    )
    inlines = [StatusNoteInline]

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm, change: bool
    ) -> None:
        if change and "unit" in form.changed_data:
            obj.routed_by = Feedback.RoutedBy.STAFF
        super().save_model(request, obj, form, change)


@admin.register(ApiKey)
class ApiKeyAdmin(AuditedAdmin):
    list_display = ("name", "rate", "is_active", "created_at")
    readonly_fields = ("digest",)
