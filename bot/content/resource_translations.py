"""Resources in another language: content/<lang>/resources.toml gives, by region code and
resource id, the words a member reads (a region's name and emergency note, a line's hours,
notes and contact notes). Numbers, URLs, names of services and sources never change, so they
are not in the file at all: a translator cannot get a number wrong.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from bot.content.models import Contact, Region, Resource


def resource_texts(regions: tuple[Region, ...], resources: tuple[Resource, ...]) -> dict[str, Any]:
    """The English words of resources.toml in the shape a translation must have."""
    return {
        "regions": {
            r.code: {
                "name": r.name,
                **({"emergency_note": r.emergency_note} if r.emergency_note else {}),
            }
            for r in regions
        },
        "resources": {
            r.id: {
                key: value
                for key, value in (
                    ("hours", r.hours),
                    ("notes", r.notes),
                    (
                        "contact_notes",
                        [c.note for c in r.contacts] if any(c.note for c in r.contacts) else None,
                    ),
                )
                if value
            }
            for r in resources
            if r.hours or r.notes or any(c.note for c in r.contacts)
        },
    }


def apply_resource_texts(
    regions: tuple[Region, ...],
    resources: tuple[Resource, ...],
    data: Mapping[str, Any],
) -> tuple[tuple[Region, ...], tuple[Resource, ...]]:
    """Regions and resources with a translation's words (its shape was checked before)."""
    region_texts = data.get("regions", {})
    resource_texts_ = data.get("resources", {})
    new_regions = tuple(
        dataclasses.replace(
            r,
            name=region_texts.get(r.code, {}).get("name", r.name),
            emergency_note=region_texts.get(r.code, {}).get("emergency_note", r.emergency_note),
        )
        for r in regions
    )
    new_resources = []
    for r in resources:
        words = resource_texts_.get(r.id, {})
        notes = words.get("contact_notes")
        contacts: tuple[Contact, ...] = r.contacts
        if isinstance(notes, list) and len(notes) == len(r.contacts):
            contacts = tuple(
                dataclasses.replace(c, note=str(n)) for c, n in zip(r.contacts, notes, strict=True)
            )
        new_resources.append(
            dataclasses.replace(
                r,
                hours=words.get("hours", r.hours),
                notes=words.get("notes", r.notes),
                contacts=contacts,
            )
        )
    return new_regions, tuple(new_resources)
