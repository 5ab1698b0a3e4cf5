"""Running it for real (issue 19): /readyz proves a write and free space; JSON request logs
carry no health data."""

import json
import logging
import shutil
from collections import namedtuple

import pytest
from django.db import connection
from django.test import Client

from hipalign.adapters.db.models import ExerciseLogRecord, PlanRecord
from hipalign.services.ops import health
from hipalign.web.request_log import JsonFormatter, user_hash
from tests.services.factories import log_payload
from tests.web.conftest import post_log

pytestmark = pytest.mark.django_db
Usage = namedtuple("Usage", "total used free")


def _probe_rows() -> int:
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT count(*) FROM {health.PROBE_TABLE} WHERE cache_key = %s", [health.PROBE_KEY]
        )
        return int(cur.fetchone()[0])


def test_readyz_answers_ready_after_a_write_that_leaves_nothing_behind(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}
    assert _probe_rows() == 0  # the probe's row was rolled back


def test_readyz_answers_503_when_the_data_folder_is_nearly_full(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = shutil.disk_usage
    monkeypatch.setattr(
        "hipalign.services.ops.health.shutil.disk_usage",
        lambda p: Usage(real(p).total, real(p).total, 4096),
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "low_disk_space"}
    assert client.get("/healthz").status_code == 200  # still alive: only not ready


@pytest.mark.django_db(transaction=True)  # PostgreSQL: a read-only default needs a new transaction
def test_readyz_answers_503_when_the_database_is_read_only(client: Client) -> None:
    client.get("/readyz")  # the connection is open before it turns read-only
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET default_transaction_read_only = on")
        else:
            cur.execute("PRAGMA query_only = ON")  # SQLite refuses every write, as a 0444 file
    try:
        response = client.get("/readyz")
        alive = client.get("/healthz")
    finally:
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute("SET default_transaction_read_only = off")
            else:
                cur.execute("PRAGMA query_only = OFF")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "database_not_writable"}
    assert alive.status_code == 200


CANARY = "CANARY-left-hip-pain-7"


def test_request_logs_are_json_with_id_user_hash_route_status_and_no_health_data(
    owner_client: Client, owner_plan: PlanRecord, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = log_payload(owner_plan, client_id=f"{CANARY}-body")
    ok = owner_client.post(
        f"/api/logs?note={CANARY}-query",
        json.dumps(body),
        content_type="application/json",
        headers={"X-Request-ID": "proxy-id-123456"},
    )
    bad = post_log(owner_client, {**log_payload(owner_plan), "exercise": f"{CANARY}-bad"})
    assert ok.status_code == 201 and bad.status_code == 422
    assert ExerciseLogRecord.objects.filter(client_id=f"{CANARY}-body").exists()

    lines = [JsonFormatter().format(r) for r in caplog.records]
    assert lines, "nothing was logged"
    assert not [line for line in lines if CANARY in line]
    requests = [json.loads(line) for line in lines if '"logger": "hipalign.request"' in line]
    assert [r["status"] for r in requests] == [201, 422]
    first = requests[0]
    assert first["request_id"] == "proxy-id-123456" and ok["X-Request-ID"] == "proxy-id-123456"
    assert len(requests[1]["request_id"]) == 32 and requests[1]["request_id"] == bad["X-Request-ID"]
    assert first["route"].startswith("/api/") and first["method"] == "POST"
    assert first["user"] == user_hash(owner_plan.user_id) and first["user"] != str(
        owner_plan.user_id
    )
    assert isinstance(first["duration_ms"], float)


def test_an_anonymous_request_logs_no_user_and_a_made_up_request_id_is_replaced(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="hipalign.request")
    response = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    (record,) = [r for r in caplog.records if r.name == "hipalign.request"]
    line = json.loads(JsonFormatter().format(record))
    assert line["user"] is None and line["route"] == "/healthz" and line["status"] == 200
    assert line["request_id"] != "<script>" and response["X-Request-ID"] == line["request_id"]
