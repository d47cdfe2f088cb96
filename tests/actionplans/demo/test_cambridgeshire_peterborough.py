"""actionplans/demo/cambridgeshire_peterborough.py: the 2018 report's plan, risks and asks."""

from datetime import date

import pytest

from actionplans.models import Ask, KeyAction, Risk

pytestmark = pytest.mark.django_db
COUNTY_LINES_RISKS = {
    "Increase in levels of adult and young people exploitation as county lines dealers are "
    "targeting vulnerable individuals to support their 'business arrangements'",
    "Increase in crime both drug related offences and violent crime",
    "Increased community visibility of drug use and discarded drug paraphernalia in streets and "
    "open spaces and associated ASB",
    "Impact on housing, dealers coming into the area and taking over vulnerable adults and YP "
    "accommodation for drug dealing purposes (referred to as Cuckooing)",
    "Increased harms and overdoses with new dealers coming into the area supplying drugs with "
    "different purity levels and contaminates",
    "Potential increase in the use of class A drugs in younger children",
    "Increased levels of presenting complexities, increasing pressure and demand on services",
}


def test_cambridgeshire_risks_and_asks(loaded):
    risks = Risk.objects.filter(partnership__slug="cambridgeshire-peterborough")
    assert COUNTY_LINES_RISKS <= set(risks.values_list("title", flat=True))
    assert risks.count() == 9  # and housing issues A and B
    for risk in risks:
        assert risk.status_is_synthetic
        assert "(likelihood and impact are illustrative)" in risk.description
    asks = Ask.objects.filter(partnership__slug="cambridgeshire-peterborough")
    assert asks.count() == 5
    assert set(asks.values_list("status", "raised_on")) == {("open", date(2026, 10, 11))}
    assert asks.filter(directed_to="Responsible Authorities").exists()
    assert not Risk.objects.exclude(partnership__slug="cambridgeshire-peterborough").exists()
    assert KeyAction.objects.filter(partnership__slug="cambridgeshire-peterborough").count() >= 10
