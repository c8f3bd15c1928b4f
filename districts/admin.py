from typing import Any

from django.contrib import admin
from django.db import router, transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from leaflet.admin import LeafletGeoAdmin

from districts.audit import audit_record, audit_value
from districts.models import (
    AreaAssignment,
    AuditLog,
    CustomArea,
    District,
    Population,
    SourceImport,
)


class AuditedAdmin(admin.ModelAdmin):
    """Edits made in the admin go into the audit log as the services' own
    do: who created, changed (which fields, to what) or deleted what. The
    admin saves and deletes one object inside a transaction, so the entry
    is written with the change or not at all."""

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            audit_record(
                actor=request.user, action=AuditLog.Action.CREATED, instance=obj
            )
            return
        changes = {
            name: audit_value(form.cleaned_data.get(name)) for name in form.changed_data
        }
        if changes:
            audit_record(
                actor=request.user,
                action=AuditLog.Action.CHANGED,
                instance=obj,
                changes=changes,
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record(actor=request.user, action=AuditLog.Action.DELETED, instance=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        # The "delete selected" action: every entry, then the deletion, or
        # nothing.
        with transaction.atomic(using=router.db_for_write(self.model)):
            for obj in queryset:
                audit_record(
                    actor=request.user, action=AuditLog.Action.DELETED, instance=obj
                )
            super().delete_queryset(request, queryset)


class PopulationInline(admin.TabularInline):
    model = Population
    extra = 0


@admin.register(District)
class DistrictAdmin(LeafletGeoAdmin):
    list_display = ("name_fi", "name_sv", "level", "code", "parent", "is_sea")
    list_filter = ("level", "is_sea")
    search_fields = ("name_fi", "name_sv", "name_en", "code")
    # Official areas are imported; the map shows them, nobody edits them here.
    readonly_fields = ("level", "code", "full_code", "parent", "source", "updated_at")
    inlines = [PopulationInline]


@admin.register(CustomArea)
class CustomAreaAdmin(AuditedAdmin, LeafletGeoAdmin):
    list_display = ("name_fi", "owner", "is_public", "updated_at")
    list_filter = ("is_public",)
    search_fields = ("name_fi", "name_sv", "name_en", "description")


@admin.register(SourceImport)
class SourceImportAdmin(admin.ModelAdmin):
    list_display = ("kind", "source", "imported_at")
    readonly_fields = ("kind", "source", "digest", "report", "imported_at")


@admin.register(AreaAssignment)
class AreaAssignmentAdmin(AuditedAdmin):
    list_display = ("user", "role", "district", "custom_area", "assigned_at")
    list_filter = ("role", "district__level")
    autocomplete_fields = ("user",)
    raw_id_fields = ("district", "custom_area")


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "object_type", "object_id", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("object_repr",)
    # The log is a record, not a document: nobody edits or deletes it here.
    readonly_fields = [f.name for f in AuditLog._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
