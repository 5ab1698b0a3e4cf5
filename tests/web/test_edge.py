"""The web edge helpers (web/edge.py): the guard's NotFound and Forbidden become a page's 404
in one place, the denial is audited with its kind, and nothing is changed."""

import pytest
from django.http import Http404, HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from hipalign.adapters.db.models import PlanRecord
from hipalign.services.kernel.access import Forbidden, NotFound
from hipalign.web.denials import KIND_ATTR
from hipalign.web.edge import NotFoundAs404Middleware, labelled_problem
from tests.services.factories import LOG_TODAY, all_counts, log_payload, only_the_denial_added


def _middleware() -> NotFoundAs404Middleware:
    return NotFoundAs404Middleware(lambda request: HttpResponse("unused"))


@pytest.mark.parametrize(("exc", "kind"), [(NotFound("Plan"), "not_found"), (Forbidden(), "role")])
def test_the_guards_refusals_become_a_404_marked_with_their_kind(exc: Exception, kind: str) -> None:
    request = RequestFactory().get("/somewhere")

    with pytest.raises(Http404) as raised:
        _middleware().process_exception(request, exc)

    assert raised.value.__cause__ is exc
    assert getattr(request, KIND_ATTR) == kind


def test_other_exceptions_are_left_to_django() -> None:
    request: HttpRequest = RequestFactory().get("/somewhere")

    assert _middleware().process_exception(request, ValueError("a bug")) is None
    assert not hasattr(request, KIND_ATTR)


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_persons_log_page_is_a_404_that_changes_nothing_but_the_audit(
    method: str, other_client: Client, owner_plan: PlanRecord
) -> None:
    from hipalign.services.program import recording

    log_id = recording.log_record(owner_plan.user, log_payload(owner_plan), today=LOG_TODAY).log_id
    before = all_counts()

    response = getattr(other_client, method)(f"/logs/{log_id}/delete")

    assert response.status_code == 404
    assert only_the_denial_added(before, "denied.not_found")


def test_a_person_opening_the_clinic_patient_list_gets_a_404_audited_as_a_role_refusal(
    owner_client: Client,
) -> None:
    before = all_counts()

    response = owner_client.get("/clinic/patients")

    assert response.status_code == 404
    assert only_the_denial_added(before, "denied.role")


LABELS = {"code": "Code (10 letters and digits)", "email": "Email address"}


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        (
            "code: not valid or expired",
            ("code", "Code (10 letters and digits): not valid or expired"),
        ),
        # the service already named the label: not twice, and never the form id in front
        (
            "email: Email address: at most 254 characters",
            ("email", "Email address: at most 254 characters"),
        ),
        ("when: not a date", ("when", "when: not a date")),  # no label on this page: unchanged
        ("something went wrong", ("", "something went wrong")),
    ],
)
def test_a_service_problem_is_worded_with_the_pages_label_once(
    problem: str, expected: tuple[str, str]
) -> None:
    assert labelled_problem(problem, LABELS) == expected
