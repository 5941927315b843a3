"""The Hounsfield scale as data: tissue bands, their colours and sources.

A CT number measures X-ray attenuation relative to water,
``HU = 1000 * (mu - mu_water) / (mu_water - mu_air)``, so air is -1000 and
water 0 by definition. Real tissues spread over bands that overlap; where they
do, :func:`tissue_at` names the narrowest band.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from ctlab.core.errors import InvalidArgumentError, InvalidImageError, shown

__all__ = ["TISSUES", "Tissue", "resolve_tissue", "tissue_at", "tissue_mask"]


@dataclass(frozen=True)
class Tissue:
    """One band of the Hounsfield scale.

    Attributes
    ----------
    name : str
        Key in :data:`TISSUES`, lowercase snake case (``"soft_tissue"``).
    label : str
        Display name (``"soft tissue"``).
    low, high : int
        Band edges in HU, both included.
    color : str
        Hex colour from a colour-blind-safe palette (Okabe-Ito, Paul Tol).
    source : str
        Where the range comes from, in one line.

    Examples
    --------
    >>> from ctlab import TISSUES
    >>> TISSUES["fat"].low, TISSUES["fat"].high
    (-100, -60)
    >>> -80 in TISSUES["fat"]
    True
    """

    name: str
    label: str
    low: int
    high: int
    color: str
    source: str

    @property
    def center(self) -> float:
        """Middle of the band in HU."""
        return (self.low + self.high) / 2

    def __contains__(self, hu: object) -> bool:
        return isinstance(hu, (int, float, np.number)) and bool(self.low <= hu <= self.high)  # type: ignore[operator]


_BANDS = (
    Tissue(
        "air", "air", -1024, -900, "#BBBBBB", "-1000 by definition; scanners store down to -1024"
    ),
    Tissue(
        "lung",
        "lung",
        -900,
        -500,
        "#56B4E9",
        "aerated lung parenchyma, about -900..-500 (Radiopaedia, Hounsfield unit)",
    ),
    Tissue(
        "fat", "fat", -100, -60, "#F0E442", "seed article, Fig. 5b; clinical texts give -150..-50"
    ),
    Tissue(
        "water",
        "water",
        -5,
        5,
        "#0072B2",
        "0 by definition; calibration tolerance about +-5 HU (ACR CT accreditation)",
    ),
    Tissue("soft_tissue", "soft tissue", 20, 100, "#CC79A7", "seed article: soft tissue +20..+100"),
    Tissue(
        "blood",
        "blood",
        30,
        45,
        "#D55E00",
        "unclotted blood about +30..+45 (Radiopaedia, Hounsfield unit)",
    ),
    Tissue(
        "liver_kidney",
        "liver/kidney",
        40,
        80,
        "#882255",
        "seed article, Fig. 5a liver and kidney window 40..80",
    ),
    Tissue(
        "cancellous_bone",
        "cancellous bone",
        150,
        700,
        "#DDCC77",
        "trabecular bone about +150..+700, lower with osteoporosis (Radiopaedia)",
    ),
    Tissue(
        "cortical_bone",
        "cortical bone",
        700,
        3000,
        "#E69F00",
        "cortical bone about +700..+3000 (Radiopaedia, Hounsfield unit)",
    ),
    Tissue(
        "metal",
        "metal",
        3000,
        32767,
        "#009E73",
        "implants saturate a 12-bit scale at +3071; extended scales go higher",
    ),
)

#: The tissue bands of the Hounsfield scale, ordered by HU, keyed by name.
TISSUES: Mapping[str, Tissue] = MappingProxyType({band.name: band for band in _BANDS})

# Narrowest band first, so that an HU value shared by several bands is named
# by the most specific one (45 HU is blood, not soft tissue).
_BY_WIDTH = sorted(_BANDS, key=lambda band: band.high - band.low)


def resolve_tissue(tissue: Tissue | str) -> Tissue:
    """Return ``tissue`` itself, or the band of :data:`TISSUES` it names.

    Raises
    ------
    InvalidImageError
        If no band has that name.

    Examples
    --------
    >>> resolve_tissue("fat").label
    'fat'
    """
    if isinstance(tissue, Tissue):
        return tissue
    try:
        return TISSUES[tissue]
    except KeyError:
        raise InvalidImageError(
            f"no tissue band named {tissue!r}; choose one of {', '.join(TISSUES)}"
        ) from None


def tissue_at(hu: float) -> Tissue | None:
    """Name the tissue band an HU value falls in (the narrowest, if several).

    Parameters
    ----------
    hu : float
        A CT number in HU.

    Returns
    -------
    Tissue or None
        None between bands (e.g. -300 HU, between lung and fat) and for NaN.

    Raises
    ------
    InvalidArgumentError
        If ``hu`` is not a single real number.

    Examples
    --------
    >>> tissue_at(-80).name
    'fat'
    >>> tissue_at(35).name
    'blood'
    >>> tissue_at(-300) is None
    True
    """
    if isinstance(hu, (bool, np.bool_)) or not isinstance(
        hu, (int, float, np.integer, np.floating)
    ):
        raise InvalidArgumentError(
            f"hu must be one number of HU, got {shown(hu)}; "
            "for an array of HU use ctlab.tissue_mask(hu, name)"
        )
    for band in _BY_WIDTH:
        if band.low <= hu <= band.high:
            return band
    return None


def tissue_mask(hu: npt.ArrayLike, tissue: Tissue | str) -> npt.NDArray[np.bool_]:
    """Mark the pixels whose HU lie in a tissue band (edges included).

    Parameters
    ----------
    hu : array_like
        Hounsfield units, any shape.
    tissue : Tissue or str
        A band or its name in :data:`TISSUES`.

    Returns
    -------
    ndarray of bool, same shape as ``hu``

    Examples
    --------
    >>> tissue_mask([-1000, -80, 40], "fat")
    array([False,  True, False])
    """
    band = resolve_tissue(tissue)
    values = np.asarray(hu)
    return (values >= band.low) & (values <= band.high)
