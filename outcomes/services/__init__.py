"""Writes of the outcomes app, one module per job:

- `imports`: imports of observations (`submit` is the way in for the upload page, the API
  and `manage.py import_observations`), their check, commit, cancel and rollback;
  `import_rows` is the pass over a file's rows that the check and the commit share.
- `entry`: a value typed in by hand, imported as a one-row file.
- `framework`: the local outcomes framework: aims, framework metrics, local metrics, targets.
- `annotations`: dated notes on a metric's charts.
- `summaries`: the dashboard summaries: requested, deferred, recomputed, swept; other apps
  add their own with `summaries.register_writer`.
- `background`: handing work to a worker, or doing it here without a broker.

Other apps import these names from `outcomes.services`; inside outcomes, from the modules.
"""

from .annotations import annotation_create, annotation_delete, annotation_update
from .background import QUEUE_DOWN, task_send_or
from .entry import observation_enter
from .framework import (
    framework_metric_add,
    framework_metric_remove,
    local_aim_create,
    local_metric_create,
    target_create,
    target_delete,
)
from .import_rows import is_benchmark_area
from .imports import (
    BACKGROUND_BYTES,
    BACKGROUND_ROWS,
    Rollback,
    Submitted,
    import_apply,
    import_cancel,
    import_check,
    import_commit,
    import_file,
    import_queue_commit,
    import_rollback,
    import_start,
    import_validate,
    submit,
)
from .summaries import (
    OBSERVATION_COLUMNS,
    SUMMARY_WRITERS,
    Recompute,
    _frame,
    _replace_summaries,
    headline_rows,
    register_writer,
    summaries_deferred,
    summaries_recompute,
    summaries_recompute_dirty,
    summaries_request,
    summaries_sweep,
    summary_frames,
)

__all__ = [
    "BACKGROUND_BYTES",
    "BACKGROUND_ROWS",
    "OBSERVATION_COLUMNS",
    "QUEUE_DOWN",
    "SUMMARY_WRITERS",
    "Recompute",
    "Rollback",
    "Submitted",
    "_frame",
    "_replace_summaries",
    "annotation_create",
    "annotation_delete",
    "annotation_update",
    "framework_metric_add",
    "framework_metric_remove",
    "headline_rows",
    "import_apply",
    "import_cancel",
    "import_check",
    "import_commit",
    "import_file",
    "import_queue_commit",
    "import_rollback",
    "import_start",
    "import_validate",
    "is_benchmark_area",
    "local_aim_create",
    "local_metric_create",
    "observation_enter",
    "register_writer",
    "submit",
    "summaries_deferred",
    "summaries_recompute",
    "summaries_recompute_dirty",
    "summaries_request",
    "summaries_sweep",
    "summary_frames",
    "target_create",
    "target_delete",
    "task_send_or",
]
