"""Where the store lives: a SQLite file path or a ``postgresql://`` URL, as SQLAlchemy URLs.

``postgres://`` (the form Heroku sets in ``DATABASE_URL``) and ``postgresql://`` both mean
PostgreSQL through asyncpg; libpq's ``sslmode=`` becomes asyncpg's ``ssl=``. Anything else is
a SQLite file path (or ``:memory:``). :func:`shown` is the form fit for logs and messages:
never the password.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url

POSTGRES_SCHEMES = ("postgres://", "postgresql://", "postgresql+asyncpg://")


def is_postgres(target: str | Path) -> bool:
    return isinstance(target, str) and target.strip().lower().startswith(POSTGRES_SCHEMES)


def store_url(target: str | Path | URL) -> URL:
    """The SQLAlchemy URL (async drivers) of a path, ``:memory:`` or a database URL."""
    if isinstance(target, URL):
        return target
    text = str(target).strip()
    lower = text.lower()
    if lower.startswith(POSTGRES_SCHEMES):
        url = make_url("postgresql+asyncpg://" + text.split("://", 1)[1])
        query = dict(url.query)
        if "sslmode" in query:  # libpq's name; asyncpg calls it ssl
            query["ssl"] = query.pop("sslmode")
            url = url.set(query=query)
        return url
    if lower.startswith("sqlite"):
        url = make_url(text)
        return url.set(drivername="sqlite+aiosqlite")
    if text in ("", ":memory:"):
        return URL.create("sqlite+aiosqlite", database=":memory:")
    return URL.create("sqlite+aiosqlite", database=text)


def shown(target: str | Path | URL) -> str:
    """The store as it may be printed: a SQLite path as given, a URL without its password."""
    url = store_url(target)
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return url.set(drivername="postgresql").render_as_string(hide_password=True)
