"""Database layer: typed models, engine/session handling and Alembic migrations."""
