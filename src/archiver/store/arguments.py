"""Checking what a caller passes to the :class:`~archiver.store.Archive` façade, so that a
wrong argument is an :class:`~archiver.errors.InputError` naming it, never an
``AttributeError`` or ``TypeError`` from deep inside."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from archiver.errors import InputError

__all__ = ["check_fields", "check_mapping", "check_number", "check_stream", "check_text"]


def _kind(value: object) -> str:
    return type(value).__name__


def check_text(name: str, value: object, *, optional: bool = True) -> None:
    """``value`` is text (or None when ``optional``)."""
    if value is None and optional:
        return
    if not isinstance(value, str):
        raise InputError(f"{name} is text, not {_kind(value)} {value!r}"[:200], field=name)


def check_number(name: str, value: object, *, low: int | None = 1) -> None:
    """``value`` is a whole number (of at least ``low``, when given)."""
    if isinstance(value, bool) or not isinstance(value, int) or (low is not None and value < low):
        least = f" from {low}" if low is not None else ""
        raise InputError(f"{name} is a whole number{least}, not {value!r}"[:200], field=name)


def check_mapping(name: str, value: object) -> None:
    if not isinstance(value, Mapping):
        raise InputError(f"{name} is a mapping (a dict), not {_kind(value)}", field=name)


def check_fields(value: object) -> None:
    """None, or a list of column names."""
    if value is None:
        return
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise InputError(f"fields is a list of column names, not {_kind(value)}", field="fields")
    for item in value:
        check_text("fields", item, optional=False)


def check_stream(value: Any) -> None:
    """A text stream to write to (an open file, ``sys.stdout``, ``io.StringIO``)."""
    if not callable(getattr(value, "write", None)):
        raise InputError(f"out is a text stream to write to, not {_kind(value)}", field="out")
