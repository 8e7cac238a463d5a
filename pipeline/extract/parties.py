"""Roles of organisations: the promoter that ran the project and its partners.

Evidence, strongest first: a project-card label ("Project promoter:", "Žiadateľ:", "Realizace:"), a cue
phrase in running text ("in cooperation with", "v spolupráci s", "partner organisation"), a list of
bullets introduced as partners; without any of these the promoter is the organisation named first
(headline included) that is not a partner.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from operator import attrgetter, methodcaller

from pipeline.extract.organisations import OrgEntity, OrgMention, fold
from pipeline.folding import REGEX_EXTRA_CASES, lower_per_character
from pipeline.lexicon import LexiconError, load_data
from pipeline.models import Segment


_START = attrgetter("start")  # sort keys without a Python call per item
_SPAN = attrgetter("start", "end")

# Items of a list of names: split at commas (not before a legal form: ", z. ú.") and semicolons; an
# item no name rule read is split again at "and"/"a".
_LIST_SPLIT = re.compile(r",\s+(?![a-zA-Z]{1,2}\.\s?[a-zA-Z]{1,2}\.)|;\s*")
_AND_SPLIT = re.compile(r"\s+(?:and|a)\s+(?=\S)")
_ITEM_TRIM = re.compile(r"^[\s•\-–]+|[\s,.;]+(?:a|and)?$")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_COORDINATION_GAP = re.compile(r"\s*(?:,|,?\s+(?:a|and|i)\s+)\s*(?:the\s+)?")  # "X, Y a Z"


@dataclass(frozen=True, slots=True)
class PartiesData:
    promoter_labels: frozenset[str]
    partner_labels: frozenset[str]
    implementer_labels: frozenset[str]
    organisation_labels: frozenset[str]
    label_kinds: dict[str, str]  # label -> the first of the kinds above listing it
    partner_cue: CaselessPhrases
    partner_list_words: frozenset[str]
    max_cue_gap: int
    join_gap: re.Pattern[str]
    promoter_before: re.Pattern[str]
    promoter_after: re.Pattern[str]
    max_verb_distance: int


@cache
def parties_data() -> PartiesData:
    raw = load_data("parties")
    try:
        labels, cues, promoter_cues = raw["labels"], raw["cues"], raw["promoter_cues"]
        before = sorted(promoter_cues["before"], key=len, reverse=True)
        after = sorted(set(promoter_cues["after"]), key=len, reverse=True)
        cue_phrases = sorted(cues["partners"], key=len, reverse=True)
        join_words = sorted(cues["join_words"], key=len, reverse=True)
        join = "|".join(re.escape(w) for w in join_words)
        return PartiesData(
            promoter_labels=frozenset(labels["promoter"]),
            partner_labels=frozenset(labels["partners"]),
            implementer_labels=frozenset(labels["implementers"]),
            organisation_labels=frozenset(labels["organisations"]),
            label_kinds=_label_kinds(
                [("promoter", labels["promoter"]), ("partners", labels["partners"]),
                 ("implementers", labels["implementers"]), ("organisations", labels["organisations"])]
            ),
            partner_cue=CaselessPhrases(cue_phrases),
            partner_list_words=frozenset(cues["partner_list_words"]),
            max_cue_gap=int(cues["max_cue_gap"]),
            # the gap between two partners named together: a join word and a few describing words
            join_gap=re.compile(
                rf"^\s*(?:,\s*)?(?:{join})\s+(?:the\s+)?[^\n.;:!?()]{{0,{int(cues['max_join_gap'])}}}$", re.IGNORECASE
            ),
            # (only whether these match is asked: the alternatives may be reordered, see _factored)
            promoter_before=re.compile(r"(?<!\w)(?:" + _factored(before) + r")\s+(?:the\s+)?$", re.IGNORECASE),
            promoter_after=re.compile(r"(?<!\w)(?:" + _factored(after) + r")", re.IGNORECASE),
            max_verb_distance=int(promoter_cues["max_verb_distance"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise LexiconError(f"parties.toml: missing or malformed key {exc}") from exc


def _factored(phrases: Sequence[str]) -> str:
    """An alternation of ``phrases`` with the prefixes they share written once ("organi(?:sed|zed)").

    The engine tries the alternatives of an alternation one by one, and ignoring case it tries each even
    where its first character differs: factored, only the phrases that begin with the characters at
    hand are tried. It matches where the plain alternation matches, though the phrases are not tried
    in the same order: for patterns only asked whether they match.
    """
    groups: dict[str, list[str]] = {}
    for phrase in phrases:
        groups.setdefault(phrase[:1], []).append(phrase)
    alternatives = []
    for first, members in groups.items():
        if len(members) == 1 or not first:  # (one empty phrase: the group of "" has no other)
            alternatives.append(re.escape(members[0]))
            continue
        prefix = os.path.commonprefix(members)
        alternatives.append(re.escape(prefix) + "(?:" + _factored([member[len(prefix) :] for member in members]) + ")")
    return "|".join(alternatives)


def _phrase_pattern(phrases: Sequence[str]) -> re.Pattern[str]:
    """Any of ``phrases`` as whole words, case ignored.

    The look-ahead at the phrases' first letters changes no match; it lets the scan skip most positions
    after one character test instead of trying every phrase there.
    """
    if not all(phrases):
        raise LexiconError("parties.toml: an empty cue phrase")
    first_letters = "".join(re.escape(c) for c in sorted({phrase[0] for phrase in phrases}))
    alternatives = "|".join(re.escape(phrase) for phrase in phrases)
    return re.compile(rf"(?=[{first_letters}])(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _leading_letters_phrase_patterns(phrases: Sequence[str], letters: int = 3) -> list[tuple[str, re.Pattern[str]]]:
    """``_phrase_pattern`` without IGNORECASE, one pattern for each first few ``letters`` of ``phrases``
    (fewer when a phrase is shorter).

    Each pattern starts with the literal prefix its phrases share, the test of the character before
    the phrase coming after it (``(?<!\\wPREFIX)``): the engine then skips to that prefix in C, where
    one pattern for all letters would stop at each of them; a longer prefix ("v sp", not "v") is
    rarer in a text, so fewer places are tried. Within a pattern the phrases keep their order, and at
    one position only the pattern of the letters there can match, so the match each finds at a
    position is the one ``_phrase_pattern`` finds there. Each pattern comes with its literal prefix.
    """
    letters = min(letters, *map(len, phrases))  # every phrase is that long: one group per position
    groups: dict[str, list[str]] = {}
    for phrase in phrases:
        groups.setdefault(phrase[:letters], []).append(phrase)
    patterns = []
    for members in groups.values():
        prefix = os.path.commonprefix(members)
        rests = "|".join(re.escape(member[len(prefix) :]) for member in members)
        patterns.append((prefix, re.compile(rf"{re.escape(prefix)}(?<!\w{re.escape(prefix)})(?:{rests})(?!\w)")))
    return patterns


def _leftmost_matches(patterns: Sequence[tuple[str, re.Pattern[str]]], text: str) -> list[re.Match[str]]:
    """What ``finditer`` of the patterns' alternation finds, for patterns that never match at one position.

    Each pattern's matches at every position (overlapping ones too), then from left to right those
    starting after the one taken before ends. A pattern starting with a literal prefix is searched
    from where ``str.find`` finds that prefix first, and not at all where it finds none (most
    prefixes are in no text: ``str.find`` tells so faster than the regex engine).
    """
    found: list[re.Match[str]] = []
    for prefix, pattern in patterns:
        first = text.find(prefix)
        match = pattern.search(text, first) if first >= 0 else None
        while match is not None:
            found.append(match)
            match = pattern.search(text, match.start() + 1)
    found.sort(key=_MATCH_START)
    taken: list[re.Match[str]] = []
    for match in found:
        if not taken or match.start() >= taken[-1].end():
            taken.append(match)
    return taken


_MATCH_START = methodcaller("start")


class CaselessPhrases:
    """``_phrase_pattern`` of some phrases, searched in the lower-cased text when that finds the same.

    Ignoring case, the regex engine tries the pattern at every position; in a lower-cased text a
    case-sensitive pattern skips to the phrases' first letters in C. The two find the same matches
    when every character lower-cases to one character (the length is kept) that is the one the engine
    compares ignoring case, and no character matches a phrase's only through the engine's extra case
    pairs ("ſ" for "s", "ı" for "i"). Capital sigma lower-cases by context: texts with it are searched
    as before. (That lower-casing keeps word characters word characters is checked by the tests.)
    """

    def __init__(self, phrases: Sequence[str]) -> None:
        self.ignoring_case = _phrase_pattern(phrases)
        lowered = [phrase.lower() for phrase in phrases]
        self._lowered: list[tuple[str, re.Pattern[str]]] | None = None
        self._extra_cases: list[str] = []  # lower-case characters a phrase's character matches besides its own
        if REGEX_EXTRA_CASES is not None and all(len(a) == len(b) for a, b in zip(phrases, lowered)):
            self._lowered = _leading_letters_phrase_patterns(lowered)
            self._extra_cases = sorted({chr(code) for c in "".join(lowered) for code in REGEX_EXTRA_CASES.get(ord(c), ())})

    def finditer(self, text: str) -> Iterable[re.Match[str]]:
        """``finditer`` of the case-insensitive pattern (the matches' offsets; groups are not kept)."""
        lowered = lower_per_character(text) if self._lowered is not None else None
        if lowered is not None and not any(map(lowered.__contains__, self._extra_cases)):
            return _leftmost_matches(self._lowered, lowered)
        return self.ignoring_case.finditer(text)


@dataclass(frozen=True, slots=True)
class Parties:
    """Result of role assignment: mentions standing for the promoter and for each partner."""

    promoter: OrgMention | None
    partners: tuple[OrgMention, ...]
    extra_mentions: tuple[OrgMention, ...]  # list items that no name rule had found


def _label_kinds(kinds: Sequence[tuple[str, Sequence[str]]]) -> dict[str, str]:
    """Label -> the first kind (in the order given) whose labels list it."""
    label_kinds: dict[str, str] = {}
    for kind, labels in kinds:
        for label in labels:
            label_kinds.setdefault(label, kind)
    return label_kinds


def _label_kind(label: str | None, data: PartiesData) -> str | None:
    if label is None:
        return None
    return data.label_kinds.get(label.lower().strip())


def _value_span(segment: Segment) -> tuple[int, int]:
    start = segment.value_start if segment.value_start is not None else segment.start
    return start, segment.end


def _list_items(text: str, start: int, end: int, separator: re.Pattern[str] = _LIST_SPLIT) -> list[tuple[int, int]]:
    """Spans of the items of a separated list of names."""
    items: list[tuple[int, int]] = []
    cursor = start
    value = text[start:end]
    for match in separator.finditer(value):
        items.append((cursor, start + match.start()))
        cursor = start + match.end()
    items.append((cursor, end))
    return [_trim_item(text, a, b) for a, b in items if b > a]


def _trim_item(text: str, start: int, end: int) -> tuple[int, int]:
    item = text[start:end]
    lead = len(item) - len(item.lstrip(" •-–\t"))
    trimmed = item.rstrip()
    while trimmed and trimmed[-1] in ",.;":
        if trimmed.endswith((" z.s.", " o.s.", " z. s.", " o.p.s.", " z. ú.", " o. p. s.", " n.o.", " o.z.", "s.r.o.")):
            break
        trimmed = trimmed[:-1].rstrip()
    for tail in (" a", " and"):
        if trimmed.endswith(tail):
            trimmed = trimmed[: -len(tail)].rstrip()
    return start + lead, start + len(trimmed)


class MentionIndex:
    """Mentions ordered by position, to find those within or across a span without reading them all."""

    def __init__(self, mentions: Iterable[OrgMention]) -> None:
        self.ordered = sorted(mentions, key=_SPAN)
        self.starts = [m.start for m in self.ordered]
        self.longest = max((m.end - m.start for m in self.ordered), default=0)

    def within(self, start: int, end: int) -> list[OrgMention]:
        """Mentions lying wholly inside ``[start, end)``, in text order."""
        found: list[OrgMention] = []
        for position in range(bisect_left(self.starts, start), len(self.ordered)):
            mention = self.ordered[position]
            if mention.start >= end:
                break
            if mention.end <= end:
                found.append(mention)
        return found

    def overlapping(self, start: int, end: int) -> list[OrgMention]:
        """Mentions sharing at least one character with ``[start, end)``, in text order."""
        found: list[OrgMention] = []
        # a mention starting more than the longest mention's length before ``start`` ends before it
        for position in range(bisect_left(self.starts, start - self.longest), len(self.ordered)):
            mention = self.ordered[position]
            if mention.start >= end:
                break
            if mention.end > start:
                found.append(mention)
        return found


def _item_mention(text: str, mentions: MentionIndex, start: int, end: int) -> OrgMention | None:
    """The organisation an item of a list names: a found mention in it, or the item itself."""
    inside = mentions.within(start, end)
    if inside:
        return inside[0]
    item = text[start:end]
    words = item.split()
    if not item or not item[0].isupper() or len(words) > 8 or len(item) < 2:
        return None
    return OrgMention(start, end, item, "org.list")


def _value_mentions(text: str, mentions: MentionIndex, start: int, end: int) -> list[OrgMention]:
    """Organisations named in a label's value: found names first, the rest of each list item as a name."""
    found: list[OrgMention] = []
    seen: set[OrgMention] = set()
    for item_start, item_end in _list_items(text, start, end):
        overlapping = mentions.overlapping(item_start, item_end)
        if overlapping:
            for mention in overlapping:
                if mention not in seen:
                    seen.add(mention)
                    found.append(mention)
            continue
        for a, b in _list_items(text, item_start, item_end, _AND_SPLIT):
            item = _item_mention(text, mentions, a, b)
            if item is not None:
                found.append(item)
    return found


def _labelled(text: str, segments: Sequence[Segment], mentions: MentionIndex, data: PartiesData):
    """(kind, mentions) for every key-value line and bullet whose label names organisations."""
    for segment in segments:
        if segment.kind not in ("key_value", "bullet"):
            continue
        kind = _label_kind(segment.label, data)
        if kind is None:
            continue
        yield kind, _value_mentions(text, mentions, *_value_span(segment))


def _announces_partners(block: str, data: PartiesData) -> bool:
    words = {w.lower() for w in _LETTER_RUN.findall(block)}
    return bool(words & data.partner_list_words)


def _partner_list_bullets(text: str, segments: Sequence[Segment], data: PartiesData) -> list[Segment]:
    """Bullets right after a line ending with ":" that announces partners ("... tři partneři:")."""
    bullets: list[Segment] = []
    announcing = False
    for segment in segments:
        kind = segment.kind  # (each attribute read once: a model's attributes are slower to read)
        if kind == "sentence":
            continue
        if kind == "bullet":
            label = segment.label
            labelled = label is not None and _announces_partners(label, data)
            if announcing or labelled:
                bullets.append(segment)
            continue
        start, end = segment.start, segment.end
        announcing = _ends_with_colon(text, start, end) and _announces_partners(text[start:end], data)
    return bullets


def _ends_with_colon(text: str, start: int, end: int) -> bool:
    """``text[start:end].rstrip().endswith(":")``, copying the block only when it ends in white space."""
    end = min(end, len(text))
    if end <= start:
        return False
    if text[end - 1].isspace():
        return text[start:end].rstrip().endswith(":")
    return text[end - 1] == ":"


def _cue_partners(text: str, mentions: Sequence[OrgMention], data: PartiesData) -> list[OrgMention]:
    ordered = sorted(mentions, key=_START)
    starts = [m.start for m in ordered]
    found: list[OrgMention] = []
    for cue in data.partner_cue.finditer(text):
        # the first mention starting within the gap after the cue, with no clause break before it
        # (a later one would have the same break before it)
        first = bisect_left(starts, cue.end())
        if first == len(ordered) or ordered[first].start > cue.end() + data.max_cue_gap:
            continue
        current = ordered[first]
        if _CLAUSE_END.search(text, cue.end(), current.start):
            continue
        found.append(current)
        # then the mentions joined to it, each starting after the one before ends
        position = bisect_right(starts, current.end)
        while position < len(ordered):
            nxt = ordered[position]
            if not data.join_gap.match(text[current.end : nxt.start]):
                break
            found.append(nxt)
            current = nxt
            position = bisect_right(starts, current.end, lo=position + 1)
    return found


def assign_roles(
    text: str, segments: Sequence[Segment], mentions: Sequence[OrgMention], entities: Sequence[OrgEntity]
) -> Parties:
    """The promoter and partners among ``mentions`` (plus list items no name rule had found)."""
    data = parties_data()
    promoter: OrgMention | None = None
    partners: list[OrgMention] = []
    extra: list[OrgMention] = []
    index = MentionIndex(mentions)
    for kind, items in _labelled(text, segments, index, data):
        extra.extend(m for m in items if m.rule == "org.list")
        if kind == "promoter" and items and promoter is None:
            promoter = items[0]
        elif kind == "implementers" and items:
            if promoter is None:
                promoter = items[0]
            partners.extend(items[1:])
        elif kind == "partners":
            partners.extend(items)
    for bullet in _partner_list_bullets(text, segments, data):
        item = _item_mention(text, index, *_trim_item(text, bullet.start, bullet.end))
        if item is not None:
            partners.append(item)
            if item.rule == "org.list":
                extra.append(item)
    partners.extend(_cue_partners(text, mentions, data))
    partner_keys = {fold(m.name) for m in partners}
    if promoter is None:
        promoter = _cue_promoter(text, mentions, partner_keys, data)
        if promoter is not None:
            co_leads = _co_leads(text, promoter, mentions)
            partners.extend(co_leads)
            extra.extend(m for m in co_leads if m.rule == "org.coordinated")
    if promoter is None:
        promoter = _leading_mention(text, segments, mentions, partner_keys)
    if promoter is not None and partners:
        entity_at = _entities_by_span(entities)
        partners = [m for m in partners if not _same_entity(m, promoter, entity_at)]
    partners = _unique(partners)
    return Parties(promoter, tuple(partners), tuple(_unique(extra)))


_CLAUSE_END = re.compile(r"[.;!?\n]")
_NEXT_IN_LIST = re.compile(r"\s*(?:,\s*|,?\s+(?:a|and|i)\s+)(?:the\s+)?")
# "announced by the Pontis Foundation and Donio": a capitalised name joined to the promoter
_JOINED_NAME = re.compile(r"\s+(?:and|a)\s+((?:[A-ZÁČĎÉĚÍĽĹŇÓÔŘŔŠŤÚŮÝŽ][\w-]+)(?:\s+[A-ZÁČĎÉĚÍĽĹŇÓÔŘŔŠŤÚŮÝŽ][\w-]+){0,3})(?![\w-])")


def _co_leads(text: str, promoter: OrgMention, mentions: Sequence[OrgMention]) -> list[OrgMention]:
    """Organisations named together with the promoter as the subject ("X, Y a Z vyhlasujú")."""
    ordered = [m for m in sorted(mentions, key=_START) if m.start >= promoter.end]
    found: list[OrgMention] = []
    current = promoter
    for nxt in ordered:
        gap = _NEXT_IN_LIST.fullmatch(text, current.end, nxt.start)
        if gap is None:
            break
        found.append(nxt)
        current = nxt
    if not found:
        joined = _JOINED_NAME.match(text, promoter.end)
        if joined is not None:
            found.append(OrgMention(joined.start(1), joined.end(1), joined.group(1), "org.coordinated"))
    return found


def _cue_promoter(text: str, mentions: Sequence[OrgMention], partner_keys: set[str], data: PartiesData) -> OrgMention | None:
    """The first organisation a promoter cue points at: "announced by X", "X ... vyhlásilo"."""
    ordered = sorted(mentions, key=_START)
    for index, mention in enumerate(ordered):
        if fold(mention.name) in partner_keys:
            continue
        # the 40 characters before the mention, within its line (read back no further than that)
        window_start = max(0, mention.start - 40)
        window_start = text.rfind("\n", window_start, mention.start) + 1 or window_start
        if data.promoter_before.search(text[window_start : mention.start]):
            return mention
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        if _verb_follows(text, mention, following, data):
            return _first_coordinated(text, ordered[: index + 1], data)
    return None


def _verb_follows(text: str, mention: OrgMention, following: OrgMention | None, data: PartiesData) -> bool:
    # up to the clause's end, or the next organisation (the subject of what follows) if it comes first
    limit = len(text) if following is None else max(following.start, mention.end)
    clause_end = _CLAUSE_END.search(text, mention.end, limit)
    if clause_end is not None:
        limit = clause_end.start()
    for count, word in enumerate(_LETTER_RUN.finditer(text, mention.end, limit)):  # (offsets in the text)
        if count >= data.max_verb_distance:
            return False
        if data.promoter_after.match(text, word.start()):
            return True
    return False


def _first_coordinated(text: str, upto: Sequence[OrgMention], data: PartiesData) -> OrgMention:
    """For "X, Y a Z vyhlasujú" the verb's subject is the list; the first name leads it."""
    current = upto[-1]
    for previous in reversed(upto[:-1]):
        gap = text[previous.end : current.start]
        if not _COORDINATION_GAP.fullmatch(gap):
            break
        current = previous
    return current


def _leading_mention(
    text: str, segments: Sequence[Segment], mentions: Sequence[OrgMention], partner_keys: set[str]
) -> OrgMention | None:
    """Without labels or cues: the organisation named in the title, else in the first block of the body."""
    blocks = [s for s in segments if s.kind != "sentence"]
    lead = [b for b in blocks[:1] if b.kind == "title"]
    body = [b for b in blocks if b.kind != "title"][:1]
    for block in lead + body:
        for mention in sorted(mentions, key=_START):
            if block.start <= mention.start < block.end and fold(mention.name) not in partner_keys:
                return mention
    return None


def _entities_by_span(entities: Sequence[OrgEntity]) -> dict[tuple[int, int], OrgEntity]:
    """The entity each mention's span belongs to (the first, if two share a span)."""
    entity_at: dict[tuple[int, int], OrgEntity] = {}
    for entity in entities:
        for mention in entity.mentions:
            entity_at.setdefault((mention.start, mention.end), entity)
    return entity_at


def _same_entity(a: OrgMention, b: OrgMention, entity_at: dict[tuple[int, int], OrgEntity]) -> bool:
    if fold(a.name) == fold(b.name):
        return True
    entity = entity_at.get((a.start, a.end))
    return entity is not None and entity is entity_at.get((b.start, b.end))


def _unique(mentions: Iterable[OrgMention]) -> list[OrgMention]:
    seen: set[str] = set()
    result: list[OrgMention] = []
    for mention in mentions:
        key = fold(mention.name)
        if key in seen:
            continue
        seen.add(key)
        result.append(mention)
    return result
