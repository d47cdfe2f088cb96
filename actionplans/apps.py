from django.apps import AppConfig


class ActionplansConfig(AppConfig):
    name = "actionplans"
    verbose_name = "Action plans"

    def ready(self) -> None:
        # The plan's progress is recomputed, and replaced, with the dashboard summaries.
        from outcomes.services import SUMMARY_WRITERS

        from .services import plan_progress_replace

        if plan_progress_replace not in SUMMARY_WRITERS:
            SUMMARY_WRITERS.append(plan_progress_replace)
