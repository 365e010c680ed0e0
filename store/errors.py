"""Errors of the store; one base, named subclasses for what an operator can act on."""


class StoreError(Exception):
    """The database could not be used."""


class UnknownReference(StoreError):
    """No submission or message has this reference."""
