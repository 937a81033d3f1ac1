"""Compliance's receivers of the leads app's signals; each calls one service."""

from compliance.services import conflict_index_contact


def reindex_changed_contact(*, contact, **kwargs) -> None:
    """A contact's details changed: the conflict index must find them as they are now."""
    conflict_index_contact(contact=contact)
