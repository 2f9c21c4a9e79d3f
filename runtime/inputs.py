"""Which of a workflow's required inputs a conversation supplies.

An input counts as present when the message, an earlier user turn of the same
conversation, or the request's pinned context supplies it. Pointing at material
that is not there ("the notes below", "my deck") does not supply it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from runtime.text import STOP_WORDS, content_tokens, stem, tokens, word_count

_MATERIAL_NAMES = re.compile(
    r"(?:text|source|artifact|deck|draft|document|doc|notes|material|code|essay|copy|content|transcript|file|resume|cv|letter|post|pitch|article|report|log|data)"
)
_MATERIAL_MIN_WORDS = 12

# Words that ask for work but say nothing about the work itself.
_GENERIC = {
    "help", "helps", "something", "thing", "things", "stuff", "anything", "everything", "plan", "planning", "plans",
    "diagnose", "diagnosis", "critique", "review", "feedback", "summarize", "summarise", "summary", "sum", "tldr",
    "brainstorm", "brainstorming", "ideas", "idea", "evaluate", "evaluation", "compare", "assess", "write", "draft",
    "writing", "piece", "text", "problem", "issue", "issues", "problems", "question", "questions", "advice", "thoughts",
    "look", "check", "quick", "quickly", "asap", "today", "tomorrow", "sure", "please", "pls", "kindly", "maybe",
    "options", "option", "choices", "choice", "doc", "document", "notes", "material", "deck", "work", "task",
    "figure", "sort", "handle", "deal", "make", "create", "come", "give", "send", "prepare", "put", "together",
    "wrong", "going", "happening", "fix", "analysis", "analyze", "analyse", "outline", "roadmap", "strategy", "below",
    "above", "attached", "following", "mine", "bit", "lot", "way", "best", "good", "great", "ok", "okay",
    "hey", "hi", "hello", "twin", "maya", "need", "needs", "want", "wanna", "gonna", "trying", "try", "ask", "go",
    "business", "startup", "company", "companies", "finger", "nothing", "life", "job", "names", "name", "list",
    "brutal", "honest", "run", "why", "broken", "terrible", "bad", "worse",
    "throw", "wild", "goes", "fresh", "stuck", "fun", "idk", "random", "cool", "new", "creative", "crazy", "some", "lately", "off", "me", "it's", "its", "anyway", "start",
}  # fmt: skip

_DEICTIC = re.compile(
    r"\b(?:below|attached|enclosed|following|above|this\s+(?:doc|document|draft|deck|text|article|report|email|post|essay|plan|code|file|one|thing|list)|these\s+(?:notes|options|two|three|ideas|choices)|the\s+(?:notes|doc|document|draft|deck|text|file|article|options)|my\s+(?:notes|doc|draft|deck|essay|post|article|report|file))\b"
)


@dataclass(frozen=True)
class Evidence:
    """Everything a conversation offers for one turn, pre-split for the detectors."""

    message: str
    history_user: tuple[str, ...]
    pinned: dict[str, str]
    history_twin: tuple[str, ...] = ()
    # The message answers the twin's request for material ("paste the slides") with the material itself.
    reply_is_material: bool = False

    @property
    def texts(self) -> tuple[str, ...]:
        return (self.message, *self.history_user, *self.pinned.values())

    @property
    def spoken(self) -> tuple[str, ...]:
        return (self.message, *self.history_user)


# Quotes open after a space or a colon and close before one, so apostrophes (it's, founders') are not quotes.
_QUOTED = re.compile("(?:^|(?<=[\\s:(]))[\"“\u2018'`]{1,3}(\\S.*?)[\"”\u2019'`]{1,3}(?=[\\s.,;:!?)]|$)", re.S)
_AFTER_COLON = re.compile(r":\s*(.+)$", re.S)
_AFTER_NEWLINE = re.compile(r"\n\s*(.+)$", re.S)


def material_block(text: str) -> str:
    """The material a message carries besides its request: after a colon, a line break, or in quotes."""
    best = ""
    for pattern in (_AFTER_COLON, _AFTER_NEWLINE, _QUOTED):
        for match in pattern.finditer(text):
            candidate = match.group(1).strip()
            if word_count(candidate) > word_count(best):
                best = candidate
    if not best and word_count(text) >= 45:
        best = text
    return best


_TWIN_MATERIAL_MIN_WORDS = 25
# Pointing at material kept elsewhere is not the material.
ELSEWHERE = re.compile(
    r"\b(?:google\s+(?:doc|docs|drive|sheet|slides)|(?:doc|file|link|deck)\s+(?:i|we)\s+(?:shared|sent)|shared\s+with\s+you|"
    r"links?|urls?|https?|www|dot\s+(?:com|io|co|org|net)|\.(?:com|io|co|org|net)\b|attached|attachment|i'?ll\s+send|"
    r"will\s+send|go\s+look|take\s+a\s+look\s+at\s+it|dropbox|notion|in\s+my\s+drive|on\s+my\s+(?:laptop|computer|phone|desktop|work\s+computer)|somewhere)\b"
)


# Short material set off in quotes (a tagline, a subject line, a one-liner) is still the material.
_QUOTED_MIN_WORDS = 4


def _has_material(evidence: Evidence) -> bool:
    for text in evidence.spoken:
        if word_count(material_block(text)) >= _MATERIAL_MIN_WORDS:
            return True
        if any(word_count(m.group(1)) >= _QUOTED_MIN_WORDS for m in _QUOTED.finditer(text)):
            return True
    # The twin's own earlier answer is material too ("now boil that down").
    if any(word_count(text) >= _TWIN_MATERIAL_MIN_WORDS for text in evidence.history_twin[-1:]):
        return True
    return any(word_count(value) >= 8 for value in evidence.pinned.values())


def _concrete_terms(text: str) -> list[str]:
    cleaned = _DEICTIC.sub(" ", text.lower())
    return [t for t in content_tokens(cleaned) if (t not in _GENERIC and not t.isdigit()) or re.fullmatch(r"\d+%?", t)]


def _any(evidence: Evidence, pattern: re.Pattern[str]) -> bool:
    return any(pattern.search(text.lower()) for text in evidence.texts)


_PROBLEM = re.compile(
    r"\b(?:drop(?:ped|ping|s)?|declin\w*|fall(?:ing|en|s)?|fell|churn\w*|stuck|stall\w*|slow\w*|low(?:er)?|broken|break(?:s|ing)?|"
    r"fail\w*|not\s+(?:working|converting|growing|selling|responding|improving|loading)|isn'?t|aren'?t|doesn'?t|don'?t|can'?t|won'?t|"
    r"struggl\w*|bugs?|crash\w*|los(?:ing|e|t)|miss(?:ed|ing)?|down|decreas\w*|plateau\w*|flat(?:lined)?|worse|leak\w*|complain\w*|"
    r"behind|delay\w*|late|spik\w*|jump(?:ed)?|increas\w*|rising|rose|high|tanked|tanking|disappoint\w*|underperform\w*|hurt\w*|"
    r"injur\w*|tired|exhaust\w*|burn(?:ed|t)?\s*out|conflict\w*|fight\w*|quit\w*|leaving|left|bounc\w*|abandon\w*|stopped|"
    r"keeps?\s+\w+ing|error\w*|timeouts?|problem\s+(?:is|with)|issue\s+(?:is|with)|wrong\s+with|why\s+(?:is|are|do|does|did|has|have)|"
    r"zero|none|nobody|no\s+one|never|without\s+\w+ing|terrible|awful|bad|poor|weak|killing|churned|ghost\w*|quiet|"
    r"too\s+(?:early|late|slow|expensive|high|low|long)|only\s+\d|almost\s+no|hardly|barely|stopped|dead|dying|"
    r"\d+(?:\.\d+)?\s?%\s+(?:now\s+)?(?:vs\.?|versus|compared\s+(?:to|with)|down\s+from|up\s+from|from)\s+\d+|"
    r"run(?:ning)?\s+out\s+of\s+(?:gas|steam|energy|cash|money)|bonk\w*|hit(?:ting)?\s+the\s+wall|fad(?:e|es|ed|ing)|"
    r"not\s+getting\s+(?:any\s+)?(?:faster|better|stronger|results|replies|traction)|(?:way|much|a\s+lot)\s+harder|"
    r"feels?\s+(?:hard|heavy|awful|off|wrong|cramped|stiff|tight|weird)|(?:has|have|'s|'ve)\s+(?:\w+\s+)?gone\s+(?:\w+\s+)?"
    r"(?:from|to|up|down|yellow|brown|black|brassy|orange|green|floppy|soft|limp|mouldy|moldy|dry|crispy|flat|dull|patchy|cloudy|"
    r"quiet|silent|cold|weird|wrong|off)|(?:become|became|got|getting)\s+(?:much\s+|very\s+|really\s+|so\s+)?(?:longer|slower|worse|"
    r"harder|louder|weaker|shorter)|dripp\w*|condensation|damp|mou?ld|rot(?:ten|ting)?|soggy|spongy|wilt\w*|droop\w*|thinning|swell\w*|click(?:s|ing))\b"
    r"|\b(?:every\s+time|again|whenever|growl\w*|bump\w*|cramp\w*|hurts?|pain\w*|stiff\w*|wee(?:s|ing)?|pee(?:s|ing)?|"
    r"snap\w*|bit(?:e|es|ing|ten)|bark\w*|crack\w*|buzz\w*|nois\w*|flicker\w*|freez\w*|glitch\w*|rattl\w*|squeak\w*|"
    r"harsh|hollow|muddy|phas(?:ey|ing|y)|distort\w*|clip(?:s|ping|ped)|boomy|boxy|sibilan\w*|knock(?:s|ing)|grind\w*|judder\w*|"
    r"misfir\w*|overheat\w*|smok(?:e|es|ing)|warning\s+lights?|lights?(?:'s|\s+has|\s+have)?\s+(?:come|came|comes|stays?|flash\w*)(?:\s+on)?)\b"
)
_CONTEXT = re.compile(
    r"(?:\d|\b(?:since|last|past|this|next)\s+(?:week|month|quarter|year|sprint|release|launch|season|few)|\b(?:q[1-4]|yesterday|"
    r"recently|lately|ago|weeks?|months?|days?|years?|hours?|january|february|march|april|may|june|july|august|september|"
    r"october|november|december|monday|tuesday|wednesday|thursday|friday|weekend)\b|\b(?:we(?:'re|\s+are)\s+an?|we\s+(?:have|sell|run|"
    r"make|build|launched|changed|switched|moved|hired|added|started|use)|our\s+(?:team|app|store|shop|"
    r"customers|users|clients|site|website|funnel|pricing|platform|b2b|b2c|saas|champions|reps|pipeline)|i(?:'m|\s+am)\s+an?|"
    r"i\s+(?:run|have|use|work|train|manage|launched|changed|started|switched)|after\s+(?:we|i|the)|when\s+(?:we|i|the)|"
    r"i(?:'ve|\s+have)\s+(?:had|been|done|tried|sent|run)|we(?:'ve|\s+have)\s+(?:had|been|done|tried|sent|got|run)|"
    r"b2b|b2c|saas|ecommerce|e-commerce|marketplace|mrr|arr|cac|ltv|nps|conversion|retention|metrics?|dashboard|ios|android))"
)
_CONSTRAINTS = re.compile(
    r"(?:[$€£]\s?\d|\d+\s?(?:k|m|usd|eur|gbp|dollars|euros|pounds)\b|\bbudget\w*|\bcost\w*|\bafford\w*|\bfunding|\brunway|"
    r"\b(?:in|within|over|by|before|under)\s+(?:\d+|a|one|two|three|four|five|six|eight|ten|twelve)\s+(?:days?|weeks?|months?|quarters?|years?)|"
    r"\b(?:by|before|until)\s+(?:the\s+end\s+of\s+)?(?:q[1-4]|january|february|march|april|may|june|july|august|september|october|"
    r"november|december|next\s+\w+|end\s+of|christmas|summer|spring|fall|autumn|winter|\d)|\bdeadline|\btimeline|\btime\s*frame|"
    r"\b\d+\s*(?:hours?|hrs?|min(?:ute)?s?|days?|weeks?|months?)\b|\bteam\s+of\s+\w+|\b(?:just|only)\s+(?:me|us|two|three|\d)|\bsolo\b|\bby\s+myself|"
    r"\b(?:i|we)\s+only\s+(?:have|get|can)\b|\bonly\s+(?:have|got)\b|"
    r"\b\d+\s+(?:people|engineers|devs|developers|employees|staff|designers|marketers|contractors|volunteers)|\bheadcount|"
    r"\bpart[- ]time|\bfull[- ]time|\bno\s+(?:money|budget|team|engineers|time)|\blimited\b|\bconstrain\w*|\brisk\w*|"
    r"\bcan'?t\s+(?:spend|afford|hire|take)|\bat\s+most|\bno\s+more\s+than|\bmax(?:imum)?\b|\bwhile\s+(?:working|keeping|still)|"
    r"\bwithout\s+(?:hiring|raising|spending|quitting))"
)
_OBJECTIVE = re.compile(
    r"\bso\s+(?:that\s+)?(?:[\w']+\s+){0,2}(?:can|could|will|is|are|gets?|learns?|stops?)\b|"
    r"\b(?:goal|aim|objective|target|outcome|want\s+to|wanna|hoping\s+to|hope\s+to|trying\s+to|need\s+to|plan\s+to|so\s+that|"
    r"in\s+order\s+to|launch|reach|hit|grow|get\s+to|achieve|raise|hire|ship|run\s+(?:a|my|our|the)|finish|complete|move|"
    r"migrate|open|start|build|double|triple|increase|reduce|cut|improve|prepare\s+for|transition|switch|learn|pass|win|land|close)\b"
)
_AUDIENCE = re.compile(
    r"\b(?:for|to|at|towards|targeting|aimed\s+at|addressed\s+to)\s+(?:my|our|the|a|an|all|new|potential|prospective|existing|"
    r"current|future|some|these|those|\w+'s)?\s*(?:[\w-]+\s+){0,2}(?:investors?|vcs?|angels?|team|teammates|customers?|users?|board|employees|"
    r"staff|manager|boss|clients?|readers?|audience|students?|parents?|runners?|followers?|subscribers?|recruiters?|hiring\s+managers?|"
    r"landlord|partners?|co-?founders?|founders?|community|members?|donors?|volunteers?|colleagues?|engineers?|developers?|"
    r"designers?|leads?|prospects?|buyers?|suppliers?|vendors?|press|journalists?|reporters?|mentors?|advisors?|professors?|"
    r"teachers?|kids|family|friends?|neighbou?rs?|landlords?|tenants?|linkedin|twitter|x|instagram|newsletter|blog|website|"
    r"product\s+hunt|hacker\s+news|reddit|coach|athletes?|club|group|class|ceos?|ctos?|cfos?|coos?|cmos?|vp|execs?|executives?|leadership|hr|"
    r"sales\s+team|marketing\s+team|stakeholders?|shareholders?|public|everyone|list|church|school|committee|jury|panel|"
    r"heads?|managers?|directors?|vps?|owners?|operators?|candidates?|applicants?|hires?|recruits?|distributors?|retailers?|"
    r"restaurants?|agencies|brands?|shippers?|carriers?|warehouses?|dispatchers?|drivers?|contractors?|accountants?|"
    r"lawyers?|doctors?|nurses?|patients?|gym\s+members?|beginners?|first-time\s+\w+|new\s+\w+|people|anyone|those|fans|"
    r"listeners|supporters|regulars|households|patrons|guests|bookers|promoters|labels|venues|fosterers|adopters|residents)\b"
    r"|\b(?:email|e-mail|note|letter|message|dm|text|memo|update|announcement|invite|invitation|intro|reply|response|"
    r"thank-you|thank\s+you\s+note|pitch|proposal|post|tweet|thread|speech|toast|bio|cover\s+letter|newsletter|blurb|"
    r"outreach|follow-?up)\s+(?:\w+\s+){0,2}(?:to|for)\s+(?!get\b|ask\b|announce\b|make\b|help\b|explain\b|me\b|us\b|myself\b|you\b|a\s+\w+\s+(?:call|meeting))\w+"
    r"|\b(?:on|for)\s+(?:linkedin|twitter|x|instagram|tiktok|facebook|our\s+blog|my\s+blog|the\s+website|product\s+hunt|reddit|hacker\s+news)\b"
    r"|\baudience\s+is|\breaders\s+are|\bwho\s+(?:will|would)\s+read|\b(?:it'?s|its)\s+(?:for|going\s+to)\s+\w+"
    r"|\baudience\s*:|\baimed\s+at\s+\w+|\b(?:in|on|to)\s+(?:my|our|the)\s+(?:[\w-]+\s+){0,3}(?:group\s+chat|chat|channel|slack|discord|forum|whatsapp\s+group)\b"
)
_AUDIENCE_REPLY = re.compile(
    r"^\s*(?:it'?s\s+(?:for|to)\s+)?(?:(?:our|my|the|all|existing|current|new|potential|prospective|every|some)\s+)*(?:[\w-]+\s+){0,2}"
    r"(?:customers?|users?|investors?|team|clients?|prospects?|founders?|managers?|employees|staff|board|partners?|buyers?|"
    r"candidates?|readers?|subscribers?|followers?|members?|leads?|vps?|heads?|directors?|engineers?|runners?|athletes?|"
    r"fans|listeners|bookers|promoters|labels|venues|households|neighbou?rs|parents|students|guests|regulars|families)\b"
)
_GOAL = re.compile(
    r"\b(?:goal|aim|purpose|so\s+that|in\s+order\s+to|to\s+(?:get|ask|announce|invite|thank|explain|convince|persuade|pitch|"
    r"introduce|share|update|tell|request|apologi[sz]e|recruit|sell|promote|launch|raise|follow\s+up|decline|reject|welcome|"
    r"remind|inform|celebrate|congratulate|propose|negotiate|book|schedule|attract|grow|boost|increase|reduce|improve|name|"
    r"find|help|make|get|keep|win|turn|drive|land|secure|book|bring|cut|save|hit|reach|recover|re-?engage|nudge|"
    r"confirm|clarify|push|move|close|start|stop|build|encourage|motivate|celebrate|mark|welcome|onboard|warm\s+up)|"
    r"asking\s+(?:\w+\s+){0,2}(?:for|to|if|whether)|telling|letting\s+\w+\s+know|saying\s+(?:that|we|i|our|the)|"
    r"(?:need|want|get)\s+(?:her|him|them|people|everyone|customers|clients|the\s+\w+)\s+to|bio|biography|toast|eulogy|tagline|slogan|vows|"
    r"arguing|making\s+the\s+case|\d+\s?%\s+off|encouraging|convincing|persuading|reminding|welcoming|promoting|announcing|inviting|thanking|explaining|requesting|pitching|introducing|declining|rejecting|turning\s+down|"
    r"about\s+(?:a|an|the|my|our|how|why|what|\w+ing)|ideas?\s+(?:for|to|on|about)|ways\s+to|names?\s+for|how\s+to|"
    r"announce|announcement|invite|invitation|intro(?:duce|duction)?|thank|thank-you|update\s+on|launch|promote|follow[- ]up|"
    r"apolog\w*|rejection|reminder|congratulat\w+|welcome|referral|renewal|upsell|want\s+(?:to|more|a|an|them|people|customers)|"
    r"more\s+\w+|(?:that|which)\s+(?:would|will|could|might)\s+\w+|get\s+more|increase|reduce|improve|boost|grow)\b"
)
_OPTIONS = re.compile(
    r"\b(?:vs\.?|versus|or|between\s+\w+.{0,60}\s+and|compared?\s+(?:to|with)|option\s+(?:a|b|1|2|one|two)|"
    r"(?:first|second)\s+option|alternatives?\s*:)\b|(?:^|\n)\s*(?:[-*•]|\d[.)])\s+\w"
)
_CRITERIA = re.compile(
    r"\b(?:criteria|criterion|based\s+on|judged?\s+(?:on|by)|in\s+terms\s+of|weigh(?:ing|ted)?|considering|rubric|score\s+(?:on|by)|"
    r"cost|price|speed|quality|risk|roi|impact|effort|value|fit|scalab\w*|reliab\w*|usability|ease|time\s+to|priorit\w*)\b"
)
_DATE = re.compile(
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b"
    r"|\b\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?\b|\b(?:in|within)\s+(?:\d+|a|one|two|three|four|five|six|eight|ten|twelve|sixteen|twenty)\s+(?:weeks?|months?|days?)\b"
    r"|\b(?:next|this)\s+(?:spring|summer|fall|autumn|winter|month|year|season)\b|\b(?:race|marathon|event)\s+(?:is|on)\s+\w+|\b20\d\d\b"
)
_FITNESS = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:km|k|kms|miles?|mi|mpw|kilometers?|kilometres?)\b|\b(?:pace|pr|pb|personal\s+best|mileage|vo2|"
    r"resting\s+heart|beginner|never\s+run|couch|newbie|novice|intermediate|advanced|experienced|(?:ran|run|running)\s+(?:for\s+)?\d+|"
    r"\d+\s*(?:runs?|times)\s+(?:a|per)\s+week|half\s+marathon\s+in|marathon\s+in\s+\d|\d:\d\d|sub[- ]?\d|out\s+of\s+shape|"
    r"currently\s+(?:run|running|doing)|i\s+(?:run|jog|walk|cycle|swim)\s)"
)


def _material(evidence: Evidence) -> bool:
    return _has_material(evidence)


# A symptom told at this length ("the big blue hydrangea has gone floppy and crispy round the edges ...")
# states what is wrong even in words no pattern knows; background alone rarely runs this long.
_DESCRIBED_PROBLEM_TERMS = 21


# "Something's off with my playing", "why is nothing working": trouble felt, not yet said.
_UNNAMED_TROUBLE = re.compile(
    r"\b(?:something|somethings|nothing|everything)(?:'s|\s+is|\s+feels?|\s+seems?|\s+looks?)?\s+(?:\w+\s+)?"
    r"(?:off|wrong|not\s+right|working|weird)\b|\bnot\s+looking\s+right\b"
)
_UNNAMED_TROUBLE_MAX_TERMS = 6
# "Our churn went up", "why is my profit down?": one named measure and which way it moved.
_MEASURE_MOVED = re.compile(
    r"\b(?:is|are|went|gone|going|been|way|so|really|too)\s+(?:way\s+|so\s+|really\s+)?(?:up|down|bad|low|high)\b|\b(?:my|our|the)\s+\w+\s+(?:up|down)\b"
)


def _names_trouble(text: str) -> bool:
    lowered = text.lower()
    if not _PROBLEM.search(lowered):
        return False
    concrete = _concrete_terms(lowered)
    if _UNNAMED_TROUBLE.search(lowered) and len(concrete) <= _UNNAMED_TROUBLE_MAX_TERMS:
        return False
    return len(concrete) >= 2 or (len(concrete) == 1 and bool(_MEASURE_MOVED.search(lowered)))


def _problem_statement(evidence: Evidence) -> bool:
    return any(
        _names_trouble(text) or len(_concrete_terms(text)) >= _DESCRIBED_PROBLEM_TERMS for text in evidence.spoken
    ) or any(_names_trouble(text) for text in evidence.pinned.values())


def _context(evidence: Evidence) -> bool:
    return _any(evidence, _CONTEXT) and sum(len(_concrete_terms(t)) for t in evidence.texts) >= 3


_PLAN_OBJECT = re.compile(
    r"\bplan(?:ning)?\s+\w+ing\b|\bfrom\s+\S+\s+to\s+\S+|\bget\s+back\s+(?:to|into)\s+\w+"
    r"|\bplan(?:ning)?\s+(?:for|to|out|our|my|the|a|an|how)\s+(?!this\b|that\b|it\b|something\b|things\b|these\b)\w+"
    r"|\b(?:roadmap|plan|strategy|timeline|schedule)\s+(?:for|to)\s+(?!this\b|that\b|it\b|something\b|these\b)\w+"
)


def _objective(evidence: Evidence) -> bool:
    for text in evidence.texts:
        lowered = text.lower()
        concrete = [t for t in _concrete_terms(lowered) if not _CONSTRAINTS.search(t) and not t[0].isdigit()]
        if _PLAN_OBJECT.search(lowered) and concrete:
            return True
        if _OBJECTIVE.search(lowered) and len(concrete) >= 2:
            return True
    return False


# "get to $50k MRR" is where the plan should end up, not a budget it must keep to.
_TARGET_AMOUNT = re.compile(
    r"\b(?:get(?:ting)?|reach(?:ing)?|hit(?:ting)?|grow(?:ing)?|go(?:ing)?|scale|raise|raising)\s+(?:us\s+)?(?:to\s+)?"
    r"[$\u20ac\u00a3]?\s?\d[\d,.]*\s?[kmb]?\s*(?:arr|mrr|revenue|users|customers|subscribers|members)?"
)


def _constraints(evidence: Evidence) -> bool:
    return any(_CONSTRAINTS.search(_TARGET_AMOUNT.sub(" ", text.lower())) for text in evidence.texts)


def _goal(evidence: Evidence) -> bool:
    return any(_GOAL.search(text.lower()) and len(_concrete_terms(text)) >= 1 for text in evidence.texts)


def _ideas_goal(evidence: Evidence) -> bool:
    """Brainstorming needs to know what the ideas are for: a named subject is enough."""
    return _goal(evidence) or any(len(_concrete_terms(text)) >= 2 for text in evidence.spoken)


# "a cold email to Maya herself", "a note for Mr Alvarez": a named person is the audience.
_TO_A_NAMED_PERSON = re.compile(r"\b(?:to|for)\s+(?:(?:Mr|Mrs|Ms|Dr|Miss)\.?\s+)?[A-Z][a-z]{2,}\b(?!\s+(?:\d|[A-Z]))")


def _audience(evidence: Evidence) -> bool:
    # A short reply naming a group ("existing customers who run SAP") answers "who is it for?".
    return (
        _any(evidence, _AUDIENCE)
        or any(word_count(text) <= 20 and _AUDIENCE_REPLY.search(text.lower()) for text in evidence.spoken)
        or any(_TO_A_NAMED_PERSON.search(text) for text in evidence.spoken)
    )


_LABELLED_CHOICES = re.compile(r"(?:^|\s|\()(?:a|1|one|first)[).:]\s.+?(?:^|\s|\()(?:b|2|two|second)[).:]\s", re.S)


def _options(evidence: Evidence) -> bool:
    for text in evidence.texts:
        lowered = _DEICTIC.sub(" ", text.lower())
        if _LABELLED_CHOICES.search(lowered):
            return True
        if _OPTIONS.search(lowered) and len(_concrete_terms(lowered)) >= 2:
            return True
        block = material_block(text)
        # A list after a colon, or one idea described at length, is something to judge.
        if word_count(block) >= 8 or (block and block.count(",") >= 1 and len(_concrete_terms(block)) >= 3):
            return True
    return False


def _criteria(evidence: Evidence) -> bool:
    return _any(evidence, _CRITERIA)


def _date(evidence: Evidence) -> bool:
    return _any(evidence, _DATE)


def _fitness(evidence: Evidence) -> bool:
    return _any(evidence, _FITNESS)


DETECTORS: dict[str, Callable[[Evidence], bool]] = {
    "problem_statement": _problem_statement,
    "context": _context,
    "objective": _objective,
    "constraints": _constraints,
    "artifact": _material,
    "source_text": _material,
    "goal": _goal,
    "options": _options,
    "criteria": _criteria,
    "audience": _audience,
}


_WORKFLOW_DETECTORS: dict[tuple[str, str], Callable[[Evidence], bool]] = {("brainstorm", "goal"): _ideas_goal}


@lru_cache(maxsize=512)
def _detector_for(name: str, workflow: str = "") -> Callable[[Evidence], bool]:
    if (workflow, name) in _WORKFLOW_DETECTORS:
        return _WORKFLOW_DETECTORS[(workflow, name)]
    if name in DETECTORS:
        return DETECTORS[name]
    if _MATERIAL_NAMES.search(name):
        return _material
    if "date" in name or "deadline" in name or "when" in name:
        return _date
    if "fitness" in name or "level" in name or "experience" in name:
        return _fitness
    for kind, detector in _KINDS:
        if kind.search(name):
            return detector
    words = [w for w in re.split(r"[_\W]+", name) if w and w not in STOP_WORDS]
    if words and words[-1] in _KIND_WORDS:
        return _named_kind([*words, *workflow.lower().split("_")])

    def mentions_name(evidence: Evidence) -> bool:
        return any(all(w in text.lower() for w in words) and len(_concrete_terms(text)) >= 2 for text in evidence.texts)

    return mentions_name


_KIND_WORDS = frozenset(
    {
        "type",
        "kind",
        "style",
        "format",
        "category",
        "occasion",
        "theme",
        "genre",
        "sort",
        "focus",
        "topic",
        "subject",
        "details",
        "info",
        "list",
        "tracks",
    }
)


def _stated(pattern: re.Pattern[str]) -> Callable[[Evidence], bool]:
    return lambda evidence: _any(evidence, pattern)


def _described_at_length(evidence: Evidence) -> bool:
    """A scope or a set of requirements: a list, or a dozen words of specifics."""
    return any(
        len(_concrete_terms(text)) >= 10 or text.count(",") >= 3 or len(re.findall(r"(?m)^\s*[-*\u2022]", text)) >= 2
        for text in evidence.texts
    )


# An input an owner names for their own workflow is recognised by what its name says it is.
_MONEY = re.compile(
    r"[$\u20ac\u00a3]\s?\d|\b\d+(?:\.\d+)?\s?(?:dollars|usd|eur|euros|gbp|pounds|cents)\b|/\s?(?:lb|kg|oz|unit|each)\b|\bper\s+(?:lb|kg|oz|pound|unit|case)\b"
)
_QUANTITIES = re.compile(
    r"\b\d+(?:[./]\d+)?\s?(?:x|oz|g|kg|lbs?|pounds?|cups?|tbsp|tsp|ml|l|liters?|litres?|pieces?|pcs|slices?|eggs?|servings?|portions?|inch(?:es)?|ft|feet|sq\s?ft|units?)\b"
    r"|\b(?:one|two|three|four|half|a)\s+(?:cup|ounce|slice|pound|tablespoon|teaspoon|handful|pinch)s?\b"
)
_ROLE = re.compile(
    r"\b(?:engineer|developer|manager|designer|analyst|scientist|director|lead|head\s+of|vp|intern|architect|consultant|"
    r"sre|devops|product\s+manager|pm|recruiter|marketer|accountant|nurse|teacher|chef|cook|role|position|title)s?\b"
    r"|\b(?:junior|mid[- ]?level|senior|staff|principal|back[- ]?end|front[- ]?end|full[- ]?stack)\b"
)
_STAGE = re.compile(
    r"\b(?:round|stage|phase|screen(?:ing)?|onsite|on-site|final|behaviou?ral|technical|system\s+design|coding|take-home|"
    r"panel|loop|first|second|third|intro(?:ductory)?|step|level)\b"
)
_DIMENSIONS = re.compile(
    r"\b\d+(?:\.\d+)?\s?(?:m|cm|mm|metres?|meters?|ft|feet|foot|in|inch(?:es)?|yards?|yd)?\s?(?:x|by|\u00d7)\s?\d"
    r"|\b\d+(?:\.\d+)?\s?(?:sq\.?\s?(?:m|ft|feet|metres?|meters?)|m2|m\u00b2|square\s+(?:metres?|meters?|feet|foot)|acres?|hectares?)\b"
    r"|\b\d+(?:\.\d+)?\s?(?:m|cm|metres?|meters?|ft|feet|foot|inch(?:es)?|yards?)\s+(?:long|wide|deep|high|tall|across)\b"
)
_SCHEDULE = re.compile(
    r"\b(?:mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?|mon|tue|tues|wed|thu|thurs|fri|sat|sun|"
    r"weekdays?|weekends?|weeknights?|mornings?|evenings?|nights?|lunchtimes?|daily|every\s+(?:day|other\s+day))\b"
    r"|\b(?:\d+|one|two|three|four|five|six|once|twice)\s*(?:x\s*|times?\s+|days?\s+|sessions?\s+)(?:a|per|each|/)\s*week\b"
    r"|\b\d{1,2}(?::\d\d)?\s?(?:am|pm)\b|\b\d+\s*(?:min(?:ute)?s?|hours?|hrs?)\s+(?:a|per|each)\s+(?:day|session|week|night)\b"
)
# Who someone (or some animal) is: an age, a species or a description of themselves.
_PROFILE = re.compile(
    r"\b\d+\s?(?:-?\s?years?[- ]old|yo|y/o|yrs?\s+old|months?\s+old|-month-old)\b|\b(?:aged?|i'?m|i\s+am)\s+(?:a\s+|an\s+)?\d{1,2}\b"
    r"|\b(?:i'?m|i\s+am|he'?s|she'?s|they'?re|it'?s)\s+(?:a|an)\s+\w+|\b(?:never|haven'?t|have\s+not)\s+(?:\w+\s+){0,2}(?:before|ever)?"
    r"|\b(?:beginner|novice|intermediate|advanced|experienced|retired|pregnant|injur\w*|male|female|neutered|spayed|puppy|kitten|"
    r"senior|rescue|breed|mix|dog|cat|rabbit|horse|parrot|man|woman|guy|girl|boy|student|client)\b"
)
_BEHAVIOUR = re.compile(
    r"\b(?:every\s+time|whenever|keeps?|always|constantly|won'?t\s+stop|at\s+night|when\s+(?:i|we|he|she|they|someone|people)|"
    r"since|started|suddenly|bark\w*|bit(?:e|es|ing|ten)?|howl\w*|hid(?:e|es|ing)|scratch\w*|pull\w*|chew\w*|pee\w*|poop\w*|"
    r"lung\w*|growl\w*|hiss\w*|jump\w*|cr(?:y|ies|ying)|refus\w*|avoid\w*|tantrum\w*)\b"
)
_PEOPLE = re.compile(
    r"\b(?:family|kids?|children|child|baby|babies|parents?|mom|mum|dad|mother|father|grand\w+|siblings?|brothers?|sisters?|"
    r"couple|bride|groom|partners?|spouse|wife|husband|fianc\w*|bridesmaids?|groomsmen|guests?|friends?|team|staff|"
    r"associates?|employees|colleagues|members|people|everyone|attendees|speakers?|students?|players?|dogs?)\b"
)
_NAMES = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]{2,}\b(?:\s+(?:and|&)\s+[A-Z][a-z]{2,}\b)?")
_PLACE = re.compile(
    r"\b(?:in|to|at|around|through|visit(?:ing)?|near|from)\s+(?:the\s+)?[A-Z][\w'-]+|\b(?:northern|southern|eastern|western|"
    r"central)\s+[A-Z]\w+|\b(?:beach|coast|mountains?|city|island|countryside|lake|village|downtown)\b"
)
_LENGTH = re.compile(
    r"\b(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|few)\s*(?:-\s*)?(?:days?|nights?|weeks?|"
    r"months?|hours?|hrs?|min(?:ute)?s?)\b|\b(?:a\s+)?(?:weekend|fortnight|long\s+weekend)\b"
)
_ATTEMPT = re.compile(
    r"\bi\s+(?:did|tried|got|wrote|think|thought|put|used|started|set|said|subtracted|added|divided|multiplied|made)\b|\bmy\s+(?:answer|attempt|"
    r"work|solution|try|guess|version)\b|=|\bhere'?s\s+what\s+i\b"
)


def _people(evidence: Evidence) -> bool:
    return any(_PEOPLE.search(text.lower()) or len(_NAMES.findall(text)) >= 2 for text in evidence.spoken)


def _place(evidence: Evidence) -> bool:
    return any(_PLACE.search(text) for text in evidence.texts)


def _behaviour(evidence: Evidence) -> bool:
    return _problem_statement(evidence) or any(
        _BEHAVIOUR.search(text.lower()) and len(_concrete_terms(text)) >= 3 for text in evidence.texts
    )


def _named_kind(words: list[str]) -> Callable[[Evidence], bool]:
    """A kind of thing (a shoot's type, an event's style): the request names something beyond the workflow itself."""

    def names_something(evidence: Evidence) -> bool:
        return any(
            len([t for t in _concrete_terms(text) if t not in words]) >= 2
            for text in (evidence.message, *evidence.history_user)
        )

    names_something.named_kind = True  # type: ignore[attr-defined]
    return names_something


def _says_its_own_word(name: str, evidence: Evidence) -> bool:
    """ "Refs: ..." for ``reference_tracks``, "Stems: ..." for ``stem_list``: the input's own word, or its start."""
    words = [w for w in re.split(r"[_\W]+", name.lower()) if w and w not in STOP_WORDS and w not in _KIND_WORDS]
    return any(
        re.search(rf"\b{re.escape(w[:3] if len(w) >= 7 else w[:4])}", text.lower())
        for w in words
        for text in evidence.texts
    )


