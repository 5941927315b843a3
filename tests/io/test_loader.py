"""Tests for ctlab.load: real files, messy folders, data pitfalls and bad input."""

from __future__ import annotations

import hashlib
import shutil
import warnings

import numpy as np
import pydicom
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset
from pydicom.pixels import apply_modality_lut

from ctlab import Window, load
from ctlab.core.errors import (
    CTLabError,
    DataPitfallWarning,
    DecoderMissingError,
    InvalidDicomError,
    MemoryBudgetError,
    NoPixelDataError,
    NotHounsfieldError,
    SeriesError,
    SeriesWarning,
)
from tests.helpers.dicom import REAL_FILES, ct_dataset, write

IDENTIFIERS = ["Doe^Jane", "ID-SECRET-42", "CompressedSamples"]


def digest(folder):
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class TestRealFiles:
    @pytest.mark.parametrize("name", REAL_FILES)
    def test_hu_equal_pydicom_modality_lut(self, name):
        """HU equal pydicom's apply_modality_lut exactly, as int16."""
        path = get_testdata_file(name)
        ds = pydicom.dcmread(path)
        image = load(path)
        assert image.hu.dtype == np.int16 and image.hu.ndim == 2
        expected = apply_modality_lut(ds.pixel_array, ds)
        if name == "explicit_VR-UN.dcm":  # rows run towards anterior: shown flipped
            expected = expected[::-1]
        np.testing.assert_array_equal(image.hu, expected)

    def test_head_window_padding_spacing(self):
        """The head CT keeps its 40/100 window; -2000 padding is -3024 HU and left out."""
        image = load(get_testdata_file("693_UNCR.dcm"))
        assert image.default_window == Window(40, 100) and image.windows == (Window(40, 100),)
        assert image.spacing == pytest.approx((0.478516, 0.478516))
        assert image.padding_range == (-3024.0, -1025.0)
        assert image.hu.min() == -3024 and image.valid_hu().min() >= -1024

    def test_abdomen_jpeg2000(self):
        """The JPEG 2000 abdomen decodes to 512x512 HU from -1024, with no window."""
        image = load(get_testdata_file("explicit_VR-UN.dcm"))
        assert image.shape == (512, 512) and image.hu.min() == -1024
        assert image.default_window is None
        assert "JPEG 2000" in image.info["transfer_syntax"]

    @pytest.mark.parametrize("name", REAL_FILES)
    def test_no_identifiers(self, name):
        """Neither repr nor info carries the patient's name, ID or UIDs."""
        path = get_testdata_file(name)
        ds = pydicom.dcmread(path, stop_before_pixels=True)
        image = load(path)
        text = repr(image) + str(dict(image.info))
        for keyword in (
            "PatientName",
            "PatientID",
            "StudyInstanceUID",
            "SeriesInstanceUID",
            "StudyDate",
            "InstitutionName",
        ):
            value = str(ds.get(keyword, "") or "")
            if len(value) > 3:
                assert value not in text, keyword


