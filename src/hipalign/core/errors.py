"""Turning validation errors into messages that name the field and what is allowed."""

import json
import re
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


# The deepest hipalign document (a full export: section, row, plan document, day, item, reason)
# nests about 10 levels; 32 leaves room for any contract while stopping documents nested
# thousands deep before the parser or a validator recurses through them (issue 12, item 4).
JSON_MAX_DEPTH = 32
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"')
_NUL_ESCAPE = re.compile(r"\\u0000", re.IGNORECASE)
_NOT_BRACKET = re.compile(r"[^\[\]{}]++")


def json_too_deep(text: str, max_depth: int = JSON_MAX_DEPTH) -> bool:
    """True when arrays and objects in `text` nest deeper than `max_depth`, found without
    parsing: strings are dropped, then innermost bracket pairs are removed once per level."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    brackets = brackets.replace("{", "[").replace("}", "]")
    for _ in range(max_depth):
        if not brackets:
            return False
        brackets = brackets.replace("[]", "")
    # Anything left is deeper than allowed, or unbalanced (which the parser reports itself).
    return bool(brackets) and "[]" in brackets


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows; give a finite number")


def json_is_malformed(text: str) -> bool:
    """True when `text` is not JSON syntax at all (as opposed to too deep or NaN/Infinity)."""
    if json_too_deep(text):
        return False
    try:
        json.loads(text, parse_constant=float)
    except json.JSONDecodeError:
        return True
    except (ValueError, RecursionError):
        return False
    return False


def json_load(text: str, what: str, *, max_depth: int = JSON_MAX_DEPTH) -> Any:
    """JSON text as Python data, or InputError: nested deeper than `max_depth`, NaN or Infinity
    (which JSON does not have, and which databases refuse), or not JSON at all."""
    if json_too_deep(text, max_depth):
        raise InputError(
            what, [f"(document): nested more than {max_depth} levels deep; no hipalign file is"]
        )
    if "\x00" in text or _NUL_ESCAPE.search(text):
        # PostgreSQL stores no NUL character in text or JSON; no hipalign field needs one.
        raise InputError(what, ["(document): holds a NUL character (\\u0000); remove it"])
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InputError(
            what, [f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"]
        ) from None
    except ValueError as exc:  # NaN or Infinity (_no_constant), or an integer too long to convert
        said = str(exc) if "JSON allows" in str(exc) else "a number has too many digits"
        raise InputError(what, [f"(document): {said}"]) from None
    except RecursionError:  # a deep stack already in use; the depth check normally stops it
        raise InputError(what, ["(document): nested too deep"]) from None


def parse_json_document[M: BaseModel](model: type[M], text: str, what: str) -> M:
    """Parse JSON text into `model`, raising InputError with one line per problem."""
    return validate_document(model, json_load(text, what), what)


def validate_document[M: BaseModel](model: type[M], data: Any, what: str) -> M:
    """Validate already-parsed JSON data into `model`, raising InputError per problem."""
    if not isinstance(data, dict):
        raise InputError(what, ["(document): must be a JSON object"])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(what, describe(exc)) from None