_KINDS: tuple[tuple[re.Pattern[str], Callable[[Evidence], bool]], ...] = (
    (
        re.compile(
            r"cost|price|budget|rate|fee|spend|salary|pay|cash|balance|revenue|takings|income|sales|outgoing|expense|bill"
        ),
        _stated(_MONEY),
    ),
    (re.compile(r"quantit|amount|measure|portion|recipe|ingredient"), _stated(_QUANTITIES)),
    (re.compile(r"role|position|title|job"), _stated(_ROLE)),
    (re.compile(r"stage|round|phase|step"), _stated(_STAGE)),
    (re.compile(r"scope|requirement|spec|brief|wish|want"), _described_at_length),
    (re.compile(r"dimension|size|measurement|area|footprint"), _stated(_DIMENSIONS)),
    (re.compile(r"schedule|availability|days|frequency|timetable"), _stated(_SCHEDULE)),
    (re.compile(r"profile|background|about|bio|history|who_is"), _stated(_PROFILE)),
    (re.compile(r"behavio|symptom|problem|issue|complaint|concern"), _behaviour),
    (re.compile(r"people|guest|attendee|participant|member|family|who|party|crew|cast|team"), _people),
    (re.compile(r"destination|location|place|city|country|region|venue|where"), _place),
    (re.compile(r"length|duration|nights|how_long"), _stated(_LENGTH)),
    (re.compile(r"attempt|working|tried|solution|answer"), _stated(_ATTEMPT)),
)


