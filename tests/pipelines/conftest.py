"""Crawlers for the pipeline tests: real settings, a real SQLite file, no network."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from corpus.crawl import settings as project_settings


def project_pipelines() -> dict[str, int]:
    """ITEM_PIPELINES as the project's settings module states it."""
    return dict(project_settings.ITEM_PIPELINES)


def make_crawler(db: Path, **overrides: Any) -> Crawler:
    """A crawler with the project's settings, the database ``db`` and a plain spider attached."""
    values = {k: getattr(project_settings, k) for k in dir(project_settings) if k.isupper()}
    values.update({"CORPUS_DB_URL": f"sqlite:///{db}", **overrides})
    crawler = get_crawler(Spider, settings_dict=values)
    crawler.spider = Spider(name="pipelines-test")
    crawler.spider.crawler = crawler
    return crawler


@pytest.fixture
def crawler(tmp_path: Path) -> Crawler:
    return make_crawler(tmp_path / "corpus.sqlite")
