"""The router: one strict routing decision per message, from the twin's active spec.

Pure: no ORM, no clock, no randomness. The same message, history, pinned context
and spec always give the same decision. ``runtime.services`` loads what a turn
needs (spec, retrieved sources) and persists the result.

Order (DESIGN.md, "The routing policy"): refuse → escalate → clarify → answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from runtime.contract import Action, Explanation, RoutingDecision
from runtime.grounding import (
    QUESTION_NOISE,
    Grounding,
    Source,
    Vocabulary,
    asked_clauses,
    asks_how,
    commitment_hit,
    grounding_for,
    is_smalltalk,
    is_vague,
    owner_self_hit,
    owner_specific_hit,
    pronoun_of,
)
from runtime.inputs import ELSEWHERE, Evidence, inputs_missing, is_material_input, material_block
from runtime.intent import IntentScores, intent_model_for, request_part
from runtime.normalize import fold
from runtime.request_kind import COMMITMENT, OTHERS_DATA, asks_something, names_someone_else, request_kind_scores
from runtime.safety import SafetyHit, exfiltration_hit, guardrail_hit, injection_hit
from runtime.text import canonical, content_tokens, stem, tokens, word_count
from specs.workflows import BUILTIN_WORKFLOWS, workflow_library_effective

OWNER_CHAT = "owner_chat"
INTERACTION_CONTEXTS = ("public_widget", "public_share", OWNER_CHAT)
_GUARDRAIL_SCAN_WORDS = 80

_QUESTIONS = {
    "problem_statement": "What exactly is going wrong?",
    "context": "What is the context: where and when does it happen, and what do the numbers show?",
    "objective": "What outcome do you want to reach?",
    "constraints": "What constraints should the plan respect (time, budget, team, risk)?",
    "artifact": "Could you paste the piece you want me to critique?",
    "source_text": "Could you paste the material you want summarized?",
    "goal": "What should this achieve: what is it for?",
    "options": "Which options are you weighing?",
    "criteria": "What should the options be judged on?",
    "audience": "Who is it for?",
}


@dataclass(frozen=True)
class Turn:
    role: str  # "user" | "twin"
    content: str


@dataclass(frozen=True)
class RouterInput:
    message: str
    spec: dict[str, Any]
    history: tuple[Turn, ...] = ()
    pinned_context: dict[str, str] = field(default_factory=dict)
    interaction_context: str = "public_widget"
    sources: tuple[Source, ...] = ()
    vocabulary: Vocabulary | None = None


@dataclass(frozen=True)
class RouterSettings:
    clarify_threshold: float = 0.62


# A workflow this likely is what the message asks for, even when it mentions the owner.
_CLEAR_TASK = 0.85
_LIKELY_TASK = 0.7
# Asking whether the owner signs something ("will she sign an NDA?"): an FAQ can answer that as a
# policy when it matches this well.
_POLICY_ASK = re.compile(r"\bsign\w*\b[^.?!]{0,40}\b(?:ndas?|agreements?|contracts?|confidentiality|non-?disclosure)")
_SIGNED_THING = re.compile(r"\b(?:nda|ndas|agreements?|contracts?|confidential\w*)\b")
# How sure a request that names an owner's workflow is taken to be.
_NAMED_WORKFLOW = 0.8
# An owner's workflow the classifier ranks second to a plain answer it is unsure of is asked
# for when the message uses enough of the words the owner described it with.
_DESCRIBED_P = 0.2
_DESCRIBED_WORDS = 2
_DESCRIBED_TOP = 0.7
# ... and when an unsure built-in task is ranked first, by three words or more.
_OWNER_WORDS = 3
_OWNER_WORDS_P = 0.05
_OWNER_BY_NAME = {"owner_named", "owner_named_possessive", "owner_pronoun"}
# How sure the request-kind classifier must be to act where no pattern did.
_LEARNED_OTHERS_DATA = 0.85
_LEARNED_COMMITMENT = 0.85
# ... beside a clear request for work, or a question that names something of the owner's.
_SURE_OTHERS_DATA = 0.97
_LEARNED_COMMITMENT_HIT = f"learned.{COMMITMENT}"
# Below this a workflow the classifier picks may still be a question or a request of either kind.
_UNSURE_WORK = 0.5
# Words of a message's material block that count as material being there.
_MATERIAL_WORDS = 12


def owner_names_of(spec: dict) -> tuple[str, ...]:
    name = str(((spec.get("identity_voice") or {}).get("name")) or "").strip().lower()
    return (name, *name.split()) if name else ()


@lru_cache(maxsize=256)
def _bio_pronoun(bio: str) -> str | None:
    return pronoun_of(bio)


def owner_pronoun_of(spec: dict, vocabulary: Vocabulary | None) -> str | None:
    """How the owner is referred to ("she" or "he"): by their bio, else by their sources."""
    return _bio_pronoun(str((spec.get("identity_voice") or {}).get("bio") or "")) or (
        vocabulary.pronoun if vocabulary is not None else None
    )


_NEVER_SHARE = re.compile(
    r"\b(?:never|don't|do\s+not|no)\s+(?:share|disclose|discuss|reveal|talk\s+about|mention|give\s+out|comment\s+on)\s+(.+)",
    re.I,
)


# An FAQ question about what working with the owner costs, not about prices in general
# ("What's a good food cost percentage?").
_OWN_SERVICE = re.compile(
    r"\b(?:you|your|coaching|sessions?|consult\w*|programs?|packages?|audits?|reviews?|engagements?|retainers?|"
    r"working\s+with|hire|hiring|services?|calls?|memberships?|plans?)\b"
)


# Prices, discounts and refunds are terms an owner publishes; asking what they are is not asking
# for one. Asking to be given one ("can you knock 20% off?") still is.
_PUBLISHED_TERMS = {
    "price": re.compile(r"[$\u20ac\u00a3]\s?\d|\b\d+\s?(?:dollars|euros|pounds|usd|eur|gbp)\b"),
    "discount": re.compile(r"\bdiscount\w*|\d+\s?%\s+off\b|\breduced\b|\bconcession\w*"),
    "refund": re.compile(r"\brefund\w*|\bmoney\s+back\b|\breimburs\w*"),
}
_POLICY_QUESTION = re.compile(
    r"\b(?:do|does)\s+(?:you|she|he|\w+)\s+(?:do|offer|have|give|run|provide|charge|allow)\b|\b(?:is|are)\s+there\s+(?:a|an|any)\b"
    r"|\bwhat\s+(?:do|does|would)\s+(?:you|she|he|\w+)\s+charge\b|\bhow\s+much\s+(?:is|are|does|do|would|will|to)\b"
    r"|\bwhat\s+(?:would|does|will|do)\s+(?:it|that|this|a|an|one)\s+(?:[\w-]+\s+){0,2}cost\b"
    r"|\b(?:do|would|will)\s+(?:i|we)\s+get\b|\bwhat(?:'s|\s+is|\s+are)\s+(?:your|the|her|his)\s+(?:[\w-]+\s+){0,2}(?:policy|rates?|prices?|fees?|terms)\b"
    r"|\b(?:is|are)\s+(?:the|my|our|your|a|an)\s+(?:[\w-]+\s+){0,2}(?:refundable|transferable|included)\b"
    r"|\bwhat\s+happens\s+(?:if|when)\b|\bhow\s+(?:does|do)\s+(?:the\s+)?(?:refunds?|discounts?|cancell?ations?)\s+work\b"
)
_ASKS_TO_BE_GIVEN = re.compile(
    r"\b(?:can|could|would|will)\s+(?:you|she|he|\w+)\s+(?:please\s+)?(?:give|knock|do\s+(?:it|me|us)|make|take|waive|refund|"
    r"lower|match|let|throw|cut|drop|send|confirm|agree|honou?r|apply)\b|\bi\s+(?:want|need|would\s+like|'d\s+like|expect)\b"
    r"|\bplease\b|\b(?:can|could|may)\s+(?:i|we)\s+(?:have|get)\b"
)


_CUSTOM_JOB = re.compile(
    r"\b(?:custom|bespoke|one-off|tailor(?:ed|-made)|made[- ]to[- ]measure|package\s+price|for\s+the\s+lot|part[- ]ex\w*|trade[- ]in)\b"
    r"|\b(?:price|rate|deal)\s+would\s+(?:you|u|she|he)\s+do\b|\bwhat\s+would\s+(?:you|u|she|he)\s+(?:give|offer|pay)\b"
)


def _asks_for_policy(message: str) -> bool:
    folded = fold(message)
    return bool(_POLICY_QUESTION.search(folded)) and not _ASKS_TO_BE_GIVEN.search(folded)


def _published_answer(
    commitment: str | None,
    message: str,
    grounded: tuple[Source, ...],
    retrieved: tuple[Source, ...],
    owner_names: tuple[str, ...],
) -> Source | None:
    """A source that already answers what looks like a commitment, so it is no longer one.

    "Do you do a sibling discount?" asks what the owner's published terms say, and a grounding
    source that states such a term answers it; asking to be given one still escalates. Asking
    what the owner charges is answered by an FAQ about what working with the owner costs;
    "will she sign an NDA?" by an FAQ that says whether she signs one.
    """
    if commitment == "price" and _CUSTOM_JOB.search(fold(message)):
        # A one-off job or a trade-in is priced by the owner, not read off the price list.
        return None
    if commitment == _LEARNED_COMMITMENT_HIT and grounded and _asks_for_policy(message):
        # "Is the deposit refundable?", read as a commitment by the classifier, asks what a source states.
        return grounded[0]
    if commitment in _PUBLISHED_TERMS and _asks_for_policy(message):
        stated = _PUBLISHED_TERMS[commitment]
        found = next((s for s in grounded if stated.search(fold(f"{s.title} {s.text}"))), None)
        # An FAQ whose question asks about the same term answers it, even when the sender's own
        # details ("I'm at Trent, Clifton campus") drew the grounding elsewhere.
        found = found or next((s for s in retrieved if s.kind == "faq" and stated.search(fold(s.title))), None)
        if found is not None:
            return found
    if commitment == "price":

        def answers(title: str) -> bool:
            return "price" in content_tokens(canonical(title)) and (
                bool(_OWN_SERVICE.search(title))
                or any(name and re.search(rf"\b{re.escape(name)}\b", title) for name in owner_names)
            )

    elif commitment and _POLICY_ASK.search(fold(message)):

        def answers(title: str) -> bool:
            return bool(_SIGNED_THING.search(canonical(title)))

    else:
        return None
    return next((s for s in grounded + retrieved if s.kind == "faq" and answers(fold(s.title))), None)


def _spec_forbidden_topics(spec: dict) -> list[str]:
    """The topics the spec forbids in so many words (often written as descriptions)."""
    guardrails = spec.get("guardrails") or {}
    return [str(t) for t in guardrails.get("forbidden_topics") or [] if str(t).strip()]


def _forbidden_topics(spec: dict) -> list[str]:
    """The spec's forbidden topics, plus what its confidentiality and conflict rules say never to share."""
    guardrails = spec.get("guardrails") or {}
    topics = _spec_forbidden_topics(spec)
    for rule in [*(guardrails.get("confidentiality_rules") or []), *(guardrails.get("conflict_rules") or [])]:
        match = _NEVER_SHARE.search(str(rule))
        if match:
            topics.append(match.group(1).strip(" ."))
    return topics


