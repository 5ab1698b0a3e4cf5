"""Posture uploads in the web app: store safely, analyse (inline or by `hipalign worker`), show,
feed the intake, delete. RELIABILITY.md 4: size caps, type by content, re-encode, server-made
names, no public URL; the original is deleted after analysis unless the person keeps it.

Files go through the posture store (services/kernel/files.py, Django's `STORAGES["default"]`):
the data folder's `uploads` by default, shared storage for a clinic with several machines."""

import importlib.util
import logging
import os
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from hipalign.adapters.db.models import PostureUpload
from hipalign.core.errors import InputError
from hipalign.core.posture.geometry import PostureResult
from hipalign.services.kernel.access import owned
from hipalign.services.kernel.audit import audit_record
from hipalign.services.kernel.files import (
    POSTURE,
    delete_quietly,
    local_copy,
    on_disk,
    open_read,
    save_path,
    scratch,
    store,
)
from hipalign.services.kernel.jobs import job_enqueue
from hipalign.services.kernel.languages import grouped
from hipalign.services.program.plans import intake_current, intake_submit

log = logging.getLogger("hipalign.posture")
NOT_MEASURED = "could not be measured"
# Issue 20: a refusal's words are in the person's language (gettext at raise time, under the
# language the request activated); its field stays the form's id ("file: ..."), so the API and
# the command line read the same English as before when no other language is active.


def _not_installed() -> str:
    return "file: " + gettext(
        "posture analysis is not installed on this server, so no photo or clip is accepted"
    )


PRIVATE_FILE = 0o600  # issue 12.16
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
CLIP_SUFFIXES = {".mp4", ".mov", ".webm", ".m4v"}
MAX_PHOTO_BYTES = 20 * 1024 * 1024  # RELIABILITY.md 4
MAX_CLIP_BYTES = 100 * 1024 * 1024
MAX_UPLOADS_PER_DAY = 20  # per-person quota (ASVS 5.2.4) [P]
# Starts of one analysis; a file whose analysis stopped its worker this often fails for good
# (issue 12.1). Below JOB_MAX_TRIES, so the job itself ends it with the person's reason.
MAX_ATTEMPTS = 2
# VISION.md 6.5: hip-line changes under ~2 degrees are treated as no change (a judgement default).
NO_CHANGE_DEG = 2.0


def upload_dir() -> Path:
    """The posture store's folder when it is on disk (the default; tests look into it)."""
    path = on_disk(store(POSTURE), "")
    if path is None:
        raise RuntimeError("the posture store is not a local folder")
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)  # issue 12.16, whatever the umask
    return path


def vision_available() -> bool:
    """Whether the vision extra is installed, without loading it into the server process."""
    return all(importlib.util.find_spec(name) is not None for name in ("cv2", "mediapipe"))


def upload_store(user: User, name: str, size: int, chunks: Any, keep: bool) -> PostureUpload:
    """Write the upload under a server-made name; refuse wrong types and sizes, storing nothing.

    Nothing is accepted while analysis is not installed: the file would only sit on disk with
    its metadata (GPS included) and never be measured (issue 12.15)."""
    if not vision_available():
        raise InputError("file", [_not_installed()])
    suffix = Path(name).suffix.lower()
    if suffix in PHOTO_SUFFIXES:
        kind, cap = "photo", MAX_PHOTO_BYTES
    elif suffix in CLIP_SUFFIXES:
        kind, cap = "clip", MAX_CLIP_BYTES
    else:
        allowed = ", ".join(sorted(PHOTO_SUFFIXES | CLIP_SUFFIXES))
        raise InputError(
            "file",
            ["file: " + gettext("a photo or clip is needed (%(allowed)s)") % {"allowed": allowed}],
        )
    if size > cap:
        said = (
            gettext("%(size)s bytes; a photo may be at most %(cap)s bytes")
            if kind == "photo"
            else gettext("%(size)s bytes; a clip may be at most %(cap)s bytes")
        )
        raise InputError("file", ["file: " + said % {"size": grouped(size), "cap": grouped(cap)}])
    since = timezone.now() - timedelta(days=1)
    if (
        PostureUpload.objects.filter(user_id=user.pk, created_at__gte=since).count()
        >= MAX_UPLOADS_PER_DAY
    ):
        raise InputError(
            "file",
            [
                "file: "
                + gettext("at most %(count)s uploads a day") % {"count": MAX_UPLOADS_PER_DAY}
            ],
        )
    stored = f"{uuid.uuid4().hex}{suffix}"
    files = store(POSTURE)
    # Counted into a private scratch file first: the declared size can lie, and a store (a
    # bucket) is only given a file that is already known to be within the cap.
    with scratch() as work:
        path = work / stored
        written = 0
        with os.fdopen(
            os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE), "wb"
        ) as fh:
            for chunk in chunks:
                written += len(chunk)
                if written > cap:
                    raise InputError(
                        "file",
                        ["file: " + gettext("more than %(cap)s bytes") % {"cap": grouped(cap)}],
                    )
                fh.write(chunk)
        try:
            save_path(files, stored, path)
            rec = PostureUpload.objects.create(
                user=user, kind=kind, stored_name=stored, keep_original=keep
            )
        except BaseException:
            delete_quietly(files, stored)
            raise
    audit_record(int(user.pk), "posture.upload", str(rec.id))
    # Inline (the default) this measures now; with a worker it waits in the queue (issue 19).
    job_enqueue(
        key=f"posture:{rec.id}",
        body="hipalign.services.posture.uploads.upload_analyze",
        give_up="hipalign.services.posture.uploads.upload_gave_up",
        upload_id=str(rec.id),
    )
    rec.refresh_from_db()
    return rec


