"""ctlab.load_labels: NIfTI, DICOM SEG and RT Structure Sets on the phantom's grid, and bad input."""

from __future__ import annotations

import itertools

import nibabel as nib
import numpy as np
import pytest
from pydicom.data import get_testdata_file

import ctlab
from ctlab.core.errors import LabelError
from ctlab.data.synthetic.phantom import make_phantom
from ctlab.io.label_formats import fill_even_odd
from ctlab.io.labels import TOTALSEGMENTATOR_EXAMPLE
from ctlab.io.write import write_series
from tests.helpers.dicom import ct_dataset, write
from tests.io.label_files import (
    nifti_xyz,
    reoriented,
    rtstruct_from_labels,
    write_nifti,
    write_rtstruct,
    write_seg,
)

NAMES = {3: "liver", 5: "kidney", 8: "cortical_bone"}


@pytest.fixture(scope="module")
def phantom():
    return make_phantom(n_slices=6, size=48)


@pytest.fixture(scope="module")
def ct_folder(phantom, tmp_path_factory):
    folder = tmp_path_factory.mktemp("ct")
    write_series(phantom, folder)
    return folder


@pytest.fixture(scope="module")
def scan(ct_folder):
    """The phantom as ctlab.load reads it back from DICOM: geometry from the header."""
    return ctlab.load(ct_folder)


def kept(labels, values):
    return np.where(np.isin(labels, list(values)), labels, 0)


def segment_numbers(labels, values):
    """The phantom's labels renumbered 1..n, as segments of a SEG."""
    out = np.zeros(labels.shape, np.uint8)
    for number, value in enumerate(values, start=1):
        out[labels == value] = number
    return out


class TestNifti:
    def test_round_trip(self, phantom, scan, tmp_path):
        """A NIfTI written the usual way (col, row, slice; RAS) comes back voxel for voxel."""
        path = nifti_xyz(scan, phantom.labels, tmp_path / "truth.nii.gz")
        result = ctlab.load_labels(path, like=scan)
        np.testing.assert_array_equal(result.labels, phantom.labels)
        assert result.labels.dtype == np.uint8 and not result.labels.flags.writeable
        assert result.names[3] == "label 3" and result.info["format"] == "NIfTI"
        np.testing.assert_array_equal(result.affine, scan.affine)

    @pytest.mark.parametrize(
        ("flips", "order"),
        [
            ((), (0, 1, 2)),
            ((0,), (0, 1, 2)),
            ((1,), (0, 1, 2)),
            ((2,), (0, 1, 2)),
            ((0, 1, 2), (0, 1, 2)),
            *(((), order) for order in itertools.permutations(range(3)) if order != (0, 1, 2)),
            ((1,), (2, 0, 1)),
        ],
    )
    def test_orientations(self, phantom, scan, tmp_path, flips, order):
        """Flipped on any axis, axes in any order: the same voxels land on the same places."""
        data, affine = reoriented(phantom.labels, scan.affine, flips=flips, order=order)
        path = write_nifti(data, affine, tmp_path / "oriented.nii")
        np.testing.assert_array_equal(ctlab.load_labels(path, like=scan).labels, phantom.labels)

    def test_lps_written_as_ras_is_refused(self, phantom, tmp_path):
        """An LPS affine stored as if it were RAS (a classic bug) puts the map elsewhere: refused.

        On a grid centred on the z axis the same bug is a mirror image that fits the
        grid, and cannot be seen from the affines: this scan is off-centre, as most are.
        """
        affine = np.array(phantom.affine)
        affine[:2, 3] += (30.0, -12.0)
        scan = ctlab.CTImage(phantom.hu, spacing=phantom.spacing, affine=affine)
        data, file_affine = reoriented(phantom.labels, affine, order=(2, 1, 0))
        path = write_nifti(data, file_affine, tmp_path / "lps.nii.gz", ras=False)
        with pytest.raises(LabelError, match=r"lps\.nii\.gz starts at .* mm apart"):
            ctlab.load_labels(path, like=scan)
        right = write_nifti(data, file_affine, tmp_path / "ras.nii.gz")
        np.testing.assert_array_equal(ctlab.load_labels(right, like=scan).labels, phantom.labels)

    def test_names_and_totalsegmentator_mapping(self, phantom, scan, tmp_path):
        """A value -> name mapping keeps only the listed labels, under their names."""
        path = nifti_xyz(scan, phantom.labels, tmp_path / "truth.nii.gz")
        result = ctlab.load_labels(path, like=scan, names=NAMES)
        np.testing.assert_array_equal(result.labels, kept(phantom.labels, NAMES))
        assert result.names == NAMES and set(result.colors) == set(NAMES)
        totalseg = ctlab.load_labels(path, like=scan, names=TOTALSEGMENTATOR_EXAMPLE)
        assert (
            totalseg.names[5] == "liver"
            and totalseg.mask("liver").sum() == (phantom.labels == 5).sum()
        )

    def test_labels_alone(self, phantom, scan, tmp_path):
        """Without like=, the map comes on its own grid, axes reversed to (slice, row, col)."""
        path = nifti_xyz(scan, phantom.labels, tmp_path / "truth.nii.gz")
        result = ctlab.load_labels(path)
        np.testing.assert_array_equal(result.labels, phantom.labels)
        np.testing.assert_allclose(result.affine, scan.affine, atol=1e-4)

    def test_single_slice(self, tmp_path):
        """A 2-D scan takes a one-slice NIfTI and gives a 2-D label map."""
        image = ctlab.CTImage(np.zeros((5, 7), np.int16), spacing=(0.5, 0.75))
        labels = (np.arange(35).reshape(1, 5, 7) % 3).astype(np.uint8)
        path = nifti_xyz(image, labels, tmp_path / "slice.nii")
        result = ctlab.load_labels(path, like=image)
        np.testing.assert_array_equal(result.labels, labels[0])

    def test_integer_valued_floats_accepted(self, phantom, scan, tmp_path):
        """Labels stored as float32 whole numbers (as some tools write them) are labels."""
        path = nifti_xyz(scan, phantom.labels, tmp_path / "f.nii.gz", dtype=np.float32)
        np.testing.assert_array_equal(ctlab.load_labels(path, like=scan).labels, phantom.labels)