def is_material_input(name: str, workflow: str = "") -> bool:
    """An input that is a piece of material to work on (a draft, a deck, a text), not a fact."""
    return _detector_for(name, workflow) is _material


# "Confirm bed dimensions and site conditions (aspect, light, soil, moisture)": what an input consists of.
_LISTED = re.compile(r"\(([^()]{3,160})\)|:\s*([^.;:]{3,160})")


_LIST_NOISE = frozenset({"etc", "e", "g", "eg", "ie", "not", "any", "if", "known", "some", "more", "less", "other"})


def _item_stems(listed: str) -> set[str]:
    """The stemmed words of ``listed`` when it is a list of two items or more ("aspect, light, soil")."""
    items = [i for i in re.split(r",|\bor\b|\band\b|/", listed) if i.strip()]
    if len(items) < 2:
        return set()
    return {stem(t) for item in items for t in tokens(item) if t not in STOP_WORDS and t not in _LIST_NOISE}


def _lists_in(text: str) -> list[str]:
    """The lists ``text`` holds in parentheses or after a colon."""
    return [m.group(1) or m.group(2) for m in _LISTED.finditer(text)]


@lru_cache(maxsize=256)
def described_parts(name: str, steps: tuple[str, ...], description: str = "") -> frozenset[str]:
    """The parts an owner lists for ``name``, stemmed; empty when none are listed.

    An input named for the owner's own trade ("site_conditions") is recognised by the
    things the owner says it is made of: in its description, or in a step that names it
    ("Confirm bed dimensions and site conditions (aspect, light, soil, moisture)").
    """
    words = {stem(w) for w in re.split(r"[_\W]+", name.lower()) if w and w not in STOP_WORDS}
    # A description is all about the input: its lists, or the description itself as one.
    lists = (_lists_in(description) or [description]) if description else []
    lists += [
        listed for step in steps if words and words <= {stem(t) for t in tokens(step)} for listed in _lists_in(step)
    ]
    parts = set().union(*map(_item_stems, lists))
    return frozenset(parts - words - {stem(w) for w in _GENERIC})


