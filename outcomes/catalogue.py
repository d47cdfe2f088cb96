"""The National Combating Drugs Outcomes Framework, from fixtures/outcomes_framework.json."""

import json
from pathlib import Path

from django.conf import settings

FRAMEWORK_FILE = Path(settings.BASE_DIR) / "fixtures" / "outcomes_framework.json"

# How many months after a period ends its figures are normally published, for the data
# coverage page (outcomes.coverage): the publisher's usual release month, as their release
# calendars (gov.uk/search/research-and-statistics, ons.gov.uk/releasecalendar) and
# Fingertips' update notes show it, rounded up to a whole month. Where Fingertips or NDTMS
# carry the figure for local areas later than the national release, the later date is used.
# None: published when reported (no schedule to be behind).
PUBLICATION_LAG_MONTHS: dict[str, int | None] = {
    # Crime Survey for England and Wales, year ending March: "Drug misuse in England and
    # Wales" is released in December.
    "drug_use_last_year": 9,
    # OHID's OCU prevalence estimates come out irregularly (2016/17, then 2019/20 in 2024).
    "ocu_prevalence": None,
    # MHCLG statutory homelessness, financial year: the annual release is in September.
    "homelessness_drug_need": 6,
    # DfE Children in need, year to 31 March: released in late October or November.
    "children_social_care_drugs": 8,
    # DfE suspensions and permanent exclusions, academic year (to July) labelled 2022/23: the
    # full year is released the next July, 16 months after the financial year's March end.
    "school_exclusions_drugs": 16,
    # NHS England Smoking, Drinking and Drug Use among Young People: the survey year's report
    # is released in the autumn of the next year (the 2023 survey in October 2024).
    "pupils_ok_to_take_drugs": 10,
    # Home Office police recorded crime: ONS "Crime in England and Wales" quarterly bulletins
    # come about four months after the quarter ends.
    "neighbourhood_crime": 4,
    "drug_offences": 4,
    # Home Office Homicide Index: "Homicide in England and Wales", year ending March, is
    # released in February.
    "drug_related_homicides": 11,
    # MoJ proven reoffending: a quarter's cohort is followed for a year, plus six months for
    # court outcomes; the October to December 2018 cohort was published on 29 October 2020.
    "proven_reoffending": 22,
    # NHS England Hospital Episode Statistics, financial year: released in September or
    # October; local figures in OHID's profiles follow in the winter.
    "sharp_object_assault_admissions": 9,
    # ONS deaths related to drug poisoning, registrations in a calendar year: released in
    # October (2019 registrations on 14 October 2020); Fingertips (92432) updates by
    # December.
    "drug_misuse_deaths": 12,
    # NHS England "Statistics on Drug Misuse" (HES, financial year): released in the winter.
    "drug_poisoning_admissions": 10,
    # UKHSA Unlinked Anonymous Monitoring survey, calendar year: "Shooting Up" is released the
    # next November.
    "hepatitis_c_pwid": 11,
    # OHID NDTMS adult treatment statistics, financial year: 2023 to 2024 was published on 28
    # November 2024 (the 2021 to 2022 release slipped to January 2023).
    "deaths_in_treatment": 8,
    "numbers_in_treatment": 8,
    "ocu_unmet_need": 8,
    "no_housing_problem": 8,
    "work_or_training": 8,
    "mental_health_treated": 8,
    "parental_interventions": 8,
    # Police management information (NCLCC, force performance reports), reported to the
    # partnership locally about a quarter in arrears.
    "county_lines_closed": 3,
    "ocg_disruptions": 3,
    # Home Office "Seizures of drugs in England and Wales", year ending March: released in
    # November or December.
    "drug_seizures": 9,
    # Home Office NRM statistics, quarterly: released about two months after the quarter ends.
    "nrm_county_lines": 2,
    # OHID's CDP outcomes framework quarterly data (NDTMS): about four months after the
    # quarter ends, once the three-week engagement window and the NDTMS submission close.
    "continuity_of_care": 4,
    "substantial_progress": 4,
    # OHID NDTMS secure settings statistics, financial year: released in January.
    "prison_treatment_numbers": 10,
    "prison_treatment_starts": 10,
    # MoJ Offender management statistics quarterly: about four months after the quarter.
    "drug_treatment_requirements": 4,
    # Fingertips (PHOF C19a, C19b): a year's completions are counted only once six months
    # have passed without re-presentation; OHID publishes them about 11 months after.
    "successful_completion_opiate": 11,
    "successful_completion_non_opiate": 11,
    # ONS alcohol-specific deaths registered in a calendar year come out about 13 months
    # after it ends; OHID's Local Alcohol Profiles (Fingertips 91380) follow a month later.
    "alcohol_specific_mortality": 14,
}


# The Fingertips metadata each catalogue metric carries (METHODS §0-§3, §7), from the
# framework file: each metric's "metadata_source" says where it comes from (the Fingertips
# indicator's metadata, or an estimate from the publisher's release, marked "Estimate").
METADATA_FIELDS = ("value_type", "comparator_method", "confidence_level", "year_type",
                   "period_years", "area_types", "fingertips_area_type_id")


def read_framework(path: Path = FRAMEWORK_FILE) -> dict:
    return json.loads(path.read_text())


def _defaults(metric: dict, order: int, outcome, field_names: set[str]) -> dict:
    """A metric's fields from the file, for those the (possibly historical) model has."""
    defaults = {
        "name": metric["name"], "outcome": outcome, "tier": metric["tier"],
        "unit": metric["unit"], "polarity": metric["polarity"],
        "frequency": metric["frequency"], "source": metric["source"],
        "fingertips_id": metric.get("fingertips_id"),
        "disclosure_control": metric["disclosure_control"], "order": order,
    }
    if "short_name" in field_names:
        defaults["short_name"] = metric.get("short_name", "")
    if "publication_lag_months" in field_names:
        defaults["publication_lag_months"] = PUBLICATION_LAG_MONTHS.get(metric["code"])
    defaults.update({name: metric[name] for name in METADATA_FIELDS
                     if name in field_names and name in metric})
    return defaults


def _adopt_by_fingertips_id(metric_model, metric: dict) -> None:
    """A national metric created from a file with this Fingertips id (an import's
    --create-missing-metrics) becomes the catalogue's metric, keeping its figures."""
    fingertips_id = metric.get("fingertips_id")
    if fingertips_id is None or metric_model.objects.filter(
            code=metric["code"], owner=None).exists():
        return
    metric_model.objects.filter(fingertips_id=fingertips_id, owner=None).update(
        code=metric["code"])


def load_framework(outcome_model, metric_model, path: Path = FRAMEWORK_FILE) -> None:
    """Creates or updates the national outcomes and metrics. Idempotent.

    Takes the models as arguments so that a migration can pass its historical models (those
    from before the publication lag or the Fingertips metadata existed are filled without).
    """
    data = read_framework(path)
    field_names = {f.name for f in metric_model._meta.fields}
    outcomes = {}
    for order, outcome in enumerate(data["outcomes"], start=1):
        outcomes[outcome["code"]], _ = outcome_model.objects.update_or_create(
            code=outcome["code"],
            defaults={"name": outcome["name"], "kind": outcome["kind"], "order": order},
        )
    for order, metric in enumerate(data["metrics"], start=1):
        _adopt_by_fingertips_id(metric_model, metric)
        metric_model.objects.update_or_create(
            code=metric["code"], owner=None,
            defaults=_defaults(metric, order, outcomes[metric["outcome"]], field_names),
        )
