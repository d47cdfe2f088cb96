"""cdp/forms.py: the API token form."""

import pytest

from cdp import tokens
from cdp.forms import ApiTokenForm


def errors(form) -> dict:
    assert not form.is_valid()
    return {field: list(messages) for field, messages in form.errors.items()}


@pytest.mark.django_db
def test_a_token_is_cleaned_for_token_create(tenants):
    form = ApiTokenForm({"name": " Power BI report ", "days": "30"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"name": "Power BI report", "days": 30}
    token, key = tokens.token_create(user=tenants.users["a_analyst"], **form.cleaned_data)
    assert token.name == "Power BI report" and key


def test_a_token_says_what_is_wrong():
    assert errors(ApiTokenForm({})) == {"name": ["Enter a name for the token"],
                                        "days": ["Choose when the token expires"]}
    assert errors(ApiTokenForm({"name": "R", "days": "1000"})) == {"days": [
        "Select a valid choice. 1000 is not one of the available choices."]}
    assert list(errors(ApiTokenForm({"name": "x" * 101, "days": "7"}))) == ["name"]


def test_the_expiry_offered_first_is_the_sites_own_when_it_is_one_of_the_choices(settings):
    assert [days for days, _ in ApiTokenForm().fields["days"].choices] == [7, 30, 90, 365]
    settings.API_TOKEN_DAYS = 30
    assert ApiTokenForm().fields["days"].initial == 30
    settings.API_TOKEN_DAYS = 45  # not offered: the longest is
    assert ApiTokenForm().fields["days"].initial == 365
