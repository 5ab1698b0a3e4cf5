"""A clinic's own photo or video of an exercise (issue 16): checked like posture uploads
(type from content, caps, re-encoded, no metadata), seen by its clinic and linked patients
only, removable, and outside a person's export and erasure."""

import dataclasses
import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from PIL import Image

from hipalign.adapters.db.models import AuditEvent, ClinicMedia
from hipalign.core.errors import InputError
from hipalign.services.identity import accounts
from hipalign.services.kernel.access import NotFound
from hipalign.services.kernel.files import CLINIC_MEDIA, store
from hipalign.services.library import clinic_media
from tests.conftest import need
from tests.services.factories import PASSWORD, make_link

EXERCISE = "glute_bridge"
HAS_FFMPEG = shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None
needs_ffmpeg = need(HAS_FFMPEG, "ffmpeg/ffprobe not installed: videos are refused")


def _jpeg_with_gps() -> bytes:
    im = Image.new("RGB", (64, 48), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "CanaryCam"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 0.0)}  # GPS
    out = io.BytesIO()
    im.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _stored_files() -> set[str]:
    folder = Path(store(CLINIC_MEDIA).path(""))
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def _add(actor: Any, data: bytes, exercise_id: str = EXERCISE) -> clinic_media.MediaView:
    return clinic_media.media_add(
        actor=actor, exercise_id=exercise_id, size=len(data), chunks=[data]
    )


def _read(actor: Any, view: clinic_media.MediaView) -> bytes:
    fh, _ = clinic_media.media_open(actor=actor, exercise_id=view.exercise_id, media_id=view.id)
    with fh:
        return bytes(fh.read())


def _video(path: Path, seconds: float, *, codec: str = "libx264", fmt: str = "mp4") -> bytes:
    cmd = [
        "ffmpeg", "-v", "error", "-y", "-f", "lavfi",
        "-i", f"testsrc=size=64x48:rate=5:duration={seconds}",
        "-c:v", codec, "-metadata", "title=CanaryTitle", "-metadata", "location=+52.5+013.4/",
        "-f", fmt, str(path),
    ]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True, timeout=60)
    return path.read_bytes()


def test_a_photo_is_reencoded_without_its_gps_and_shown_to_the_linked_patient(
    clinician: User, owner: User
) -> None:
    raw = _jpeg_with_gps()
    assert b"CanaryCam" in raw

    view = _add(clinician, raw)

    stored = _read(owner, view)  # the linked patient reads it
    assert stored != raw and b"CanaryCam" not in stored
    with Image.open(io.BytesIO(stored)) as im:
        assert im.format == "JPEG" and im.size == (64, 48)
        assert dict(im.getexif()) == {}
    assert [m.id for m in clinic_media.media_for_exercise(actor=owner, exercise_id=EXERCISE)] == [
        view.id
    ]
    assert view.kind == "photo" and view.content_type == "image/jpeg"
    row = ClinicMedia.objects.get(pk=view.id)
    assert row.stored_name not in view.url  # no internal file name reaches a page
    assert AuditEvent.objects.filter(action="media.add", target=view.id).exists()


def test_html_after_a_png_is_dropped_by_the_reencoding(clinician: User) -> None:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 0)).save(out, format="PNG")
    polyglot = out.getvalue() + b"<html><script>alert(1)</script></html>"

    view = _add(clinician, polyglot)

    assert b"<script>" not in _read(clinician, view)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"<html><body>not a picture</body></html>", "neither a photo nor a video"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "cannot be read"),  # a PNG header, no image
        (b"", "choose a photo or a video"),
    ],
    ids=["html named anything", "broken png", "empty"],
)
def test_a_refused_file_names_the_field_and_stores_nothing(
    clinician: User, data: bytes, says: str
) -> None:
    files, rows = _stored_files(), ClinicMedia.objects.count()

    with pytest.raises(InputError) as err:
        _add(clinician, data)

    assert err.value.problems[0].startswith("Photo or video: ")
    assert says in err.value.problems[0]
    assert (_stored_files(), ClinicMedia.objects.count()) == (files, rows)


def test_a_declared_size_over_the_cap_is_refused_before_reading(
    clinician: User,
) -> None:
    def never() -> Any:
        raise AssertionError("read although the declared size is over the cap")
        yield b""

    with pytest.raises(InputError, match="at most 100 MB"):
        clinic_media.media_add(
            actor=clinician, exercise_id=EXERCISE, size=101 * 1024 * 1024, chunks=never()
        )
    assert ClinicMedia.objects.count() == 0


def test_a_photo_of_too_many_pixels_is_refused(clinician: User) -> None:
    out = io.BytesIO()
    Image.new("L", (9000, 10)).save(out, format="PNG")

    with pytest.raises(InputError, match="each side may be at most 8,192 pixels"):
        _add(clinician, out.getvalue())
    assert ClinicMedia.objects.count() == 0


