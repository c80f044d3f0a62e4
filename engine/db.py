"""Database plumbing: declarative base, engine factory and the unit of work.

One use case = one unit of work = one transaction. Only `UnitOfWork.commit`
commits; leaving the block without committing rolls back.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC

from sqlalchemy import DateTime, Engine, TypeDecorator, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from .errors import ConcurrentUpdate


class Base(DeclarativeBase):
    pass


READ = "koridor_read"  # execution option of the engine a read-only unit of work uses


def make_engine(url: str, read_only: bool = False) -> Engine:
    """Create an SQLAlchemy engine; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE for writers.

    A unit of work that only reads (`Database.reading()`) starts a deferred SQLite transaction: it
    takes no write lock, so readers never queue behind writers nor writers behind readers (WAL).
    `read_only` (auditors' replays): the database refuses writes (SQLite `query_only`, PostgreSQL
    `default_transaction_read_only`) and every SQLite transaction starts deferred.

    PostgreSQL connections are not pinged at each checkout (a round trip per transaction): a
    connection the server dropped fails its statement as a disconnect, which makes SQLAlchemy
    discard the pool's connections, and `pool_recycle` renews connections before idle timeouts.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            if read_only:
                cur.execute("PRAGMA query_only=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # pragma: no cover - trivial
            # Writers serialise at BEGIN: a loser re-reads fresh state instead of
            # failing half-way with "database is locked". Readers take no lock.
            reading = read_only or conn.get_execution_options().get(READ, False)
            conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

        return engine
    if read_only:
        return create_engine(url, pool_size=2, pool_recycle=1800,
                             connect_args={"options": "-c default_transaction_read_only=on"})
    return create_engine(url, pool_size=10, max_overflow=20, pool_recycle=1800)


class UnitOfWork:
    """A transaction around one use case: `with uow() as tx: ...; tx.commit()`."""

    def __init__(self, factory: sessionmaker[Session], reading: bool = False):
        self._factory = factory
        self.session: Session
        self._committed = False
        self.reading = reading

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        self._committed = False
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if not self._committed:
                self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        if self.reading:
            raise RuntimeError("a reading unit of work does not commit: use Database.unit_of_work()")
        try:
            self.session.commit()
        except StaleDataError as err:  # an instance row flushed at commit changed meanwhile (optimistic lock)
            self.session.rollback()
            raise ConcurrentUpdate("Обращение изменено параллельно, обновите страницу") from err
        except OperationalError as err:  # SQLite lock lost under contention
            self.session.rollback()
            if "locked" in str(err).lower():
                raise ConcurrentUpdate("Данные изменены параллельно, повторите действие") from err
            raise
        self._committed = True

    @property
    def is_postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"


class Database:
    """Engine + session factory for one database URL."""

    def __init__(self, url: str, read_only: bool = False):
        self.url = url
        self.engine = make_engine(url, read_only)
        # No autoflush: use cases flush where they need ids; fewer round trips per step.
        self.sessions = sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        self.read_sessions = sessionmaker(self.engine.execution_options(**{READ: True}), expire_on_commit=False,
                                          autoflush=False)

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        with UnitOfWork(self.sessions) as uow:
            yield uow

    @contextmanager
    def reading(self) -> Iterator[UnitOfWork]:
        """A unit of work that only reads: a deferred transaction on SQLite (no write lock), rolled back
        at the end; it refuses to commit."""
        with UnitOfWork(self.read_sessions, reading=True) as uow:
            yield uow

    def create_all(self) -> None:
        Base.metadata.create_all(self.engine)

    def drop_all(self) -> None:
        Base.metadata.drop_all(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


class UTCDateTime(TypeDecorator):
    """Timestamps stored as UTC and always read back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
