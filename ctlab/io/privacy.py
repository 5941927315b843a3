"""Patient identifiers and free text: the header fields ctlab never shows unless asked.

ctlab keeps identifiers and free-text descriptions out of every
:class:`~ctlab.CTImage`, repr, widget, figure and export. Only
:func:`patient_identifiers`, which a user calls on purpose
(``ctlab info PATH --show-phi``), reads them.
"""

from __future__ import annotations

import os
from pathlib import Path

from ctlab.core.errors import InvalidDicomError

__all__ = ["FREE_TEXT_KEYWORDS", "IDENTIFYING_KEYWORDS", "patient_identifiers"]

#: DICOM keywords that identify a patient, a visit or an institution
#: (after the de-identification profile of PS3.15 Annex E, the fields a
#: teaching tool could plausibly show). ctlab never copies these.
IDENTIFYING_KEYWORDS: tuple[str, ...] = (
    "PatientName",
    "PatientID",
    "PatientBirthDate",
    "PatientSex",
    "PatientAge",
    "PatientAddress",
    "OtherPatientIDs",
    "AccessionNumber",
    "InstitutionName",
    "InstitutionAddress",
    "ReferringPhysicianName",
    "PerformingPhysicianName",
    "OperatorsName",
    "StationName",
    "StudyID",
    "StudyDate",
    "SeriesDate",
    "AcquisitionDate",
    "ContentDate",
    "StudyTime",
    "SeriesTime",
    "StudyInstanceUID",
    "SeriesInstanceUID",
    "SOPInstanceUID",
    "FrameOfReferenceUID",
    "DeviceSerialNumber",
)


#: Free-text attributes: people type names, dates and histories into them.
#: DICOM PS3.15 Annex E, Table E.1-1 (Basic Application Level
#: Confidentiality Profile) removes (X), empties (Z) or replaces (D) each
#: of these; ctlab applies that by never copying them into a CTImage, its
#: repr or ``info``, a figure, a widget, an export manifest or ``ctlab info``.
#: Window Center & Width Explanation (0028,1055) is not in the table but is
#: free text too: a window is named by it only if it passes
#: :func:`ctlab.core.window.clean_window_explanation`, else "header window 1".
FREE_TEXT_KEYWORDS: tuple[str, ...] = (
    # Table E.1-1, action X (remove)
    "AcquisitionComments",
    "AcquisitionProtocolDescription",
    "AdditionalPatientHistory",
    "AdmittingDiagnosesDescription",
    "Allergies",
    "ClinicalTrialSeriesDescription",
    "ClinicalTrialTimePointDescription",
    "CommentsOnRadiationDose",
    "CommentsOnThePerformedProcedureStep",
    "ConfidentialityConstraintOnPatientDataDescription",
    "ContributionDescription",
    "DecompositionDescription",
    "DerivationDescription",
    "DeviceDescription",
    "DischargeDiagnosisDescription",
    "FrameComments",
    "IdentifyingComments",
    "ImageComments",
    "ImagePresentationComments",
    "ImagingServiceRequestComments",
    "Impressions",
    "InstitutionalDepartmentName",
    "InterpretationDiagnosisDescription",
    "InterpretationText",
    "LongDeviceDescription",
    "MedicalAlerts",
    "ModifiedImageDescription",
    "MultienergyAcquisitionDescription",
    "Occupation",
    "PatientComments",
    "PatientState",
    "PatientTransportArrangements",
    "PerformedProcedureStepDescription",
    "PreMedication",
    "ReasonForStudy",
    "ReasonForVisit",
    "ReasonForTheImagingServiceRequest",
    "ReasonForTheRequestedProcedure",
    "RequestedContrastAgent",
    "RequestedProcedureComments",
    "RequestedSeriesDescription",
    "RespiratoryMotionCompensationTechniqueDescription",
    "ResultsComments",
    "ScheduledProcedureStepDescription",
    "SeriesDescription",
    "ServiceEpisodeDescription",
    "SpecialNeeds",
    "StudyComments",
    "StudyDescription",
    "TextComments",
    "TextString",
    "VisitComments",
    # Table E.1-1, X/D or X/Z (remove, or replace / empty where the IOD requires it)
    "AcquisitionDeviceProcessingDescription",
    "ProtocolName",
    "RequestedProcedureDescription",
    # Table E.1-1, Z/D (empty or replace)
    "ContrastBolusAgent",
    # ctlab's addition, see above
    "WindowCenterWidthExplanation",
)


def _first_dicom_file(path: Path) -> Path:
    if path.is_file():
        return path
    if path.is_dir():
        for candidate in sorted(p for p in path.iterdir() if p.is_file()):
            with candidate.open("rb") as handle:
                handle.seek(128)
                if handle.read(4) == b"DICM":
                    return candidate
        raise InvalidDicomError(
            f"{path} holds no DICOM file with a DICM preamble; pass one DICOM file, "
            "or a folder with one directly inside it"
        )
    raise FileNotFoundError(f"{path} does not exist")


def patient_identifiers(path: str | os.PathLike[str]) -> dict[str, str]:
    """Read the identifying and free-text fields of a DICOM file (or a folder's first file).

    Call this only when you mean to see them; nothing else in ctlab does.

    Parameters
    ----------
    path : path-like
        A DICOM file, or a folder whose first DICOM file is read.

    Returns
    -------
    dict of str to str
        Keyword to value for the fields of :data:`IDENTIFYING_KEYWORDS`,
        then those of :data:`FREE_TEXT_KEYWORDS`, present in the header.

    Raises
    ------
    InvalidDicomError
        If the file cannot be read as DICOM.

    Examples
    --------
    >>> from pydicom.data import get_testdata_file
    >>> patient_identifiers(get_testdata_file("CT_small.dcm"))["PatientName"]
    'CompressedSamples^CT1'
    """
    import pydicom
    from pydicom.errors import InvalidDicomError as PydicomInvalidDicomError

    file = _first_dicom_file(Path(path))
    try:
        header = pydicom.dcmread(file, stop_before_pixels=True)
    except (PydicomInvalidDicomError, OSError, ValueError, EOFError) as error:
        raise InvalidDicomError(
            f"{file} is not a readable DICOM file: {error}; pass a complete DICOM file"
        ) from None
    found = {}
    for keyword in (*IDENTIFYING_KEYWORDS, *FREE_TEXT_KEYWORDS):
        value = header.get(keyword)
        if value not in (None, ""):
            found[keyword] = str(value)
    return found
