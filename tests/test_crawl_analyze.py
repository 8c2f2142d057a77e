"""What a parsing worker sends back to the crawl (``archiver.crawl.analyze``)."""

from __future__ import annotations

import pickle
import pickletools
from datetime import UTC, datetime

from archiver.crawl.analyze import Analysis, Found


def test_found_links_survive_the_trip_from_a_worker_unchanged():
    found = (
        Found(
            "https://a.example/x-1.html",
            "article",
            datetime(2024, 5, 1, 8, 30, tzinfo=UTC),
            "a.example",
        ),
        Found("https://a.example/thoi-su", "listing"),
    )
    back = pickle.loads(pickle.dumps(Analysis(found=found), pickle.HIGHEST_PROTOCOL))
    assert back.found == found
    assert all(type(f) is Found for f in back.found)


def test_a_found_link_pickles_as_a_call_with_its_fields_not_as_state_set_afterwards():
    # A slotted dataclass pickles its state through Python-level methods (a BUILD step
    # after the object is made): four times the cost for the dozens of links of a page.
    data = pickle.dumps(Found("https://a.example/x-1.html", "article"), pickle.HIGHEST_PROTOCOL)
    ops = {op.name for op, _, _ in pickletools.genops(data)}
    assert "BUILD" not in ops
