"""Calls that callgrind counts: run with ``--collect-atstart=no
--toggle-collect=_operator_call``, and only what runs inside ``operator.call`` is counted.

:class:`Toggle` wraps functions so that their calls go through ``operator.call`` while it
is on; a wrapped call inside another is counted once (a nested ``operator.call`` would
toggle the counting off). Without valgrind, ``operator.call`` is an ordinary call.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any


class Toggle:
    def __init__(self) -> None:
        #: Wrapped calls are counted (outside, they run uncounted).
        self.on = False
        self._inside = False

    def wrap(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            if not self.on or self._inside:
                return original(*args, **kwargs)
            self._inside = True
            try:
                return operator.call(original, *args, **kwargs)
            finally:
                self._inside = False

        return call
