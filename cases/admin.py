from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from cases.models import BudgetProposal, Case, Facility
from cases.services.links import areas_link


class LinkedAreasAdmin(LeafletGeoAdmin):
    """Area links are computed by the services, shown here, never edited."""

    readonly_fields: tuple[str, ...] = ("area_list",)

    @admin.display(description="official areas")
    def area_list(self, obj: Case | Facility | BudgetProposal) -> str:
        return ", ".join(str(area) for area in obj.areas.all())

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        areas_link(type(obj), [obj.pk])


@admin.register(Case)
class CaseAdmin(LinkedAreasAdmin):
    list_display = ("diary_number", "title_fi", "status", "department", "opened_on")
    list_filter = ("status", "placement")
    search_fields = ("diary_number", "title_fi", "title_sv")
    readonly_fields = ("area_list", "placement", "place_names", "source_id")


@admin.register(Facility)
class FacilityAdmin(LinkedAreasAdmin):
    list_display = ("name_fi", "kind", "address_fi", "is_bookable")
    list_filter = ("kind", "is_bookable", "source")
    search_fields = ("name_fi", "name_sv", "name_en", "address_fi")


@admin.register(BudgetProposal)
class BudgetProposalAdmin(LinkedAreasAdmin):
    list_display = ("title", "round", "source_id", "district", "status")
    list_filter = ("round", "status", "scope", "district")
    search_fields = ("title", "description", "source_id")
    raw_id_fields = ("custom_area",)
