"""Outbound pages' title and excerpt, hidden links, columns read completely, IPv6 checks
(prohibited_link, hidden_link, backdated_item, ipv6_missing).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("links") as batch:
        batch.add_column(sa.Column("hidden", sa.JSON(), nullable=True))
    with op.batch_alter_table("link_results") as batch:
        batch.add_column(sa.Column("title", sa.Text(), nullable=True))
        batch.add_column(sa.Column("excerpt", sa.Text(), nullable=True))
    with op.batch_alter_table("columns") as batch:
        batch.add_column(sa.Column("complete", sa.Boolean(), nullable=True))
    op.create_table(
        "ipv6_checks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("addresses", sa.JSON(), nullable=False),
        sa.Column("lookup_error", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["scan_runs.id"], name="fk_ipv6_checks_run_id_scan_runs",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id", "site_id", name="uq_ipv6_check"),
    )
    op.create_index("ix_ipv6_checks_run_id", "ipv6_checks", ["run_id"])
    op.create_index("ix_ipv6_checks_site_id", "ipv6_checks", ["site_id"])


def downgrade() -> None:
    op.drop_table("ipv6_checks")
    with op.batch_alter_table("columns") as batch:
        batch.drop_column("complete")
    with op.batch_alter_table("link_results") as batch:
        batch.drop_column("excerpt")
        batch.drop_column("title")
    with op.batch_alter_table("links") as batch:
        batch.drop_column("hidden")
