"""The exceptions and warnings a ctlab user can meet.

Every failure a user can cause is a :class:`CTLabError`; every warning is a
:class:`CTLabWarning`. Messages name the file or parameter, what is wrong and
what to do next, so a student can fix the problem without reading a traceback.
"""

from __future__ import annotations

__all__ = [
    "CTLabError",
    "CTLabWarning",
    "DataPitfallWarning",
    "DecoderMissingError",
    "ExportError",
    "FormulaWarning",
    "InvalidArgumentError",
    "InvalidDicomError",
    "InvalidImageError",
    "InvalidWindowError",
    "LabelError",
    "MemoryBudgetError",
    "NoPixelDataError",
    "NotHounsfieldError",
    "SeriesError",
    "SeriesWarning",
    "shown",
]


class CTLabError(Exception):
    """Base class of every error ctlab raises for bad input."""


class InvalidWindowError(CTLabError, ValueError):
    """A window centre, width or range that cannot be used (e.g. width < 1)."""


class InvalidImageError(CTLabError, ValueError):
    """An array that cannot be a CT image (wrong shape, dtype, spacing...)."""


class InvalidArgumentError(CTLabError, ValueError):
    """An option that cannot be used (histogram bins, an HU value that is not a number...)."""


class InvalidDicomError(CTLabError):
    """A file that is not DICOM, is empty, truncated or otherwise unreadable."""


class MemoryBudgetError(CTLabError):
    """A scan larger than the memory ctlab may use (override with ``memory_limit``)."""


class NoPixelDataError(CTLabError):
    """A DICOM file without an image (a report, a structured set, ...)."""


class NotHounsfieldError(CTLabError):
    """An image whose values are not Hounsfield units (MR, PET, ultrasound...)."""


class DecoderMissingError(CTLabError):
    """A compressed image whose decoder plugin is not installed."""


class SeriesError(CTLabError):
    """A folder or list of files that holds no usable, consistent CT series."""


class ExportError(CTLabError):
    """Output that cannot be written as asked (non-empty folder, bad format...)."""


class LabelError(CTLabError):
    """A label map (NIfTI, DICOM SEG, RT Structure Set) that cannot be read or laid on the scan."""


class CTLabWarning(UserWarning):
    """Base class of every warning ctlab emits."""


class DataPitfallWarning(CTLabWarning):
    """A known data pitfall was detected and corrected (MONOCHROME1, wraparound...)."""


class SeriesWarning(CTLabWarning):
    """Something about a series deserves attention (a gap, a duplicate, other series)."""


class FormulaWarning(CTLabWarning):
    """A notebook's formula that a web page shows as TeX source: it could not become MathML."""


def shown(value: object, limit: int = 40) -> str:
    """``repr(value)`` cut to ``limit`` characters, for quoting a bad value in a message.

    A 400-digit integer or a long list would otherwise bury the message.

    Examples
    --------
    >>> shown(10**400)
    '1000000000000000000000000000000000000... (401 characters)'
    """
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 3]}... ({len(text)} characters)"
