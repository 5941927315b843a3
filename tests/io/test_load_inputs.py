"""What ctlab.load accepts as input, and what it refuses with a CTLabError."""

from __future__ import annotations

import numpy as np
import pytest

from ctlab import load
from ctlab.core.errors import CTLabError
from tests.error_cases import CHEST


@pytest.fixture(scope="module")
def chest_bytes():
    with open(CHEST, "rb") as handle:
        return handle.read()


class TestUploadShapes:
    def test_ipywidgets7_name_to_bytes(self, chest_bytes):
        """{name: bytes} loads, and the name is kept for messages."""
        image = load({"chest.dcm": chest_bytes})
        np.testing.assert_array_equal(image.hu, load(CHEST).hu)

    def test_ipywidgets7_name_to_upload(self, chest_bytes):
        """ipywidgets 7's FileUpload().value, {name: {"metadata": ..., "content": ...}}, loads."""
        value = {"chest.dcm": {"metadata": {"name": "chest.dcm"}, "content": chest_bytes}}
        assert load(value).shape == (128, 128)

    def test_ipywidgets7_name_in_messages(self):
        """A bad upload in that shape is named by its file name."""
        with pytest.raises(CTLabError, match="notes.txt"):
            load({"notes.txt": b"scan notes\n" * 20})


class TestIterables:
    def test_generator_of_paths(self):
        """A generator of paths is read once and loaded like a list."""
        assert load(path for path in [CHEST]).shape == (128, 128)

    def test_generator_of_bytes(self, chest_bytes):
        """A generator of bytes too."""
        assert load(data for data in [chest_bytes]).shape == (128, 128)


class TestRefused:
    @pytest.mark.parametrize("path", ["", "  ", [""]])
    def test_empty_path(self, path, tmp_path, monkeypatch):
        """An empty path is refused, not a recursive scan of the working folder."""
        monkeypatch.chdir(tmp_path)
        with pytest.raises(CTLabError, match="given an empty path"):
            load(path)

    @pytest.mark.parametrize(
        "url", ["https://example.org/scan/IM0001.dcm", "s3://bucket/scan", "file:///tmp/a.dcm"]
    )
    def test_url(self, url):
        """A URL is refused, shown as given (not mangled to 'https:/...')."""
        with pytest.raises(CTLabError, match="reads local files and in-memory bytes only") as error:
            load(url)
        assert url in str(error.value)
