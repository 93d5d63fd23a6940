"""A smaller crawl record: link occurrences name their URLs by id (a `urls` table holds each URL
once, across runs) and carry no index beyond their key; page text and script text are stored
zlib-compressed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_LINK_FIELDS = ("id", "run_id", "site_id", "tag", "attr", "anchor", "internal", "attachment", "region", "on_homepage",
                "hidden")
_ROWS = 1000  # pages recompressed per statement


def _link_columns(*url_columns: sa.Column) -> list[sa.SchemaItem]:
    return [
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(64), nullable=False),
        *url_columns,
        sa.Column("tag", sa.String(20), nullable=False),
        sa.Column("attr", sa.String(20), nullable=False),
        sa.Column("anchor", sa.Text(), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("attachment", sa.Boolean(), nullable=False),
        sa.Column("region", sa.String(20), nullable=False),
        sa.Column("on_homepage", sa.Boolean(), nullable=False),
        sa.Column("hidden", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["scan_runs.id"], name="fk_links_run_id_scan_runs", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    ]


def _set_aside_links() -> None:
    """links -> links_old, without the index names the new table takes."""
    op.rename_table("links", "links_old")
    for name in ("ix_links_run_id", "ix_links_site_id", "ix_links_target"):
        op.execute(f"DROP INDEX IF EXISTS {name}")
    if op.get_bind().dialect.name == "postgresql":
        # the key's index and the id sequence are objects of the schema, named like the new table's
        op.drop_constraint("uq_link", "links_old", type_="unique")
        op.execute("ALTER INDEX IF EXISTS links_pkey RENAME TO links_old_pkey")
        op.execute("ALTER SEQUENCE IF EXISTS links_id_seq RENAME TO links_old_id_seq")


def _sync_sequence(table: str) -> None:
    # rows copied with their ids: PostgreSQL's sequence must start after them
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) "
                   f"FROM {table}")


def upgrade() -> None:
    op.create_table(
        "urls",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("hash", sa.String(40), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hash", name="uq_url"),
    )
    op.execute("INSERT INTO urls (hash, url) SELECT hash, MIN(url) FROM ("
               "SELECT source_hash AS hash, source_url AS url FROM links "
               "UNION SELECT target_hash, target_url FROM links) AS named GROUP BY hash")
    _set_aside_links()
    op.create_table(
        "links",
        *_link_columns(sa.Column("source_id", BigId, nullable=False), sa.Column("target_id", BigId, nullable=False)),
        sa.ForeignKeyConstraint(["source_id"], ["urls.id"], name="fk_links_source_id_urls"),
        sa.ForeignKeyConstraint(["target_id"], ["urls.id"], name="fk_links_target_id_urls"),
        sa.UniqueConstraint("run_id", "source_id", "target_id", "tag", "attr", name="uq_link"),
    )
    fields = ", ".join(_LINK_FIELDS)
    old = ", ".join(f"l.{f}" for f in _LINK_FIELDS)
    op.execute(f"INSERT INTO links ({fields}, source_id, target_id) SELECT {old}, s.id, t.id FROM links_old l "
               "JOIN urls s ON s.hash = l.source_hash JOIN urls t ON t.hash = l.target_hash")
    op.drop_table("links_old")
    _sync_sequence("links")
    _recode_pages(lambda s: zlib.compress(s.encode("utf-8", "surrogatepass"), 6) if s else b"", sa.LargeBinary())


def downgrade() -> None:
    _recode_pages(lambda b: zlib.decompress(b).decode("utf-8", "surrogatepass") if b else "", sa.Text())
    _set_aside_links()
    op.create_table(
        "links",
        *_link_columns(sa.Column("source_url", sa.Text(), nullable=False),
                       sa.Column("source_hash", sa.String(40), nullable=False),
                       sa.Column("target_url", sa.Text(), nullable=False),
                       sa.Column("target_hash", sa.String(40), nullable=False)),
        sa.UniqueConstraint("run_id", "source_hash", "target_hash", "tag", "attr", name="uq_link"),
    )
    op.create_index("ix_links_run_id", "links", ["run_id"])
    op.create_index("ix_links_site_id", "links", ["site_id"])
    op.create_index("ix_links_target", "links", ["run_id", "target_hash"])
    fields = ", ".join(_LINK_FIELDS)
    old = ", ".join(f"l.{f}" for f in _LINK_FIELDS)
    op.execute(f"INSERT INTO links ({fields}, source_url, source_hash, target_url, target_hash) "
               f"SELECT {old}, s.url, s.hash, t.url, t.hash FROM links_old l "
               "JOIN urls s ON s.id = l.source_id JOIN urls t ON t.id = l.target_id")
    op.drop_table("links_old")
    _sync_sequence("links")
    op.drop_table("urls")


def _recode_pages(recode: Callable, new_type: sa.types.TypeEngine) -> None:
    """pages.text and pages.script_text rewritten through `recode` into columns of `new_type`."""
    with op.batch_alter_table("pages") as batch:
        batch.add_column(sa.Column("text_new", new_type, nullable=True))
        batch.add_column(sa.Column("script_text_new", new_type, nullable=True))
    conn = op.get_bind()
    pages = sa.table("pages", sa.column("id", sa.Integer()), sa.column("text"), sa.column("script_text"),
                     sa.column("text_new", new_type), sa.column("script_text_new", new_type))
    last = 0
    while True:
        rows = conn.execute(sa.select(pages.c.id, pages.c.text, pages.c.script_text).where(pages.c.id > last)
                            .order_by(pages.c.id).limit(_ROWS)).all()
        if not rows:
            break
        conn.execute(pages.update().where(pages.c.id == sa.bindparam("pid"))
                     .values(text_new=sa.bindparam("t"), script_text_new=sa.bindparam("s")),
                     [{"pid": i, "t": recode(t), "s": recode(s)} for i, t, s in rows])
        last = rows[-1][0]
    with op.batch_alter_table("pages") as batch:
        batch.drop_column("text")
        batch.drop_column("script_text")
        batch.alter_column("text_new", new_column_name="text", existing_type=new_type, nullable=False)
        batch.alter_column("script_text_new", new_column_name="script_text", existing_type=new_type, nullable=False)