def _question_for(name: str, workflow: dict) -> str:
    """One question for a missing input: ours for the built-in inputs, the owner's description for their own."""
    if name in _QUESTIONS:
        return _QUESTIONS[name]
    label = name.replace("_", " ")
    description = str((workflow.get("input_descriptions") or {}).get(name) or "").strip()
    if description:
        first = re.split(r"(?<=[.!?])\s", description, maxsplit=1)[0].rstrip(".!? ")[:200]
        return f"Could you share the {label} ({first[:1].lower()}{first[1:]})?"
    return f"Could you share the {label}?"


def _scan_text(message: str) -> str:
    words = message.split()
    return message if len(words) <= _GUARDRAIL_SCAN_WORDS else " ".join(words[:_GUARDRAIL_SCAN_WORDS])


def _safety(
    inp: RouterInput, topics: list[str], own_words: str, *, material_reply: bool = False
) -> tuple[SafetyHit, bool] | None:
    """The first refusal signal, and whether it sits in the request itself (not in material it carries)."""
    request = request_part(inp.message)
    hit = injection_hit(request)
    if hit:
        return hit, True
    for text in (inp.message, *inp.pinned_context.values()):
        hit = injection_hit(text)
        if hit:
            return hit, False
    hit = exfiltration_hit(inp.message)
    if hit:
        return hit, True
    # Material the sender pasted (a thread to summarise) is not what they ask about.
    if material_reply and "?" not in inp.message:
        return None
    described = tuple(_spec_forbidden_topics(inp.spec or {}))
    common = inp.vocabulary.common_terms if inp.vocabulary is not None else _QUESTION_WORDS
    own = _scan_text(own_words)
    hit = guardrail_hit(own, topics, described=described, common=common)
    if hit is not None:
        # "Our CPA handles the tax side. Separate question: is it ok to ...?": what comes before the
        # turn to a new question is not what is asked.
        turn = _last_topic_change(own)
        if turn and guardrail_hit(own[turn:], topics, described=described, common=common) is None:
            return None
        # "My son's allergic to cats. Do you have any pets?": the health fact is context for a question
        # about the business, which asks nothing on the topic itself.
        asked = asked_clauses(own)
        if (
            asked
            and all(_ABOUT_THE_BUSINESS.search(fold(q)) or _asks_of_owner(q, inp.spec or {}) for q in asked)
            and guardrail_hit(" ".join(asked), topics, described=described, common=common) is None
        ):
            return None
    return (hit, False) if hit else None


