"""Reading and writing WARC archives. No Scrapy, no SQLAlchemy."""
