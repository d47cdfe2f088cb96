"""A request body over the upload limit is refused before it is read.

Left to itself, Django reads a multipart body to its end, spooling each file to disk, before a
form can look at the file's size: a 2 GB upload would tie up a worker and fill a disk only to
be refused. `RefuseOversizedUpload`, first in FILE_UPLOAD_HANDLERS, looks at the request's
Content-Length first. Over MAX_UPLOAD_BYTES, it reads only the fields in front of the first
file (the CSRF token, on our forms), stops there, and stands a `RefusedUpload` in for the
file: empty, and as large as the request said it was. The form or serializer then refuses it
by its size, with its usual message, and the page is shown again with the error (the API
answers 400). The rest of the body is never read, so fields after the file are missing: a
form drops their errors when its file was refused. A body over the limit with no file in it
is read only a little past DATA_UPLOAD_MAX_MEMORY_SIZE, Django's limit for fields: a 400.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http.multipartparser import MultiPartParser

# Room for the other fields and the multipart boundaries around a file of the largest size.
ENVELOPE_BYTES = 1024 * 1024


def largest_request() -> int:
    return getattr(settings, "MAX_UPLOAD_BYTES", 100 * 1024 * 1024) + ENVELOPE_BYTES


class _NotRead(io.BytesIO):
    def read(self, *args, **kwargs):
        raise ValueError("this upload was refused for its size: its content was never read")


class RefusedUpload(UploadedFile):
    """Stands in for a file that was too large to read. Its size is the request's; reading
    it raises, so that nothing can take it for an empty file."""

    refused = True

    def __init__(self, *, name: str, content_type: str, size: int, charset=None,
                 content_type_extra=None):
        super().__init__(_NotRead(), name, content_type, size, charset, content_type_extra)


class _StopAtFirstFile(FileUploadHandler):
    """Lets the fields before the first file be parsed, then stops the upload there."""

    chunk_size = 64 * 1024

    def __init__(self, request=None):
        super().__init__(request)
        self.first_file: tuple | None = None

    def new_file(self, field_name, file_name, content_type, content_length, charset=None,
                 content_type_extra=None):
        self.first_file = (field_name, file_name, content_type, charset, content_type_extra)
        raise StopUpload(connection_reset=True)

    def receive_data_chunk(self, raw_data, start):  # pragma: no cover - never reached
        return None

    def file_complete(self, file_size):  # pragma: no cover - never reached
        return None


class _Budget:
    """The request's input, cut off after `limit` bytes: fields before the first file are
    small, and a body with no file in it is not read to its end either."""

    def __init__(self, stream, limit: int):
        self.stream, self.left = stream, limit

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        size = self.left if size is None or size < 0 else min(size, self.left)
        data = self.stream.read(size)
        self.left -= len(data)
        return data


class RefuseOversizedUpload(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length <= largest_request():
            return None  # the other handlers read it as usual
        stopper = _StopAtFirstFile(self.request)
        fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440
        budget = _Budget(input_data, fields + ENVELOPE_BYTES)  # past it, fields are too big
        post, files = MultiPartParser(META, budget, [stopper], encoding).parse()
        if stopper.first_file:
            field_name, file_name, content_type, charset, extra = stopper.first_file
            files.appendlist(field_name, RefusedUpload(
                name=file_name, content_type=content_type, size=content_length,
                charset=charset, content_type_extra=extra))
        return post, files

    def receive_data_chunk(self, raw_data, start):
        return raw_data  # under the limit: passed on to the next handler

    def file_complete(self, file_size):
        return None


def too_large(size: int, limit: int) -> str:
    """The error a form shows for a file over its limit, in megabytes: whole ones, unless
    that would make the file seem no larger than the limit."""
    megabytes, largest = size / (1024 * 1024), limit // (1024 * 1024)
    shown = f"{round(megabytes)}" if round(megabytes) > largest else f"{megabytes:.1f}"
    return f"The file is {shown} MB; the largest accepted is {largest} MB"
