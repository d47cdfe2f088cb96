"""Demo action plans, risks and asks from the seeds: one module per seed partnership
(rotherham, york, cambridgeshire_peterborough), each only data, all loaded the same way by
builders.py. Idempotent.

Loaded through the plan services, as each partnership's lead would enter them. What the seeds
say is used as it is, the seed's own words kept as the progress note. A status, date or score
a seed does not give is invented: that milestone, risk or ask is marked `status_is_synthetic`
(shown as "illustrative"). Where a seed's words are read as a status ("In post" → complete;
"Recruiting", "underway", "planned" → on track), the reading is ours but nothing is invented,
so it is not marked.
"""

from __future__ import annotations

from django.db import transaction

from . import cambridgeshire_peterborough, rotherham, york
from .builders import load_digest_milestones, load_seed

__all__ = ["SEEDS", "load_demo_plans"]

SEEDS = (rotherham.SEED, york.SEED, cambridgeshire_peterborough.SEED)


def load_demo_plans() -> None:
    """Creates (or leaves as they are) the demo partnerships' plans, risks and asks."""
    for seed in SEEDS:
        with transaction.atomic():
            load_seed(seed)
    # Last, once every plan is there: only Rotherham's (the one signed off) has any.
    for seed in SEEDS:
        if seed.digest:
            with transaction.atomic():
                load_digest_milestones(seed)
