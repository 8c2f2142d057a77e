"""Pickling frozen, slotted dataclasses by their fields, for the crawl's parsing workers.

Every page of a crawl crosses the pipe to a parsing worker as an
:class:`~archiver.fetch.exchange.Exchange` and comes back as an ``Analysis`` holding an
:class:`~archiver.article.Article`, a ``Prepared`` and its ``ArticleRecord``. A slotted
dataclass pickles through ``dataclasses``' own ``__getstate__``/``__setstate__``, Python
functions that look up the class's fields on every call: about 25 us to pickle an
Exchange (most of the job's pickling, its 100 KB body aside) and 50 us to unpickle an
analysis, in the crawl's process and in the worker's. :func:`pickled_by_fields` has the
class pickle as a call of its constructor with its field values, read by one
``operator.attrgetter``: the same object back, in a tenth of the time.
"""

from __future__ import annotations

import dataclasses
import operator
from typing import Any, TypeVar

__all__ = ["pickled_by_fields"]

T = TypeVar("T")


def pickled_by_fields(cls: type[T]) -> type[T]:
    """Class decorator (above ``@dataclass``): instances of the dataclass ``cls`` pickle as
    ``cls(*values)``, its fields' values in their order.

    Every field must be an ``__init__`` argument (the constructor rebuilds the object from
    them alone); a subclass must be decorated again (it pickles as ``cls`` otherwise).
    """
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if any(not field.init for field in fields):
        raise TypeError(f"{cls.__name__}: a field outside __init__ cannot be pickled by value")
    names = [field.name for field in fields]
    if len(names) < 2:
        raise TypeError(f"{cls.__name__}: pickled by fields from two fields on")
    values = operator.attrgetter(*names)  # a tuple, read in C

    def __reduce__(self: Any) -> tuple[type[T], tuple[Any, ...]]:
        if type(self) is not cls:
            raise TypeError(f"{type(self).__name__} is not pickled_by_fields (only {cls.__name__})")
        return (cls, values(self))

    __reduce__.__qualname__ = f"{cls.__qualname__}.__reduce__"
    cls.__reduce__ = __reduce__  # type: ignore[method-assign,assignment]
    return cls
