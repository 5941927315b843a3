"""The error catalogue (docs/errors.md) is generated from the code and must be current."""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_generator():
    spec = importlib.util.spec_from_file_location(
        "make_error_catalogue", ROOT / "docs" / "make_error_catalogue.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_catalogue_is_current():
    """docs/errors.md equals what the generator writes from today's code."""
    generator = load_generator()
    expected = generator.render(generator.collect())
    assert (ROOT / "docs" / "errors.md").read_text() == expected, (
        "docs/errors.md is out of date: run python docs/make_error_catalogue.py"
    )


def test_catalogue_covers_every_error_class():
    """Each CTLabError subclass a user can meet is raised somewhere and listed."""
    generator = load_generator()
    listed = {entry.cls for entry in generator.collect()}
    for name in [
        "InvalidWindowError",
        "InvalidImageError",
        "InvalidArgumentError",
        "InvalidDicomError",
        "NoPixelDataError",
        "NotHounsfieldError",
        "DecoderMissingError",
        "SeriesError",
        "ExportError",
        "MemoryBudgetError",
        "LabelError",
        "DataPitfallWarning",
        "SeriesWarning",
    ]:
        assert name in listed, name


def test_every_message_names_what_to_do_or_what_is_wrong():
    """No catalogue entry has an empty message."""
    generator = load_generator()
    assert all(entry.message.strip() for entry in generator.collect())