class TestNiftiBadInput:
    def test_float_label_map(self, phantom, scan, tmp_path):
        """A probability map is not a label map: the error says what to do."""
        probabilities = (phantom.labels == 3).astype(np.float32) * 0.75
        path = nifti_xyz(scan, probabilities, tmp_path / "p.nii.gz", dtype=np.float32)
        with pytest.raises(
            LabelError,
            match=r"p\.nii\.gz holds non-integer values \(e\.g\. 0\.75\).*nearest-neighbour",
        ):
            ctlab.load_labels(path, like=scan)

    def test_no_affine(self, phantom, scan, tmp_path):
        """sform and qform codes 0: no position in the patient, refused."""
        path = nifti_xyz(scan, phantom.labels, tmp_path / "n.nii", sform=False)
        with pytest.raises(
            LabelError, match=r"n\.nii has no usable affine \(sform_code and qform_code are 0\)"
        ):
            ctlab.load_labels(path, like=scan)

    def test_wrong_shape(self, phantom, scan, tmp_path):
        """A cropped map: the message gives both shapes in the scan's axis order."""
        path = write_nifti(
            *reoriented(phantom.labels[:, :, :40], scan.affine, order=(2, 1, 0)), tmp_path / "c.nii"
        )
        with pytest.raises(
            LabelError, match=r"c\.nii holds 6 x 48 x 40 voxels .* the scan 6 x 48 x 48"
        ):
            ctlab.load_labels(path, like=scan)

    def test_wrong_spacing(self, phantom, scan, tmp_path):
        """Another pixel spacing: both spacings and the difference."""
        affine = np.array(scan.affine)
        affine[:3, 2] *= 1.01
        path = write_nifti(*reoriented(phantom.labels, affine), tmp_path / "s.nii")
        with pytest.raises(
            LabelError,
            match=r"spacing of 1\.515 mm along the scan's columns, the scan 1\.5 mm \(0\.015 mm apart",
        ):
            ctlab.load_labels(path, like=scan)

    def test_shifted_origin(self, phantom, scan, tmp_path):
        """Half a voxel off: refused with the distance."""
        affine = np.array(scan.affine)
        affine[0, 3] += 0.75
        path = write_nifti(*reoriented(phantom.labels, affine), tmp_path / "o.nii")
        with pytest.raises(
            LabelError, match=r"o\.nii starts at .* 0\.75 mm apart \(tolerance 0\.01 mm\)"
        ):
            ctlab.load_labels(path, like=scan)

    def test_rotated_grid(self, phantom, scan, tmp_path):
        """A grid turned 10 degrees would need resampling: refused."""
        turn = np.radians(10)
        rotation = np.eye(4)
        rotation[:2, :2] = [[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]]
        path = write_nifti(phantom.labels, rotation @ scan.affine, tmp_path / "r.nii")
        with pytest.raises(LabelError, match=r"r\.nii is on a grid turned 10\.0 degrees"):
            ctlab.load_labels(path, like=scan)

    def test_negative_labels(self, scan, tmp_path):
        """Negative label values are refused."""
        labels = -np.ones(scan.shape, np.int16)
        path = nifti_xyz(scan, labels, tmp_path / "neg.nii", dtype=np.int16)
        with pytest.raises(LabelError, match="negative label -1"):
            ctlab.load_labels(path, like=scan)

    def test_not_a_nifti(self, scan, tmp_path):
        """Garbage with a .nii name is refused, naming the file."""
        path = tmp_path / "junk.nii.gz"
        path.write_bytes(b"not a nifti at all" * 20)
        with pytest.raises(LabelError, match=r"junk\.nii\.gz is not a readable NIfTI file"):
            ctlab.load_labels(path, like=scan)

    def test_tolerance_must_be_a_distance(self, scan, tmp_path):
        """A negative tolerance is refused before anything is read."""
        path = nifti_xyz(scan, np.zeros(scan.shape, np.uint8), tmp_path / "z.nii")
        with pytest.raises(LabelError, match="tolerance must be a distance"):
            ctlab.load_labels(path, like=scan, tolerance=-1)


