"""Migration 0011_publicity goes down and up again on both databases, keeping the council's tables."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from store.db import alembic_config, open_database


def test_publication_table_down_and_up(database_url: str) -> None:
    engine = open_database(database_url)
    assert {"publication", "exemplar"} <= set(inspect(engine).get_table_names())
    command.downgrade(alembic_config(engine), "0010_council")
    tables = set(inspect(engine).get_table_names())
    assert "publication" not in tables and "exemplar" in tables
    command.upgrade(alembic_config(engine), "head")
    columns = {c["name"] for c in inspect(engine).get_columns("publication")}
    assert columns == {"id", "exemplar_id", "text", "photo_attachment_id", "approved_by", "approved_at",
                       "withdrawn_at", "withdrawn_by", "updated_at"}
    engine.dispose()
