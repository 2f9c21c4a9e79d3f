"""Refusal detectors: prompt injection, requests for others' data, and the twin's guardrails.

Each detector returns the first match with the pattern's name, so the audit can
say exactly what fired. Patterns run over every view from ``normalize``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from runtime.normalize import detection_views, fold
from runtime.text import content_tokens, stem

_OVERRIDE_VERB = (
    r"(?:ignore|ignoring|disregard|forget|override|overrule|bypass|skip|drop|abandon|discard|delete|erase|set aside)"
)
_PRIOR = r"(?:all|any|every|the|your|my|previous|prior|above|earlier|preceding|former|original|initial|system|existing|current|old|those|these|its|default|safety|\s)*"
_RULES = (
    r"(?:instructions?|directions?|rules?|prompts?|directives?|guidelines?|programming|constraints?|guardrails?|policies|policy"
    r"|restrictions?|commands?|orders|settings|training|context|persona|filters?|safeguards?)"
)
_SECRET_OBJECT = (
    r"(?:system\s*prompt|system\s*message|initial\s*prompt|original\s*prompt|hidden\s*prompt|pre-?prompt|meta\s*prompt"
    r"|(?:hidden|secret|internal|underlying|full|complete|exact|raw|original|initial)\s+"
    r"(?:instructions?|config(?:uration)?|settings|rules|prompt|spec(?:ification)?|guidelines|directives)"
    r"|(?:json|config\w*|yaml|settings|prompt|spec|instructions|rules)(?:\s+(?:and|&)\s+\w+)?\s+(?:that\s+)?you\s+(?:were|are)\s+(?:loaded|deployed|configured|initiali[sz]ed|given|started|booted|set\s+up)\s+with"
    r"|(?:json|yaml|text|contents?|dump|copy)\s+of\s+(?:your|the|its)\s+(?:config\w*|settings|setup|spec\w*|rules|instructions|prompt)"
    r"|persona\s*spec(?:ification)?|twin\s*spec|spec\s*json|guardrails?\s*(?:list|config)?"
    r"|config(?:uration)?\s*(?:file|json|yaml)|instructions\s+(?:you\s+were\s+given|above|you\s+follow|(?:were|have)\s+you\s+(?:been\s+)?(?:given|told|set))"
    r"|rules\s+you\s+(?:follow|were\s+given|operate\s+under)|prompt\s+you\s+were\s+given|your\s+instructions"
    r"|api[\s_-]*keys?|secret[\s_-]*keys?|access[\s_-]*tokens?|auth(?:entication)?[\s_-]*tokens?|passwords?"
    r"|(?:login|database|db|api|admin|aws|server|ssh|system)\s+credentials|env(?:ironment)?\s*variables|\.env\s*file|database\s*(?:password|url|credentials|connection))"
)

INJECTION_PATTERNS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "override_instructions": rf"\b{_OVERRIDE_VERB}\b{_PRIOR}\b{_RULES}\b",
        "ignore_the_above": (
            r"\b(?:ignore|disregard|forget)\s+(?:all\s+|everything\s+)?(?:of\s+)?(?:the\s+|that\s+|what'?s\s+)?"
            r"(?:above|previous|prior|before)\b[^.?!]{0,40}\b(?:and|then|,)\s+(?:tell|show|reveal|print|give|share|say|output|repeat)"
        ),
        "new_instructions": r"\b(?:new|updated|real|actual|true)\s+(?:system\s+)?(?:instructions?|rules|directives?)\s*(?::|are|follow)",
        "role_change": (
            r"\b(?:(?:for\s+the\s+rest\s+of\s+this\s+(?:chat|conversation)|from\s+here\s+on),?\s+you\s+are\b|you\s+are\s+(?:now|no\s+longer)|from\s+now\s+on,?\s+(?:you|act|respond|behave)"
            r"|act\s+as\s+(?:if\s+you\s+(?:were|are|have)|an?\s+(?:unrestricted|unfiltered|uncensored|different|new|evil|rogue|jailbroken))"
            r"|pretend\s+(?:that\s+)?(?:you(?:'re|\s+are|\s+have|\s+were)|to\s+be)\s+(?:an?\s+)?(?:\w+'s\s+)?(?:unrestricted|unfiltered|uncensored|different|another|evil|rogue|ai|assistant|system|admin|developer|chatgpt|gpt|model|without)"
            r"|role-?play\s+as\s+(?:an?\s+)?(?:unrestricted|unfiltered|ai|assistant|system|admin|evil|rogue|hacker)"
            r"|pretend\s+(?:that\s+)?you\s+(?:have\s+no|don'?t\s+have|are\s+not\s+bound|can\s+ignore|aren'?t)"
            r"|you'?re\s+(?:now\s+)?(?:\w+'s\s+)?(?:evil|rogue|unfiltered|unrestricted|jailbroken|uncensored|dark|shadow)\s+(?:twin|version|clone|self|mode)"
            r"|stop\s+being\s+(?:maya|a\s+twin|the\s+twin|yourself)|switch\s+(?:to|into)\s+\w+\s+mode"
            r"|you(?:'re|\s+are)\s+no\s+longer\b|\byour\s+(?:old|previous|former|original|real|true)\s+self\b|\bstay\s+in\s+character\b"
            r"|you(?:'re|\s+are)\s+(?:not|no\s+longer)\s+[^.?!]{0,40}\b(?:anymore|any\s+more)\b[^.?!]{0,5}\byou(?:'re|\s+are)\b"
            r"|\b(?:topics?|things|subjects)\s+you\s+(?:were|are|have\s+been)\s+(?:told|instructed|programmed|asked)\s+(?:to\s+avoid|not\s+to)"
            r"|\b(?:exact\s+)?wording\s+of\s+your\s+(?:refusals?|refusal\s+(?:messages|templates)|rules|instructions)"
            r"|\b(?:your|the)\s+(?:\w+\s+)?(?:do-?not-?say|banned[- ]phrases?|banned\s+words|forbidden[- ]topics|refusal[- ]templates?)(?:\s+(?:and|or)\s+[\w-]+)?\s+lists?\b"
            r"|\blists?\s+of\s+(?:the\s+|your\s+|all\s+(?:the\s+)?)?(?:banned[- ]phrases?|banned\s+words|do-?not-?say|forbidden[- ]topics|refusal[- ]templates?)"
            r"|\b(?:words|phrases|topics|rules)\s+you\s+(?:were|are|have\s+been)\s+(?:configured|set\s+up|programmed|loaded|given)\s+with\b)"
        ),
        "jailbreak_mode": (
            r"\b(?:developer|dev|debug|god|admin|sudo|root|maintenance|unrestricted|jailbreak|jailbroken|dan)\s+mode\b"
            r"|\bjailbreak\b|\bdo\s+anything\s+now\b|\bno\s+(?:restrictions|filters|guardrails|limits|rules)\s+(?:apply|mode)\b"
            r"|\bwithout\s+(?:any\s+)?(?:restrictions|filters|guardrails|censorship|rules|limits)\b"
            r"|\b(?:has|have|with)\s+no\s+(?:rules|restrictions|filters|limits|guardrails|content\s+polic(?:y|ies)|polic(?:y|ies)|guidelines)\b"
            r"|\bno\s+content\s+polic(?:y|ies)\b|\b(?:zero|no)\s+(?:restrictions|filters|limits|rules|guardrails)\b"
        ),
        "reveal_secrets": (
            r"\b(?:show|reveal|print|display|repeat|output|tell|give|share|dump|leak|expose|list|paste|send|read|recite|return|write\s+out|spell\s+out|disclose|provide|translate|summari[sz]e|paraphrase|rephrase|rewrite|encode|convert|export|copy|quote)\b"
            rf"[^.?!\n]{{0,40}}?\b(?:your|the|its|this\s+\w+'s|maya's)\s+(?:\w+\s+)?{_SECRET_OBJECT}"
        ),
        "secret_object_then_verb": (
            rf"\b{_SECRET_OBJECT}\s*(?:[-\u2014\u2013:,]|\.\.\.)\s*(?:now\s+|just\s+|please\s+)?"
            r"(?:show|reveal|print|display|dump|output|give|paste|send|share|spill|leak)\s+(?:it|them|me|us|all)\b"
        ),
        "your_secret_object": (
            r"\b(?:your|the\s+twin's|this\s+(?:twin|bot|assistant)'s)\s+(?:hidden|secret|internal|underlying|full|complete|exact|raw|original|initial|system|real|private|entire|current|active|live)\s+"
            r"(?:instructions?|config(?:uration)?|settings|rules|prompt|spec(?:ification)?|guidelines|directives|policies|programming|setup|parameters)"
            r"|\b(?:your|the|its)\s+(?:(?:full|whole|entire|active|current|complete|live|raw)\s+){0,2}(?:system\s*prompt|system\s*message|initial\s*prompt|pre-?prompt|meta\s*prompt|workflow[_ ]library|rubric\s+weights|decision[_ ]policy|persona[_ ]spec|twin[_ ]spec|spec\s+json|guardrails?|refusal[\s_]+(?:rules|templates)|forbidden[_ ]topics|faq[_ ]library|escalation[_ ]rules?|deterministic[_ ]rules|banned[_ ]phrases|do[_ ]not[_ ]say\s+list|routing\s+(?:config|rules|thresholds)|thresholds|(?:raw|routing|router|model|twin|bot)\s+config(?:uration)?)\b"
            r"|\bif\s+you\s+(?:had|have)\s+(?:a|an|any)\s+(?:system\s+prompt|hidden\s+(?:prompt|instructions|rules)|instructions)"
            r"|\b(?:api|secret|access|auth)[\s_-]*(?:keys?|tokens?)\s+(?:do\s+you|you)\s+(?:have|use|store|know|hold)"
            r"|(?<=\w)_(?:api_key|secret|token|password)\b"
            r"|\b(?:first|initial|earliest|very\s+first)\s+(?:message|text|instructions?|prompt|lines?)\s+(?:in|of)\s+(?:your|the|this)\s+(?:context|conversation|window|memory|prompt)"
            r"|\bin\s+your\s+context\s+(?:window|before)"
            r"|\bwhat\s+(?:exact\s+|specific\s+)?(?:instructions|rules|directives|guidelines)\s+(?:were|have)\s+you\s+(?:been\s+)?(?:given|told|set)\b"
            r"|\byour\s+(?:instructions(?!\s+(?:for|on|about)\s+(?:the|my|our|a|an|how|using|\w+ing)\b)|prompt|directives|programming|rules(?!\s+(?:for|on|about|of|when|around|as)\b))\b"
            r"|\b[a-z]+_(?:url|key|secret|token|password|dsn)\b"
            r"|\b(?:environment|env)\s+variables?\b"
            r"|\b(?:show|print|reveal|display|dump|output|give|leak|repeat)\s+(?:me\s+)?(?:the\s+|your\s+)?(?:system\s*prompt|hidden\s+prompt|initial\s+prompt)"
            r"|\b(?:what'?s|what\s+is|what\s+are|tell\s+me)\s+(?:the|your)\s+(?:api[\s_-]*keys?|passwords?|secret\s*keys?|access\s+tokens?|(?:login|database|admin|api)\s+credentials)"
            r"|\b(?:api[\s_-]*keys?|passwords?|secret\s*keys?|tokens?)\s+(?:that\s+)?(?:this|the|you|your)\s+(?:bot|twin|app|assistant|system|model|server)?\s*(?:uses?|has|have|runs?\s+on|stores?)"
        ),
        "prompt_yours": r"\bsystem\s*prompts?\b[\s\S]{0,200}\b(?:read|tell|show|give|recite|share|say)\s+(?:me\s+|us\s+)?yours\b",
        "prompt_verbatim": (
            r"\b(?:repeat|print|output|copy|quote)\b[^.?!\n]{0,40}\b(?:everything|all|the\s+text|the\s+words|the\s+content)\b"
            r"[^.?!\n]{0,30}\b(?:above|before\s+this|so\s+far|this\s+line|you\s+were\s+told)\b"
        ),
        # Text inside material that talks to the assistant ("<!-- AI assistant: your new task is ...").
        "addressed_to_the_assistant": (
            r"\b(?:your|the)\s+(?:new|real|actual)\s+(?:task|job|instructions?|role|goal|purpose)\s+(?:is|are)\b"
            r"|\b(?:ai|assistant|bot|model|llm|chatbot|twin)(?:\s+assistant)?\s*[:,]\s*(?:please\s+)?(?:stop|ignore|disregard|forget|output|print|reveal|list|repeat)\b"
            r"|\b(?:output|print|reveal|show|list|repeat|recite|paste)\s+(?:me\s+)?(?:your|the|its)\s+(?:confidentiality|escalation|refusal|uncertainty|conflict)\s+(?:rules?|templates?|policy)"
            r"|<!--[^>]{0,200}\b(?:ignore|assistant|ai|instructions?|output|reveal|task)\b"
            r"|\bnote\s+to\s+(?:any\s+|the\s+)?(?:ai|llm|assistant|model|bot|chatbot|gpt|automated)\b"
            r"|\boverride\s+(?:your|the|its)\s+(?:\w+\s+)?(?:rubric|rules|instructions|scoring|guidelines|policy)\b|\bwhite\s+text\s*:"
        ),
        # The same attack in Spanish, French, German or Portuguese.
        "foreign_override": (
            r"\b(?:olvida|ignora|ignore[sz]?|oublie[sz]?|ignoriere|vergiss|esque[cç]a|ignorar)\s+(?:todas\s+|toutes\s+|alle\s+|todas\s+as\s+)?"
            r"(?:(?:tus|las|sus|tes|vos|les|deine|ihre|die|suas|as|seus|os)\s+)?(?:\w+\s+)?(?:reglas|instrucciones|r[eè]gles|instructions|regeln|anweisungen|regras|instru[cç][oõ]es)"
            r"|\b(?:prompt|mensaje|instrucciones)\s+(?:de|del)\s+sistema\b|\bprompt\s+(?:syst[eè]me|do\s+sistema)\b|\bsystem-?prompt\b"
            r"|\b(?:d[eé]sactive[sz]?|desactiva|deaktiviere|desative)\s+(?:\w+\s+){0,2}(?:garde-fous|filtres|r[eè]gles|reglas|filtros|regeln|filter|sicherheits\w*|guardrails)"
            r"|\bconfigura(?:tion|ción|ção)\s+(?:cach[eé]e|oculta|secr[eè]te|secreta|interna)|\bversteckte\s+konfiguration"
        ),
        "system_tag": (
            r"(?:<\s*/?\s*system\s*>|\[\s*system\s*\]|###\s*system|<\|im_start\|>|\bsystem[\s_]*override\b|\badmin[\s_]*override\b"
            r"|(?:^|\n)\s*(?:system|admin|operator|developer|root)\s*(?:message|note|notice)?\s*:"
            r"|\bnew\s+(?:policy|rule|instruction)s?\s+from\s+(?:the\s+)?(?:operator|admin|developer|system|owner|maya|me)\b"
            r"|\breply\s+['\"\u2018\u201c]?(?:instructions|rules|settings)\s+(?:updated|accepted|changed)"
            r"|\b(?:operator|developer|owner|root|sudo)\s+(?:override|mode|access|command)"
            r"|\b(?:safety|rules|filters|guardrails|restrictions|policies|moderation)\s+(?:are\s+|have\s+been\s+)?(?:now\s+)?(?:disabled|off|removed|lifted|suspended|turned\s+off)\b)"
        ),
    }.items()
}

_OTHERS = r"(?:other|another|others'|other\s+people's|previous|last|prior|earlier|different|all\s+(?:the\s+)?(?:other\s+)?|every|someone\s+else's|somebody\s+else's|their)"
_PARTIES = r"(?:users?|clients?|customers?|tenants?|people|persons?|founders?|visitors?|companies|company's|startups?|accounts?|members?|owners?|portfolio\s+compan(?:y|ies)|athletes?|runners?|students?)"
_PRIVATE = (
    r"(?:cell\s+numbers?|mobile\s+numbers?|conversations?|chats?|messages?|data|emails?|e-mails?|questions|history|histories|information|info|details|records|"
    r"files|transcripts?|decks?|pitch\s*decks?|notes|contacts?|phone\s+numbers?|addresses|logs?|sessions?|workspace|training\s+plans?|results|dms|"
    r"(?:progress\s+)?reports?|scores?|grades?|rankings?)"
)

EXFILTRATION_PATTERNS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "others_private_data": rf"\b{_OTHERS}\s*(?:\w+\s+){{0,2}}{_PARTIES}(?:'s?|s')?\s+(?:\w+\s+){{0,2}}{_PRIVATE}\b",
        "others_private_data_of": rf"\b{_PRIVATE}\s+(?:of|from|with|by)\s+(?:the\s+|your\s+|her\s+|maya's\s+)?{_OTHERS}\s*(?:\w+\s+){{0,2}}{_PARTIES}\b",
        "named_client_data": (
            r"\b(?:your|her|maya's)\s+(?:other\s+)?(?:clients?|athletes?|customers?|students?|patients?|founders?|portfolio\s+compan(?:y|ies)|users?|members?|mentees?)\b"
            r"[^.?!]{0,40}\b(?:run|ran|said|say|data|results?|splits|(?<!many\s)times?|injur\w*|hurt|sick|pregnan\w*|diagnos\w*|weights?|revenue|metrics|numbers|deck|emails?|plans?|logs|details|info|progress|scores?|paid|pay|terms|valuation|address|phone)"
        ),
        "everyone_you_serve": (
            r"\b(?:everyone|everybody|all\s+(?:the\s+)?(?:people|founders|athletes|clients|runners|customers|students))\s+(?:who\s+)?(?:you|maya|she)\s+"
            r"(?:coach|coaches|advise|mentor|work\s+with|invest\s+in|backed|back|train|talk\s+to|have\s+coached|invested\s+in|met)"
        ),
        "what_others_said": (
            rf"\bwhat\s+(?:did|have|has|do)\s+(?:the\s+|your\s+)?{_OTHERS}\s+(?:\w+\s+){{0,2}}{_PARTIES}\b[^.?!]{{0,40}}\b"
            r"(?:ask|asked|say|said|send|sent|tell|told|write|wrote|share|shared|talk|discuss)"
        ),
        "third_party_did": (
            r"\bwhat\s+did\s+(?!you\b|i\b|we\b|maya\s+(?:say|think))(?:[\w'-]+\s+){1,9}(?:pitch|send|show|tell|ask|share|say\s+to|offer)\s+(?:you|maya|her)\b"
            r"|\bwhat\s+(?:[\w-]+\s+){0,3}did\s+(?:they|he|she)\s+(?:show|send|tell|pitch|share)\s+(?:you|her|him|maya)\b"
        ),
        "conversations_with_you": (
            r"\b(?:conversations?|chats?|transcripts?|messages)\b[^.?!]{0,40}\b(?:had|have|has)\s+with\s+(?:you|this\s+twin|maya)"
            r"|\b(?:conversations?|chats?|transcripts?)\s+(?:of|from|with|by)\s+(?:other|another|previous|the\s+last|all|every)"
        ),
        "who_else": r"\bwho\s+else\s+(?:has\s+|have\s+)?(?:talked|spoken|chatted|asked|messaged|written|pitched|contacted|booked)",
        "made_for_another": (
            rf"\b{_PRIVATE}\b[^.?!]{{0,30}}\b(?:you|she|he|maya|lena)\s+(?:wrote|made|built|gave|sent|created|did|prepared|designed)\s+"
            rf"(?:for|to)\s+(?:an?other|other|a\s+different|someone\s+else|somebody\s+else|the\s+last|your\s+last|previous)\s*{_PARTIES}?\b"
        ),
        "contacts_of_people_met": (
            rf"\b{_PRIVATE}\s+(?:of|for)\s+(?:the\s+|all\s+(?:the\s+)?)?{_PARTIES}\s+(?:that\s+|who\s+)?(?:you|she|he|\w+)(?:'ve|'s|\s+have|\s+has)?\s+"
            r"(?:met|coached|backed|invested\s+in|talked\s+to|worked\s+with|advised|trained|funded)"
        ),
        "someones_thing_of_yours": (
            r"\b(?:share|show|send|give|forward|tell)\b[^.?!]{0,10}\b\w+'s\s+(?:\w+\s+)?(?:plans?|data|results|splits|times|deck|metrics|notes|emails?|numbers)\b"
            r"[^.?!]{0,60}\b(?:one\s+of\s+)?(?:your|her|maya's)\s+(?:athletes?|clients?|founders?|portfolio|customers?|students?)"
        ),
        "named_company_numbers": (
            r"\b(?:tell|give|show|send|share|what(?:'s|\s+is|\s+are))\s+(?:me\s+|us\s+)?(?!your\b|my\b|our\b|the\b|a\b)\w+'s\s+"
            r"(?:burn(?:\s+rate)?|runway|revenue|mrr|arr|metrics|numbers|valuation|cap\s*table|financials|churn|margins?|bank\s+balance)\b"
        ),
        "someone_you_coach": (
            r"\b(?:how\s+did|how\s+is|how's|what\s+did|what\s+was|what\s+were|results?|times?|splits|numbers|metrics)\b[^?!]{0,80}[?!.,;]?\s*"
            r"(?:she|he|they)(?:'s|\s+is|'re|\s+are|\s+was|\s+were)\s+(?:(?:coached|advised|trained|backed|funded|mentored)\s+by\s+"
            r"(?:you|her|maya|lena)|one\s+of\s+your\s+\w+)"
        ),
        "you_and_them": (
            r"\bwhat\s+did\s+you\s+and\s+(?:the\s+)?[\w\s']{1,40}?\s+(?:talk|discuss|speak|chat|agree|decide)\w*"
        ),
        "every_party_that": (
            rf"\b(?:list|show|give|name|tell|send|export|dump)\b[^.?!]{{0,20}}\b(?:every|all|each|any)\s+(?:the\s+)?(?:other\s+)?{_PARTIES}\s+"
            r"(?:that|who|which)\s+(?:has\s+|have\s+)?(?:pitched|contacted|emailed|messaged|talked|spoke|spoken|wrote|written|asked|applied|reached)"
        ),
        "list_parties": rf"\b(?:list|show|give|tell|name|export|dump)\b[^.?!]{{0,20}}\b(?:all\s+)?(?:your|the)\s+(?:other\s+)?{_PARTIES}\b[^.?!]{{0,30}}\b(?:you(?:'ve|\s+have)?\s+(?:talked|spoken|chatted|met|worked)|emails?|names|contacts?|list|data|conversations?|using|signed)",
        "cross_tenant": r"\b(?:another|other|different)\s+(?:tenant|workspace|organi[sz]ation|org|account|twin)'?s?\b[^.?!]{0,40}\b(?:data|rows|records|conversations?|chats?|messages?|users?|files|spec|info|details)\b",
        "access_other_account": r"\b(?:log\s*in|login|sign\s*in|switch|access|read|query|open)\b[^.?!]{0,20}\b(?:as|into|to)\s+(?:another|other|a\s+different|someone\s+else's)\s+(?:user|account|tenant|workspace|client)",
        "others_conversations": (
            r"\b(?:show|share|give|send|export|list|read|dump|tell|forward|print|download|reveal|what)\b[^.?!]{0,40}\b"
            r"(?:every|all|everyone's|other|another|someone's|somebody's|anyone's|his|her|their|the\s+last|previous)\s+(?:\w+\s+){0,2}"
            r"(?:conversations?|chats?|chat\s+(?:logs?|histories|history|transcripts?)|transcripts?|messages|dms|inbox|emails?\s+addresses|email\s+addresses)\b"
        ),
        "third_party_with_owner": (
            r"\b(?:what|which|share|show|send|give|forward|tell)\b[^.?!]{0,60}\b(?:pitched|sent|shared\s+with|emailed|showed|gave|told|asked)\s+(?:to\s+)?(?:you|maya|her|the\s+twin)\b"
        ),
        "talked_to_you": (
            r"\b(?:talked|spoke|spoken|chatted|messaged|written)\s+(?:to|with)\s+(?:you|this\s+twin|maya)\b[^?!]{0,80}\b(?:what\s+(?:did\s+)?(?:he|she|they)|show|share|tell|exactly)"
            r"|\b(?:everyone|everybody|anyone|people|users|founders)\s+who\s+(?:has|have|had)?\s*(?:chatted|talked|spoken|messaged|written|pitched)"
            r"|\bwho\s+(?:has|have|had)\s+(?:chatted|talked|spoken|messaged|written)\s+(?:to|with)\s+(?:you|this\s+twin)"
        ),
        "portfolio_private": (
            r"\b(?:portfolio|portcos?|companies\s+you(?:'ve|\s+have)?\s+(?:invested\s+in|backed|funded))\b[^.?!]{0,60}\b(?:revenue|metrics|numbers|financials|valuations?|burn|runway|mrr|arr|cap\s*tables?|terms|growth|struggl\w*|failing|in\s+trouble|running\s+out|doing\s+(?:badly|poorly|well|best|worst|the\s+best))"
            r"|\b(?:revenue|metrics|numbers|financials|valuations?|burn|runway|mrr|arr|cap\s*tables?|terms)\b[^.?!]{0,60}\b(?:portfolio|portcos?|companies\s+(?:in\s+your|you(?:'ve|\s+have)?\s+(?:invested|backed)))"
            r"|\b(?:valuation|terms|cap|metrics|revenue)\b[^.?!]{0,50}\bwhen\s+(?:you|she|he|\w+)\s+invested\b"
            r"|\bsend\s+(?:me\s+)?(?:their|his|her)\s+(?:metrics|numbers|deck|financials|data|terms|cap\s*table)"
            r"|\bcompanies\s+(?:\w+\s+)?(?:has|have)\s+(?:invested\s+in|backed|funded)\b[^.?!]{0,60}\b(?:doing\s+(?:best|worst|well|badly)|struggl\w*|failing)"
        ),
        "platform_data": (
            r"\b(?:list|show|read|give|export|dump|tell|name|which|switch|change|access|open|pull\s+up|bring\s+up|fetch|get)\b[^.?!]{0,40}\b(?:all\s+(?:the\s+)?)?(?:tenants?|customer\s+companies|other\s+twins?|all\s+twins|review\s+queue(?:\s+items)?|other\s+workspaces|every\s+twin)\b"
            r"|\bswitch\s+to\s+(?:tenant|workspace|account)\b"
            r"|\b(?:list|show|export|dump|give|send|read|open|access|see|copy)\b[^?]{0,80}\b(?:other|another|the\s+\w+)\s+(?:twins?|tenants?|workspaces?|accounts?)\s+(?:hosted\s+)?(?:here|on\s+(?:this|the)\s+(?:same\s+)?(?:platform|server|system|site))\b"
            r"|\b(?:admin|owner|manager)\s+(?:of|on|for)\s+(?:the\s+)?\w+\s+(?:twin|tenant|workspace)\b[^?]{0,80}\b(?:export|list|show|send|dump|give)\b"
        ),
        "what_someone_paid": (
            r"\b(?:what|how\s+much)\s+did\s+(?!i\b|we\b|you\b|u\b)(?:[\w'-]+\s+){1,6}pa(?:y|ying|id)\b"
            r"|\bwhat\s+(?:exactly\s+)?(?:does|did|do)\s+(?:you|she|he|\w+)\s+charge\s+(?:them|him|her)\b"
        ),
        "others_standing": (
            r"\bwhich\s+(?:of\s+(?:your|the|her|his)\s+)?(?:members|clients|customers|students|patients|tenants)\s+"
            r"(?:are\s+(?:behind|late|overdue|struggling|failing)|owe|failed|haven'?t\s+paid|didn'?t\s+pass|missed|dropped\s+out|scored)\b"
        ),
        "someones_schedule": (
            r"\b(?:when|what\s+time)\s+(?:is|are)\s+(?!my\b|our\b|your\b|the\b)[\w-]+(?:\s+[\w-]+)?'s\s+(?:lessons?|class(?:es)?|sessions?|appointments?|bookings?)\b"
            r"|\bwhat\s+time\s+is\s+(?:his|her|their)\s+(?:appointment|lesson|class|session|booking)"
            r"|\bwho\s+else\s+(?:is|are|has|have)\s+(?:booked|recording|signed\s+up|working\s+with)\b"
            r"|\bwho\s+else\s+(?:goes|comes|attends|trains)\s+(?:to|on|at|with|in)\b"
            r"|\blist\s+of\s+(?:\w+\s+){0,2}(?:founders|clients|customers|students|people|patients|members|guests|attendees)\s+(?:booked|coming|signed|registered|attending)"
            r"|\bwhat\s+address\s+(?:it'?s|is\s+it|is\s+the\s+\w+|they'?re)\s+(?:being\s+)?(?:delivered|sent|going)"
        ),
        "everyones_records": (
            r"\b(?:weights?|logs|records|results|scores|details|data|numbers|emails?|addresses)\s+of\s+(?:everyone|everybody|all\s+(?:the\s+)?\w+)\b"
        ),
        "someones_contact": (
            r"\b(?:mr|mrs|ms|miss|woman|man|lady|guy|bloke|girl|customer|client|student|member|neighbou?r|patient)\b[^?]{0,120}"
            r"\b(?:her|his|their)\s+(?:phone\s+number|number|email(?:\s+address)?|home\s+address|address|mobile|contact\s+details)\b"
            r"|\b(?:phone\s+number|number|email(?:\s+address)?|home\s+address|address|contact\s+details)\b[^?]{0,40}\bof\s+(?:your|her|his|the)\s+(?:client|customer|student|member|patient)\b"
        ),
        "earlier_conversation": (
            r"\b(?:conversations?|chats?|messages?)\s+(?:you\s+)?(?:had|have\s+had)\s+with\s+(?:the\s+)?(?:person|people|user|someone|founder|client|customer|guy|woman|man)\b"
        ),
        "logins": (
            r"\b(?:send|give|tell|share|forward)\s+(?:me\s+)?(?:the\s+|our\s+|their\s+|his\s+|her\s+)?(?:[\w-]+\s+){0,2}(?:username\s+and\s+password|passwords?|login\s+details|credentials|logins?)\b"
        ),
        "someones_files": (
            r"\b(?:send|forward|share|give|email|pass)\s+(?:me\s+)?(?:over\s+)?(?:the\s+|their\s+|his\s+|her\s+)?(?:stems|session\s+files|raw\s+files|project\s+files|"
            r"multitracks|masters|invoices?|invoice\s+history|service\s+history|records|notes)\s+(?:from|of|for|on)\s+(?!my\b|our\b|me\b|us\b)"
            r"|\b(?:their|his|her)\s+(?:invoice|payment|billing|service|booking|session|medical|treatment)\s+(?:history|records|files)\b"
            r"|\b(?:her|his|your)\s+notes\s+on\s+(?:each|all|every|them|those|these)\b"
        ),
        "past_deal_terms": (
            r"\b(?:valuations?|caps?|terms|check\s+sizes?|ownership|equity)\b[^.?!]{0,60}\b(?:last|previous|recent|past)\s+(?:\w+\s+)?(?:deals?|investments?|rounds?|checks?)\b"
            # The terms of one named deal: "at what valuation did she invest in Tallyfy?", "what cap did she get?"
            r"|\b(?:what|which)\s+(?:valuation|(?:valuation\s+)?cap|price|discount|terms)\b[^.?!]{0,30}\b(?:did|does)\s+(?:she|he|you|[a-z]+)\s+(?:get|invest|come\s+in|go\s+in|pay|negotiate)\b"
        ),
        "what_they_pitched": (
            r"\bwhat\s+(?:was|is)\s+in\s+(?:their|his|her)\s+(?:deck|pitch|email|application|notes|plan)\b"
            r"|\b(?:chatting|talking|speaking|messaging)\s+(?:to|with)\s+you\b[^?]{0,80}\bwhat\s+did\s+(?:he|she|they)\s+(?:say|ask|want|tell)"
        ),
        "client_list": (
            r"\b(?:tell|show|give|send|share|pull\s+up|bring\s+up|export|dump|read|forward|access|let\s+me\s+see|get\s+me)\b[^.?!]{0,30}"
            r"\b(?:her|his|their|your|\w+'s|the)\s+(?:[\w-]+\s+)?(?:client|customer|student|member|patient|contact|mailing|subscriber|attendee|guest)\s+"
            r"(?:list|lists|database|roster|register|emails|spreadsheet)\b"
        ),
        "another_twin": (
            r"\b(?:switch|connect|log|move|take)\s+(?:me\s+)?(?:over\s+)?(?:to|into)\s+(?:her|his|their|the|another|a\s+different|that)\s+(?:[\w'-]+\s+){0,3}twin\b"
            r"|\b(?:chat\s+logs?|conversations?|transcripts?|messages|chats|history)\s+(?:from|of|on|in)\s+(?:the|another|her|his|their|\w+'s)\s+(?:[\w&'-]+\s+){0,4}twin\b"
            r"|\b(?:another|other|different)\s+(?:\w+\s+){0,2}(?:twin|tenant)\b[^?!]{0,120}\b(?:clients?|customers?|students?|files|price\s+list|prices|knowledge|spec|notes)\b"
            # Other businesses on the same platform, and what their bots say or charge.
            r"|(?=[^\n]*\b(?:this|the\s+same)\s+(?:platform|(?:chat\s*bot\s+)?system|site|app)\b)[^\n]*\b(?:other|another|loads\s+of|all\s+the)\s+"
            r"(?:[\w&'-]+\s+){0,2}(?:twins?|bots?|chat\s*bots?|assistants?|accounts?|[a-z]+s)\b[^\n]*\b(?:what|pull|show|see|tell|charge|prices?|chats?|logs?|knowledge|asking|notes)\b"
            r"|\b[\w&'-]+(?:'s|s')\s+(?:bot|twin|chat\s*bot|assistant)\s+(?:tells?|says?|charges?|quotes?|told|said|knows?)\b"
        ),
        "work_done_for_someone": (
            r"\b(?:send|forward|share|show|give)\s+(?:me\s+)?(?:a\s+copy\s+of\s+)?(?:the|their|his|her)\s+(?:[\w-]+\s+){0,3}"
            r"(?:you|she|he)\s+(?:did|made|wrote|translated|prepared|designed|built|drew|shot|produced|drafted)\s+for\b"
        ),
        "parties_records": (
            r"\b(?:send|forward|share|show|give|email|pass|pull\s+up|bring\s+up|get)\s+(?:me\s+)?(?:all\s+)?(?:the\s+|their\s+)?(?:[\w-]+\s+){0,2}"
            r"(?:students?|clients?|customers?|patients?|members?|participants?|attendees?|trainees?|guests?)(?:'s?|s')\s+(?:[\w-]+\s+){0,2}"
            r"(?:forms?|questionnaires?|records?|notes|files|details|data|emails?|numbers?|addresses|results|reports?|histories|logs|contacts?)\b"
        ),
        "others_deal_terms": (
            r"\b(?:terms|valuations?|caps?|cap\s*tables?|check\s+size|ownership|equity|discount|pro\s*rata)\b[^.?!]{0,50}"
            r"\b(?:you|maya|she)\s+(?:signed|sign|gave|give|offered|offer|agreed|negotiated|invested|set|took|got)\b[^.?!]{0,30}"
            rf"\b(?:an?other|the\s+last|your\s+last|previous|that|those)\s+{_PARTIES}\b"
        ),
        # "the last founder you talked to", "another founder sent Maya a deck ... share it".
        "someone_elses_dealings": (
            rf"\b(?:the\s+|your\s+)?(?:last|previous|other|another|prior)\s+{_PARTIES}\s+(?:(?:that|who)\s+)?(?:you|she|he|\w+)\s+"
            r"(?:talked|spoke|met|worked|invested|coached|advised|chatted)\b[^?]{0,40}\b(?:get|got|getting|paid|pay|raise|raised|cap|"
            r"valuation|terms|say|said|ask|asked|price|deal|numbers|traction)"
            rf"|\b(?:another|other|a\s+different)\s+{_PARTIES}\s+(?:\w+\s+){{0,2}}(?:sent|shared|gave|showed|pitched|emailed|submitted)\b"
            r"[^?]{0,120}\b(?:share|send|show|forward|see|give)\s+(?:it|them|that|those|me|us)\b"
        ),
        # "what paces did you give him", "what did the Lindqvists pay for the kitchen Ray did for them".
        "what_you_gave_them": (
            r"\bwhat\s+(?:\w+\s+){0,2}did\s+(?:you|she|he|\w+)\s+(?:give|set|assign|prescribe|tell|charge|quote|offer)\s+(?:him|her|them)\b"
            r"|\bwhat\s+did\s+(?:the\s+)?[a-z]+s?\s+(?:\w+\s+){0,4}pay\s+(?:you|\w+)?\s*(?:for|to)\b[^?]{0,60}\b(?:for\s+(?:them|him|her)|did\s+for)"
        ),
        # Names or addresses of the people the owner works with, or a list of them.
        "roster": (
            rf"\b(?:list|names?|give|share|send|show|who\s+are)\b[^.?!]{{0,40}}\b(?:all\s+(?:of\s+)?)?(?:your|her|his|\w+'s)\s+(?:\d{{4}}\s+|past\s+|former\s+|current\s+)?{_PARTIES}\b"
            r"[^.?!]{0,60}\b(?:names?|address(?:es)?|phone|emails?|finish(?:ing)?\s+times?|who\s+(?:qualified|won|finished|raised|signed)|with\s+their)"
        ),
        "what_others_ask_you": (
            rf"\bwhat\s+{_OTHERS}\s+(?:\w+\s+)?{_PARTIES}\s+(?:have|has|had)?\s*(?:been\s+)?"
            r"(?:ask|asking|asked|say|saying|said|talk|talking|tell|telling|messag\w+|writ\w+|send\w*|sent)\b[^.?!]{0,20}\b(?:you|her|him|the\s+twin)\b"
            rf"|\b{_PRIVATE}\s+(?:that\s+)?(?:the\s+)?{_OTHERS}\s+{_PARTIES}\s+(?:sent|shared|gave|showed|pitched|emailed|submitted)\b"
            r"|\bwhat\s+[^.?!]{0,40}\bdid\s+(?!you\b|i\b|we\b)(?:the\s+)?[\w\s']{1,40}?\s+(?:share|send|show|give|pitch|tell)\s+(?:with\s+|to\s+)?(?!me\b|us\b)(?:you|her|him|[a-z]+)\b"
            r"[^.?!]{0,30}\b(?:last|this|in|at|during|before|when)\b"
        ),
        "data_of_my_relation": (
            rf"\b{_PRIVATE}\b[^.?!]{{0,30}}\bfor\s+my\s+(?:wife|husband|partner|spouse|friend|son|daughter|teammate|colleague|coworker|co-worker|buddy|brother|sister|mom|dad|boss|employee)\b"
            r"|\b(?:she|he|they)(?:'s|\s+is|'re|\s+are)\s+(?:on|in)\s+(?:your|\w+'s)\s+(?:roster|client\s+list|books|program|group)\b"
        ),
        "past_investment_terms": (
            r"\b(?:valuation|cap|terms|ownership|stake|equity)\b[^.?!]{0,40}\b(?:did|does)\s+(?:you|she|he|\w+)\s+(?:get|take|negotiate|agree\s+to|invest|pay|put)\b"
            r"[^.?!]{0,30}\b(?:(?:investment|invested|stake)\s+in\b|(?:on|in|for)\s+(?:her|his|your|their|the)\s+(?:last|latest|previous|recent|most\s+recent)\s+(?:investment|deal|check|cheque))"
            r"|\bhow\s+much\s+did\s+(?:you|she|he|\w+)\s+(?:put|invest|write)\s+(?:in(?:to)?\s+[a-z]\w+|in\b[^.?!]{0,20}$)"
        ),
        "their_twin": (
            r"\b(?:conversations?|chats?|messages|logs|transcripts?)\s+(?:from|of|with)\s+(?:their|another|other|that|the\s+\w+|\w+'s)\s+(?:twin|bot|workspace|tenant|account)s?\b"
            r"|\bwho(?:'s|\s+has|\s+have)\s+been\s+(?:talking|chatting|writing|messaging)\s+(?:to|with)\s+(?:it|them|her|him|you)\b"
        ),
        "someones_score": (
            r"\bwhat\s+(?:score\s+|grade\s+)?did\s+(?!you\b|i\b|we\b|she\b|he\b)[a-z]+\s+(?:get|score)\s+on\b|\bwhere\s+\w+\s+ranks?\s+among\b"
        ),
        "who_chatted_before": (
            r"\b(?:person|user|guy|someone|people|customer|client|owner|founder|athlete|student|parent|runner)\s+(?:who|that)\s+(?:chatted|talked|spoke|messaged|wrote|was\s+chatting)\s+(?:with|to)\s+(?:you|this\s+twin)\b"
        ),
        "same_platform": (
            r"\b(?:on\s+(?:this|the)\s+same\s+(?:\w+\s+)?platform|(?:different|another|other)\s+twin\s+on\s+(?:this|the)\s+platform)\b[\s\S]{0,160}?\b(?:conversations?|chats?|data|documents?|faqs?|logs?|messages|clients|customers|twins)\b"
        ),
        "everyones_contacts": (
            r"\b(?:emails?|e-mails?|email\s+addresses|addresses|phone\s+numbers|contacts?|names)\s+(?:of|for)\s+(?:everyone|everybody|all|each)\b"
        ),
        "someone_who_booked": (
            r"\b(?:couple|client|family|person|guy|woman|man|customer|bride|groom|student|patient)\s+who\s+(?:booked|hired|worked\s+with|paid|used)\s+(?:you|her|him|\w+)\b"
            r"[^?]{0,60}\b(?:pay|paid|date|venue|price|cost|charge|address|get|spend)"
            r"|\bmy\s+(?:ex|friend|sister|brother|cousin|coworker|colleague|boss|neighbou?r)\s+(?:booked|hired|used|worked\s+with)\s+(?:(?:a|an|the)\s+\w+\s+with\s+)?(?:you|her|him|(?!(?:a|an|the|some|our|my|their|one)\b)\w+)\b[^?]{0,60}\b(?:what|when|where|which|how\s+much)\b"
            r"|\b(?:gallery|photos?|pictures?|files|link)\s+(?:link\s+)?(?:for|from|of)\s+(?:the\s+)?[a-z]+(?:s'|'s)\s+(?:wedding|shoot|session|event|party|house|project)"
        ),
        "what_another_shared": (
            r"\bwhat\s+(?:\w+\s+){0,3}did\s+(?:the\s+)?(?:other|another|last|previous)\s+(?:\w+\s+){0,2}(?:startup|founder|company|client|team|couple|family|buyer|seller|bidder|applicant|candidate|tenant|student|patient)s?\b"
            r"|\b(?:the\s+)?(?:deck|email|notes|numbers|plan|files?|proposal)\s+(?:that\s+)?(?!i\b|we\b|you\b)[a-z]+\s+(?:sent|shared|gave|showed|pitched|emailed)\s+(?:you|her|him|\w+)\b"
            r"|\b(?:from|of)\s+the\s+\w+\s+(?:tenant|workspace)(?:'s)?\b"
            r"|\bwhat\s+did\s+(?:the\s+)?(?:couple|family|client|people|neighbou?rs?|guy|woman|man)\b[^?]{0,60}\bpay\b"
            r"|\b(?:emails?|e-mails?|email\s+addresses|addresses|phone\s+numbers|contacts?|names)\s+of\s+(?:the\s+)?(?:readers|subscribers|clients|customers|people|members|students|parents|users|followers)\s+who\b"
            r"|\bone\s+of\s+(?:your|her|his|\w+'s)\s+(?:clients|customers|athletes|students|patients)\b[^?]{0,80}\b(?:send|share|show|give)\s+(?:me\s+)?(?:her|his|their)\b"
            r"|\b(?:a|another|different|other|their)\s+twin\s+on\s+(?:this|the)\s+(?:same\s+)?platform\b[\s\S]{0,120}?\b(?:client|conversations?|chats?|data|documents?|logs?|messages)"
        ),
        "made_for_someone": (
            r"\b(?:itinerary|plan|menu|design|quote|proposal|report|schedule|program|deck|files?|photos?)\s+(?:that\s+)?you\s+(?:made|did|wrote|designed|built|planned|sent|prepared)\s+for\s+(?:the\s+)?[a-z]+(?:s'|'s)?\s+(?:family|couple|wedding|trip|team|company|kids?|son|daughter)"
            r"|\b(?:phone\s+numbers?|numbers?|emails?|e-mail|address|contact\s+details?|contacts?)\s+of\s+(?:the\s+)?(?:couple|family|client|person|guy|woman|man|people|group)\s+who\b"
        ),
        "relation_visit": (
            r"\b(?:neighbou?r|friend|sister|brother|cousin|coworker|co-worker|colleague|boss|mom|dad|wife|husband|partner)\s+(?:took|brought|sent|had)\b"
            r"[^?]{0,80}\b(?:to\s+(?:you|your)|with\s+you)\b[^?]{0,60}\bwhat\s+did\s+you\b"
        ),
        "coached_by_owner_too": (
            r"\b(?:is|are|was|were)\s+(?:also\s+)?(?:coached|advised|trained|mentored|represented|helped)\s+by\s+(?:you|her|him|\w+)\b"
            r"[^?]{0,80}\bwhat\s+(?:\w+\s+){0,2}(?:did|does|has|is)\s+(?:he|she|they)\b"
        ),
        "work_of_someone_you_served": (
            r"\b(?:send|share|show|give|forward)\s+(?:me\s+)?(?:the|a|their|his|her)\s+\w+\s+(?:of|from)\s+(?:someone|somebody|a\s+(?:client|person|founder|runner|customer))\s+"
            r"(?:(?:that|who)\s+)?(?:you|she|he|\w+)\s+(?:coached|advised|helped|worked\s+with|trained|placed)"
        ),
        "someone_talking_to_you": (
            r"\b(?:talks?|chats?|writes?|messages?|uses?|talking|chatting)\s+(?:to\s+|with\s+)?(?:this|the|your)\s+(?:twin|bot|assistant|chat)\b"
            r"[^?]{0,60}\bwhat\s+(?:has|have|did|does|is)\s+(?:he|she|they)\b"
        ),
        "client_numbers": (
            r"\b(?:working|worked|works)\s+with\s+[^?]{1,40}\bwhat\s+(?:did|do|are|were|was|is)\s+their\s+"
            r"|\b(?:sheets?|numbers|files|data|notes|records|costs?|prices?|invoices?|contracts?)\s+(?:you(?:'ve|\s+have)\s+got\s+|you\s+have\s+|you\s+keep\s+)?"
            r"(?:for|on|about|of)\s+(?:the\s+)?(?:other|another|rival|competing)\s+\w+"
        ),
        # A named or related third person's records: "send me his last 2 years P&L", "what was her total budget".
        "third_party_records": (
            r"\b(?:send|give|share|show|forward|email|tell)\s+(?:me|us)\s+(?:his|her|their|the\s+(?:couple|client|family|bride|groom)'?s?|[a-z]+'s)\s+"
            r"(?:\w+\s+){0,4}?(?:p\s?&\s?l|profit\s+and\s+loss|accounts|books|figures|financials|sales|turnover|budget|guest\s+(?:count|list)|"
            r"invoices?|payroll|bank\s+statements?|tax\s+returns?|vat\s+returns?)\b"
            r"|\b(?:send|give|share|show|forward|email|tell)\s+(?:me|us)\s+(?:their|the\s+(?:couple|client|family|bride|groom)'?s?)\s+"
            r"(?:\w+\s+){0,2}?(?:phone\s+numbers?|mobile\s+numbers?|emails?|email\s+address(?:es)?|address(?:es)?|contact\s+(?:info|details))\b"
            r"|\bmy\s+(?:ex|friend|sister|brother|cousin|coworker|colleague|boss|neighbou?r|aunt|uncle|mum|mom|dad|(?:business\s+)?partner)\s+"
            r"(?:[a-z]+\s+){0,3}(?:booked|hired|used|uses|worked\s+with|works\s+with|is\s+(?:a\s+)?client\s+of|pitched|talked\s+to|spoke\s+(?:to|with)|met\s+with|"
            r"(?:bought|sold|rented|listed)\s+(?:\w+\s+){0,3}(?:through|with|from))\s+(?:you|her|him|(?!(?:a|an|the|some|our|my|their|one)\b)\w+)\b[^?]{0,120}\b"
            r"(?:what|when|where|which|how\s+much)\b"
            r"|\b(?:transcript|log|record|summary|notes)\s+of\s+what\s+(?:you|she|he)\s+(?:told|said\s+to|sent|gave)\s+(?:him|her|them)\b"
            r"|\b(?:you|she|he)\s+(?:do|does|did|handle|handles|keep|keeps)\s+(?:his|her|their|the|[a-z]+'s)\s+(?:books|accounts|vat|payroll|taxes|"
            r"bookkeeping|finances)\b[^?]{0,80}\b(?:how\s+much|what\s+(?:did|does|do|are|were|is|was))\b"
            r"|\b(?:do|does|did|keep|handle)\s+(?:the\s+)?(?:books|accounts|bookkeeping|payroll|vat)\s+for\s+[^?]{1,40}\?[^?]{0,40}\bwhat\s+(?:are|were|is|was|did)\s+their\b"
            r"|\bhow\s+much\s+did\s+(?:he|she|they|[a-z]+)\s+declare\b"
            r"|\b(?:names?|emails?|e-mails?|email\s+addresses|phone\s+numbers|contacts?)(?:\s+and\s+(?:\w+\s+){0,1}(?:emails?|phone\s+numbers|"
            r"addresses|contacts?|numbers))?\s+of\s+(?:the\s+|all\s+(?:the\s+)?)?(?:founders|attendees|guests|couples|families|clients|customers|"
            r"people|students|athletes|members|parents)\s+(?:who|that)\b"
            r"|\b(?:terms|valuation|cap|check\s+size|ownership)\s+of\s+(?:your|her|his|[a-z]+'s)\s+(?:investment|deal|check|cheque|stake)\s+in\s+[a-z]"
            r"|\bwhich\s+(?:other\s+)?(?:couples|clients|families|customers|companies|founders|students|people|weddings)\s+(?:is|are)\s+(?:you|she|he|[a-z]+)\s+"
            r"(?:working\s+with|coaching|seeing|booked|representing|doing)\b"
        ),
        "sql_probe": r"\b(?:select\s+\*?\s*from|union\s+select|drop\s+table|information_schema|pg_catalog|set\s+app\.tenant)\b",
    }.items()
}


@dataclass(frozen=True)
class SafetyHit:
    kind: str  # injection | exfiltration | guardrail
    pattern: str
    excerpt: str


def _search(
    patterns: dict[str, re.Pattern[str]], text: str, unless: dict[str, re.Pattern[str]] | None = None
) -> tuple[str, str] | None:
    """The first pattern found in any view of ``text``; a pattern whose ``unless`` is in the same view does not count."""
    for view in detection_views(text):
        for name, pattern in patterns.items():
            match = pattern.search(view)
            if match and not (unless and name in unless and unless[name].search(view)):
                return name, match.group(0)[:120]
    return None


@lru_cache(maxsize=4096)
def injection_hit(text: str) -> SafetyHit | None:
    found = _search(INJECTION_PATTERNS, text)
    return SafetyHit("injection", *found) if found else None


# A piece of work for someone ("summarise the notes below for my husband", "a card message for my boss").
_WORK_FOR = re.compile(
    r"\b(?:summar\w+|write|draft|compose|prepare|make|create|plan|tl;?dr|card\s+message|message\s+for)\b"
)
# A request for a relation's records, not for a piece of work for them.
_EXFILTRATION_UNLESS = {"data_of_my_relation": _WORK_FOR}


@lru_cache(maxsize=4096)
def exfiltration_hit(text: str) -> SafetyHit | None:
    found = _search(EXFILTRATION_PATTERNS, text, _EXFILTRATION_UNLESS)
    return SafetyHit("exfiltration", *found) if found else None


# Patterns that signal each common guardrail topic, beyond the topic's own words.
# Venture firms by name, and any "<name> Ventures/Capital/Partners".
_FIRMS = (
    r"(?:sequoia|a16z|andreessen(?:\s+horowitz)?|benchmark|accel|greylock|kleiner(?:\s+perkins)?|lightspeed|index\s+ventures|"
    r"founders\s+fund|first\s+round|general\s+catalyst|y\s*combinator|yc|tiger\s+global|softbank|insight\s+partners|khosla|"
    r"bessemer|usv|union\s+square\s+ventures|\w+\s+(?:ventures|capital|vc))"
)

# Medicines people name when they ask whether something is safe while they take them.
_MEDICINES = (
    r"calpol|nurofen|paracetamol|ibuprofen|piriton|warfarin|blood\s+thinners?|anticoagulants?|antibiotics?|amoxicillin|penicillin|antidepressants?|sertraline|citalopram|"
    r"fluoxetine|propranolol|beta[- ]blockers?|insulin|metformin|antihistamines?|isotretinoin|roaccutane|accutane|steroid\s+creams?"
)

_TOPIC_LEXICON_SOURCE: dict[str, tuple[str, ...]] = {
    "medical": (
        _MEDICINES,
        r"infect(?:ed|ion|ions)",
        r"ooz\w*",
        r"pus\b",
        r"(?:hot|warm)\s+to\s+(?:the\s+)?touch",
        r"shivery|feverish",
        r"sting(?:s|ing|y)\b",
        r"what\s+(?:should|can|do)\s+i\s+put\s+on\s+(?:it|them|my\s+\w+)",
        r"(?:stout|beer|ale|wine|alcohol|cider|lager|guinness)\s+(?:\w+\s+){0,2}good\s+for\s+(?:you|your)\b",
        r"medic(?:al|ine|ation|ations)",
        r"(?:does|do)\s+(?:he|she|they|my\s+\w+)\s+(?:have|has|sound|seem|look)\s+(?:\w+\s+)?(?:adhd|autis\w*|dyslexi\w*|dyspraxi\w*|ocd)",
        r"(?:sound|seem|look)s?\s+(?:\w+\s+)?(?:dyslexic|autistic|adhd|dyspraxic)",
        r"(?:think|reckon)\s+(?:he|she|they)\s+(?:has|have|is)\s+(?:adhd|autis\w*|dyslexi\w*)",
        r"(?:think|reckon)\s+(?:[\w']+\s+){0,3}(?:might|may|could)\s+(?:have|has|be)\s+(?:adhd|autis\w*|dyslexi\w*|dyspraxi\w*|ocd|asd|"
        r"asperger\w*|sensory\s+processing)",
        r"what\s+(?:\w+\s+)?(?:does|do)\s+(?:he|she|it|they)\s+(?:have|has)\s*\?",
        r"throbbing",
        r"abscess\w*",
        r"spike\s+(?:my|our|his|her|their)\s+(?:blood\s+)?sugars?",
        r"should\s+(?:i|she|he|we)\s+stop\s+(?:taking\s+)?(?:my|her|his|the)\s+\w+",
        r"should\s+(?:i|she|he|we|they)\s+(?:go\s+(?:back\s+)?to|see|call)\s+(?:the\s+|a\s+|her\s+|his\s+|my\s+)?(?:hospital|doctor|gp|a&e|er|emergency\s+room)",
        r"(?:broke|broken|sprained|twisted|dislocated|fractured|hurt|injured)\s+(?:my|his|her|their|a)\s+"
        r"(?:arm|wrist|leg|ankle|finger|toe|hand|foot|rib|nose|collarbone|back|knee|shoulder|hip|neck)",
        r"fractur\w*",
        r"swell\w*",
        r"swollen",
        r"inflam\w*",
        r"numb(?:ness)?",
        r"tingl\w*",
        r"dizz\w*",
        r"chest\s+pains?",
        r"meds",
        r"(?:my|the|a|her|his|our|their)\s+doctor\s+(?:says?|said|told|thinks?|wants?|prescribed|recommended|diagnosed|gave|put|has)",
        r"(?:see|saw|call|ask)\s+(?:a|my|the)\s+doctor",
        r"what\s+(?:has|does|is)\s+(?:he|she|it|my\s+\w+)\s+(?:got|have|wrong)",
        r"what(?:'s|\s+is)\s+wrong\s+with\s+(?:him|her)\b",
        r"antidepressants?|antibiotics?",
        r"vomit\w*|diarrh\w*|letharg\w*|seizures?|straining|wheez\w*|blood\s+in\s+(?:his|her|its|the)",
        r"(?:not|won'?t|isn'?t|hasn'?t)\s+(?:eating|drinking|peeing|pooping)",
        r"only\s+a\s+few\s+drops",
        r"(?:ate|eaten|chewed|swallowed)\s+(?:some\s+|a\s+few\s+)?(?:\w+\s+)?(?:leaves|berries|bulbs|seeds|mushrooms|plants?|pills)",
        r"what\s+should\s+i\s+give\s+(?:him|her|it|them)",
        r"symptoms?",
        r"diseases?",
        r"illness",
        r"ibuprofen",
        r"paracetamol",
        r"acetaminophen",
        r"aspirin",
        r"antibiotics?",
        r"dosage",
        r"\d+\s?mg",
        r"mg\s+of",
        r"prescri\w+",
        r"migraines?",
        r"headaches?",
        r"fever",
        r"rash",
        r"infection",
        r"cancer",
        r"diabet\w+",
        r"heart\s+(?:problem|attack|condition|disease|issue|palpitations?)",
        r"chest\s+(?:gets\s+)?(?:tight\w*|pains?)",
        r"panic\s+attacks?",
        r"side\s+effects?",
        r"safe\s+to\s+take",
        r"how\s+(?:many|much)\s+(?!gels?\b|carbs?\b|calories\b|water\b|fluids?\b|electrolytes?\b|salt\b|sodium\b|protein\b"
        r"|rest\b|days?\b|miles\b|km\b|runs?\b|time\b|breaks?\b)\w*\s*(?:should|can)\s+i\s+take",
        r"blood\s+pressure",
        r"chest\s+pains?",
        r"depress(?:ion|ed)",
        r"surgery",
        r"pregnan\w+",
        r"vaccin\w+",
        r"tumou?r",
        r"allerg\w+",
        r"insulin",
        r"vomit\w*",
        r"dizz\w+",
        r"ozempic",
        r"adderall",
        r"xanax",
        r"melatonin",
        r"inflamm\w+",
        r"tendinitis",
        r"tendonitis",
        r"fractur\w+",
        r"sprain\w*",
        r"shin\s+splints",
        r"(?:knee|hip|back|foot|ankle|calf|heel)\s+(?:pain|hurts?|injury)",
        r"hurts?\s+when",
        r"should\s+i\s+take\s+\w+\s+for",
        r"(?:sharp|dull|throbbing|shooting|chronic|stabbing|burning)\s+pain",
        r"which\s+injury",
        r"injury\s+is\s+(?:it|this)",
        r"pain\b[^.?!]{0,40}\b(?:knee|hip|back|foot|ankle|calf|heel|shin|achilles|hamstring|chest|shoulder|it\s+band)",
        r"(?:knee|hip|back|foot|ankle|calf|heel|shin|achilles|hamstring|chest|shoulder|it\s+band)\s+(?:pain|aches?|hurts?|injur\w*)",
        r"run(?:ning)?\s+through\s+(?:the\s+)?pain",
        r"swollen|swelling",
        r"prednisone|cortisone|codeine|ibuprofen|naproxen|advil|tylenol|aleve",
        r"(?:can|should|could)\s+i\s+take\s+(?:\w+'s\s+|my\s+\w+'s\s+|some\s+|a\s+)?\w+\s+(?:for|to\s+help|before|after|when)",
        r"(?:pain|sick|ill)\b.{0,40}\bwhat\s+(?:is|could)\s+(?:it|this|wrong)",
        r"plantar",
        r"asthma",
        r"anemi\w+",
    ),
    "legal": (
        r"legal(?:ly)?",
        # Asking whether to get one, not a lawyer merely mentioned ("our lawyer needs it signed").
        r"(?:need|hire|get|find|consult|pay\s+for|afford)\s+(?:a|an|my\s+own|our\s+own)\s+(?:lawyer|attorney)",
        r"(?:lawyer|attorney)\s+(?:says?|said|told|thinks?|recommends?)(?!\s+(?:me\s+|us\s+)?to\s+(?:ask|check|confirm|get))",
        r"sue",
        r"suing",
        r"sued",
        r"lawsuits?",
        r"litigation",
        r"liab(?:le|ility)",
        r"illegal",
        r"non-?competes?",
        r"claw\s*back",
        r"which\s+clauses?\s+(?:should|do|can|would)",
        r"custody",
        r"divorce",
        r"immigration",
        r"visas?\s+(?:status|applications?|sponsorship|rules|requirements|eligib\w*|expir\w*|overstay\w*|denied|refused)",
        r"(?:get|apply\s+for|qualify\s+for|lose|renew)\s+(?:a|an|my|the|her|his)\s+(?:[\w-]+\s+){0,2}visa",
        r"(?:residence|work|settlement)\s+permits?\s+(?:renewal|application|expir\w*|runs?\s+out|rules|requirements)",
        r"(?:renewal|application)\s+is\s+(?:still\s+)?pending",
        r"copyright",
        r"trademarks?",
        r"defamation",
        r"evict\w*",
        r"arrest\w*",
        r"criminal",
        r"wrongful",
        r"(?:break|breach|void)\w*\s+(?:my|the|a|our)\s+(?:contract|lease|agreement)",
        # A court case, not a place called "Ashton Court".
        r"(?:in|to|into|at|before|through|the|a|small\s+claims?)\s+court(?!\s+(?:house|yard|mansion|hotel|road|street|lane))",
        r"court\s+(?:case|order|date|hearing|claim|action|fees?|proceedings)",
        r"can\s+(?:i|we|they|he|she)\s+(?:legally|be\s+sued|get\s+sued)",
        r"against\s+the\s+law",
        r"enforceable",
        # "am I allowed to move my booking?" asks about the business's own terms.
        r"(?:am|are)\s+(?:i|we)\s+legally\s+allowed\s+to",
        r"is\s+it\s+(?:legal|lawful|allowed)\s+to",
        r"without\s+(?:telling|notifying|their\s+consent|consent)",
        r"personal\s+guarantee",
        r"(?:maternity|paternity|parental|medical|sick)\s+leave",
        r"(?:word|phrase|write|draft|structure)\s+(?:my|the|our|a|this)\s+(?:contract|agreement|clause|nda|lease)\s+(?:so|to|in\s+a\s+way)",
        r"get(?:ting)?\s+sued",
        r"h-?1-?b",
        r"schengen",
        r"overstay\w*",
        r"(?:without|avoid)\s+(?:declaring|declare|customs|paying\s+duty)",
        r"smuggl\w*",
        r"green\s+card",
        r"(?:keep|maintain|lose|transfer|extend)\s+(?:my|your|their|his|her)\s+(?:visa|immigration)?\s*status",
        r"visa\s+sponsor\w*",
        r"violations?",
        r"citations?\s+(?:for|from)",
        r"(?:wrote|written|writing)\s+(?:us|me|them)\s+up",
        r"hearings?",
        r"code\s+sections?",
        r"appeal\s+(?:a|the|my|our)",
        r"fined",
        r"(?:a|the)\s+judge\b",
        r"(?:permit|licen[cs]e|paperwork|approval)\b[^.?!]{0,60}\b(?:beer|wine|liquor|alcohol|booze|cocktails?)",
        r"(?:beer|wine|liquor|alcohol|booze|cocktails?)\b[^.?!]{0,60}\b(?:permit|licen[cs]e|paperwork|approval)",
        r"pour\s+(?:beer|wine|drinks|alcohol|cocktails)",
        r"plead\w*\s+(?:not\s+)?guilty|guilty\s+plea",
        r"(?:get|got|getting)\s+(?:me\s+)?(?:out\s+of|off)\s+(?:the\s+|my\s+|a\s+|these\s+)?(?:points|fines?|tickets?|bans?|charges?|speeding)",
        r"speeding\s+(?:tickets?|fines?|points|offen[cs]es?|charges?)|penalty\s+points|points\s+on\s+(?:my|your|his|her)\s+licen[cs]e",
        r"summons(?:ed)?",
    ),
    "stock": (
        r"should\s+(?:i|we)\s+short\b",
        r"(?:put|invest)\s+(?:all\s+)?(?:my|our)\s+(?:savings|money|cash|401k|ira)\s+(?:in|into)",
        r"will\s+go\s+up\s+(?:more|most)",
        r"\b(?:nvda|msft|aapl|tsla|amzn|googl?|pltr)\b",
        r"load\s+up\s+on",
        r"before\s+(?:the\s+)?earnings",
        r"brokerage",
        r"short(?:ing)?\s+(?:the\s+)?(?:stock|shares)",
        r"stocks?",
        r"stock\s+picks?",
        r"\betfs?\b|index\s+funds?|managed\s+funds?|vanguard|ishares|s&p\s*500\s+(?:fund|etf|tracker)",
        r"(?:dump|sell|buy|offload|move\s+\w+\s+into|switch\s+into)\s+(?:all\s+)?(?:my|our|some|more)?\s*(?:\w+\s+)?shares\b",
        r"tickers?",
        r"nasdaq",
        r"s&p",
        r"etfs?",
        r"share\s+price",
        r"(?:buy|sell|short|hold|dump)(?:ing)?\s+(?:some\s+)?(?:\w+\s+)?(?:crypto\w*|bitcoin|ethereum|dogecoin|coins?|tokens?)",
        r"(?:crypto\w*|bitcoin|ethereum|dogecoin)\s+(?:coins?\s+)?to\s+buy",
        r"best\s+(?:crypto\w*|coin|coins)",
        r"\w+\s+a\s+buy\s+at",
        r"(?:wait\s+for|buy)\s+(?:a|the)\s+dip",
        r"will\s+(?:double|triple|moon)",
        r"(?:put|invest|throw|park)\s+(?:it\s+all\s+|it\s+|everything\s+|all\s+of\s+it\s+|\$?\d+\w*\s+|my\s+(?:money|savings|cash)\s+)?(?:into|in)\s+(?:palantir|tesla|nvidia|apple|amazon|microsoft|google|meta|gamestop|bitcoin|crypto|an?\s+index\s+fund|index\s+funds|stocks|the\s+stock\s+market|s&p)",
        r"(?:buy|sell|short|hold|dump)(?:ing)?\s+(?:some\s+)?(?:\w+\s+)?shares",
        r"shares\s+of\s+(?:apple|tesla|nvidia|amazon|google|microsoft|meta)",
        r"(?:nvidia|tesla|apple|amazon|microsoft|google|meta|palantir|gamestop)\s+(?:shares|stock|now|at\s+this\s+price)",
        r"(?:buy|sell)\s+(?:nvidia|tesla|apple|amazon|microsoft|palantir|gamestop)",
        r"day\s*trad\w+",
        r"(?:crypto\w*|coins?|bitcoin|ethereum|altcoins?|memecoins?)\b[^.?!]{0,30}\b(?:\d+x|moon|pump|go\s+up|double|triple)",
        r"public\s+markets?\s+pick",
    ),
    "politics": (
        r"politic\w*",
        r"vote",
        r"voting",
        r"election\w*",
        r"democrats?",
        r"republicans?",
        r"labour\s+party",
        r"tor(?:y|ies)",
        r"left-?wing",
        r"right-?wing",
        r"president\s+\w+",
        r"presidential",
        r"(?:the\s+)?war\s+in\s+\w+",
        r"ukraine",
        r"gaza",
        r"geopoliti\w*",
        r"(?:candidates?|running)\s+for\s+(?:president|office|mayor|senate|governor|congress|parliament)",
        r"prime\s+minister",
        r"senators?",
        r"congress",
        r"parliament",
        r"trump",
        r"biden",
        r"kamala",
        r"ballot",
        r"abortion",
        r"gun\s+control",
        r"political\s+part(?:y|ies)",
        r"which\s+party",
        r"independence\s+(?:referendum|vote|movement)|(?:catalan|scottish)\s+independence|referendum|brexit",
    ),
    "religion": (r"religio\w+", r"church", r"mosque", r"synagogue", r"prayer", r"bible", r"quran", r"atheis\w+"),
    # Judging other investors (a conflict rule of investor twins): an opinion asked about a named firm, or of
    # someone "as investors". Asking how to pitch or find investors is not this.
    "investors": (
        r"(?:think|thoughts?|opinion|views?|take|feel|feelings|rate|rank)\s+(?:of|on|about)\s+(?:\w+\s+){0,3}as\s+(?:an?\s+)?"
        r"(?:investors?|vcs?|funds?|firms?|leads?|board\s+members?)\b(?!\s+(?:see|would|will|might|do|read|view)\b)",
        rf"(?:think|thoughts?|opinion|views?|take|feel|say|rate|rank)\s+(?:of|on|about)\s+(?:the\s+)?{_FIRMS}",
        rf"(?:is|are)\s+(?:the\s+)?{_FIRMS}\s+(?:any\s+)?(?:good|bad|great|terrible|worth|legit|reputable|founder[- ]friendly|"
        r"trustworthy|nice|difficult|toxic)",
    ),
    "gossip": (
        r"gossip",
        r"rumou?rs?",
        r"who(?:'s|\s+is)\s+the\s+(?:worst|most\s+overrated|least\s+reliable)\b",
        r"(?:trash|trashing|bash|bashing|slam|slamming)\s+(?:\w+\s+){0,4}(?:photography|studio|company|business|competitor|restaurant|shop|firm)",
        r"(?:bad|negative|fake|one-star|1-star)\s+reviews?\s+(?:of|for|about|on)",
        r"dirt\s+on",
        r"scandal\w*",
        r"heard\s+(?:that|a\s+rumou?r)",
        r"is\s+it\s+true\s+(?:that\s+)?(?:the\s+)?\w+",
        r"can'?t\s+stand\s+each\s+other",
        r"feud\w*",
        r"falling\s+out",
        r"secretly",
        r"about\s+to\s+(?:leave|quit|be\s+fired)",
        r"behind\s+the\s+scenes\s+at",
        r"spill",
        r"(?:the\s+)?tea\s+on",
        r"affair",
        r"going\s+(?:bust|under)",
        r"about\s+to\s+(?:fold|collapse|go\s+under)",
        r"trash[- ]?talk\w*",
        r"badmouth\w*",
        r"what'?s\s+really\s+going\s+on\s+(?:at|with)",
    ),
    "diet": (
        r"diet\s+pills?",
        r"(?:lose|losing|drop|dropping|shed|shedding)\s+(?:\d+\s?(?:kg|kgs|kilos?|lbs?|pounds|stone)|(?:the\s+|some\s+)?weight)",
        r"calorie\s+(?:deficit|count\w*|targets?|intake)",
        r"intermittent\s+fasting",
        r"keto\w*",
        r"weight[- ]loss\s+(?:pills?|drugs?|meds|shots?|injections?)",
        r"fat\s+burners?",
        r"appetite\s+suppress\w*",
        r"slimming",
        r"phentermine",
        r"ozempic",
        r"wegovy",
    ),
    "supplements": (
        r"supplements?",
        r"magnesium",
        r"ashwagandha",
        r"melatonin",
        r"creatine",
        r"protein\s+powders?",
        r"collagen",
        r"vitamin\s+[a-z]\d?",
        r"(?:what|which|how\s+much)\s+(?:\w+\s+)?(?:dose|dosage)",
    ),
    "mental_health": (
        r"(?:be|act\s+as)\s+my\s+(?:therapist|counsell?or|psychologist)",
        r"therapy\s+sessions?",
        r"cbt\b",
        r"counsell?ing\s+sessions?",
        r"(?:my|her|his|their)\s+(?:anxiety|depression|panic\s+attacks|ocd|ptsd|trauma)",
        r"suicid\w*",
        r"self[- ]harm\w*",
        r"eating\s+disorders?",
    ),
    "drugs": (
        _MEDICINES,
        r"prescription",
        r"testosterone",
        r"\btrt\b",
        r"(?:how\s+much|what\s+dose\s+of)\s+\w+\s+(?:can|should|do)\s+i\s+give",
        r"wean\s+(?:\w+\s+)?off\s+(?:her|his|their|my|the)\s+\w+",
        r"opioids?",
        r"steroids?",
        r"painkillers?",
        r"xanax",
        r"adderall",
        r"oxycodone",
        r"tramadol",
        r"codeine",
        r"epo\b",
        r"doping",
        r"ped'?s\b",
        r"clenbuterol",
        r"sarms?\b",
        r"meldonium",
        r"anabolic\w*",
        r"hgh\b",
        r"salbutamol",
        r"blood\s+doping",
        r"cannabis|marijuana|psilocybin|magic\s+mushrooms|opium\s+popp\w*",
        r"red\s+blood\s+cells?",
        r"(?:blood\s+)?transfusions?",
        r"injections?\s+(?:that|to|for)\s+(?:boost|increase|raise|improve)",
    ),
    "tax": (
        r"tax(?:es|ed)?",
        r"irs",
        r"hmrc",
        r"deduct\w*",
        r"write[- ]offs?",
        r"vat",
        r"section\s+\d{3}\b",
        r"amorti[sz]\w*",
        r"capital\s+gains",
        r"(?:can|could|should)\s+(?:i|we)\s+(?:expense|deduct|write\s+off|claim)\b",
    ),
    "end_of_life": (
        r"euthan\w*",
        r"put\s+(?:him|her|them|it|my\s+\w+)\s+(?:down|to\s+sleep)",
        r"say(?:ing)?\s+goodbye",
        r"let\s+(?:him|her|them|it)\s+go",
        r"quality\s+of\s+life",
        r"end\s+(?:his|her|their|its)\s+suffering",
    ),
    "emergency": (
        r"(?:ate|eaten|swallowed|scarfed|ingested|got\s+into|chewed)\b[^.?!]{0,40}\b(?:raisins|grapes|chocolate|xylitol|rat\s+poison|antifreeze|ibuprofen|onions?|garlic|lilies|pills|medication|bleach)",
        r"make\s+(?:him|her|it|them|my\s+\w+)\s+(?:throw\s+up|vomit|sick)",
        r"induce\s+vomiting",
        r"poison\w*",
        r"hit\s+by\s+a\s+car",
        r"(?:can'?t|isn'?t|not)\s+breathing|can'?t\s+breathe",
        r"collapsed",
    ),
    # Making something false look true: padded resumes, fake reviews, hiding work from an inspector.
    "deception": (
        r"backlinks?|link\s+farms?|\bpbns?\b|buy(?:ing)?\s+(?:\w+\s+)?(?:links|followers|likes|reviews)",
        r"(?:knock|take|wind|roll|turn)\s+(?:\d+k?\s+|some\s+|the\s+)?(?:miles|mileage|odometer|clock)\s+(?:off|back|down)",
        r"(?:knock|take)\s+\d+k?\s+(?:miles\s+)?off\s+the\s+(?:miles|mileage|clock|odometer)",
        r"make\s+it\s+(?:look|seem|sound)\s+like",
        r"fake\s+(?:reviews?|posts?|accounts?|references?|degrees?|experience|dates)",
        r"(?:one|1)[- ]star\s+(?:reviews?|posts?)",
        r"(?:sound|look)(?:ing|s)?\s+like\s+(?:a\s+)?(?:different|real|another|separate)\s+(?:customers?|person|people|users?)",
        r"(?:lie|lying|fib)\s+(?:about|on)",
        r"(?:fudge|pad|inflate|stretch)\s+(?:my|the|our|his|her)\s+(?:dates|title|tenure|resume|cv|numbers|experience)",
        r"(?:never|won'?t|don'?t)\s+(?:call|check|verify|find\s+out)",
        r"without\s+(?:them|anyone|the\s+\w+)\s+(?:knowing|finding\s+out|noticing)",
        r"hid(?:e|ing)\s+(?:it|this|that)\s+from",
        r"(?:selling|buying|bought|sold|got\s+hold\s+of|leaked)\b[^.?!]{0,40}\b(?:test|exam|sat|act|answers?|questions)\b",
        r"answers?\s+(?:to|for)\s+(?:the|this|tomorrow'?s|saturday'?s|my)\s+(?:test|exam|quiz|sat|act)",
        r"(?:take|sit|do)\s+(?:the\s+|my\s+|his\s+|her\s+)?(?:\w+\s+)?(?:test|exam|sat|act|quiz)\s+for\s+(?:me|him|her|them)",
        r"off\s+the\s+(?:till|books|payroll|register)",
        r"two\s+sets\s+of\s+(?:books|accounts)",
        r"(?:slow|stop|wind)\s+(?:the\s+)?(?:\w+\s+)?meter\s+(?:down|back)|(?:bypass|jump|tamper\w*\s+with|fiddle\s+with)\s+(?:the\s+)?(?:\w+\s+)?meter",
        r"(?:certificate|cert)\s+(?:\w+\s+){0,2}dated\s+(?:last|in|back)\b",
        r"(?:write|do)\s+(?:it|this|that|my\s+(?:[\w-]+\s+){0,3}?[\w-]+)\s+(?:for\s+me\s+)?(?:so|and)\s+(?:i\s+can\s+)?(?:hand|turn)\s+(?:it\s+)?in",
        r"(?:hand|turn)\s+(?:it\s+)?in\s+as\s+(?:my\s+own|mine)",
        r"(?:mock|make|knock|whip|cook)\s+(?:me\s+|us\s+)?up\s+(?:some\s+)?(?:fake\s+|new\s+)?(?:receipts|invoices|payslips|statements|expense\s+claims)",
        r"backdat\w+",
        r"skim(?:ming)?\s+(?:\w+\s+){0,2}(?:cash|takings|sales|money|off)",
        r"(?:hide|hiding|conceal\w*)\s+(?:\w+\s+){0,2}(?:income|takings|sales|cash|revenue|money|earnings|defects?)\s+from",
    ),
    "weapons": (r"guns?", r"weapons?", r"firearms?", r"explosives?", r"bombs?", r"ammunition"),
    # Mixing cleaning products into something stronger, or dangerous.
    "chemicals": (
        r"(?:bleach|ammonia|vinegar|toilet\s+duck|descaler|drain\s+cleaner|limescale\s+remover)\b[^.?!]{0,40}"
        r"\b(?:in\s+with|mix\w*|together|combin\w*|with\s+(?:the\s+)?(?:bleach|ammonia|vinegar))",
        r"(?:mix|mixing|combine|combining|add|adding|pour|pouring)\s+(?:[\w'-]+\s+){0,5}(?:with|into|in\s+with)\s+(?:the\s+)?(?:bleach|ammonia)",
    ),
    # Doing the trade's regulated work yourself, step by step.
    "diy_work": (
        r"step[- ]by[- ]step",
        r"which\s+(?:wire|cable|core)s?\s+goes?\s+(?:in|into|to)",
        r"how\s+(?:do|would|can|should)\s+i\s+[^.?!]{0,60}\b(?:myself|ourselves)\b",
        r"(?:swap|change|replace|fit|install|wire)\s+(?:\w+\s+){0,4}(?:myself|ourselves)\b",
    ),
    # Gas fittings touched by anyone but a registered engineer.
    "gas": (r"gas\s+(?:valves?|pipes?|fittings?|supply|jets?|burners?|cocks?|taps?)",),
    # Fakes of branded goods.
    "counterfeit": (
        r"replicas?",
        r"superfakes?",
        r"counterfeit\w*",
        r"knock-?offs?\s+(?:of|with)\s+(?:the\s+)?logo",
    ),
    # Taking the legal speed limit off an e-bike.
    "derestrict": (
        r"derestrict\w*",
        r"delimit\w*",
        r"dongles?",
        r"(?:get\s+rid\s+of|remove|bypass|lift|raise|override|get\s+(?:round|around)|unlock|turn\s+off)\s+(?:the\s+)?"
        r"(?:\d+(?:\.\d+)?\s*(?:mph|km/?h|kph)\s+)?(?:speed\s+)?(?:limit|limiter|restriction|cap)\b",
        r"wheel\s+size\s+setting",
        r"(?:assist|assistance)\s+(?:up\s+)?(?:to|past|beyond|above)\s+(?:1[7-9]|[2-9]\d)\s*(?:mph|km)",
    ),
    # Judging a named or pointed-at rival business: "is that shop on Ecclesall Road any good?"
    "rivals": (
        r"(?:is|are)\s+(?:that|the|this|those)\s+(?:[\w'-]+\s+){0,4}(?:shop|studio|salon|garage|school|gym|clinic|practice|firm|"
        r"agency|place|company|centre|center|broker|instructor|teacher)s?\s+(?:[\w'-]+\s+){0,4}any\s+good",
        r"cowboys",
        r"^\W*(?:is|are)\s+(?:[\w'-]+\s+){1,3}any\s+good\b",
        r"(?:better|worse)\s+(?:or\s+(?:better|worse)\s+)?than\s+(?:you|yours|u)\b",
        r"(?:their|the\s+other)\s+(?:[\w'-]+\s+){0,2}(?:teachers?|staff|instructors?|mechanics?|stylists?|trainers?|coaches|"
        r"brokers?|artists?)\s+(?:seem|seems|are|is|look|looks)\s+(?:\w+\s+)?(?:useless|rubbish|terrible|awful|incompetent|clueless|crap)",
        r"(?:what|how)\s+do\s+you\s+(?:think\s+of|rate)\s+(?:the\s+|that\s+)?(?:[\w'-]+\s+){0,3}(?:shop|studio|salon|garage|school|"
        r"gym|clinic|practice|firm|agency|centre|center)\s+(?:on|in|at|down|up|near)\b",
    ),
    # Getting into what belongs to someone else: their accounts, phone or network.
    "intrusion": (
        r"hack\w*",
        r"crack(?:ing|ed)?\s+(?:\w+\s+)?(?:passwords?|passcodes?|pins?|wi-?fi|accounts?|logins?)",
        r"(?:get|break|log|hack)\s+in(?:to)?\s+(?:my\s+)?(?:ex'?s|exs|wife'?s|husband'?s|boyfriend'?s|girlfriend'?s|partner'?s|boss'?s|"
        r"colleague'?s|neighbou?r'?s|someone'?s|somebody'?s|his|her|their)\s+(?:\w+\s+){0,2}(?:accounts?|instagram|facebook|email|"
        r"e-mail|phone|iphone|laptop|computer|pc|snapchat|whatsapp|icloud|gmail|tiktok|wi-?fi|router|messages)",
        r"(?:get|got|getting)\s+(?:past|round|around)\s+(?:the\s+|her\s+|his\s+|their\s+)?(?:2|two)[- ]?(?:factor|fa|step)",
        r"bypass\w*\s+(?:the\s+|her\s+|his\s+|their\s+)?(?:mfa|2fa|two[- ]factor|passcodes?|passwords?|lock\s*screens?|logins?)",
    ),
    # Watching someone who does not know: keyloggers, spyware, reading their messages in secret.
    "surveillance": (
        r"keylog\w*",
        r"spyware",
        r"stalkerware",
        r"spy\s+(?:on|app|apps|software)",
        r"without\s+(?:him|her|them|their|his|anyone|the\s+\w+)\s+(?:knowing|finding\s+out|noticing|realis\w*|realiz\w*)",
        r"secretly\s+(?:read|monitor|track|record|watch|check)\w*",
        r"read\s+(?:all\s+)?(?:her|his|their|my\s+\w+'s)\s+(?:messages|texts|emails|e-mails|whatsapps?|dms)",
    ),
    # Software used without paying for its licence.
    "piracy": (
        r"pirat\w*",
        r"crack(?:ed)?\s+(?:version|copy|copies|software|windows|office|photoshop|licen[cs]es?|keys?)",
        r"keygens?",
        r"\bkms\b",
        r"activators?",
        r"warez",
        r"torrent\w*",
        r"nulled",
    ),
    # Symbols of hate groups, extremists and gangs.
    "hate": (
        r"swastikas?",
        r"nazi\w*",
        r"ss\s+(?:lightning\s+)?bolts",
        r"sieg\s+heil",
        r"white\s+(?:power|pride)",
        r"\bkkk\b",
        r"14\s+words",
        r"totenkopf",
        r"gang\s+(?:tattoos?|signs?|symbols?|colou?rs|imagery|insignia)",
    ),
}
TOPIC_LEXICON: dict[str, re.Pattern[str]] = {
    category: re.compile(r"\b(?:" + "|".join(terms) + r")\b") for category, terms in _TOPIC_LEXICON_SOURCE.items()
}

_TOPIC_ALIASES = {
    "medical": ("medical", "health", "medicine", "diagnos", "injur", "clinical"),
    "stock": ("stock", "invest", "trading", "securit", "crypto", "financial advice"),
    "politics": ("politic", "election", "voting"),
    "religion": ("religio", "faith"),
    "gossip": ("gossip", "rumor", "rumour", "competitor"),
    "investors": ("investor", "funds", "vcs", "venture"),
    "diet": ("diet", "weight loss", "pills", "nutrition"),
    "supplements": ("supplement",),
    "mental_health": ("mental health", "mental-health", "therapy", "therapist", "counsel", "psycholog", "psychiatr"),
    "drugs": ("prescription", "drug", "medication", "medicine", "cannabis", "controlled"),
    "tax": ("tax",),
    "weapons": ("weapon", "firearm"),
    "chemicals": ("mixing cleaning chemicals", "cleaning mixtures", "bleach with", "home-made cleaning"),
    "diy_work": ("diy", "step-by-step", "step by step"),
    "gas": ("gas work", "gas fitting", "gas appliance", "boiler repair"),
    "counterfeit": ("counterfeit", "replica", "fake designer", "fakes"),
    "derestrict": ("derestrict", "speed-tun", "unlocking e-bike", "delimit"),
    "intrusion": ("unauthori", "hacking", "password crack", "break into", "breaking into"),
    "surveillance": ("covert", "surveil", "spying", "spyware", "keylog", "stalk", "secretly monitor", "secretly read"),
    "piracy": ("pirat", "licence crack", "license crack", "cracked software", "activation workaround"),
    "hate": ("hate symbol", "hate imagery", "extremis", "nazi", "white power", "gang imagery"),
    "end_of_life": ("euthanas", "end of life", "end-of-life", "putting down"),
    "emergency": ("poison", "emergenc", "toxic"),
    "deception": (
        "clocking",
        "mileage",
        "odometer",
        "tamper",
        "leak",
        "cheat",
        "stolen",
        "proxy",
        "test security",
        "fabricat",
        "inflat",
        "fake",
        "lying",
        "lie ",
        "dishonest",
        "mislead",
        "falsif",
        "avoid permits",
        "avoid inspection",
        "hide income",
        "hide takings",
        "hiding",
        "misrepres",
        "hide ",
        "backdat",
        "making up",
        "evasion",
        "skim",
    ),
    "legal": ("legal", "law", "licens", "immigration", "visa", "customs", "border", "sanction"),
}


# What an owner adds after the topic itself: what stays allowed ("Helping with the logistics of
# any ceremony is fine."), where to send people ("(that's a solicitor's job)", "Tell them to talk to
# a lawyer."). Those words are not the topic.
_TOPIC_ASIDE = re.compile(
    r"\b(?:is|are)\s+(?:fine|ok|okay|allowed|welcome|great)\b|\b(?:we|i|you)\s+(?:can|may|do|will|still)\b|\btell\s+them\b|"
    r"\b(?:point|refer|send|direct)\s+them\b|\bthat'?s\s+(?:a|an|the|for)\b|\bthat\s+is\s+(?:a|an|the|for)\b|\binstead\b|\bplease\s+"
)


@lru_cache(maxsize=1024)
def topic_core(topic: str) -> str:
    """A forbidden topic without the owner's asides: the first sentence, and later ones unless they are asides."""
    sentences = re.split(r"(?<=[.!;])\s+", topic.strip())
    kept = [sentences[0], *(s for s in sentences[1:] if not _TOPIC_ASIDE.search(s.lower()))]
    text = " ".join(kept)
    return re.sub(r"\(([^()]*)\)", lambda m: " " if _TOPIC_ASIDE.search(m.group(1).lower()) else m.group(0), text)


