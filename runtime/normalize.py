"""Views of a message for detection: folded look-alikes, leetspeak, spacing, and decoded payloads.

Attackers hide instructions with Unicode look-alikes, zero-width characters,
spaced-out letters, leetspeak or encodings. Detectors look at every view, so a
pattern written once catches all of them.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u180e"))

# Letters from other scripts that look like Latin ones (Cyrillic, Greek, a few symbols).
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
        "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
        "ɡ": "g", "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ү": "y", "А": "a", "В": "b", "Е": "e",
        "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p", "С": "c", "Т": "t", "Х": "x", "І": "i",
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "u", "χ": "x", "Α": "a", "Β": "b", "Ε": "e", "Η": "h", "Ι": "i", "Κ": "k",
        "Μ": "m", "Ν": "n", "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x", "Ζ": "z",
        "ı": "i", "ł": "l", "ø": "o", "đ": "d",
    }
)  # fmt: skip

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})

# "i g n o r e", "i.g.n.o.r.e", "i-g-n-o-r-e": single characters joined by separators.
# Chat shorthand spelled out, so "reveal ur prompt" reads as "reveal your prompt".
_SHORTHAND = {"ur": "your", "yr": "your", "u": "you", "r": "are", "pls": "please", "plz": "please", "abt": "about"}
_SHORTHAND_WORD = re.compile(r"\b(?:" + "|".join(_SHORTHAND) + r")\b")


def spell_out(folded: str) -> str:
    """Folded text with chat shorthand written out: "do u do prints" reads "do you do prints"."""
    return _SHORTHAND_WORD.sub(lambda m: _SHORTHAND[m.group(0)], folded)


_SPACED = re.compile(r"\b(?:\w[ .\-_*/|]{1,3}){2,}\w\b")
_WORD_SPLITTERS = re.compile(r"(?<=\w)[*_\-.|/](?=\w)")
_BASE64_TOKEN = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
_HEX_TOKEN = re.compile(r"\b(?:[0-9a-fA-F]{2}\s?){8,}\b")


def fold(text: str) -> str:
    """Compatibility-normalised, look-alikes mapped to Latin, invisible characters removed, lower case."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_CONFUSABLES)
    stripped = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return stripped.lower()


def _despace(text: str) -> str:
    # Wider gaps separate words: "i g n o r e   a l l" is "ignore all".
    parts = re.split(r"\s{2,}", text)
    return " ".join(_SPACED.sub(lambda m: re.sub(r"[ .\-_*/|]", "", m.group(0)) + " ", part) for part in parts)


def _printable(raw: bytes) -> str | None:
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not decoded or sum(ch.isprintable() or ch.isspace() for ch in decoded) / len(decoded) < 0.95:
        return None
    letters = sum(ch.isalpha() for ch in decoded)
    return decoded if letters >= 0.5 * len(decoded) else None


def decoded_payloads(text: str) -> list[str]:
    """Text hidden in base64, hex, URL encoding or ROT13 inside ``text``."""
    found: list[str] = []
    for token in _BASE64_TOKEN.findall(text):
        padded = token + "=" * (-len(token) % 4)
        try:
            decoded = _printable(base64.b64decode(padded, validate=True))
        except (binascii.Error, ValueError):
            decoded = None
        if decoded:
            found.append(decoded)
    for token in _HEX_TOKEN.findall(text):
        try:
            decoded = _printable(bytes.fromhex(token.replace(" ", "")))
        except ValueError:
            decoded = None
        if decoded:
            found.append(decoded)
    if "%" in text:
        unquoted = unquote(text)
        if unquoted != text:
            found.append(unquoted)
    lowered = text.lower()
    if "rot13" in lowered or "rot-13" in lowered or any(word in lowered for word in _ROT13_WORDS):
        found.append(codecs.decode(text, "rot13"))
    return found


# The words an attack needs, as they read in ROT13: only a text with one of them gets a ROT13 view.
_ROT13_WORDS = tuple(
    codecs.encode(word, "rot13")
    for word in (
        "ignore", "disregard", "forget", "instruction", "prompt", "system", "rules", "reveal", "secret",
        "password", "developer", "jailbreak", "override", "pretend", "guardrail", "config", "spec", "restriction",
    )
)  # fmt: skip


_SPLIT_LETTERS = re.compile(r"(?:\b\w[*_\-.|/]){2,}\w\b")
# A word with letters and leet characters in it; plain quantities ("5k", "2nd", "10x") are not leet.
_LEET_TOKEN = re.compile(r"[\w@$!]*(?:[a-z][013457@$!]|[013457@$!][a-z])[\w@$!]*")
_PLAIN_NUMBER = re.compile(
    r"^[$]?\d+(?:[.,]\d+)?(?:k|m|bn?|x|s|st|nd|rd|th|am|pm|mm|km|mi|hrs?|h|min|mins|yo|mo|wk|yr|yrs|pct)?$"
)
_BACKWARDS = re.compile(r"\b(?:backwards?|reversed?|in\s+reverse|right\s+to\s+left|mirror(?:ed)?)\b")


@lru_cache(maxsize=4096)
def detection_views(text: str) -> tuple[str, ...]:
    """Every view a detector should search; the first is the plain folded text."""
    folded = fold(text)
    # Views that change nothing cost a full scan each: build the joined and leetspeak views only
    # when the text has split letters ("i.g.n.o.r.e") or letters mixed with leet digits ("1gn0re").
    joined = _WORD_SPLITTERS.sub("", folded) if _SPLIT_LETTERS.search(folded) else folded
    views = [folded, _despace(folded), joined]
    if any(not _PLAIN_NUMBER.match(token) for token in _LEET_TOKEN.findall(folded)):
        views += [folded.translate(_LEET), _despace(joined.translate(_LEET))]
    if _SHORTHAND_WORD.search(folded):
        views += [spell_out(view) for view in views[:4]]
    for payload in decoded_payloads(text):
        views.append(fold(payload))
    if _BACKWARDS.search(folded):
        # "read this backwards and do it: tpmorp metsys ruoy ..."
        views.append(folded[::-1])
    seen: dict[str, None] = {}
    for view in views:
        seen.setdefault(re.sub(r"\s+", " ", view).strip(), None)
    return tuple(seen)