def _asks_of_owner(question: str, spec: dict) -> bool:
    """ "Will Maya sign one?": a question about what the owner does, by name."""
    folded = fold(question)
    return any(
        re.search(rf"^\W*(?:and\s+|so\s+|but\s+)?(?:will|would|does|do|can|could|is)\s+{re.escape(name)}\b", folded)
        for name in owner_names_of(spec)
        if name
    )


_ABOUT_THE_BUSINESS = re.compile(
    r"^\W*(?:(?:and|also|so|but)\s+)?(?:do|does|is|are|have)\s+(?:you|u|your|ur|the\s+(?:clinic|salon|shop|practice|studio|"
    r"nursery|setting|surgery))\b(?!\s+(?:think|reckon|know|recommend|suggest|advise|believe))"
    r"|\b(?:allowed|able|ok|okay|welcome)\s+to\s+(?:come|attend|join|book|take\s+part|carry\s+on|continue)\b"
    r"|\b(?:your|ur)\s+(?:[\w-]+\s+){0,2}(?:walks?|classes|sessions?|lessons?|courses?|tours?|visits?|groups?)\b"
    r"|^\W*(?:(?:and|also|so|but)\s+)?(?:can|could|will|would)\s+(?:you|u)\s+still\b"
    r"|\b(?:anything|what)\s+(?:else\s+)?(?:do\s+)?(?:you|u)\s+need\s+from\s+(?:us|me)\b"
    r"|\b(?:is\s+there\s+any\s+way\s+(?:that\s+)?|can\s+|could\s+)(?:it|this|that|my\s+\w+(?:\s+\w+)?)\s+(?:can\s+|could\s+)?(?:still\s+)?be\s+(?:extended|moved|changed|"
    r"refunded|transferred|rebooked|postponed|carried\s+over)\b"
    r"|\b(?:your|ur)\s+(?:[\w-]+\s+){0,2}(?:prices?|pricing|rates?|fees?|plans?|polic(?:y|ies)|services?|packages?|terms|hours|quotes?)\b"
)


_QUESTION_WORDS = frozenset(QUESTION_NOISE)
_ASKING = re.compile(
    r"\?|\b(?:paste|send|share|tell\s+me|give\s+me|let\s+me\s+know|drop|upload)\b"
    r"|(?:^|[.!:\n]\s*|\b(?:please|can\s+you|could\s+you)\s+)list\b",
    re.I,
)


