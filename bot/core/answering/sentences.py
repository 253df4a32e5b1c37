"""A message's sentences, and which of them asks: the reader's view of a long message.

``understanding`` reads a long message as its question with the sentences around it as its
story; these decide where the sentences are, which one asks, and where a question's own
lead-in ends ("PE teacher, 35, about to demo this: in the kneeling stretch, ...?").
"""

from __future__ import annotations

import re
from functools import partial

from bot.core.asking import OPENERS, first_word, may_open_a_question, opens_a_question
from bot.core.normalise import EMOJI_RANGES, fold

LEAD_IN_WORDS = 8  # words before a dash that make a story of their own

# A sentence ends at its mark, or at an emoji, as a chat message's often do ("... while i was
# flailing 😂 could you explain ...").
_ENDS = ".!?;\n" + EMOJI_RANGES
_SENTENCE = re.compile(rf"[^{_ENDS}]+[{_ENDS}\ufe0f\u200d]*")
# A word, for the first words of a sentence: "what's" and "whats" open with "what".
_WORD = re.compile(r"(?:what|how|where|who)(?=s\b)|[a-z]+")
# A sentence that asks without a question's words: "I'd like to know ...", "please explain ...".
_REQUEST = re.compile(
    # (after a greeting: "Dear sir, please explain ...")
    r"\W*(?:(?:dear|hi|hello|hey|good\s+(?:morning|afternoon|evening))(?:\s+\w+){0,3}?\s+)?"
    r"(?:(?:so|and|but|ok|okay|anyway|really|just|honestly),?\s+)*"
    r"(?:i(?:'d| would|d)\s+(?:like|love|appreciate)|i\s+(?:want|need|wanted|needed)\s+to\s+"
    r"(?:know|understand|learn|find out)|please\s+(?:explain|tell|describe|show|give)|"
    r"i(?:'m| am|m)\s+(?:after|looking for|trying to understand)|"
    # a question told as a doubt: "Not sure if they are in the front or the back."
    r"(?:i(?:'m| am|m)\s+)?not\s+sure\s+(?:if|whether|what|how|which|why|where)|"
    r"i\s+(?:wonder|wondered|was wondering)\s+(?:if|whether|what|how|which|why|where)|"
    r"i\s+(?:do not|don't|dont)\s+(?:know|understand)\s+(?:if|whether|what|how|which|why|where)|"
    # a letter's way to ask: "I would be most grateful if you could set out ...", "I should be
    # grateful to learn whether ..." (not "grateful for a reply": thanks in advance)
    r"i(?:'d| would| should|d)\s+be\s+(?:most\s+|very\s+|extremely\s+|really\s+|so\s+)?"
    r"(?:grateful|thankful|obliged)\s+(?:if|to\s+(?:know|learn|hear|understand)))\b"
)
# A question said to come second ("Secondly, and of far less importance, is it ...?"): the one
# before it, or the request before it, is the main one.
_SECONDARY = re.compile(r"\W*(?:and\s+)?(?:secondly|second|p\s?s|on a side note|as a side note)\b")
# A question asked inside a sentence for someone else, or told as a wish ("typing this for my
# grandad, he wants to know what exercises help"): what to know opens a question's words.
_WANTS_TO_KNOW = re.compile(
    r"\b(?:wants?|wanted|wanting|would like|d like|needs?|needed) to (?:know|find out|ask) "
    r"(?:what|how|which|why|when|where|if|whether|about)\b"
)
# A sentence that only signs off ("Cheers", "thanks in advance x"): never the question.
_SIGN_OFF = re.compile(
    r"(?:(?:many |big )?(?:thanks|thank you|thx|ta|cheers|regards|best wishes|kind regards|"
    r"all the best|bless|god bless|x+|xo+)(?: (?:in advance|so much|a lot|again|mate|all|"
    r"everyone|love|x+))*\s*)+"
)
# A letter's closing at the very end, with the name signed under it ("... form? Best, Anja",
# "Yours sincerely,\nMargaret Ellis"): after a mark or a line break, a closing phrase and up to
# four capitalised words. Neither part of the question nor a story: its words only lower the
# confidence of what was asked.
_CLOSING = re.compile(
    r"(?<=[\n.!?,;])\s*(?i:best wishes|best regards|kind regards|warm regards|warmest regards|"
    r"with (?:kind |best |warm )?regards|with (?:best )?wishes|with gratitude|with love|"
    r"thank you(?: kindly| very much| so much)?|bless you|god bless|lots of love|"
    r"many thanks|with thanks|with respect|yours sincerely|yours faithfully|yours truly|"
    r"yours respectfully|respectfully|sincerely|faithfully|regards|best|cheers|atentamente|"
    r"cordiali saluti|veuillez agr[ée]er"
    r"[^\n]*|mit freundlichen gr[üu](?:ß|ss)en|un saludo|saludos)\b[\s,.!]*"
    # (the name may hold a rank in brackets, "Major (retd) C. Ashworth", and an emoji may follow;
    # not a question mark: "THANK YOU. WHAT ARE THE HIP FLEXORS?" asks, in capitals)
    r"(?:[A-Z][\w'’-]*\.?(?:[ \t]+(?:[A-Z][\w'’-]*\.?|\([\w. ]+\))){0,4})?[^\w?]*\Z"
)
# Verbs that ask when they open a sentence with no question in the message ("list them pls").
_IMPERATIVE = frozenset("list name tell show give explain describe recommend suggest send".split())
_POLITE = re.compile(r"\b(?:pls|plz|please|plse|plez)\W*$")  # "pigeon instructions pls"
_LEAD_IN = re.compile(r":\s|\s[-\u2013\u2014]+\s")  # "...: what", "... - can i"
# ... or a comma before a wish to know ("0 pain, 0 numbness, just want to know how to do it"):
# what comes before it is told, what follows asks.
_WISH_AFTER_COMMA = re.compile(
    r",\s+(?=(?:(?:and|so|but|just|really|i|im|i'm|am|was|been|have)\s+){0,3}"
    r"(?:(?:want|wanted|need|needed|"
    r"would like|d like)\s+to\s+(?:know|understand|learn|ask)|wondering|curious)\b)",
    re.IGNORECASE,
)
# A sentence that says which of the questions before it matters ("Also, do I need a block?
# Really it's the yoga question I care about."): the first question is the one to answer.
_PRIORITY = re.compile(
    r"\b(?:mostly|mainly|main (?:thing|question|one|bit|part)|most important(?:ly)?|"
    r"first (?:bit|part|question|one)|care about (?:most|more)|i (?:really|mostly|mainly) care|"
    r"(?:question|bit|part|one|thing) i (?:really |most |mostly )?care about|"
    r"(?:really|mostly|mainly) (?:it is|its) the)\b"
)
# A sentence after the last question that says it holds the real one, though it has no question
# mark ("... is that a drummer thing? anyway what i really wanna know is what happens ..."): it is
# the question.
_REAL_QUESTION = re.compile(
    r"\b(?:what i (?:really |actually )?(?:want to|wanna|need to) know is|"
    r"what i (?:really|actually) (?:want to|wanna|need to) know|"
    r"my (?:real|actual|main) question|the (?:real|actual) question)\b"
)
# A question that only hands the one before it over: "... what kind of professional she should
# see. Any idea?", "My hips are tight from cycling. Thoughts?" (the sentence before is asked).
_HANDS_OVER = re.compile(
    r"\W*(?:(?:so|and|ok|okay|any(?:one|body)?),? )?(?:(?:got|have you got|do you have) )?"
    r"(?:any )?(?:ideas?|thoughts?|advice|tips?|suggestions?|help|clue|views?|pointers?)"
    r"(?: (?:please|pls|plz|anyone|at all|guys|here|on this|on that))*\W*$"
    # a question word alone, narrowing the question before it ("should i see someone? who")
    r"|\W*(?:who|which|where|when|how)\W*$"
)
# A question that depends on the one before it: "And if so, what do I do about it?"
_IF_SO = re.compile(
    r"(?:(?:and|but|so|ok|okay),? )?if (?:so|yes|it is|that is(?: the case| true)?)\b"
)
# Where the question starts inside a long sentence with no full stop ("... and i never got the
# full explanation so i guess i want to know how tight hip flexors ..."): a few words that only
# open a question or a request after the story.
_ASKS_FROM_HERE = re.compile(
    r"\b(?:so|and|but) (?:i (?:guess|suppose|think|reckon) )?(?:what i(?: am|m)? "
    r"(?:asking|wondering|trying to ask) is|my (?:real |main )?question is|"
    r"i (?:just |really )?(?:want|wanted|need|needed|would like|d like) to (?:know|understand|ask)|"
    r"i(?: am|m) (?:wondering|asking))\b"
)
# ... or where "anyway" turns from the story to a question ("... the price of everything anyway
# what is it about tight hip flexors that hurts your back"), as people talk with no full stop:
# the words after it open a question as a sentence's first words would (``opens_a_question``).
_ANYWAY = re.compile(r"\b(?:anyway|anyways|anyhow)\b")
# ... or, in a sentence without a question mark, where question words start asking ("... my back
# is just stiff after kneeling at the beds how long do i hold the stretch"): a question word with
# the verb after it, or a verb that asks with what it asks about. Not a question only told ("i
# don't know how long to stay"), and never inside a sentence that asks with its question mark
# (it may ask two things).
_WH_ASKS = re.compile(
    r"\b(?:how (?:(?:long|many|often|much) )?(?:do|does|can|should|would|will|is|are|am|must)|"
    r"what (?:is|are|does|do|can|should|would|stretches|exercises)|"
    r"which (?:stretch|stretches|exercise|exercises|one|ones|is|are)|why (?:do|does|is|are|would)|"
    r"(?:would|does|do|should|can|could|will) (?:yoga|stretching|sitting|cycling|it|that|this|"
    r"these|those)|is (?:yoga|stretching|sitting|cycling) )"
)
# ... and, when no sentence opens as a question, the words that ask inside one that tells a
# story first (not "does it", which a story says: "my flatmate does it every night").
_ASKS_INSIDE = re.compile(
    r"\b(?:how (?:long|many|often|much|do|does|can|should)|what (?:is|are|can|should)|"
    r"which (?:stretch|stretches|exercise|exercises)|why (?:do|does|is|are)|"
    r"(?:could|would|should|can|will|might) (?:all (?:that|this|the|my)|it be|that be|this be|"
    r"yoga|stretching|sitting|cycling))\b"
)
RUN_ON_WORDS = 25  # words of one sentence beyond which a question may start inside it
# ... or, after a question with no mark at all, where the writer starts telling of themselves
# ("can yoga help tight hip flexors i had a slipped disc years ago but its fine"): "i" and a verb
# that tells, after a word that no clause of the question would end with ("if i have", "what
# time i do", "should i work" go on asking).
_TELLS_FROM_HERE = re.compile(
    r"\b(\w+) i (?:had|have|ve|was|am|m|got|used to|work|worked|sit|hurt|injured|broke|fell|"
    r"suffer|suffered)\b"
)
_GOES_ON = frozenset(
    "if when whenever while because cause cos coz since that so and but or as before after until "
    "till where what how why which who whether do does did can could should would will shall may "
    "might must am are is was were have has had think mean say said know guess reckon".split()
)
# What a question is for, said after it ("... step by step so i can practise at home before
# class?", "... so i don't teach 2000 people the wrong thing?"), or whom: no part of what it asks.
_PURPOSE = re.compile(
    r"\s+so (?:that )?(?:i|we) (?:can|could|do not|don't|dont|won't|wont|will not|am not|get to|"
    r"know|have)\b.*$"
    # or when it is done: "how many reps before i move on to the next one?"
    r"|\s+(?:before|until|till) (?:i|we) (?:move|go|switch|swap|change|start)\b.*$"
    # or whom it is for: "which stretches help tight hips for an aussie rules team", "what
    # exercises would you give a netball squad with sore backs"
    r"|\s+(?:for|give|teach|show) (?:to )?(?:a|an|my|the|our|his|her|their|some) "
    r"(?:[\w-]+ ){0,3}(?:team|teams|squad|squads|class|classes|club|group|groups|clients|"
    r"players|athletes|students|pupils|kids|children|boys|girls|lads|members|patients|"
    r"residents|runners|dancers|riders|crew|staff|colleagues|learners|seniors|juniors)\b.*$"
    # or what it prepares for: "... to get ready for my hiking trip", "... before my first half
    # marathon" (an event ahead, not a time of day: "before bed" may be what is asked)
    r"|\s+(?:so as |in order )?to (?:get |be |feel )?(?:ready|prepared) for\b.*$"
    r"|\s+to prepare for\b.*$"
    r"|\s+(?:before|ahead of|in time for|for) (?:my|our|the|a|an|this|next) (?:[\w-]+ ){0,3}"
    r"(?:trip|holiday|holidays|vacation|race|marathon|wedding|flight|season|tournament|"
    r"competition|event|tour|trek|hike|journey|gig|concert|performance|sportive|triathlon)\b.*$",
    re.IGNORECASE | re.DOTALL,
)
PURPOSE_KEPT_WORDS = 3  # words a question keeps before its purpose, at least
# Words that point back at something said before ("how do I do that?"), and those words or
# "there", where the last answer put you ("how long do I stay down there?").
_BACK = "they|them|it|that|this|those|these"
REFERS = re.compile(rf"\b(?:{_BACK})\b", re.IGNORECASE)
# A pronoun that names a thing ("how do i set it up?"), not a whole story ("that", "this").
NAMES_A_THING = re.compile(r"\b(?:it|them)\b")
POINTS_AT = re.compile(rf"\b(?:{_BACK}|there)\b", re.IGNORECASE)


