"""Escalation signals: questions only the owner can answer, commitments, and whether sources ground them."""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from runtime.normalize import fold, spell_out
from runtime.text import STOP_WORDS, canonical, content_tokens, stem, tokens, word_count

_COMMITMENT_PATTERNS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "discount": r"\b(?:(?:can|could|would|will)\s+(?:you|u|she|he)\s+do\s+(?:it|them|this|that|these)\s+for\s+[$\u20ac\u00a3]?\s?\d|for\s+\d[\d,.]*\s?[$\u20ac\u00a3]\s*(?:each|per\s+\w+|a\s+\w+)?\s+instead|\d+\s?%\s+off|discount|coupon|promo\s*code|cheaper\s+(?:for\s+(?:me|us)|rate|price)|(?:make|do)\s+it\s+cheaper|half[- ](?:price|off)|at\s+cost|reduced\s+(?:rate|price|fee)|sliding\s+scale|pro\s+bono|lower\s+(?:the\s+|your\s+)?(?:price|rate|fee)|knock\s+\w+\s+off|waive|free\s+(?:session|trial|call|month|plan|coaching)|for\s+free|deal\s+on|special\s+(?:price|rate|offer)|for\s+[$\u20ac\u00a3]\s?\d[\d,.]*[^.?!]{0,40}\b(?:instead|upfront|up\s+front|if\s+we)\b|instead\s+of\s+(?:the\s+|your\s+)?\$\s?\d)\b",
        "price": r"\bwhat\s+would\s+(?:you|u|she|he)\s+(?:give|offer|pay)\s+(?:me|us)\s+for\b|\bhow\s+much\s+(?:is|are|would|does|do|for)\s+(?:a|an|the|your)?\s*(?:[\w-]+\s+){0,3}(?:with|from)\s+(?:you|u)\b|\b(?:(?:what|how\s+much)\s+(?:do|would|will|does)\s+(?:you|she|maya|it)\s+(?:charge|cost)|your\s+(?:rate|rates|fee|fees|pricing|price)|quote\s+(?:me|for)|(?:give|send)\s+me\s+a\s+quote|how\s+much\s+(?:for|is|are)\s+(?:a|an|one|your|\w+'s|the)\s+(?:\S+\s+){0,2}(?:session|call|hour|consult\w*|plan|program|package|coaching|review|audit|engagement|retainer)|(?:firm|binding|exact)\s+(?:price|quote|number|figure|bid)\b|(?:a\s+)?(?:price|number|quote|figure)\s+i\s+can\s+hold\s+you\s+to|(?:would|will|could|can)\s+(?:you|she|he|[a-z]+)\s+(?:list|sell|do|take|handle|represent)\s+(?:\w+\s+){0,3}for\s+(?:only\s+|just\s+)?(?:[$\u20ac\u00a3]\s?\d(?:[\d,.]*\d)?k?|\d+(?:\.\d+)?(?=\s?(?:%|percent)))|(?:what|how\s+much)\s+will\s+(?:the|my|our)\s+(?:total|price|cost|bill|fee|quote)\s+(?:come\s+to|be)\b)\b",
        "meeting": r"\b(?:book\s+(?:me|us)\s+(?:\S+\s+){0,3}(?:with|on)\s+(?:you|she|her|him|\w+)\b|\d+\s*(?:min|mins|minutes|hours?)\s+(?:with|on\s+(?:your|her|\w+'s)\s+calendar)\s+(?:you|her|him|\w+)|(?:can|could|would|will)\s+(?:you|she|he|\w+)\s+(?:come\s+(?:and\s+)?(?:look|see|check|take\s+a\s+look|out|over|by)|stop\s+by|swing\s+by|drop\s+by|pop\s+(?:over|by|round))\b|(?:can|could|shall|should)\s+(?:we|i)\s+(?:meet|hop\s+on|jump\s+on|get\s+on|schedule|book|set\s+up|arrange|grab|have|do\s+(?:a|an)\s+(?:\S+\s+)?(?:call|meeting|zoom|chat|session))|(?:book|schedule|set\s+up|arrange|reserve)\s+(?:a|an|some|the)?\s*(?:\S+\s+){0,2}(?:call|meeting|time|slot|session|chat|coffee|intro|appointment|zoom|demo)|are\s+you\s+(?:free|available)(?!\s+(?:for|to)\s+(?:paid|advis\w*|consult\w*|coaching|mentor\w*|new\s+clients|hire|work|projects?|gigs?))|(?:meet|see)\s+(?:me|us)\s+(?:on|at|next|this|tomorrow)|your\s+calendar|calendly|(?:call|meet)\s+(?:me|us)\s+(?:on|at|next|this|tomorrow|today)|coffee\s+(?:next|this|on|tomorrow)|let'?s\s+(?:meet|talk\s+on|hop|grab|get\s+(?:coffee|lunch|dinner|a\s+drink)|have\s+(?:coffee|lunch|dinner|a\s+call))|(?:\d{1,2}(?::\d\d)?\s*(?:am|pm)|noon|that|it)\s+work\s+for\s+you|does\s+\w+\s+work\s+for\s+you|does\s+(?:\w+\s+){1,4}work\s+for\s+(?:a|an)\s+(?:quick\s+|short\s+)?(?:chat|call|meeting|coffee|zoom)|when\s+(?:can|could)\s+we\s+(?:meet|talk|chat)|(?:get|have|ask)\s+\w+\s+to\s+(?:call|email|text|ring|phone|meet|connect|introduce|intro)\s+(?:me|us)\b|call\s+(?:me|us)\s+back|(?:can|could|would|will)\s+(?:you|she|he|\w+)\s+(?:hop|jump|get)\s+on\s+(?:a|an)\s+(?:\S+\s+)?(?:call|zoom|meeting|chat)|(?:call|meeting|zoom|coffee|lunch|catch-?up)\s+with\s+(?:us|me)\s+(?:on\s+|this\s+|next\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight)\b)\b",
        "contract": r"\b(?:sign|signing|countersign)\s+(?:the|a|an|our|this|my)?\s*(?:contract|agreement|nda|term\s*sheet|deal|safe|loi|document|papers?)|\b(?:send|draft|give)\s+(?:me\s+|us\s+)?(?:over\s+)?(?:the|a|an|your)\s+(?:[\w-]+\s+){0,3}(?:contract|agreement|nda|term\s*sheet|offer\s+letter|engagement\s+letter)\b(?!\s+(?:templates?|examples?|samples?|clauses?|checklists?|guides?))|\b(?:can|could|would|will)\s+(?:you|she|he)\s+sign\s+(?:one|it|this|that|a\s+\w+)\s+off\b|\bsign\s+off\s+(?:on\s+)?(?:a|the|my|this|our)\s+(?:letter|statement|accounts|report|reference)\b|\bagree\s+to\s+(?:the|these|our|my)\s+terms\b",
        "promise": r"\b(?:(?:note|email|e-mail|letter|message|statement|announcement)\s+from\s+(?:you|her|him|\w+)\b[^.?!]{0,60}\b(?:saying|confirming|stating|announcing|that)\b[^.?!]{0,30}\b(?:committed|commit|investing|invested|doing|agreed|joining|leading|on\s+board|in\s+for|will|'ll)\b|confirm\s+(?:your|her|his|the)\s+(?:allocation|commitment|check|cheque|investment|participation|terms|attendance|spot|booking)|on\s+(?:her|his|their|\w+'s)\s+behalf|confirm\s+(?:that\s+)?(?:you|she|he|\w+)(?:'re|'s|\s+are|\s+is)\s+in\b|(?:held|holding|saved|reserved|kept)\s+(?:a|an|the)?\s*\$?\d[\d,.]*\s?[km]?\s+(?:allocation|spot)\s+for\s+(?:you|her|him|\w+)|(?:confirm|state|put)\s+(?:in\s+writing\s+|on\s+record\s+)?that\s+(?:you|she|he|\w+)\s+(?:is|are|'s|'re|will\s+be)\s+(?:ok|okay|fine|happy|good|comfortable|on\s+board)\s+with|confirm\s+(?:it\s+|this\s+)?in\s+writing|put\s+(?:it\s+|that\s+)?in\s+writing|(?:can|could|may)\s+i\s+(?:tell|let|inform|say\s+to|announce\s+to|mention\s+to)\b[^.?!]{0,50}\b(?:is|are|'re|'s|will|'ll)\s+(?:in\b|on\s+board|committed|investing|joining|coming|leading|backing|advising|participating)|promise|guarantee|commit(?:ment)?\s+to|pledge|swear|assure\s+me|(?:can|could)\s+you\s+confirm\s+(?:that\s+)?(?:you|she|he|\w+)(?:'ll|\s+will|\s+would|\s+is\s+going\s+to|\s+can))\b",
        "investment": r"\b(?:will|would|can|could)\s+(?:you|maya|she)\s+(?:invest|fund|back|lead|join|participate)\b|\b(?:will|would|can|could)\s+(?:you|she|he|\w+)\s+write\s+(?:us|me)\s+a\s+(?:check|cheque)|\b(?:invest|put\s+money)\s+in\s+(?:my|our|us|me)\b|\b(?:lead|join)\s+(?:my|our)\s+(?:round|raise|seed|pre-?seed)\b|\b(?:commit|put|wire|send|invest|write)\s+(?:us\s+|me\s+)?(?:\$\s?\d[\d,.]*\s?[km]?|\d[\d,.]*\s?[km]|a\s+(?:check|cheque)|money|capital)\b[^.?!]{0,20}\b(?:to|in|into|for)\s+(?:my|our|us|me|this|the)\b",
        "service": r"\b(?:we|i)(?:'d|\s+would)\s+(?:love|like)\s+(?!you\b|my\b|our\b|the\b|a\b|them\b|us\b|me\b|it\b|this\b|that\b)\w+\s+to\s+(?:lead|speak|teach|run|host|give|join|come|judge|perform|present|deliver|headline|cater|photograph|shoot|play|accompany|interpret|coach|mentor|train)\b|\b(?:would|will|could|can)\s+you\s+(?:agree\s+to|be\s+able\s+to|consider)\s+(?:giv|speak|present|host|join|com|do|run|lead|judg|mentor|coach|visit)\w*\b|\bgive\s+(?:a|an|the)\s+(?:\d+[- ]minute\s+)?(?:talk|presentation|keynote|workshop|lecture)\s+(?:at|to|for)\b|\b(?:will|would|could)\s+you\s+be\s+(?:up\s+for|willing\s+to|open\s+to|able\s+to|down\s+(?:for|to)|keen\s+to|happy\s+to|free\s+to)\s+(?:\w+\s+)?(?:pac|coach|train|mentor|meet|call|join|speak|advis|invest|lead|host|judg|sponsor|visit|come|attend|run|race)\w*\s+(?:me|us|my|our|at|the|a|an|in|for|on|to|with)\b|\b(?:will|would|could|can)\s+(?!i\b|we\b|they\b|it\b|this\b|that\b)(?:you|she|he|[a-z]+)\s+(?:personally\s+|please\s+)?(?:pace|coach|train|mentor|meet|call|join|come\s+to|attend|speak\s+at|sign|invest|lead|advise|sponsor|host|judge|interview|hire|employ|take\s+me\s+on|be\s+my|cover|waive|refund|hold|reserve)\s+(?:me|us|my|our|at|the|a|an|in|for)\b",
        "endorsement": r"\b(?:can|could|would|will)\s+(?:you|she|he|\w+)\s+(?:write|sign|provide|give)\s+(?:me\s+|us\s+)?(?:a|an)\s+(?:reference|recommendation|testimonial|quote|endorsement|(?:reference|recommendation|support)\s+letter|letter\s+of\s+(?:recommendation|reference|support|endorsement))\b",
        "together": r"\b(?:will|would|could|can)\s+(?:you|she|he)\s+(?:run(?!\s+(?:a|an|this|that|my|our|some|through)\b)|race|train|ride|come|travel|go|fly)\b[^.?!]{0,30}\bwith\s+(?:me|us)\b",
        "role": r"\bput\s+(?:you|her|him|\w+)\s+down\s+(?:for|as)\b|\b(?:have|invite)\s+you\s+(?:to\s+)?(?:serve|speak|act|sit)\s+(?:as|on)\b|\bserve\s+as\s+(?:a|an|our)\s+(?:judge|speaker|mentor|panelist|juror)\b|\b(?:work\s+experience|shadow(?:ing)?|an?\s+internship|apprenticeship|placement)\s+(?:with|at|for)\s+(?:you|her|him)\b|\b(?:list|name|put|add|feature|show)\s+(?:you|her|him|[a-z]+)\s+as\s+(?:an?\s+|our\s+|my\s+)?(?:advisor|adviser|mentor|board\s+member|investor|partner|backer|reference)\b|\b(?:will|would|can|could)\s+(?:you|maya|she)\s+(?:be|become)\s+(?:my|our|an?)\s+(?:advisor|adviser|mentor|board\s+member|coach|cofounder|co-founder|investor|reference|sponsor)\b|\bjoin\s+(?:my|our)\s+(?:board|advisory|team|startup|company)\b|\b(?:come\s+on(?:\s+board)?|come\s+aboard|sign\s+on|join\s+(?:us|me)|serve)\s+as\s+(?:an?\s+|our\s+|my\s+)?(?:advisor|adviser|mentor|board\s+member|coach|cofounder|co-founder|investor|partner|director)\b",
        "introduction": r"\b(?:(?:can|could|would|will)\s+(?:you|she|he|\w+)\s+(?:be\s+(?:willing|able|happy|open|up\s+for)\s+to\s+)?(?:personally\s+|directly\s+)?(?:intro(?:duce)?|connect)\s+(?:me|us)\s+(?:directly\s+|personally\s+)?(?:to|with)|(?:make|give)\s+(?:me|us)\s+an?\s+intro(?:duction)?\s+to|^\W*(?:please\s+)?intro(?:duce)?\s+(?:me|us)\s+to)\b",
        "reservation": r"\b(?:hold|reserve|save|keep)\s+(?:one\s+of\s+)?(?:[\w']+\s+){0,4}(?:spots?|seats?|places?|slots?|rooms?|tables?|dates?|appointments?)\b[^.?!]{0,30}?\s(?:for\s+(?:me|us)|until)\b|\b(?:hold|keep|save)\s+(?:[\w'%.]+\s+){0,4}(?:rate|price|quote|offer|deal)\s+(?:open\s+)?for\s+(?:me|us)\b|\block\s+(?:me|us)\s+in\s+(?:for|on)\b|\b(?:please|(?:can|could|may)\s+(?:i|we)|(?:i|we)(?:'d|\s+would)\s+(?:like|love)\s+to|(?:i|we)\s+want\s+to)\s+book\s+(?!a\b|an\b|the\b|me\b|us\b)\w+\s+(?:for|into|onto)\b|\b(?:hold|reserve|save|block)\s+(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\s+\d{1,2}|the\s+date|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b|\bbook\s+(?:\w+\s+){1,2}in\s+for\b|\b(?:hold|reserve|save)\s+(?:a|me\s+a|us\s+a|my)\s+(?:spot|seat|place|slot)\b|\b(?:sign\s+me\s+up|enrol+\s+me|register\s+me|add\s+me\s+to|put\s+(?:me|us)\s+(?:down|in)\s+for|put\s+(?:me|us|him|her|my\s+\w+)\s+in(?:to)?\s+(?:the|your|a|an)\b|book\s+(?:me|us)\s+(?:in|for|a|into|on)|start\s+(?:me|us)\s+on\s+(?:the\s+)?(?:\w+\s+){0,2}(?:from|on|next|this|today|tomorrow))\b",
        "terms": r"\bmatch\s+(?:the|their|his|her|our|an?|that)\s+(?:[\w']+\s+){0,2}(?:terms|offer|valuation|cap|price|check|quote|rate)\b|\b(?:can|could|will|would)\s+(?:you|she|he)\s+(?:price[- ])?match\s+(?:that|this|it|them)\b|\b(?:can|could|will|would|let'?s|want\s+to)\s+(?:you\s+|we\s+|i\s+)?lock\s+in\s+(?:\$|\d|the|a|your|our|terms|it)|\bneed\s+(?:a|your)\s+(?:yes(?:\s+or\s+(?:a\s+)?no)?|commitment|decision|firm\s+answer|sign-?off)\s+(?:today|now|by|this|before|asap)|\$\s?\d+\s?[km]?\s+from\s+you\b|\b(?:agree|commit)\s+to\s+(?:a|the|these|our)\s+(?:terms|cap|valuation|price)",
        "refund": r"\b(?:refund\w*(?!\s+polic)|money\s+back|reimburse\w*|cancel\s+my\s+(?:subscription|booking|order|plan))\b",
        # The owner's time asked for on a given day: "could you do an 8 inch chocolate orange for this Saturday?".
        "scheduling": (
            r"\b(?:can|could|would|will)\s+(?:you|u|she|he|(?!i\b|we\b|they\b|it\b|this\b|that\b|there\b)[a-z]+)\s+(?:please\s+|still\s+|possibly\s+)?(?:do|make|bake|move|change|switch|book|fit|"
            r"squeeze|deliver|come|see|take|hold|reserve|start|cover|meet|visit|shoot|photograph|cater|prepare)\b"
            r"(?!\s+(?:me\s+|us\s+)?(?:a|an|the|my|our|some)\s+(?:[\w-]+\s+)?(?:plan|list|post|email|draft|outline|summary|brief|"
            r"checklist|agenda|schedule|timeline|itinerary|deck|review|critique|breakdown|analysis)\b)[^.?!]{0,60}"
            r"\b(?:(?:this|next|on|for)\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day|tomorrow|tonight|"
            r"\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*|"
            r"(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\w*\s+\d{1,2}(?:st|nd|rd|th)?\b)"
            r"|\b(?:can|could|may)\s+i\s+(?:shadow|come\s+(?:in|by|over)|book\s+in|visit|bring|drop\s+(?:it\s+)?off|pick\s+(?:it\s+)?up)\b[^.?!]{0,60}"
            r"\b(?:(?:this|next|on)\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day|tomorrow|\d{1,2}(?:st|nd|rd|th)?\s+(?:to|-)\s+\d{1,2}|"
            r"\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*)"
            r"|\bpencil\s+(?:me|us)\s+in\b|\bsign\s+(?:me|us)(?:\s+and\s+(?:my|our)\s+\w+)?\s+up\b"
            r"|\bconfirm\s+(?:we'?re|i'?m|we\s+are|i\s+am|that\s+we'?re|that\s+i'?m)\s+(?:booked|in)\b"
            r"|\bhold\s+[$\u20ac\u00a3]?\d[\d,.]*\s?k?\s+(?:of\s+it\s+)?for\b"
        ),
        # An exception to the owner's own rules: "could you not take the deposit this one time?".
        "exception": (
            r"\b(?:this\s+one\s+time|just\s+this\s+once|make\s+an\s+exception|let\s+(?:me|us)\s+off|bend\s+the\s+rules?|"
            r"(?:is\s+there\s+any\s+way|any\s+chance)\s+(?:that\s+)?(?:it|this|that|you|u|she|he|[a-z]+)\s+(?:can|could|would|might)\s+"
            r"(?:still\s+)?(?:be\s+)?(?:extend|waiv|refund|move|transfer|carr|hold|keep|let|take|fit|squeeze|make|do)\w*)"
        ),
        # "Please confirm.", "deal?", "so that's a yes?": a yes the owner has not given.
        "confirmation": r"\b(?:please\s+(?:just\s+)?confirm\b|confirm\s+(?:so\s+(?:i|we)\s+can|(?:that\s+)?(?:you|she|he)\s+(?:accept|agree|can|will|'ll))|(?:,|\u2014|\s-)\s*deal\s*\?|so\s+(?:that'?s|it'?s)\s+a\s+yes|(?:bitte\s+)?(?:schriftlich\s+)?bestatigen|confirmar(?:me)?\s+que|confirme[rz]?\s+que)",
        "payment_terms": r"\b(?:pay|paying)\b[^.?!]{0,40}\b(?:in\s+(?:\d+|two|three|four|five|six|twelve|monthly)\s+(?:monthly\s+)?instal+ments?|instal+ments?\s+instead)|\binstal+ments?\s+instead\s+of\b|\binvoice\s+(?:us|me)\s+in\s+(?:usd|eur|gbp|dollars|euros|pounds)|\b(?:pay|invoice)\b[^.?!]{0,30}\binstead\s+of\s+(?:euros|dollars|pounds|the\s+deposit|all\s+at\s+once|upfront|up\s+front)",
    }.items()
}

