from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from districts.models import CustomArea, District, Population, SourceImport


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
class CustomAreaAdmin(LeafletGeoAdmin):
    list_display = ("name_fi", "owner", "is_public", "updated_at")
    list_filter = ("is_public",)
    search_fields = ("name_fi", "name_sv", "name_en", "description")


@admin.register(SourceImport)
class SourceImportAdmin(admin.ModelAdmin):
    list_display = ("kind", "source", "imported_at")
    readonly_fields = ("kind", "source", "digest", "report", "imported_at")