# A topic about other businesses of the same trade: "other local pet sitters", "other bike shops".
_RIVALS_TOPIC = re.compile(
    r"\bother\s+(?:local\s+)?(?:[\w-]+\s+){0,2}(?:shops?|schools?|studios?|salons?|garages?|brokers?|instructors?|agencies|firms?|"
    r"businesses|sitters?|walkers?|companies|providers?|trainers?|teachers?|stylists?|clinics?|practices?|cleaners?|"
    r"breweries|bakers?|photographers?|planners?|electricians?|plumbers?|tutors?)\b"
)


@lru_cache(maxsize=1024)
def _topic_categories(topic: str) -> tuple[str, ...]:
    lowered = topic_core(topic).lower()
    found = tuple(cat for cat, aliases in _TOPIC_ALIASES.items() if any(alias in lowered for alias in aliases))
    # Rival businesses are named by a pattern: "other local pet sitters", "other bike shops".
    return found + (("rivals",) if _RIVALS_TOPIC.search(lowered) else ())


@lru_cache(maxsize=1024)
def _topic_stems(topic: str) -> frozenset[str]:
    """A forbidden topic's own words, stemmed, without the generic ones ("advice", "questions")."""
    return frozenset({stem(t) for t in content_tokens(topic_core(topic).lower())} - _GENERIC_TOPIC_WORDS)