class TestSeries:
    def test_folder_sorted_by_position(self, series_folder, volume_pixels):
        """Shuffled file names load in position order; HU = stored - 1024."""
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            image = load(series_folder)
        np.testing.assert_array_equal(image.hu, volume_pixels.astype(np.int16) - 1024)
        assert image.spacing == (2.5, 0.5, 0.75)
        assert image.slice_positions == tuple(2.5 * k for k in range(10))

    def test_list_of_files(self, series_folder, volume_pixels):
        """A list of files loads like the folder."""
        image = load(sorted(series_folder.iterdir()))
        assert image.shape == volume_pixels.shape

    def test_spacing_from_positions_not_thickness(self, tmp_path, volume_pixels):
        """Slice spacing comes from positions even when SliceThickness says otherwise."""
        for k in range(3):
            write(
                ct_dataset(volume_pixels[k], position=-4.0 * k, SliceThickness=5.0),
                tmp_path / f"s{k}",
            )
        image = load(tmp_path)
        assert image.spacing[0] == 4.0
        np.testing.assert_array_equal(image.hu[0], volume_pixels[2] - 1024)

    def test_messy_folder(self, tmp_path, volume_pixels):
        """Junk, an MR, a second series, a gap and a duplicate: the main series, with warnings."""
        for k in range(10):
            if k == 4:
                continue  # the missing slice
            write(
                ct_dataset(volume_pixels[k], position=2.5 * k, instance=k + 1),
                tmp_path / f"z{(k * 7) % 10}.dcm",
            )
        write(ct_dataset(volume_pixels[6], position=15.0, instance=99), tmp_path / "dup.dcm")
        (tmp_path / "notes.txt").write_text("scan notes")
        (tmp_path / "sub").mkdir()
        (tmp_path / "sub" / "DICOMDIR.bak").write_bytes(b"\0" * 300)
        write(ct_dataset(volume_pixels[0], modality="MR"), tmp_path / "mr.dcm")
        for k in range(2):
            write(
                ct_dataset(
                    volume_pixels[k],
                    position=float(k),
                    series_uid="1.2.3.9",
                    series_number=7,
                    instance=k + 1,
                ),
                tmp_path / f"other{k}.dcm",
            )
        before = digest(tmp_path)
        with pytest.warns(SeriesWarning) as record:
            image = load(tmp_path)
        messages = " ".join(str(w.message) for w in record)
        assert "series 7 (UID ...1.2.3.9, 2 slices)" in messages
        assert (
            "gap of 5.00 mm between slices 3 and 4" in messages
            and "about 1 slice missing" in messages
        )
        assert "duplicate slice" in messages and "dup.dcm" in messages
        assert "1 MR image" in messages and "not DICOM" in messages
        expected = [k for k in range(10) if k != 4]
        np.testing.assert_array_equal(image.hu, volume_pixels[expected] - 1024)
        assert digest(tmp_path) == before

    def test_series_uid_picks_other(self, tmp_path, volume_pixels):
        """series_uid= selects a series by number or UID."""
        for k in range(3):
            write(ct_dataset(volume_pixels[k], position=float(k), instance=k), tmp_path / f"a{k}")
        write(ct_dataset(volume_pixels[5], series_uid="1.2.3.9", series_number=7), tmp_path / "b")
        for key in (7, "1.2.3.9"):
            image = load(tmp_path, series_uid=key)
            np.testing.assert_array_equal(image.hu, volume_pixels[5] - 1024)
        with pytest.raises(
            SeriesError, match=r"no CT series '3'.*series 1 \(UID \.\.\..*, 3 slices\)"
        ):
            load(tmp_path, series_uid=3)

    def test_mixed_sizes_refused(self, tmp_path, volume_pixels):
        """Slices of different sizes are not one volume; the message names the odd file."""
        write(ct_dataset(volume_pixels[0], position=0.0), tmp_path / "a")
        write(ct_dataset(volume_pixels[1][:6], position=1.0), tmp_path / "odd")
        with pytest.raises(SeriesError, match=r"mixes image sizes.*odd"):
            load(tmp_path)

    def test_no_positions_falls_back_to_instance_number(self, tmp_path, volume_pixels):
        """Without positions, slices follow InstanceNumber and spacing comes from the header."""
        for k in (2, 0, 1):
            write(
                ct_dataset(volume_pixels[k], position=None, instance=k, SliceThickness=3.0),
                tmp_path / f"f{k}",
            )
        with pytest.warns(SeriesWarning) as record:
            image = load(tmp_path)
        messages = " ".join(str(w.message) for w in record)
        assert (
            "ordered by InstanceNumber" in messages
            and "SliceThickness (0018,0050): 3 mm" in messages
        )
        np.testing.assert_array_equal(image.hu, volume_pixels[:3] - 1024)
        assert image.spacing[0] == 3.0

    @pytest.mark.parametrize("content", [None, "junk"])
    def test_empty_or_junk_folder(self, tmp_path, content):
        """A folder with no CT says what it found."""
        if content:
            (tmp_path / "a.txt").write_text(content)
        with pytest.raises(SeriesError, match=r"no CT images in .*\(\d+ files"):
            load(tmp_path)

    def test_empty_list(self):
        """An empty list is refused."""
        with pytest.raises(SeriesError, match="no files given"):
            load([])