@needs_ffmpeg
def test_a_short_video_is_kept_without_its_metadata(
    clinician: User, owner: User, tmp_path: Path
) -> None:
    raw = _video(tmp_path / "in.mp4", 2)
    assert b"CanaryTitle" in raw

    view = _add(clinician, raw)

    stored = _read(owner, view)
    assert view.kind == "video" and view.content_type == "video/mp4"
    assert b"CanaryTitle" not in stored
    (tmp_path / "out.mp4").write_bytes(stored)
    probed = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "error", "-of", "json", "-show_format", str(tmp_path / "out.mp4")],
            capture_output=True,
            check=True,
        ).stdout
    )
    assert "title" not in probed["format"].get("tags", {})
    assert 1.5 < float(probed["format"]["duration"]) < 2.5


@needs_ffmpeg
def test_a_video_over_a_minute_is_refused_naming_the_limit(clinician: User, tmp_path: Path) -> None:
    raw = _video(tmp_path / "long.mp4", 61)
    files = _stored_files()

    with pytest.raises(InputError) as err:
        _add(clinician, raw)

    assert err.value.problems == ["Photo or video: the video lasts 61 s; at most 60 s is allowed"]
    assert _stored_files() == files and ClinicMedia.objects.count() == 0


@needs_ffmpeg
def test_a_video_in_a_codec_browsers_do_not_play_is_refused(
    clinician: User, tmp_path: Path
) -> None:
    raw = _video(tmp_path / "mjpeg.mov", 1, codec="mjpeg", fmt="mov")

    with pytest.raises(InputError, match=r"coded as mjpeg; use H\.264"):
        _add(clinician, raw)
    assert ClinicMedia.objects.count() == 0


