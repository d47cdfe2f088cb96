"""The administrator's form: what the public page shows. Plain checkboxes, no JavaScript."""

from __future__ import annotations

from urllib.parse import urlsplit

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.utils.text import Truncator

from actionplans.models import Milestone, Risk
from cdp.models import PublicPage
from outcomes.models import Metric
from partnerships.models import KeyDocument

from .services import SECTIONS


def _label(field: str) -> str:
    text = str(PublicPage._meta.get_field(field).verbose_name)
    return text[:1].upper() + text[1:]


class PublicPageForm(forms.Form):
    published = forms.BooleanField(
        label="Publish the page", required=False,
        help_text="Anyone can read a published page without signing in. Unticked, the page "
                  "is not found.")
    sections = forms.MultipleChoiceField(
        label="What the page shows", required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(name, _label(name)) for name in SECTIONS],
        help_text="Figures are always shown with disclosure control: counts of 1 to 4, and "
                  "rates built on them, are suppressed.")
    documents = forms.ModelMultipleChoiceField(
        queryset=KeyDocument.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Documents to publish",
        help_text="Shown when the page shows published documents.")
    metrics = forms.ModelMultipleChoiceField(
        queryset=Metric.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Other metrics to publish",
        help_text="Local metrics, figures from the police and supporting metrics are not "
                  "public framework data: each shows only if you tick it, when the page shows "
                  "headline metrics.")
    milestones = forms.ModelMultipleChoiceField(
        queryset=Milestone.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Milestones whose text and progress notes may be read",
        help_text="Every milestone is counted in the plan's progress; only those you tick "
                  "show their own words.")
    risks = forms.ModelMultipleChoiceField(
        queryset=Risk.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Risks to publish", help_text="Only the risks you tick are shown.")

    LABELS = {
        # Whether the public page can link to it: a document with no link shows its title.
        "documents": lambda d: (f"{d.title} ({d.get_kind_display().lower()}, "
                                f"{d.get_status_display().lower()}; "
                                + (f"links to {urlsplit(d.link).netloc}" if d.link
                                   else "no link: its title only") + ")"),
        "milestones": lambda m: (f"{Truncator(m.title).words(20)} "
                                 f"({m.get_status_display().lower()})"),
        "risks": lambda r: f"{r.title} ({r.rating.lower()}, {r.get_status_display().lower()})",
        "metrics": lambda m: (f"{m.name} ({'local' if m.owner_id else m.get_tier_display().lower()}"
                              f"{', ' + m.source if m.source else ''})"),
    }

    LISTS = ("documents", "metrics", "milestones", "risks")
    NOUNS = {"documents": "documents", "metrics": "metrics", "milestones": "milestones",
             "risks": "risks"}

    def __init__(self, *args, choices: dict[str, list], **kwargs):
        """`choices`: the rows that may be marked, by field (`selectors.publication_choices`),
        drawn from these lists and checked against them: no query of their own. Each list
        of more than one row has a "Select all" box: ticked, every row is marked, with or
        without JavaScript (static/js/select-all.js ticks the boxes as you go)."""
        super().__init__(*args, **kwargs)
        self.rows = choices
        for name, label in self.LABELS.items():
            field, rows = self.fields[name], choices[name]
            field.queryset = field.queryset.model.objects.filter(pk__in=[r.pk for r in rows])
            field.choices = [(row.pk, label(row)) for row in rows]
            if len(rows) > 1:
                self.fields[f"{name}_all"] = forms.BooleanField(
                    label=f"Select all {len(rows)} {self.NOUNS[name]}", required=False,
                    widget=forms.CheckboxInput(attrs={"data-select-all": name}))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.checkbox("published", template="forms/checkbox.html"),
            Field.checkboxes("sections", legend_size=Size.MEDIUM),
            *[part for name in self.LISTS if choices[name] for part in self._list_layout(name)],
            Button("submit", "Save what is published"),
        )

    def _list_layout(self, name: str) -> list:
        boxes = Field.checkboxes(name, legend_size=Size.MEDIUM, small=True)
        if f"{name}_all" not in self.fields:
            return [boxes]
        return [boxes, Field.checkbox(f"{name}_all", small=True, template="forms/checkbox.html")]

    def clean(self):
        data = super().clean()
        for name in self.LISTS:
            if data.get(f"{name}_all"):
                data[name] = list(self.rows[name])
        return data

    @staticmethod
    def initial_for(page: PublicPage | None) -> dict:
        if page is None:
            return {}
        return {
            "published": page.published,
            "sections": [name for name in SECTIONS if getattr(page, name)],
            "documents": list(page.documents.all()),
            "metrics": list(page.metrics.all()),
            "milestones": list(page.milestones.all()),
            "risks": list(page.risks.all()),
        }
