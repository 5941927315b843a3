"""Without the compiled JPEG decoders (as in JupyterLite), ctlab imports and reads plain files.

Only reading a compressed file needs a decoder plugin, and its absence then
gives DecoderMissingError saying what to pip install, not an ImportError.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from pydicom.data import get_testdata_file

from ctlab import load
from ctlab.core.errors import DecoderMissingError

# Run in a fresh interpreter: the decoder packages (and Pillow's JPEG codecs,
# pydicom's other route to JPEG 2000) are made unavailable before anything
# imports them.
SCRIPT = textwrap.dedent(
    """
    import json, sys
    for module in ("pylibjpeg", "libjpeg", "openjpeg", "rle", "gdcm"):
        sys.modules[module] = None
    from PIL import features
    real_check_codec = features.check_codec
    features.check_codec = lambda codec: (
        False if codec in ("jpg", "jpg_2000") else real_check_codec(codec)
    )

    import ctlab

    result = {"imported": True}
    plain = ctlab.load(sys.argv[1])
    result["plain_shape"] = list(plain.shape)
    result["abdomen_shape"] = list(ctlab.data.abdomen().shape)
    with open(sys.argv[2], "rb") as handle:
        data = handle.read()
    for label, source in (("file", sys.argv[2]), ("upload", data)):
        try:
            ctlab.load(source, name="abdomen.dcm") if label == "upload" else ctlab.load(source)
        except ctlab.CTLabError as error:
            result[label] = [type(error).__name__, str(error)]
    result["decoders_loaded"] = sorted(
        m for m in ("pylibjpeg", "libjpeg", "openjpeg") if sys.modules.get(m) is not None
    )
    print(json.dumps(result))
    """
)


@pytest.fixture(scope="module")
def without_decoders() -> dict:
    """What a fresh interpreter without the decoder plugins reports."""
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            SCRIPT,
            get_testdata_file("CT_small.dcm"),
            get_testdata_file("explicit_VR-UN.dcm"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


class TestWithoutDecoders:
    def test_import_ctlab(self, without_decoders):
        """import ctlab works with pylibjpeg, libjpeg and openjpeg unimportable."""
        assert without_decoders["imported"]
        assert without_decoders["decoders_loaded"] == []

    def test_uncompressed_file_loads(self, without_decoders):
        """An uncompressed file needs no decoder and loads."""
        assert without_decoders["plain_shape"] == [128, 128]

    def test_sample_abdomen_loads(self, without_decoders):
        """ctlab.data.abdomen() needs no JPEG 2000 decoder: it ships an RLE copy."""
        assert without_decoders["abdomen_shape"] == [512, 512]

    def test_compressed_file_says_what_to_install(self, without_decoders):
        """A JPEG 2000 file raises DecoderMissingError naming it and the pip install."""
        kind, message = without_decoders["file"]
        assert kind == "DecoderMissingError"
        assert "explicit_VR-UN.dcm is compressed as JPEG 2000" in message
        assert "pip install pylibjpeg pylibjpeg-openjpeg" in message

    def test_compressed_upload_names_the_upload(self, without_decoders):
        """The same bytes uploaded give the same error, naming the upload."""
        kind, message = without_decoders["upload"]
        assert kind == "DecoderMissingError"
        assert message.startswith("abdomen.dcm is compressed as JPEG 2000")
        assert "pip install pylibjpeg pylibjpeg-openjpeg" in message


class TestDecoderMissingInProcess:
    def test_plugins_cleared(self, monkeypatch):
        """With the decoder modules set to None and no plugin available: the clear error."""
        from pydicom.pixels import get_decoder
        from pydicom.uid import JPEG2000Lossless

        for module in ("pylibjpeg", "libjpeg", "openjpeg"):
            monkeypatch.setitem(sys.modules, module, None)
        monkeypatch.setattr(get_decoder(JPEG2000Lossless), "_available", {})
        with open(get_testdata_file("explicit_VR-UN.dcm"), "rb") as handle:
            data = handle.read()
        with pytest.raises(
            DecoderMissingError,
            match=r"^upload\.dcm is compressed as JPEG 2000 .*pip install pylibjpeg "
            r"pylibjpeg-openjpeg",
        ):
            load(data, name="upload.dcm")
        assert load(get_testdata_file("CT_small.dcm")).shape == (128, 128)


class TestInstallWithoutDecoders:
    """A plain ``pip install ctlab`` where the compiled decoders have no wheels."""

    @staticmethod
    def requirements() -> list:
        tomllib = pytest.importorskip("tomllib", reason="tomllib is new in Python 3.11")
        pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
        with open(pyproject, "rb") as handle:
            dependencies = tomllib.load(handle)["project"]["dependencies"]
        return [Requirement(text) for text in dependencies]

    @pytest.mark.parametrize(
        ("platform", "expected"),
        [
            ("emscripten", set()),
            ("linux", {"pylibjpeg", "pylibjpeg-libjpeg", "pylibjpeg-openjpeg"}),
        ],
    )
    def test_decoders_only_where_they_build(self, platform, expected):
        """Under Pyodide (sys_platform emscripten) no compiled decoder is required."""
        environment = {"sys_platform": platform}
        required = {
            requirement.name
            for requirement in self.requirements()
            if requirement.marker is None or requirement.marker.evaluate(environment)
        }
        assert {name for name in required if name.startswith("pylibjpeg")} == expected
        assert {"numpy", "pydicom", "pydicom-data"} <= required
