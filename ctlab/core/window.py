"""The display window: which Hounsfield units get the 256 grey levels.

A window is a centre (what radiologists call the *level*) and a width, both in
HU. :class:`Window` is an immutable value; :data:`PRESETS` names the windows a
radiologist reaches for.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import numpy as np

from ctlab.core.errors import InvalidWindowError, shown

__all__ = [
    "PRESETS",
    "VOI_FUNCTIONS",
    "VOIFunction",
    "Window",
    "check_function",
    "clean_window_explanation",
    "header_window_name",
    "resolve_window",
    "resolve_windows",
]

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
    return function


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
                raise InvalidWindowError(
                    f"{label} must be a number of HU, got {shown(value)}"
                ) from None
            except OverflowError:  # an int beyond float's range, e.g. 10**400
                raise InvalidWindowError(
                    f"{label} is too large to be a number of HU, got {shown(value)}; "
                    "CT values lie within about -1024..+30000 HU"
                ) from None
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

    @property
    def hu_per_grey_level(self) -> float:
        """``width / 256``: the HU each of the 256 grey levels stands for.

        The one convention ctlab uses everywhere: the window's width shared
        by the 256 grey levels. Below 1 (windows narrower than 256 HU) the
        number needs care: whole HU cannot fill every level, so at most
        ``width`` levels are used and neighbouring HU are ``256 / width``
        levels apart (:attr:`grey_levels_per_hu`).

        Examples
        --------
        >>> Window(40, 400).hu_per_grey_level
        1.5625
        >>> Window(-80, 40).hu_per_grey_level, Window(-80, 40).grey_levels_per_hu
        (0.15625, 6.4)
        """
        return self.width / 256

    @property
    def grey_levels_per_hu(self) -> float:
        """``256 / width``: how many grey levels apart neighbouring whole HU are drawn."""
        return 256 / self.width

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
        except (TypeError, ValueError, OverflowError):
            raise InvalidWindowError(
                f"low and high must be finite numbers of HU, got {shown(low)} and {shown(high)}"
            ) from None
        if not high - low >= 1:
            raise InvalidWindowError(
                f"high must exceed low by at least 1 HU, got low={low:g}, high={high:g}"
            )
        return cls((low + high) / 2, high - low, function=function, name=name)

    @classmethod
    def from_hu(
        cls,
        hu: Any,
        *,
        percentile: float = 1.0,
        function: VOIFunction = "linear",
        name: str = "",
    ) -> Window:
        """The window a region's HU suggest: from one percentile to its mirror.

        The rule of the explorer's shift-drag box: the ``percentile`` and
        ``100 - percentile`` percentiles of the region's HU (numpy's default
        linear interpolation), rounded to 0.01 HU, become ``low`` and
        ``high``; a width under 1 HU (a uniform region) is widened to 1 HU
        about its centre. NaN are left out.

        Parameters
        ----------
        hu : array_like
            The HU of the region (any shape; flattened).
        percentile : float
            From 0 (the full range) to below 50, default 1.

        Raises
        ------
        InvalidWindowError
            If ``percentile`` is outside 0..50 or the region holds no number.

        Examples
        --------
        >>> Window.from_hu(range(-100, 101), percentile=10)
        Window(center=0.0, width=160.0)
        >>> Window.from_hu([40, 40, 40])
        Window(center=40.0, width=1.0)
        """
        if not 0 <= percentile < 50:
            raise InvalidWindowError(f"percentile must be in 0..50 (exclusive), got {percentile}")
        values = np.asarray(hu, dtype=np.float64).reshape(-1)
        values = values[~np.isnan(values)]
        if not values.size:
            raise InvalidWindowError("the region holds no HU to take a window from")
        edges = np.percentile(values, [percentile, 100 - percentile])
        low, high = (round(float(v), 2) for v in edges)
        # Rounded like low and high: no float noise such as 40.000000000000004.
        center, width = round((low + high) / 2, 3), round(max(1.0, high - low), 2)
        return cls(center, width, function=function, name=name)

    @classmethod
    def from_dicom(cls, dataset: Any) -> tuple[Window, ...]:
        """Read the windows a DICOM header suggests.

        Reads Window Center (0028,1050), Window Width (0028,1051), their
        explanation (0028,1055) and VOI LUT Function (0028,1056); PS3.3
        C.11.2. Both window attributes may hold several values, giving
        several windows. The explanation is free text a person may have
        typed a name or date into, so it names the window only if it passes
        :func:`clean_window_explanation`; otherwise the window is called
        "header window 1", "header window 2"...

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
        >>> header.WindowCenterWidthExplanation = ["BRAIN", "DOE 12.3.1947"]
        >>> [window.name for window in Window.from_dicom(header)]
        ['BRAIN', 'header window 2']
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
            explanation = explanations[index] if index < len(explanations) else ""
            name = clean_window_explanation(explanation)
            try:
                windows.append(
                    cls(
                        float(center),
                        float(width),
                        function=_DICOM_FUNCTIONS[raw_function],
                        name=name or header_window_name(index),
                    )
                )
            except (TypeError, ValueError) as error:
                raise InvalidWindowError(
                    f"window {index + 1} of the header (0028,1050)/(0028,1051) is unusable: {error}"
                ) from None
        return tuple(windows)

    def record(self) -> dict[str, Any]:
        """The window as a plain, JSON-ready record: name, centre, width, edges, function.

        What an export's manifest stores and what the widgets send to the browser.

        Examples
        --------
        >>> Window(40, 400, name="default").record()["low"]
        -160.0
        """
        return {
            "name": self.name,
            "center": self.center,
            "width": self.width,
            "low": self.low,
            "high": self.high,
            "function": self.function,
        }

    def __repr__(self) -> str:
        extra = "" if self.function == "linear" else f", function={self.function!r}"
        return f"Window(center={self.center!r}, width={self.width!r}{extra})"

    def __str__(self) -> str:
        label = f"{self.name}: " if self.name else ""
        return f"{label}C {self.center:g} / W {self.width:g} HU ({self.low:g}..{self.high:g})"


