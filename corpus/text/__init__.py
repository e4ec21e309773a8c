"""Page text: extraction, dates, language, encoding, page kind. Pure: no Scrapy, no SQLAlchemy."""
