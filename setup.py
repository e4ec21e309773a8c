"""Build shim for ``scrapyd-deploy``, which packs the project with ``setup.py bdist_egg``.

All metadata lives in pyproject.toml, including the ``scrapy`` ``settings`` entry point Scrapyd
reads from the egg; without this file scrapyd-deploy would write its own setup.py into the checkout.
"""

from setuptools import setup

setup()
