"""Person and business names folded for matching: case, accents, punctuation, order.

Persons: `Smith, John` → `john smith`; honorifics and generational suffixes dropped;
middle initials dropped; a nickname in first position becomes its formal name
(`Bill` → `william`). Businesses: legal suffixes (`LLC`, `L.L.C.`, `Inc.`, `Corp`,
`Co`), a leading `The` and punctuation dropped, `&` → `and`.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Optional

import pyarrow as pa
import pyarrow.compute as pc

from .unique import StrArray, as_array, map_unique, map_unique_lists

# Letters NFKD does not decompose into a base letter plus marks.
_LETTERS = str.maketrans(
    {
        "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
        "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th",
        "Þ": "TH", "ı": "i", "ħ": "h", "ŋ": "ng",
        "‘": "'", "’": "'", "`": "'", "´": "'", "–": "-", "—": "-",
    }
)
# Cyrillic and Greek letters as commonly romanised (passport-style), lower case.
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya".split(),
    )
)
_GREEK = dict(
    zip(
        "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώς",
        "a v g d e z i th i k l m n x o p r s t y f ch ps o a e i i o y o s".split(),
    )
)
_SCRIPT = str.maketrans(
    {k: ("" if v == "_" else v) for k, v in {**_CYRILLIC, **_GREEK}.items()}
)


def fold(text: str) -> str:
    """Lower case ASCII: accents stripped, other scripts romanised where we know how.

    >>> fold("José Ñúñez-Øster")
    'jose nunez-oster'
    """
    if text.isascii():  # most names: nothing to strip or romanise
        return text.replace("`", "'").lower()
    text = text.translate(_LETTERS).lower().translate(_SCRIPT)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


_HONORIFICS = frozenset(
    "mr mrs ms miss mx dr prof sir madam dame lady lord rev fr sr sra srta herr frau "
    "mme mlle capt col sgt officer hon".split()
)
_GENERATIONAL = frozenset("jr sr ii iii iv phd md esq dds cpa rn".split())
# Only nicknames that unambiguously point at one formal name.
_NICKNAMES = {
    "bill": "william", "billy": "william", "will": "william", "willy": "william",
    "liam": "william", "bob": "robert", "bobby": "robert", "rob": "robert",
    "robbie": "robert", "bert": "robert", "dick": "richard", "rick": "richard",
    "ricky": "richard", "rich": "richard", "jim": "james", "jimmy": "james",
    "jamie": "james", "mike": "michael", "mikey": "michael", "mick": "michael",
    "tom": "thomas", "tommy": "thomas", "joe": "joseph", "joey": "joseph",
    "jack": "john", "johnny": "john", "jon": "john", "dave": "david", "davy": "david",
    "steve": "steven", "stephen": "steven", "chris": "christopher",
    "tony": "anthony", "andy": "andrew", "drew": "andrew", "dan": "daniel",
    "danny": "daniel", "matt": "matthew", "pat": "patrick", "nick": "nicholas",
    "greg": "gregory", "ed": "edward", "eddie": "edward", "ted": "edward",
    "ben": "benjamin", "sam": "samuel", "alex": "alexander", "larry": "lawrence",
    "jerry": "gerald", "charlie": "charles", "chuck": "charles", "hank": "henry",
    "harry": "henry", "fred": "frederick", "frank": "francis", "pete": "peter",
    "ken": "kenneth", "kenny": "kenneth", "ron": "ronald", "ronnie": "ronald",
    "don": "donald", "tim": "timothy", "jeff": "jeffrey", "josh": "joshua",
    "pepe": "jose", "paco": "francisco", "pancho": "francisco", "nacho": "ignacio",
    "beth": "elizabeth", "liz": "elizabeth", "lizzie": "elizabeth", "betty": "elizabeth",
    "eliza": "elizabeth", "kate": "katherine", "katie": "katherine", "kathy": "katherine",
    "catherine": "katherine", "kathryn": "katherine", "peggy": "margaret",
    "maggie": "margaret", "meg": "margaret", "jenny": "jennifer", "jen": "jennifer",
    "sue": "susan", "susie": "susan", "patty": "patricia", "trish": "patricia",
    "becky": "rebecca", "vicky": "victoria", "debbie": "deborah", "deb": "deborah",
    "mandy": "amanda", "sandy": "sandra", "cindy": "cynthia", "abby": "abigail",
    "annie": "ann", "anne": "ann", "jess": "jessica",
    "lupita": "guadalupe", "lupe": "guadalupe", "chayo": "rosario", "conchita": "concepcion",
}
_PUNCT = re.compile(r"[^a-z0-9 ]+")
_APOSTROPHE = re.compile(r"(?<=[a-z])'(?=[a-z])")
_SPACES = re.compile(r"\s+")


def _tokens(text: str) -> list[str]:
    text = _APOSTROPHE.sub("", fold(text))  # O'Brien → obrien
    return _PUNCT.sub(" ", text).split()


def person_name(text: str) -> Optional[str]:
    """A person's name as `first [middle] last`, folded.

    >>> person_name("SMITH, Dr. William J. Jr.")
    'william smith'
    >>> person_name("Bill  Smith")
    'william smith'
    """
    text = text.strip()
    if "," in text:
        last, _, rest = text.partition(",")
        rest_tokens = [t for t in _tokens(rest) if t not in _HONORIFICS | _GENERATIONAL]
        if rest_tokens:  # `Smith, Jr.` keeps its order; `Smith, John` turns round
            text = rest + " " + last
    tokens = [t for t in _tokens(text) if t not in _HONORIFICS and t not in _GENERATIONAL]
    if not tokens:
        return None
    if len(tokens) > 2:
        # Middle initials are recorded inconsistently; keep first and last initials.
        tokens = [tokens[0]] + [t for t in tokens[1:-1] if len(t) > 1] + [tokens[-1]]
    tokens[0] = _NICKNAMES.get(tokens[0], tokens[0])
    return " ".join(tokens)


_LEGAL = frozenset(
    "llc lc llp lllp lp ltd limited inc incorporated corp corporation co company pllc "
    "plc pc pa gmbh ag sa sas sarl srl bv nv oy ab as kk pty sdn bhd "
    "sociedad anonima".split()
)
# Dotted forms (`L.L.C.`, `S.A. de C.V.`) and suffixes of more than one word.
_DOTTED = re.compile(r"\b((?:[a-z]\.){2,}[a-z]?\.?)")
_MULTI_SUFFIX = re.compile(r"\b(s a de c v|sa de cv|de c v|de cv|s de rl|d b a|dba)\b.*$")


def business_name(text: str) -> Optional[str]:
    """A business name without legal form, leading `The`, or punctuation; `&` → `and`.

    >>> business_name("The Golden Lotus Spa, L.L.C.")
    'golden lotus spa'
    >>> business_name("SMITH & SONS CO.")
    'smith and sons'
    """
    text = fold(text).replace("&", " and ").replace("+", " and ")
    text = _DOTTED.sub(lambda m: m.group(1).replace(".", ""), text)
    text = _APOSTROPHE.sub("", text)
    text = _SPACES.sub(" ", _PUNCT.sub(" ", text)).strip()
    text = _MULTI_SUFFIX.sub("", text).strip()
    tokens = text.split()
    if len(tokens) > 1 and tokens[0] == "the":
        tokens.pop(0)
    while len(tokens) > 1 and (tokens[-1] in _LEGAL or tokens[-1] == "and"):
        tokens.pop()  # `Smith & Co.` → `smith`
    return " ".join(tokens) or None


# Words that make an untyped name (osint entity_type `unknown`) read as a business.
_BUSINESS_WORDS = _LEGAL | frozenset(
    "spa massage salon nails nail bar club lounge restaurant cafe grill hotel motel inn "
    "services service staffing agency group holdings enterprises international trading "
    "studio wellness health therapy clinic beauty day farm farms construction cleaning "
    "janitorial logistics transport trucking imports exports market store shop the and "
    "llc inc corp".split()
)


def looks_like_business(text: str) -> bool:
    """Whether an untyped name reads as a business (legal form or trade word in it)."""
    lowered = fold(text)
    if "&" in lowered or _DOTTED.search(lowered):
        return True
    return any(t in _BUSINESS_WORDS for t in _PUNCT.sub(" ", lowered).split())


def party_name(text: str) -> Optional[str]:
    """A name of unknown kind: business rules when it reads as a business, else person."""
    return business_name(text) if looks_like_business(text) else person_name(text)


def person_names(names: StrArray) -> pa.Array:
    """`person_name` over a column, once per distinct value."""
    return map_unique(names, person_name)


def business_names(names: StrArray) -> pa.Array:
    """`business_name` over a column, once per distinct value."""
    return map_unique(names, business_name)


def party_names(names: StrArray) -> pa.Array:
    """`party_name` over a column, once per distinct value."""
    return map_unique(names, party_name)


def party_name_lists(names: StrArray) -> pa.Array:
    """`party_name` over every element of a list<string> column."""
    return map_unique_lists(names, party_name)


_KIND_RULES = {"B": business_name, "P": person_name, "G": party_name}


def _by_kind(marked: str) -> Optional[str]:
    kind, _, name = marked.partition("\x1f")
    return _KIND_RULES[kind](name)


def typed_names(names: StrArray, is_business: pa.Array, is_person: pa.Array) -> pa.Array:
    """Each row's name by its kind: business rules, person rules, or guessed when neither.

    One pass over the distinct (kind, name) pairs, so each name is folded once, by the
    rule its row needs.
    """
    names = as_array(names)
    marker = pc.if_else(
        pc.fill_null(is_business, False),
        "B",
        pc.if_else(pc.fill_null(is_person, False), "P", "G"),
    )
    return map_unique(pc.binary_join_element_wise(marker, names, "\x1f"), _by_kind)
