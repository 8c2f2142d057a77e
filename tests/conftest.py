"""Test-wide settings: property tests are deterministic, here and in CI alike.

Hypothesis draws its examples from a fixed seed (``derandomize``), keeps no example
database between runs, and has no deadline nor timing-based health check: a run on a
busy machine behaves exactly like a run on an idle one, and the suite passes or fails
the same way every time. Examples that once failed are pinned with ``@example``.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "archiver",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("archiver")
