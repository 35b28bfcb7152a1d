"""Reading JSON documents (scenes, lessons): bounded file reads and typed fields named by path."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from typing import Any

from gdviz.core.safe_read import SCENE_MAX_BYTES, read_bounded
from gdviz.core.shown import shown_text

# Kept for importers: the largest scene file read.
MAX_FILE_BYTES = SCENE_MAX_BYTES


# JSON integers longer than this are not converted (float64 ends near 309 digits; Python's int()
# refuses strings past 4,300 digits and is slow well before).
_MAX_INTEGER_DIGITS = 400


class SceneError(ValueError):
    """A scene (or lesson) document that cannot be used; the message names the bad field."""


class HugeInteger:
    """A JSON integer too long to convert: kept as its digit count, so the field can be named."""

    def __init__(self, text: str):
        self.digits = len(text.lstrip("-"))

    def __repr__(self) -> str:
        return f"a whole number of {self.digits:,} digits"


def _parse_int(text: str) -> int | HugeInteger:
    return int(text) if len(text) <= _MAX_INTEGER_DIGITS else HugeInteger(text)


def refuse_huge_integer(r: FieldReader, value: Any) -> None:
    """SceneError naming the field when value is a JSON integer of thousands of digits."""
    if isinstance(value, HugeInteger):
        raise r.error(f"too large ({value!r})")


def dump_json(value: Any) -> str:
    """Deterministic JSON: 2-space indent, number/string lists on one line, trailing newline."""
    return _dump(value, 0) + "\n"


def _dump(value: Any, depth: int) -> str:
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(k)}: {_dump(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return "[" + ", ".join(_dump(v, depth + 1) for v in value) + "]"
        return "[\n" + ",\n".join(inner + _dump(v, depth + 1) for v in value) + "\n" + pad + "]"
    # json.dumps writes floats with repr, so they read back bit for bit; NaN/inf are refused.
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def parse_json_document(text: str | bytes) -> Any:
    """JSON text (or UTF-8 bytes, BOM allowed) parsed, with SceneError naming line and column."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise SceneError(
                f"not a text file: byte 0x{err.object[err.start]:02x} at offset {err.start} "
                "is not UTF-8"
            ) from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise SceneError("the file is empty")
    if "\x00" in text:
        raise SceneError("not a text file (it contains NUL bytes)")
    try:
        return json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as err:
        raise SceneError(
            f"not valid JSON at line {err.lineno}, column {err.colno}: {err.msg}"
        ) from None
    except RecursionError:
        raise SceneError("not valid JSON: nested too deeply") from None


def read_document_bytes(
    path: str | os.PathLike[str], cap: int = SCENE_MAX_BYTES, what: str = "scene"
) -> bytes:
    """The file's bytes (at most cap); FileRefused or OSError naming the path and the reason."""
    return read_bounded(path, cap, what)


