"""Lists (名单): red, serious dishonesty, watch and received lists, with due process, their
public columns and the documents of the procedure."""

from xinyong.lists.model import ListBasis, ListKind, default_list_kinds, get_list_kind
from xinyong.lists.rules import IN_FORCE, STATE_LABELS, allowed_actions
from xinyong.lists.service import (
    LegalDocument,
    NamedPerson,
    Proposal,
    decide,
    earliest_removal,
    expire,
    get_entry,
    in_force_for,
    list_entries,
    may_handle,
    naming_person,
    notify,
    persons_of,
    propose,
    publish,
    remove,
    statements_of,
    transitions_of,
)
from xinyong.lists.tables import (
    ListEntry,
    ListEntryPerson,
    ListRemovalApplication,
    ListStatement,
    ListTransition,
)

__all__ = ["IN_FORCE", "STATE_LABELS", "LegalDocument", "ListBasis", "ListEntry",
           "ListEntryPerson", "ListKind", "ListRemovalApplication", "ListStatement",
           "ListTransition", "NamedPerson", "Proposal", "allowed_actions", "decide",
           "default_list_kinds", "earliest_removal", "expire", "get_entry", "get_list_kind",
           "in_force_for", "list_entries", "may_handle", "naming_person", "notify",
           "persons_of", "propose", "publish", "remove", "statements_of", "transitions_of"]
