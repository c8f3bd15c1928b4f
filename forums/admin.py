from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from districts.admin import AuditedAdmin
from forums.models import AgendaItem, Follow, Forum, Meeting, Minutes


@admin.register(Forum)
class ForumAdmin(AuditedAdmin):
    list_display = ("title", "district", "custom_area", "created_by", "updated_at")
    search_fields = ("title", "description")
    raw_id_fields = ("district", "custom_area", "venue_facility", "created_by")


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    raw_id_fields = ("case", "proposal")


@admin.register(Meeting)
class MeetingAdmin(AuditedAdmin, LeafletGeoAdmin):
    list_display = ("title", "forum", "starts_at", "ends_at")
    list_filter = ("forum",)
    date_hierarchy = "starts_at"
    raw_id_fields = ("forum", "venue_facility", "created_by")
    inlines = [AgendaItemInline]


@admin.register(Minutes)
class MinutesAdmin(AuditedAdmin):
    list_display = ("meeting", "published_by", "published_at")
    raw_id_fields = ("meeting", "published_by")


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("user", "district", "custom_area", "forum", "created_at")
    raw_id_fields = ("user", "district", "custom_area", "forum")