def upload_analyze(upload_id: uuid.UUID | str) -> None:
    """Run one try of the job (services/kernel/jobs.py); idempotent: a finished upload is left as it is.

    The model runs in a child process (services/posture/child.py), so a file that crashes it
    fails its own job only. The original is always deleted: a photo the person keeps is the
    re-encoded copy (no EXIF, no GPS), and a file that cannot be re-encoded is never kept."""
    from hipalign.services.posture.analysis import (
        CLIP_TIMEOUT_S,
        PHOTO_TIMEOUT_S,
        posture_analyze_isolated,
    )

    with transaction.atomic():
        rec = PostureUpload.objects.filter(pk=upload_id).first()
        if rec is None or rec.status in ("done", "failed"):
            return
        if rec.attempts >= MAX_ATTEMPTS:
            _give_up(rec)
            return
        rec.status, rec.started_at, rec.attempts = "running", timezone.now(), rec.attempts + 1
        rec.save(update_fields=["status", "started_at", "attempts"])
    files = store(POSTURE)
    original_name = rec.stored_name or f"{rec.id.hex}-missing"
    overlay_name = f"{rec.id.hex}-overlay.png"
    clean_name = f"{rec.id.hex}-clean.png" if rec.kind == "photo" else ""
    # From an attempt whose worker died part-way.
    delete_quietly(files, overlay_name, clean_name)
    measured: PostureResult | None = None
    # The child writes the overlay and the clean copy into a private scratch folder; only
    # what is kept is then put into the store.
    with scratch() as work:
        overlay = work / overlay_name
        clean = work / clean_name if clean_name else None
        try:
            with local_copy(files, original_name) as original:
                measured = posture_analyze_isolated(
                    source=original,
                    overlay=overlay,
                    clean=clean,
                    timeout_s=PHOTO_TIMEOUT_S if rec.kind == "photo" else CLIP_TIMEOUT_S,
                )
        except InputError as exc:
            rec.status, rec.error = "failed", exc.message[:300]
        except Exception:  # a hostile file fails its job, never the worker
            log.exception("posture job %s failed", rec.id)
            rec.status, rec.error = "failed", f"file is not valid: {NOT_MEASURED}"
        else:
            rec.status, rec.result = "done", measured.model_dump(mode="json")
            rec.overlay_name = ""
            if overlay.is_file():
                rec.overlay_name = save_path(files, overlay_name, overlay)
        delete_quietly(files, rec.stored_name)
        rec.stored_name = ""
        if clean is not None and measured is not None and rec.keep_original and clean.is_file():
            rec.stored_name = save_path(files, clean_name, clean)
    rec.save()


