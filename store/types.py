"""The column type of every moment the store keeps: written in UTC, read back aware in UTC.

SQLModel's `UTCDateTime` (SQLModel 0.0.45 and later) is the TypeDecorator that does this: it refuses a
naive value, converts an aware one to UTC before binding, and on SQLite (no time-zone type) reads the
stored text back as UTC; on PostgreSQL the column is `timestamptz`. It is named here, and every
datetime column states it through `moment()`, so no reader ever has to ask whether a value is naive.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Field
from sqlmodel.sql.sqltypes import UTCDateTime

__all__ = ["UTCDateTime", "moment"]


def moment(**field: Any) -> Any:
    """A datetime column of type UTCDateTime (keyword arguments as for sqlmodel.Field)."""
    return Field(sa_type=UTCDateTime, **field)
