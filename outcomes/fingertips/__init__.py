"""OHID Fingertips' public API, as the scheduled sync uses it (outcomes.services.sync)."""