# Asking about the owner as a person: their opinions, facts, decisions, history, plans.
_OWNER_PATTERNS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "owner_opinion": r"\b(?:what(?:'s|\s+is|\s+are)\s+your\s+(?:(?:all[-\s]time|absolute|personal|single|honest|own|true)\s+)?(?:take|view|views|opinion|opinions|thoughts|stance|position|feeling|feelings|verdict|perspective|philosophy|approach|rule|rules|policy|thesis|criteria|process|method|framework|advice|favou?rite|biggest|best|worst|go-to)|how\s+do\s+you\s+(?:feel|think|like|decide|evaluate|choose|pick|approach|handle|assess|judge|screen|structure|run|price|work(?!\s+out)|spend|prepare|manage|deal|balance|stay|keep|usually|typically|personally|invest)|(?<!how\s)do\s+you\s+(?:think|believe|like|love|hate|prefer|agree|support|recommend|personally|invest|back|fund|use|have|own|read|follow|still|ever|usually|typically|take|do|write|offer|mentor|coach|work|care|know|plan|want|miss|regret|remember|speak|live|drink|eat|run|watch|play)|are\s+you\s+(?:a\s+fan|into|signed\s+up|registered|entered|racing|bullish|bearish|for|against|worried|excited|optimistic|pessimistic|going|planning|attending|coming|speaking|hiring|investing|still|currently|married|single|based|from|open|available|on|in)|would\s+you\s+(?:ever|rather|personally|invest|back|fund|consider|recommend|say)|why\s+did\s+you|how\s+did\s+you|how\s+(?:fast|long|far|old|much|many)\s+(?:\w+\s+)?did\s+you|when\s+did\s+you|where\s+did\s+you|what\s+did\s+you|have\s+you\s+(?:ever|been|invested|worked|met|read|tried|seen|used|changed|decided|thought|considered|got|had|done|written|run|raced|coached|lived|visited)|did\s+you\s+(?:ever|go|study|work|start|found|sell|invest|like|enjoy|win|run|grow\s+up|always)|what\s+was\s+(?:your|it\s+like)|tell\s+me\s+about\s+(?:your|yourself)|who\s+(?:are|were)\s+your|which\s+\w+\s+(?:do|did|would)\s+you|your\s+(?:personal|own|private)|about\s+you(?:rself)?\b|where\s+(?:do|did)\s+you|what\s+(?:do|did)\s+you\s+(?:actually\s+|really\s+|personally\s+|usually\s+|typically\s+|first\s+)?(?:think|do|like|prefer|want|read|eat|drink|use|recommend|look\s+(?:for|at)|make\s+of|pay\s+attention\s+to|focus\s+on|care\s+about|notice|check|watch\s+for|ask\s+about)|what\s+(?:are|were)\s+you\s+(?:doing|working|reading|planning|up\s+to|thinking)|what\s+would\s+you\s+(?:do|say|pick|choose|recommend)(?:\s+if)?|how\s+(?:old|tall)\s+are\s+you|is\s+it\s+true\s+(?:that\s+)?you|where\s+are\s+you\s+(?:based|from|located)|(?:are|were)\s+you\s+(?:going\s+to|gonna|\w+ing)\b|(?:where|when|what|how|why)\s+(?:are|were)\s+you\s+\w+ing|will\s+you\s+be\s+\w+|in\s+your\s+(?:life|career|childhood|family|twenties|thirties|past|free\s+time|spare\s+time)|(?:you|maya)\s+(?:founded|built|started|sold|ran|wrote|invested\s+in|backed|worked\s+at|studied|grew\s+up|lived|left|joined|quit|raised|exited)\b|(?:is|was)\s+\w+\s+something\s+you|what\s+(?:kind|type|sort)s?\s+of\s+\w+\s+do\s+you|who\s+\w+ed\s+you|when\s+you\s+were\s+\w+ing|what\s+\w+\s+do\s+you\s+(?:personally|usually|use|wear|train|run|race|read|eat|drink|listen|drive|ride|play|watch)|do\s+you\s+\w+\s+(?:personally|yourself)|^\W*(?:(?:and|so|also)\s+)?any\s+plans?\s+(?:to|for|on)\b|\bare\s+there\s+(?:any\s+)?plans\s+(?:to|for)\b)",
        "owner_third_person": r"\b(?:does|did|is|was|has|will|would|can)\s+{owner}\b|\b{owner}'s\s+\w+|\b{owner}\s+(?:think|thinks|believe|believes|like|likes|prefer|prefers|invest|invests|say|says|feel|feels|is|was|has|had|ever|did|will|used\s+to)\b",
        "owner_possessive": r"\byour\s+(?:\d+[- ]\w+\s+)?(?:repair\s+|work\s+)?(?:warranty|guarantee|cancellation\s+policy|refund\s+policy|deposit|diagnostic\s+fee|courtesy\s+cars?|opening\s+hours|waiting\s+list|turnaround)\b|\byour\s+(?:weekly|daily|monthly|yearly|current)\s+(?:mileage|miles|volume|routine|schedule|training|workouts?|runs?|habits?)\b|\byour\s+(?:(?:typical|usual|average|normal|standard|current|own|main|first|last|latest|next|real|personal|exact|minimum|maximum|min|max|preferred|ideal)\s+)?(?:family|kids|children|wife|husband|partner|spouse|parents|mom|dad|mother|father|home|house|hometown|childhood|age|birthday|salary|net\s+worth|income|health|religion|politics|hobbies|weekend|vacation|holiday|plans?|schedule|calendar|portfolio|investments?|returns|exits?|fund|companies|startup|company|previous\s+company|first\s+company|background|story|history|career|past|education|degree|school|university|mba|book|books|podcast|newsletter|blog|talks?|mentor|mentors|heroes|inspiration|regrets?|mistakes?|biggest\s+\w+|favou?rite\s+\w+|daily\s+routine|routine|morning|diet|training|races?|marathons?|pr|pb|next\s+\w+|upcoming\s+\w+|goals?|priorities|focus|thesis|criteria|process|framework|stance|position|decision|decisions|opinion|take|view|office\s+hours|check\s+size|availability|rates?|fees?|policy|rules?\s+(?:for|on|about)|team|partners?|co-?investors?|deal\s*flow|pipeline|lp|lps)\b",
    }.items()
}

