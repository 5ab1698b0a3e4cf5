"""Turning validation errors into messages that name the field and what is allowed."""

import json
from typing import Any

from pydantic import BaseModel, ValidationError


class InputError(ValueError):
    """Input that does not meet a contract; `problems` holds one line per field."""

    def __init__(self, what: str, problems: list[str]) -> None:
        self.what = what
        self.problems = problems
        super().__init__(self.message)

    @property
    def message(self) -> str:
        if len(self.problems) == 1:
            return f"{self.what} is not valid: {self.problems[0]}"
        lines = "\n".join(f"  - {p}" for p in self.problems)
        return f"{self.what} is not valid ({len(self.problems)} problems):\n{lines}"


def _loc(parts: tuple[int | str, ...]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(document)"


def describe(exc: ValidationError) -> list[str]:
    problems = []
    for err in exc.errors():
        msg = err["msg"].removeprefix("Value error, ")
        got = err.get("input")
        shown = ""
        if err["type"] not in ("missing", "extra_forbidden") and not isinstance(got, dict | list):
            shown = f" (got {json.dumps(got)})" if _jsonable(got) else ""
        if err["type"] == "extra_forbidden":
            msg = "unknown field; remove it"
        problems.append(f"{_loc(err['loc'])}: {msg}{shown}")
    return problems


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def parse_json_document[M: BaseModel](model: type[M], text: str, what: str) -> M:
    """Parse JSON text into `model`, raising InputError with one line per problem."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            what, [f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"]
        ) from None
    return validate_document(model, data, what)


def validate_document[M: BaseModel](model: type[M], data: Any, what: str) -> M:
    """Validate already-parsed JSON data into `model`, raising InputError per problem."""
    if not isinstance(data, dict):
        raise InputError(what, ["(document): must be a JSON object"])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(what, describe(exc)) from None