_GENERIC_TOPIC_WORDS = {
    "advic",
    "question",
    "topic",
    "inform",
    "discuss",
    "talk",
    "specif",
    "person",
    "detail",
    "about",
    "way",
    "place",
    "other",
    "own",
    "yourself",
    "themselv",
    "instead",
    "member",
    "thing",
    "without",
    "give",
    "help",
}


def _shares_stem(term: str, stems: set[str]) -> bool:
    """The same stem, or one the start of the other ("inspect" and "inspector")."""
    return term in stems or (
        len(term) >= 5 and any(s.startswith(term) or term.startswith(s) for s in stems if len(s) >= 5)
    )


@lru_cache(maxsize=1024)
def _listed_items(topic: str) -> tuple[frozenset[str], ...]:
    """The one-word items of a topic that lists kinds of a thing ("boudoir, nude or explicit photography").

    A topic that starts with an action ("sizing beams, headers ...", "ways to avoid permits,
    inspections ...") lists objects of that action instead, which are not forbidden alone.
    """
    topic = topic_core(topic)
    first = topic.lower().split()[0] if topic.split() else ""
    if first.endswith("ing") or first in {"ways", "how", "helping", "advice"}:
        return ()
    items = re.split(r",|\bor\b|\band\b", topic.lower())
    found = []
    for item in items:
        tokens = [t for t in content_tokens(item) if stem(t) not in _GENERIC_TOPIC_WORDS]
        # "writing or posting fake reviews": a lone action word names what is done to the listed thing.
        if len(tokens) == 1 and len(stem(tokens[0])) >= 5 and not tokens[0].endswith("ing"):
            found.append(frozenset({stem(tokens[0])}))
    return tuple(found) if len(items) >= 2 else ()