_SMALLTALK = re.compile(
    r"^(?=.*[a-z])\s*(?:h(?:i+|ey+|ello+|owdy)|yo|sup|good\s+(?:morning|afternoon|evening|night)|thanks?(?:\s+(?:a\s+lot|so\s+much|you|again))*|thank\s+you(?:\s+\w+)*|"
    r"ty|thx|cheers|cool|great|awesome|nice|perfect|ok(?:ay)?|got\s+it|bye|goodbye|see\s+you|see\s+ya|have\s+a\s+(?:good|nice|great)\s+\w+|"
    r"how\s+are\s+you(?:\s+doing)?(?:\s+today)?|how'?s\s+it\s+going|what'?s\s+up|nice\s+to\s+meet\s+you|who\s+are\s+you|what\s+(?:can|do)\s+you\s+do|"
    r"what\s+are\s+you|are\s+you\s+(?:a\s+)?(?:bot|ai|real|human|robot)|lol|haha\w*|:\)|wait|so|um+|oh|ah|"
    r"(?:am\s+i|is\s+this|are\s+you)\s+(?:actually\s+|really\s+)?(?:talking\s+to\s+|chatting\s+with\s+|speaking\s+(?:to|with)\s+)?(?:a\s+|an\s+|the\s+)?(?:bot|ai|human|real\s+\w+|robot|person|machine|{owner})(?:\s+or\s+(?:is\s+this\s+|are\s+you\s+|just\s+)?(?:a\s+|an\s+|the\s+)?(?:bot|ai|human|real\s+\w+|robot|person|machine))?|"
    r"(?:(?:mr|mrs|ms|miss|dr|doctor|coach|prof)\.?\s+)?(?:{owner})|\W)*[\s!.?:)]*$"
)

