"""Fields styled like the rest: a web address field is a GOV.UK input, and a lone checkbox's
hint follows its label inside the item (GOV.UK's checkboxes pattern), not above the box."""

import re

import pytest
from crispy_forms.utils import render_crispy_form

from actionplans.forms import ProgressForm
from outcomes.forms import ImportUploadForm

pytestmark = pytest.mark.django_db


def test_the_evidence_link_is_a_govuk_input():
    html = render_crispy_form(ProgressForm())
    field = re.search(r"<input[^>]*name=\"evidence_link\"[^>]*>", html).group(0)
    assert 'class="govuk-input' in field and 'type="url"' in field


def test_the_upload_forms_checkbox_hint_follows_its_label():
    html = render_crispy_form(ImportUploadForm())
    item = re.search(r'<div class="govuk-checkboxes__item">.*?</div>\s*</div>', html,
                     re.S).group(0)
    box = item.index('id="id_create_missing_metrics"')
    label = item.index('class="govuk-label govuk-checkboxes__label"')
    hint = item.index('class="govuk-hint govuk-checkboxes__hint"')
    assert box < label < hint
    assert 'aria-describedby="id_create_missing_metrics-hint"' in item
    # No hint floats above the box.
    group = html[html.index('id="div_id_create_missing_metrics"'):]
    assert group.index("govuk-hint") > group.index("govuk-checkboxes__item")
    form = ImportUploadForm({"format": "tidy", "create_missing_metrics": "on"})
    assert 'id="id_create_missing_metrics" value="on" checked' in render_crispy_form(form)
