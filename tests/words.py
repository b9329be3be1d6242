"""The words the local test servers write their pages with: real words, so extraction and entity
recognition treat the pages as prose."""

WORDS = [
    "harbour",
    "lantern",
    "orchard",
    "meadow",
    "glacier",
    "canyon",
    "willow",
    "thunder",
    "compass",
    "lighthouse",
    "quarry",
    "railway",
    "market",
    "bridge",
    "tunnel",
    "village",
    "ferry",
    "valley",
    "summit",
    "island",
    "river",
    "forest",
]
