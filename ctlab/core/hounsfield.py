"""The Hounsfield scale as data: reference tissue ranges, their colours and sources.

A CT number measures X-ray attenuation relative to water,
``HU = 1000 * (mu - mu_water) / (mu_water - mu_air)``, so air is -1000 and
water 0 by definition. Real tissues spread over ranges that overlap; where they
do, :func:`tissue_at` names the narrowest one.

These are *tissue ranges* (what a tissue measures, from textbooks and
body-composition studies), not *display windows*. The seed article's Figure 5
windows (fat -100..-60, liver and kidney 40..80) are narrower on purpose: a
window gives all 256 grey levels to the few HU where differences inside a
tissue are to be seen. They are presets, :data:`ctlab.PRESETS`.
Organ values depend on IV contrast: ``Tissue.phase`` says which phase a range
holds for ("unenhanced", "portal venous"; empty when contrast does not matter).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from ctlab.core.errors import InvalidArgumentError, shown

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
    phase : str
        The contrast phase the range holds for: ``"unenhanced"``,
        ``"portal venous"``, or ``""`` where IV contrast does not change it.

    Examples
    --------
    >>> from ctlab import TISSUES
    >>> TISSUES["fat"].low, TISSUES["fat"].high
    (-190, -30)
    >>> -80 in TISSUES["fat"]
    True
    >>> TISSUES["liver"].phase, TISSUES["liver_portal_venous"].phase
    ('unenhanced', 'portal venous')
    """

    name: str
    label: str
    low: int
    high: int
    color: str
    source: str
    phase: str = ""

    @property
    def center(self) -> float:
        """Middle of the band in HU."""
        return (self.low + self.high) / 2

    def __contains__(self, hu: object) -> bool:
        return isinstance(hu, (int, float, np.number)) and bool(self.low <= hu <= self.high)


_BANDS = (
    Tissue(
        "air",
        "air",
        -1024,
        -900,
        "#BBBBBB",
        "-1000 by definition of the Hounsfield scale; scanners store down to -1024",
    ),
    Tissue(
        "lung",
        "lung",
        -910,
        -600,
        "#88CCEE",
        "aerated lung: -910..-850 in full inspiration (Buzug 2008), up to about -600 "
        "in expiration and with small vessels (Radiopaedia, Hounsfield unit)",
    ),
    Tissue(
        "fat",
        "fat",
        -190,
        -30,
        "#F0E442",
        "adipose tissue -190..-30 (Mitsiopoulos et al., J Appl Physiol 1998; the body-"
        "composition threshold); pure fat -100..-50 (Buzug 2008; Prokop 2003)",
    ),
    Tissue(
        "water",
        "water",
        -7,
        7,
        "#44AA99",
        "0 by definition; a calibrated scanner reads water within 0 +- 7 HU "
        "(ACR CT accreditation phantom criterion)",
    ),
    Tissue(
        "soft_tissue",
        "soft tissue",
        20,
        80,
        "#CC79A7",
        "unenhanced soft tissue (muscle, organs, blood) about +20..+80 (Buzug 2008; Prokop 2003)",
        "unenhanced",
    ),
    Tissue(
        "kidney",
        "kidney",
        20,
        40,
        "#AA4499",
        "unenhanced kidney +20..+40 (Buzug 2008; Prokop 2003)",
        "unenhanced",
    ),
    Tissue(
        "spleen",
        "spleen",
        35,
        55,
        "#332288",
        "unenhanced spleen +35..+55 (Buzug 2008; Prokop 2003)",
        "unenhanced",
    ),
    Tissue(
        "blood",
        "blood",
        45,
        65,
        "#D55E00",
        "unenhanced blood +45..+65 (Buzug 2008; Prokop 2003)",
        "unenhanced",
    ),
    Tissue(
        "liver",
        "liver",
        50,
        70,
        "#882255",
        "unenhanced liver +50..+70 (Buzug 2008 gives +45..+65); normal livers at post-mortem CT "
        "58.3 +- 8.9 (Int J Legal Med 2019;133:1861)",
        "unenhanced",
    ),
    Tissue(
        "liver_portal_venous",
        "liver, portal venous",
        90,
        130,
        "#CC6677",
        "liver about 60-70 s after IV contrast: unenhanced + about 50..60 HU of enhancement "
        "(Radiat Med 2007 25:106; J Pers Med 2021 11:1255)",
        "portal venous",
    ),
    Tissue(
        "cancellous_bone",
        "cancellous bone",
        150,
        400,
        "#009E73",
        "trabecular bone about +150..+400 (Prokop 2003); lumbar vertebrae of young adults "
        "227..236 +- 42 (Hendrickson et al., Iowa Orthop J 2018;38:25); lower with osteoporosis",
    ),
    Tissue(
        "cortical_bone",
        "cortical bone",
        700,
        3000,
        "#0072B2",
        "cortical bone about +700..+3000 (Buzug 2008)",
    ),
    Tissue(
        "metal",
        "metal",
        3000,
        32767,
        "#999933",
        "implants saturate a 12-bit scale at +3071; extended scales go higher",
    ),
)

#: Reference tissue ranges of the Hounsfield scale, ordered by their low edge, keyed by name.
TISSUES: Mapping[str, Tissue] = MappingProxyType({band.name: band for band in _BANDS})

# Narrowest band first, so that an HU value shared by several bands is named
# by the most specific one (45 HU is spleen, not soft tissue).
_BY_WIDTH = sorted(_BANDS, key=lambda band: band.high - band.low)


def resolve_tissue(tissue: Tissue | str) -> Tissue:
    """Return ``tissue`` itself, or the band of :data:`TISSUES` it names.

    Raises
    ------
    InvalidArgumentError
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
        raise InvalidArgumentError(
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
        None between ranges (e.g. -300 HU, between lung and fat) and for NaN.

    Raises
    ------
    InvalidArgumentError
        If ``hu`` is not a single real number.

    Examples
    --------
    >>> tissue_at(-80).name
    'fat'
    >>> tissue_at(45).name
    'spleen'
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