@lru_cache(maxsize=1024)
def _topic_head(topic: str) -> frozenset[str]:
    """What a topic that lists examples is about: its words before the list ("legal advice on disputes
    between landlords and tenants: withholding rent, deposits, ...")."""
    parts = re.split(r"[:(]", topic_core(topic), maxsplit=1)
    if len(parts) < 2:
        return frozenset()
    head = parts[0]
    return frozenset({stem(t) for t in content_tokens(head.lower())} - _GENERIC_TOPIC_WORDS)


def _head_named(topic: str, stems: set[str], common: frozenset[str]) -> bool:
    """A lone listed item counts only beside a word of what the list is about ("deposit" alone is not
    a landlord dispute); the twin's own common words say nothing of it."""
    head = _topic_head(topic) - common
    return not head or any(_shares_stem(word, stems) for word in head)


# Mentions of a topic that are not asking about it: "(not asking for tax advice lol)", the sender's
# market ("tax-prep firms", "legal tech", "stock traders"), and politics inside a company.
_NOT_THE_TOPIC = re.compile(
    r"\b(?:not|never)\s+(?:asking|looking)\s+(?:you\s+)?(?:for|about)\s+[^.,;:()!?\n]{0,40}|\(\s*not\s+(?:\w+\s+){0,2}advice\b"
    r"|\b(?:automat\w+|software\s+for|an?\s+api\s+for|tools?\s+for)\s+(?:\w+\s+)?(?:sales-?)?tax\s+\w+"
    r"|\bbe\s+(?:a|our|the|one\s+of\s+(?:the|our))\s+judges?\b"
    r"|\b(?:serve|act|sit)\s+as\s+(?:a\s+|our\s+)?judges?\b|\bjudg(?:e|es|ing)\s+(?:at|for|on)\s+(?:our|the|a|this)\s+(?:[\w-]+\s+)?(?:demo\s+day|pitch\w*|competition|hackathon|contest|show|awards?|panel|final)"
    r"|\bnot\s+(?:the\s+)?[\w-]+\s+ones\b|\b(?:we|i)\s+(?:don'?t|do\s+not|never)\s+(?:pick|give|offer|sell|provide|handle|touch|trade|invest\s+in|prescribe|diagnose)\b[^.,;:()!?\n]{0,30}"
    r"|\b(?:don'?t|do\s+not)\s+(?:need|want)\s+(?:any\s+)?(?:legal|medical|tax|financial|investment)\s+advice\b"
    r"|\bmedical\s+(?:conference|congress|devices?|stuff|texts?|documents?|translat\w*|interpret\w*|terminology|writing|writers?|"
    r"school|students?|supplies|equipment)\b|\blegal\s+(?:translat\w*|documents?\s+translat\w*|texts?|terminology|department|team|"
    r"pages?|name|entity|entities|notices?|holiday|age|teams|departments|ops|operations)\b"
    r"|\b(?:prices?|quotes?|rates?|fees?)\s+(?:[\w-]+\s+){0,3}(?:with|without|incl\w*|excl\w*|plus)\s+(?:or\s+without\s+)?vat\b|\bvat\s+(?:incl\w*|excl\w*)\b|\b(?:is|are)\s+there\s+vat\b|\bvat\s+on\s+(?:top\s+of\s+)?(?:the\s+|your\s+|that\s+|my\s+)?(?:[$\u20ac\u00a3]\s?\d|fees?|prices?|quotes?|bills?|invoices?)"
    r"|\binvest(?:ing|ment)?\s+in\s+(?:new\s+|some\s+|more\s+)?(?:equipment|tools|machinery|kit|gear|the\s+(?:shop|business|kitchen|studio|van))\b"
    r"|\bstock\s*(?:take|taking|count|levels?|room|control|figure|list)\b|\bclosing\s+stock\b|\b(?:in|out\s+of)\s+stock\b|\b(?:out[- ]of|free\s+of|no)[- ]copyright\b|\bcopyright[- ](?:free|expired)\b"
    r"|\b(?:tax|legal|law|stock|medical|health|healthcare|crypto|investment|political|dental|clinical|insurance|fintech)[- ]"
    r"(?:(?:calculation|compliance|filing|reporting|automation|billing|records?)\s+)?(?:prep\b|software|apps?|platforms?|tools?|tech|firms?|compan(?:y|ies)|startups?|industry|market|space|sector|saas|api|traders?|"
    r"customers|clients|practices|offices|clinics|teams?|brokerages?|professionals|accountants|season)\b"
    r"|\b(?:office|internal|cofounder|co-founder|team|company|workplace|board|startup)\s+politics\b"
    # The business's own rules, asked about: "what's the exclusion period for sickness?"
    r"|\bwhat(?:'s|\s+is|\s+are)\s+(?:the|your)\s+(?:exclusion|cancellation|sickness|illness|refund|allergy|medicines?)\s+(?:periods?|polic(?:y|ies)|rules?)\b[^.?!]{0,40}"
    # What the business treats or offers, asked about: "do you lot treat back pain?", "can your physios prescribe?"
    r"|\b(?:do|does|can|could)\s+(?:you|u|you\s+lot|you\s+guys|(?:any\s+of\s+)?your\s+[\w-]+|the\s+(?:clinic|practice|surgery|salon|studio))\s+"
    r"(?:ever\s+|also\s+|still\s+|usually\s+)?(?:treat|see|take\s+on|offer|handle|cover|work\s+with|deal\s+with|prescribe|refer|give|"
    r"administer|use|stock|sell|rework|redo|fix|run|host|hold|teach|specialise\s+in|specialize\s+in)\b(?!\s+(?:me|us|him|her|them|my|our)\b)[^.?!]{0,60}"
    # "do you do that security marking thing for frames?": a service the business offers, asked about.
    r"|\b(?:do|does)\s+(?:you|u|you\s+lot|you\s+guys|the\s+(?:shop|clinic|practice|salon|studio|school))\s+(?:ever\s+|also\s+|still\s+)?do\s+"
    r"(?!(?:me|us|him|her|them|my|our)\b)[^.?!]{0,60}"
    r"|\b(?:can|could|would|will)\s+(?:you|u|\w+)\s+(?:give|administer)\s+(?:him|her|them)\s+(?:his|her|their)\s+(?:meds|medication|medicine|"
    r"tablets?|pills?|insulin|injections?|drops)\b[^.?!]{0,40}"
    # The business's own rules and charges: "you won't tattoo me while I'm pregnant?", "what do I charge for illness?"
    r"|\b(?:you|u|they|she|he)\s+(?:won'?t|don'?t|will\s+not|do\s+not|can'?t|cannot)\s+(?:[\w-]+\s+){1,2}(?:me|anyone|people|someone|"
    r"clients?|customers?|pupils?|patients?)\s+(?:while|if|when|who)\b[^.?!]{0,50}"
    r"|\b(?:charge|charges|charged|fee|fees|refund|refunds)\s+(?:for|on|if|when)\s+(?:\w+\s+){0,2}(?:illness|sickness|ill|sick|injury|injuries)\b"
    # What the business's own kit does: "the monitoring software you'd install, does it let you read our emails?"
    r"|\bthe\s+(?:[\w-]+\s+){0,2}(?:software|app|tool|system|agent|service|product|kit)\s+(?:you|u)(?:'d|\s+would|\s+will|'ll)?\s+"
    r"(?:install|use|put|set\s+up|run|deploy|provide)\b[^.?!]{0,90}"
)