_VAGUE_WORDS = {
    "help", "something", "thing", "things", "stuff", "anything", "this", "that", "it", "one", "do", "question", "quick",
    "thoughts", "idea", "ideas", "advice", "input", "opinion", "look", "check", "sort", "out", "figure", "handle", "deal",
    "work", "task", "need", "want", "able", "possible", "mind", "ask", "asking", "again", "same", "more", "else",
    "please", "pls", "plz", "maybe", "sure", "think", "know", "doing", "wondering", "curious", "hmm", "hm", "um", "uh",
    "fix", "improve", "better", "go", "start", "begin", "now", "continue", "yes", "no", "view",
    "take", "feedback", "say", "suggestions", "recommendations", "recommend", "suggest", "stuck", "confused",
    "mean", "means", "meant", "get", "getting", "fresh", "wild", "fun", "goes", "whatever", "idk", "dunno", "random",
}  # fmt: skip


@dataclass(frozen=True)
class Source:
    """A retrieved knowledge document or FAQ entry, with the text it offers for grounding."""

    id: str
    kind: str  # "document" | "faq"
    title: str
    text: str
    rank: float = 0.0


@dataclass(frozen=True)
class Vocabulary:
    """How many of a twin's sources use each key term: rare terms decide whether a source matches."""

    documents: int
    frequency: dict[str, int]
    # How the sources refer to the owner, "she" or "he", when they clearly lean one way.
    pronoun: str | None = None

    @cached_property
    def common_terms(self) -> frozenset[str]:
        """Everyday question words, and the terms a quarter or more of the sources use (two at least):
        they say what the twin is about, not what a message asks."""
        often = max(2, self.documents // 4)
        return frozenset(QUESTION_NOISE) | {term for term, count in self.frequency.items() if count >= often}


_SHE = re.compile(r"\b(?:she|her|hers|herself)\b", re.I)
_HE = re.compile(r"\b(?:he|him|his|himself)\b", re.I)


def pronoun_of(text: str) -> str | None:
    """ "she" or "he" when ``text`` uses one at least twice as often as the other; None otherwise."""
    she, he = len(_SHE.findall(text)), len(_HE.findall(text))
    return "she" if she > 2 * he else "he" if he > 2 * she else None


def vocabulary_of(texts: list[str], owner_names: tuple[str, ...] = ()) -> Vocabulary:
    frequency: dict[str, int] = {}
    for text in texts:
        for term in _key_stems(text, owner_names):
            frequency[term] = frequency.get(term, 0) + 1
    return Vocabulary(len(texts), frequency, pronoun_of(" ".join(texts)))


@dataclass(frozen=True)
class Grounding:
    grounded: bool
    score: float
    sources: tuple[Source, ...]
    # Sources that share enough with the question to cite when answering, grounded or not.
    related: tuple[Source, ...] = ()


# A discount the sender offers or allows their own customers ("we're offering 10% off").
_OWN_OFFER = re.compile(
    r"\b(?:we(?:'re|\s+are)?\s+(?:offering|giving|running|doing|having)|we\s+(?:offer|give|run)|"
    r"(?:we|i)\s+(?:can'?t|cannot|won'?t|will\s+not)\s+(?:discount|go\s+(?:below|under)|offer)|"
    r"our\s+(?:\w+\s+){0,3}(?:sale|offer|promo\w*|deal)s?|\d+\s?%\s+off\s+(?:all|every|everything|our|selected|the\s+whole))\b"
)
_TO_OWNER = re.compile(r"\b(?:you|your|she|her|he|his|u)\b")


# "How do I book?" asks how things work, not for the thing itself.
_ASKS_HOW = re.compile(
    r"^\W*(?:(?:and|so|but|ok|also)\s+)?(?:how\s+(?:do|can|could|would|should|does)\s+(?:i|we|one|people|someone|you\s+guys)\b|"
    r"where\s+(?:do|can|could)\s+(?:i|we)\b|what(?:'s|s|\s+is)\s+the\s+(?:best\s+)?way\s+to\b|is\s+there\s+a\s+way\s+to\b)"
)
_SENTENCE_MARKS = (".", "?", "!", "\n")


def asks_how(text: str) -> bool:
    """Whether a sentence of ``text`` asks how things are done ("what's the best way to get introduced?")."""
    return any(_ASKS_HOW.search(sentence) for sentence in re.split(r"(?<=[.!?\n])\s+", fold(text)))


# "I promise" is the sender's word; "your 12-month guarantee" asks what the owner's terms are.
_NOT_ASKED_PROMISE = re.compile(r"\b(?:i|we|your|the|our|my|their)\s+(?:[\w-]+\s+){0,2}$")


def _sentence_start(folded: str, at: int, marks: tuple[str, ...] = _SENTENCE_MARKS) -> int:
    return max(folded.rfind(mark, 0, at) for mark in marks) + 1


def commitment_hit(text: str) -> str | None:
    folded = fold(text)
    for name, pattern in _COMMITMENT_PATTERNS.items():
        match = pattern.search(folded)
        if not match:
            continue
        before = folded[_sentence_start(folded, match.start()) : match.start()]
        if _ASKS_HOW.search(before + match.group(0)):
            continue
        if name == "promise" and match.group(0) in ("promise", "guarantee") and _NOT_ASKED_PROMISE.search(before):
            continue
        if name == "discount":
            start = _sentence_start(folded, match.start(), (*_SENTENCE_MARKS, "("))
            sentence = folded[start : match.end() + 40]
            if _OWN_OFFER.search(sentence) and not _TO_OWNER.search(sentence):
                continue
        if name != "price":
            return name
        # A price named beside a promise, a refund or a booking ("put in writing that you'll refund
        # your fee") is that commitment, which a published price list does not answer.
        other = commitment_hit(folded[: match.start()] + " " + folded[match.end() :])
        return other or name
    return None


# In owner_chat the owner asks about themselves in the first person.
_OWNER_SELF = re.compile(
    r"\b(?:what(?:'s|\s+is|\s+are|\s+was|\s+were)\s+my\s+(?!\w+\s+(?:deck|draft|notes|email|post|plan)\b)|what\s+do\s+i\s+(?:think|believe|say|feel|prefer)|"
    r"do\s+you\s+know\s+(?:where|what|when|how|who|if|whether|why)\s+i|what\s+did\s+i\s+(?:say|tell|decide|write)|"
    r"(?:am|was)\s+i\s+(?:planning|going|raising|hiring|attending|speaking|\w+ing)|how\s+many\s+(?:\w+\s+){1,2}(?:am|do|did|have|had)\s+i|did\s+(?:i|we)\s+(?:already\s+|ever\s+)?(?:decide|agree|say|block|book|promise|commit|plan|choose|sign|confirm|tell|reply|respond|answer)|"
    r"my\s+(?:opinion|view|views|take|rule|rules|plans?|favou?rite|stance|position|policy|thoughts)\b|what\s+will\s+you\s+tell\s+them|"
    r"if\s+(?:someone|anyone|a\s+founder|people)\s+asks?|when\s+(?:they|people|founders|someone|anyone|clients)\s+ask|what\s+(?:do\s+|would\s+|will\s+)?you\s+tell\s+\w+\s+about)"
)


# "does she take board seats?" asks about the owner when the owner is a "she" and nobody else is named.
_PRONOUN_ASK = {
    pronoun: re.compile(
        rf"\b(?:does|did|is|was|has|had|will|would|can|could)\s+{pronoun}\b(?!\s+(?:think|mean|say)\b)"
        rf"|\b{pronoun}\s+(?:usually|ever|typically|normally|generally|still|only|personally)\b"
    )
    for pronoun in ("she", "he")
}
_SOMEONE_ELSE = re.compile(
    r"\b(?:my|our|his|her|their|the|a|an|this|that)\s+(?:[\w-]+\s+){0,2}(?:co-?founders?|wife|husband|partner|spouse|"
    r"daughter|son|kid|child|mom|mum|dad|mother|father|sister|brother|friend|boss|manager|colleague|teacher|coach|"
    r"advisor|adviser|mentor|investor|lead|client|customer|girlfriend|boyfriend|fianc\w*|aunt|uncle|cousin|niece|nephew|"
    r"grand\w+|dog|cat|puppy|kitten|pup|horse|rabbit|bird|tutor|trainer|agent|landlord|neighbou?r|doctor|vet|nurse|"
    r"contractor|builder|planner|photographer|designer|accountant|lawyer|recruiter|candidate|hire|employee|student|"
    r"guy|girl|woman|man|lady|person|someone|baby|toddler|teen|teenager|boy|pet|bride|groom|host|owner|ex|mate|pal|"
    r"bestie|flatmate|housemate|classmate|workmate|pupil|learner)\b"
)
_NAME_AS_SUBJECT = re.compile(
    r"\b([A-Z][a-z]{2,})(?:'s|\s+(?:is|was|has|had|said|says|told|thinks|wants|keeps|does|did|will|can|won't|doesn't))\b"
)


def pronoun_asks_about_owner(text: str, pronoun: str, owner_names: tuple[str, ...]) -> bool:
    """A question about "she"/"he" that can only mean the owner: the owner's pronoun, and no one else in sight."""
    folded = fold(text)
    pattern = _PRONOUN_ASK.get(pronoun)
    if pattern is None or not pattern.search(folded) or _SOMEONE_ELSE.search(folded):
        return False
    return not any(match.group(1).lower() not in owner_names for match in _NAME_AS_SUBJECT.finditer(text))


def owner_specific_hit(
    text: str, owner_names: tuple[str, ...], *, owner_chat: bool = False, pronoun: str | None = None
) -> str | None:
    folded = spell_out(fold(text))  # "do u do edible prints?", "whats ur take"
    for name, pattern in _OWNER_PATTERNS.items():
        if name == "owner_third_person":
            continue
        if pattern.search(folded):
            return name
    for owner in owner_names:
        if not owner:
            continue
        found = re.search(_OWNER_PATTERNS["owner_third_person"].pattern.replace("{owner}", re.escape(owner)), folded)
        if found:
            # "Maya's rubric" names something of the owner's; "does Maya ..." asks about the owner.
            return "owner_named_possessive" if found.group(0).startswith(f"{owner}'s") else "owner_named"
    if owner_chat and _OWNER_SELF.search(folded):
        return "owner_self"
    if not owner_chat and pronoun and pronoun_asks_about_owner(text, pronoun, owner_names):
        return "owner_pronoun"
    return None


def owner_self_hit(text: str) -> bool:
    """The owner, in owner_chat, asks about themselves ("what's my view on ...")."""
    return bool(_OWNER_SELF.search(fold(text)))


_SMALLTALK_OPENERS = re.compile(
    r"^\W*(?:hi|hey|hello|yo|thanks|thank\s+you|thx|ty|cheers|lol|haha\w*|cool|great|awesome|nice|perfect|ok|okay|bye|"
    r"goodbye|good\s+(?:morning|afternoon|evening|night)|nice\s+to\s+meet|appreciate\s+it|love\s+it|much\s+appreciated)\b"
)


def is_smalltalk(text: str, owner_names: tuple[str, ...] = ()) -> bool:
    names = "|".join(re.escape(n) for n in owner_names if n) or "(?!)"
    folded = re.sub(r"[^\w\s'?!.,:)(]", " ", fold(text))
    if re.match(_SMALLTALK.pattern.replace("{owner}", names), folded):
        return True
    # "lol thanks, that made my day": a pleasantry that asks for nothing.
    return (
        bool(_SMALLTALK_OPENERS.match(folded))
        and word_count(folded) <= 8
        and "?" not in folded
        and not re.search(r"\b(?:what|how|why|when|where|which|who|can|could|should|would|now)\b", folded)
    )


def is_vague(text: str) -> bool:
    """Too underspecified to act on: nothing left once request words and pronouns are set aside."""
    words = [t for t in content_tokens(fold(text)) if t not in _VAGUE_WORDS]
    return not words


QUESTION_NOISE = {
    "actual",
    "ask",
    "best",
    "curious",
    "current",
    "day",
    "describ",
    "experi",
    "explain",
    "faq",
    "feel",
    "first",
    "founder",
    "general",
    "good",
    "honest",
    "know",
    "lot",
    "mind",
    "nutshel",
    "opinion",
    "person",
    "place",
    "question",
    "quick",
    "realli",
    "remind",
    "rough",
    "approxim",
    "avail",
    "peopl",
    "someon",
    "offer",
    "provid",
    "approach",
    "say",
    "share",
    "take",
    "tell",
    "thing",
    "think",
    "thought",
    "time",
    "typic",
    "usual",
    "view",
    "way",
    "wonder",
    "your",
    "random",
    "reckon",
    "bit",
    "kind",
    "sort",
    "send",
    "startup",
    "lol",
    "haha",
    "lmao",
    "guess",
    "suppos",
    "type",
    "nah",
    "eye",
    "tri",
    "prep",
}


@lru_cache(maxsize=16384)
def _key_stems_cached(text: str, owner_names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_key_stems_uncached(text, owner_names))


def _key_stems(text: str, owner_names: tuple[str, ...]) -> frozenset[str]:
    """The words that matter in ``text``, stemmed; sources are re-read every turn, so remembered."""
    return _key_stems_cached(text, owner_names)


def _key_stems_uncached(text: str, owner_names: tuple[str, ...]) -> set[str]:
    owner_stems = {stem(n) for n in owner_names}
    words = content_tokens(canonical(fold(text)))
    # Quantities ("10k", "3x", "2024") say what the question is about less than its words do.
    # Nor do contractions ("you'd", "i'm"), which are pronouns with a verb.
    stems = {stem(t) for t in words if not t[:1].isdigit() and "-" not in t and "'" not in t}
    return stems - QUESTION_NOISE - owner_stems - {stem(w) for w in STOP_WORDS}


_RELATED = 0.34


def _matches(key: str, stems: frozenset[str] | set[str]) -> bool:
    """Exact stem, or one a prefix of the other ("ultra" and "ultramarathon")."""
    if key in stems:
        return True
    if len(key) < 4:
        return False
    if any(key[:n] in stems for n in range(4, len(key))):
        return True
    ordered = _sorted_stems(frozenset(stems))
    at = bisect.bisect_left(ordered, key)
    return at < len(ordered) and ordered[at].startswith(key)


@lru_cache(maxsize=16384)
def _sorted_stems(stems: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(stems))


@lru_cache(maxsize=1)
def _everyday_frequency() -> tuple[int, dict[str, int]]:
    from runtime.intent import load_corpus

    utterances = [u for group in load_corpus().values() for u in group]
    frequency: dict[str, int] = {}
    for utterance in utterances:
        for term in {stem(t) for t in content_tokens(fold(utterance))}:
            frequency[term] = frequency.get(term, 0) + 1
    return len(utterances), frequency


def _everyday_discount(term: str) -> float:
    """Near 1 for a rare word, lower for one that everyday requests use a lot ("people", "total", "day")."""
    total, frequency = _everyday_frequency()
    share = frequency.get(term, 0) / max(total, 1)
    return 1.0 / (1.0 + 60 * share)


# Plans and the present: static notes rarely answer "are you running it this year?".
_CURRENT_OR_FUTURE = re.compile(
    r"\b(?:this|next|coming)\s+(?:year|month|week|season|spring|summer|fall|autumn|winter|quarter)\b|\bupcoming\b|"
    r"\b(?:are|will)\s+you\s+(?:going|planning|running|attending|speaking|coming|hosting|travell?ing|doing|be)\b|"
    r"\bthese\s+days\b|\bright\s+now\b|\bcurrently\b|\bnowadays\b|\b(?:do|are)\s+you\s+still\b|"
    r"\b(?:is|are)\s+(?:the|your|her|his|it|they)\s+(?:[\w-]+\s+){0,3}going\s+to\s+be\b|\bplanning\s+to\b|"
    r"\bwill\s+(?:the|there|it|they)\s+(?:[\w-]+\s+){0,4}(?:still\s+)?(?:be|run|happen|go|take\s+place)\b"
    r"|\bever\s+going\s+to\b|\bin\s+the\s+pipeline\b"
)

# What kind of fact a question asks for: a source that never states one does not answer it
# ("how old is Biscuit?" beside a note that only says Biscuit comes to class).
_ASKS_NUMBER = re.compile(
    r"\bhow\s+(?:many|much|old|often|big|tall|far)\b|\bwhat\s+(?:grade|percentage|score|age|year|valuation|price)\b|\bfor\s+how\s+much\b"
)
_ASKS_NAME = re.compile(
    r"^\W*(?:(?:and|so|but|ok)\s+)?(?:who\b(?!(?:'s|\s+is)\s+(?:right|wrong|correct))|which\s+(?:[\w-]+\s+)?(?:company|companies|fund|firm|school|university|college|"
    r"nursery|agency|studio|gym|brand|person|coach|trainer|investor|buyer|bank|supplier|vendor|shop|store|course|program(?:me)?)\b)"
    r"|\bwho\s+(?:bought|acquired|coached|trained|taught|founded|owns|runs|was|were|is)\b|\bwhat\s+was\s+the\s+name\b"
)
_ASKS_PLACE = re.compile(
    r"^\W*where\s+(?:did|do|does|is|was|are|were)\b(?![^?]*\b(?:stand|draw\s+the\s+line)\b)|\bin\s+which\s+(?:city|country|town)\b"
)
_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|"
    r"thousand|dozen|half|once|twice|single|couple)\b",
    re.I,
)
_PROPER = re.compile(r"(?<![.!?:]\s)(?<!^)(?<!\n)\b[A-Z][a-z]+(?:[A-Z]\w+)?\b")


