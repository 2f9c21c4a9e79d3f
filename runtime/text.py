"""Tokens, stems and stop words shared by the router's detectors and retrieval."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import snowballstemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

_TOKEN = re.compile(r"[a-z0-9][a-z0-9'&+.-]*[a-z0-9]|[a-z0-9]")
# A snowball stemmer keeps its working state on the object: one per thread, or two
# threads stemming at once corrupt each other's words (seen as IndexError under threads).
_stemmers = threading.local()


def _stemmer() -> snowballstemmer.stemmer:
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:
        stemmer = _stemmers.english = snowballstemmer.stemmer("english")
    return stemmer


# Words the general list drops that carry meaning here ("the company you found(ed)", "a fire drill").
_MEANINGFUL = {
    "found",
    "fire",
    "bill",
    "system",
    "interest",
    "call",
    "show",
    "move",
    "thin",
    "side",
    "back",
    "top",
    "full",
}
STOP_WORDS = (frozenset(ENGLISH_STOP_WORDS) - _MEANINGFUL) | {
    "pls", "plz", "please", "thanks", "thank", "hey", "hi", "hello", "ok", "okay", "im", "i'm", "ive", "i've",
    "don't", "dont", "can't", "cant", "won't", "it's", "that's", "what's", "u", "ur", "ya", "yeah", "yep",
    "just", "really", "maybe", "also", "like", "want", "need", "know", "think", "tell", "let", "lets", "let's",
    "could", "would", "should", "shall", "will", "can", "may", "might", "must", "did", "does", "doing", "got",
}  # fmt: skip


# Chat shorthand and irregular forms, so "hrs" meets "hours" and "sold" meets "sell".
_ALIASES = {
    "hrs": "hours", "hr": "hour", "mins": "minutes", "min": "minute", "yrs": "years", "yr": "year", "u": "you",
    "ur": "your", "r": "are", "tl;dr": "tldr", "tl-dr": "tldr", "pls": "please", "plz": "please", "thx": "thanks",
    "sold": "sell", "bought": "buy", "built": "build", "ran": "run", "grew": "grow", "began": "begin", "made": "make",
    "went": "go", "took": "take", "wrote": "write", "left": "leave", "met": "meet", "thought": "think",
    "taught": "teach", "paid": "pay", "spent": "spend", "lost": "lose", "won": "win", "led": "lead", "chose": "choose",
    "founded": "found", "co-founded": "found", "cofounded": "found", "invests": "invest", "vc": "venture",
}  # fmt: skip


def tokens(text: str) -> list[str]:
    words = _TOKEN.findall(text.lower().replace("tl;dr", "tldr"))
    return [_ALIASES.get(word, word) for word in words]


def content_tokens(text: str) -> list[str]:
    found = []
    for token in tokens(text):
        # "early-stage" counts as "early" and "stage" too.
        parts = [token, *token.split("-")] if "-" in token else [token]
        found.extend(part for part in parts if part not in STOP_WORDS and len(part) > 1)
    return found


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer().stemWord(word.strip("'.-"))


def content_stems(text: str) -> list[str]:
    return [stem(token) for token in content_tokens(text)]


def word_count(text: str) -> int:
    return len(tokens(text))


# Phrases people use interchangeably in questions to a twin; each group meets under one word.
SAME_THING: list[tuple[re.Pattern[str], str, tuple[str, ...]]] = [
    (
        re.compile(
            r"\bpersonal\s+(?:best|record)s?\b|\bpbs?\b|\bprs?\b|\b(?:best|fastest)\s+(?:marathon\s+|race\s+)?times?\b"
        ),
        "pr",
        ("pr", "personal", "best", "record"),
    ),
    (
        re.compile(r"\b(?:qualifications?|certifications?|certified|credentials?)\b"),
        "credentials",
        ("credentials", "qualifications", "certifications", "certified"),
    ),
    (re.compile(r"\b(?:résumé|resume|cv)\b"), "resume", ("resume", "cv")),
    (
        re.compile(r"\b(?:fees?|pricing|prices?|costs?|charges?)\b"),
        "price",
        ("price", "pricing", "cost", "fee", "charge"),
    ),
    (
        re.compile(r"\b(?:co-?founded|started|founded|(?:got|get|getting)\s+(?:started|into))\b"),
        "founded",
        ("founded", "started", "cofounded"),
    ),
    (re.compile(r"\bcheques?\b"), "check", ("check", "cheque")),
    (
        re.compile(r"\b(?:gigs?|engagements?|retainers?|on\s+the\s+side|side\s+(?:work|projects?))\b"),
        "consulting",
        ("consulting", "consult"),
    ),
    (
        re.compile(
            r"\b(?:sign\s*(?:ing\s+)?up|(?<=\bi\s)get\s+started|(?<=\bwe\s)get\s+started|get\s+started\s+with\s+(?:you|coaching|your|her|him)|start(?=\s+(?:coaching|working|training)\s+with)|"
            r"become\s+(?:one\s+of\s+)?your\s+(?:athletes?|clients?)|enrol+(?:ing|ment)?)\b"
        ),
        "signup",
        ("sign", "signup", "started"),
    ),
    (
        re.compile(
            r"\bsit\s+on\s+(?:\w+\s+){0,2}boards?\b|\bboard\s+(?:seats?|roles?|positions?)\b|\bjoin\s+(?:\w+\s+){0,2}boards?\b"
        ),
        "boardseat",
        ("board", "seat", "seats"),
    ),
    (
        re.compile(
            r"\b(?:beginners?|newbies?|novices?|first[- ]timers?|new\s+(?:to\s+running|runners?)"
            r"|never\s+(?:run|ran|raced))\b"
        ),
        "beginner",
        ("beginner", "beginners", "novice"),
    ),
    (re.compile(r"\bhow\s+(?:big|large)\b|\bsizes?\b"), "size", ("size",)),
    (
        re.compile(
            r"\b(?:lift(?:ing)?\s+weights|weight\s*(?:lifting|training)|gym\s+work|resistance\s+training|strength\s+(?:work|training)|lifting|touched\s+a\s+weight)\b"
        ),
        "strength",
        ("strength",),
    ),
    (
        re.compile(r"\b(?:evaluat\w*|assess\w*|stand\s+out|catch(?:es)?\s+your\s+eye|look\s+for\s+in)\b"),
        "evaluate",
        ("evaluate", "assess"),
    ),
    (
        re.compile(r"\b(?:decid(?:e|es|ed|ing)|decisions?|hear\s+back|yes\s+or\s+no|get\s+an?\s+answer)\b"),
        "decide",
        ("decide", "decision", "decisions"),
    ),
    (
        re.compile(
            r"\b(?:remote(?:ly)?|online|abroad|overseas|(?:other|another|different)\s+(?:countr(?:y|ies)|time\s*zones?|states?|cit(?:y|ies))"
            r"|out\s+of\s+(?:state|town)|not\s+local)\b"
        ),
        "remote",
        ("remote", "remotely", "online"),
    ),
    (
        re.compile(r"\b(?:intros?|introductions?|introduced?|get\s+in\s+front\s+of|get\s+(?:on|onto)\s+\w+\s+radar)\b"),
        "intro",
        ("intro", "introduction"),
    ),
    (
        re.compile(
            r"\b(?:sectors?|industr(?:y|ies)|verticals?|(?:kinds?|types?|sorts?)\s+of\s+(?:companies|startups|businesses|deals))\b"
        ),
        "sector",
        ("sector", "sectors", "industries", "verticals"),
    ),
    (
        re.compile(
            r"\b(?:ultra(?:marathon)?s?|ultra-marathons?|(?:[3-9]\d|1\d\d)\s*-?\s*milers?|(?:[5-9]\d|1\d\d)\s*-?\s*k(?:m)?\s+(?:races?|trail|ultras?))\b"
        ),
        "ultra",
        ("ultra", "ultramarathon", "ultramarathons"),
    ),
    (
        re.compile(
            r"\b(?:stop(?:ped)?\s+(?:racing|competing)|retire[ds]?\s+from\s+(?:racing|competition|competing)|"
            r"end(?:ed)?(?=\s+(?:my|your|her|his)\s+(?:competitive\s+|racing\s+)?career)|(?:quit|gave\s+up)\s+(?:racing|competing))\b"
        ),
        "retired",
        ("career", "ended", "stopped"),
    ),
    (
        re.compile(
            r"\b(?:office\s+hours|regular\s+(?:time|slot)|open\s+(?:hours|slots?)|drop[- ]in\s+(?:hours|sessions?))\b"
        ),
        "office hours",
        ("office", "hours"),
    ),
    (
        re.compile(r"\b(?:ndas?|non-?disclosure(?:\s+agreements?)?|confidentiality\s+agreements?)\b"),
        "nda",
        ("nda", "ndas"),
    ),
    (
        re.compile(r"\b(?:smallest|biggest|largest|typical|average|minimum|maximum)\s+(?=(?:check|cheque)s?\b)"),
        "size ",
        ("size",),
    ),
    (
        re.compile(r"\b(?:salesperson|sales\s*people|sales\s+(?:rep|reps|person|hire)|account\s+executives?)\b"),
        "salesperson",
        ("salesperson", "sales"),
    ),
    (re.compile(r"\b(?:bring\s+on|take\s+on|onboard)\b(?=\s+(?:a|an|our|my|the|first)\b)"), "hire", ("hire",)),
    (
        re.compile(
            r"\b(?:taper\w*|wind(?:ing)?\s+(?:things\s+)?down|eas(?:e|ing)\s+off\s+before|cut(?:ting)?\s+back\s+before)\b"
        ),
        "taper",
        ("taper",),
    ),
    (
        re.compile(
            r"\bburn(?:ed)?\b(?=[^.?!]{0,40}\b(?:to|per|versus|vs|against)\b[^.?!]{0,40}\b(?:arr|revenue|new\s+\w+))"
        ),
        "burn multiple",
        ("burn", "multiple"),
    ),
    (
        re.compile(r"\b(?:injur(?:y|ies|ed)|fractur\w*|hurt\s+(?:myself|yourself|herself|himself))\b"),
        "injury",
        ("injury", "injured"),
    ),
    (
        re.compile(
            r"\b(?:pay(?:ing)?\s+attention\s+to|focus(?:es|ed)?\s+on|care\s+(?:most\s+)?about|zero\s+in\s+on)\b"
        ),
        "look",
        ("look", "focus"),
    ),
]

# All groups in one pattern, so a text is read once however many groups there are.
_ANY_SAME_THING = re.compile("|".join(f"(?P<g{i}>{pattern.pattern})" for i, (pattern, _w, _m) in enumerate(SAME_THING)))


def canonical(text: str) -> str:
    """``text`` with each interchangeable phrase replaced by its group's word."""
    return _ANY_SAME_THING.sub(lambda match: SAME_THING[int(match.lastgroup[1:])][1], text)


def expansions(text: str) -> list[str]:
    """Words a search for ``text`` should also look for (every member of each group it touches)."""
    touched = sorted({int(match.lastgroup[1:]) for match in _ANY_SAME_THING.finditer(text)})
    return [member for group in touched for member in SAME_THING[group][2]]
