"""The YAML knowledge base: its model, its catalogue of texts, and the loader that validates it."""

from bot.core.knowledge.catalogue import MAX_LABEL, MAX_TOAST, TEXT_KEYS, TEXT_LIMITS, fill
from bot.core.knowledge.loader import load_knowledge
from bot.core.knowledge.model import (
    Entry,
    EntryKind,
    FollowUp,
    KnowledgeBase,
    Phrasing,
    RedFlag,
)
from bot.core.knowledge.problems import KnowledgeError, Problem

__all__ = [
    "MAX_LABEL",
    "MAX_TOAST",
    "TEXT_KEYS",
    "TEXT_LIMITS",
    "Entry",
    "EntryKind",
    "FollowUp",
    "KnowledgeBase",
    "KnowledgeError",
    "Phrasing",
    "Problem",
    "RedFlag",
    "fill",
    "load_knowledge",
]
