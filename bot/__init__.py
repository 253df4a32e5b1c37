"""BackCare bot: answers hip-flexor and lower-back-pain questions on Telegram."""

__version__ = "0.1.0"
