"""The error catalogue (docs/errors.md) lists every error ctlab raises, and is current.

docs/make_error_catalogue.py reads the catalogue from the code's syntax
tree. These tests check it from the other side: the committed file equals
what the generator writes today, every place in ``ctlab/`` that builds a
``CTLabError`` (found token by token, so an error built away from its
``raise`` counts too) has its row, and every row names a real function.
That each row is met by a test is tests/test_error_catalogue_entries.py.
"""

import importlib
import inspect
import itertools
import re
import tokenize
from collections import Counter
from pathlib import Path

from ctlab.core import errors
from tests.helpers.docs import load_generator

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ctlab"
CATALOGUE = ROOT / "docs" / "errors.md"
ROW = re.compile(r"^\| `(?P<cls>\w+)` \| `(?P<where>[\w.]+)` \| (?P<message>.*) \|$")


def catalogue_rows() -> list[dict[str, str]]:
    """The rows of the committed docs/errors.md, as class, where and message."""
    rows = []
    for line in CATALOGUE.read_text().splitlines():
        match = ROW.match(line)
        if match:
            rows.append(match.groupdict())
    return rows


def error_classes() -> set[str]:
    return {
        name
        for name, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, errors.CTLabError)
    }


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def constructions(path: Path, classes: set[str]) -> Counter[str]:
    """How often the code of one file calls each CTLabError class (strings and comments skipped)."""
    found: Counter[str] = Counter()
    with tokenize.open(path) as source:
        tokens = [t for t in tokenize.generate_tokens(source.readline) if t.type != tokenize.NL]
    for token, following in itertools.pairwise(tokens):
        if token.type == tokenize.NAME and token.string in classes and following.string == "(":
            found[token.string] += 1
    return found


def test_catalogue_is_current():
    """docs/errors.md equals what the generator writes from today's code."""
    generator = load_generator("make_error_catalogue")
    expected = generator.render(generator.collect())
    assert CATALOGUE.read_text() == expected, (
        "docs/errors.md is out of date: run python docs/make_error_catalogue.py"
    )


def test_every_error_built_in_ctlab_is_listed():
    """Each call of a CTLabError class in ctlab/ has a row of that class in its module."""
    classes = error_classes()
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = sorted((module_name(p) for p in paths), key=len, reverse=True)
    listed: Counter[tuple[str, str]] = Counter()
    for row in catalogue_rows():
        if row["cls"] in classes:
            module = next(m for m in modules if row["where"].startswith(m + "."))
            listed[(module, row["cls"])] += 1
    built: Counter[tuple[str, str]] = Counter()
    for path in paths:
        if path == PACKAGE / "core" / "errors.py":
            continue  # where the classes are defined
        for cls, count in constructions(path, classes).items():
            built[(module_name(path), cls)] += count
    missing = {key: n - listed[key] for key, n in built.items() if n > listed[key]}
    stale = {key: n - built[key] for key, n in listed.items() if n > built[key]}
    assert not missing, f"errors built in ctlab but not in docs/errors.md: {missing}"
    assert not stale, f"rows of docs/errors.md with no error built in their module: {stale}"


def test_every_row_names_a_real_function():
    """Each row's "raised in" is a module and a function or method that exist."""
    for row in catalogue_rows():
        parts = row["where"].split(".")
        for split in range(len(parts), 0, -1):
            try:
                target = importlib.import_module(".".join(parts[:split]))
            except ImportError:
                continue
            break
        for name in parts[split:]:
            target = getattr(target, name, None)
            assert target is not None, f"{row['where']} does not exist"
        assert callable(target), f"{row['where']} is not a function"


def test_catalogue_covers_every_error_class():
    """Each CTLabError and CTLabWarning subclass a user can meet is raised somewhere and listed."""
    listed = {row["cls"] for row in catalogue_rows()}
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


def test_every_row_has_a_message():
    """No row has an empty message."""
    assert all(row["message"].strip() for row in catalogue_rows())