def _mentions_a_part(parts: frozenset[str], evidence: Evidence) -> bool:
    return any(parts & {stem(t) for t in tokens(text)} for text in evidence.texts)


def inputs_missing(
    required: list[str],
    evidence: Evidence,
    *,
    workflow: str = "",
    satisfied: frozenset[str] = frozenset(),
    steps: tuple[str, ...] = (),
    descriptions: dict[str, str] | None = None,
) -> list[str]:
    """The required inputs, in order, that nothing in ``evidence`` supplies.

    ``steps`` and ``descriptions`` are the workflow's own: an owner's input they describe
    is also present when the message names one of its listed parts.
    """
    descriptions = descriptions or {}
    missing = []
    for index, name in enumerate(required):
        if name in satisfied or evidence.pinned.get(name, "").strip():
            continue
        detector = _detector_for(name, workflow)
        if evidence.reply_is_material and detector is _material:
            continue
        # A workflow that needs several things described ("song details", "reference tracks", "stem list"):
        # past the first, each must be named by its own word, not just by the request saying a lot.
        if detector(evidence) and (
            index == 0 or not getattr(detector, "named_kind", False) or _says_its_own_word(name, evidence)
        ):
            continue
        own_input = name not in DETECTORS and detector is not _material
        parts = described_parts(name, steps, descriptions.get(name, "")) if own_input else frozenset()
        # An owner's own input the sender describes in their words, not the owner's ("it's me, my
        # husband and two kids" for ``household``): a request this specific is taken to carry it.
        if not (parts and _mentions_a_part(parts, evidence)) and not (own_input and _specific(evidence)):
            missing.append(name)
    return missing


# Concrete terms the sender has given, over the message and their earlier turns.
_SPECIFIC_TERMS = 15


def _specific(evidence: Evidence) -> bool:
    return sum(len(_concrete_terms(text)) for text in evidence.spoken) >= _SPECIFIC_TERMS
