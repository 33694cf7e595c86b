"""The store's test databases are what they claim: an empty SQLite file, or a real PostgreSQL server."""

import re
import subprocess

import pytest
import sqlalchemy as sa

from tests.postgres_server import find_bindir, fresh_database


def test_a_database_answers_and_keeps_a_row(database_url):
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as connection:
            assert connection.scalar(sa.text("select 1")) == 1
            connection.execute(sa.text("create table notes (id integer primary key, body text not null)"))
            connection.execute(sa.text("insert into notes (id, body) values (:id, :body)"), {"id": 1, "body": "été"})
        with engine.connect() as connection:
            assert connection.execute(sa.text("select id, body from notes")).all() == [(1, "été")]
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_every_fresh_database_starts_empty(postgres_url):
    """What keeps the PostgreSQL tests apart: a table made in one test's database is absent from the next."""
    with fresh_database(postgres_url) as first, fresh_database(postgres_url) as second:
        engine = sa.create_engine(first)
        try:
            with engine.begin() as connection:
                connection.execute(sa.text("create table notes (id integer primary key)"))
        finally:
            engine.dispose()
        engine = sa.create_engine(second)
        try:
            assert sa.inspect(engine).get_table_names() == []
        finally:
            engine.dispose()


@pytest.mark.postgres
def test_the_postgres_url_is_a_real_server_of_the_installed_version(postgres_url):
    installed = subprocess.run(
        [str(find_bindir() / "postgres"), "--version"], capture_output=True, text=True, check=True
    ).stdout
    major = re.search(r"(\d+)\.\d+", installed).group(1)
    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as connection:
            assert connection.dialect.name == "postgresql"
            assert connection.scalar(sa.text("select version()")).startswith(f"PostgreSQL {major}.")
    finally:
        engine.dispose()
