"""French wording of an operator's name: « d'Enedis » but « de Strasbourg Électricité Réseaux ».

The operator's name is data (``Operator.short_name``): a text never writes « de {name} » by
hand, it asks :func:`de_operator`. In templates::

    {% load raccord_french %}
    Sans réponse {{ dossier.operator.short_name|de_operator }}, …

The Typst documents receive the same text, computed in Python, as ``operator.de_short_name``
(Typst prints data as text, never as markup: see ``docs/documents.md``).
"""

from __future__ import annotations

import unicodedata

from django import template

register = template.Library()

# Elision before a vowel sound. A leading « h » is not elided: whether it is mute depends on the
# word (« d'Hydro… » but « de Hautes-Alpes… »), and an operator's name is safer without a guess.
_VOWELS = frozenset("aeiouy")


def _starts_with_vowel(name: str) -> bool:
    text = name.strip()
    if not text:
        return False
    base = unicodedata.normalize("NFD", text[0])[0]
    return base.lower() in _VOWELS


def de_operator(name: str, apostrophe: str = "'") -> str:
    """``"Enedis"`` → ``"d'Enedis"``; ``"SER"`` → ``"de SER"``.

    ``apostrophe``: ``"'"`` for the web pages and e-mails (the site's convention), U+2019 (the
    typographic apostrophe) for the PDFs, whose other apostrophes Typst prints typographic.
    """
    name = name.strip()
    return f"d{apostrophe}{name}" if _starts_with_vowel(name) else f"de {name}"


@register.filter(name="de_operator")
def de_operator_filter(name: object) -> str:
    """Template filter: ``{{ op.short_name|de_operator }}`` → « d'Enedis » / « de SER »."""
    return de_operator(str(name or ""))
