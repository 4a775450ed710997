"""Screening: name normalisation and matching for search and the check (逢办必查)."""

from xinyong.screening.normalise import NormalisedName, normalise, search_key

__all__ = ["NormalisedName", "normalise", "search_key"]