# The sender leaves the exchange for something else ("ok, different question: ...").
_TOPIC_CHANGE = re.compile(
    r"\b(?:different|unrelated|new|separate|another|other)\s+(?:question|topic|thing)\b|\b(?:switching|changing)\s+"
    r"(?:gears|topics?|subjects?)\b|\b(?:never\s*mind|forget\s+(?:that|it|about\s+that))\b|^\W*(?:btw|by\s+the\s+way|anyway)\b",
    re.I,
)


# A reply that makes a request of its own: a question, or a task asked for.
# The verbs that ask the twin for a piece of work, in the imperative or after "can you".
_WORK_VERBS = r"write|draft|plan|make|brainstorm|summari[sz]e|critique|review|evaluate|compare|rank|diagnose|create|build|design|suggest"
_NEW_ASK = re.compile(
    r"\?|\b(?:can|could|would|will)\s+you\b|\b(?:help\s+me|i\s+(?:need|want)\s+(?:you|a|an|some|ideas|help)|"
    rf"give\s+me|show\s+me|tell\s+me)\b|(?:^|[.!\n]\s*)(?:please\s+)?(?:{_WORK_VERBS}|list|explain)\b",
    re.I,
)


def _not_about_owner(owner_hit: str | None, others: float) -> bool:
    """The message does not ask about the owner: it names neither the owner nor their pronoun, or
    only names something of the owner's beside a sure request for someone else's data."""
    if owner_hit not in _OWNER_BY_NAME:
        return True
    return owner_hit == "owner_named_possessive" and others >= _SURE_OTHERS_DATA


def _last_topic_change(text: str) -> int:
    """Where the sender turns to a new question ("separate question: ..."), when words follow it."""
    ends = [m.end() for m in _TOPIC_CHANGE.finditer(text)]
    return ends[-1] if ends and word_count(text[ends[-1] :]) >= 3 else 0


def _earlier_request(inp: RouterInput, workflows: dict) -> tuple[str, float] | None:
    """The workflow the current exchange is about, when the twin's last turn asked for something.

    Walks back over the clarification exchange (twin asks, user answers) and picks its
    clearest request; a twin turn that asked nothing (an answer, a refusal) ends the
    exchange, so a new question after it starts afresh.
    """
    if not inp.history or inp.history[-1].role == "user" or _TOPIC_CHANGE.search(inp.message):
        return None
    model = intent_model_for(inp.spec)
    best: tuple[str, float] | None = None
    turns = list(inp.history)
    while turns and turns[-1].role != "user" and _ASKING.search(turns[-1].content):
        turns.pop()
        while turns and turns[-1].role == "user":
            previous, previous_p = model.scores(turns.pop().content).top
            if previous != "answer" and previous in workflows and previous_p >= 0.3:
                if best is None or previous_p > best[1]:
                    best = (previous, previous_p)
    # The twin's own question names the inputs of an owner's workflow: that is what the exchange is
    # about, whatever built-in task the opening request looked like.
    question = inp.history[-1].content
    unsure_built_in = (
        best is not None
        and best[0] in BUILTIN_WORKFLOWS
        and best[1] < _UNSURE_WORK
        and not _input_words(workflows[best[0]]) & {stem(t) for t in content_tokens(fold(question))}
    )
    if (best is None or unsure_built_in) and _ASKING.search(question):
        asked_for = _workflow_asked_for(question, workflows)
        if asked_for is not None:
            best = (asked_for, _ASKED_FOR_P)
    return best


# How sure a reply is taken to continue the workflow whose inputs the twin's question asked for.
_ASKED_FOR_P = 0.7
_INPUT_NOISE = frozenset({"type", "status", "detail", "info", "inform", "need", "kind"})


def _input_words(workflow: dict) -> set[str]:
    """The stemmed words of a workflow's input names ("mock_test_result": mock, test, result)."""
    words = {stem(p) for i in workflow.get("required_inputs") or [] for p in str(i).lower().split("_") if p}
    return words - _INPUT_NOISE


def _workflow_asked_for(question: str, workflows: dict) -> str | None:
    """The owner's workflow whose inputs the twin's question asks for, by two of their words or more
    ("have you passed your theory, how many lessons, how did your last mock go?" for
    ``test_readiness_check``); none when two workflows fit as well."""
    words = {stem(t) for t in content_tokens(fold(question))}
    scored = []
    for name, workflow in workflows.items():
        if name in BUILTIN_WORKFLOWS:
            continue
        found = len(_input_words(workflow) & words)
        if found >= 2:
            scored.append((found, name))
    scored.sort(reverse=True)
    if not scored or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]


def _named_workflow(message: str, workflows: dict) -> str | None:
    """An owner's own workflow the message asks for by its name ("a mock interview" for ``mock_interview``)."""
    request = request_part(message)
    words = {stem(t) for t in tokens(request)}
    for name in workflows:
        if name in BUILTIN_WORKFLOWS:
            continue
        parts = [stem(p) for p in name.lower().split("_") if p]
        if len(parts) >= 2 and all(p in words for p in parts):
            return name
        # A one-word name counts when it is a word of the owner's trade ("sequence", "itinerary") asked for,
        # not one that names the sender's own material ("critique the itinerary I attached").
        if len(parts) == 1 and len(parts[0]) >= 6 and parts[0] in words:
            if not re.search(
                rf"\b(?:my|our|this|that|the|your|his|her|their)\s+(?:[\w-]+\s+)?{re.escape(parts[0])}", fold(request)
            ):
                return name
    return None


