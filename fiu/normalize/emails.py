"""E-mail addresses folded so that the same mailbox compares equal."""
from __future__ import annotations

import re
from urllib.parse import urlsplit
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


_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")


def website_host(text: str) -> Optional[str]:
    """The host of a published web address, lower case, without scheme, `www.`, port or
    path: what two records share when they name the same site; None when not a host.

    >>> website_host("HTTPS://www.GoldenLotusSpa.example.com/book?x=1")
    'goldenlotusspa.example.com'
    >>> website_host("not a site")
    """
    text = text.strip().lower()
    host = urlsplit(text if "//" in text else "//" + text).hostname or ""
    host = host.removeprefix("www.").rstrip(".")
    return host if _HOST.match(host) else None


def normalise_websites(sites: StrArray) -> pa.Array:
    """`website_host` over a column, once per distinct value."""
    return map_unique(sites, website_host)