class TestOrientation:
    @pytest.mark.parametrize(
        ("orientation", "flip", "note"),
        [
            ([1, 0, 0, 0, 1, 0], (slice(None), slice(None)), ""),
            ([1, 0, 0, 0, -1, 0], (slice(None, None, -1), slice(None)), "anterior to the top"),
            ([-1, 0, 0, 0, 1, 0], (slice(None), slice(None, None, -1)), "patient's left"),
        ],
    )
    def test_axial_shown_radiologically(self, tmp_path, orientation, flip, note):
        """Axial images are flipped to anterior-up, patient's left on the right, and say so."""
        pixels = np.arange(12, dtype=np.int16).reshape(3, 4)
        path = write(ct_dataset(pixels, ImageOrientationPatient=orientation), tmp_path / "o")
        image = load(path)
        np.testing.assert_array_equal(image.hu, (pixels - 1024)[flip])
        assert note in image.info["reoriented"]


class TestPitfalls:
    def test_missing_rescale_assumes_identity(self, tmp_path):
        """Without rescale tags, stored values are taken as HU, with a warning."""
        pixels = np.array([[-1000, 40]], dtype=np.int16)
        path = write(ct_dataset(pixels, slope=None, intercept=None), tmp_path / "f.dcm")
        with pytest.warns(
            DataPitfallWarning,
            match=r"RescaleSlope \(0028,1053\) and RescaleIntercept .* missing in .*f\.dcm",
        ):
            image = load(path)
        np.testing.assert_array_equal(image.hu, pixels)
        assert "missing" in image.info["corrections"][0]

    def test_monochrome1_explained(self, tmp_path):
        """MONOCHROME1 does not change HU; the warning says how to see it the scanner's way."""
        pixels = np.array([[0, 1064]], dtype=np.int16)
        path = write(ct_dataset(pixels, PhotometricInterpretation="MONOCHROME1"), tmp_path / "m")
        with pytest.warns(DataPitfallWarning, match="MONOCHROME1.*invert=True"):
            image = load(path)
        np.testing.assert_array_equal(image.hu, [[-1024, 40]])

    def test_unsigned_wraparound(self, tmp_path):
        """Signed HU written as unsigned 12-bit (intercept > -100) are read as int16."""
        hu = np.array([[-1000, -100, 0, 40, 1500]], dtype=np.int16)
        ds = ct_dataset(hu.view(np.uint16), intercept=0.0, BitsStored=12, HighBit=11)
        ds.PixelRepresentation = 0
        with pytest.warns(
            DataPitfallWarning, match="but its values are signed.*read them as signed"
        ):
            image = load(write(ds, tmp_path / "wrap.dcm"))
        np.testing.assert_array_equal(image.hu, hu)

    def test_junk_in_unused_high_bits(self, tmp_path):
        """Values beyond BitsStored (an overlay in bit 15) are masked to the stored bits."""
        stored = np.array([[0, 1024, 2048, 4095]], dtype=np.uint16)
        ds = ct_dataset(stored | np.uint16(0x8000), intercept=-1024.0, BitsStored=12, HighBit=11)
        ds.PixelRepresentation = 0
        with pytest.warns(DataPitfallWarning, match="unused high bits"):
            image = load(write(ds, tmp_path / "junk.dcm"))
        np.testing.assert_array_equal(image.hu, stored.astype(np.int16) - 1024)

    def test_signed_bits_stored_sign_extended(self, tmp_path):
        """Signed 12-bit values in 16 bits are sign-extended from bit 11."""
        values = np.array([[-2048, -1, 0, 2047]], dtype=np.int16)
        garbage = (values.view(np.uint16) & np.uint16(0x0FFF)) | np.uint16(0x5000)
        ds = ct_dataset(garbage.view(np.int16), intercept=0.0, BitsStored=12, HighBit=11)
        with pytest.warns(DataPitfallWarning, match="low 12 bits"):
            image = load(write(ds, tmp_path / "s12.dcm"))
        np.testing.assert_array_equal(image.hu, values)

    def test_fractional_slope_gives_float32(self, tmp_path):
        """A non-integer slope gives float32 HU, exactly slope * stored + intercept."""
        pixels = np.array([[0, 1, 2000]], dtype=np.int16)
        image = load(write(ct_dataset(pixels, slope=0.5, intercept=-1000.5), tmp_path / "f"))
        assert image.hu.dtype == np.float32
        np.testing.assert_array_equal(image.hu, [[-1000.5, -1000.0, -0.5]])

    def test_out_of_int16_range_gives_float32(self, tmp_path):
        """Integer rescale beyond int16 falls back to float32 rather than wrapping."""
        # (unsigned 65000 beside 0 would be signed data mislabelled: see test_pixels.py)
        pixels = np.array([[0, 20000]], dtype=np.uint16)
        image = load(write(ct_dataset(pixels, slope=2.0, intercept=0.0), tmp_path / "big"))
        assert image.hu.dtype == np.float32 and image.hu.max() == 40000

    def test_pixel_padding_value(self, tmp_path):
        """PixelPaddingValue is converted to HU and reported."""
        pixels = np.array([[-2000, 0, 1064]], dtype=np.int16)
        image = load(write(ct_dataset(pixels, PixelPaddingValue=-2000), tmp_path / "p"))
        assert image.padding_range == (-3024.0, -1025.0)
        assert image.valid_hu().tolist() == [-1024, 40]

    @given(
        hnp.arrays(np.int16, st.tuples(st.integers(1, 6), st.integers(1, 6))),
        st.integers(-3, 3).filter(bool),
        st.integers(-2000, 2000),
    )
    @settings(max_examples=40, deadline=None)
    def test_integer_rescale_round_trip(self, tmp_path_factory, pixels, slope, intercept):
        """Any int16 pixels with integer slope/intercept give exactly slope * stored + intercept."""
        path = tmp_path_factory.mktemp("h") / "f.dcm"
        image = load(write(ct_dataset(pixels, slope=slope, intercept=intercept), path))
        expected = pixels.astype(np.int64) * slope + intercept
        np.testing.assert_array_equal(image.hu, expected)
        fits = expected.min() >= -32768 and expected.max() <= 32767
        assert image.hu.dtype == (np.int16 if fits else np.float32)


