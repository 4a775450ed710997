"""Screening: name normalisation and matching for search and the check (逢办必查).

Only the normalisation and the name parser are exported here: `match` and `check` import the
lists and measures domains, and are imported from their modules (xinyong.screening.check) by
the layers above.
"""

from xinyong.screening.names import ParsedName, parse
from xinyong.screening.normalise import NormalisedName, normalise, search_key

__all__ = ["NormalisedName", "ParsedName", "normalise", "parse", "search_key"]
