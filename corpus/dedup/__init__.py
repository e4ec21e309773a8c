"""Exact and near-duplicate detection over texts. Pure: no Scrapy, no SQLAlchemy."""
