"""Tests for pipeline.ingest: discovery, decoding and plain-word errors."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pytest

from pipeline.ingest import (
    DECODE_FAILURE,
    SUPPORTED_SUFFIXES,
    DecodeError,
    IngestError,
    RawDocument,
    alphabet,
    build_alphabet,
    decode_bytes,
    discover,
    read_document,
)
from pipeline.lexicon import LexiconError

SENTENCES = {
    "cs": [
        "Příjemce: Sdružení pro integraci a migraci, z. s.\nVýše grantu: 1,5 mil. Kč",
        "Žluťoučký kůň úpěl ďábelské ódy. Šťastná Ťapka, Ňadra, Ďábel, Č.",
        "Projekt podpořený z Fondů EHP a Norska v únoru 2019 – 27. února 2019.",
        "Poradna pro integraci, z. ú. – služby pro cizince v Praze",
    ],
    "sk": [
        "Prijímateľ: Liga za ľudské práva, o. z.\nVýška grantu: 8.442,00 EUR",
        "Ľudia z Nórska a Slovenska spolupracujú; ťažké časy, päť dôvodov, vŕba, kĺb.",
        "Ministerstvo vnútra Slovenskej republiky vyhlásilo výzvu vo februári 2016.",
        "Šťastie, žiadateľ, Ťahanovce, Žilina, Ľubochňa.",
    ],
    "en": [
        "Project promoter: Association for Integration and Migration (SIMI), Prague.",
        "InBáze z.s. and Bymisjon Bergen deepened cooperation in Norway.",
    ],
}
ALL_SENTENCES = [(language, text) for language, texts in SENTENCES.items() for text in texts]
SENTENCE_IDS = [f"{language}-{index}" for language, texts in SENTENCES.items() for index in range(len(texts))]


# --- decoding ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("language,text", ALL_SENTENCES, ids=SENTENCE_IDS)
@pytest.mark.parametrize(
    "codec,expected_name",
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16-le"),  # Python writes a little-endian BOM
        ("utf-16-le", "utf-16-le"),  # no BOM: found from the NUL byte lane
        ("utf-16-be", "utf-16-be"),
    ],
)
def test_unicode_encodings_decode_exactly(language: str, text: str, codec: str, expected_name: str) -> None:
    data = text.encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    assert decode_bytes(data) == (text, expected_name)


def tells_code_pages_apart(text: str) -> bool:
    """Byte 0xBE is ž in ISO-8859-2 and ľ in Windows-1250: a text whose only such letter is ž cannot
    be told apart (see test_iso_text_with_only_z_caron_reads_as_windows_1250)."""
    return any(char in "šťŠŤŽľĽ" for char in text)


@pytest.mark.parametrize("language,text", ALL_SENTENCES, ids=SENTENCE_IDS)
@pytest.mark.parametrize("codec,expected_name", [("cp1250", "windows-1250"), ("iso-8859-2", "iso-8859-2")])
def test_single_byte_encodings_decode_exactly(language: str, text: str, codec: str, expected_name: str) -> None:
    text = text.replace("–", "-")  # not in ISO-8859-2
    decoded, name = decode_bytes(text.encode(codec))
    if codec == "iso-8859-2" and not tells_code_pages_apart(text) and "ž" in text:
        assert (decoded, name) == (text.replace("ž", "ľ"), "windows-1250")  # the known ambiguity
        return
    assert decoded == text
    if tells_code_pages_apart(text):
        assert name == expected_name


def test_iso_text_with_only_z_caron_reads_as_windows_1250() -> None:
    # Known limit: with no other telling letter, the more common code page wins.
    assert decode_bytes("služby".encode("iso-8859-2")) == ("sluľby", "windows-1250")
    assert decode_bytes("Těžký úkol".encode("iso-8859-2")) == ("Těžký úkol", "iso-8859-2")  # ě: Czech, no ľ


@pytest.mark.parametrize(
    "text",
    ["«Ahoj», řekl.", "Copyright © 2020 Company", "Brand® and «quotes»"],
)
def test_windows_1250_symbols_are_not_taken_for_iso_letters(text: str) -> None:
    assert decode_bytes(text.encode("cp1250")) == (text, "windows-1250")


def test_crlf_and_bom_are_kept_and_dropped() -> None:
    assert decode_bytes("\ufeffa\r\nb".encode("utf-8")) == ("a\r\nb", "utf-8-sig")


def test_alphabet_data() -> None:
    letters = alphabet()
    assert {"ř", "Ř", "ľ", "Ľ", "ô", "ž"} <= letters.letters
    assert frozenset("ěřůĚŘŮ") in letters.single_language_letters  # Czech only
    assert frozenset("äĺľôŕÄĹĽÔŔ") in letters.single_language_letters  # Slovak only


@pytest.mark.parametrize(
    "data",
    [{}, {"cs": {"letters": ""}}, {"cs": {"letters": "áB"}}, {"sk": {"letter": "á"}}, {"cs": ["á"]}],
)
def test_malformed_alphabet_data_is_refused(data: dict[str, object]) -> None:
    with pytest.raises(LexiconError, match="normalise.toml"):
        build_alphabet(data)


@pytest.mark.parametrize(
    "data,message",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "file is not text (PNG image)"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "file is not text (JPEG image)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "file is not text (PDF document)"),
        (b"PK\x03\x04\x14\x00\x06\x00", "file is not text (ZIP archive or office document)"),
        (b"Text\x00with\x00NUL\x00bytes", "file is not text (binary data)"),
        (bytes(range(256)) * 4, "file is not text (binary data)"),
        (b"\x01\x02\x03\x04abc\x05\x06\x07\x08", "file is not text (binary data)"),
        (b"\x81\x83\x88\x90\x98", DECODE_FAILURE),
    ],
)
def test_binary_data_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(DecodeError) as caught:
        decode_bytes(data)
    assert str(caught.value) == message


# --- discovery ------------------------------------------------------------------------------------


def write(path: Path, text: str = "Text.") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_discover_finds_supported_files_sorted_and_skips_hidden(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    for name in ["b.txt", "a.md", "c.TXT", "notes.pdf", "image.png", ".hidden.txt", ".git/x.txt", "sub/d.txt", "sub/.e.txt"]:
        write(raw / name)
    found = [path.relative_to(raw).as_posix() for path in discover(raw)]
    assert found == ["a.md", "b.txt", "c.TXT", "notes.pdf", "sub/d.txt"]
    assert SUPPORTED_SUFFIXES == (".txt", ".md", ".html", ".htm", ".xhtml", ".pdf", ".docx")


def test_discover_skips_and_logs_symlinks_leading_outside(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    raw = tmp_path / "raw"
    inside = write(raw / "inside.txt")
    outside = write(tmp_path / "secret.txt")
    (raw / "link_out.txt").symlink_to(outside)
    (raw / "link_in.txt").symlink_to(inside)
    with caplog.at_level(logging.WARNING, logger="pipeline.ingest"):
        found = [path.name for path in discover(raw)]
    assert found == ["inside.txt", "link_in.txt"]
    assert "link_out.txt" in caplog.text


def test_discover_refuses_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        discover(tmp_path / "missing")


# --- reading ----------------------------------------------------------------------------------------


def test_read_document(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    path = raw / "seed_002.txt"
    path.parent.mkdir()
    data = "Intercultural society\r\nPříjemce".encode("cp1250")
    path.write_bytes(data)
    document = read_document(path, raw)
    assert document == RawDocument(
        doc_id="seed_002",
        source=str(raw / "seed_002.txt"),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        text="Intercultural society\r\nPříjemce",
        encoding="windows-1250",
    )


@pytest.mark.parametrize(
    "codec,expected_name",
    [
        ("cp1250", "windows-1250"),
        ("iso-8859-2", "iso-8859-2"),
        ("utf-16", "utf-16-le"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-8", "utf-8"),
    ],
)
@pytest.mark.parametrize("language", ["cs", "sk"])
def test_written_files_read_back_exactly(tmp_path: Path, language: str, codec: str, expected_name: str) -> None:
    text = "\r\n".join(SENTENCES[language]).replace("–", "-")
    path = tmp_path / f"{language}_{codec}.txt"
    path.write_bytes(text.encode(codec))
    document = read_document(path, tmp_path)
    assert (document.text, document.encoding) == (text, expected_name)


def test_read_document_relative_source_and_nested_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(Path("raw/cs/2021/report.v2.md"), "Zpráva")
    document = read_document(Path("raw/cs/2021/report.v2.md"), Path("raw"))
    assert document.doc_id == "cs__2021__report.v2"
    assert document.source == "raw/cs/2021/report.v2.md"


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "file is empty"),
        (b"  \r\n\t\n", "file is empty (only white space)"),
        ("\u00a0\u200b\n".encode("utf-8"), "file is empty (only white space)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file is not text (PNG image)"),
        (b"abc\x00\x00\x00\x01def", "file is not text (binary data)"),
    ],
)
def test_read_document_errors_are_plain_words(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(IngestError) as caught:
        read_document(path, tmp_path)
    assert caught.value.message == message
    assert caught.value.doc_id == "bad"
    assert caught.value.source == str(tmp_path / "bad.txt")


def test_unreadable_file_is_an_ingest_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as caught:
        read_document(tmp_path / "missing.txt", tmp_path)
    assert caught.value.message.startswith("cannot read file")


# --- names from path strings, control characters counted on UTF-8 bytes ---------------------------

from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pipeline import ingest as ingest_module  # noqa: E402

_PART = st.text(alphabet=st.sampled_from(list("ab.-_ ")), min_size=1, max_size=6).filter(lambda part: part not in (".", ".."))
_FOLDERS = st.sampled_from(["/tmp/in", "in", "../reports/in", "a.b/c", "/", ".", "x//y", "in/"])


@settings(max_examples=400, deadline=None)
@given(folder=_FOLDERS, parts=st.lists(_PART, min_size=1, max_size=3), as_text=st.booleans())
def test_names_match_pathlib(folder: str, parts: list[str], as_text: bool) -> None:
    input_dir = Path(folder)
    path = input_dir.joinpath(*parts)
    relative = ingest_module._relative_path(path, input_dir)
    expected = (ingest_module.document_id(relative), str(input_dir / relative))
    assert ingest_module._names(path, folder if as_text else input_dir) == expected


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab\n\t\r\x00\x01\x1f\x7f\x80\x85\x9f\xa0\xc2é€\u0100")) | st.characters(), max_size=80))
def test_control_count_on_utf8_bytes_matches_the_text(text: str) -> None:
    data = text.encode("utf-8", errors="surrogatepass")
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    assert ingest_module._utf8_controls(data) == len(ingest_module._CONTROL_RE.findall(decoded))


def test_binary_utf8_is_refused_as_before() -> None:
    data = ("ab" * 40 + "\x01\x02\u0085").encode("utf-8")
    with pytest.raises(DecodeError):
        decode_bytes(data)
    assert decode_bytes(("ab" * 100 + "\x01\u0085").encode("utf-8"))[1] == "utf-8"


@settings(max_examples=300, deadline=None)
@given(name=st.text(alphabet=st.sampled_from(list("ab.TXTtxtmdhtmlpdfdocx")), min_size=1, max_size=10))
@example(name="a.TXT")
@example(name="b.Html")
@example(name=".txt")
def test_format_of_a_path_matches_format_of_its_string(name: str) -> None:
    from pipeline.formats import format_of

    path = Path("in") / name
    assert format_of(path) == format_of(str(path))
