from celery.signals import before_task_publish, task_postrun, task_prerun
from django.apps import AppConfig

from . import observability


class CdpConfig(AppConfig):
    name = "cdp"
    verbose_name = "CDP Dashboard"

    def ready(self) -> None:
        # The request id travels with the tasks a request queues; each task run is logged,
        # timed and counted, wherever its worker runs.
        before_task_publish.connect(observability.task_published, weak=False)
        task_prerun.connect(observability.task_started, weak=False)
        task_postrun.connect(observability.task_finished, weak=False)