_SIGNATURE_NOISE = frozenset(
    {"note", "list", "say", "give", "ask", "use", "add", "check", "make", "step", "includ", "option"}
)


@lru_cache(maxsize=1024)
def _signature(name: str, description: str, steps: tuple[str, ...]) -> frozenset[str]:
    """The words an owner used to say what their workflow is about."""
    text = " ".join((name.replace("_", " "), description, *steps))
    return frozenset({stem(t) for t in content_tokens(fold(text))} - _SIGNATURE_NOISE)


def _workflow_signature(name: str, workflow: dict) -> frozenset[str]:
    steps = tuple(step for step in workflow.get("steps") or [] if isinstance(step, str))
    return _signature(name, str(workflow.get("description") or ""), steps)


def _described_workflow(
    message: str,
    scores: IntentScores,
    workflows: dict,
    *,
    min_p: float = _DESCRIBED_P,
    min_words: int = _DESCRIBED_WORDS,
    ranks: int = 4,
    whole: bool = False,
) -> str | None:
    """An owner's workflow the classifier half sees, asked for in the words the owner described it with
    (in the request itself, or with ``whole`` anywhere in the message)."""
    words = {stem(t) for t in content_tokens(fold(message if whole else request_part(message)))}
    best = None
    for name, p in scores.ranked[1:ranks]:
        if name in BUILTIN_WORKFLOWS or name not in workflows or p < min_p:
            continue
        shared = words & _workflow_signature(name, workflows[name])
        if len(shared) >= min_words and (best is None or (len(shared), p) > best[1]):
            best = (name, (len(shared), p))
    return best[0] if best else None


# Asking for the owner's advice on one's own case: "what course should I do?", "am I ready for DELE B2?",
# "would olive green suit me?", "where would she fit in your levels?".
_ADVICE_ASKED = re.compile(
    r"\b(?:what|which)\s+(?:[\w-]+\s+){0,2}(?:should|would|could|do)\s+(?:i|we|you)\s+(?:do|get|buy|book|choose|pick|go\s+for|"
    r"take|start\s+with|recommend|suggest)\b|\b(?:am\s+i|are\s+we|is\s+(?:she|he))\s+(?:\w+\s+)?ready\b|\bwill\s+i\s+be\s+ready\b"
    r"|\bwhere\s+would\s+(?:she|he|i|we|they)\s+fit\b|\b(?:would|will|does|do)\s+(?:[\w-]+\s+){0,4}(?:suit|fit)\s+(?:me|us|her|him)\b"
    r"|\bwhat\s+size\b|\bhow\s+much\s+(?:can|could)\s+(?:i|we)\s+borrow\b"
)
_ADVICE_TOP = 0.95
_ADVICE_P = 0.7


def _advice_workflow(message: str, workflows: dict) -> str | None:
    """The owner's workflow a request for advice on one's own case names by a word of the workflow's
    name ("course" for ``course_recommendation``) or two of its description's words."""
    request = fold(request_part(message))
    if not _ADVICE_ASKED.search(request):
        return None
    words = {stem(t) for t in content_tokens(request)}
    best: tuple[tuple[int, int], str] | None = None
    for name, workflow in workflows.items():
        if name in BUILTIN_WORKFLOWS:
            continue
        parts = {stem(p) for p in name.lower().split("_") if len(p) >= 3} - _SIGNATURE_NOISE
        by_name = sum(1 for p in parts if any(w == p or (min(len(w), len(p)) >= 4 and w[:4] == p[:4]) for w in words))
        by_description = len(words & _workflow_signature(name, workflow))
        if by_name or by_description >= _DESCRIBED_WORDS:
            score = (by_name, by_description)
            if best is None or score > best[0]:
                best = (score, name)
    return best[1] if best else None


def _intent(inp: RouterInput, scores: IntentScores, workflows: dict) -> tuple[str, float, str]:
    """The workflow asked for, its probability, and where it came from (message or an earlier request)."""
    intent, probability = scores.top
    if intent == "answer" and probability < _DESCRIBED_TOP:
        described = _described_workflow(inp.message, scores, workflows)
        if described is not None:
            # Half the pull towards a plain answer is the question form of the request itself.
            intent, probability = described, scores.probability(described) + probability * 0.5
    elif intent in BUILTIN_WORKFLOWS and intent != "answer" and probability < _UNSURE_WORK:
        # An unsure built-in task ("diagnose", "critique") beside an owner's workflow the message
        # describes in three or more of the owner's own words ("passed my theory, 42 hours, two mocks").
        described = _described_workflow(
            inp.message, scores, workflows, min_p=_OWNER_WORDS_P, min_words=_OWNER_WORDS, ranks=6, whole=True
        )
        if described is not None:
            intent, probability = described, scores.probability(described) + probability * 0.5
    if (intent == "answer" or intent not in BUILTIN_WORKFLOWS) and probability < _ADVICE_TOP:
        advised = _advice_workflow(inp.message, workflows)
        if advised is not None:
            intent, probability = advised, max(scores.probability(advised), _ADVICE_P)
    named = _named_workflow(inp.message, workflows)
    if named is not None:
        intent, probability = named, max(scores.probability(named), _NAMED_WORKFLOW)
    earlier = _earlier_request(inp, workflows)
    if earlier is not None:
        # A reply completes the earlier request unless it clearly asks for something else;
        # a reply that asks for nothing (only facts, a date, an attempt) asks for nothing else.
        if intent == "answer" or probability < 0.5 or intent == earlier[0] or not _NEW_ASK.search(inp.message):
            return earlier[0], max(earlier[1], probability), "earlier_request"
    if intent not in workflows:
        intent = "answer"
    pinned_for = _workflow_of_pinned(inp.pinned_context, workflows)
    if (
        pinned_for
        and pinned_for != intent
        and not set(inp.pinned_context) & set(workflows[intent]["required_inputs"] or [])
    ):
        return pinned_for, probability, "pinned_context"
    return intent, probability, "message"


