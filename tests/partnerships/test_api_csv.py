"""CSV from the API: PostgreSQL writes the lines of big lists; Python writes the rest. Both
must give the same cells, quoted and escaped against spreadsheet formulas the same way."""

import csv
import io
from datetime import date

import pytest

from partnerships.api.csv import csv_text, database_lines, flatten
from partnerships.csvsafe import escape_formula, unescape_formula

TRICKY = ["plain", "with, comma", 'with "quotes"', "two\nlines", "carriage\rreturn",
          "=SUM(A1:A2)", "+44 1234", "-", "@user", "\tTAB", "'=already quoted", "''-twice",
          "it's", " spaced ", "", "100%", "naïve café"]


@pytest.mark.parametrize("text", TRICKY)
def test_escaping_round_trips(text):
    assert unescape_formula(escape_formula(text)) == text
    risky = text.lstrip("'")[:1] in ("=", "+", "-", "@", "\t", "\r")
    assert escape_formula(text) == ("'" + text if risky else text)


@pytest.mark.django_db
def test_postgresql_writes_the_same_cells_as_python(tenants):
    from outcomes.models import Metric, Observation

    metric = Metric.objects.get(code="numbers_in_treatment", owner=None)
    for n, text in enumerate(TRICKY):
        Observation.objects.create(
            partnership=tenants.a, metric=metric, area_code="E08000018", area_name=text,
            value_note=text, category=str(n), period_label="2021/22",
            period_start=date(2021, 4, 1), period_end=date(2022, 3, 31),
            period_year_type="financial", period_sortable=20210000,
            value=None if n == 3 else n / 3, count=n)
    lookups = ["pk", "area_name", "value_note", "value", "count", "period_end",
               "metric__disclosure_control"]
    queryset = Observation.objects.filter(partnership=tenants.a).order_by("pk")
    by_database = list(csv.reader(io.StringIO("\n".join(database_lines(queryset, lookups)))))
    rows = queryset.values_list(*lookups)
    by_python = list(csv.reader(io.StringIO("".join(csv_text(lookups, rows)))))[1:]
    assert len(by_database) == len(by_python) == len(TRICKY) + 1

    def same(cells):  # numbers as numbers: PostgreSQL writes 2.0 as 2
        return [float(c) if i in (3, 4) and c else c for i, c in enumerate(cells)]

    assert [same(r) for r in by_database] == [same(r) for r in by_python]
    texts = {r[1] for r in by_database}
    assert {"'=SUM(A1:A2)", "'+44 1234", "''=already quoted", "two\nlines"} <= texts


def test_nested_objects_become_parent_child_columns():
    assert flatten({"a": 1, "b": {"c": 2, "d": {"e": 3}}}) == {"a": 1, "b_c": 2, "b_d_e": 3}
    text = "".join(csv_text(["x", "y"], [[["E1", "E2"], True], [None, "=1"]]))
    assert text == "x,y\r\nE1; E2,true\r\n,'=1\r\n"
