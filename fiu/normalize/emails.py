"""E-mail addresses folded so that the same mailbox compares equal."""
from __future__ import annotations

import re
from typing import Optional

import pyarrow as pa

from .unique import StrArray, map_unique

# Providers that ignore dots in the local part (and the alias domain they answer on).
_DOTLESS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}
_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(text: str) -> Optional[str]:
    """One address lower-cased and stripped, plus-tag removed, None when not an address.

    >>> normalise_email(" J.Doe+ads@GoogleMail.com ")
    'jdoe@gmail.com'
    >>> normalise_email("mailto:Ann+x@Example.org")
    'ann@example.org'
    """
    text = text.strip().lower()
    if text.startswith("mailto:"):
        text = text[len("mailto:"):]
    text = text.strip("<>\"' ")
    if not _SHAPE.match(text):
        return None
    local, _, domain = text.rpartition("@")
    domain = domain.rstrip(".")
    local = local.split("+", 1)[0]
    if domain in _DOTLESS:
        domain = _DOTLESS[domain]
        local = local.replace(".", "")
    if not local:
        return None
    return f"{local}@{domain}"


def normalise_emails(emails: StrArray) -> pa.Array:
    """`normalise_email` over a column, once per distinct value."""
    return map_unique(emails, normalise_email)
