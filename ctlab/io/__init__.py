"""The io layer: DICOM files and series, sample data, the phantom, export (adds pydicom)."""
