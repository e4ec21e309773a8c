"""Train/validation/test splits that never separate near-duplicate copies of one story.

A wire story published by five outlets is one near-duplicate cluster (``corpus.dedup.neardup``). If its
copies landed in both train and test, a model would be tested on text it was trained on, so the
random split assigns whole clusters: the split is a function of a stable hash of the cluster id
(an article without a cluster is its own cluster). The same cluster therefore lands in the same
split in every build, on every machine, whatever else the corpus holds.

The time split puts articles published before a day in train and the others in test. Copies of a
story can straddle that day (an outlet re-publishes a week later), so a test article whose
cluster already has a copy in train is left out and counted; undated articles cannot be placed
on either side and are left out as well.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Changing this re-deals every cluster: it is part of what a manifest records.
HASH_SALT = "crimecorpus-split-v1"
SPLIT_NAMES = ("train", "validation", "test")

_RANDOM = re.compile(r"^random:(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)$")
_TIME = re.compile(r"^time:(\d{4}-\d{2}-\d{2})$")


class SplitError(ValueError):
    """A split specification that cannot be used; the message is one line."""


@dataclass(frozen=True)
class SplitSpec:
    """A parsed ``--split`` value: ``random`` with three shares, or ``time`` with a boundary day."""

    kind: str  # "random" | "time"
    shares: tuple[float, float, float] = (0.0, 0.0, 0.0)  # train, validation, test; sum 1
    boundary: dt.date | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The splits this specification produces, in their conventional order."""
        if self.kind == "time":
            return ("train", "test")
        return tuple(n for n, s in zip(SPLIT_NAMES, self.shares, strict=True) if s > 0)

    def describe(self) -> dict[str, object]:
        """The specification as manifest data."""
        if self.kind == "time":
            return {"kind": "time", "boundary": self.boundary.isoformat() if self.boundary else None}
        return {
            "kind": "random",
            "shares": dict(zip(SPLIT_NAMES, self.shares, strict=True)),
            "unit": "near-duplicate cluster",
            "hash": f"sha256('{HASH_SALT}:' + cluster_id), first 8 bytes as a fraction of 2^64",
        }


def parse_split(value: str) -> SplitSpec:
    """Parse ``random:80/10/10`` (shares, any positive total) or ``time:YYYY-MM-DD``."""
    if m := _RANDOM.match(value.strip()):
        raw = [float(g) for g in m.groups()]
        total = sum(raw)
        if total <= 0 or raw[0] <= 0:
            raise SplitError(f"split {value!r}: the train share must be positive")
        shares = (raw[0] / total, raw[1] / total, raw[2] / total)
        return SplitSpec("random", shares=shares)
    if m := _TIME.match(value.strip()):
        try:
            return SplitSpec("time", boundary=dt.date.fromisoformat(m.group(1)))
        except ValueError:
            raise SplitError(f"split {value!r}: not a date") from None
    raise SplitError(f"split {value!r}: expected random:TRAIN/VALIDATION/TEST or time:YYYY-MM-DD")


def cluster_fraction(cluster_key: str) -> float:
    """A stable number in [0, 1) for a cluster: the same on every machine and in every build."""
    digest = hashlib.sha256(f"{HASH_SALT}:{cluster_key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def random_split(cluster_key: str, shares: tuple[float, float, float]) -> str:
    """The split of every article of a cluster under a random split with these shares."""
    x = cluster_fraction(cluster_key)
    bound = 0.0
    for name, share in zip(SPLIT_NAMES, shares, strict=True):
        bound += share
        if share > 0 and x < bound:
            return name
    # Rounding can leave x just above the last bound: it belongs to the last non-empty split.
    return next(n for n, s in reversed(list(zip(SPLIT_NAMES, shares, strict=True))) if s > 0)


class Splitter:
    """Assigns the articles of one ordered export pass to splits; ``None`` leaves one out.

    Articles must arrive in export order (publication date ascending, undated last): the time
    split relies on every train article having been seen before the first test article, so it can
    recognise a test copy of a story already in train without a second pass over the corpus.
    """

    def __init__(self, spec: SplitSpec | None) -> None:
        self.spec = spec
        self.left_out: dict[str, int] = {}
        self._train_clusters: set[str] = set()

    def assign(self, record: Mapping[str, Any]) -> str | None:
        """The split of one article record (``corpus.outputs.export.article_record``), or None."""
        if self.spec is None:
            return "all"
        cluster = str(record.get("cluster_id") or record["id"])
        if self.spec.kind == "random":
            return random_split(cluster, self.spec.shares)
        published = record.get("published")
        if not published:
            self._leave_out("undated")
            return None
        assert self.spec.boundary is not None
        if dt.date.fromisoformat(str(published)) < self.spec.boundary:
            # Only clusters with other members can leak; remembering just those keeps memory
            # proportional to the syndicated stories, not to the corpus.
            if int(record.get("cluster_size") or 1) > 1:
                self._train_clusters.add(cluster)
            return "train"
        if cluster in self._train_clusters:
            self._leave_out("copy_in_train")
            return None
        return "test"

    def _leave_out(self, reason: str) -> None:
        self.left_out[reason] = self.left_out.get(reason, 0) + 1