_DESCRIBED_TRADE = re.compile(
    r"\b(medical|legal|law|tax|health|healthcare|clinical|immigration|financial|investment|insurance|political|religious|"
    r"dental|veterinary|pharma\w*|visa|medication|nutrition|diet|mental[- ]health)[- ]([a-z]+)\b"
)


def _names_the_trade(word: str, common: frozenset[str]) -> bool:
    """A noun the twin's own sources use a lot ("translation"), not an adverb or a filler word."""
    return len(word) >= 5 and not word.endswith("ly") and stem(word) in common


# Words the stemmer folds onto a topic's word though they mean something else ("polite" and "politics").
_DISTINCT_WORDS = {"polite": "polite", "politely": "polite", "politeness": "polite", "impolite": "polite"}


def guardrail_hit(
    text: str,
    forbidden_topics: list[str],
    *,
    described: tuple[str, ...] = (),
    common: frozenset[str] = frozenset(),
) -> SafetyHit | None:
    """A forbidden topic of the twin's spec that the message is about.

    A topic needs all its words, or a word of its category's lexicon. A topic in
    ``described``, written as a description ("ways to avoid permits, inspections or
    code requirements"), also matches a message that uses two different words of it,
    leaving out ``common`` words: those the twin's own sources use a lot ("resume"
    for a career coach) say what the twin is about, not what it refuses.
    """
    folded = _NOT_THE_TOPIC.sub(" ", fold(text))
    if common:
        # "legal translation" to a translator, "medical interpreting" to an interpreter: a topic's word
        # that describes the twin's own trade names the work, not the advice.
        folded = _DESCRIBED_TRADE.sub(lambda m: " " if _names_the_trade(m.group(2), common) else m.group(0), folded)
    stems = {_DISTINCT_WORDS.get(token) or stem(token) for token in content_tokens(folded)}
    for topic in forbidden_topics:
        topic_stems = _topic_stems(topic)
        if topic_stems and topic_stems <= stems:
            return SafetyHit("guardrail", topic, topic)
        if topic in described:
            for item in _listed_items(topic):
                if item and item <= stems and not item & common and _head_named(topic, stems, common):
                    return SafetyHit("guardrail", topic, " ".join(sorted(item)))
        if topic in described and len(topic_stems) >= 4:
            # Two words of the message matching two different words of the topic (not one word twice).
            message_stems = stems - common
            used = {t for t in topic_stems - common if any(_shares_stem(s, {t}) for s in message_stems)}
            using = {s for s in message_stems if _shares_stem(s, used)}
            if min(len(used), len(using)) >= 2:
                return SafetyHit("guardrail", topic, " ".join(sorted(used)))
        for category in _topic_categories(topic):
            match = TOPIC_LEXICON[category].search(folded)
            if match:
                return SafetyHit("guardrail", topic, match.group(0))
    return None