class TestEnhancedMultiFrame:
    def test_real_enhanced_ct_is_a_perfusion_map(self):
        """NEMA's enhanced CT maps its values to ml/100ml/s in its shared groups: not HU."""
        with pytest.raises(NotHounsfieldError, match=r"ml/100ml/s.*not Hounsfield units"):
            load(get_testdata_file("eCT_Supplemental.dcm"))

    def test_real_enhanced_ct(self, tmp_path):
        """NEMA's enhanced CT without its perfusion mapping: the shared rescale (-1024) applies."""
        ds = pydicom.dcmread(get_testdata_file("eCT_Supplemental.dcm"))
        del ds.SharedFunctionalGroupsSequence[0].RealWorldValueMappingSequence
        path = tmp_path / "eCT.dcm"
        ds.save_as(path)
        transform = ds.SharedFunctionalGroupsSequence[0].PixelValueTransformationSequence[0]
        with pytest.warns(DataPitfallWarning) as record:
            image = load(path)
        warned = " ".join(str(w.message) for w in record)
        assert "'US'" in warned and "DERIVED image of PERFUSION" in warned and "COLOR" in warned
        assert image.shape == (2, 512, 512) and image.spacing[0] == 10.0
        expected = ds.pixel_array * float(transform.RescaleSlope) + float(
            transform.RescaleIntercept
        )
        cosines = np.array(
            ds.SharedFunctionalGroupsSequence[0]
            .PlaneOrientationSequence[0]
            .ImageOrientationPatient,
            dtype=float,
        )
        normal = np.cross(cosines[:3], cosines[3:])
        along_normal = [
            float(np.dot(frame.PlanePositionSequence[0].ImagePositionPatient, normal))
            for frame in ds.PerFrameFunctionalGroupsSequence
        ]
        # Its rows run to the patient's right (row cosine -1): flipped like a classic slice.
        np.testing.assert_array_equal(image.hu, expected[np.argsort(along_normal)][..., ::-1])
        assert "patient's left" in image.info["reoriented"]
        assert image.default_window == Window(49, 102)  # its Frame VOI LUT
        assert image.slice_positions == tuple(sorted(along_normal))
        assert image.hu.min() == -1024

    def test_per_frame_rescale_and_order(self, tmp_path):
        """Frames get their own Pixel Value Transformation and are sorted by position."""
        frames = np.arange(3 * 4 * 5, dtype=np.int16).reshape(3, 4, 5)
        ds = ct_dataset(frames[0], position=None, slope=None, intercept=None)
        ds.NumberOfFrames = 3
        ds.PixelData = frames.tobytes()
        shared = Dataset()
        transform = Dataset()
        transform.RescaleSlope, transform.RescaleIntercept = 1, -1024
        shared.PixelValueTransformationSequence = [transform]
        orientation = Dataset()
        orientation.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        shared.PlaneOrientationSequence = [orientation]
        ds.SharedFunctionalGroupsSequence = [shared]
        per_frame = []
        for z, intercept in ((10.0, -1024), (0.0, -1000), (5.0, -1024)):
            item, position, frame_transform = Dataset(), Dataset(), Dataset()
            position.ImagePositionPatient = [0, 0, z]
            item.PlanePositionSequence = [position]
            frame_transform.RescaleSlope, frame_transform.RescaleIntercept = 1, intercept
            item.PixelValueTransformationSequence = [frame_transform]
            per_frame.append(item)
        ds.PerFrameFunctionalGroupsSequence = per_frame
        image = load(write(ds, tmp_path / "enhanced.dcm"))  # rescale in the groups: no warning
        assert image.shape == (3, 4, 5) and image.spacing[0] == 5.0
        np.testing.assert_array_equal(image.hu[0], frames[1] - 1000)
        np.testing.assert_array_equal(image.hu[1], frames[2] - 1024)
        np.testing.assert_array_equal(image.hu[2], frames[0] - 1024)


