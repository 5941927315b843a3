"""The display window: which Hounsfield units get the 256 grey levels.

A window is a centre (what radiologists call the *level*) and a width, both in
HU. :class:`Window` is an immutable value; :data:`PRESETS` names the windows a
radiologist reaches for.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from ctlab.core.errors import InvalidWindowError

__all__ = ["PRESETS", "VOI_FUNCTIONS", "VOIFunction", "Window", "check_function", "resolve_window"]

VOIFunction = Literal["linear", "linear_exact", "sigmoid"]

#: The VOI LUT functions of DICOM PS3.3 C.11.2.1.2, by their ctlab names.
VOI_FUNCTIONS: tuple[VOIFunction, ...] = ("linear", "linear_exact", "sigmoid")

# VOILUTFunction (0028,1056) defined terms -> ctlab names.
_DICOM_FUNCTIONS: dict[str, VOIFunction] = {
    "LINEAR": "linear",
    "LINEAR_EXACT": "linear_exact",
    "SIGMOID": "sigmoid",
}


def check_function(function: str) -> VOIFunction:
    """Return ``function`` if it names a DICOM VOI function, else raise InvalidWindowError."""
    if function not in VOI_FUNCTIONS:
        raise InvalidWindowError(
            f"function must be one of {', '.join(VOI_FUNCTIONS)}, got {function!r}"
        )
    return function  # type: ignore[return-value]


@dataclass(frozen=True)
class Window:
    """A display window in Hounsfield units.

    Parameters
    ----------
    center : float
        Window centre (the radiologist's *level*), in HU.
    width : float
        Window width in HU; at least 1.
    function : {"linear", "linear_exact", "sigmoid"}, optional
        The DICOM VOI LUT function this window is meant for (PS3.3
        C.11.2.1.2). :func:`ctlab.apply_window` uses it unless told otherwise.
    name : str, optional
        A label for menus and figure titles; not part of equality.

    Raises
    ------
    InvalidWindowError
        If ``center`` or ``width`` is not a finite number, ``width < 1`` or
        ``function`` is unknown.

    Examples
    --------
    >>> from ctlab import Window
    >>> w = Window(center=40, width=400)
    >>> w.low, w.high
    (-160.0, 240.0)
    >>> Window.from_range(-100, -60)
    Window(center=-80.0, width=40.0)
    """

    center: float
    width: float
    function: VOIFunction = "linear"
    name: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        for label in ("center", "width"):
            value = getattr(self, label)
            try:
                if isinstance(value, (bool, str, bytes)):
                    raise TypeError
                value = float(value)
            except (TypeError, ValueError):
                raise InvalidWindowError(f"{label} must be a number of HU, got {value!r}") from None
            if not math.isfinite(value):
                raise InvalidWindowError(f"{label} must be finite, got {value!r}")
            object.__setattr__(self, label, float(value))
        if self.width < 1:
            raise InvalidWindowError(
                f"width must be >= 1 HU, got {self.width:g}; "
                "a window narrower than one HU cannot be displayed"
            )
        check_function(self.function)

    @property
    def low(self) -> float:
        """Lower edge in HU, ``center - width / 2``: at and below it, black."""
        return self.center - self.width / 2

    @property
    def high(self) -> float:
        """Upper edge in HU, ``center + width / 2``: at and above it, white."""
        return self.center + self.width / 2

    @classmethod
    def from_range(
        cls, low: float, high: float, *, function: VOIFunction = "linear", name: str = ""
    ) -> Window:
        """Make the window that spans ``low`` .. ``high`` HU.

        Parameters
        ----------
        low, high : float
            Window edges in HU; ``high - low`` must be at least 1.

        Examples
        --------
        >>> Window.from_range(-160, 240)
        Window(center=40.0, width=400.0)
        """
        try:
            low, high = float(low), float(high)
        except (TypeError, ValueError):
            raise InvalidWindowError(
                f"low and high must be numbers of HU, got {low!r} and {high!r}"
            ) from None
        if not high - low >= 1:
            raise InvalidWindowError(
                f"high must exceed low by at least 1 HU, got low={low:g}, high={high:g}"
            )
        return cls((low + high) / 2, high - low, function=function, name=name)

    @classmethod
    def from_dicom(cls, dataset: Any) -> tuple[Window, ...]:
        """Read the windows a DICOM header suggests.

        Reads Window Center (0028,1050), Window Width (0028,1051), their
        explanation (0028,1055) and VOI LUT Function (0028,1056); PS3.3
        C.11.2. Both window attributes may hold several values, giving
        several windows.

        Parameters
        ----------
        dataset : pydicom.Dataset or any object with those attributes

        Returns
        -------
        tuple of Window
            One per centre/width pair, in header order; empty when the header
            has none.

        Raises
        ------
        InvalidWindowError
            If the values are not numbers, their counts differ, a width is
            below 1 or the VOI LUT Function is not a DICOM defined term.

        Examples
        --------
        >>> from types import SimpleNamespace
        >>> header = SimpleNamespace(WindowCenter=[40, 400], WindowWidth=[400, 1800])
        >>> Window.from_dicom(header)
        (Window(center=40.0, width=400.0), Window(center=400.0, width=1800.0))
        """
        centers = _as_list(getattr(dataset, "WindowCenter", None))
        widths = _as_list(getattr(dataset, "WindowWidth", None))
        if not centers and not widths:
            return ()
        if len(centers) != len(widths):
            raise InvalidWindowError(
                f"Window Center (0028,1050) has {len(centers)} values but "
                f"Window Width (0028,1051) has {len(widths)}; they must pair up"
            )
        raw_function = str(getattr(dataset, "VOILUTFunction", "") or "LINEAR").upper()
        if raw_function not in _DICOM_FUNCTIONS:
            raise InvalidWindowError(
                f"VOI LUT Function (0028,1056) is {raw_function!r}; "
                f"DICOM defines only {', '.join(_DICOM_FUNCTIONS)}"
            )
        explanations = _as_list(getattr(dataset, "WindowCenterWidthExplanation", None))
        windows = []
        for index, (center, width) in enumerate(zip(centers, widths, strict=True)):
            name = str(explanations[index]) if index < len(explanations) else ""
            try:
                windows.append(
                    cls(
                        float(center),
                        float(width),
                        function=_DICOM_FUNCTIONS[raw_function],
                        name=name or f"header {index + 1}",
                    )
                )
            except (TypeError, ValueError) as error:
                raise InvalidWindowError(
                    f"window {index + 1} of the header (0028,1050)/(0028,1051) is unusable: {error}"
                ) from None
        return tuple(windows)

    def __repr__(self) -> str:
        extra = "" if self.function == "linear" else f", function={self.function!r}"
        return f"Window(center={self.center!r}, width={self.width!r}{extra})"

    def __str__(self) -> str:
        label = f"{self.name}: " if self.name else ""
        return f"{label}C {self.center:g} / W {self.width:g} HU ({self.low:g}..{self.high:g})"


def _as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        return [value]
    return list(value)


def _preset(center: float, width: float, name: str) -> Window:
    return Window(center, width, name=name)


# Sources: [seed] the seed article's Figure 5 (the four windows it compares);
# [R] Radiopaedia, "Windowing (CT)", typical window width/level table;
# [H] Hoeffner et al., Neuroradiology Back to the Future: Head and Neck Imaging,
#     AJNR 2012 (brain, subdural, stroke, temporal bone windows).
_PRESET_TABLE: dict[str, Window] = {
    # The seed's Figure 5a-d, on the abdominal slice [seed].
    "liver_kidney": _preset(60, 40, "Fig. 5a liver and kidney (40..80)"),
    "fat": _preset(-80, 40, "Fig. 5b fat (-100..-60)"),
    "full_range": _preset(0, 2000, "Fig. 5c full dynamic range (-1000..1000)"),
    "default": _preset(40, 400, "Fig. 5d default transfer function (-160..240)"),
    # Head [R], [H].
    "brain": _preset(40, 80, "brain (W80 L40)"),
    "subdural": _preset(75, 215, "subdural (W215 L75)"),
    "stroke": _preset(40, 40, "stroke (W40 L40)"),
    "temporal_bone": _preset(600, 2800, "temporal bone (W2800 L600)"),
    "head_neck_soft_tissue": _preset(60, 375, "head and neck soft tissue (W375 L60)"),
    # Chest [R].
    "lung": _preset(-600, 1500, "lung (W1500 L-600)"),
    "mediastinum": _preset(50, 350, "mediastinum (W350 L50)"),
    # Abdomen [R].
    "abdomen_soft_tissue": _preset(50, 400, "abdomen soft tissue (W400 L50)"),
    "liver": _preset(30, 150, "liver (W150 L30)"),
    # Bone [R].
    "bone": _preset(400, 1800, "bone (W1800 L400)"),
    "spine_soft_tissue": _preset(50, 250, "spine soft tissue (W250 L50)"),
}

#: Named windows: the four of the seed's Figure 5 first, then clinical presets.
#: Keys are lowercase snake case; each Window's ``name`` is its menu label.
PRESETS: Mapping[str, Window] = MappingProxyType(_PRESET_TABLE)


def resolve_window(window: Window | str) -> Window:
    """Return ``window`` itself, or the preset it names.

    Preset names are matched in any case, with spaces or hyphens for the
    underscores ("Temporal bone" is ``"temporal_bone"``); an unknown name gets
    the closest names suggested.

    Raises
    ------
    InvalidWindowError
        If ``window`` is a string that names no preset, or is neither a
        string nor a :class:`Window`.

    Examples
    --------
    >>> resolve_window("fat").low
    -100.0
    >>> resolve_window("Temporal bone") == resolve_window("temporal_bone")
    True
    """
    if isinstance(window, Window):
        return window
    if isinstance(window, str):
        # "Lung", "Soft tissue" and "soft-tissue" all name "soft_tissue"/"lung".
        key = "_".join(window.strip().lower().replace("-", " ").split())
        if key in PRESETS:
            return PRESETS[key]
        close = difflib.get_close_matches(key, PRESETS, n=3, cutoff=0.6)
        hint = f"did you mean {' or '.join(map(repr, close))}? " if close else ""
        raise InvalidWindowError(
            f"no preset named {window!r}; {hint}choose one of {', '.join(PRESETS)}"
        )
    raise InvalidWindowError(
        f"window must be a ctlab.Window or a preset name, got {type(window).__name__}"
    )
