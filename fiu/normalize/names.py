"""Person and business names folded for matching: case, accents, punctuation, order.

Persons: `Smith, John` → `john smith`; honorifics and generational suffixes dropped;
middle initials dropped; a nickname in first position becomes its formal name
(`Bill` → `william`). Businesses: legal suffixes (`LLC`, `L.L.C.`, `Inc.`, `Corp`,
`Co`), a leading `The` and punctuation dropped, `&` → `and`.
"""
from __future__ import annotations

import re
from typing import Optional

import pyarrow as pa
import jellyfish
import pyarrow.compute as pc
from anyascii import anyascii
from cleanco import basename, prepare_default_terms

from .unique import StrArray, as_array, map_unique, map_unique_lists

# Han, Hangul and Kana are written without spaces; each character is one syllable.
_SYLLABIC = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")


# Korean family names as passports and banks spell them, where anyascii's Revised
# Romanisation differs (`김` is `Gim` there, `Kim` on every card).
_KOREAN_SURNAMES = {
    "김": "Kim", "이": "Lee", "박": "Park", "최": "Choi", "정": "Jung", "조": "Cho",
    "윤": "Yoon", "임": "Lim", "신": "Shin", "권": "Kwon", "안": "Ahn", "류": "Ryu",
    "노": "Noh", "우": "Woo", "구": "Koo", "곽": "Kwak", "강": "Kang", "장": "Jang",
}


def _syllables(match: re.Match[str]) -> str:
    """`김민준` → ` Kim Minjun `: the first syllable (the family name in Chinese,
    Korean and Japanese order) apart from the rest, as romanised names are written."""
    text = match.group(0)
    parts = [_KOREAN_SURNAMES.get(text[0]) or anyascii(text[0])] + [anyascii(c) for c in text[1:]]
    return " " + " ".join([parts[0], "".join(parts[1:])]).strip() + " "


def fold(text: str) -> str:
    """Lower case ASCII: accents stripped and every script romanised (`anyascii`).

    >>> fold("José Ñúñez-Øster"), fold("Дмитрий"), fold("김민준"), fold("张伟")
    ('jose nunez-oster', 'dmitriy', 'kim minjun', 'zhang wei')
    """
    if text.isascii():  # most names: nothing to strip or romanise
        return text.replace("`", "'").lower()
    text = _SYLLABIC.sub(_syllables, text)
    return " ".join(anyascii(text).replace("`", "'").lower().split())


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
    "jack": "john", "johnny": "john", "dave": "david", "davy": "david",
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
# Short forms of several formal names ("jon": John or Jonathan) are left as written:
# normalising them would pick one person's name for the other's.
_SHORT_FOR_SEVERAL = {"jon": ("john", "jonathan")}
_READINGS = {short: (formal,) for short, formal in _NICKNAMES.items()} | _SHORT_FOR_SEVERAL
_SHORT_FORMS = {formal: frozenset(s for s, fs in _READINGS.items() if formal in fs)
                for formal in {f for fs in _READINGS.values() for f in fs}}


def first_name_forms(first: str) -> frozenset[str]:
    """A folded first name with the short forms that stand for it (`elizabeth` →
    `betty`, `beth`, `liz` …): the forms a record may carry, typed as they were."""
    return _SHORT_FORMS.get(first, frozenset()) | {first}


def formal_readings(first: str) -> frozenset[str]:
    """The formal first names a short form left as written may stand for (`jon` →
    `john`, `jonathan`); none for any other name."""
    return frozenset(_SHORT_FOR_SEVERAL.get(first, ()))


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


