from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Committee progress reports"

    def ready(self):
        from recommendations import versions

        # A report's cut-off is on the dashboard; an issued version locks updates on pages.
        versions.track(
            self.get_model("Report"), lambda report: versions.of_review(report.review_id)
        )
        versions.track(
            self.get_model("ReportVersion"),
            lambda version: versions.of_review(version.report.review_id),
        )
