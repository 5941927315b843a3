"""Tests for the class quiz (ctlab.core.quiz, seen as ctlab.quiz)."""

import numpy as np
import pytest

import ctlab
from ctlab.core.errors import CTLabError
from ctlab.core.quiz import QUESTIONS, check, mystery_window


def right_answers():
    """Each question's answer, computed with the public API rather than typed in."""

    def window_of(question):
        window = mystery_window(question)
        return next(
            name
            for name, preset in ctlab.PRESETS.items()
            if (preset.center, preset.width) == (window.center, window.width)
        )

    fat = ctlab.apply_window(np.arange(-300, 100, dtype=np.int16), "fat")
    return {
        "q1": window_of("q1"),
        "q2": window_of("q2"),
        "q3": window_of("q3"),
        "q4": "fat",  # about -100 HU, below the 40 HU lower edge
        "q5": "air",  # -1000 HU, below the bone window's -500 HU edge
        "q6": "lung",  # the one choice whose lower edge is below -600 HU
        "q7": 1 * 1024 + -1024,
        "q8": int(ctlab.PRESETS["bone"].low),
        "q9": len(np.unique(fat)),
        "q10": ctlab.display.jnd_count(1, 350),
    }


class TestCheck:
    @pytest.mark.parametrize("question", list(QUESTIONS))
    def test_right_answer(self, question):
        """The computed answer is accepted."""
        assert check(question, right_answers()[question]) == f"{question}: Correct."

    @pytest.mark.parametrize("question", list(QUESTIONS))
    def test_wrong_or_missing_answer_gets_the_hint(self, question):
        """No answer, or a wrong one, gets 'Not yet' and the question's hint, never the answer."""
        wrong = "lung" if right_answers()[question] != "lung" else "bone"
        if QUESTIONS[question].kind != "choice":
            wrong = 12345
        for answer in (None, wrong):
            message = check(question, answer)
            assert message == f"{question}: Not yet. {QUESTIONS[question].hint}"

    def test_choices_in_any_case(self):
        """A choice may be typed in any case, with spaces around it."""
        assert check("q4", " FAT ") == "q4: Correct."

    def test_nearest_ten(self):
        """q10 takes any number that rounds to the right ten."""
        assert check("q10", 577) == "q10: Correct."
        assert check("q10", 600) != "q10: Correct."

    def test_right_answer_among_the_choices(self):
        """The right answer of every choice question is one of its choices."""
        answers = right_answers()
        for key, question in QUESTIONS.items():
            if question.kind == "choice":
                assert answers[key] in question.choices, key

    def test_answers_not_in_plain_sight(self):
        """No prompt or hint of a choice question names its answer as the thing to pick."""
        answers = right_answers()
        for key in ("q1", "q2", "q3", "q6"):
            assert f"answer is {answers[key]}" not in QUESTIONS[key].hint

    def test_unknown_question(self):
        """An unknown question id is refused with the list of ids."""
        with pytest.raises(CTLabError, match=r"no quiz question 'q11'; the questions are q1, q2"):
            check("q11", 1)


class TestMysteryWindow:
    def test_name_hidden(self):
        """The window of an image question carries no telling name."""
        assert mystery_window("q1").name == "?"
        assert "?" in str(mystery_window("q1"))

    def test_not_an_image_question(self):
        """A question without an image has no window."""
        with pytest.raises(CTLabError, match="has no image"):
            mystery_window("q7")
