"""Tokens, stems and stop words shared by the router's detectors and retrieval."""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

_TOKEN = re.compile(r"[a-z0-9][a-z0-9'&+.-]*[a-z0-9]|[a-z0-9]")
_stemmer = snowballstemmer.stemmer("english")

STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | {
    "pls", "plz", "please", "thanks", "thank", "hey", "hi", "hello", "ok", "okay", "im", "i'm", "ive", "i've",
    "don't", "dont", "can't", "cant", "won't", "it's", "that's", "what's", "u", "ur", "ya", "yeah", "yep",
    "just", "really", "maybe", "also", "like", "want", "need", "know", "think", "tell", "let", "lets", "let's",
    "could", "would", "should", "shall", "will", "can", "may", "might", "must", "did", "does", "doing", "got",
}  # fmt: skip


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def content_tokens(text: str) -> list[str]:
    return [token for token in tokens(text) if token not in STOP_WORDS and len(token) > 1]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer.stemWord(word.strip("'.-"))


def content_stems(text: str) -> list[str]:
    return [stem(token) for token in content_tokens(text)]


def word_count(text: str) -> int:
    return len(tokens(text))
