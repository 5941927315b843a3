"""Markdown formulas as MathML (ctlab.widgets.formulas) and in converted pages (PagesFirst)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import nbformat
import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from ctlab.core.errors import FormulaWarning
from ctlab.widgets.formulas import Failure, markdown_with_mathml
from ctlab.widgets.site import notebook_html

REPO = Path(__file__).resolve().parents[2]
MATH = re.compile(
    r'<math style="[^"]*" xmlns="http://www.w3.org/1998/Math/MathML" display="(\w+)">'
)


def converted(source: str) -> str:
    """``source`` converted, checking that no formula failed."""
    text, failures = markdown_with_mathml(source)
    assert failures == []
    return text


class TestMarkdownWithMathml:
    def test_inline_formula(self):
        """$x^2$ in a sentence becomes one inline <math>, the words around it unchanged."""
        text = converted("The square $x^2$ grows.")
        assert text.startswith("The square <math ") and text.endswith("</math> grows.")
        assert MATH.findall(text) == ["inline"]
        assert "<msup><mi>x</mi><mn>2</mn></msup>" in text

    def test_display_formula_over_lines(self):
        """$$...$$ over several lines becomes one block <math>; the paragraphs around it stay."""
        source = "Before:\n\n$$\ny = \\frac{a}{b}\n$$\n\nAfter."
        text = converted(source)
        assert MATH.findall(text) == ["block"]
        assert text.startswith("Before:\n\n<math ") and text.endswith("</math>\n\nAfter.")
        assert "<mfrac><mrow><mi>a</mi></mrow><mrow><mi>b</mi></mrow></mfrac>" in text

    def test_inline_and_display_in_one_cell(self):
        """Each formula of a cell is converted, each with its own display mode."""
        text = converted("With $c$ and $w$:\n\n$$y = c + w$$\n")
        assert MATH.findall(text) == ["inline", "inline", "block"]
        assert "$" not in text

    @pytest.mark.parametrize(
        "source",
        [
            "Use `$x$` in a code span.",
            "Two backticks: ``a `$x$` b``.",
            "```python\nprice = '$x$'\n```",
            "~~~\n$$x$$\n~~~",
            "Text:\n\n    indented = '$x$'\n",
        ],
    )
    def test_dollars_in_code_left_alone(self, source):
        """Code spans, fenced and indented code blocks keep their dollars, unconverted."""
        assert converted(source) == source

    def test_code_next_to_a_formula(self):
        """A formula after a code block and a code span is converted; the code is not."""
        source = "```\n$a$\n```\nThen `$b$` and $c$."
        text = converted(source)
        assert text.startswith("```\n$a$\n```\nThen `$b$` and <math ")
        assert MATH.findall(text) == ["inline"]

    def test_indented_list_continuation_is_prose(self):
        """An indented paragraph of a list item is not code: its formula is converted."""
        text = converted("- item\n\n    continued with $x$\n")
        assert MATH.findall(text) == ["inline"]

    @pytest.mark.parametrize(
        "source",
        [
            "It costs $5.",
            "Between $5 and $10 a scan.",
            "From $ 5 to 10 $ dollars.",
            "A dollar sign: \\$x\\$.",
            "Unclosed $x across\n\na paragraph$.",
        ],
    )
    def test_currency_and_escaped_dollars_are_text(self, source):
        """Prices, spaced dollars, \\$ and a formula across a blank line are not formulas."""
        assert converted(source) == source

    def test_escaped_dollar_inside_a_formula(self):
        """\\$ inside a formula does not close it."""
        text = converted("Cost $a \\$ b$ here.")
        assert MATH.findall(text) == ["inline"] and text.endswith("</math> here.")

    def test_markdown_punctuation_in_formulas_is_escaped(self):
        """'*', '_' and '[' in a formula's text cannot start Markdown emphasis or links."""
        text = converted("$[a](b) * \\text{c_d_e} * f$")
        inner = re.sub(r"<[^>]*>", "", text)
        assert not set("*_[]") & set(inner), inner
        page = markdown2html_mistune(text)
        assert "<em>" not in page and "<a " not in page
        assert "<mtext>c_d_e</mtext>" in page and "<mo>*</mo>" in page

    def test_piecewise_rows_aligned_left(self):
        """cases: the spacing after a row (\\\\[1ex]) is dropped, columns aligned left by CSS."""
        text = converted("$$\\begin{cases} 0 & x < 0 \\\\[1ex] 1 & x \\ge 0 \\end{cases}$$")
        assert "1ex" not in text
        assert text.count('style="text-align: left"') == 4

    @pytest.mark.parametrize(
        ("source", "tex", "reason"),
        [
            ("A typo: $x^$.", "x^", "MissingSuperScriptOrSubscriptError"),
            ("$$\\frac{1}{$$", "\\frac{1}{", "NoAvailableTokensError"),
            ("Unknown: $\\foo x$.", "\\foo x", "unknown command \\foo"),
        ],
    )
    def test_failing_formula_stays_tex(self, source, tex, reason):
        """A formula that cannot be converted is kept as written and reported."""
        assert markdown_with_mathml(source) == (source, [Failure(tex, reason)])


def markdown_notebook(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(s) for s in sources])


class TestPagesFirstFormulas:
    def test_page_has_mathml_and_notebook_is_unchanged(self):
        """notebook_html shows formulas as MathML and leaves the notebook object as it was."""
        notebook = markdown_notebook("Width $w$ and `$code$`.", "$$y = 2x$$")
        before = nbformat.writes(notebook)
        page = notebook_html(notebook)
        assert nbformat.writes(notebook) == before
        assert page.count("<math ") == 2
        assert "<code>$code$</code>" in page

    def test_failing_formula_warns_naming_notebook_and_formula(self, tmp_path):
        """A formula latex2mathml cannot read stays TeX in the page, with a FormulaWarning."""
        notebook = markdown_notebook("Good $x$, bad $\\frac{1}{$.")
        path = tmp_path / "lesson.ipynb"
        with pytest.warns(FormulaWarning) as record:
            page = notebook_html(notebook, path=path)
        assert len(record) == 1
        message = str(record[0].message)
        assert str(path) in message and '"\\frac{1}{"' in message
        assert page.count("<math ") == 1 and "$\\frac{1}{$" in page

    @pytest.mark.parametrize(
        "name",
        [
            "01-hounsfield-scale.ipynb",
            "02-window-and-level.ipynb",
            "09-stored-values-to-display.ipynb",
        ],
    )
    def test_lesson_formulas_all_convert(self, name):
        """Every formula of the lessons that have formulas converts: no TeX is left."""
        notebook = nbformat.read(REPO / "notebooks" / name, as_version=4)
        sources = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
        assert any("$" in source for source in sources)
        with warnings.catch_warnings():
            warnings.simplefilter("error", FormulaWarning)
            texts = [converted(source) for source in sources]
        assert not any("$" in text for text in texts)
