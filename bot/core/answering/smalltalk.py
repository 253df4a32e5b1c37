"""Recognise greetings, thanks and questions about the bot itself.

People say "hi", "thanks!", "done!" and "are you a real doctor?" to bots. Matching those against the
knowledge base gives odd answers ("good morning" is not a question about when to stretch), so
they are recognised first and get a short, friendly reply from ``texts.yaml`` instead.
Only messages that are nothing but small talk count: "thanks, and how long do I hold pigeon?"
is a question.
"""

from __future__ import annotations

import re
from typing import Literal

from bot.core.normalise import fold

SmallTalk = Literal["greeting", "thanks", "done", "about_bot"]
MAX_SMALL_TALK = 60  # characters, folded: longer messages are questions

_GREETING = re.compile(
    r"^(hi+|hey+|hello+|hiya|howdy|yo|sup|hola|good (morning|afternoon|evening|day)|"
    r"morning|evening|greetings|how are you|how r u|how are u|hows it going|what'?s up)"
    r"( there| bot| everyone| all| guys)?( how are you| how r u)?$"
)
_THANKS = re.compile(
    r"^((ok|okay|great|cool|perfect|brilliant|awesome|nice|lovely|got it|good)( )?)*"
    r"(thanks+|thank you|thank u|thx|ty|cheers|ta|much appreciated|appreciate it)"
    r"( (so|very) much| a lot| loads| heaps| mate| bot| again)*$"
    r"|^(ok|okay|great|cool|perfect|brilliant|awesome|nice|lovely|got it|bye|goodbye|see you)$"
)
# An exercise just done, told ("done!", "ok did it", "finished that one"): no question of
# when to see a professional or of anything else, whatever words it shares with one.
_DONE = re.compile(
    r"^((ok|okay|right|yep|yes|yay|cool|great|phew|and|annnd|aaand)( )?)*"
    r"(done|all done|done it|did it|done that|done them|done both|done both sides|finished|"
    r"all finished|finished it|finished that|finished them|completed|completed it|complete|"
    r"that s done|thats done|that is done)"
    r"( one| ones| now| then| thanks| thank you| cheers| phew| woo| yay)*$"
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
    if not folded or len(folded) > MAX_SMALL_TALK:
        return None
    if _GREETING.match(folded):
        return "greeting"
    if _THANKS.match(folded):
        return "thanks"
    if _DONE.match(folded):
        return "done"
    if _ABOUT_BOT.match(folded):
        return "about_bot"
    return None
