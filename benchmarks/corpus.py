"""A benchmark corpus: many varied 2-4 KB documents built from the project's own texts.

Sources are the sample documents in ``raw/`` and the example texts of the test suite (string constants
of ``tests/``). Every document is made different from every other, so no cache keyed on text, name,
amount or date can make a run look faster than it is:

- organisation names of the gold files are swapped for invented ones (consistently within a document);
- amounts get new digits of the same length (so the format, and the parser's work, stay the same);
- years are shifted and English month names rotated;
- body blocks are shuffled and mixed with test sentences; documents are Czech, Slovak or English.
"""

from __future__ import annotations

import ast
import json
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
RAW_DIR = PROJECT / "raw"
TESTS_DIR = PROJECT / "tests"
GOLD_DIR = PROJECT / "tests" / "gold"

LANGUAGES = ("cs", "sk", "en")
MIN_BYTES, MAX_BYTES = 2000, 4000
MIN_SNIPPET_WORDS, MIN_SNIPPET_CHARS = 6, 40

_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)")
_LONG_NUMBER = re.compile(r"(?<!\d)\d{3,}(?!\d)")
_EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
_EN_MONTH = re.compile(r"\b(" + "|".join(_EN_MONTHS) + r")\b")
_SYLLABLES = (
    "ka", "lo", "mi", "ra", "ven", "tor", "sil", "an", "bre", "do", "ne", "pa", "ri", "sta", "vo", "zel",
    "ber", "gan", "hor", "len", "mar", "nov", "ost", "pet", "sko", "tra", "uni", "vik",
)
# invented names built like the real ones: a head noun and a name, in each language
_NAME_PATTERNS = {
    "en": ("{W} Foundation", "Association for {W} and {V}", "{W} Centre", "{W} Institute", "Friends of {W}"),
    "cs": ("Spolek {W}", "Nadace {W}", "Sdružení {W} z.s.", "{W} o.p.s.", "Centrum {W}"),
    "sk": ("Nadácia {W}", "Združenie {W}", "{W} o.z.", "Centrum {W} n.o.", "Spoločnosť {W}"),
}


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """A sample document cut into its title and body blocks."""

    title: str
    blocks: tuple[str, ...]
    language: str


@dataclass(frozen=True, slots=True)
class Sources:
    documents: tuple[SourceDocument, ...]
    snippets: dict[str, tuple[str, ...]]  # language -> test texts in it
    names: tuple[str, ...]  # organisation names printed in the sample documents, longest first


@dataclass(frozen=True, slots=True)
class CorpusInfo:
    documents: int
    total_bytes: int
    languages: dict[str, int]


def _blocks(text: str) -> list[str]:
    return [block.strip() for block in re.split(r"\n\s*\n", text) if block.strip()]


