"""Request fingerprints on the canonical URL, so tracking-parameter copies are never fetched twice."""

from __future__ import annotations

import hashlib
from weakref import WeakKeyDictionary

from scrapy import Request

from corpus.sources.urls import canonical_url


class CanonicalFingerprinter:
    """Scrapy's duplicate filter keys requests by this fingerprint (REQUEST_FINGERPRINTER_CLASS)."""

    def __init__(self) -> None:
        self._cache: WeakKeyDictionary[Request, bytes] = WeakKeyDictionary()

    @classmethod
    def from_crawler(cls, crawler: object) -> CanonicalFingerprinter:
        return cls()

    def fingerprint(self, request: Request) -> bytes:
        if request not in self._cache:
            digest = hashlib.sha1()
            digest.update(request.method.encode())
            digest.update(canonical_url(request.url).encode())
            digest.update(request.body or b"")
            self._cache[request] = digest.digest()
        return self._cache[request]
