"""Intent: which workflow a message asks for, learned from a labelled utterance corpus.

The base model is trained once per process from ``intent_corpus.json``; a spec
that adds workflows (with their examples, name, steps and template) or FAQ
questions gets its own model, cached by what it adds.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from runtime.normalize import fold
from runtime.text import stem, tokens

CORPUS_PATH = Path(__file__).with_name("intent_corpus.json")
_MAX_MODELS = 32
_REQUEST_WORDS = 40
# Below this probability the first line alone does not settle what is asked.
_CLEAR_REQUEST = 0.6


@dataclass(frozen=True)
class IntentScores:
    ranked: tuple[tuple[str, float], ...]

    @property
    def top(self) -> tuple[str, float]:
        return self.ranked[0]

    def probability(self, intent: str) -> float:
        return dict(self.ranked).get(intent, 0.0)

    @property
    def margin(self) -> float:
        return self.ranked[0][1] - (self.ranked[1][1] if len(self.ranked) > 1 else 0.0)


# A letter's greeting line ("Hi Lena,") and its sign-off ("Thanks,\nPriya") ask for nothing.
_SALUTATION = re.compile(
    r"^\W*(?:hi|hey|hello|hiya|dear|greetings|good\s+(?:morning|afternoon|evening)|morning|afternoon|evening)\b"
    r"[^\n]{0,30}\n\s*(?=\S)"
)
_SIGN_OFF = re.compile(
    r"\n\s*(?:thanks|thank\s+you|many\s+thanks|cheers|best|all\s+the\s+best|(?:kind|best|warm|warmest)\s+regards|"
    r"regards|sincerely|yours|take\s+care)\b[^\n]{0,30}(?:\n[^\n]{0,40}){0,2}\s*$"
)
# In a letter the ask often comes after the story: questions and requests addressed to the twin.
_ASK = re.compile(
    r"[^.?!\n]*\?|[^.?!\n]*\b(?:(?:can|could|would|will)\s+you|i(?:'d|\s+would)\s+(?:like|love|value|appreciate)|"
    r"please|help\s+me|any\s+idea)\b[^.?!\n]*"
)
_ASK_WORDS = 30


# "Hope you're well." and "Quick background:" ask for nothing either.
_PLEASANTRY = re.compile(
    r"^\W*(?:i\s+)?hope\s+(?:you(?:'re|\s+are)\s+(?:well|doing\s+well|good)|all\s+is\s+well|this\s+(?:\w+\s+)?finds\s+you\s+well)[^.!?\n]{0,20}[.!?]*\s*"
)
_LABEL = re.compile(
    r"^\W*(?:(?:quick\s+|some\s+|a\s+bit\s+of\s+|brief\s+)?(?:background|context|tl;?dr|summary|situation|details)|quick\s+(?:one|q|question))\s*:\s*"
)


def letter_body(text: str) -> str:
    """``text`` without a greeting line, pleasantries, a leading label or a sign-off."""
    folded = fold(text).strip()
    folded = _SALUTATION.sub("", folded, count=1)
    folded = _LABEL.sub("", _PLEASANTRY.sub("", folded, count=1), count=1)
    return _SIGN_OFF.sub("", folded).strip() or folded


@lru_cache(maxsize=4096)
def _head_and_rest(text: str) -> tuple[str, str]:
    """A letter's first line (cut to its first words) and what follows it."""
    body = letter_body(text)
    parts = re.split(r":\s|\n", body, maxsplit=1)
    words = parts[0].split()
    head = " ".join(words[:_REQUEST_WORDS]) if words else body[:200]
    # Past the first line, or past the words the first line is cut to.
    rest = parts[1] if len(parts) == 2 else " ".join(words[_REQUEST_WORDS:])
    return head, rest


def request_cache_clear() -> None:
    """Forget the split of texts already read (benchmarks time every text afresh)."""
    _head_and_rest.cache_clear()


def request_part(text: str) -> str:
    """The asking part of a message, without the material it carries.

    The material (an article to summarise, a draft to critique) says little
    about what is asked and would drown the request's words.
    """
    return _head_and_rest(text)[0]


def _asks_in(rest: str) -> str:
    """Questions and requests in ``rest``, quoted material set aside."""
    if not rest:
        return ""
    rest = re.sub(r"[\"“”][^\"“”]*[\"“”]", " ", rest)
    asks = " ".join(m.group(0).strip() for m in _ASK.finditer(rest) if m.group(0).strip())
    return " ".join(asks.split()[:_ASK_WORDS])


def _analyzer_words(text: str) -> list[str]:
    stems = [stem(token) for token in tokens(text)]
    return stems + [f"{a}_{b}" for a, b in itertools.pairwise(stems)]


def _pipeline() -> Pipeline:
    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(analyzer=_analyzer_words, sublinear_tf=True, min_df=1)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
        ]
    )
    # saga converges in a fraction of lbfgs' time on this sparse, wide problem.
    model = LogisticRegression(C=8.0, solver="saga", max_iter=300, tol=1e-3, random_state=0)
    return Pipeline([("features", features), ("model", model)])


def load_corpus(path: Path = CORPUS_PATH) -> dict[str, list[str]]:
    data = json.loads(path.read_text())
    return {label: list(utterances) for label, utterances in data["utterances"].items()}


