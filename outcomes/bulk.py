"""Inserting many rows at once: COPY … FROM STDIN on PostgreSQL, bulk_create elsewhere.

bulk_create builds one Python object and one SQL parameter per value; COPY streams CSV that
PostgreSQL parses itself, which is several times quicker for the summaries' hundreds of
thousands of values and the synthetic generator's million rows."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence

import orjson
from django.db import connection, models

NULL = r"\N"  # COPY's marker for NULL: an empty field would be read as ""


def _converter(field: models.Field):
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        if encoder is None:  # plain JSON: orjson writes the same text several times quicker
            return lambda value: NULL if value is None else orjson.dumps(value).decode()
        return lambda value: NULL if value is None else json.dumps(value, cls=encoder)
    if isinstance(field, models.BooleanField):
        return lambda value: NULL if value is None else ("t" if value else "f")
    return lambda value: NULL if value is None else value


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]
                ) -> int:
    """Inserts `rows` (sequences of values for `columns`, by attribute name such as
    "partnership_id") into the model's table. Fields left out take the model's defaults ("" for
    text), as bulk_create would give them. Returns how many rows were inserted."""
    fields = [model._meta.get_field(name) for name in columns]
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model.objects.bulk_create(objects, batch_size=2000)
        return len(objects)
    given = {field.attname for field in fields}
    missing = [field for field in model._meta.concrete_fields
               if field.attname not in given and not field.primary_key]
    defaults = [field.get_default() for field in missing]
    fields += missing
    rows = ([*row, *defaults] for row in rows)
    converters = [_converter(field) for field in fields]
    buffer, count = io.StringIO(), 0
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([convert(value) for convert, value in zip(converters, row,
                                                                  strict=True)])
        count += 1
    buffer.seek(0)
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)
    # A column that cannot be NULL never reads the marker as NULL: a text that is literally
    # \N (a common NULL marker in exported files) stays text.
    not_null = ", ".join(quote(field.column) for field in fields if not field.null)
    options = f"FORMAT csv, NULL '{NULL}'" + (f", FORCE_NOT_NULL ({not_null})" if not_null else "")
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN WITH ({options})", buffer)
    return count