def test_without_ffmpeg_a_video_is_refused_saying_why(
    clinician: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("hipalign.adapters.media_files.video_tools", lambda: False)
    mp4_head = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100

    with pytest.raises(InputError, match="cannot check videos"):
        _add(clinician, mp4_head)
    assert ClinicMedia.objects.count() == 0


def test_only_clinicians_add_and_only_for_a_library_exercise(
    owner: User, admin: User, clinician: User
) -> None:
    for actor in (owner, admin):
        with pytest.raises(NotFound):
            _add(actor, _jpeg_with_gps())
    with pytest.raises(NotFound):
        _add(clinician, _jpeg_with_gps(), exercise_id="no_such_exercise")
    assert ClinicMedia.objects.count() == 0


def test_others_never_see_it_and_a_link_that_ends_ends_it(
    clinician: User,
    owner: User,
    other: User,
    other_clinician: User,
    admin: User,
) -> None:
    view = _add(clinician, _jpeg_with_gps())

    for actor in (other, other_clinician, admin):
        assert clinic_media.media_for_exercise(actor=actor, exercise_id=EXERCISE) == []
        with pytest.raises(NotFound):
            clinic_media.media_open(actor=actor, exercise_id=EXERCISE, media_id=view.id)
    with pytest.raises(NotFound):  # the right id under another exercise
        clinic_media.media_open(actor=owner, exercise_id="plank", media_id=view.id)

    from hipalign.adapters.db.models import CareLink

    CareLink.objects.filter(clinician=clinician, patient=owner).update(status="ended")
    with pytest.raises(NotFound):
        clinic_media.media_open(actor=owner, exercise_id=EXERCISE, media_id=view.id)


def test_removing_deletes_row_and_file_and_only_its_clinic_may(
    clinician: User, owner: User, other_clinician: User
) -> None:
    view = _add(clinician, _jpeg_with_gps())
    path = Path(store(CLINIC_MEDIA).path(ClinicMedia.objects.get(pk=view.id).stored_name))

    for actor in (owner, other_clinician):
        with pytest.raises(NotFound):
            clinic_media.media_remove(actor=actor, exercise_id=EXERCISE, media_id=view.id)
    assert path.is_file() and ClinicMedia.objects.filter(pk=view.id).exists()

    clinic_media.media_remove(actor=clinician, exercise_id=EXERCISE, media_id=view.id)

    assert not path.exists() and not ClinicMedia.objects.filter(pk=view.id).exists()
    assert AuditEvent.objects.filter(action="media.remove", target=view.id).exists()


def test_the_cap_per_exercise_is_named(clinician: User) -> None:
    for _ in range(clinic_media.MAX_PER_EXERCISE):
        _add(clinician, _jpeg_with_gps())

    with pytest.raises(InputError, match="at most 3 per exercise; remove one"):
        _add(clinician, _jpeg_with_gps())


def test_a_patients_export_and_erasure_leave_the_clinic_media_alone(
    clinician: User, owner: User
) -> None:
    view = _add(clinician, _jpeg_with_gps())

    exported = json.dumps(accounts.account_export(owner), default=str)
    assert view.id not in exported
    accounts.account_delete(owner, PASSWORD)

    assert ClinicMedia.objects.filter(pk=view.id).exists()
    assert _read(clinician, view)


def test_erasing_the_clinicians_account_removes_its_files(
    clinician: User,
) -> None:
    _add(clinician, _jpeg_with_gps())
    name = ClinicMedia.objects.get().stored_name
    assert name in _stored_files()

    accounts.account_delete(clinician, PASSWORD)

    assert name not in _stored_files() and ClinicMedia.objects.count() == 0


def test_the_player_gets_each_exercises_first_item_for_its_linked_patient_only(
    clinician: User, owner: User, other: User
) -> None:
    first = _add(clinician, _jpeg_with_gps())
    _add(clinician, _jpeg_with_gps())  # a second of the same exercise: not the player's
    ids = [EXERCISE, "clamshell"]

    got = clinic_media.media_first_of_exercises(actor=owner, exercise_ids=ids)

    assert list(got) == [EXERCISE] and got[EXERCISE].id == first.id  # clamshell has none
    assert clinic_media.media_first_of_exercises(actor=other, exercise_ids=ids) == {}


def test_a_caption_is_kept_on_one_line_and_read_by_the_linked_patient(
    clinician: User, owner: User
) -> None:
    data = _jpeg_with_gps()
    clinic_media.media_add(
        actor=clinician,
        exercise_id=EXERCISE,
        size=len(data),
        chunks=[data],
        caption="  Knees hip-width apart,\n  heels under the knees ",
    )

    (seen,) = clinic_media.media_for_exercise(actor=owner, exercise_id=EXERCISE)

    assert seen.caption == "Knees hip-width apart, heels under the knees"
    assert ClinicMedia.objects.get().caption == seen.caption
    with pytest.raises(dataclasses.FrozenInstanceError):  # a read model, not an ORM row
        seen.caption = "changed"  # type: ignore[misc]


def test_without_a_caption_the_item_has_an_empty_one(clinician: User, owner: User) -> None:
    _add(clinician, _jpeg_with_gps())

    (seen,) = clinic_media.media_for_exercise(actor=owner, exercise_id=EXERCISE)

    assert seen.caption == ""


@pytest.mark.parametrize(
    ("caption", "says"),
    [
        (
            "x" * (clinic_media.MAX_CAPTION + 1),
            "Caption: at most 200 characters (this one has 201)",
        ),
        ("Heels down\x00", "Caption: no control characters; plain text only"),
    ],
)
def test_a_caption_too_long_or_with_control_characters_is_refused_naming_it_and_stores_nothing(
    clinician: User, caption: str, says: str
) -> None:
    data = _jpeg_with_gps()
    before = _stored_files()

    with pytest.raises(InputError) as refused:
        clinic_media.media_add(
            actor=clinician, exercise_id=EXERCISE, size=len(data), chunks=[data], caption=caption
        )

    assert refused.value.what == "Caption" and refused.value.problems == [says]
    assert ClinicMedia.objects.count() == 0 and _stored_files() == before
    assert not AuditEvent.objects.filter(action="media.add").exists()


def test_a_caption_of_exactly_the_limit_is_kept(clinician: User) -> None:
    data = _jpeg_with_gps()
    words = "y" * clinic_media.MAX_CAPTION

    view = clinic_media.media_add(
        actor=clinician, exercise_id=EXERCISE, size=len(data), chunks=[data], caption=words
    )

    assert view.caption == words


def test_another_clinicians_linked_patient_never_sees_it(
    clinician: User, other: User, other_clinician: User
) -> None:
    make_link(other_clinician, other)  # `other` is someone's patient, just not this clinic's
    view = _add(clinician, _jpeg_with_gps())

    assert clinic_media.media_for_exercise(actor=other, exercise_id=EXERCISE) == []
    assert clinic_media.media_first_of_exercises(actor=other, exercise_ids=[EXERCISE]) == {}
    with pytest.raises(NotFound):
        clinic_media.media_open(actor=other, exercise_id=EXERCISE, media_id=view.id)
    # Their own clinician's item they do see, and only that one.
    theirs = _add(other_clinician, _jpeg_with_gps())
    assert [m.id for m in clinic_media.media_for_exercise(actor=other, exercise_id=EXERCISE)] == [
        theirs.id
    ]


def test_the_editor_counts_only_the_callers_own_clinics_items_per_exercise(
    clinician: User, owner: User, other_clinician: User
) -> None:
    _add(clinician, _jpeg_with_gps())
    _add(clinician, _jpeg_with_gps())
    _add(other_clinician, _jpeg_with_gps(), exercise_id="clamshell")
    ids = [EXERCISE, "clamshell"]

    assert clinic_media.media_counts_of_exercises(actor=clinician, exercise_ids=ids) == {
        EXERCISE: 2
    }
    assert clinic_media.media_counts_of_exercises(actor=other_clinician, exercise_ids=ids) == {
        "clamshell": 1
    }
    assert clinic_media.media_counts_of_exercises(actor=owner, exercise_ids=ids) == {}