class TestBadInput:
    def test_missing_path(self, tmp_path):
        """A missing path is FileNotFoundError naming it."""
        with pytest.raises(FileNotFoundError, match="nope"):
            load(tmp_path / "nope.dcm")

    def test_empty_file(self, tmp_path):
        """An empty file says so, with its name."""
        (tmp_path / "empty.dcm").write_bytes(b"")
        with pytest.raises(InvalidDicomError, match=r"empty\.dcm is empty \(0 bytes\)"):
            load(tmp_path / "empty.dcm")

    @pytest.mark.parametrize("content", [b"hello, I am a text file\n" * 20, bytes(range(256)) * 4])
    def test_not_dicom(self, tmp_path, content):
        """Text or random bytes are not DICOM."""
        (tmp_path / "x.dcm").write_bytes(content)
        with pytest.raises(
            InvalidDicomError, match=r"x\.dcm .*not a DICOM file|x\.dcm has a damaged"
        ):
            load(tmp_path / "x.dcm")

    @pytest.mark.parametrize("fraction", [0.05, 0.3, 0.6, 0.99])
    def test_truncated(self, tmp_path, fraction):
        """A real file cut short raises a CTLabError naming it."""
        data = open(get_testdata_file("CT_small.dcm"), "rb").read()
        (tmp_path / "cut.dcm").write_bytes(data[: int(len(data) * fraction)])
        with pytest.raises(CTLabError, match=r"cut\.dcm"):
            load(tmp_path / "cut.dcm")

    def test_no_pixel_data(self, tmp_path):
        """A DICOM object without pixels is NoPixelDataError."""
        ds = ct_dataset(np.zeros((2, 2), np.int16))
        del ds.PixelData
        with pytest.raises(
            NoPixelDataError, match=r"report\.dcm has no image: Pixel Data \(7FE0,0010\)"
        ):
            load(write(ds, tmp_path / "report.dcm"))

    @pytest.mark.parametrize("fraction", [0.05, 0.1])
    def test_cut_in_its_header(self, tmp_path, fraction):
        """A real CT cut short inside its header says its pixels are missing, not a tag is bad."""
        from pydicom.data import get_testdata_file

        with open(get_testdata_file("CT_small.dcm"), "rb") as handle:
            data = handle.read()
        cut = tmp_path / "cut.dcm"
        cut.write_bytes(data[: int(len(data) * fraction)])
        with pytest.raises(NoPixelDataError, match=r"cut\.dcm has no image: .* cut short"):
            load(cut)

    def test_mr_refused(self, tmp_path):
        """An MR image explains that only CT has HU."""
        path = write(ct_dataset(np.zeros((2, 2), np.int16), modality="MR"), tmp_path / "mr.dcm")
        with pytest.raises(
            NotHounsfieldError, match=r"mr\.dcm is magnetic resonance.*only CT stores Hounsfield"
        ):
            load(path)

    def test_rescale_type_not_hu(self, tmp_path):
        """A Rescale Type other than HU is refused."""
        path = write(ct_dataset(np.zeros((2, 2), np.int16), RescaleType="OD"), tmp_path / "od")
        with pytest.raises(NotHounsfieldError, match=r"RescaleType \(0028,1054\) is 'OD'"):
            load(path)

    def test_rescale_type_unspecified_warns(self, tmp_path):
        """RescaleType US on a CT is assumed HU, with a warning."""
        path = write(ct_dataset(np.zeros((2, 2), np.int16), RescaleType="US"), tmp_path / "us")
        with pytest.warns(DataPitfallWarning, match="'US' \\(unspecified\\)"):
            load(path)

    def test_zero_slope(self, tmp_path):
        """RescaleSlope 0 cites the tag and the file."""
        path = write(ct_dataset(np.zeros((2, 2), np.int16), slope=0.0), tmp_path / "IM0007")
        with pytest.raises(InvalidDicomError, match=r"RescaleSlope \(0028,1053\) is 0 in .*IM0007"):
            load(path)

    def test_pixel_data_shorter_than_rows_columns(self, tmp_path):
        """Rows x Columns larger than the pixel data is a damaged-file error."""
        ds = ct_dataset(np.zeros((4, 4), np.int16))
        ds.Rows = 40
        with pytest.raises(InvalidDicomError, match=r"short\.dcm"):
            load(write(ds, tmp_path / "short.dcm"))

    def test_missing_decoder(self, tmp_path, monkeypatch):
        """A JPEG 2000 file without its decoder says what to pip install."""
        from pydicom.pixels import get_decoder

        source = get_testdata_file("explicit_VR-UN.dcm")
        decoder = get_decoder(
            pydicom.dcmread(source, stop_before_pixels=True).file_meta.TransferSyntaxUID
        )
        monkeypatch.setattr(decoder, "_available", {})
        with pytest.raises(
            DecoderMissingError,
            match=r"explicit_VR-UN\.dcm is compressed as JPEG 2000.*pip install pylibjpeg pylibjpeg-openjpeg",
        ):
            load(source)

    @pytest.mark.parametrize("keyword", ["Rows", "Columns"])
    def test_header_larger_than_pixel_data(self, tmp_path, keyword):
        """A header claiming 30000 rows is refused before allocating, naming the sizes."""
        ds = ct_dataset(np.zeros((4, 4), np.int16))
        setattr(ds, keyword, 30000)
        with pytest.raises(InvalidDicomError, match=r"holds 32 bytes, but .* need 240,000"):
            load(write(ds, tmp_path / "liar.dcm"))

    def test_lying_number_of_frames(self, tmp_path):
        """NumberOfFrames larger than the data is refused."""
        ds = ct_dataset(np.zeros((4, 4), np.int16))
        ds.NumberOfFrames = 500
        with pytest.raises(InvalidDicomError, match=r"500 x 4 x 4 pixels"):
            load(write(ds, tmp_path / "frames.dcm"))

    def test_memory_limit(self, series_folder):
        """A volume over the memory limit is refused with sizes and the override."""
        with pytest.raises(
            MemoryBudgetError, match=r"10 x 12 x 16 voxels need .*pass a larger memory_limit"
        ):
            load(series_folder, memory_limit=1000)
        assert load(series_folder, memory_limit=10_000).shape == (10, 12, 16)

    def test_input_files_never_written(self, tmp_path):
        """Loading leaves the input bytes and times unchanged."""
        shutil.copy(get_testdata_file("693_UNCR.dcm"), tmp_path / "head.dcm")
        before = (digest(tmp_path), (tmp_path / "head.dcm").stat().st_mtime_ns)
        load(tmp_path / "head.dcm")
        load(tmp_path)
        assert (digest(tmp_path), (tmp_path / "head.dcm").stat().st_mtime_ns) == before
