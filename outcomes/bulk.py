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
    given = {field.attname for field in fields}
    missing = [field for field in model._meta.concrete_fields
               if field.attname not in given and not field.primary_key]
    defaults = [field.get_default() for field in missing]
    fields += missing
    rows = ([*row, *defaults] for row in rows)
    if connection.vendor == "sqlite":
        return _insert_sqlite(model, fields, rows)
    if connection.vendor != "postgresql":
        names = [field.attname for field in fields]
        objects = [model(**dict(zip(names, row, strict=True))) for row in rows]
        model.objects.bulk_create(objects, batch_size=2000)
        return len(objects)
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


def _sqlite_converter(field: models.Field):
    """A value as the SQLite backend stores it, for the types whose Python value the sqlite3
    module would not store the same way on its own."""
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    if isinstance(field, models.DateTimeField):
        return lambda value: connection.ops.adapt_datetimefield_value(value)
    if isinstance(field, models.DateField):
        return lambda value: connection.ops.adapt_datefield_value(value)
    if isinstance(field, models.DecimalField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def _insert_sqlite(model: type[models.Model], fields: list[models.Field], rows: Iterable[Sequence]
                   ) -> int:
    """One prepared INSERT run for every row (executemany): bulk_create would build a model
    object and compile SQL for each batch, several times slower for the demo's 100,000
    reference rows on the embedded default."""
    converters = [_sqlite_converter(field) for field in fields]
    plain = all(convert is None for convert in converters)
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} "
           f"({', '.join(quote(field.column) for field in fields)}) "
           f"VALUES ({', '.join('%s' for _ in fields)})")
    count = 0
    chunk: list[list] = []
    with connection.cursor() as cursor:
        for row in rows:
            chunk.append(list(row) if plain else [
                value if convert is None or value is None else convert(value)
                for convert, value in zip(converters, row, strict=True)])
            if len(chunk) == 5000:
                cursor.executemany(sql, chunk)
                count, chunk = count + len(chunk), []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count
