"""A static lesson site: the notebooks executed, each a web page with live widgets.

Each ctlab widget's display bundle carries its self-contained page
(:mod:`ctlab.widgets.page`) as ``text/html``; :class:`PagesFirst` makes
nbconvert show that page instead of the widget view, which needs a widget
manager from a CDN and a kernel. :func:`build_site` executes the notebooks
(nbclient), converts them (nbconvert, ``lab`` template, nothing fetched from
a network) and writes an index page: a folder a teacher can host anywhere
or zip, that students open in any browser, offline. MathJax would come from
a CDN too, so :class:`PagesFirst` also turns the Markdown cells' TeX formulas
into MathML (:mod:`ctlab.widgets.formulas`), which browsers draw themselves.

The same conversion from the command line, for one executed notebook::

    jupyter nbconvert --to html --Exporter.preprocessors=ctlab.widgets.site.PagesFirst \\
        --HTMLExporter.require_js_url= --HTMLExporter.mathjax_url= NOTEBOOK.ipynb

Plain nbconvert shows the pages too, where the notebook holds no saved
widget state (nbconvert's ``WidgetsDataTypeFilter`` writes the widget view
of every widget whose state the notebook's metadata holds): a notebook
saved by JupyterLab, which does not save widget state by default, then
``jupyter nbconvert --to html NOTEBOOK.ipynb``; or ``jupyter nbconvert
--execute --ExecutePreprocessor.store_widget_state=False --to html
NOTEBOOK.ipynb``. ``--execute`` alone stores the state, and its page shows
no ctlab widget offline: use PagesFirst there. Plain nbconvert's pages link
require.js and MathJax from a CDN; offline those loads fail, which the
ctlab pages (each in its own ``iframe``) do not depend on, but the formulas
then stay TeX source: PagesFirst writes them as MathML.
"""

from __future__ import annotations

import html
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from tqdm.auto import tqdm

from ctlab.core.errors import ExportError, FormulaWarning
from ctlab.widgets.formulas import markdown_with_mathml

__all__ = ["PagesFirst", "build_site", "notebook_html"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_SHOWN_INSTEAD = ("text/html", "image/png")


class PagesFirst(Preprocessor):  # type: ignore[misc]
    """Show each widget's own page (or its picture) where it has one, and formulas as MathML.

    A widget view needs the widget manager (fetched from a CDN) and its
    saved state; a ctlab widget's ``text/html`` runs without either. The
    notebook's saved widget state goes too, so the page loads nothing.
    The Markdown cells' TeX formulas become MathML
    (:func:`ctlab.widgets.formulas.markdown_with_mathml`), which browsers
    draw without MathJax; a formula that cannot be converted stays TeX,
    with a :class:`~ctlab.core.errors.FormulaWarning` naming the notebook.
    nbconvert preprocesses a copy: the notebook itself is not changed.
    """

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        nb.metadata.pop("widgets", None)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = _formulas_as_mathml(cell.source, resources)
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if WIDGET_VIEW in data and any(kind in data for kind in _SHOWN_INSTEAD):
                    del data[WIDGET_VIEW]
        return nb, resources


def _formulas_as_mathml(source: str, resources: dict[str, Any]) -> str:
    converted, failures = markdown_with_mathml(source)
    for failure in failures:
        metadata = resources.get("metadata") or {}
        name = metadata.get("name")
        where = Path(metadata.get("path") or "", f"{name}.ipynb") if name else "a notebook"
        warnings.warn(
            f'{where}: the formula "{failure.tex}" cannot be converted to MathML '
            f"({failure.reason}), so its page shows the TeX source; correct the formula "
            "in the notebook (latex2mathml reads the usual LaTeX math commands)",
            FormulaWarning,
            stacklevel=2,
        )
    return converted


def notebook_html(notebook: Any, *, path: str | os.PathLike[str] | None = None) -> str:
    """An executed notebook as one HTML page: ctlab widgets live, formulas MathML, nothing fetched.

    ``path``, the notebook's file, names it in warnings about formulas.
    """
    exporter = HTMLExporter(template_name="lab", require_js_url="", mathjax_url="")
    exporter.register_preprocessor(PagesFirst(), enabled=True)
    resources = {}
    if path is not None:
        resources["metadata"] = {"name": Path(path).stem, "path": str(Path(path).parent)}
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    return str(body)


def _index(entries: Sequence[tuple[str, str]]) -> str:
    items = "\n".join(
        f'<li><a href="{html.escape(target)}">{html.escape(title)}</a></li>'
        for title, target in entries
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>ctlab lessons</title>"
        "<style>body{font-family:sans-serif;max-width:48em;margin:2em auto}</style>"
        "</head><body><h1>ctlab lessons</h1>\n"
        "<p>Each lesson runs in this browser: move the window sliders, no Python needed.</p>\n"
        f"<ol>\n{items}\n</ol>\n</body></html>\n"
    )


def _title(notebook: Any, fallback: str) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def build_site(
    notebooks: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    *,
    timeout: float = 600,
) -> Path:
    """Execute notebooks and write them as a static site; return the index page.

    Parameters
    ----------
    notebooks : path-like or sequence of path-like
        A folder (its ``*.ipynb``, sorted by name) or the notebooks themselves.
    output : path-like
        The site's folder (created); ``index.html`` and one ``NAME.html`` per
        notebook are written there.
    timeout : float
        Seconds one cell may run.

    Raises
    ------
    ExportError
        If there is no notebook to convert, a notebook fails to run (naming
        it and the error), or the site cannot be written.
    """
    paths = _notebooks(notebooks)
    target = Path(output)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(
            f"cannot create the site folder {target}: {error.strerror or error}; "
            "give a folder that can be written (-o)"
        ) from None
    entries = []
    for path in tqdm(paths, desc="executing notebooks", unit="notebook"):
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(
            notebook,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        )
        try:
            client.execute()
        except Exception as error:  # nbclient's CellExecutionError, a dead kernel, a timeout
            raise ExportError(
                f"{path} failed to run, so the site was not finished: {error}; fix the "
                "notebook (it must run top to bottom) and build again"
            ) from None
        page = target / f"{path.stem}.html"
        page.write_text(notebook_html(notebook, path=path), encoding="utf-8")
        entries.append((_title(notebook, path.stem), page.name))
    index = target / "index.html"
    index.write_text(_index(entries), encoding="utf-8")
    return index


def _notebooks(notebooks: Any) -> list[Path]:
    if isinstance(notebooks, (str, os.PathLike)):
        folder = Path(notebooks)
        paths = sorted(folder.glob("*.ipynb")) if folder.is_dir() else [folder]
    else:
        paths = [Path(path) for path in notebooks]
    missing = [str(path) for path in paths if not path.is_file() or path.suffix != ".ipynb"]
    if not paths or missing:
        raise ExportError(
            f"no notebooks to build a site from: {', '.join(missing) or notebooks} "
            "(give a folder holding .ipynb files, or the .ipynb files themselves)"
        )
    return paths
