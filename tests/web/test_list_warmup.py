"""`hipalign serve` builds each clinic day's patient list ahead (web/list_warmup.py, issue 19):
each day once, a new day when a clinician's midnight passes, a failed day again next tick."""

import threading
from datetime import UTC, date, datetime
from typing import Any

import pytest

from hipalign.web import list_warmup

TUESDAY = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


class _Calls:
    def __init__(self, days: list[set[date]], fail: set[date] | None = None) -> None:
        self.days, self.fail = days, fail or set()
        self.built: list[date] = []

    def clinic_days(self, *, now: datetime) -> set[date]:
        return self.days.pop(0)

    def patients_warm(self, *, today: date) -> int:
        self.built.append(today)
        if today in self.fail:
            self.fail.discard(today)
            raise RuntimeError("database is locked")
        return 3


def _fake(monkeypatch: pytest.MonkeyPatch, calls: _Calls) -> None:
    monkeypatch.setattr(list_warmup, "clinic_days", calls.clinic_days)
    monkeypatch.setattr(list_warmup, "patients_warm", calls.patients_warm)


def test_each_day_is_built_once_and_a_new_day_when_it_comes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mon, tue = date(2026, 3, 2), date(2026, 3, 3)
    calls = _Calls([{mon}, {mon}, {mon, tue}, {tue}])
    _fake(monkeypatch, calls)

    warmed: set[date] = set()
    for _ in range(4):
        warmed = list_warmup.warm_tick(now=TUESDAY, warmed=warmed)

    assert calls.built == [mon, tue]
    assert warmed == {tue}  # Monday dropped once no clinician is on it


def test_a_day_that_failed_is_built_again_next_tick(monkeypatch: pytest.MonkeyPatch) -> None:
    tue = date(2026, 3, 3)
    calls = _Calls([{tue}, {tue}, {tue}], fail={tue})
    _fake(monkeypatch, calls)
    closed: list[str] = []
    monkeypatch.setattr(list_warmup, "close_old_connections", lambda: None)
    # The module's own reference to the connection, which its thread closes.
    monkeypatch.setattr(list_warmup.connection, "close", lambda: closed.append("closed"))  # type: ignore[attr-defined]
    stop = threading.Event()
    ticks = 0
    real_wait = stop.wait

    def wait(timeout: float | None = None) -> bool:
        nonlocal ticks
        ticks += 1
        if ticks == 3:
            stop.set()
        return real_wait(0)

    monkeypatch.setattr(stop, "wait", wait)

    list_warmup.list_warmer(stop=stop, every_s=0)  # returns: the failure did not end the thread

    assert calls.built == [tue, tue]  # failed, built, then kept
    assert closed == ["closed"] * 3  # no connection held between ticks


@pytest.mark.django_db
def test_building_ahead_on_the_database_builds_each_linked_patient_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.services.factories import make_link, make_plan, make_role, make_user

    patient: Any = make_user("pia_patient")
    make_plan(patient)
    make_link(make_role("cleo_clinician", "clinician"), patient)
    counts: list[int] = []
    real = list_warmup.patients_warm  # type: ignore[attr-defined]  # the name the thread calls
    monkeypatch.setattr(
        list_warmup,
        "patients_warm",
        lambda *, today: counts.append(real(today=today)) or 1,  # type: ignore[func-returns-value]
    )

    warmed = list_warmup.warm_tick(now=TUESDAY, warmed=set())
    list_warmup.warm_tick(now=TUESDAY, warmed=warmed)

    assert len(warmed) == 1 and counts == [1]
