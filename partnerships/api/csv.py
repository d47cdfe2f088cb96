"""CSV from every API list: `?format=csv` or `Accept: text/csv`.

A list streams (`StreamingHttpResponse` over the filtered queryset, read in chunks from a
server-side cursor), so that an export of a million rows never sits in memory. Its columns
are stable: a viewset names them in `csv_columns` ({column: queryset lookup}, read with
`values_list`, the quick way), or they are its serializer's fields, flattened. Text that a
spreadsheet could run as a formula is escaped (`partnerships.csvsafe`). Anything else asked
for as CSV (one object, an error) is rendered by `CsvRenderer` as a one-row table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence

from django.db import connection, models, transaction
from django.http import StreamingHttpResponse
from rest_framework import renderers, serializers

from ..csvsafe import escape_formula

CHUNK_ROWS = 2000  # rows read from the database, and written out, at a time
MEDIA_TYPE = "text/csv"


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, list | tuple):  # several values (objects: theirs joined by spaces)
        return escape_formula("; ".join(
            " ".join(str(v) for v in item.values()) if isinstance(item, Mapping) else str(item)
            for item in value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape_formula(value)


def flatten(row: Mapping, prefix: str = "") -> dict:
    """A serializer's row as flat columns: nested objects become `parent_child` columns."""
    flat = {}
    for name, value in row.items():
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{prefix}{name}_"))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


def serializer_columns(serializer: serializers.Serializer, prefix: str = "") -> list[str]:
    """The columns `flatten` makes of the serializer's rows."""
    columns = []
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.Serializer):
            columns += serializer_columns(field, f"{prefix}{name}_")
        else:
            columns.append(f"{prefix}{name}")
    return columns


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """CSV in chunks of text: the header, then CHUNK_ROWS rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # lines end \r\n (RFC 4180); a cell with \r or \n is quoted
    writer.writerow(header)
    batch = []
    for row in rows:
        batch.append([_cell(v) for v in row])
        if len(batch) == CHUNK_ROWS:
            writer.writerows(batch)
            batch.clear()
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    writer.writerows(batch)
    yield buffer.getvalue()


# --- On PostgreSQL, the database writes each line ------------------------------------------
# The same rules as `csv_text` (Python's csv module, QUOTE_MINIMAL, and `escape_formula`), in
# SQL: a million rows are then read as a million short strings, several times quicker than
# converting and writing every value in Python.
_FORMULA = r"'^''*[-=+@\t\r]'"  # escape_formula's test, as a PostgreSQL regular expression
# A text cell: a quote put before what could run as a formula, then CSV's quoting.
_ESCAPED = "(CASE WHEN {c} ~ " + _FORMULA + " THEN '''' || {c} ELSE {c} END)"
_TEMPLATES = {
    "text": ("COALESCE(CASE WHEN {e} ~ '[\",\\r\\n]' THEN '\"' || replace({e}, '\"', '\"\"') "
             "|| '\"' ELSE {e} END, '')").replace("{e}", _ESCAPED),
    "number": "COALESCE(CAST({c} AS text), '')",
    "boolean": "CASE WHEN {c} THEN 'true' WHEN NOT {c} THEN 'false' ELSE '' END",
    "date": "COALESCE(to_char({c}, 'YYYY-MM-DD'), '')",
    "datetime": "COALESCE(to_char({c} AT TIME ZONE 'UTC', "
                "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), '')",
}


def _kind(field: models.Field) -> str:
    if isinstance(field, models.BooleanField):
        return "boolean"
    if isinstance(field, models.DateTimeField):
        return "datetime"
    if isinstance(field, models.DateField):
        return "date"
    if isinstance(field, models.IntegerField | models.FloatField | models.DecimalField
                  | models.AutoField):
        return "number"
    return "text"


def database_lines(queryset: models.QuerySet, lookups: Sequence[str]) -> Iterator[str]:
    """Each row of the queryset as one CSV line (no line end), made by PostgreSQL and read
    through a server-side cursor, in primary key order."""
    kinds = [_kind(queryset.query.resolve_ref(lookup).output_field) for lookup in lookups]
    names = [f"c{n}" for n in range(len(lookups))]
    sql, params = queryset.order_by().values_list("pk", *lookups).query.sql_with_params()
    line = " || ',' || ".join(_TEMPLATES[kind].format(c=name)
                              for kind, name in zip(kinds, names, strict=True))
    query = f"SELECT {line} FROM ({sql}) AS row_values (row_pk, {', '.join(names)}) ORDER BY row_pk"
    # In a transaction, so that the cursor streams rather than being materialised first as a
    # cursor WITH HOLD would be.
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(query, params)
        while chunk := cursor.fetchmany(CHUNK_ROWS):
            yield from (row[0] for row in chunk)


def _line_text(header: Sequence[str], lines: Iterable[str]) -> Iterator[str]:
    yield from csv_text(header, [])
    batch = []
    for line in lines:
        batch.append(line)
        if len(batch) == CHUNK_ROWS:
            batch.append("")
            yield "\r\n".join(batch)
            batch.clear()
    if batch:
        batch.append("")
        yield "\r\n".join(batch)


def streaming_csv(header: Sequence[str], rows: Iterable[Sequence], *, filename: str
                  ) -> StreamingHttpResponse:
    return _streaming(csv_text(header, rows), filename)


def streaming_queryset_csv(queryset: models.QuerySet, columns: dict[str, str], *,
                           filename: str) -> StreamingHttpResponse:
    """Every row of the queryset, `columns` {column: lookup}, as streamed CSV."""
    if connection.vendor == "postgresql":
        lines = database_lines(queryset, list(columns.values()))
        return _streaming(_line_text(list(columns), lines), filename)
    rows = queryset.order_by("pk").values_list(*columns.values()).iterator(
        chunk_size=CHUNK_ROWS)
    return streaming_csv(list(columns), rows, filename=filename)


def _streaming(chunks: Iterable[str], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse((text.encode() for text in chunks),
                                     content_type=f"{MEDIA_TYPE}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


class CsvRenderer(renderers.BaseRenderer):
    """CSV for what is not a streamed list: an object, an error, or a page of results."""

    media_type = MEDIA_TYPE
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        if isinstance(data, Mapping) and isinstance(data.get("results"), list):
            data = data["results"]
        rows = [flatten(r) if isinstance(r, Mapping) else {"value": r}
                for r in (data if isinstance(data, list) else [data])]
        header = list(dict.fromkeys(name for row in rows for name in row))
        return "".join(csv_text(header, ([row.get(n) for n in header] for row in rows))).encode()