# The words a window explanation may be made of to be shown: window, body
# part and tissue names as scanners label their windows. A fixed vocabulary
# is the conservative clean: a surname, a date or an ID cannot be spelled
# from it (PS3.15 E.3.5, the Clean Descriptors Option, asks for exactly this
# judgement before a description is kept).
_WINDOW_WORDS = frozenset(
    """
    abdomen abdominal air angio aorta bone bones brain breast cardiac chest ct cta default
    detail ear extremity fat fossa full head heart inner kidney liver lung lungs mediastinal
    mediastinum muscle narrow neck normal orbit orbits pancreas pelvis posterior range sinus
    sinuses soft spine standard stroke subdural temporal tissue vascular wide window
    """.split()
)
# Longer explanations are sentences, not names.
_MAX_EXPLANATION = 24


def clean_window_explanation(text: object) -> str:
    """A header's window explanation if it is safe to show, else "".

    Window Center & Width Explanation (0028,1055) is free text. It is shown
    only when short (at most 24 characters), made of letters, spaces,
    ``_``, ``-`` and ``/`` only (no digits that could be a date or an ID),
    and every word is a window or body-part name (``BRAIN``,
    ``SOFT TISSUE``, ``LUNG``...).

    Examples
    --------
    >>> clean_window_explanation("SOFT_TISSUE"), clean_window_explanation("Brain")
    ('SOFT_TISSUE', 'Brain')
    >>> clean_window_explanation("WINDOW1"), clean_window_explanation("SMITH BRAIN")
    ('', '')
    """
    shown = str(text).strip()
    words = shown.replace("_", " ").replace("-", " ").replace("/", " ").lower().split()
    allowed = set("abcdefghijklmnopqrstuvwxyz _-/")
    if (
        not words
        or len(shown) > _MAX_EXPLANATION
        or not set(shown.lower()) <= allowed
        or not all(word in _WINDOW_WORDS for word in words)
    ):
        return ""
    return shown


def header_window_name(index: int, *, short: bool = False) -> str:
    """The name of the header's window ``index`` (0-based) when its explanation is not shown.

    Parameters
    ----------
    index : int
        The window's position among the header's Window Center/Width values, from 0.
    short : bool
        The short form, "header N", that the widgets' preset menu uses as
        the window's key (and ``preset=`` accepts).

    Examples
    --------
    >>> header_window_name(0)
    'header window 1'
    >>> header_window_name(0, short=True)
    'header 1'
    """
    return f"header {index + 1}" if short else f"header window {index + 1}"


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


def resolve_windows(windows: Iterable[Window | str], *, argument: str = "windows") -> list[Window]:
    """Resolve a collection of windows or preset names, in order.

    Any iterable is accepted, a generator included (it is read once);
    a single window or name is refused rather than read letter by letter.

    Parameters
    ----------
    windows : iterable of Window or str
        One or more windows or preset names.
    argument : str
        The parameter's name, for the error message.

    Raises
    ------
    InvalidWindowError
        If ``windows`` is a single window or name, not iterable, empty, or
        holds something that is neither a Window nor a preset name.

    Examples
    --------
    >>> [w.center for w in resolve_windows(name for name in ("fat", "bone"))]
    [-80.0, 400.0]
    """
    if isinstance(windows, (str, Window)) or not isinstance(windows, Iterable):
        raise InvalidWindowError(
            f"{argument} must be a non-empty sequence of windows or preset names, "
            f"got {shown(windows)}; e.g. {argument}=['default', 'bone']"
        )
    resolved = [resolve_window(window) for window in windows]
    if not resolved:
        raise InvalidWindowError(
            f"{argument} is empty; give at least one window or preset name, "
            f"e.g. {argument}=['default', 'bone']"
        )
    return resolved