def shown_value(value: Any) -> str:
    """A JSON value as an error message shows it: short, whatever its size."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int)):
        return shown_text(value, 40)
    if isinstance(value, (float, HugeInteger)):
        return repr(value)
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


class FieldReader:
    """Typed field access that raises SceneError naming the field by its JSON path."""

    def __init__(self, path: str):
        self.path = path

    @property
    def prefix(self) -> str:
        return f"{self.path}." if self.path else ""

    def sub(self, name: str, dot: bool = True) -> FieldReader:
        if not self.path:
            return FieldReader(name.lstrip("."))
        return FieldReader(f"{self.path}.{name}" if dot else f"{self.path}{name}")

    def error(self, message: str) -> SceneError:
        return SceneError(f"{self.path}: {message}" if self.path else message)

    def require_object(self, data: Any) -> None:
        if not isinstance(data, dict):
            raise self.error(f"expected an object {{...}}, got {shown_value(data)}")

    def check_keys(self, data: dict, known: Sequence[str], required: Sequence[str] = ()) -> None:
        for key in data:
            if key not in known:
                raise self.error(f"unknown field {shown_text(key, 40)}")
        for key in required:
            if key not in data:
                raise self.sub(key).error("missing (required)")

    def get(self, data: Mapping, key: str, default: Any) -> Any:
        return data.get(key, default)

    def _value(self, data: Mapping, key: str, default: Any) -> Any:
        if key in data:
            return data[key]
        if default is None:
            raise self.sub(key).error("missing (required)")
        return default

    def number(self, data: Mapping, key: str, default: float | None = None) -> float:
        return finite_number(self.sub(key), self._value(data, key, default))

    def nonzero(self, data: Mapping, key: str, default: float) -> float:
        value = self.number(data, key, default)
        if value == 0:
            raise self.sub(key).error("must not be 0")
        return value

    def numbers(self, data: Mapping, key: str, n: int, default: Sequence | None = None) -> tuple:
        value = self._value(data, key, default)
        names = {2: "two", 3: "three", 4: "four"}
        if not isinstance(value, (list, tuple)) or len(value) != n:
            raise self.sub(key).error(
                f"expected {names.get(n, n)} numbers, got {shown_value(value)}"
            )
        return tuple(finite_number(self.sub(f"{key}[{i}]"), v) for i, v in enumerate(value))

    def number_list(
        self, data: Mapping, key: str, max_len: int, default: Sequence | None = None
    ) -> tuple[float, ...]:
        value = self._value(data, key, default)
        sub = self.sub(key)
        if not isinstance(value, (list, tuple)):
            raise sub.error(f"expected a list of numbers, got {shown_value(value)}")
        if len(value) > max_len:
            raise sub.error(f"too many values ({len(value)}; the limit is {max_len})")
        return tuple(finite_number(self.sub(f"{key}[{i}]"), v) for i, v in enumerate(value))

    def integer(self, data: Mapping, key: str, default: int, low: int, high: int) -> int:
        value = self._value(data, key, default)
        sub = self.sub(key)
        refuse_huge_integer(sub, value)
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise sub.error(f"expected a whole number, got {shown_value(value)}")
        if not low <= value <= high:
            raise sub.error(f"must be between {low} and {high}, got {value}")
        return value

    def boolean(self, data: Mapping, key: str, default: bool) -> bool:
        value = self._value(data, key, default)
        if not isinstance(value, bool):
            raise self.sub(key).error(f"expected true or false, got {shown_value(value)}")
        return value

    def text(
        self, data: Mapping, key: str, default: str | None = None, allow_empty: bool = False
    ) -> str:
        value = self._value(data, key, default)
        if not isinstance(value, str):
            raise self.sub(key).error(f"expected text, got {shown_value(value)}")
        if not allow_empty and not value.strip():
            raise self.sub(key).error("must not be empty")
        return value

    def choice(self, data: Mapping, key: str, options: Sequence[str], default: str | None) -> str:
        value = self._value(data, key, default)
        if value not in options or not isinstance(value, str):
            known = ", ".join(repr(o) for o in options)
            raise self.sub(key).error(f"expected one of {known}, got {shown_value(value)}")
        return value

    def names(self, data: Mapping, key: str, options: Sequence[str]) -> tuple[str, ...]:
        value = self._value(data, key, [])
        sub = self.sub(key)
        if not isinstance(value, list):
            raise sub.error(f"expected a list of names, got {shown_value(value)}")
        for i, name in enumerate(value):
            if not isinstance(name, str) or name not in options:
                raise self.sub(f"{key}[{i}]").error(
                    f"unknown name {shown_value(name)} (known: {', '.join(options)})"
                )
        if len(set(value)) != len(value):
            raise sub.error("a name is listed twice")
        return tuple(value)


def finite_number(r: FieldReader, value: Any) -> float:
    """value as a float, or SceneError naming the field when it is not a finite number."""
    refuse_huge_integer(r, value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise r.error(f"expected a number, got {shown_value(value)}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise r.error(f"must be a finite number, got {shown_value(value)}")
    return number