def said_something(sentences: list[str]) -> list[str]:
    """The sentences that say more than a word opening a thought ("right.", "ok then."): such
    a sentence asks nothing, and "right" read as a word of the question is a side."""
    said = [s for s in sentences if not _only_openers(_WORD.findall(fold(s)))]
    return said if said else sentences


def _only_openers(words: list[str]) -> bool:
    return bool(words) and all(word in OPENERS for word in words)


def without_closing(text: str) -> str:
    """The message without a letter's closing and the name under it, if it ends with one."""
    if "\n" not in text and "," not in text and "." not in text:
        return text  # (most messages: no closing can follow a mark)
    found = _CLOSING.search(text)
    return text[: found.start()].rstrip() if found is not None and found.start() else text


def without_purpose(question: str) -> str | None:
    """The question without what it is for after it, or None when it says no purpose, or
    what is left does not open as a question or a request ("my back hurts so i can't sleep"
    tells; "give them to me again so i can write them down" asks)."""
    found = _PURPOSE.search(question)
    if found is None:
        return None
    kept = question[: found.start()]
    words = _WORD.findall(fold(kept))
    if len(words) < PURPOSE_KEPT_WORDS or not may_open_a_question(words):
        return None
    return kept


def sentences_of(text: str) -> list[str]:
    """The sentences of a message, without the empty ones."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def question_index(sentences: list[str]) -> int:
    """The sentence that asks: the last one with a question mark or the first words of a
    question ("... just muscle fatigue i guess? how many seconds do i hold it"; the one before
    it when it only hands that one over: "... Any idea?"), or the first
    such when a sentence after it says the first matters most ("Also, do I need a block?
    Really it's the yoga question I care about."); else the last one that asks as a request
    ("I'd like to understand the mechanism: what happens ..."), else the last one that asks
    inside for someone ("he wants to know what ..."), else the last one that opens
    with a verb that asks ("list them pls, baby napping"), else the last one with question
    words inside it, else the last one that ends with "please", else the last one."""
    last = next(filter(partial(_asks, sentences), range(len(sentences) - 1, -1, -1)), None)
    if last is not None:
        if last > 0 and _HANDS_OVER.match(fold(sentences[last])):
            return question_index(sentences[:last])
        if _IF_SO.match(fold(sentences[last])):
            # "Is the riding part of the problem? And if so, what do I do?": the question the
            # second depends on is the one asked.
            return next(filter(partial(_asks, sentences), range(last - 1, -1, -1)), last)
        real = [
            i for i in range(last + 1, len(sentences)) if _REAL_QUESTION.search(fold(sentences[i]))
        ]
        if real:
            return real[-1]
        if any(_PRIORITY.search(fold(later)) for later in sentences[last + 1 :]):
            # (the first that asks: the rest are only read when a sentence said so)
            return next(filter(partial(_asks, sentences), range(last)), last)
        if _SECONDARY.match(fold(sentences[last])):
            # "... set out what this tilt does. Secondly, is it something one could see?"
            return next(
                (
                    i
                    for i in range(last - 1, -1, -1)
                    if _asks(sentences, i) or _REQUEST.match(fold(sentences[i]))
                ),
                last,
            )
        return last
    for index in range(len(sentences) - 1, -1, -1):
        if _REQUEST.match(fold(sentences[index])):
            return index
    for index in range(len(sentences) - 1, -1, -1):
        if _WANTS_TO_KNOW.search(fold(sentences[index])):
            return index
    for index in range(len(sentences) - 1, -1, -1):
        # "list the stretches pls, baby napping, have 10 min": a request in the imperative
        if first_word(_WORD.findall(fold(sentences[index]))) in _IMPERATIVE:
            return index
    for index in range(len(sentences) - 1, -1, -1):
        # a question asked inside a sentence after its story, with a statement after it ("i
        # drive all day could all that sitting be making my hips tight. no pins and needles")
        if _ASKS_INSIDE.search(fold(sentences[index])):
            return index
    for index in range(len(sentences) - 1, -1, -1):
        # a request that ends asking nicely ("pigeon instructions pls, my teacher goes too fast")
        if _POLITE.search(fold(sentences[index])):
            return index
    # the last sentence that is more than a sign-off ("... could you explain that bit. Cheers")
    return next(
        (
            i
            for i in range(len(sentences) - 1, 0, -1)
            if not _SIGN_OFF.fullmatch(fold(sentences[i]))
        ),
        0,
    )


# A question added after others as one of its own ("Also, is it true I should drink more water?",
# "PS how much does a chiro cost?"): what it asks about is no part of theirs.
_ADDED = re.compile(
    r"(?:and )?(?:also|plus|ps|p s|btw|by the way|oh and|one more thing|another thing|"
    r"separately|unrelated|on another note|side question)\b"
)


def adds_a_question(sentence: str) -> bool:
    """Whether a sentence opens as a question added to the others of its message."""
    return _ADDED.match(fold(sentence).lstrip(" ,.-")) is not None


def other_questions(sentences: list[str], asked: int, among: list[int]) -> list[int]:
    """The sentences of ``among`` (indexes in message order) besides ``asked`` that ask, the
    last first: a question, a request, or words that only add a question to another ("any
    tips on doing it properly"). Read when the question chosen is not understood ("... feet
    where? how high do you lift? any tips on doing the bridge properly")."""
    found = []
    for index in reversed(among):
        if index == asked:
            continue
        sentence = sentences[index]
        folded = fold(sentence)
        if (
            "?" in sentence
            or may_open_a_question(_WORD.findall(folded))
            or _REQUEST.match(folded) is not None
        ):
            found.append(index)
    return found


def _asks(sentences: list[str], index: int) -> bool:
    """Whether the sentence at ``index`` asks: a question mark, or a question's first words."""
    sentence = sentences[index]
    return "?" in sentence or opens_a_question(_WORD.findall(fold(sentence)))


def turns_apart(sentences: list[str]) -> list[str]:
    """Sentences cut where "anyway" turns from a story to a question, at any length ("i nearly
    wet myself laughing at the grandkids anyway what are the signs ..."): the word ends a
    sentence as a full stop would."""
    cut: list[str] = []
    for sentence in sentences:
        lowered = sentence.lower()
        if "anyway" in lowered or "anyhow" in lowered:
            folded = fold(sentence)
            turns = [
                turn.start()
                for turn in _ANYWAY.finditer(folded)
                if opens_a_question(_WORD.findall(folded[turn.end() :]))
            ]
            cut += _cut(sentence, folded, turns[-1] if turns else 0)
        else:
            cut.append(sentence)
    return cut


def run_ons_apart(sentences: list[str]) -> list[str]:
    """A long message's sentences, where a long sentence is cut where its question starts ("...
    and the session ran out so i guess i want to know how ...", "... stiff after kneeling how
    long do i hold it"): story, then question. Only the last such start counts."""
    cut: list[str] = []
    for sentence in sentences:
        # (most sentences are short: only a long one is folded)
        if sentence.count(" ") + 1 >= RUN_ON_WORDS:
            folded = fold(sentence)
            starts = [
                *(start.start() for start in _ASKS_FROM_HERE.finditer(folded)),
                *(
                    ()
                    if "?" in sentence
                    else (start.start() for start in _WH_ASKS.finditer(folded))
                ),
            ]
            cut += _cut(sentence, folded, max(starts, default=0))
        else:
            cut.append(sentence)
    return cut


def tells_apart(sentences: list[str]) -> list[str]:
    """A lone sentence with no mark that asks, then tells of the writer, as the question and
    the telling ("can yoga help tight hip flexors i had a slipped disc years ago"); the sentences
    as they are otherwise."""
    if len(sentences) != 1 or "?" in sentences[0]:
        return sentences
    folded = fold(sentences[0])
    if not opens_a_question(_WORD.findall(folded)):
        return sentences
    starts = (
        start.start(0) + len(start.group(1)) + 1
        for start in _TELLS_FROM_HERE.finditer(folded)
        if start.group(1) not in _GOES_ON
    )
    return _cut(sentences[0], folded, next(starts, 0))


def _cut(sentence: str, folded: str, at: int) -> list[str]:
    """``sentence`` as its story and its question, cut before the character ``at`` of its
    folded text; whole when ``at`` is its start or a side would be empty."""
    if at > 0:
        where = _at_word(sentence, len(folded[:at].split()))
        head, tail = sentence[:where].strip(), sentence[where:].strip()
        if head and tail:
            return [head, tail]
    return [sentence]


def _at_word(sentence: str, count: int) -> int:
    """The character position in ``sentence`` where its folded word number ``count`` (from 0)
    starts ("3-hour" is two folded words, "!" none)."""
    seen = 0
    for token in re.finditer(r"\S+", sentence):
        if seen >= count:
            return token.start()
        seen += len(fold(token.group()).split())
    return len(sentence)


def lead_ins_apart(sentences: list[str]) -> list[str]:
    """A long message's question sentence with its lead-in apart: "PE teacher, 35, about to demo
    this to a class: in the kneeling stretch, which knee goes down?" asks after the colon (or
    a dash); what comes before is its story. Only where what follows asks."""
    asked = question_index(sentences)
    question = sentences[asked]
    cuts = list(_LEAD_IN.finditer(question))
    for cut in reversed(cuts):
        head, tail = question[: cut.start()].strip(), question[cut.end() :].strip()
        if not head or not tail:
            continue
        # A colon announces what follows when it asks ("...: in the kneeling stretch, which
        # knee goes down?"); a dash only a question after a story of its own that does not
        # point back at it ("... but my back aches too - how can hip flexors cause that?").
        opens = opens_a_question(_WORD.findall(fold(tail)))
        if (":" in cut.group() and (opens or "?" in tail)) or (
            opens and len(head.split()) >= LEAD_IN_WORDS and not REFERS.search(tail)
        ):
            return [*sentences[:asked], head, tail, *sentences[asked + 1 :]]
    wish = _WISH_AFTER_COMMA.search(question)
    if wish is not None and wish.start() > 0:
        head, tail = question[: wish.start()].strip(), question[wish.end() :].strip()
        return [*sentences[:asked], head, tail, *sentences[asked + 1 :]]
    return sentences