class TestSeg:
    def test_binary_round_trip(self, phantom, scan, ct_folder, tmp_path):
        """A three-segment binary SEG from highdicom comes back with its labels and names."""
        numbers = segment_numbers(phantom.labels, NAMES)
        names = dict(enumerate(NAMES.values(), start=1))
        path = write_seg(sorted(ct_folder.iterdir()), numbers, names, tmp_path / "seg.dcm")
        result = ctlab.load_labels(path, like=scan)
        np.testing.assert_array_equal(result.labels, numbers)
        assert result.names == names and result.info["segmentation_type"] == "BINARY"
        assert all(color.startswith("#") and len(color) == 7 for color in result.colors.values())

    def test_fractional_round_trip(self, phantom, scan, ct_folder, tmp_path):
        """A fractional SEG is on where its value is at least 0.5."""
        numbers = segment_numbers(phantom.labels, NAMES)
        names = dict(enumerate(NAMES.values(), start=1))
        path = write_seg(
            sorted(ct_folder.iterdir()), numbers, names, tmp_path / "f.dcm", fractional=True
        )
        result = ctlab.load_labels(path, like=scan, names={"liver": "Liver"})
        np.testing.assert_array_equal(result.labels, np.where(numbers == 1, 1, 0))
        assert result.names == {1: "Liver"} and result.info["segmentation_type"] == "FRACTIONAL"

    def test_matched_by_instance_uids(self, phantom, scan, ct_folder, tmp_path):
        """With source=, the SEG is checked against the scan's series and matched by UIDs."""
        numbers = segment_numbers(phantom.labels, NAMES)
        names = dict(enumerate(NAMES.values(), start=1))
        path = write_seg(sorted(ct_folder.iterdir()), numbers, names, tmp_path / "seg.dcm")
        result = ctlab.load_labels(path, like=scan, source=ct_folder)
        np.testing.assert_array_equal(result.labels, numbers)

    def test_other_series(self, phantom, ct_folder, tmp_path):
        """A SEG made on another series is refused when source= shows the scan's series."""
        numbers = segment_numbers(phantom.labels, NAMES)
        path = write_seg(
            sorted(ct_folder.iterdir()),
            numbers,
            {1: "liver", 2: "kidney", 3: "bone"},
            tmp_path / "seg.dcm",
        )
        other = tmp_path / "other"
        write_series(make_phantom(n_slices=6, size=48, seed=1), other)
        with pytest.raises(LabelError, match=r"seg\.dcm references another series than the scan"):
            ctlab.load_labels(path, like=ctlab.load(other), source=other)

    def test_empty_segment(self, phantom, scan, ct_folder, tmp_path):
        """A segment without a voxel is an error that says how to leave it out."""
        numbers = segment_numbers(phantom.labels, NAMES)
        names = {1: "liver", 2: "kidney", 3: "bone", 4: "nothing"}
        path = write_seg(sorted(ct_folder.iterdir()), numbers, names, tmp_path / "e.dcm")
        with pytest.raises(
            LabelError, match=r"e\.dcm: segment 4 'nothing' covers no voxel.*names="
        ):
            ctlab.load_labels(path, like=scan)
        kept_three = ctlab.load_labels(path, like=scan, names={1: "liver", 2: "kidney", 3: "bone"})
        np.testing.assert_array_equal(kept_three.labels, numbers)


