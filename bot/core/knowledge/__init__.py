"""The YAML knowledge base: its model, its catalogue of texts, and the loader that validates it."""

from bot.core.knowledge.catalogue import MAX_LABEL, MAX_TOAST, TEXT_KEYS, TEXT_LIMITS, fill
from bot.core.knowledge.loader import load_knowledge
from bot.core.knowledge.model import (
    CONTEXT_CATEGORIES,
    ContextTrigger,
    Entry,
    EntryKind,
    FollowUp,
    KnowledgeBase,
    PatternStep,
    Phrasing,
    RedFlag,
    RedFlagRules,
    UrgencyTier,
    WordPattern,
)
from bot.core.knowledge.problems import KnowledgeError, Problem

__all__ = [
    "CONTEXT_CATEGORIES",
    "MAX_LABEL",
    "MAX_TOAST",
    "TEXT_KEYS",
    "TEXT_LIMITS",
    "ContextTrigger",
    "Entry",
    "EntryKind",
    "FollowUp",
    "KnowledgeBase",
    "KnowledgeError",
    "PatternStep",
    "Phrasing",
    "Problem",
    "RedFlag",
    "RedFlagRules",
    "UrgencyTier",
    "WordPattern",
    "fill",
    "load_knowledge",
]
