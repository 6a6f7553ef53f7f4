from pathlib import Path

from bot.settings import Settings
from bot.store.urls import is_postgres, shown, store_url


def test_heroku_and_libpq_forms_mean_postgresql_through_asyncpg():
    for form in ("postgres://u:pw@db.example:5432/bot", "postgresql://u:pw@db.example:5432/bot"):
        url = store_url(form)
        assert (url.drivername, url.host, url.port, url.database, url.password) == (
            "postgresql+asyncpg", "db.example", 5432, "bot", "pw")
        assert is_postgres(form)
    assert dict(store_url("postgres://u@h/db?sslmode=require").query) == {"ssl": "require"}


def test_a_path_is_a_sqlite_file():
    assert store_url(Path("data/bot.sqlite3")).drivername == "sqlite+aiosqlite"
    assert store_url("data/bot.sqlite3").database == "data/bot.sqlite3"
    assert store_url(":memory:").database == ":memory:" and not is_postgres("bot.sqlite3")


def test_shown_never_has_the_password():
    assert shown("postgres://bot:s3cret@db.example/bot") == "postgresql://bot:***@db.example/bot"
    assert shown(Path("bot.sqlite3")) == "bot.sqlite3"
    assert "s3cret" not in repr(Settings(database_url="postgres://bot:s3cret@db/bot"))


def test_database_url_wins_over_the_file():
    s = Settings.from_env({"DATABASE_URL": "postgres://u@h/db", "BREAKOUT_DB_PATH": "x.sqlite3"}, dotenv=False)
    assert s.store_target == "postgres://u@h/db"
    assert Settings.from_env({"BREAKOUT_DB_PATH": "x.sqlite3"}, dotenv=False).store_target == Path("x.sqlite3")
