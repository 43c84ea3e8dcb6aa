"""Customary company closures that are not public holidays, as data.

Many employers close on days their country's law does not make public holidays:
Japanese companies between 29 December and 3 January, Brazilian ones for the
Monday and Tuesday of Carnival, Chinese ones for the week of the Spring Festival.
A follow-up sent then sits unread, so these days are skipped like holidays unless
the interview file says ``closures = false``. Each entry names the closure as a
reason says it.
"""

from __future__ import annotations

from typing import NamedTuple


class Closure(NamedTuple):
    """One customary closure of a country's employers.

    ``kind`` says how its days are found: "fixed" (month and day, from ``first`` to
    ``last``, wrapping over the new year), "easter" (``offsets`` days from Easter
    Sunday), or "lunar-new-year" (``length`` days from the first day of the Chinese
    lunar year). Make-up working days the country decrees stay working days.
    """

    name: str
    kind: str
    first: tuple[int, int] = (1, 1)
    last: tuple[int, int] = (1, 1)
    offsets: tuple[int, ...] = ()
    length: int = 0


CLOSURES: dict[str, tuple[Closure, ...]] = {
    "JP": (
        Closure("the year-end closure customary in Japan", "fixed", first=(12, 29), last=(1, 3)),
    ),
    "BR": (Closure("Carnival, a closure customary in Brazil", "easter", offsets=(-48, -47)),),
    # From the lunar date itself, not from a holiday's name: the names come in the
    # language of the holidays library's translation, and a year past the last
    # published schedule must still have its week.
    "CN": (Closure("the Spring Festival week customary in China", "lunar-new-year", length=7),),
}
