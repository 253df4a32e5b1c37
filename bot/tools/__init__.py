"""Maintainer tools behind ``python -m bot``: kb check, eval and the unanswered-questions report."""
