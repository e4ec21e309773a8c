"""The Scrapy runtime: settings (every default, declared once), runner, pool, run lock, schedule, ingest."""
