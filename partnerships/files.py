"""The one file store: imports, evidence, plan files and board packs are kept through it.

It is Django's Storage API (STORAGES["default"]), so a deployment may swap the backend. The
default, `AtomicFileSystemStorage`, writes each file whole or not at all: into a temporary
file beside it, then linked into place under its name. A full or failing disk leaves no part
of a file behind, and a reader never sees half a file.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import PurePath

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, default_storage

STORE_FAILED = ("The file could not be stored ({reason}). Nothing was saved: try again later, "
                "or tell your administrator.")


class StoreFailed(Exception):
    """The file could not be stored (the disk is full, or failing). Nothing was kept."""

    def __init__(self, reason: str):
        super().__init__(STORE_FAILED.format(reason=reason))
        self.reason = reason


class AtomicFileSystemStorage(FileSystemStorage):
    """FileSystemStorage that writes a temporary file in the target folder, then links it
    into place: the name appears only once the whole file is on disk."""

    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        handle, part = tempfile.mkstemp(dir=directory, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                if hasattr(content, "seek"):
                    content.seek(0)
                for chunk in content.chunks():
                    out.write(chunk)
            if self.file_permissions_mode is not None:
                os.chmod(part, self.file_permissions_mode)
            while True:
                try:
                    os.link(part, full_path)
                    break
                except FileExistsError:  # taken since get_available_name: pick another
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            os.unlink(part)
        return str(name).replace("\\", "/")


def save(name: str, content: bytes | File, *, max_length: int | None = None) -> str:
    """Stores `content` under `name` (or a free name like it). Returns the name it has.
    Raises StoreFailed, keeping nothing, when the disk cannot take it."""
    if isinstance(content, bytes):
        content = ContentFile(content)
    try:
        return default_storage.save(name, content, max_length=max_length)
    except OSError as error:
        raise StoreFailed(error.strerror or str(error)) from None


def store(folder: str, file_name: str, content: bytes | File) -> str:
    """Stores `content` in `folder` under a new random name with `file_name`'s suffix."""
    suffix = PurePath(file_name).suffix.lower()[:6]
    return save(f"{folder}/{uuid.uuid4().hex}{suffix}", content)


def open_stored(name: str, mode: str = "rb") -> File:
    return default_storage.open(name, mode)


def delete(name: str) -> None:
    """Deletes a stored file; one already gone is no error."""
    if name:
        default_storage.delete(name)
