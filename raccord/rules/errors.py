"""The one typed error of the rules core."""

from __future__ import annotations


class RulesError(ValueError):
    """Bad input to a rule: names the field and says why, in French.

    ``field`` is the name of the input attribute (e.g. ``"pracc_inj_kva"``) so that a form can
    attach the message to the right widget; ``message`` is a sentence for the user.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