_SENTENCE = re.compile(r"[^.?!\n]+[.?!]*")


def _kind_asked(question: str) -> re.Pattern[str] | None:
    asked = question_part(question) or question
    for sentence in (m.group(0).strip() for m in _SENTENCE.finditer(fold(asked))):
        if _ASKS_NUMBER.search(sentence):
            return _NUMBER
        if _ASKS_NAME.search(sentence) or _ASKS_PLACE.search(sentence):
            return _PROPER
    return None


def _states_kind(kind: re.Pattern[str], source: Source, keys: frozenset[str], owner_names: tuple[str, ...]) -> bool:
    """Whether the source's sentences about the question's terms state a fact of the kind asked."""
    text = source.text if source.kind == "faq" else f"{source.title}. {source.text}"
    sentences = [m.group(0).strip() for m in _SENTENCE.finditer(text)]
    about = [s for s in sentences if any(_matches(k, _key_stems(s, owner_names)) for k in keys)] or sentences
    owners = {n for name in owner_names for n in name.split()}
    for sentence in about:
        found = kind.findall(sentence)
        if kind is _PROPER:
            found = [w for w in found if w.lower() not in owners and w.lower() not in STOP_WORDS and w != "I"]
        if found:
            return True
    return False


def _asking(parts: list[str]) -> tuple[str, ...]:
    """The parts that ask, when others only tell."""
    asking = tuple(part for part in parts if part.endswith("?"))
    return asking if len(asking) < len(parts) else ()


