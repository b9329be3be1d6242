"""Helpers of the entity stage: the spaCy tagger, word lists and the document-level pass."""
