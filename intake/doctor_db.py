"""`dhtt doctor`'s database checks: the connection, and the schema against the newest migration."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from intake.doctor import CheckFailed, Step
from settings import Settings
from store.db import alembic_config, make_engine, migrate
from store.errors import StoreError


def _where(url: str) -> str:
    """The database named without its password: a file for SQLite, host:port/name for PostgreSQL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite, tệp {parsed.database}"
    return f"PostgreSQL, {parsed.host}:{parsed.port or 5432}/{parsed.database}"


def _redact(message: str, url: str) -> str:
    password = make_url(url).password
    first = (message.strip().splitlines() or [""])[0]
    return first.replace(str(password), "***") if password else first


class DatabaseProbe:
    """Connects once; the schema check reuses the engine and disposes of it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine | None = None

    def connect(self) -> str:
        try:
            self.engine = make_engine(self.url)
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except (SQLAlchemyError, ArgumentError, OSError) as err:
            reason = _redact(str(getattr(err, "orig", None) or err), self.url)
            raise CheckFailed(f"không kết nối được cơ sở dữ liệu: {reason}",
                              "Kiểm tra khóa url trong mục [database]: với SQLite, thư mục chứa tệp phải ghi được; "
                              "với PostgreSQL, máy chủ phải đang chạy và đúng địa chỉ, cổng, tên cơ sở dữ liệu, "
                              "tài khoản.") from None
        return f"kết nối được ({_where(self.url)})"

    def schema(self) -> str:
        """At the newest migration; an older schema is upgraded as every dhtt command does on start."""
        assert self.engine is not None
        try:
            script = ScriptDirectory.from_config(alembic_config(self.engine))
            head = script.get_current_head()
            with self.engine.connect() as conn:
                current = MigrationContext.configure(conn).get_current_revision()
            if current == head:
                return f"lược đồ ở phiên bản mới nhất ({head})"
            if current is not None and current not in {r.revision for r in script.walk_revisions()}:
                raise CheckFailed(f"cơ sở dữ liệu ở phiên bản {current}, do một bản dhtt mới hơn tạo ra",
                                  "Cập nhật dhtt trên máy này lên cùng phiên bản với máy đã tạo cơ sở dữ liệu.")
            migrate(self.engine)
        except StoreError as err:
            raise CheckFailed(_redact(str(err), self.url),
                              "Sao lưu cơ sở dữ liệu, rồi báo nhóm phát triển kèm dòng lỗi này.") from None
        finally:
            self.engine.dispose()
        if current is None:
            return f"cơ sở dữ liệu mới, đã tạo các bảng (phiên bản {head})"
        return f"đã nâng cấp lược đồ từ phiên bản {current} lên {head}"


def database_steps(settings: Settings) -> list[Step]:
    probe = DatabaseProbe(settings.database.url)
    group = "Cơ sở dữ liệu"
    return [
        Step(group, "database.connect", "Kết nối", probe.connect, blocks="chưa kết nối được cơ sở dữ liệu"),
        Step(group, "database.schema", "Lược đồ dữ liệu", probe.schema, needs=("database.connect",)),
    ]
