"""Metrics' publication lag, for the data coverage page."""

from django.db import migrations, models

HELP = ("How many months after a period ends its figures are normally published; empty if "
        "not known (outcomes.coverage).")


# The national metrics' lags as first set (outcomes.catalogue.PUBLICATION_LAG_MONTHS says
# where each comes from). Copied here, so that later changes to the catalogue never change
# what this migration did.
LAGS = {
    "drug_use_last_year": 9,
    "ocu_prevalence": None,
    "homelessness_drug_need": 6,
    "children_social_care_drugs": 8,
    "school_exclusions_drugs": 16,
    "pupils_ok_to_take_drugs": 10,
    "neighbourhood_crime": 4,
    "drug_offences": 4,
    "drug_related_homicides": 11,
    "proven_reoffending": 22,
    "sharp_object_assault_admissions": 9,
    "drug_misuse_deaths": 12,
    "drug_poisoning_admissions": 10,
    "hepatitis_c_pwid": 11,
    "deaths_in_treatment": 8,
    "numbers_in_treatment": 8,
    "ocu_unmet_need": 8,
    "no_housing_problem": 8,
    "work_or_training": 8,
    "mental_health_treated": 8,
    "parental_interventions": 8,
    "county_lines_closed": 3,
    "ocg_disruptions": 3,
    "drug_seizures": 9,
    "nrm_county_lines": 2,
    "continuity_of_care": 4,
    "substantial_progress": 4,
    "prison_treatment_numbers": 10,
    "prison_treatment_starts": 10,
    "drug_treatment_requirements": 4,
    "successful_completion_opiate": 11,
    "successful_completion_non_opiate": 11,
}


def fill(apps, schema_editor):
    metric = apps.get_model("outcomes", "Metric")
    for code, months in LAGS.items():
        metric.objects.filter(code=code, owner=None).update(publication_lag_months=months)


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0009_history")]

    operations = [
        migrations.AddField(
            model_name="historicalmetric",
            name="publication_lag_months",
            field=models.PositiveSmallIntegerField(
                blank=True, help_text=HELP, null=True, verbose_name="publication lag (months)"),
        ),
        migrations.AddField(
            model_name="metric",
            name="publication_lag_months",
            field=models.PositiveSmallIntegerField(
                blank=True, help_text=HELP, null=True, verbose_name="publication lag (months)"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
