"""The class quiz: ten questions, checked without showing the answers.

``QUESTIONS``
    Question id (``"q1"`` .. ``"q10"``) -> prompt, choices and hint.
``check(question, answer)``
    ``"qN: Correct."`` or ``"qN: Not yet. <hint>"``.
``mystery_window(question)``
    The window an image question is drawn in, its name hidden.

Examples
--------
>>> import ctlab
>>> ctlab.quiz.check("q8", -500)
'q8: Correct.'
"""

from ctlab.core.quiz import QUESTIONS, Question, check, mystery_window

__all__ = ["QUESTIONS", "Question", "check", "mystery_window"]
