"""A ten-question quiz on CT windowing whose answers are not in plain sight.

The quiz notebook shows each question; :func:`check` tells a student whether
an answer is right, comparing a salted SHA-256 of the normalised answer with
the one stored here, so the answers are not readable in the notebook or in
this file. Image questions draw a slice in :func:`mystery_window`, a window
whose name is hidden.

Examples
--------
>>> check("q8", -500)
'q8: Correct.'
>>> check("q8", 0).startswith("q8: Not yet")
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from ctlab.core.errors import CTLabError
from ctlab.core.window import PRESETS, Window

__all__ = ["QUESTIONS", "Question", "check", "mystery_window"]

Kind = Literal["choice", "integer", "nearest_ten"]


@dataclass(frozen=True)
class Question:
    """One quiz question.

    Attributes
    ----------
    prompt : str
        The question as the notebook prints it.
    kind : {"choice", "integer", "nearest_ten"}
        How an answer is compared: a word from ``choices`` (any case), an
        integer, or a number rounded to the nearest ten.
    choices : tuple of str
        The possible answers of a choice question.
    hint : str
        What a wrong answer is told: where to look, never the answer.
    digest : str
        Salted SHA-256 of the right answer, normalised.
    window : str
        For an image question, the preset the image is drawn in.
    """

    prompt: str
    kind: Kind
    choices: tuple[str, ...]
    hint: str
    digest: str
    window: str = ""


_SALT = "ctlab-quiz"


def _normalised(kind: Kind, answer: object) -> str:
    if kind == "choice":
        return str(answer).strip().lower().replace(" ", "_")
    try:
        number = float(answer)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    if kind == "nearest_ten":
        return str(int(round(number / 10) * 10))
    return str(int(number)) if number == int(number) else ""


def _digest(question: str, normalised: str) -> str:
    return hashlib.sha256(f"{_SALT}:{question}:{normalised}".encode()).hexdigest()


_IMAGE_CHOICES = ("lung", "mediastinum", "brain", "bone", "fat", "default")

#: Question id -> Question, "q1" .. "q10".
QUESTIONS: Mapping[str, Question] = MappingProxyType(
    {
        "q1": Question(
            "Image 1 is the real abdomen in one of these windows. Which one?",
            "choice",
            _IMAGE_CHOICES,
            "Almost everything is plain black or plain white: only one tissue keeps shades of "
            "grey. Which tissue is it, and which window is made for it?",
            "35bf90c37038d4f5b648ac7196f0d210082e12fff4c4c7c87491fa1d8029e933",
            window="fat",
        ),
        "q2": Question(
            "Image 2 is the real head slice in one of these windows. Which one?",
            "choice",
            _IMAGE_CHOICES,
            "Grey and white matter differ by only about 10-20 HU. In which window do they "
            "differ visibly, while the skull is plain white?",
            "6539951eda6d3d6352c84a511bac9e1357069fbfdd113361f877c1152e87184b",
            window="brain",
        ),
        "q3": Question(
            "Image 3 is the synthetic chest in one of these windows. Which one?",
            "choice",
            _IMAGE_CHOICES,
            "Are the lungs grey rather than black, with vessels and airways inside them? Then the "
            "window reaches down towards -1000 HU.",
            "2bd3f908a8069c4d0024de07520542ca7b2f40c4b4f367683998c6147f1dc028",
            window="lung",
        ),
        "q4": Question(
            "Image 4 is the real abdomen in the article's Fig. 5a window (40..80 HU). Which "
            "tissue is clipped to black: fat, liver or bone?",
            "choice",
            ("fat", "liver", "bone"),
            "Black means 'at or below the lower edge'. Which of the three has HU below 40?",
            "f252b37781e82c90f5fe97db6fbce1754bee44574a89a8b1078c597a452560de",
            window="liver_kidney",
        ),
        "q5": Question(
            "Image 5 is the real abdomen in the bone window (400/1800). Which is clipped to "
            "black: air, fat or bone?",
            "choice",
            ("air", "fat", "bone"),
            "Work out the window's lower edge, centre - width / 2, and compare it with each "
            "tissue's HU.",
            "e83ae8877901a345d8246a6609c4a5650934975d988a56d86513b6ad196b2527",
            window="bone",
        ),
        "q6": Question(
            "Image 6 is the synthetic chest in the mediastinal window. In which window would "
            "the ground-glass patch (about -600 HU) show as grey rather than black?",
            "choice",
            _IMAGE_CHOICES,
            "The window must reach below -600 HU: which of them has its lower edge there?",
            "cdbe77ddbe24162e33947f41bd17700e8cf7ca73a4204c9f679a743d626a7af3",
            window="mediastinum",
        ),
        "q7": Question(
            "A stored value of 1024 with RescaleSlope 1 and RescaleIntercept -1024: how many HU?",
            "integer",
            (),
            "HU = slope x stored value + intercept (DICOM PS3.3 C.11.1).",
            "fac171b075cefac6e50a4b4a1075b994c8e9dac5294b33fdfaa78b9915c0cc9a",
        ),
        "q8": Question(
            "What is the lower edge, in HU, of the bone window with centre 400 and width 1800?",
            "integer",
            (),
            "The lower edge is centre - width / 2.",
            "b343b8b43405cd347c630d0fc5d1ee9dc650f5c34e133cce40a748d80a982fbc",
        ),
        "q9": Question(
            "Integer HU windowed with the fat preset (-100..-60, linear): how many distinct grey "
            "levels can they produce at most, black and white included?",
            "integer",
            (),
            "Apply the window to every integer from -200 to 0 and count the distinct grey "
            "levels (np.unique); notebook 2 says how many a window of this width can use.",
            "8713b13b9e55eec52393facf228743f63b99151201e29bb042b7d42cffbd3112",
        ),
        "q10": Question(
            "A display is calibrated to the DICOM GSDF from 1 to 350 cd/m². About how many "
            "just noticeable differences does it span (to the nearest ten)?",
            "nearest_ten",
            (),
            "Use ctlab.display.jnd_count(min_luminance, max_luminance).",
            "9c56b45b49889f70f0a3ceb406ea962cee86784b13cbc2be4ba476f944ab99f7",
        ),
    }
)


def _question(question: str) -> Question:
    try:
        return QUESTIONS[question]
    except KeyError:
        raise CTLabError(
            f"no quiz question {question!r}; the questions are {', '.join(QUESTIONS)}"
        ) from None


def check(question: str, answer: object) -> str:
    """Say whether ``answer`` answers ``question``, with a hint if not.

    Parameters
    ----------
    question : str
        A key of :data:`QUESTIONS` (``"q1"`` .. ``"q10"``).
    answer : str or number
        A word from the question's choices, or a number; ``None`` means not
        answered yet.

    Returns
    -------
    str
        ``"qN: Correct."`` or ``"qN: Not yet. <hint>"``.

    Raises
    ------
    CTLabError
        If ``question`` is not a quiz question.

    Examples
    --------
    >>> check("q7", None)
    'q7: Not yet. HU = slope x stored value + intercept (DICOM PS3.3 C.11.1).'
    """
    entry = _question(question)
    if answer is not None and _digest(question, _normalised(entry.kind, answer)) == entry.digest:
        return f"{question}: Correct."
    return f"{question}: Not yet. {entry.hint}"


def mystery_window(question: str) -> Window:
    """The window an image question is drawn in, with its name hidden.

    Raises
    ------
    CTLabError
        If ``question`` is not an image question of the quiz.

    Examples
    --------
    >>> mystery_window("q8")
    Traceback (most recent call last):
    ...
    ctlab.core.errors.CTLabError: quiz question 'q8' has no image; the image questions are
    q1, q2, q3, q4, q5, q6
    """
    entry = _question(question)
    if not entry.window:
        image_questions = ", ".join(key for key, value in QUESTIONS.items() if value.window)
        raise CTLabError(
            f"quiz question {question!r} has no image; the image questions are {image_questions}"
        )
    preset = PRESETS[entry.window]
    return Window(preset.center, preset.width, function=preset.function, name="?")
