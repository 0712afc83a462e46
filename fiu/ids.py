"""Ids that name a case or an entity without revealing the records behind it.

An id made by hashing a record's ref alone could be reversed by anyone who can guess
refs: a bank that knows the shape of another bank's account numbers could try them all
against an entity id in its package. Ids are therefore keyed (HMAC-SHA256) with a key
drawn from the run's input files, or from `FIU_ID_KEY` when an installation sets one:
the same input gives the same ids, and a recipient, who never holds the other
institutions' files, cannot recompute them.
"""
from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable

ID_KEY_ENV = "FIU_ID_KEY"


def run_key(file_hashes: Iterable[str]) -> str:
    """The id key of a run: `FIU_ID_KEY` if set, else a digest of its input files' hashes."""
    configured = os.environ.get(ID_KEY_ENV)
    if configured:
        return configured
    return hashlib.sha256("\n".join(sorted(file_hashes)).encode("utf-8")).hexdigest()


def opaque_id(prefix: str, ref: str, key: str) -> str:
    """`<prefix>-` + 12 hex digits of HMAC-SHA256(key, ref); an unkeyed hash without key.

    >>> opaque_id("ent", "account:bank-a:A1", "")
    'ent-5f0f6df77fcf'
    >>> opaque_id("ent", "account:bank-a:A1", "k") != opaque_id("ent", "account:bank-a:A1", "")
    True
    """
    data = ref.encode("utf-8")
    digest = (
        hmac.new(key.encode("utf-8"), data, hashlib.sha256).hexdigest()
        if key
        else hashlib.sha256(data).hexdigest()
    )
    return f"{prefix}-{digest[:12]}"
