"""`hipalign audit verify` and `hipalign audit export`: the operator's check of the audit chain
and the signed export for an outside archive (issue 12, item 13)."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hipalign.adapters.db.models import AuditEvent
from hipalign.cli.main import app
from hipalign.services.kernel.audit import audit_record

pytestmark = pytest.mark.django_db
runner = CliRunner()


@pytest.fixture(autouse=True)
def _keep_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # `prepare` points HIPALIGN_DATA at --data; the test database is already set up.
    monkeypatch.setenv("HIPALIGN_DATA", str(tmp_path))


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_verify_prints_length_and_head_and_exits_0(tmp_path: Path) -> None:
    for i in range(3):
        audit_record(1, "test.event", str(i))
    head = AuditEvent.objects.order_by("-id").first()
    assert head is not None

    code, out, _ = run("audit", "verify", "--data", str(tmp_path))

    assert code == 0
    assert out.strip() == f"audit chain holds: 3 rows, head row {head.pk} hash {head.hash}"


def test_verify_exits_1_and_names_the_row_when_the_chain_breaks(tmp_path: Path) -> None:
    for i in range(3):
        audit_record(1, "test.event", str(i))
    second = AuditEvent.objects.order_by("id")[1]
    AuditEvent.objects.filter(pk=second.pk).update(target="edited")

    code, out, _ = run("audit", "verify", "--data", str(tmp_path), "--format", "json")

    assert code == 1
    got = json.loads(out)
    assert (got["holds"], got["broken_at"], got["length"]) == (False, second.pk, 1)


def test_verify_against_an_export_reports_truncation(tmp_path: Path) -> None:
    for i in range(30):
        audit_record(1, "test.event", str(i))
    export = tmp_path / "audit.jsonl"
    code, _, err = run("audit", "export", "--data", str(tmp_path), "--out", str(export))
    assert code == 0 and "audit log written to" in err
    lines = export.read_text().splitlines()
    assert len(lines) == 1 + 31 + 1  # header, 30 rows and the export's own, the anchor
    assert run("audit", "verify", "--data", str(tmp_path), "--against", str(export))[0] == 0

    newest = list(AuditEvent.objects.order_by("-id").values_list("id", flat=True)[:25])
    AuditEvent.objects.filter(id__in=newest).delete()
    alone = run("audit", "verify", "--data", str(tmp_path))
    code, out, _ = run("audit", "verify", "--data", str(tmp_path), "--against", str(export))

    assert alone[0] == 0  # alone, the chain cannot tell
    assert code == 1
    assert "audit chain does NOT hold: truncated: the anchor had 31 rows" in out


def test_export_to_standard_output_ends_with_the_signed_anchor(tmp_path: Path) -> None:
    audit_record(1, "a")
    code, out, _ = run("audit", "export", "--data", str(tmp_path))
    assert code == 0
    last = json.loads(out.splitlines()[-1])
    assert last["anchor"]["length"] == 2 and len(last["anchor"]["signature"]) == 64


def test_export_never_overwrites_a_file(tmp_path: Path) -> None:
    kept = tmp_path / "old.jsonl"
    kept.write_text("earlier export\n")
    code, _, err = run("audit", "export", "--data", str(tmp_path), "--out", str(kept))
    assert code == 2 and "exists already" in err
    assert kept.read_text() == "earlier export\n"
    assert not AuditEvent.objects.filter(action="audit.export").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        ("", "is empty"),
        ('{"schema": "hipalign.audit-anchor/1", "length": 1}\n', "the anchor has no head_id"),
        ("not json\n", "not an audit anchor"),
    ],
    ids=["missing", "empty", "incomplete", "not-json"],
)
def test_verify_against_a_bad_file_names_it_and_checks_nothing(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "anchor.json"
    if content is not None:
        path.write_text(content)
    code, _, err = run("audit", "verify", "--data", str(tmp_path), "--against", str(path))
    assert code == 2
    assert message in err and "--against" in err
    assert not AuditEvent.objects.filter(action="audit.verify").exists()
