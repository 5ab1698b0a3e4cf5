"""Posture uploads through the web app: analysis, ownership, refusals, files, intake, worker."""

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from PIL import Image

from hipalign.adapters.db.models import IntakeRecord, PlanRecord, PostureUpload
from hipalign.services import accounts
from hipalign.services.posture_uploads import upload_dir, upload_run_pending
from tests.adapters.media import media_dir
from tests.services.factories import PASSWORD

pytestmark = pytest.mark.django_db
MEDIA = media_dir()


def _photo(name: str = "pose.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (MEDIA / name).read_bytes(), content_type="image/jpeg")


def _files() -> set[str]:
    return {p.name for p in upload_dir().iterdir()}


def test_a_photo_is_measured_and_its_original_deleted(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    before = _files()
    response = owner_client.post("/posture", {"file": _photo()})
    assert response.status_code == 302
    rec = PostureUpload.objects.get(user=owner_plan.user)
    assert rec.status == "done" and rec.result["status"] == "ok"
    assert rec.stored_name == ""  # not kept
    assert _files() - before == {rec.overlay_name}
    page = owner_client.get("/posture").content.decode()
    assert "Hip line (°" in page and "This is your baseline" in page
    overlay = owner_client.get(f"/posture/{rec.id}/overlay.png")
    assert overlay.status_code == 200 and overlay["Content-Type"] == "image/png"
    assert "sandbox" in overlay["Content-Security-Policy"]
    report = owner_client.get("/report").content.decode()
    assert "-5.9 ± 2.4" in report and "None recorded yet" not in report
    progress = owner_client.get("/progress").content.decode()
    assert (
        'data-testid="progress-posture"' in progress
        and f"/posture/{rec.id}/overlay.png" in progress
    )


def test_a_kept_photo_is_stored_re_encoded_without_metadata(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    buf = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "CanaryCam"  # Make
    Image.open(MEDIA / "pose.jpg").save(buf, format="JPEG", exif=exif.tobytes())
    upload = SimpleUploadedFile("me.jpg", buf.getvalue() + b"<html>trailing</html>")
    owner_client.post("/posture", {"file": upload, "keep": "on"})
    rec = PostureUpload.objects.get(user=owner_plan.user)
    stored = upload_dir() / rec.stored_name
    assert stored.suffix == ".png"
    data = stored.read_bytes()
    assert b"CanaryCam" not in data and b"<html>" not in data
    with Image.open(stored) as im:
        assert not im.getexif()


def test_a_file_that_is_not_a_photo_or_clip_stores_nothing(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    before = _files()
    response = owner_client.post("/posture", {"file": SimpleUploadedFile("x.svg", b"<svg/>")})
    assert response.status_code == 422
    assert "file: a photo or clip is needed" in response.content.decode()
    assert not PostureUpload.objects.exists() and _files() == before


def test_a_disguised_file_fails_its_job_and_leaves_no_original(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    owner_client.post("/posture", {"file": SimpleUploadedFile("x.jpg", b"not an image at all")})
    rec = PostureUpload.objects.get(user=owner_plan.user)
    assert rec.status == "failed" and "not a readable" in rec.error
    assert rec.stored_name == ""


def test_another_persons_upload_answers_404_and_stays(
    owner_client: Client, other_client: Client, owner_plan: PlanRecord
) -> None:
    owner_client.post("/posture", {"file": _photo()})
    rec = PostureUpload.objects.get(user=owner_plan.user)
    assert other_client.get(f"/posture/{rec.id}/overlay.png").status_code == 404
    assert other_client.post(f"/posture/{rec.id}/delete").status_code == 404
    assert other_client.post(f"/posture/{rec.id}/use").status_code == 404
    assert PostureUpload.objects.filter(pk=rec.id).exists()
    assert (upload_dir() / rec.overlay_name).is_file()
    assert "Hip line (°" not in other_client.get("/posture").content.decode()


def test_the_hip_line_goes_into_the_answers_as_a_photo_finding(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    owner_client.post("/posture", {"file": _photo()})
    rec = PostureUpload.objects.get(user=owner_plan.user)
    response = owner_client.post(f"/posture/{rec.id}/use")
    assert response.status_code == 302
    newest = IntakeRecord.objects.filter(user=owner_plan.user).order_by("-created_at").first()
    assert newest is not None
    ob = newest.document["findings"]["pelvic_obliquity"]
    assert ob["source"] == "photo" and ob["high_side"] == "right"
    assert ob["degrees"] == pytest.approx(5.9, abs=0.1)
    assert PlanRecord.objects.filter(user=owner_plan.user).count() == 2  # re-planned, history kept


@override_settings(POSTURE_JOBS="worker")
def test_in_worker_mode_the_upload_waits_for_the_worker(
    owner_client: Client, owner_plan: PlanRecord
) -> None:
    owner_client.post("/posture", {"file": _photo()})
    rec = PostureUpload.objects.get(user=owner_plan.user)
    assert rec.status == "queued"
    assert upload_run_pending() == 1
    rec.refresh_from_db()
    assert rec.status == "done"
    assert upload_run_pending() == 0  # idempotent: nothing left


def test_deleting_the_account_deletes_the_files(
    owner: AbstractBaseUser, owner_client: Client, owner_plan: PlanRecord
) -> None:
    owner_client.post("/posture", {"file": _photo(), "keep": "on"})
    rec = PostureUpload.objects.get(user=owner)
    files = [upload_dir() / rec.stored_name, upload_dir() / rec.overlay_name]
    assert all(f.is_file() for f in files)
    accounts.account_delete(owner, PASSWORD)
    assert not any(f.exists() for f in files)
    assert not PostureUpload.objects.filter(pk=rec.id).exists()


def test_anonymous_cannot_upload(tmp_path: Path) -> None:
    response = Client().post("/posture", {"file": _photo()})
    assert response.status_code == 302 and response["Location"].startswith("/login")
    assert not PostureUpload.objects.exists()
