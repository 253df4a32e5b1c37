"""From a message to a reply: normalised words, red flags, small talk, matching, the answer."""