# Asking the twin to do a piece of work, as opposed to asking it something.
_TASK_ASK = re.compile(
    rf"\b(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+|help\s+(?:me\s+)?)?(?:{_WORK_VERBS}|recommend|put\s+together|come\s+up|"
    r"figure|look|check|go\s+through|walk|tear|rate|score|assess|analy[sz]e|outline|map|draw|sketch|list|sum|boil|"
    r"prepare|give|help|work\s+out|calculate|compute|cost|price|estimate|run|do|tell\s+me\s+(?:why|what(?:'s|\s+is)\s+wrong))\b"
    rf"|(?:^|[.!?\n]\s*)(?:please\s+)?(?:{_WORK_VERBS}|recommend|give\s+me|help\s+me|tear|rip|rate|score|assess|analy[sz]e|"
    r"outline|map\s+out|draw\s+up|list|tl;?dr|sum\s+up|check|fix|figure\s+out)\b"
    r"|\b(?:i\s+(?:need|want|would\s+like|'d\s+like)|looking\s+for)\s+(?:a|an|some|your)\s+\w+"
    r"|\bwhat(?:'s|\s+is|\s+would\s+be|\s+should\s+be)\s+(?:the|a|my|our)\s+(?:game\s+)?(?:plan|strategy|roadmap|verdict|diagnosis)\b",
    re.I,
)
# A question without its question mark ("whats in the care plan and how much is it").
_QUESTION_SHAPE = re.compile(
    r"^\W*(?:what|whats|what's|how|hows|how's|when|where|who|which|is|are|do|does|did|can\s+i|could\s+i|should\s+i|"
    r"will\s+(?:you|she|he|it|there)|would\s+(?:you|she|he|it))\b"
)
# How sure a workflow must be before a question without any ask for work is taken as that workflow.
_QUESTION_AS_TASK = 0.6


def _plain_question(message: str, probability: float) -> bool:
    """A question the classifier only half ties to a task: answered, not met with a request for inputs."""
    folded = fold(message)
    asks = "?" in message or _QUESTION_SHAPE.match(folded)
    return bool(asks) and probability < _QUESTION_AS_TASK and not _TASK_ASK.search(folded)


def _workflow_of_pinned(pinned: dict[str, str], workflows: dict) -> str | None:
    """The one workflow whose required inputs the pinned context names, if exactly one."""
    owners = {name for key in pinned for name, wf in workflows.items() if key in (wf.get("required_inputs") or [])}
    return owners.pop() if len(owners) == 1 else None


_QUOTED = re.compile(r"[\"“”][^\"“”]{0,400}[\"“”]|(?<!\w)'[^'\n]{0,200}'(?!\w)")


def _own_words(message: str) -> str:
    """The sender's own request: quoted text and attached material set aside."""
    text = _QUOTED.sub(" ", message)
    if word_count(material_block(text)) >= _MATERIAL_WORDS:
        text = request_part(text)
    return text


def _request_intent(message: str, spec: dict, workflows: dict) -> str:
    label, probability = intent_model_for(spec).scores(request_part(message)).top
    return label if label in workflows and probability >= 0.6 else "answer"


def _intent_without(message: str, excerpt: str, spec: dict, workflows: dict) -> str:
    """The task a message asks for once an attack in it is set aside; "answer" when nothing is left."""
    sentences = re.split(r"(?<=[.!?\n])\s+", message)
    kept = " ".join(s for s in sentences if not injection_hit(s) and not exfiltration_hit(s))
    if word_count(kept) < 6:
        return "answer"
    label, probability = intent_model_for(spec).scores(kept).top
    return label if label in workflows and probability >= 0.6 else "answer"


def _confidence(probability: float, margin: float, specificity: float = 0.0) -> float:
    """Confidence in acting on the message: the classifier's certainty, and how much the message says.

    A long, specific message is actionable even when two workflows compete for it;
    a short one the classifier is unsure of is not. The eval reports accuracy per band.
    """
    return round(min(0.99, 0.42 + 0.35 * probability + 0.15 * margin + 0.12 * specificity), 4)


def _specificity(message: str) -> float:
    return min(1.0, len(set(content_tokens(message))) / 10)


_workflow_cache: dict[int, tuple[dict, dict]] = {}


def _workflows_of(spec: dict) -> dict:
    """The spec's effective workflows; a spec object seen before (the cached active one) is not merged again."""
    hit = _workflow_cache.get(id(spec))
    if hit is not None and hit[0] is spec:
        return hit[1]
    workflows = workflow_library_effective(spec)
    if len(_workflow_cache) > 256:
        _workflow_cache.clear()
    _workflow_cache[id(spec)] = (spec, workflows)
    return workflows


