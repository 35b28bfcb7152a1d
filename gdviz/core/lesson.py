"""Guided lessons: ordered steps of caption, slide numbers, errata and a scene, read from JSON."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from gdviz.core.document_reader import (
    FieldReader,
    SceneError,
    parse_json_document,
    read_document_bytes,
    refuse_huge_integer,
    shown_value,
)
from gdviz.core.resources import resource_path
from gdviz.core.safe_read import LESSON_MAX_BYTES
from gdviz.core.scene import Scene, scene_from_dict

LESSON_SCHEMA_VERSION = 1
_LESSON_KEYS = ("schema_version", "title", "steps")
_STEP_KEYS = ("title", "caption", "numbers", "errata", "scene")


@dataclass(frozen=True)
class LessonStep:
    """One stop of a lesson: what to say, the slide's numbers, where the slide is off, the view."""

    title: str
    caption: str
    numbers: tuple[tuple[str, str], ...]
    errata: str
    scene: Scene
    fields: tuple[str, ...] = ()  # the scene fields the step sets; the others stay as they are


@dataclass(frozen=True)
class Lesson:
    """A titled sequence of steps, shown in order."""

    title: str
    steps: tuple[LessonStep, ...]


def lesson_from_json(text: str | bytes) -> Lesson:
    """Parse and validate a lesson document; SceneError names the bad field ("steps[3].scene…")."""
    return lesson_from_dict(parse_json_document(text))


def lesson_from_dict(data: Any) -> Lesson:
    """Validate a parsed lesson object."""
    r = FieldReader("")
    r.require_object(data)
    r.check_keys(data, _LESSON_KEYS, required=("schema_version", "title", "steps"))
    version = data["schema_version"]
    refuse_huge_integer(r.sub("schema_version"), version)
    if isinstance(version, bool) or not isinstance(version, int):
        raise SceneError(f"schema_version: expected a whole number, got {shown_value(version)}")
    if version > LESSON_SCHEMA_VERSION:
        raise SceneError(
            f"schema_version {shown_value(version)} is newer than this gdviz understands "
            f"({LESSON_SCHEMA_VERSION}): update gdviz"
        )
    if version < 1:
        raise SceneError(f"schema_version: must be at least 1, got {shown_value(version)}")
    title = r.text(data, "title")
    steps = data["steps"]
    if not isinstance(steps, list) or not steps:
        raise SceneError(f"steps: expected a non-empty list of steps, got {shown_value(steps)}")
    return Lesson(title, tuple(_read_step(f"steps[{i}]", s) for i, s in enumerate(steps)))


def _read_step(path: str, data: Any) -> LessonStep:
    r = FieldReader(path)
    r.require_object(data)
    r.check_keys(data, _STEP_KEYS, required=("title", "caption", "scene"))
    numbers = data.get("numbers", [])
    if not isinstance(numbers, list):
        raise r.sub("numbers").error(
            f"expected a list of [label, value] pairs, got {shown_value(numbers)}"
        )
    pairs = []
    for i, pair in enumerate(numbers):
        ok = isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, str) for v in pair)
        if not ok:
            raise r.sub(f"numbers[{i}]").error(
                f"expected [label, value] as two strings, got {shown_value(pair)}"
            )
        pairs.append((pair[0], pair[1]))
    return LessonStep(
        title=r.text(data, "title"),
        caption=r.text(data, "caption"),
        numbers=tuple(pairs),
        errata=r.text(data, "errata", "", allow_empty=True),
        scene=scene_from_dict(data["scene"], f"{path}.scene"),
        fields=_named_fields(data["scene"]),
    )


def _named_fields(scene: dict) -> tuple[str, ...]:
    """What a step's scene names; a version-1 scene set every field, so it names them all."""
    if scene.get("schema_version") == 1:
        return tuple(f.name for f in fields(Scene))
    return tuple(key for key in scene if key != "schema_version")


def load_lesson(path: str | os.PathLike[str]) -> Lesson:
    """Read and validate a lesson file; error messages start with the file name."""
    data = read_document_bytes(path, LESSON_MAX_BYTES, "lesson")
    try:
        return lesson_from_json(data)
    except SceneError as err:
        raise SceneError(f"{Path(path).name}: {err}") from None


def default_lesson() -> Lesson:
    """The lecture's guided lesson shipped in resources/lessons/lecture.json."""
    node = resource_path("lessons", "lecture.json")
    try:
        return lesson_from_json(node.read_bytes())
    except SceneError as err:
        raise SceneError(f"lecture.json: {err}") from None
