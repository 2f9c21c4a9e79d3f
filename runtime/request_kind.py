"""What kind of request a message is, learned from a labelled corpus: a backstop to the patterns.

The patterns in ``safety`` and ``grounding`` name the common ways people ask for someone
else's data or ask the twin to commit its owner. People find new words every day, so a
classifier trained on ``request_corpus.json`` (messages to many kinds of business, each
labelled ``others_data``, ``commitment`` or ``none``, the last full of near misses) reads
what the patterns miss. It only acts when it is sure.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Collection
from pathlib import Path

from runtime.intent import IntentModel, IntentScores
from runtime.intent import load_corpus as load_intent_corpus
from runtime.normalize import fold
from runtime.text import stem

CORPUS_PATH = Path(__file__).with_name("request_corpus.json")
OTHERS_DATA = "others_data"
COMMITMENT = "commitment"
_WORDS = 40

_lock = threading.Lock()
_model: IntentModel | None = None


def _prepare(text: str) -> str:
    return " ".join(fold(text).split()[:_WORDS])


def load_corpus(path: Path = CORPUS_PATH) -> dict[str, list[str]]:
    data = json.loads(path.read_text())
    return {label: list(texts) for label, texts in data["kinds"].items()}


def _kind_model() -> IntentModel:
    global _model
    with _lock:
        if _model is None:
            corpus = load_corpus()
            # Requests for a piece of work and plain questions are neither kind.
            corpus["none"] = corpus["none"] + [u for group in load_intent_corpus().values() for u in group]
            _model = IntentModel(corpus, prepare=_prepare)
        return _model


# Someone besides the sender and the owner: a relation, a role, "other clients", "who else", a name.
_SOMEONE = re.compile(
    r"\b(?:other|another|others|someone|somebody|anyone|anybody|everyone|everybody|previous|last|people|"
    r"wife|husband|(?:my|our|his|her|their)\s+partner|spouse|daughter|son|kids?|child(?:ren)?|mom|mum|dad|mother|father|sister|brother|friend|boss|"
    r"manager|colleague|neighbou?rs?|ex|girlfriend|boyfriend|fianc\w*|aunt|uncle|cousin|grand\w+|guy|bloke|girl|woman|"
    r"man|lady|person|family|families|clients?|customers?|patients?|students?|members?|users?|founders?|tenants?|"
    r"landlord|employees?|staff|attendees?|guests?|twins?|accounts?|platform|whoever|who\s+else|whose|couples?|mates?|pupils?|"
    r"learners?|parents?)\b"
)
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+\b|\b[A-Z]{2,}\b")


def names_someone_else(text: str, owner_names: tuple[str, ...] = (), known: Collection[str] = ()) -> bool:
    """Whether ``text`` speaks of a person or business other than the sender and the owner.

    A name in ``known`` (the stems of the twin's own sources: the owner's company, their town)
    belongs to the owner's public story, not to a stranger.
    """
    if _SOMEONE.search(fold(text)):
        return True
    owners = {n for name in owner_names for n in name.split()}
    for match in _NAME.finditer(text):
        word = match.group(0).lower()
        if word not in owners and word != "i" and stem(word) not in known:
            return True
    return False


# A message that asks nothing ("Monday and Wednesday mornings, about an hour each.") commits no one.
_ASKS = re.compile(
    r"\?|\b(?:can|could|would|will|may|might)\s+(?:you|u|i|we|she|he|they)\b|\bif\s+(?:you|u)\s+(?:can|could|will|would)\b|\b(?:please|pls|plz)\b|"
    r"\b(?:i|we)(?:'d|\s+would)\s+(?:like|love)\b|\b(?:i|we)\s+(?:want|need)\b|\blet'?s\b|\bdeal\b|"
    r"^\W*(?:book|hold|reserve|confirm|lock|put|pencil|keep|save|send|sign|agree|count|sort|squeeze|fit|move|give)\b"
)


def asks_something(text: str) -> bool:
    """Whether ``text`` asks or requests anything, rather than only stating facts."""
    return any(_ASKS.search(sentence) for sentence in re.split(r"(?<=[.!?\n])\s+", fold(text)))


def request_kind_scores(text: str) -> IntentScores:
    """How likely ``text`` asks for someone else's data, asks to commit the owner, or neither."""
    return _kind_model().scores_of(_prepare(text))
