from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = "Review recommendations"

    def ready(self):
        from django.contrib.auth import get_user_model

        from . import versions
        from .roles import ensure_board_administrators_group

        post_migrate.connect(ensure_board_administrators_group, dispatch_uid="board-admins")

        model = self.get_model
        versions.track(model("Review"), lambda review: versions.of_review(review.pk))
        for name in ("Theme", "Recommendation"):
            versions.track(model(name), lambda instance: versions.of_review(instance.review_id))
        for name in ("ProgressUpdate", "TargetDateRevision", "RecoveryPlan", "Action"):
            versions.track(
                model(name), lambda instance: versions.of_recommendation(instance.recommendation_id)
            )
        versions.track(model("CompletionDecision"), lambda d: versions.of_update(d.update_id))
        versions.track(model("ActionUpdate"), lambda update: versions.of_action(update.action_id))
        # Names every review's pages show.
        versions.track(model("PartnerAgency"))
        versions.track(get_user_model())