class TestPydicomSegFiles:
    """pydicom's own SEG files were made on a CT that is not shipped."""

    def test_labels_alone(self):
        """Without like=, their labels come alone, on their own grid, named from the file."""
        result = ctlab.load_labels(get_testdata_file("liver.dcm"))
        assert result.labels.shape == (3, 512, 512) and result.names == {1: "Liver"}
        assert result.labels.max() == 1 and result.labels.sum() > 0

    @pytest.mark.parametrize("name", ["liver.dcm", "liver_1frame.dcm"])
    def test_on_another_scan_is_refused(self, name, scan):
        """Laid on the phantom they are refused with a clear message."""
        with pytest.raises(LabelError, match=name.replace(".", r"\.") + ".*pass source="):
            ctlab.load_labels(get_testdata_file(name), like=scan)


class TestRtStruct:
    def test_round_trip(self, phantom, tmp_path):
        """Contours around the phantom's labels fill back to exactly those labels."""
        path = rtstruct_from_labels(
            phantom, phantom.labels, NAMES, tmp_path / "rt.dcm", colors={3: (255, 0, 0)}
        )
        result = ctlab.load_labels(path, like=phantom)
        np.testing.assert_array_equal(result.labels, kept(phantom.labels, NAMES))
        assert result.names == NAMES and result.colors[3] == "#FF0000"

    def test_hole_and_islands(self, tmp_path):
        """A contour inside another is a hole; two contours apart are two islands (even-odd)."""
        image = ctlab.CTImage(np.zeros((2, 12, 12), np.int16), spacing=(2.0, 1.0, 1.0))
        outer = np.array([[0.5, 0.5], [0.5, 6.5], [6.5, 6.5], [6.5, 0.5]])
        inner = np.array([[2.5, 2.5], [2.5, 4.5], [4.5, 4.5], [4.5, 2.5]])
        island = np.array([[8, 8], [8, 10], [10, 10], [10, 8]], float)
        path = write_rtstruct(image, {7: ("ring", {1: [outer, inner, island]})}, tmp_path / "r.dcm")
        result = ctlab.load_labels(path, like=image)
        expected = np.zeros((2, 12, 12), np.uint8)
        expected[1, 1:7, 1:7] = 7
        expected[1, 3:5, 3:5] = 0
        # Centres on the island's edges: in on its top and left, out on its bottom and right.
        expected[1, 8:10, 8:10] = 7
        np.testing.assert_array_equal(result.labels, expected)

    def test_nested_rois_keep_the_small_one_on_top(self, tmp_path):
        """An organ inside the body outline stays visible, whatever the ROI order."""
        image = ctlab.CTImage(np.zeros((1, 8, 8), np.int16), spacing=(1.0, 1.0, 1.0))
        body = np.array([[-0.5, -0.5], [-0.5, 7.5], [7.5, 7.5], [7.5, -0.5]])
        organ = np.array([[1.5, 1.5], [1.5, 3.5], [3.5, 3.5], [3.5, 1.5]])
        rois = {1: ("organ", {0: [organ]}), 2: ("body", {0: [body]})}
        result = ctlab.load_labels(write_rtstruct(image, rois, tmp_path / "n.dcm"), like=image)
        assert (result.labels[0, 2:4, 2:4] == 1).all() and (result.labels == 2).sum() == 60

    def test_contours_outside_the_image(self, tmp_path):
        """A contour beyond the scan's slices is refused, naming the ROI."""
        image = ctlab.CTImage(np.zeros((2, 8, 8), np.int16), spacing=(1.0, 1.0, 1.0))
        square = np.array([[1, 1], [1, 3], [3, 3], [3, 1]], float)
        path = write_rtstruct(image, {1: ("tumour", {5: [square]})}, tmp_path / "o.dcm")
        with pytest.raises(
            LabelError, match=r"o\.dcm: a contour of ROI 'tumour' lies outside the scan"
        ):
            ctlab.load_labels(path, like=image)

    def test_contour_between_slices(self, tmp_path):
        """A contour half-way between two slices belongs to neither: refused."""
        image = ctlab.CTImage(np.zeros((3, 8, 8), np.int16), spacing=(2.0, 1.0, 1.0))
        square = np.array([[1, 1], [1, 3], [3, 3], [3, 1]], float)
        path = write_rtstruct(image, {1: ("tumour", {0.5: [square]})}, tmp_path / "b.dcm")
        with pytest.raises(LabelError, match=r"lies 1\.00 mm off the nearest slice"):
            ctlab.load_labels(path, like=image)

    def test_needs_a_scan(self, phantom, tmp_path):
        """An RT Structure Set alone has no grid: like= is required."""
        path = rtstruct_from_labels(phantom, phantom.labels, {3: "liver"}, tmp_path / "rt.dcm")
        with pytest.raises(LabelError, match=r"rt\.dcm is an RT Structure Set.*pass like="):
            ctlab.load_labels(path)


