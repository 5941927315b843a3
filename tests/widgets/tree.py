"""Find the parts of a widget through its public widget tree (``children``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

import ipywidgets

T = TypeVar("T")


def walk(widget: Any) -> Iterator[Any]:
    """``widget`` and every widget under it, depth first, in display order."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def parts(widget: ipywidgets.Widget, kind: type[T]) -> list[T]:
    """Every widget of type ``kind`` shown inside ``widget``, in display order."""
    return [part for part in walk(widget) if isinstance(part, kind)]


def part(widget: ipywidgets.Widget, kind: type[T]) -> T:
    """The one widget of type ``kind`` inside ``widget`` (the first if there are several)."""
    found = parts(widget, kind)
    assert found, f"no {kind.__name__} inside {type(widget).__name__}"
    return found[0]
