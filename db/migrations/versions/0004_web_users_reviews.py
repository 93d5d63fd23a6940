"""The web UI: users and roles, the review audit trail, rechecks asked from the UI, and the indexes
of its findings list.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("unit_id", sa.String(64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "review_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(100), nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("old_status", sa.String(12), nullable=False),
        sa.Column("new_status", sa.String(12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["finding_id"], ["findings.id"], name="fk_review_events_finding_id_findings",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_review_events_finding_id", "review_events", ["finding_id"])
    op.create_table(
        "recheck_tasks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("unit_id", sa.String(64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("progress", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_recheck_tasks_site_id", "recheck_tasks", ["site_id"])
    op.create_index("ix_recheck_tasks_finding_id", "recheck_tasks", ["finding_id"])
    # the findings list over a city's 100,000 findings (reports/findings_list.py)
    op.create_index("ix_findings_current", "findings",
                    ["status", "subject_id", "last_seen_run", "check_id", "severity", "unit_id"])
    op.create_index("ix_findings_severity_id", "findings", ["severity", "id"])
    op.create_index("ix_findings_first_seen_at", "findings", ["first_seen_at", "id"])
    op.create_index("ix_findings_last_seen_at", "findings", ["last_seen_at", "id"])


def downgrade() -> None:
    for name in ("ix_findings_last_seen_at", "ix_findings_first_seen_at", "ix_findings_severity_id",
                 "ix_findings_current"):
        op.drop_index(name, table_name="findings")
    op.drop_table("recheck_tasks")
    op.drop_table("review_events")
    op.drop_table("users")
