"""The engine and sessions: the only place that opens a database connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from store.errors import StoreError

MIGRATIONS = Path(__file__).with_name("migrations")


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    # WAL lets the CLI read while the worker writes; FULL sync keeps a commit durable across a crash.
    cursor = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # 16 MB of pages per connection instead of 2 MB: stored messages and replies fill pages fast,
    # and the intake reads the same recent rows again for every mail.
    cursor.execute("PRAGMA cache_size=-16384")
    cursor.close()


def make_engine(url: str, echo: bool = False) -> Engine:
    """An engine for the URL; SQLite files get their folder created and safe pragmas."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    # A server connection can drop between uses (a restart, an idle timeout): test it on checkout.
    # A SQLite file cannot, and the ping would be one more statement on every session.
    engine = create_engine(url, echo=echo, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent)."""
    try:
        command.upgrade(alembic_config(engine), "head")
    except Exception as err:  # translated at the edge: alembic/SQLAlchemy errors vary by backend
        raise StoreError(f"database migration failed: {err}") from err


def database_exists(url: str) -> bool:
    """Whether the database at `url` was created by dhtt (a SQLite file, or migrated tables)."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.is_file() or path.stat().st_size == 0:
            return False
    engine = create_engine(url, pool_pre_ping=True)
    try:
        return inspect(engine).has_table("alembic_version")
    except Exception as err:  # translated at the edge: connection errors vary by backend
        raise StoreError(f"cannot reach the database: {err}") from err
    finally:
        engine.dispose()


def open_database(url: str, echo: bool = False) -> Engine:
    """An engine on a migrated database."""
    engine = make_engine(url, echo)
    migrate(engine)
    return engine


@contextmanager
def session(engine: Engine) -> Iterator[Session]:
    """A session committed on success and rolled back on error."""
    with Session(engine, expire_on_commit=False) as db:
        try:
            yield db
            db.commit()
        except BaseException:
            db.rollback()
            raise