def asked_sentences(text: str) -> tuple[str, ...]:
    """The sentences of ``text`` that ask, when others only tell ("I'm based in Poland. Do you ...?")."""
    return _asking([m.group(0).strip() for m in _SENTENCE.finditer(text) if m.group(0).strip()])


_CLAUSE_DASH = re.compile(r"\s[-\u2013\u2014]\s")


def asked_clauses(text: str) -> tuple[str, ...]:
    """Like ``asked_sentences``, with the parts of a sentence a dash sets apart read apart too ("I'll be
    driving so I won't be drinking - have you got anything alcohol-free?")."""
    sentences = (m.group(0) for m in _SENTENCE.finditer(text))
    return _asking([part.strip() for sentence in sentences for part in _CLAUSE_DASH.split(sentence) if part.strip()])


def question_part(text: str) -> str:
    """The sentences of ``text`` that ask, without the sender's preamble ("I'm based in Poland.")."""
    return " ".join(asked_sentences(text))


# "What's Giulia's background?", "is he properly qualified?", "where did she train?": the owner's story in
# general, which the owner's own "About" page answers.
_BIOGRAPHY_ASKED = re.compile(
    r"\b(?:background|qualifications?|qualified|credentials|certified|accredited|trained|training|experienced|"
    r"career\s+so\s+far|(?:how\s+long\s+(?:has|have)\s+\w+\s+been\s+(?:doing|in|at|teaching|working|running|trading|a|an)))\b"
    r"|\bwho\s+(?:is|'s)\s+\w+\s+(?:exactly|really|actually)\b|\bwhere\s+did\s+\w+\s+(?:train|study|qualify|learn)\b"
)
_BIOGRAPHY_TITLE = re.compile(
    r"\b(?:about|background|bio|biography|my\s+story|who\s+(?:i|we)\s+am|who\s+we\s+are|meet)\b"
)