def _give_up(rec: PostureUpload) -> None:
    """Its worker died during every attempt: the job fails, and nothing of the file is kept."""
    log.warning("posture job %s given up after %s attempts", rec.id, rec.attempts)
    delete_quietly(
        store(POSTURE), rec.stored_name, f"{rec.id.hex}-clean.png", f"{rec.id.hex}-overlay.png"
    )
    rec.status, rec.stored_name, rec.overlay_name = "failed", "", ""
    rec.error = f"file is not valid: {NOT_MEASURED}: the analysis stopped on this file"
    rec.save()


def upload_gave_up(upload_id: str, reason: str) -> None:
    """The job failed for good (services/kernel/jobs.py): the person sees "could not be measured"
    with a reason in their words (never a worker's name or a traceback)."""
    rec = PostureUpload.objects.filter(pk=upload_id).first()
    if rec is None or rec.status in ("done", "failed"):
        return
    _give_up(rec)
    if not reason.startswith("the worker"):  # an error on our side, not this file's doing
        rec.error = f"file: {NOT_MEASURED}: the analysis failed on the server; please try again"
        rec.save(update_fields=["error"])


@dataclass(frozen=True)
class PostureView:
    upload: PostureUpload
    result: PostureResult | None
    change_deg: float | None  # hip line against the first measured upload (the baseline)
    change_text: str


def upload_list(user: User) -> list[PostureView]:
    uploads = list(PostureUpload.objects.filter(user_id=user.pk).order_by("created_at"))
    baseline: PostureResult | None = None
    views = []
    for u in uploads:
        result = PostureResult.model_validate(u.result) if u.result else None
        change, text = None, ""
        # Issue 17: a hip line the mirror check could not confirm is neither a baseline nor a
        # change against one.
        if result and result.status == "ok" and result.metrics["hip_tilt_deg"].reliable:
            if baseline is None or baseline.model != result.model:
                baseline = result  # never compare across models (VISION.md 6.2)
                text = "This is your baseline: later pictures are compared with it."
            else:
                change = (
                    result.metrics["hip_tilt_deg"].value - baseline.metrics["hip_tilt_deg"].value
                )
                text = f"Hip line {change:+.1f}° against your baseline: " + (
                    "about the same (under 2° counts as no change)."
                    if abs(change) < NO_CHANGE_DEG
                    else "a change worth showing to your physiotherapist."
                )
        views.append(PostureView(u, result, change, text))
    return views[::-1]


def upload_get(user: User, upload_id: str) -> PostureUpload:
    return owned(PostureUpload, user, upload_id)


def overlay_open(user: User, upload_id: str) -> IO[bytes]:
    """The drawn picture of the person's own upload, open for reading; FileNotFoundError when
    it has none (or its file is gone)."""
    rec = owned(PostureUpload, user, upload_id)
    files = store(POSTURE)
    if not rec.overlay_name or not files.exists(rec.overlay_name):
        raise FileNotFoundError("overlay")
    return open_read(files, rec.overlay_name)


def upload_to_intake(user: User, upload_id: str, today: date) -> None:
    """Put the measured hip line into the answers as pelvic obliquity from a photo, and re-plan."""
    rec = owned(PostureUpload, user, upload_id)
    result = PostureResult.model_validate(rec.result) if rec.result else None
    if result is None or result.status != "ok":
        raise InputError("posture", ["(upload): " + gettext("only a measured picture can be used")])
    if not result.metrics["hip_tilt_deg"].reliable:
        raise InputError(
            "posture",
            ["(upload): " + gettext("the hip line could not be measured reliably in this picture")],
        )
    current = intake_current(user)
    if current is None:
        raise InputError("posture", ["(intake): " + gettext("fill in your answers first")])
    doc = current.model_dump(mode="json", by_alias=True, exclude_none=True)
    hip = result.metrics["hip_tilt_deg"]
    high = result.high_side if result.high_side in ("left", "right") else "none"
    doc.setdefault("findings", {})["pelvic_obliquity"] = {
        "degrees": min(30.0, round(abs(hip.value), 1)),  # the intake's range
        "high_side": high,
        "source": "photo",
    }
    intake_submit(user, doc, today)


def upload_delete(user: User, upload_id: str) -> None:
    rec = owned(PostureUpload, user, upload_id)
    delete_quietly(store(POSTURE), rec.stored_name, rec.overlay_name)
    rec.delete()
    audit_record(int(user.pk), "posture.delete", upload_id)
