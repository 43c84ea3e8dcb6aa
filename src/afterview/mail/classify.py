"""What a reply means, from its wording: pure, no clock, no disk.

Precision before recall: a false "rejected" makes a person stop on a live
opportunity, so a rejection needs one of the clear forms in the wording files and no
hedge ("if", "not yet") in the same sentence; an offer or another round is never read
from a negated sentence; a message that says both "no" and "yes" is uncertain. Anything
uncertain is ``replied``: they answered, and the check-ins stop.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .wording import LANGUAGES, Language

REPLIED, WAITING, REJECTED, OFFER, NEXT_ROUND = (
    "replied",
    "waiting",
    "rejected",
    "offer",
    "next-round",
)
STATUSES = (REPLIED, WAITING, REJECTED, OFFER, NEXT_ROUND)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "\u00a0": " "})


@dataclass(frozen=True)
class Verdict:
    """What a message means: a status, the sentence that decided it, and any timeline."""

    status: str
    sentence: str
    phrase: str | None = None  # the timeline phrase, for ``waiting``


def plain(sentence: str) -> str:
    """A sentence with typographic apostrophes and spaces made plain, for matching."""
    return sentence.translate(_APOSTROPHES)


def _any(patterns: Iterable[re.Pattern[str]], text: str) -> bool:
    return any(p.search(text) for p in patterns)


def _says(text: str, kind: str, languages: tuple[Language, ...]) -> bool:
    return any(_any(getattr(language, kind), text) for language in languages)


def is_auto_reply(subject: str, sentences: Iterable[str]) -> bool:
    """Whether a message is an automatic reply (out of office), by its subject or text."""
    if _says(plain(subject), "auto_subject", LANGUAGES):
        return True
    return any(_says(plain(s), "auto_reply", LANGUAGES) for s in sentences)


def timeline_phrase(sentence: str) -> str | None:
    """The timeline a sentence gives for the decision, as afterview's reader takes it."""
    text = plain(sentence)
    for language in LANGUAGES:
        if not _any(language.timeline_cues, text):
            continue
        for form in language.timeline:
            found = form.pattern.search(text)
            if found is None:
                continue
            values = {
                name: language.translate(name, value)
                for name, value in found.groupdict().items()
                if value is not None
            }
            if "mnum" in values:
                values["month"] = values.pop("mnum")
                return form.phrase.replace("{mnum}", "{month}").format(**values)
            return form.phrase.format(**values)
    return None


def classify(
    sentences: list[str],
    *,
    invitation: bool = False,
    readable: Callable[[str], bool] = lambda _phrase: True,
) -> Verdict:
    """The status a message's sentences propose.

    ``invitation`` says the message carries a calendar invitation; ``readable`` says
    whether afterview's timeline reader takes a phrase (the caller knows the dates).
    """
    rejected = offer = next_round = None
    waiting: tuple[str, str] | None = None
    for sentence in sentences:
        text = plain(sentence)
        hedged = _says(text, "hedges", LANGUAGES)
        negated = _says(text, "negations", LANGUAGES)
        if rejected is None and not hedged and _says(text, "rejected", LANGUAGES):
            rejected = sentence
        if offer is None and not hedged and not negated and _says(text, "offer", LANGUAGES):
            offer = sentence
        if next_round is None and not negated and _says(text, "next_round", LANGUAGES):
            next_round = sentence
        if waiting is None:
            phrase = timeline_phrase(sentence)
            if phrase is not None and readable(phrase):
                waiting = (sentence, phrase)
    first = sentences[0] if sentences else ""
    if rejected is not None and (offer or next_round or invitation):
        return Verdict(REPLIED, rejected)  # both "no" and "yes": uncertain
    if rejected is not None:
        return Verdict(REJECTED, rejected)
    if offer is not None:
        return Verdict(OFFER, offer)
    if next_round is not None or invitation:
        return Verdict(NEXT_ROUND, next_round or first)
    if waiting is not None:
        return Verdict(WAITING, waiting[0], waiting[1])
    return Verdict(REPLIED, first)


def named_roles(text: str) -> list[str]:
    """The roles a message names ("for the Senior Data Engineer role"), as written."""
    found: list[str] = []
    clean = plain(text)
    for language in LANGUAGES:
        for pattern in language.roles:
            for match in pattern.finditer(clean):
                role = " ".join(match["role"].split())
                if not role_words(role) <= _GENERIC:
                    found.append(role)
    return found


_GENERIC = frozenset(
    (
        *("position", "role", "job", "opening", "vacancy", "this", "the", "a", "an"),
        *("our", "your", "that", "same", "open", "stelle", "poste", "puesto", "vacante"),
        "posición",
    )
)


def role_words(role: str) -> frozenset[str]:
    """A role's words, for comparing two spellings of it."""
    return frozenset(re.findall(r"\w+", role.casefold()))


def same_role(named: str, tracked: str) -> bool:
    """Whether a role a message names is the tracked one (one's words contain the other's)."""
    a, b = role_words(named), role_words(tracked)
    return bool(a) and bool(b) and (a <= b or b <= a)
