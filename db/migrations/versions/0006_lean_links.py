"""A crawl record that is smaller and writes less: links are keyed by a per-run source number (a
`link_sources` table numbers each page whose links a run stores, in the order it wrote them), so a
commit's links land at the end of that key, and the key is their only b-tree (SQLite: WITHOUT
ROWID; links have no id); a link's attr and region are stored as one-letter codes (db.codes); pages,
link results and column items lose their run_id and site_id indexes (their unique keys lead with
those columns and serve the same queries).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_INDEXES = [(f"ix_{table}_{column}", table, column) for table in ("pages", "link_results", "column_items")
            for column in ("run_id", "site_id")]
# db.codes as of this revision
_CODES = {"attr": {"href": "h", "src": "s", "js": "j"},
          "region": {"body": "b", "nav": "n", "footer": "f", "header": "h", "side": "s"}}
_SAME = ("run_id", "site_id", "source_id", "target_id", "tag", "anchor", "internal", "attachment", "on_homepage",
         "hidden")


def _key() -> list[sa.Column]:
    return [sa.Column("run_id", sa.Integer(), nullable=False), sa.Column("source_seq", BigId, nullable=False),
            sa.Column("target_id", BigId, nullable=False), sa.Column("tag", sa.String(20), nullable=False),
            sa.Column("attr", sa.String(20), nullable=False)]


def _columns() -> list[sa.SchemaItem]:
    return [
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("source_id", BigId, nullable=False),
        sa.Column("anchor", sa.Text(), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("attachment", sa.Boolean(), nullable=False),
        sa.Column("region", sa.String(20), nullable=False),
        sa.Column("on_homepage", sa.Boolean(), nullable=False),
        sa.Column("hidden", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["scan_runs.id"], name="fk_links_run_id_scan_runs", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_id"], ["urls.id"], name="fk_links_source_id_urls"),
        sa.ForeignKeyConstraint(["target_id"], ["urls.id"], name="fk_links_target_id_urls"),
    ]


def _case(column: str, mapping: dict[str, str]) -> str:
    cases = " ".join(f"WHEN '{old}' THEN '{new}'" for old, new in mapping.items())
    return f"CASE l.{column} {cases} ELSE l.{column} END"


def _set_aside(table: str) -> None:
    """links -> `table`; on PostgreSQL its indexes and id sequence are objects of the schema,
    renamed out of the new table's way."""
    op.rename_table("links", table)
    if op.get_bind().dialect.name == "postgresql":
        for kind, name in (("INDEX", "links_pkey"), ("INDEX", "uq_link"), ("INDEX", "pk_links"),
                           ("SEQUENCE", "links_id_seq")):
            op.execute(f"ALTER {kind} IF EXISTS {name} RENAME TO {table}_{name}")


def upgrade() -> None:
    for name, table, _column in _INDEXES:
        op.drop_index(name, table_name=table)
    op.create_table(
        "link_sources",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("source_id", BigId, nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["scan_runs.id"], name="fk_link_sources_run_id_scan_runs",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_id"], ["urls.id"], name="fk_link_sources_source_id_urls"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id", "source_id", name="uq_link_source"),
    )
    # numbered in the order the run wrote them
    op.execute("INSERT INTO link_sources (run_id, source_id) SELECT run_id, source_id FROM links "
               "GROUP BY run_id, source_id ORDER BY MIN(id)")
    _set_aside("links_0005")
    # the key's columns first: SQLite 3.40's integrity_check misreads WITHOUT ROWID rows whose key
    # columns follow others
    op.create_table("links", *_key(), *_columns(),
                    sa.PrimaryKeyConstraint("run_id", "source_seq", "target_id", "tag", "attr", name="pk_links"),
                    sqlite_with_rowid=False)
    same = ", ".join(_SAME)
    op.execute(f"INSERT INTO links ({same}, source_seq, attr, region) "
               f"SELECT {', '.join('l.' + c for c in _SAME)}, s.id, {_case('attr', _CODES['attr'])}, "
               f"{_case('region', _CODES['region'])} FROM links_0005 l "
               "JOIN link_sources s ON s.run_id = l.run_id AND s.source_id = l.source_id ORDER BY s.id, l.id")
    op.drop_table("links_0005")


def downgrade() -> None:
    _set_aside("links_0006")
    op.create_table("links", sa.Column("id", BigId, autoincrement=True, nullable=False),
                    *[c for c in _key() if c.name != "source_seq"], *_columns(), sa.PrimaryKeyConstraint("id"),
                    sa.UniqueConstraint("run_id", "source_id", "target_id", "tag", "attr", name="uq_link"))
    same = ", ".join(_SAME)
    words = {column: {code: word for word, code in codes.items()} for column, codes in _CODES.items()}
    op.execute(f"INSERT INTO links ({same}, attr, region) "
               f"SELECT {', '.join('l.' + c for c in _SAME)}, {_case('attr', words['attr'])}, "
               f"{_case('region', words['region'])} FROM links_0006 l "
               "ORDER BY l.run_id, l.source_seq, l.target_id, l.tag, l.attr")  # ids in the order of the key
    op.drop_table("links_0006")
    op.drop_table("link_sources")
    for name, table, column in _INDEXES:
        op.create_index(name, table, [column])
