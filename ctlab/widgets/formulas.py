"""The TeX formulas of a Markdown cell as MathML, which browsers draw without MathJax.

A notebook's Markdown writes formulas as TeX between dollars: ``$...$``
inline, ``$$...$$`` displayed. Jupyter draws them with MathJax, a script a
static page would fetch from a CDN; Chromium (109 on), Firefox and Safari
draw MathML themselves. :func:`markdown_with_mathml` converts each formula
with latex2mathml and leaves the rest of the Markdown as written, for
nbconvert to render: the ``<math>`` elements pass through as inline HTML.

What counts as a formula follows pandoc's rule, so prices are not taken for
formulas: an opening ``$`` is followed by a non-space, a closing ``$``
follows a non-space and is not followed by a digit ("$5 and $10" is text).
``\\$`` is a dollar sign; code spans (`` `...` ``), fenced code blocks and
indented code blocks are left alone, ``$`` and all; a formula does not run
across a blank line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from latex2mathml.converter import convert

__all__ = ["Failure", "markdown_with_mathml"]


@dataclass(frozen=True)
class Failure:
    """A formula latex2mathml could not convert: its TeX and why."""

    tex: str
    reason: str


_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_INDENTED = re.compile(r"( {4}|\t)")
_LIST_ITEM = re.compile(r" {0,3}([-*+]|\d{1,9}[.)])(\s|$)")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# LaTeX's "\\[1ex]" (extra space after a row) is read by latex2mathml as the
# text "[1ex]" in the next row; the space is a nicety, so it is dropped.
_ROW_SPACE = re.compile(r"\\\\\[[^\]]*\]")
# A command latex2mathml does not know comes out as text, backslash and all.
_UNKNOWN_COMMAND = re.compile(r">[^<]*(\\[A-Za-z]+)")
# In the text of MathML elements, punctuation Markdown would read as markup
# ("*", "_", "[", "`"...) becomes a character reference; entities stay.
_MARKUP = re.compile(r"(&#?\w+;)|([^\w\s]|_)")
_TEXT = re.compile(r">([^<]+)<")
# Browsers stretch braces and brackets only with a font that has an OpenType
# MATH table, and their default math font often has none: name the common
# ones (Windows, macOS, TeX, Linux's DejaVu) first.
_FONTS = (
    "font-family: 'Cambria Math', 'STIX Two Math', 'Latin Modern Math', "
    "'DejaVu Math TeX Gyre', math"
)
# MathML Core has no columnalign (the cases of a piecewise function); CSS aligns them.
_COLUMN = re.compile(r'columnalign="(left|right)"')


def markdown_with_mathml(source: str) -> tuple[str, list[Failure]]:
    """Replace the TeX formulas of Markdown ``source`` by MathML; return it and the failures.

    A formula that cannot be converted stays as written (TeX between its
    dollars) and is listed in the failures.

    Parameters
    ----------
    source : str
        A Markdown cell's text.

    Returns
    -------
    tuple of (str, list of Failure)
        The Markdown with ``<math>`` elements in place of the formulas, and
        the formulas left as TeX.

    Examples
    --------
    >>> text, failures = markdown_with_mathml("Width $w$, not `$w$`; it costs $5 or $10.")
    >>> text.count("<math"), text.endswith(", not `$w$`; it costs $5 or $10."), failures
    (1, True, [])
    >>> markdown_with_mathml("A typo: $x^$.")
    ('A typo: $x^$.', [Failure(tex='x^', reason='MissingSuperScriptOrSubscriptError')])
    """
    failures: list[Failure] = []
    out: list[str] = []
    prose: list[str] = []

    def flush() -> None:
        out.append(_convert_prose("".join(prose), failures))
        prose.clear()

    lines = source.splitlines(keepends=True)
    index = 0
    while index < len(lines):
        line = lines[index]
        fence = _FENCE.match(line)
        if fence or _starts_indented_code(lines, index):
            flush()
            end = _code_block_end(lines, index, fence.group(1) if fence else None)
            out.extend(lines[index:end])
            index = end
        else:
            prose.append(line)
            index += 1
    flush()
    return "".join(out), failures


def _starts_indented_code(lines: list[str], index: int) -> bool:
    """An indented line after a blank line is code, unless it continues a list item."""
    if not _INDENTED.match(lines[index]) or not lines[index].strip():
        return False
    before = [line for line in lines[:index] if line.strip()]
    if index > 0 and lines[index - 1].strip():
        return False  # a paragraph's continuation line
    if not before:
        return True
    previous = before[-1]
    return not (_LIST_ITEM.match(previous) or previous[:1] in (" ", "\t"))


def _code_block_end(lines: list[str], index: int, fence: str | None) -> int:
    """The index of the first line after the code block starting at ``index``."""
    end = index + 1
    if fence is not None:
        closing = re.compile(rf" {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        while end < len(lines) and not closing.match(lines[end].rstrip("\r\n")):
            end += 1
        return min(end + 1, len(lines))
    while end < len(lines) and (_INDENTED.match(lines[end]) or not lines[end].strip()):
        end += 1
    return end


def _convert_prose(text: str, failures: list[Failure]) -> str:
    """Convert the formulas of ``text`` (Markdown with no code blocks) left to right."""
    out: list[str] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char == "\\":
            out.append(text[position : position + 2])
            position += 2
        elif char == "`":
            run = len(text[position:]) - len(text[position:].lstrip("`"))
            close = _closing_backticks(text, position + run, run)
            end = position + run if close is None else close + run
            out.append(text[position:end])
            position = end
        elif char == "$":
            found = _formula(text, position)
            if found is None:
                out.append(char)
                position += 1
            else:
                tex, end, display = found
                out.append(_mathml(tex, text[position:end], display, failures))
                position = end
        else:
            out.append(char)
            position += 1
    return "".join(out)


def _closing_backticks(text: str, start: int, run: int) -> int | None:
    """Where a run of exactly ``run`` backticks closes a code span, or None."""
    for match in re.finditer(r"`+", text[start:]):
        if len(match.group()) == run:
            return start + match.start()
    return None


def _formula(text: str, start: int) -> tuple[str, int, bool] | None:
    """The formula opening at ``text[start] == "$"``: (TeX, end, displayed), or None."""
    display = text.startswith("$$", start)
    opening = start + (2 if display else 1)
    position = opening
    while position < len(text):
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char == "\n" and _BLANK_LINE.match(text, position):
            return None
        if char == "$":
            if display:
                if text.startswith("$$", position) and position > opening:
                    return text[opening:position], position + 2, True
                return None
            if (
                position > opening
                and not text[opening].isspace()
                and not text[position - 1].isspace()
                and not text[position + 1 : position + 2].isdigit()
            ):
                return text[opening:position], position + 1, False
            return None
        position += 1
    return None


def _mathml(tex: str, written: str, display: bool, failures: list[Failure]) -> str:
    """``tex`` as MathML, or ``written`` (the formula as in the cell) if it cannot be."""
    try:
        mathml = convert(_ROW_SPACE.sub(r"\\\\", tex), display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises many kinds (its own, IndexError...)
        reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        failures.append(Failure(tex.strip(), reason))
        return written
    unknown = _UNKNOWN_COMMAND.search(mathml)
    if unknown:
        failures.append(Failure(tex.strip(), f"unknown command {unknown.group(1)}"))
        return written
    mathml = _TEXT.sub(lambda text: f">{_MARKUP.sub(_reference, text.group(1))}<", mathml)
    mathml = _COLUMN.sub(r'columnalign="\1" style="text-align: \1"', mathml)
    return mathml.replace("<math ", f'<math style="{_FONTS}" ', 1)


def _reference(match: re.Match[str]) -> str:
    return match.group(1) or f"&#{ord(match.group(2))};"
