"""Writes to the action plan. Each service checks the user may edit the plan
(`access.require`), validates, and records who changed what in the history.

- `plan`: the plan, its objectives and key actions, and its progress summaries;
- `milestones`: milestones, changed with optimistic concurrency (`StaleEdit`);
- `progress_log`: a milestone's progress updates, each an entry in its log;
- `registers`: risks and asks;
- `plan_import`: a plan imported from a spreadsheet (`PlanImporter`);
- `digests`: the leads' weekly digest, its preference and its sending.

Other apps import from here; this app's own modules import from the submodules.
"""

from .digests import (
    DigestOutcome,
    digest_preference_save,
    digest_preview,
    digest_send,
    digest_test_send,
    digests_dispatch,
)
from .milestones import (
    EDITABLE,
    EVIDENCE_TYPES,
    MAX_EVIDENCE_BYTES,
    StaleEdit,
    milestone_create,
    milestone_update,
)
from .plan import action_plan_save, key_action_create, objective_create, plan_progress_replace
from .plan_import import PlanImporter, plan_import_apply, plan_import_cancel, plan_import_start
from .progress_log import progress_update_add
from .registers import ASK_FIELDS, RISK_FIELDS, ask_save, risk_save

__all__ = [
    "ASK_FIELDS",
    "EDITABLE",
    "EVIDENCE_TYPES",
    "MAX_EVIDENCE_BYTES",
    "RISK_FIELDS",
    "DigestOutcome",
    "PlanImporter",
    "StaleEdit",
    "action_plan_save",
    "ask_save",
    "digest_preference_save",
    "digest_preview",
    "digest_send",
    "digest_test_send",
    "digests_dispatch",
    "key_action_create",
    "milestone_create",
    "milestone_update",
    "objective_create",
    "plan_import_apply",
    "plan_import_cancel",
    "plan_import_start",
    "plan_progress_replace",
    "progress_update_add",
    "risk_save",
]
