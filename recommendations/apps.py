from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = "Review recommendations"

    def ready(self):
        from .roles import ensure_board_administrators_group

        post_migrate.connect(ensure_board_administrators_group, dispatch_uid="board-admins")
