"""A clinic's own photo or short video for an exercise (issue 16), shown beside the drawn
demonstration.

Who: a clinician adds and removes media of their own clinic (today one clinician is one
clinic); it is seen by that clinician and by every person with an active care link to them,
for as long as the link lasts; anyone else (another person, another clinician, an admin, a
person whose link ended) gets NotFound, exactly like a missing file (RELIABILITY.md 5).

The file is checked and cleaned by adapters/media_files.py (type from content, caps, photo
re-encoded, video probed and remuxed without metadata) in a scratch folder; only the clean
copy goes into the `clinic_media` store, and a refused file leaves no row and no file. An
optional caption (one line, at most MAX_CAPTION characters) goes with it; a refused caption is
refused before the file is read.

The media is the clinic's, not a patient's: a person's export does not list it and their
erasure does not remove it. Erasing the clinician's own account removes it (rows cascade;
files are deleted first by `media_erase_of`, called from identity/accounts.py).
"""

import os
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from django.contrib.auth.models import User
from django.db.models import Count

from hipalign.adapters.db.models import CareLink, ClinicMedia
from hipalign.adapters.media_files import FIELD, MAX_VIDEO_BYTES, clean_media
from hipalign.core.errors import InputError
from hipalign.core.library import default_library
from hipalign.services.kernel.access import Actor, NotFound, role_of
from hipalign.services.kernel.audit import audit_record
from hipalign.services.kernel.files import (
    CLINIC_MEDIA,
    PRIVATE_FILE,
    delete_quietly,
    open_read,
    save_path,
    scratch,
    store,
)

MAX_PER_EXERCISE = 3  # per clinician: a photo and a video or two, not a gallery
CAPTION = "Caption"  # the page's label of the optional words under the photo or video
MAX_CAPTION = 200


@dataclass(frozen=True, kw_only=True)
class MediaView:
    """What a page shows of one item: never the stored name or the uploader's account."""

    id: str
    exercise_id: str
    kind: str  # "photo" | "video"
    content_type: str
    added_on: datetime
    url: str
    mine: bool  # the caller's own clinic's: may be removed
    caption: str  # the clinician's words under it; "" when none


def _view(m: ClinicMedia, actor_id: object) -> MediaView:
    return MediaView(
        id=str(m.id),
        exercise_id=m.exercise_id,
        kind=m.kind,
        content_type=m.content_type,
        added_on=m.created_at,
        url=f"/exercises/{m.exercise_id}/media/{m.id}",
        mine=m.clinician_id == actor_id,
        caption=m.caption,
    )


def _clinician(actor: Actor) -> User:
    """The caller when a clinician; NotFound otherwise (the route does not exist for them)."""
    if role_of(actor) != "clinician":
        raise NotFound("clinic media")
    return actor  # type: ignore[return-value]


def _exercise(exercise_id: str) -> str:
    if default_library().get(exercise_id) is None:
        raise NotFound("exercise")
    return exercise_id


def _clinicians_of(actor: Actor) -> list[int]:
    """Whose clinic media the caller sees: their own (a clinician), their linked clinicians'."""
    if not actor.is_authenticated:
        return []
    role = role_of(actor)
    if role == "clinician":
        return [int(actor.pk)]
    if role == "person":
        return list(
            CareLink.objects.filter(patient_id=actor.pk, status="active").values_list(
                "clinician_id", flat=True
            )
        )
    return []  # an admin runs the install; no clinic's library is theirs


def media_for_exercise(*, actor: Actor, exercise_id: str) -> list[MediaView]:
    """The clinic media of one exercise the caller may see (oldest first)."""
    owners = _clinicians_of(actor)
    if not owners:
        return []
    rows = ClinicMedia.objects.filter(exercise_id=exercise_id, clinician_id__in=owners)
    return [_view(m, actor.pk) for m in rows]


def media_first_of_exercises(*, actor: Actor, exercise_ids: Iterable[str]) -> dict[str, MediaView]:
    """For the session player: each exercise's first (oldest) clinic photo or video the caller
    may see, by exercise id, in one query; exercises without one are absent."""
    owners = _clinicians_of(actor)
    ids = list(exercise_ids)
    if not owners or not ids:
        return {}
    rows = ClinicMedia.objects.filter(exercise_id__in=ids, clinician_id__in=owners).order_by(
        "created_at", "id"
    )
    first: dict[str, MediaView] = {}
    for m in rows:
        first.setdefault(m.exercise_id, _view(m, actor.pk))
    return first