def _biography_for(question: str, sources: list[Source], owner_names: tuple[str, ...]) -> Source | None:
    folded = fold(question)
    if not _BIOGRAPHY_ASKED.search(folded):
        return None
    names = {n for name in owner_names for n in name.split() if len(n) >= 3}
    about_owner = bool(names & set(tokens(folded))) or bool(re.search(r"\b(?:you|your|she|he|her|his)\b", folded))
    if not about_owner:
        return None
    kind = _kind_asked(question)
    keys = _key_stems(question, owner_names)
    for source in sources:
        title = fold(source.title)
        words = set(tokens(title))
        if (
            source.kind != "faq"
            and _BIOGRAPHY_TITLE.search(title)
            and (names & words or "my" in words or "me" in words)
        ):
            if kind is None or _states_kind(kind, source, keys, owner_names):
                return source
    return None


def grounding_for(
    question: str, sources: list[Source], owner_names: tuple[str, ...], vocabulary: Vocabulary | None = None
) -> Grounding:
    """Whether the twin's own sources answer ``question``; the best sources first.

    An FAQ entry grounds a question when most of the question's key terms are in
    its question; a document grounds it when it covers most of the key terms. A
    message with a preamble is also read by its questions alone.
    """
    found = _grounding_for(question, sources, owner_names, vocabulary)
    if not found.grounded:
        bio = _biography_for(question, sources, owner_names)
        if bio is not None:
            return Grounding(True, found.score, (bio,), (bio,))
    asked = question_part(question)
    if asked:
        narrowed = _grounding_for(asked, sources, owner_names, vocabulary)
        if not found.grounded and (narrowed.grounded or (narrowed.related and not found.related)):
            return narrowed
        # The preamble's words ("we're a B2B team") can ground what the question itself does not ask.
        if found.grounded and not narrowed.grounded and len(_key_stems(asked, owner_names)) >= 2:
            return narrowed
    return found


