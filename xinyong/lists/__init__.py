"""Lists (名单): red, serious dishonesty, watch and received lists, with due process."""

from xinyong.lists.model import ListBasis, ListKind, default_list_kinds, get_list_kind
from xinyong.lists.rules import IN_FORCE, STATE_LABELS, allowed_actions
from xinyong.lists.service import (
    LegalDocument,
    Proposal,
    decide,
    expire,
    get_entry,
    in_force_for,
    list_entries,
    notify,
    propose,
    publish,
    remove,
    transitions_of,
)
from xinyong.lists.tables import ListEntry, ListTransition

__all__ = ["IN_FORCE", "STATE_LABELS", "LegalDocument", "ListBasis", "ListEntry", "ListKind",
           "ListTransition", "Proposal", "allowed_actions", "decide", "default_list_kinds",
           "expire", "get_entry", "get_list_kind", "in_force_for", "list_entries", "notify",
           "propose", "publish", "remove", "transitions_of"]
