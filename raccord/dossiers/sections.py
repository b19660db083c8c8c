"""The form sections of a dossier, by kind (CACSI, BT 36-250 kVA)."""

from __future__ import annotations

from raccord.dossiers.bt_sections import BT_SECTIONS
from raccord.dossiers.cacsi_sections import SECTIONS as CACSI_SECTIONS
from raccord.dossiers.cacsi_sections import Section
from raccord.dossiers.models import Kind

ATTACHMENTS_SLUG = "pieces"
#: The attachments step comes right after this section in every kind.
ATTACHMENTS_AFTER = "mise-en-service"

_BY_KIND: dict[str, tuple[Section, ...]] = {
    Kind.CACSI: CACSI_SECTIONS,
    Kind.BT_36_250: BT_SECTIONS,
}
_BY_SLUG: dict[str, dict[str, Section]] = {
    kind: {s.slug: s for s in sections} for kind, sections in _BY_KIND.items()
}


def sections_for(kind: str) -> tuple[Section, ...]:
    """The sections of a ``kind`` of dossier, in the order the requester fills them."""
    try:
        return _BY_KIND[kind]
    except KeyError:
        raise ValueError(f"Unknown dossier kind: {kind!r}") from None


def section_by_slug(kind: str, slug: str) -> Section | None:
    """The section ``slug`` of a ``kind`` of dossier, or None if it has none by that name."""
    return _BY_SLUG.get(kind, {}).get(slug)