class TestOtherInput:
    def test_a_ct_file_is_not_a_segmentation(self, tmp_path):
        """A CT slice given as labels is refused by its Modality."""
        path = write(ct_dataset(np.zeros((4, 4), np.int16)), tmp_path / "ct.dcm")
        with pytest.raises(LabelError, match=r"ct\.dcm is a DICOM CT, not a segmentation"):
            ctlab.load_labels(path)

    def test_missing_file(self, tmp_path):
        """A missing path is FileNotFoundError naming it."""
        with pytest.raises(FileNotFoundError, match="gone"):
            ctlab.load_labels(tmp_path / "gone.nii.gz")

    def test_unknown_name_in_mapping(self, phantom, tmp_path):
        """A name the file does not hold is refused, listing those it holds."""
        path = rtstruct_from_labels(phantom, phantom.labels, {3: "liver"}, tmp_path / "rt.dcm")
        with pytest.raises(LabelError, match=r"no label named 'Spleen'; it has \['liver'\]"):
            ctlab.load_labels(path, like=phantom, names={"Spleen": "spleen"})


class TestFillEvenOdd:
    def test_triangle_by_pixel_centres(self):
        """A right triangle through pixel centres: the centres on or left of the slanted edge."""
        triangle = np.array([[0.0, 0.0], [4.0, 0.0], [4.0, 4.0]])
        mask = fill_even_odd([triangle], 5, 5)
        # Rows 0..3 (row 4 is the bottom edge, half-open): columns 0 .. row-1 inside.
        assert mask.sum() == 6 and mask[3, :3].all() and not mask[3, 3]

    def test_nothing_to_fill(self):
        """No polygon, an empty mask."""
        assert not fill_even_odd([], 3, 3).any()


class TestPrivacy:
    def test_identifiers_in_seg_and_rtstruct_never_shown(self, phantom, scan, ct_folder, tmp_path):
        """Identifiers planted in SEG / RTSTRUCT headers reach no repr, name, info or colour."""
        numbers = segment_numbers(phantom.labels, {3: "liver"})
        seg = write_seg(
            sorted(ct_folder.iterdir()),
            numbers,
            {1: "liver"},
            tmp_path / "s.dcm",
            PatientName="PLANTED^SEGNAME",
            SeriesDescription="PLANTED SEG DESCRIPTION",
        )
        rt = rtstruct_from_labels(
            phantom,
            phantom.labels,
            {3: "liver"},
            tmp_path / "r.dcm",
            PatientName="PLANTED^RTNAME",
            PatientID="PLANTEDRTID",
        )
        for result in (ctlab.load_labels(seg, like=scan), ctlab.load_labels(rt, like=phantom)):
            text = repr(result) + repr(result.names) + repr(result.info) + repr(result.colors)
            assert "PLANTED" not in text


