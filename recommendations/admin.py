from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import PartnerAgency, ProgressUpdate, Recommendation, Review, Theme

CORRECTABLE_FIELDS = ["date", "status", "narrative", "evidence_of_impact"]


@admin.register(Review)
class ReviewAdmin(SimpleHistoryAdmin):
    list_display = ["title", "committee", "publication_date", "protective_marking"]
    list_filter = ["protective_marking"]
    search_fields = ["title", "committee", "responsible_board"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(PartnerAgency)
class PartnerAgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name"]
    search_fields = ["name", "short_name"]
    filter_horizontal = ["editors"]


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "review", "position"]
    list_filter = ["review"]
    search_fields = ["name"]


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ["number", "short_title", "lead_agency", "theme", "target_date"]
    list_display_links = ["number", "short_title"]
    list_filter = ["review", "theme", "lead_agency"]
    list_select_related = ["lead_agency", "theme"]
    search_fields = ["short_title", "text", "lead_officer"]
    ordering = ["review", "number"]
    filter_horizontal = ["supporting_agencies"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["recommendation", "date", "agency", "status", "author", "recorded_at"]
    list_filter = ["status", "agency", "recommendation__review"]
    list_select_related = ["recommendation", "agency", "author"]
    search_fields = ["narrative", "evidence_of_impact"]
    date_hierarchy = "date"
    readonly_fields = ["recorded_at", "version"]
    raw_id_fields = ["recommendation"]

    def save_model(self, request, obj, form, change):
        # Through the services, so that the admin keeps the same rules as the pages.
        fields = {name: form.cleaned_data[name] for name in CORRECTABLE_FIELDS}
        if change:
            services.progress_update_correct(
                update=obj, user=request.user, expected_version=obj.version, **fields
            )
        else:
            saved = services.progress_update_create(
                recommendation=form.cleaned_data["recommendation"],
                agency=form.cleaned_data["agency"],
                author=form.cleaned_data["author"],
                **fields,
            )
            obj.pk = saved.pk
