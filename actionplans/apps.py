from django.apps import AppConfig


class ActionplansConfig(AppConfig):
    name = "actionplans"
    verbose_name = "Action plans"

    def ready(self) -> None:
        # The plan's progress is recomputed, and replaced, with the dashboard summaries.
        # Imported here, not at the top: services import models, which are not loaded yet
        # when Django imports apps.py.
        from outcomes.services import summaries

        from .services import plan_progress_replace

        summaries.register_writer(plan_progress_replace)
