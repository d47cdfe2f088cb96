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
    writer = csv.writer(buffer, lineterminator="\n")
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


def streaming_csv(header: Sequence[str], rows: Iterable[Sequence], *, filename: str
                  ) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (text.encode() for text in csv_text(header, rows)),
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