class TestMeasure:
    def test_label_map_measure(self, phantom, tmp_path):
        """LabelMap.measure gives each label's voxels and HU, padding left out."""
        path = rtstruct_from_labels(phantom, phantom.labels, NAMES, tmp_path / "rt.dcm")
        measured = {m.name: m for m in ctlab.load_labels(path, like=phantom).measure(phantom)}
        liver = phantom.hu[phantom.labels == 3]
        assert measured["liver"].voxels == liver.size
        assert measured["liver"].mean == pytest.approx(liver.mean())
        assert measured["liver"].volume_ml == pytest.approx(liver.size * 2.5 * 1.5 * 1.5 / 1000)
        assert measured["liver"].window == ctlab.Window.from_hu(liver)


def test_nibabel_reads_what_the_helper_writes(scan, phantom, tmp_path):
    """The test helper's NIfTI is what nibabel reports: RAS affine, (col, row, slice) array."""
    path = nifti_xyz(scan, phantom.labels, tmp_path / "h.nii.gz")
    image = nib.load(path)
    assert image.shape == (48, 48, 6) and nib.aff2axcodes(image.affine) == ("L", "P", "S")


class TestScanStoredMirrored:
    def test_labels_follow_the_loader_flip(self, tmp_path):
        """A CT stored right-to-left and bottom-to-top is flipped on loading; a NIfTI made
        from the stored files (array and header geometry as stored) still lands voxel for voxel."""
        rng = np.random.default_rng(4)
        stored = rng.integers(0, 3, size=(3, 6, 5)).astype(np.uint8)
        folder = tmp_path / "ct"
        folder.mkdir()
        for k in range(3):
            ds = ct_dataset(
                np.zeros((6, 5), np.int16),
                position=2.0 * k,
                instance=k + 1,
                ImageOrientationPatient=[-1, 0, 0, 0, -1, 0],
            )
            write(ds, folder / f"IM{k}")
        scan = ctlab.load(folder)
        assert "flipped" in scan.info["reoriented"]
        # The stored grid: columns towards -x, rows towards -y, from (-10, -20, 0); spacing 0.5 x 0.75.
        affine = np.array([[0, 0, -0.75, -10], [0, -0.5, 0, -20], [2.0, 0, 0, 0], [0, 0, 0, 1]])
        path = write_nifti(*reoriented(stored, affine, order=(2, 1, 0)), tmp_path / "s.nii.gz")
        result = ctlab.load_labels(path, like=scan)
        np.testing.assert_array_equal(result.labels, stored[:, ::-1, ::-1])

    def test_seg_of_a_mirrored_scan(self, tmp_path):
        """A SEG made by highdicom on the stored (mirrored) slices lands on the flipped scan."""
        rng = np.random.default_rng(5)
        stored = rng.integers(0, 2, size=(3, 6, 5)).astype(np.uint8)
        folder = tmp_path / "ct"
        folder.mkdir()
        files = []
        for k in range(3):
            ds = ct_dataset(
                np.zeros((6, 5), np.int16),
                position=2.0 * k,
                instance=k + 1,
                ImageOrientationPatient=[-1, 0, 0, 0, -1, 0],
                StudyInstanceUID="1.2.826.0.1.3680043.8.498.5",
                FrameOfReferenceUID="1.2.826.0.1.3680043.8.498.6",
                SliceThickness=2.0,
                StudyDate="",
                StudyTime="",
                ReferringPhysicianName="",
                StudyID="",
                AccessionNumber="",
                PatientBirthDate="",
                PatientSex="",
            )
            files.append(write(ds, folder / f"IM{k}"))
        path = write_seg(files, stored, {1: "spot"}, tmp_path / "seg.dcm")
        scan = ctlab.load(folder)
        result = ctlab.load_labels(path, like=scan)
        np.testing.assert_array_equal(result.labels, stored[:, ::-1, ::-1])


class TestRealSlice:
    @pytest.mark.parametrize("sample", ["chest", "abdomen"])
    def test_nifti_on_a_real_slice(self, sample, tmp_path):
        """On pydicom's real slices (real origins; the abdomen flipped on loading), a NIfTI
        stored in float32 by nibabel lands within the default 0.01 mm."""
        image = getattr(ctlab.data, sample)()
        labels = (image.hu > 0).astype(np.uint8)[np.newaxis]
        path = nifti_xyz(image, labels, tmp_path / "slice.nii.gz")
        assert nib.load(path).header.get_data_dtype() == np.uint8
        np.testing.assert_array_equal(ctlab.load_labels(path, like=image).labels, labels[0])