def _workflow_examples(name: str, workflow: dict) -> list[str]:
    words = name.replace("_", " ")
    examples = [str(e) for e in workflow.get("examples", []) if str(e).strip()]
    examples += [
        words,
        f"can you do a {words}",
        f"i need a {words}",
        f"please {words} this",
        f"help me with a {words}",
        f"{words} for me please",
    ]
    if workflow.get("description"):
        examples.append(str(workflow["description"]))
    # The owner's steps say in their own trade's words what the work is about ("Shortlist three pieces
    # that fit the level and the occasion"), and a request names what it brings: the inputs.
    examples += [str(step) for step in workflow.get("steps") or [] if isinstance(step, str) and step.strip()]
    inputs = [str(i).replace("_", " ") for i in workflow.get("required_inputs") or []]
    if inputs:
        examples.append(f"{words} for my {' and '.join(inputs)}")
    return examples


class IntentModel:
    _CACHE_SIZE = 4096

    def __init__(self, corpus: dict[str, list[str]], prepare=request_part):
        texts, labels = [], []
        for label, utterances in corpus.items():
            for utterance in utterances:
                texts.append(prepare(utterance))
                labels.append(label)
        self.pipeline = _pipeline().fit(texts, labels)
        self.labels = [str(label) for label in self.pipeline.classes_]
        self._blocks = []
        offset = 0
        for _, vectorizer in self.pipeline.named_steps["features"].transformer_list:
            self._blocks.append((vectorizer.build_analyzer(), vectorizer.vocabulary_, vectorizer.idf_, offset))
            offset += len(vectorizer.vocabulary_)
        model = self.pipeline.named_steps["model"]
        self._weights = model.coef_.T.copy()
        self._intercept = model.intercept_.copy()
        # The same turns are scored again as a conversation grows: remember recent texts.
        self._cache: OrderedDict[str, IntentScores] = OrderedDict()

    def scores(self, text: str) -> IntentScores:
        """How likely each workflow is; a first line that says little is read with the asks that follow it."""
        request, rest = _head_and_rest(text)
        scored = self._scores(request)
        if scored.top[1] < _CLEAR_REQUEST:
            asks = _asks_in(rest)
            if asks:
                widened = self._scores(f"{request} {asks}")
                if widened.top[1] >= max(_CLEAR_REQUEST, scored.top[1]):
                    return widened
        return scored

    def scores_of(self, request: str) -> IntentScores:
        """How likely each label is for ``request`` read whole, as the model was trained."""
        return self._scores(request)

    def _scores(self, request: str) -> IntentScores:
        hit = self._cache.get(request)
        if hit is not None:
            return hit
        # The pipeline's predict_proba builds sparse matrices and validates on every call;
        # the same tf-idf (sublinear tf, l2 per block) computed directly is several times faster.
        indices, values = self._features(request)
        logits = values @ self._weights[indices] + self._intercept
        logits -= logits.max()
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum()
        order = np.argsort(probabilities)[::-1]
        scored = IntentScores(tuple((self.labels[i], float(probabilities[i])) for i in order))
        self._cache[request] = scored
        if len(self._cache) > self._CACHE_SIZE:
            self._cache.popitem(last=False)
        return scored

    def _features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        indices: list[int] = []
        values: list[float] = []
        for analyzer, vocabulary, idf, offset in self._blocks:
            counts: dict[int, int] = {}
            for term in analyzer(text):
                column = vocabulary.get(term)
                if column is not None:
                    counts[column] = counts.get(column, 0) + 1
            if not counts:
                continue
            columns = np.fromiter(counts, dtype=np.int64, count=len(counts))
            weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))) * idf[columns]
            weights /= np.linalg.norm(weights)
            indices.extend((columns + offset).tolist())
            values.extend(weights.tolist())
        return np.asarray(indices, dtype=np.int64), np.asarray(values, dtype=float)

    def cache_clear(self) -> None:
        self._cache.clear()


_lock = threading.Lock()
_base_corpus: dict[str, list[str]] | None = None
_models: OrderedDict[str, IntentModel] = OrderedDict()


def _extension(spec: dict, builtin: set[str]) -> dict[str, list[str]]:
    added: dict[str, list[str]] = {}
    for name, workflow in (spec.get("workflow_library") or {}).items():
        if not isinstance(workflow, dict):
            continue
        examples = [str(e) for e in workflow.get("examples", []) if str(e).strip()]
        if name in builtin:
            if examples:
                added[name] = examples
            continue
        added[name] = _workflow_examples(name, workflow)
    faq = [str(entry.get("question", "")) for entry in spec.get("faq_library") or [] if isinstance(entry, dict)]
    if any(q.strip() for q in faq):
        added.setdefault("answer", []).extend(q for q in faq if q.strip())
    return added


def intent_model_for(spec: dict) -> IntentModel:
    """The model for this spec: the base one, or one trained with what the spec adds."""
    global _base_corpus
    with _lock:
        if _base_corpus is None:
            _base_corpus = load_corpus()
        added = _extension(spec, set(_base_corpus))
        key = hashlib.sha256(json.dumps(added, sort_keys=True).encode()).hexdigest()
        model = _models.get(key)
        if model is not None:
            _models.move_to_end(key)
            return model
        corpus = {label: list(utterances) for label, utterances in _base_corpus.items()}
        for label, examples in added.items():
            # Owner examples count more than one corpus line each: there are few of them.
            corpus.setdefault(label, []).extend(examples * 5)
        model = IntentModel(corpus)
        _models[key] = model
        while len(_models) > _MAX_MODELS:
            _models.popitem(last=False)
        return model
