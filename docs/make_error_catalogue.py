"""Write docs/errors.md: every error and warning a ctlab user can meet.

The catalogue is read from the source itself (every ``raise`` of a
CTLabError subclass and every ``warnings.warn`` with a CTLabWarning), so it
cannot drift from the code; ``tests/test_error_catalogue.py`` checks that
the committed file is current and that each entry is triggered by a test.

Run from the repository root: ``python docs/make_error_catalogue.py``.
"""

from __future__ import annotations

import ast
import inspect
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ctlab"
OUTPUT = ROOT / "docs" / "errors.md"


@dataclass(frozen=True)
class Entry:
    """One place in the code that raises an error or emits a warning."""

    kind: str  # "error" or "warning"
    cls: str
    where: str  # module.function
    message: str  # the message template, {expressions} where values go

    @property
    def key(self) -> str:
        """A stable name for tests: where, class and the start of the message."""
        return f"{self.where}: {self.cls}: {self.message[:60]}"


def _ctlab_classes() -> tuple[set[str], set[str]]:
    sys.path.insert(0, str(ROOT))
    from ctlab.core import errors

    classes = [obj for _, obj in inspect.getmembers(errors, inspect.isclass)]
    failures = {c.__name__ for c in classes if issubclass(c, errors.CTLabError)}
    warnings = {c.__name__ for c in classes if issubclass(c, errors.CTLabWarning)}
    return failures, warnings


def _template(node: ast.expr | None) -> str:
    if node is None:
        return ""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            elif isinstance(value, ast.FormattedValue):
                conversion = "!r" if value.conversion == ord("r") else ""
                parts.append("{" + ast.unparse(value.value) + conversion + "}")
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _template(node.left) + _template(node.right)
    return "{" + ast.unparse(node) + "}"


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


class _Collector(ast.NodeVisitor):
    def __init__(self, module: str, failures: set[str], warnings: set[str]) -> None:
        self.module, self.failures, self.warnings = module, failures, warnings
        self.scope: list[str] = []
        self.entries: list[Entry] = []

    def _visit_scope(self, node: ast.AST, name: str) -> None:
        self.scope.append(name)
        self.generic_visit(node)
        self.scope.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._visit_scope(node, node.name)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._visit_scope(node, node.name)

    @property
    def where(self) -> str:
        return ".".join([self.module, *self.scope])

    def visit_Raise(self, node: ast.Raise) -> None:
        call = node.exc
        if isinstance(call, ast.Call) and _name(call.func) in self.failures:
            message = _template(call.args[0] if call.args else None)
            self.entries.append(Entry("error", _name(call.func), self.where, message))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if _name(node.func) == "warn" and len(node.args) >= 2:
            category = _name(node.args[1])
            message = _template(node.args[0])
            # Messages collected first and warned later are listed where they are written.
            if category in self.warnings and message not in ("{note}", "{text}"):
                self.entries.append(Entry("warning", category, self.where, message))
        elif (
            isinstance(node.func, ast.Attribute)
            and node.func.attr == "append"
            and _name(node.func.value) == "notes"
            and node.args
        ):
            self.entries.append(
                Entry("warning", "SeriesWarning", self.where, _template(node.args[0]))
            )
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        target = node.targets[0]
        if isinstance(target, ast.Subscript) and _name(target.value) == "corrections":
            self.entries.append(
                Entry("warning", "DataPitfallWarning", self.where, _template(node.value))
            )
        self.generic_visit(node)


def collect() -> list[Entry]:
    """Every error and warning site in the package, in file and line order."""
    failures, warnings = _ctlab_classes()
    entries: list[Entry] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        collector = _Collector(module.removesuffix(".__init__"), failures, warnings)
        collector.visit(ast.parse(path.read_text(), filename=str(path)))
        entries.extend(collector.entries)
    return entries


def render(entries: list[Entry]) -> str:
    """The catalogue as Markdown."""
    lines = [
        "# Errors and warnings",
        "",
        "Every error ctlab raises for bad input in a file, a header or a value is a",
        "`ctlab.CTLabError`; every warning a `ctlab.CTLabWarning`. Python's own errors",
        "keep their meaning: a path that does not exist is a `FileNotFoundError`, a slice",
        "index out of range an `IndexError`, and a widget trait set to a bad value a",
        "`traitlets.TraitError` that says what is allowed. This page is generated from the",
        "source by `python docs/make_error_catalogue.py`; do not edit it by hand. Text in",
        "`{braces}` is filled in with the file, tag or value concerned.",
        "",
    ]
    for kind, title in (("error", "Errors"), ("warning", "Warnings")):
        lines += [f"## {title}", "", "| class | raised in | message |", "|---|---|---|"]
        for entry in entries:
            if entry.kind == kind:
                message = entry.message.replace("|", "\\|").replace("\n", " ")
                lines.append(f"| `{entry.cls}` | `{entry.where}` | {message} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    OUTPUT.write_text(render(collect()))
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