# cleanco's legal forms of many countries, less those that are everyday words or US
# state codes in English business names: "Blue Lotus Spa" is a spa, not an S.p.A.
_NOT_LEGAL_FORMS = frozenset("spa sp ent private pt se ca sd ok at ad uk eu ps pp gp".split())
_LEGAL_TERMS = [
    term for term in prepare_default_terms()
    if not (len(term[1]) == 1 and term[1][0] in _NOT_LEGAL_FORMS)
]
_LEGAL_ENDS = frozenset(
    words[-1].replace(".", "").replace("/", "") for _, words in _LEGAL_TERMS
)
# Words of legal forms that mark a name as a business; particles of persons' names
# that also occur in forms (`s de rl`, `s en c`) do not.
_NAME_PARTICLES = frozenset("a c d e i s y da de del di do du el en la le van von".split())
_LEGAL = frozenset(
    w for _, words in _LEGAL_TERMS for w in words if w.isalpha() and w not in _NAME_PARTICLES
)
_DOTTED = re.compile(r"\b((?:[a-z]\.){2,}[a-z]?\.?)")
# `Jade Nails LLC dba Jade Spa`: the registered name is what comes before `dba`.
_TRADE_NAME = re.compile(r"\s(?:d/b/a|d\.b\.a\.?|dba|t/a|aka)\s.*$")
_LAST_WORD = re.compile(r"([a-z0-9/]+)[^a-z0-9/]*$")


def _without_legal_form(text: str) -> str:
    """`text` less its trailing legal forms (cleanco), e.g. `co., ltd.`."""
    for _ in range(2):  # `Lucky Star Co., Ltd.`: two forms in a row
        last = _LAST_WORD.search(_DOTTED.sub(lambda m: m.group(1).replace(".", ""), text))
        if not last or last.group(1).replace("/", "") not in _LEGAL_ENDS:
            break
        stripped = basename(text, terms=_LEGAL_TERMS, prefix=False, middle=False, suffix=True)
        if stripped == text or stripped.strip(" ,.").removeprefix("the").strip() == "":
            break  # `The Company` is its name, not a form
        text = stripped
    return text


def business_name(text: str) -> Optional[str]:
    """A business name without legal form (cleanco's list of forms across countries),
    leading `The`, or punctuation; `&` → `and`.

    >>> business_name("The Golden Lotus Spa, L.L.C.")
    'golden lotus spa'
    >>> business_name("SMITH & SONS CO."), business_name("Blue Nail Spa Incorporated")
    ('smith and sons', 'blue nail spa')
    >>> business_name("Taqueria El Sol S.A. de C.V."), business_name("Lucky Star Co., Ltd.")
    ('taqueria el sol', 'lucky star')
    """
    text = _without_legal_form(_TRADE_NAME.sub("", fold(text)).strip())
    text = text.replace("&", " and ").replace("+", " and ")
    text = _DOTTED.sub(lambda m: m.group(1).replace(".", ""), text)
    text = _APOSTROPHE.sub("", text)
    text = _SPACES.sub(" ", _PUNCT.sub(" ", text)).strip()
    tokens = text.split()
    if len(tokens) > 1 and tokens[0] == "the":
        tokens.pop(0)
    while len(tokens) > 1 and tokens[-1] == "and":
        tokens.pop()
    return " ".join(tokens) or None


# Words that make an untyped name (osint entity_type `unknown`) read as a business.
_BUSINESS_WORDS = _LEGAL | frozenset(
    "spa massage salon nails nail bar club lounge restaurant cafe grill hotel motel inn "
    "services service staffing agency group holdings enterprises international trading "
    "studio wellness health therapy clinic beauty day farm farms construction cleaning "
    "janitorial logistics transport trucking imports exports market store shop the and "
    "llc inc corp".split()
)


def phonetic(word: str) -> str:
    """Metaphone code of one word (jellyfish), at most 4 letters; "" for no letters.

    >>> [phonetic(w) for w in ("smith", "smyth", "catherine", "kathryn", "mohammed", "muhammad")]
    ['SM0', 'SM0', 'K0RN', 'K0RN', 'MHMT', 'MHMT']
    """
    letters = "".join(c for c in word if c.isalpha() and c.isascii())
    return jellyfish.metaphone(letters)[:4].upper() if letters else ""


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
