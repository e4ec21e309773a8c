"""The stored corpus: SQLAlchemy models, writes, the frontier, migrations and the files we own."""