def caption_clean(caption: str) -> str:
    """The caption as kept: one line, trimmed, at most MAX_CAPTION characters; InputError
    naming "Caption" otherwise. Empty is allowed (no caption)."""
    text = " ".join(caption.split())  # newlines and runs of spaces become one space
    if any(unicodedata.category(c) == "Cc" for c in text):
        raise InputError(CAPTION, [f"{CAPTION}: no control characters; plain text only"])
    if len(text) > MAX_CAPTION:
        raise InputError(
            CAPTION, [f"{CAPTION}: at most {MAX_CAPTION} characters (this one has {len(text)})"]
        )
    return text


def media_counts_of_exercises(*, actor: Actor, exercise_ids: Iterable[str]) -> dict[str, int]:
    """For the prescription editor: how many photos and videos the caller's own clinic has of
    each exercise, in one query; a clinician only (anyone else gets {}); none is absent."""
    ids = list(exercise_ids)
    if not ids or not actor.is_authenticated or role_of(actor) != "clinician":
        return {}
    rows = (
        ClinicMedia.objects.filter(clinician_id=actor.pk, exercise_id__in=ids)
        .values("exercise_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {str(r["exercise_id"]): int(r["n"]) for r in rows}


def media_add(
    *,
    actor: Actor,
    exercise_id: str,
    size: int,
    chunks: Iterable[bytes],
    caption: str = "",
) -> MediaView:
    """Check, clean and store one photo or video with its optional caption; InputError (naming
    "Photo or video" or "Caption") stores nothing."""
    clinician = _clinician(actor)
    _exercise(exercise_id)
    words = caption_clean(caption)  # before the file is read: a refusal touches nothing
    if size > MAX_VIDEO_BYTES:
        raise InputError(FIELD, [f"{FIELD}: at most {MAX_VIDEO_BYTES // (1024 * 1024)} MB"])
    held = ClinicMedia.objects.filter(clinician_id=clinician.pk, exercise_id=exercise_id)
    if held.count() >= MAX_PER_EXERCISE:
        raise InputError(
            FIELD,
            [f"{FIELD}: at most {MAX_PER_EXERCISE} per exercise; remove one to add another"],
        )
    with scratch() as work:
        raw = work / "upload"
        written = 0
        with os.fdopen(
            os.open(raw, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE), "wb"
        ) as fh:
            for chunk in chunks:
                written += len(chunk)
                if written > MAX_VIDEO_BYTES:  # the declared size can lie
                    raise InputError(
                        FIELD, [f"{FIELD}: at most {MAX_VIDEO_BYTES // (1024 * 1024)} MB"]
                    )
                fh.write(chunk)
        if written == 0:
            raise InputError(FIELD, [f"{FIELD}: choose a photo or a video to add"])
        cleaned = clean_media(raw, work)
        files = store(CLINIC_MEDIA)
        name = f"{uuid.uuid4().hex}{cleaned.suffix}"
        try:
            save_path(files, name, cleaned.path)
            row = ClinicMedia.objects.create(
                clinician=clinician,
                exercise_id=exercise_id,
                kind=cleaned.kind,
                content_type=cleaned.content_type,
                stored_name=name,
                size=cleaned.path.stat().st_size,
                duration_s=cleaned.duration_s,
                caption=words,
            )
        except BaseException:
            delete_quietly(files, name)
            raise
    audit_record(int(clinician.pk), "media.add", str(row.id))
    return _view(row, clinician.pk)


def _visible(actor: Actor, exercise_id: str, media_id: str) -> ClinicMedia:
    try:
        key = uuid.UUID(str(media_id))
    except ValueError as exc:
        raise NotFound("clinic media") from exc
    row = ClinicMedia.objects.filter(
        pk=key, exercise_id=exercise_id, clinician_id__in=_clinicians_of(actor)
    ).first()
    if row is None:
        raise NotFound("clinic media")
    return row


def media_open(*, actor: Actor, exercise_id: str, media_id: str) -> tuple[IO[bytes], str]:
    """The file (open for reading) and its content type, for those who may see it."""
    row = _visible(actor, exercise_id, media_id)
    files = store(CLINIC_MEDIA)
    if not files.exists(row.stored_name):
        raise NotFound("clinic media")
    return open_read(files, row.stored_name), row.content_type


def media_remove(*, actor: Actor, exercise_id: str, media_id: str) -> None:
    """Remove one item of the caller's own clinic (row and file)."""
    clinician = _clinician(actor)
    row = _visible(clinician, exercise_id, media_id)  # a clinician sees their own only
    name = row.stored_name
    row.delete()
    delete_quietly(store(CLINIC_MEDIA), name)
    audit_record(int(clinician.pk), "media.remove", media_id)


def media_erase_of(*, clinician_id: int) -> None:
    """The files of a clinician's media, before their account (and so the rows) is erased."""
    names = ClinicMedia.objects.filter(clinician_id=clinician_id).values_list(
        "stored_name", flat=True
    )
    delete_quietly(store(CLINIC_MEDIA), *names)
