"""Alembic migrations for the store; run by ``pipeline.store.migrate``, not by hand."""