def _grounding_for(
    question: str, sources: list[Source], owner_names: tuple[str, ...], vocabulary: Vocabulary | None
) -> Grounding:
    keys = _key_stems(question, owner_names)
    if not keys:
        return Grounding(False, 0.0, ())
    texts = {s.id: _key_stems(f"{s.title} {s.text}", owner_names) for s in sources}
    # Words most of the twin's sources share say least about a match; a word none uses says most,
    # unless it is everyday language (common across the general intent corpus).
    if vocabulary is not None and vocabulary.documents:
        n, df = vocabulary.documents, vocabulary.frequency
        weight = {k: math.log((n + 1) / (0.5 + df.get(k, 0))) * _everyday_discount(k) for k in keys}
    else:
        n = max(len(sources), 4)
        weight = {
            k: math.log((n + 1) / (0.5 + sum(_matches(k, t) for t in texts.values()))) * _everyday_discount(k)
            for k in keys
        }
    total = sum(weight.values()) or 1.0

    def coverage(stems: set[str]) -> float:
        return sum(weight[k] for k in keys if _matches(k, stems)) / total

    everyday = {k: _everyday_discount(k) for k in keys}
    scored: list[tuple[float, Source]] = []
    for source in sources:
        # An FAQ question or a document title is a paraphrase target: its words weigh by how
        # everyday they are, not by how rare they are among the twin's sources.
        heading = _key_stems(source.title, owner_names)
        plain = sum(w for k, w in everyday.items() if _matches(k, heading)) / (sum(everyday.values()) or 1.0)
        if source.kind == "faq":
            score = max(plain, coverage(heading), 0.8 * coverage(texts[source.id]))
        else:
            score = max(coverage(texts[source.id]), plain)
        scored.append((score, source))
    # Ties go by content, never by the random id, so the same sources always give the same answer.
    scored.sort(key=lambda pair: (-pair[0], pair[1].kind != "faq", pair[1].title, pair[1].text, pair[1].id))
    best = scored[0][0] if scored else 0.0
    # One shared word is chance, not grounding: a lone key term must be in an FAQ question or a title.
    needed = 0.53 if len(keys) >= 2 else 1.0
    supporting = tuple(source for score, source in scored if score >= max(needed, best - 0.15))
    if len(keys) == 1:
        (key,) = keys
        supporting = tuple(s for s in supporting if _matches(key, _key_stems(s.title, owner_names)))
    supporting = supporting[:3]
    if _CURRENT_OR_FUTURE.search(fold(question)):
        # Only an FAQ entry whose question asks the same thing answers for the present.
        supporting = tuple(
            s for s in supporting if s.kind == "faq" and coverage(_key_stems(s.title, owner_names)) >= needed
        )
    kind = _kind_asked(question) if supporting else None
    if kind is not None:
        supporting = tuple(s for s in supporting if _states_kind(kind, s, keys, owner_names))
    grounded = bool(supporting) and best >= needed
    related = tuple(source for score, source in scored if score >= _RELATED)[:3]
    return Grounding(grounded, round(best, 3), supporting if grounded else (), supporting if grounded else related)
