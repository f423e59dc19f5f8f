from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = "Evidence documents"

    def ready(self):
        from recommendations import versions

        versions.track(
            self.get_model("EvidenceDocument"),
            lambda document: versions.of_update(document.update_id),
        )
