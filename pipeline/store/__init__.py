"""The store: SQLite by default, any SQLAlchemy URL via CALLQA_DATABASE_URL."""

from pipeline.store.schema import Base
from pipeline.store.session import open_store

__all__ = ["Base", "open_store"]