def route(inp: RouterInput, settings: RouterSettings | None = None) -> RoutingDecision:
    settings = settings or RouterSettings()
    spec = inp.spec or {}
    workflows = _workflows_of(spec)
    required = {name: list(wf.get("required_inputs") or []) for name, wf in workflows.items()}
    scores = intent_model_for(spec).scores(inp.message)
    intent, probability, intent_source = _intent(inp, scores, workflows)
    signals: dict[str, Any] = {
        "intent_scores": {str(label): round(p, 4) for label, p in scores.ranked[:4]},
        "intent_source": intent_source,
        "interaction_context": inp.interaction_context,
    }

    def decide(action: Action, confidence: float, rule: str, reason: str, *, missing=(), questions=(), **extra):
        return RoutingDecision(
            intent=intent,
            confidence=round(max(0.0, min(1.0, confidence)), 4),
            required_inputs_missing=tuple(missing),
            chosen_workflow=intent,
            output_schema=f"workflow.{intent}.v1",
            action=action,
            clarifying_questions=tuple(questions),
            explanation=Explanation(rule=rule, reason=reason, signals={**signals, **extra}),
        ).validate(workflow_inputs=required)

    # 1. refuse
    own_words = _own_words(inp.message)
    has_material = bool(inp.pinned_context) or word_count(material_block(inp.message)) >= _MATERIAL_WORDS
    found = _safety(inp, _forbidden_topics(spec), own_words, material_reply=intent_source == "earlier_request")
    if found is not None:
        hit, _in_request = found
        if hit.kind == "injection":
            # The task the attack rides on, if any; a bare attack asks for nothing but an answer.
            if _in_request:
                intent = _intent_without(inp.message, hit.excerpt, spec, workflows)
            elif not has_material:
                intent = _request_intent(inp.message, spec, workflows)
        else:
            intent = "answer"
        rule = {
            "injection": "refuse.prompt_injection",
            "exfiltration": "refuse.private_data",
            "guardrail": "refuse.guardrail",
        }[hit.kind]
        confidence = 0.9 if hit.kind == "guardrail" else 0.96
        return decide(
            Action.REFUSE, confidence, rule, f"{hit.kind}: {hit.pattern}", matched=hit.pattern, excerpt=hit.excerpt
        )

    owner_chat = inp.interaction_context == OWNER_CHAT
    owner_names = owner_names_of(spec)
    # The learned backstop reads what the patterns missed in the sender's own words; a reply that
    # completes a request, or the owner talking to their own twin, is neither kind. A clear request
    # for a piece of work is held to a higher bar below, and is never a commitment.
    kinds = None
    # A request for work on material that is not there ("tell me exactly what she wrote in it") may
    # be after someone else's words rather than work on the sender's own.
    no_material = (
        intent in workflows
        and is_material_input((workflows[intent].get("required_inputs") or [""])[0], intent)
        and not has_material
    )
    unsure = intent == "answer" or probability < _UNSURE_WORK or no_material
    if not owner_chat and intent_source == "message":
        kinds = request_kind_scores(own_words)
        signals["request_kind"] = {label: round(p, 4) for label, p in kinds.ranked}
    # A clear request for work ("what's wrong with it?") is read as a request for someone else's data
    # only when the classifier is all but certain ("my neighbour's bike: how much is he paying?").
    others = kinds.probability(OTHERS_DATA) if kinds is not None else 0.0
    own_commitment = commitment_hit(own_words)
    if (
        others >= (_LEARNED_OTHERS_DATA if unsure else _SURE_OTHERS_DATA)
        and names_someone_else(own_words, owner_names, inp.vocabulary.frequency if inp.vocabulary else ())
        # "Which fund was she a partner at?", "what did Clara think of my son's playing?" ask about the owner;
        # "which founders booked Maya's office hours?" only names something of the owner's.
        and _not_about_owner(
            owner_specific_hit(own_words, owner_names, pronoun=owner_pronoun_of(spec, inp.vocabulary)), others
        )
        # "What's the best way to get introduced to Maya? I don't know anyone she's backed" asks how.
        and not asks_how(own_words)
        # "intro me to her old cofounder" asks the owner for a favour, not for data.
        and own_commitment is None
    ):
        intent = "answer"
        return decide(
            Action.REFUSE,
            0.9,
            "refuse.private_data",
            "exfiltration: asks for someone else's data (request-kind classifier)",
            matched=f"learned.{OTHERS_DATA}",
        )

    owner = str(((spec.get("identity_voice") or {}).get("name")) or "the owner")
    smalltalk = is_smalltalk(inp.message, owner_names)
    if smalltalk and intent_source == "message":
        # "am I talking to a bot?" asks for no piece of work, whatever words it shares with one.
        intent = "answer"
    vague = (
        not smalltalk
        and intent_source == "message"
        and not inp.pinned_context
        and is_vague(inp.message)
        and not commitment_hit(inp.message)
        # "give me some ideas": a clear workflow with nothing to work on clarifies its inputs below.
        and not (intent != "answer" and probability >= 0.6 and required.get(intent))
    )
    if vague:
        intent = "answer"
        return decide(
            Action.CLARIFY,
            min(_confidence(probability, scores.margin), settings.clarify_threshold - 0.1),
            "clarify.underspecified",
            "too underspecified to act on",
            questions=("What would you like me to help with, specifically?",),
            vague=True,
        )

    # 2. escalate
    grounding = Grounding(False, 0.0, ())
    if inp.sources:
        grounding = grounding_for(inp.message, list(inp.sources), owner_names, inp.vocabulary)
    commitment = own_commitment
    if commitment is None and intent == "answer" and not inp.pinned_context and own_words != inp.message:
        # With no task that takes material, text after a colon is the sender's own words too.
        commitment = commitment_hit(inp.message)
    if (
        commitment is None
        and kinds is not None
        and unsure
        and kinds.probability(COMMITMENT) >= _LEARNED_COMMITMENT
        and asks_something(own_words)
    ):
        commitment = _LEARNED_COMMITMENT_HIT
    published = _published_answer(commitment, inp.message, grounding.sources, inp.sources, owner_names)
    if published is not None:
        # A question about the owner's published terms is a plain question, whatever its wording
        # ("if I can't make the course, do I get my money back?").
        if _asks_for_policy(inp.message):
            intent = "answer"
        commitment = None
        if not grounding.grounded:
            grounding = Grounding(True, grounding.score, (published,), (published,))
    signals["grounding"] = {"grounded": grounding.grounded, "score": grounding.score,
                            "sources": [s.id for s in grounding.sources]}  # fmt: skip
    # The owner cannot be committed to anything by asking their own twin: a price or a discount
    # they ask about is a question about their own policy, answered from the sources or asked back.
    policy_question = owner_chat and commitment is not None and intent == "answer"
    if owner_chat:
        commitment = None
    if commitment is not None:
        intent = "answer"
        return decide(
            Action.ESCALATE,
            0.9,
            "escalate.commitment",
            f"asks to commit the owner: {commitment}",
            questions=(f"What should {owner} know to get back to you (timing, scope, anything else)?",),
            commitment=commitment,
        )
    # A greeting names the owner without asking anything about them.
    may_ask_owner = not smalltalk and (
        intent == "answer"
        or (intent_source == "message" and not has_material and probability < _CLEAR_TASK)
        # "Is Ellie planning to put her prices up next year?" asks about the owner, however plan-like.
        or (intent_source == "message" and not has_material and _asks_of_owner(own_words, spec))
    )
    owner_hit = None
    if may_ask_owner:
        owner_hit = owner_specific_hit(
            own_words, owner_names, owner_chat=owner_chat, pronoun=owner_pronoun_of(spec, inp.vocabulary)
        )
        # A likely task that says "what do you think of my page" is the task; one that names the owner
        # ("does Ray have kids? any of them planning to join him?") asks about the owner.
        if intent != "answer" and probability >= _LIKELY_TASK and owner_hit != "owner_named":
            owner_hit = None
    elif not smalltalk and owner_chat and not has_material and owner_self_hit(inp.message):
        owner_hit = "owner_self"
    if owner_hit is None and policy_question:
        owner_hit = "owner_policy"
    if owner_hit is not None:
        intent = "answer"
    if owner_hit is not None and not grounding.grounded:
        if owner_chat:
            return decide(
                Action.CLARIFY,
                0.7,
                "clarify.owner_knowledge",
                "owner-specific and ungrounded; in owner_chat the twin asks the owner",
                questions=("I have nothing on this in my sources yet. How would you like me to answer it?",),
                owner_signal=owner_hit,
            )
        return decide(
            Action.ESCALATE,
            0.75 + 0.15 * (1 - grounding.score),
            "escalate.owner_knowledge",
            f"asks for owner-specific knowledge no source grounds ({owner_hit})",
            questions=(f"Is there any context you would like me to pass on to {owner} with your question?",),
            owner_signal=owner_hit,
        )

    # 3. clarify
    evidence = Evidence(
        message=inp.message,
        history_user=tuple(t.content for t in inp.history if t.role == "user"),
        history_twin=tuple(t.content for t in inp.history if t.role != "user"),
        reply_is_material=(
            intent_source == "earlier_request"
            and "?" not in inp.message
            and word_count(inp.message) >= 5
            and not ELSEWHERE.search(inp.message.lower())
        ),
        pinned={k: str(v) for k, v in inp.pinned_context.items() if v is not None},
    )
    rubric = (spec.get("decision_policy") or {}).get("rubric_rules") or []
    satisfied = frozenset({"criteria"}) if rubric else frozenset()
    workflow = workflows.get(intent, {})
    steps = tuple(step for step in (workflow.get("steps") or []) if isinstance(step, str))
    missing = inputs_missing(
        required[intent],
        evidence,
        workflow=intent,
        satisfied=satisfied,
        steps=steps,
        descriptions=workflow.get("input_descriptions") or {},
    )[:3]
    if (
        missing
        and intent_source == "message"
        and _plain_question(inp.message, probability)
        and not any(is_material_input(name) for name in missing)
    ):
        # A plain question the classifier only half ties to a task is answered, not met with a
        # request for that task's inputs.
        intent, missing = "answer", []
    confidence = _confidence(probability, scores.margin, _specificity(inp.message))
    if missing:
        return decide(
            Action.CLARIFY,
            confidence,
            "clarify.missing_inputs",
            f"{intent} needs {', '.join(missing)}",
            missing=missing,
            questions=[_question_for(m, workflows[intent]) for m in missing],
        )
    if (smalltalk or grounding.grounded) and intent == "answer":
        confidence = max(confidence, 0.85)
    if required[intent]:
        # Every input the workflow needs is there: the message is specific enough to act on.
        confidence = max(confidence, settings.clarify_threshold + 0.08)
    if confidence < settings.clarify_threshold:
        return decide(
            Action.CLARIFY,
            confidence,
            "clarify.underspecified",
            "too unsure what is asked to act on",
            questions=("What would you like me to help with, specifically?",),
            vague=False,
        )

    # 4. answer
    cited = [s.id for s in grounding.related]
    return decide(
        Action.ANSWER,
        confidence,
        "answer",
        f"{intent} with everything it needs",
        citations=cited,
        smalltalk=smalltalk,
    )
