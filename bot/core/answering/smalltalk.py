"""Recognise greetings, thanks and questions about the bot itself.

People say "hi", "thanks!", "done!", "will try later" and "are you a real doctor?" to bots.
Matching those against the knowledge base gives odd answers ("good morning" is not a question
about when to stretch), so they are recognised first and get a short, friendly reply from
``texts.yaml`` instead.
Only messages that are nothing but small talk count: "thanks, and how long do I hold pigeon?"
is a question.
"""

from __future__ import annotations

import re
from typing import Literal

from bot.core.normalise import fold

SmallTalk = Literal["greeting", "thanks", "done", "later", "about_bot"]
MAX_SMALL_TALK = 60  # characters, folded: longer messages are questions

_GREETING = re.compile(
    r"^(hi+|hey+|hello+|hiya|howdy|yo|sup|hola|good (morning|afternoon|evening|day)|"
    r"morning|evening|greetings|how are you|how r u|how are u|hows it going|what'?s up)"
    r"( there| bot| everyone| all| guys)?( how are you| how r u)?$"
)
_THANKS = re.compile(
    r"^((ok|okay|great|cool|perfect|brilliant|awesome|nice|lovely|got it|good|many|big)( )?)*"
    r"(thanks+|thank you|thank u|thx|ty|cheers|ta|much appreciated|appreciate it)"
    r"( (so|very) much| a lot| loads| heaps| mate| bot| again| dear| love| hun| x+)*$"
    r"|^(ok|okay|great|cool|perfect|brilliant|awesome|nice|lovely|got it|bye|goodbye|see you)$"
)
# What is said around thanks when leaving ("you've been very helpful", "have a lovely evening"):
# a message of these and thanks, clause by clause, is thanks.
_PRAISE_OR_FAREWELL = re.compile(
    r"^((you ?(ve|have) been|you ?re|you are|that ?(was|s|is)|this (was|is)|it ?s been) "
    r"((so|very|really|super|such a|a|ever so) )*(helpful|kind|great|brilliant|a star|"
    r"a great help|a big help|a help|lovely|useful|amazing)"
    r"|(have a )?(lovely|nice|good|great|wonderful|fab) (day|evening|night|weekend|one)"
    r"|take care|bye|bye for now|bye bye|cheerio|goodbye|good night|night night|see you|"
    r"speak soon|god bless|all the best)"
    r"( (dear|mate|love|hun|x+))*$"
)
_CLAUSE_MARK = re.compile(r"[.,!;\n]+")
# An exercise just done, told ("done!", "ok did it", "finished that one"): no question of
# when to see a professional or of anything else, whatever words it shares with one.
_DONE = re.compile(
    r"^((ok|okay|right|yep|yes|yay|cool|great|phew|and|annnd|aaand)( )?)*"
    r"(done|all done|done it|did it|done that|done them|done both|done both sides|finished|"
    r"tried it|just tried it|tried that|tried them|gave it a (go|try|crack|bash|whirl)|"
    r"had a (go|try|crack|bash)( at it)?|"
    r"all finished|finished it|finished that|finished them|completed|completed it|complete|"
    r"that s done|thats done|that is done)"
    r"( one| ones| now| then| thanks| thank you| cheers| phew| woo| yay)*$"
)
# An exercise put off for now, told ("im at work, will try later", "ill give them a go tonight"):
# no question, whatever words it shares with one ("work").
_LATER = re.compile(
    r"^((ok|okay|right|cool|great|thanks|cheers|ta|sure|sounds good|will do)( )?)*"
    r"((i am|im|i m) (at work|out|driving|busy|on the bus|on the train|on my way|in the office)"
    r"( now| right now| atm| at the moment)?( )?)?"
    r"((i ?ll|i will|will|gonna|going to|i am going to|im going to|i m going to) "
    r"(try|do|give) (it|them|that|those|these|this|one|it a go|them a go|that a go|"
    r"it a try|them a try)?( ?(later|tonight|tomorrow|after work|this evening|in a bit|"
    r"when i get home|when im home|at home|later on|later today)))"
    r"( then| thanks| thank you| cheers)*$"
)
_ABOUT_BOT = re.compile(
    r"^((who|what) (made|built|created|programmed|are|r) (you|u)|"
    r"are (you|u) (a |an )?(bot|robot|human|real|real person|ai|chatgpt|doctor|real doctor|"
    r"person|physio|machine)|what('?s| is) your name|what can (you|u) do|"
    r"what do (you|u) do|how do (you|u) work|who is this|what is this bot)\b"
)


def classify(text: str) -> SmallTalk | None:
    """Which kind of small talk ``text`` is, if it is nothing else."""
    if len(text) > 4 * MAX_SMALL_TALK:  # emoji and punctuation fold away, but not this much
        return None
    folded = fold(text).replace("-", " ")
    if not folded:
        return None
    if len(folded) > MAX_SMALL_TALK:
        return "thanks" if _thanks_and_farewell(text) else None
    if _GREETING.match(folded):
        return "greeting"
    if _THANKS.match(folded):
        return "thanks"
    if _DONE.match(folded):
        return "done"
    if _LATER.match(folded):
        return "later"
    if _ABOUT_BOT.match(folded):
        return "about_bot"
    return "thanks" if _thanks_and_farewell(text) else None


def _thanks_and_farewell(text: str) -> bool:
    """Whether a longer message only thanks, praises and says goodbye, clause by clause
    ("Thank you so much dear, you've been very helpful. Have a lovely evening")."""
    clauses = [fold(part).replace("-", " ").replace("'", "") for part in _CLAUSE_MARK.split(text)]
    clauses = [clause for clause in clauses if clause]
    return any(_THANKS.match(clause) for clause in clauses) and all(
        _THANKS.match(clause) or _PRAISE_OR_FAREWELL.match(clause) for clause in clauses
    )
