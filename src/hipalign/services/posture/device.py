"""Posture measured in the person's browser (issue 17, "Posture on the device").

The page runs the same pose model and the core's geometry (ported in
static/hipalign/js/posture_measure.js, its thresholds from core.posture.views.rules_document) on
the picture and its mirror image, and sends only the per-view measurements: angles, the shift and
the three sizes the checks used, never a landmark or a pixel (unless the person chooses to keep
the drawn overlay). Here the core combines them again, so the stored result is the server's own
reading of the numbers, and a resend with the same client id stores nothing twice.
"""

import base64
import binascii
import io
import uuid
from typing import Any, Literal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hipalign.adapters.db.models import PostureUpload
from hipalign.core.errors import InputError, describe
from hipalign.core.posture.geometry import FrameMetrics
from hipalign.core.posture.views import MIRRORED, PHOTO, combine_views
from hipalign.services.kernel.audit import audit_record
from hipalign.services.kernel.files import POSTURE, delete_quietly, save_bytes, store

# The model the page runs: the npm build of the same BlazePose full landmark model (the model
# file is byte-identical to the wheel's, web/pose_assets.py), a different runtime. A result names
# it so a baseline is never compared across the two (VISION.md 6.2).
DEVICE_MODEL = "@mediapipe/pose 0.5.1675469404 BlazePose full, in the browser, one picture"
MAX_OVERLAY_BYTES = 4 * 1024 * 1024  # a drawn PNG of a phone photo, downscaled by the page
MAX_OVERLAY_SIDE = 4096
Angle = Field(ge=-180.0, le=180.0, allow_inf_nan=False)
Size = Field(gt=0.0, le=100_000.0, allow_inf_nan=False)


class ViewNumbers(BaseModel):
    """One view's measurements, as core.posture.geometry.FrameMetrics (degrees, %, pixels)."""

    model_config = ConfigDict(extra="forbid")

    hip_tilt_deg: float = Angle
    shoulder_tilt_deg: float = Angle
    trunk_lean_deg: float = Angle
    lateral_shift_pct: float = Field(ge=-100.0, le=100.0, allow_inf_nan=False)
    ankle_tilt_deg: float = Angle
    trunk_length_px: float = Size
    hip_width_px: float = Size
    shoulder_width_px: float = Size


class Refused(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refused: Literal[
        "no_person",
        "several_people",
        "image_too_small",
        "not_visible",
        "person_too_small",
        "turned",
        "facing_away",
    ]


class DeviceMeasurement(BaseModel):
    """The body the posture page posts (JSON)."""

    model_config = ConfigDict(extra="forbid")

    client_id: uuid.UUID
    photo: ViewNumbers | Refused
    mirrored: ViewNumbers | None = None
    overlay_png: str | None = Field(default=None, max_length=MAX_OVERLAY_BYTES * 4 // 3 + 64)


def _frame(v: ViewNumbers | Refused) -> Any:
    from hipalign.core.posture.geometry import REFUSAL_REASONS, Refusal

    if isinstance(v, Refused):
        return Refusal(code=v.refused, reason=REFUSAL_REASONS[v.refused])
    return FrameMetrics(**v.model_dump())


def _overlay_png(data: str) -> bytes:
    """The drawn picture, decoded, checked and re-encoded (no metadata survives)."""
    from PIL import Image

    raw = data.removeprefix("data:image/png;base64,")
    try:
        blob = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InputError("posture", ["overlay_png: not base64 PNG data"]) from exc
    if len(blob) > MAX_OVERLAY_BYTES:
        raise InputError(
            "posture", [f"overlay_png: {len(blob):,} bytes, at most {MAX_OVERLAY_BYTES:,}"]
        )
    try:
        with Image.open(io.BytesIO(blob), formats=["PNG"]) as im:
            if max(im.size) > MAX_OVERLAY_SIDE:
                raise InputError(
                    "posture", [f"overlay_png: each side may be at most {MAX_OVERLAY_SIDE} pixels"]
                )
            im.load()
            out = io.BytesIO()
            im.convert("RGB").save(out, format="PNG")
            return out.getvalue()
    except InputError:
        raise
    except (OSError, SyntaxError, ValueError) as exc:
        raise InputError("posture", ["overlay_png: not a readable PNG image"]) from exc


def device_measurement_record(*, user: User, payload: dict[str, Any]) -> tuple[PostureUpload, bool]:
    """Store one measurement made on the device; (record, created). A resend with the same
    client_id and body answers the stored record; the same id with another body is refused."""
    try:
        doc = DeviceMeasurement.model_validate(payload)
    except ValidationError as exc:
        raise InputError("posture", describe(exc)) from None
    if isinstance(doc.photo, ViewNumbers) and doc.mirrored is None:
        raise InputError(
            "posture", ["mirrored: required when the picture was measured (its mirror image)"]
        )
    views = {PHOTO: [_frame(doc.photo)]}
    if doc.mirrored is not None:
        views[MIRRORED] = [_frame(doc.mirrored)]
    # The combination is deterministic: the same numbers give the same stored result, which is
    # how a resend is told from another measurement under the same id.
    body = combine_views(views, model=DEVICE_MODEL).model_dump(mode="json")
    existing = PostureUpload.objects.filter(user_id=user.pk, client_id=doc.client_id).first()
    if existing is not None:
        return _same_or_refuse(existing, body), False
    png = _overlay_png(doc.overlay_png) if doc.overlay_png else None
    overlay_name = ""
    if png is not None:
        overlay_name = save_bytes(store(POSTURE), f"{uuid.uuid4().hex}-overlay.png", png)
    try:
        with transaction.atomic():
            rec = PostureUpload.objects.create(
                user=user,
                kind="photo",
                status="done",
                client_id=doc.client_id,
                result=body,
                overlay_name=overlay_name,
            )
    except IntegrityError:  # the same id raced in from a second tab
        delete_quietly(store(POSTURE), overlay_name)
        existing = PostureUpload.objects.get(user_id=user.pk, client_id=doc.client_id)
        return _same_or_refuse(existing, body), False
    audit_record(int(user.pk), "posture.device", str(rec.id))
    return rec, True


def _same_or_refuse(rec: PostureUpload, body: dict[str, Any]) -> PostureUpload:
    if rec.result != body:
        raise InputError(
            "posture",
            ["client_id: already used for a different measurement; make a new id for a new one"],
        )
    return rec