def _test_texts(tests_dir: Path) -> Iterator[str]:
    """String constants of the test modules long enough to read as sentences (docstrings left out)."""
    for path in sorted(tests_dir.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                value = node.value.strip()
                if len(value) >= MIN_SNIPPET_CHARS and len(value.split()) >= MIN_SNIPPET_WORDS:
                    yield value


def _gold_names(gold_dir: Path) -> list[str]:
    names: set[str] = set()
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        for field in ("promoter", "partners", "organisations"):
            for aliases in gold.get(field) or []:
                names.update(alias for alias in aliases if len(alias) >= 4)
    return sorted(names, key=lambda name: (-len(name), name))


def load_sources(raw_dir: Path = RAW_DIR, tests_dir: Path = TESTS_DIR, gold_dir: Path = GOLD_DIR) -> Sources:
    """The material documents are built from (sample documents, test texts, organisation names)."""
    from pipeline.language import detect_document

    documents = []
    for path in sorted(raw_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        blocks = _blocks(text)
        if len(blocks) >= 2:
            documents.append(SourceDocument(blocks[0], tuple(blocks[1:]), detect_document(text)))
    snippets: dict[str, list[str]] = {code: [] for code in LANGUAGES}
    for text in dict.fromkeys(_test_texts(tests_dir)):
        language = detect_document(text)
        if language in snippets:
            snippets[language].append(text)
    by_language = {code: tuple(texts) for code, texts in snippets.items()}
    return Sources(tuple(documents), by_language, tuple(_gold_names(gold_dir)))


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _invented_name(rng: random.Random, language: str) -> str:
    return rng.choice(_NAME_PATTERNS[language]).format(W=_word(rng), V=_word(rng))


def _swap_names(text: str, names: Sequence[str], rng: random.Random, language: str) -> str:
    """Every known organisation name replaced by an invented one, the same one each time in the text."""
    present = [name for name in names if name in text]  # substring tests first: one alternation of all is slow
    if not present:
        return text
    replacements: dict[str, str] = {}
    pattern = re.compile("|".join(re.escape(name) for name in present))  # few combinations: re caches them
    return pattern.sub(lambda m: replacements.setdefault(m.group(), _invented_name(rng, language)), text)


def _new_digits(number: str, rng: random.Random) -> str:
    """Other digits, as many: the value changes, the format does not."""
    if number[0] == "0":
        return str(rng.randrange(10 ** (len(number) - 1))).zfill(len(number))
    return str(rng.randrange(10 ** (len(number) - 1), 10 ** len(number)))


def _vary_numbers(text: str, rng: random.Random) -> str:
    shift = rng.randint(-6, 6)
    rotation = rng.randint(0, 11)
    placeholder = "\x00"  # years are shifted first and kept out of the amount rewrite
    years: list[str] = []

    def keep_year(match: re.Match[str]) -> str:
        years.append(str(int(match.group()) + shift))
        return placeholder

    text = _YEAR.sub(keep_year, text)
    text = _LONG_NUMBER.sub(lambda m: _new_digits(m.group(), rng), text)
    text = _EN_MONTH.sub(lambda m: _EN_MONTHS[(_EN_MONTHS.index(m.group()) + rotation) % 12], text)
    shifted = iter(years)
    return re.sub(placeholder, lambda _: next(shifted), text)


def _paragraphs_of(snippets: Sequence[str], rng: random.Random, count: int) -> list[str]:
    return [" ".join(rng.sample(snippets, k=min(len(snippets), rng.randint(2, 4)))) for _ in range(count)]


def make_document(sources: Sources, index: int, seed: int = 0) -> tuple[str, str]:
    """(language, text) of the corpus document ``index``: the same for the same index and seed."""
    rng = random.Random(seed * 1_000_003 + index)
    language = LANGUAGES[index % len(LANGUAGES)]
    own = [d for d in sources.documents if d.language == language] or list(sources.documents)
    base = rng.choice(own)
    snippets = sources.snippets[language]
    blocks = list(base.blocks) if base.language == language else []
    blocks += _paragraphs_of(snippets, rng, rng.randint(2, 4))
    rng.shuffle(blocks)
    title = base.title if base.language == language else rng.choice(snippets).split(".")[0]
    text = title + "\n\n" + "\n\n".join(blocks) + "\n"
    while len(text.encode("utf-8")) < MIN_BYTES:
        text += "\n" + "\n\n".join(_paragraphs_of(snippets, rng, 1)) + "\n"
    while len(text.encode("utf-8")) > MAX_BYTES and len(blocks) > 2:
        blocks.pop()
        text = title + "\n\n" + "\n\n".join(blocks) + "\n"
    text = _swap_names(text, sources.names, rng, language)
    return language, _vary_numbers(text, rng)


def build_corpus(target: Path, count: int, seed: int = 0, sources: Sources | None = None) -> CorpusInfo:
    """Write ``count`` documents ``doc_00000.txt`` ... into ``target``."""
    sources = sources or load_sources()
    target.mkdir(parents=True, exist_ok=True)
    languages = {code: 0 for code in LANGUAGES}
    total = 0
    width = max(5, len(str(count)))
    for index in range(count):
        language, text = make_document(sources, index, seed)
        data = text.encode("utf-8")
        (target / f"doc_{index:0{width}d}.txt").write_bytes(data)
        languages[language] += 1
        total += len(data)
    return CorpusInfo(count, total, languages)
