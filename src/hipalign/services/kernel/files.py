"""The app's stored files, through Django's storage API (issue 19).

Two stores (web/settings.py `STORAGES`): "default" for posture uploads and overlays,
"clinic_media" for a clinic's exercise media. On one machine both are folders of the data
folder; a clinic with several app processes on several machines points them at an
S3-compatible bucket, and nothing here changes. Names are always server-made (a UUID and a
suffix), so a name is never reused and `save` never has to pick another one.

The pose model and ffprobe read files by path. `local_copy` gives them one: the stored file
itself when the store is a folder, else a private temporary copy that is removed afterwards.
"""

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from django.core.files import File
from django.core.files.storage import Storage, storages

POSTURE = "default"
CLINIC_MEDIA = "clinic_media"
PRIVATE_FILE = 0o600


def store(alias: str = POSTURE) -> Storage:
    return storages[alias]


def on_disk(storage: Storage, name: str) -> Path | None:
    """The file's path when the store is a local folder; None for a remote store."""
    try:
        return Path(storage.path(name))
    except NotImplementedError:
        return None


def save_path(storage: Storage, name: str, source: Path) -> str:
    """Store the local file `source` under `name` (the name is the caller's, never changed)."""
    with source.open("rb") as fh:
        stored = storage.save(name, File(fh, name=name))
    if stored != name:  # UUID names never collide; a changed name would orphan the row's file
        storage.delete(stored)
        raise FileExistsError(name)
    return stored


def save_bytes(storage: Storage, name: str, data: bytes) -> str:
    from django.core.files.base import ContentFile

    stored = storage.save(name, ContentFile(data, name=name))
    if stored != name:
        storage.delete(stored)
        raise FileExistsError(name)
    return stored


def delete_quietly(storage: Storage, *names: str) -> None:
    """Delete what exists of `names` ("" is skipped); a missing file is not an error."""
    for name in names:
        if name:
            storage.delete(name)


def exists(storage: Storage, name: str) -> bool:
    return bool(name) and storage.exists(name)


def open_read(storage: Storage, name: str) -> IO[bytes]:
    return storage.open(name, "rb")


@contextlib.contextmanager
def local_copy(storage: Storage, name: str) -> Iterator[Path]:
    """A path to read the stored file from: the file itself on disk, else a private temporary
    copy (removed on exit). FileNotFoundError when it is not stored."""
    path = on_disk(storage, name)
    if path is not None:
        if not path.is_file():
            raise FileNotFoundError(name)
        yield path
        return
    if not storage.exists(name):
        raise FileNotFoundError(name)
    folder = Path(tempfile.mkdtemp(prefix="hipalign-file-"))
    try:
        copy = folder / Path(name).name
        fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        with os.fdopen(fd, "wb") as out, storage.open(name, "rb") as src:
            shutil.copyfileobj(src, out)
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    """A private temporary folder for files made before they are stored (the child's overlay)."""
    folder = Path(tempfile.mkdtemp(prefix="hipalign-work-"))
    try:
        folder.chmod(0o700)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
