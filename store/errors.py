"""Errors of the store; one base, named subclasses for what an operator can act on."""


class StoreError(Exception):
    """The database could not be used."""
