"""Tests for pipeline.formats and the ingest of saved web pages, PDF and Word files.

Every fixture is built here, in tmp_path: web pages as strings, PDF files with fpdf2 and a Unicode
TrueType font found on the system, Word files with python-docx.
"""

from __future__ import annotations

import io
import json
import socket
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from fpdf import FPDF
from PIL import Image, ImageDraw

from pipeline.formats import FormatError, format_of, read_bytes, supported_suffixes
from pipeline.formats.pdf import NO_TEXT_LAYER, PdfBox, PdfLine, PdfPage, box_text, drop_furniture, is_wrapped
from pipeline.formats.settings import build_settings, format_settings
from pipeline.ingest import SUPPORTED_SUFFIXES, IngestError, RawDocument, discover, read_document
from pipeline.lexicon import LexiconError, load_data
from pipeline.models import Record
from pipeline.process import process_document
from pipeline.runner import run

# --- the project card, in every format ---------------------------------------------------------------

TITLE = "Úspěšná integrace migrantů v regionech"
CARD_FIELDS: list[tuple[str, str]] = [
    ("Příjemce", "Sdružení pro integraci a migraci, z. s."),
    ("Výše dotace", "1 250 000 Kč"),
    ("Program", "Fondy EHP a Norska"),
    ("Datum zahájení", "1. září 2020"),
    ("Partner projektu", "Liga za ľudské práva"),
]
CARD_PARAGRAPH = (
    "Projekt podpořený z Fondů EHP a Norska pomáhá obcím v Česku s integrací cizinců a jejich rodin. "
    "Sdružení pro integraci a migraci spolupracuje s organizací Liga za ľudské práva ze Slovenska na "
    "metodice pro obce, které dosud neměly potřebné služby, informace ani zkušenosti s cizinci."
)
CARD_TEXT = "\n".join([TITLE, "", *(f"{label}: {value}" for label, value in CARD_FIELDS), "", CARD_PARAGRAPH]) + "\n"

# Organisations that only the clutter of a web page names: none may reach the record.
CLUTTER_WORDS = ["Portál grantů", "Nadace Jiná", "cookies", "Facebook", "Úvod", "tracking", "Související", "Spolek"]

CARD_HTML = f"""<!DOCTYPE html>
<html lang="cs"><head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1250">
<title>{TITLE} | Portál grantů</title>
<meta property="article:published_time" content="2021-03-15T10:00:00+01:00">
<meta property="og:site_name" content="Portál grantů">
<style>body {{ font-family: sans-serif }} .cookie {{ position: fixed }}</style>
<script>var tracking = "Příjemce: Spolek Reklama, z. s."; window.dataLayer = [];</script>
</head><body>
<div class="cookie-banner" id="cookie-consent"><p>Tento web používá soubory cookies pro analýzu návštěvnosti.
 <button>Přijmout vše</button> <button>Odmítnout</button></p></div>
<header class="site-header"><a class="logo" href="/">Portál grantů</a>
<nav class="main-menu"><ul><li><a href="/">Úvod</a></li><li><a href="/projekty">Projekty</a></li>
<li><a href="/vyzvy">Výzvy</a></li><li><a href="/kontakt">Kontakt</a></li></ul></nav></header>
<main><article class="project">
<h1>{TITLE}</h1>
<table class="project-card">
{"".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in CARD_FIELDS)}
</table>
<p>{CARD_PARAGRAPH}</p>
<div class="share-buttons"><span>Sdílet:</span> <a href="#">Facebook</a> <a href="#">Twitter</a> <a href="#">LinkedIn</a></div>
</article>
<aside class="sidebar"><h3>Související projekty</h3><ul>
<li><a href="/p/2">Nadace Jiná podpořila Spolek Pomoc v Brně</a></li>
<li><a href="/p/3">Výzva 2022 pro Spolek Naděje</a></li></ul></aside></main>
<footer class="site-footer"><p>© 2021 Portál grantů, Nadace Jiná. Všechna práva vyhrazena.</p>
<p><a href="/gdpr">Ochrana osobních údajů</a> | <a href="/cookies">Nastavení cookies</a></p></footer>
<script src="https://example.org/analytics.js"></script>
</body></html>
"""


def find_unicode_font() -> Path:
    """A TrueType font with Czech and Slovak letters: DejaVu Sans from the system or a Python package."""
    candidates = [
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
    ]
    try:
        import matplotlib  # optional: it ships DejaVu Sans

        candidates.append(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")
    except ImportError:
        pass
    candidates.extend(
        sorted(Path("/usr/share/fonts").glob("**/DejaVuSans.ttf")) if Path("/usr/share/fonts").is_dir() else []
    )
    for path in candidates:
        if path.is_file():
            return path
    pytest.skip("no Unicode TrueType font (DejaVu Sans) on this machine to write PDF fixtures")


@dataclass(frozen=True)
class Placed:
    """A line of text at a place on an A4 page (millimetres from the top left)."""

    x: float
    y: float
    text: str
    size: float = 11


@dataclass(frozen=True)
class Wrapped:
    """A paragraph that fpdf2 wraps into lines of the given width, from its top left corner."""

    x: float
    y: float
    width: float
    text: str
    size: float = 11


PageItem = Placed | Wrapped


def build_pdf(
    pages: Sequence[Sequence[PageItem]], title: str | None = None, images: Sequence[Image.Image] = ()
) -> bytes:
    pdf = FPDF(format="A4")
    pdf.add_font("Body", "", str(find_unicode_font()))
    if title:
        pdf.set_title(title)
    pdf.set_auto_page_break(False)
    for index, items in enumerate(pages or [[]]):
        pdf.add_page()
        if index < len(images):
            pdf.image(images[index], x=10, y=10, w=190)
        for item in items:
            pdf.set_font("Body", size=item.size)
            if isinstance(item, Placed):
                pdf.text(item.x, item.y, item.text)
            else:
                pdf.set_xy(item.x, item.y)
                pdf.multi_cell(item.width, item.size * 0.4233 * 1.25, item.text, align="L")
    return bytes(pdf.output())


def placed_lines(
    lines: Sequence[str], x: float = 20, y: float = 30, size: float = 11, spacing: float = 1.25
) -> list[Placed]:
    step = size * 0.3528 * spacing  # points to millimetres, times the line spacing
    return [Placed(x, y + index * step, line, size) for index, line in enumerate(lines)]


def card_pdf() -> bytes:
    items: list[PageItem] = [Placed(20, 25, TITLE, 14)]
    items.extend(placed_lines([f"{label}: {value}" for label, value in CARD_FIELDS], y=40))
    items.append(Wrapped(20, 75, 170, CARD_PARAGRAPH))
    return build_pdf([items], title=TITLE)


def card_docx() -> bytes:
    document = docx.Document()
    document.core_properties.title = TITLE
    document.add_heading(TITLE, level=1)
    table = document.add_table(rows=len(CARD_FIELDS), cols=2)
    for row, (label, value) in zip(table.rows, CARD_FIELDS, strict=True):
        row.cells[0].text = label
        row.cells[1].text = value
    document.add_paragraph(CARD_PARAGRAPH)
    return docx_bytes(document)


def docx_bytes(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


CARD_FILES: dict[str, Callable[[], bytes]] = {
    "card.html": lambda: CARD_HTML.encode("cp1250"),
    "card.pdf": card_pdf,
    "card.docx": card_docx,
    "card_utf8.txt": lambda: CARD_TEXT.encode("utf-8"),
    "card_bom.txt": lambda: CARD_TEXT.encode("utf-8-sig"),
    "card_utf16.txt": lambda: CARD_TEXT.encode("utf-16"),
    "card_1250.txt": lambda: CARD_TEXT.encode("cp1250"),
    "card_latin2.txt": lambda: CARD_TEXT.encode("iso-8859-2"),
}


def record_fields(record: Record) -> dict[str, object]:
    """The fields that must not depend on the file format."""
    return {
        "language": record.language,
        "title": record.title,
        "promoter": record.promoter.name if record.promoter else None,
        "partners": sorted(partner.name for partner in record.partners),
        "organisations": sorted(organisation.name for organisation in record.organisations),
        "amounts": sorted((amount.value, amount.currency, amount.role) for amount in record.amounts),
        "dates": sorted((found.value, found.role) for found in record.dates),
        "countries": record.countries,
        "funding_programmes": sorted(record.funding_programmes),
        "project_code": record.project_code,
    }


def write_file(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def read(tmp_path: Path, name: str, data: bytes) -> RawDocument:
    return read_document(write_file(tmp_path, name, data), tmp_path)


def ingest_message(tmp_path: Path, name: str, data: bytes) -> str:
    with pytest.raises(IngestError) as caught:
        read(tmp_path, name, data)
    assert caught.value.doc_id == Path(name).stem
    return caught.value.message


@pytest.fixture(scope="module")
def text_card_fields() -> dict[str, object]:
    document = RawDocument(
        doc_id="card", source="card.txt", sha256="0" * 64, data=b"", text=CARD_TEXT, encoding="utf-8"
    )
    return record_fields(process_document(document))


def test_the_text_card_has_every_field(text_card_fields: dict[str, object]) -> None:
    assert text_card_fields["promoter"] == "Sdružení pro integraci a migraci, z. s."
    assert text_card_fields["amounts"] == [(1250000.0, "CZK", "grant")]
    assert text_card_fields["dates"] == [("2020-09-01", "start")]
    assert "Liga za ľudské práva" in text_card_fields["partners"]  # type: ignore[operator]
    assert text_card_fields["countries"] == ["CZ", "NO", "SK"]
    assert text_card_fields["funding_programmes"] == ["EEA Grants", "Norway Grants"]


@pytest.mark.parametrize("name", list(CARD_FILES))
def test_the_same_card_gives_the_same_record_in_every_format(
    tmp_path: Path, name: str, text_card_fields: dict[str, object]
) -> None:
    document = read(tmp_path, name, CARD_FILES[name]())
    assert record_fields(process_document(document)) == text_card_fields
    for word in CLUTTER_WORDS:
        assert word not in document.text


@pytest.mark.parametrize(
    "name,format_name,encoding",
    [
        ("card.html", "html", "windows-1250"),
        ("card.pdf", "pdf", ""),
        ("card.docx", "docx", ""),
        ("card_1250.txt", "text", "windows-1250"),
        ("card_utf16.txt", "text", "utf-16-le"),
    ],
)
def test_documents_say_their_format_encoding_and_title(
    tmp_path: Path, name: str, format_name: str, encoding: str
) -> None:
    document = read(tmp_path, name, CARD_FILES[name]())
    assert (document.format, document.encoding) == (format_name, encoding)
    assert document.text.startswith(TITLE)
    if format_name == "text":
        assert document.metadata == {}
    else:
        assert document.metadata["title"] == TITLE


def test_web_page_metadata(tmp_path: Path) -> None:
    metadata = read(tmp_path, "card.html", CARD_FILES["card.html"]()).metadata
    assert metadata["date"] == "2021-03-15"
    assert metadata["sitename"] == "Portál grantů"


def test_evidence_points_into_the_normalised_text(tmp_path: Path) -> None:
    for name in ("card.html", "card.pdf", "card.docx"):
        record = process_document(read(tmp_path, name, CARD_FILES[name]()))
        for amount in record.amounts:
            assert record.normalised_text[amount.evidence.start : amount.evidence.end] == amount.evidence.text
        assert record.promoter is not None
        evidence = record.promoter.evidence
        assert record.normalised_text[evidence.start : evidence.end] == evidence.text


# --- web pages ---------------------------------------------------------------------------------------


def page(body: str, head: str = "<title>Stránka</title>") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body><main><article>{body}</article></main></body></html>"


LONG_SENTENCE = "Sdružení pro integraci a migraci pomáhá cizincům v Praze a v dalších krajích České republiky. " * 2


def html_text(html: str | bytes) -> str:
    data = html.encode("utf-8") if isinstance(html, str) else html
    return read_bytes(data, "html").text


@pytest.mark.parametrize(
    "body,expected_lines",
    [
        ("<p>První odstavec.</p><p>Druhý odstavec.</p>", ["První odstavec.", "", "Druhý odstavec."]),
        (
            "<ul><li>Liga za ľudské práva</li><li>Bymisjon Bergen</li></ul>",
            ["• Liga za ľudské práva", "• Bymisjon Bergen"],
        ),
        ("<ol><li>Jedna</li><li>Dvě <ul><li>vnořená</li></ul></li></ol>", ["• Jedna", "• Dvě", "• vnořená"]),
        ("<p>Příjemce: SIMI<br>Výše dotace: 5 000 EUR</p>", ["Příjemce: SIMI", "Výše dotace: 5 000 EUR"]),
        ("<table><tr><td>Příjemce:</td><td>SIMI</td></tr></table>", ["Příjemce: SIMI"]),
        ("<table><tr><td>Rok</td><td>Částka</td><td>Měna</td></tr></table>", ["Rok | Částka | Měna"]),
        ("<dl><dt>Partner</dt><dd>Liga za ľudské práva</dd></dl>", ["Partner: Liga za ľudské práva"]),
        ("<dl><dt>Partneři</dt><dd>Liga</dd><dd>Bymisjon</dd></dl>", ["Partneři:", "• Liga", "• Bymisjon"]),
        ("<p>Text   rozdělený\n   v  kódu stránky.</p>", ["Text rozdělený v kódu stránky."]),
    ],
    ids=[
        "paragraphs",
        "bullets",
        "nested-list",
        "line-breaks",
        "label-table",
        "wide-table",
        "dl",
        "dl-several",
        "spaces",
    ],
)
def test_page_structure_becomes_lines(body: str, expected_lines: list[str]) -> None:
    text = html_text(page(f"<p>{LONG_SENTENCE}</p>{body}"))
    assert text.endswith("\n\n" + "\n".join(expected_lines))


SIDEBAR_PAGE = f"""<!DOCTYPE html><html><head><title>Projekt X | Fondy</title></head><body>
<header><nav><a href="/">Úvod</a></nav><dl><dt>Telefon</dt><dd>123 456</dd><dt>E-mail</dt><dd>a@portal.cz</dd></dl></header>
<div id="cookie-consent"><table><tr><td>_ga</td><td>Google Analytics</td></tr><tr><td>_gid</td><td>Google</td></tr></table></div>
<div class="row"><div class="col-8 content"><h1>Projekt X</h1><p>{LONG_SENTENCE}</p><p>{CARD_PARAGRAPH}</p></div>
<div class="col-4 sidebar project-info"><h3>Informace o projektu</h3><dl>
<dt>Příjemce</dt><dd><a href="/o/1">Sdružení pro integraci a migraci</a></dd><dt>Výše grantu</dt><dd>1 250 000 Kč</dd>
<dt>Partneři</dt><dd>Liga za ľudské práva<br>Bymisjon Bergen</dd></dl>
<dl><dt>Glosář: co znamená slovo grant v tomto textu?</dt><dd>Dar.</dd><dt>Jiné</dt><dd>x</dd></dl>
<table><tr><td>Rok</td><td>2021</td><td>EUR</td></tr><tr><td>Rok</td><td>2022</td><td>CZK</td></tr></table></div></div>
<footer><table><tr><td>Adresa</td><td>Praha</td></tr><tr><td>IČ</td><td>123</td></tr></table></footer></body></html>"""


def test_fact_box_left_out_by_the_main_content_is_added_back() -> None:
    text = html_text(SIDEBAR_PAGE)
    assert text.endswith(
        "\n\nPříjemce: Sdružení pro integraci a migraci\nVýše grantu: 1 250 000 Kč\n"
        "Partneři:\n• Liga za ľudské práva\n• Bymisjon Bergen"
    )
    for furniture in ["Telefon", "Google Analytics", "Adresa", "Glosář", "2022"]:
        assert furniture not in text


def test_fact_table_in_the_main_content_is_not_repeated(tmp_path: Path) -> None:
    text = read(tmp_path, "card.html", CARD_FILES["card.html"]()).text
    assert text.count("Výše dotace: 1 250 000 Kč") == 1


@pytest.mark.parametrize(
    "head,codec,expected",
    [
        ('<meta charset="windows-1250">', "cp1250", "windows-1250"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-2">', "iso-8859-2", "iso-8859-2"),
        ('<meta charset="cp1250">', "cp1250", "cp1250"),
        ("<meta charset='latin2'>", "iso-8859-2", "latin2"),
        ('<meta charset="utf-8">', "utf-8", "utf-8"),
        ('<meta charset="x-no-such-charset">', "cp1250", "windows-1250"),  # unknown: as if undeclared
        ('<meta charset="base64">', "cp1250", "windows-1250"),  # a codec, but not of text
        ("", "cp1250", "windows-1250"),  # nothing declared: read as a text file is
        ("", "utf-8", "utf-8"),
    ],
)
def test_declared_charset_is_respected(head: str, codec: str, expected: str) -> None:
    text = "Šťastná Ťapka, žluťoučký kůň a ľudia z Ľubochne: Sdružení pro integraci a migraci."
    data = page(f"<h1>Ťažké časy</h1><p>{text}</p>", head=f"{head}<title>Ťažké časy</title>").encode(codec)
    extracted = read_bytes(data, "html")
    assert extracted.encoding == expected
    assert text in extracted.text
    assert extracted.metadata["title"] == "Ťažké časy"


def test_xml_declaration_charset_and_utf8_despite_a_single_byte_declaration() -> None:
    text = "Žluťoučký kůň úpěl ďábelské ódy a Šárka s Ťapkou."
    xhtml = f'<?xml version="1.0" encoding="iso-8859-2"?>\n{page(f"<p>{text}</p>")}'
    assert read_bytes(xhtml.encode("iso-8859-2"), "html").text.endswith(text)
    resaved = page(f"<p>{text}</p>", head='<meta charset="windows-1250">').encode("utf-8")
    extracted = read_bytes(resaved, "html")
    assert (extracted.encoding, extracted.text.endswith(text)) == ("utf-8", True)


def test_no_network_no_external_entities_no_remote_resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = write_file(tmp_path, "secret.txt", b"TAJNE-HESLO")
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network is not allowed in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    html = f"""<?xml version="1.0"?>
<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}"><!ENTITY remote SYSTEM "http://example.org/x">]>
<html><head><title>Karta</title><link rel="stylesheet" href="http://example.org/style.css">
<base href="http://example.org/"></head><body><main><article>
<p>{LONG_SENTENCE} &xxe; &remote;</p><img src="http://example.org/pixel.gif">
<iframe src="http://example.org/frame"></iframe><object data="http://example.org/o"></object>
</article></main><script src="http://example.org/a.js"></script></body></html>"""
    extracted = read_bytes(html.encode("utf-8"), "html")
    assert "TAJNE-HESLO" not in extracted.text
    assert "Sdružení pro integraci a migraci" in extracted.text
    assert attempts == []


@pytest.mark.parametrize(
    "html,expected",
    [
        (  # unterminated elements and a file cut in the middle of a tag: what is there is read
            "<html><head><title>Karta projektu</title><body><div><p>Příjemce: Sdružení pro integraci a migraci"
            "<p>Výše dotace: 1 250 000 Kč<ul><li>Liga za ľudské práva<li>Bymisjon Bergen<div><span>Konec uprost",
            "Výše dotace: 1 250 000 Kč",
        ),
        ("<p>Příjemce: SIMI, z. s.</p>", "Příjemce: SIMI, z. s."),  # a fragment, no <html>
        (
            "<html><body>" + "<div>" * 150 + f"<p>{LONG_SENTENCE}</p>" + "</div>" * 150 + "</body></html>",
            "České republiky.",
        ),
    ],
    ids=["unterminated", "fragment", "nested-150"],
)
def test_broken_pages_are_read(html: str, expected: str) -> None:
    assert expected in html_text(html)


@pytest.mark.parametrize(
    "data,message",
    [
        (
            ("<html><body>" + "<div>" * 400 + "<p>Hluboko.</p>" + "</div>" * 400 + "</body></html>").encode(),
            "nested too deeply",
        ),
        (
            b"<html><head><script>var a = 'Text';</script><style>p {}</style></head>"
            b"<body><script>x()</script></body></html>",
            "no main text",
        ),
        (b"<html><head><title>Jen titulek</title></head><body><img src='a.png'></body></html>", "no main text"),
        (b"<html><body>   </body></html>", "no main text"),
        (b"   \n  ", "HTML page"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not an HTML page: file is not text (PNG image)"),
        (b"<p>" + b"x" * 21_000_000 + b"</p>", "larger than"),
    ],
    ids=["too-deep", "scripts-only", "title-only", "empty-body", "white-space", "png", "too-large"],
)
def test_unreadable_pages_give_one_plain_error(tmp_path: Path, data: bytes, message: str) -> None:
    assert message in ingest_message(tmp_path, "page.html", data)


# --- PDF ---------------------------------------------------------------------------------------------

LEFT = ["Levý sloupec o integraci", "migrantů pokračuje zde", "a končí v Brně."]
RIGHT = ["Pravý sloupec jmenuje", "partnera z Norska a", "končí v Bergenu."]


def two_columns(order: str) -> bytes:
    lines = list(zip(placed_lines(LEFT, x=20, y=40), placed_lines(RIGHT, x=115, y=40), strict=True))
    if order == "across":  # rows written across the page, as many producers do
        items: list[PageItem] = [item for pair in lines for item in pair]
    else:
        items = [left for left, _ in lines] + [right for _, right in lines]
    below = "Tento řádek pod oběma sloupci je široký jako celá stránka a patří za oba."
    return build_pdf([[Placed(20, 25, "Dva sloupce", 14), *items, Placed(20, 80, below)]])


@pytest.mark.parametrize("order", ["across", "down"])
def test_pdf_columns_are_read_in_order(order: str) -> None:
    text = read_bytes(two_columns(order), "pdf").text
    flat = " ".join(text.split())
    assert (
        flat.index("Levý sloupec")
        < flat.index("končí v Brně.")
        < flat.index("Pravý sloupec")
        < flat.index("končí v Bergenu.")
    )
    assert flat.endswith("patří za oba.")
    assert "integraci Pravý" not in flat


def test_pdf_wrapped_paragraph_is_one_line_and_labels_stay_lines() -> None:
    items: list[PageItem] = [*placed_lines(["Příjemce: SIMI", "Výše dotace: 1 250 000 Kč"], y=30)]
    items.append(Wrapped(20, 50, 80, CARD_PARAGRAPH))
    text = read_bytes(build_pdf([items]), "pdf").text
    assert text.split("\n\n") == ["Příjemce: SIMI\nVýše dotace: 1 250 000 Kč", CARD_PARAGRAPH]


# Lines of one paragraph, each broken where a typesetter would: the hyphen goes unless it is real.
HYPHENATION_LINES = [
    "Projekt podporuje inte-",
    "graci cizinců a Česko-",
    "německý dialog o e-",
    "mailové komunikaci a vzdě-",
    "lávání; e-mail a vzdělávání.",
]


def test_pdf_hyphenation_is_undone_but_real_hyphens_stay() -> None:
    text = read_bytes(build_pdf([placed_lines(HYPHENATION_LINES, y=30)]), "pdf").text
    assert (
        text
        == "Projekt podporuje integraci cizinců a Česko-německý dialog o e-mailové komunikaci a vzdělávání; "
        "e-mail a vzdělávání."
    )


def furniture_pages() -> list[list[PageItem]]:
    bodies = [
        ["Příjemce: Sdružení pro integraci a migraci", "Výše dotace: 1 250 000 Kč"],
        ["Partner projektu: Liga za ľudské práva", "Projekt začal v září 2020."],
        ["Výsledky projektu jsou veřejné.", "Metodika vyšla v roce 2022."],
    ]
    pages: list[list[PageItem]] = []
    for number, body in enumerate(bodies, start=1):
        pages.append(
            [
                Placed(20, 12, "Výroční zpráva 2021 – Nadace Příklad", 8),
                *placed_lines(body, y=40 + 20 * number),
                Placed(100, 287, f"Strana {number} z {len(bodies)}", 8),
            ]
        )
    return pages


def test_pdf_running_headers_and_page_numbers_are_dropped() -> None:
    text = read_bytes(build_pdf(furniture_pages()), "pdf").text
    assert "Výroční zpráva" not in text and "Strana" not in text
    assert text.split("\n\n") == [
        "Příjemce: Sdružení pro integraci a migraci\nVýše dotace: 1 250 000 Kč",
        "Partner projektu: Liga za ľudské práva\nProjekt začal v září 2020.",
        "Výsledky projektu jsou veřejné.\nMetodika vyšla v roce 2022.",
    ]


def line(text: str, x0: float = 50, top: float = 700, width_per_char: float = 5.0) -> PdfLine:
    return PdfLine(text=text, x0=x0, x1=x0 + width_per_char * len(text), bottom=top - 10, top=top)


@pytest.mark.parametrize(
    "first,second,column_right,wrapped",
    [
        ("a line that reaches the margin", "next words", 50 + 5 * 30 + 10, True),
        ("a short line", "next words", 50 + 5 * 30, False),
        ("Partneři:", "Liga za ľudské práva", 50 + 5 * 9, False),
        ("a line that reaches the margin", "Výše dotace: 5 000 EUR", 50 + 5 * 30, False),
        ("a line that reaches the margin", "• a list item", 50 + 5 * 30, False),
        ("a line that reaches the margin", "2. a list item", 50 + 5 * 30, False),
    ],
    ids=["full", "short", "label-colon", "next-is-label", "next-is-bullet", "next-is-numbered"],
)
def test_wrapped_lines(first: str, second: str, column_right: float, wrapped: bool) -> None:
    assert is_wrapped(line(first), line(second, top=688), column_right) is wrapped


def test_indented_line_starts_a_paragraph() -> None:
    assert not is_wrapped(line("a line that reaches the margin"), line("Indented start", x0=80, top=688), 200)


@pytest.mark.parametrize(
    "lines,words,expected",
    [
        (["inte-", "grace"], set(), "integrace"),
        (["Česko-", "německý"], set(), "Česko-německý"),
        (["cross-", "border"], set(), "cross-border"),
        (["cross-", "ing"], {"crossing"}, "crossing"),  # the document writes the word whole
        (["Praha-", "západ"], {"praha-západ"}, "Praha-západ"),  # ... or with its hyphen
        (["inte\u00ad", "grace"], {"inte-grace"}, "integrace"),  # a soft hyphen always goes
        (["2020-", "2021"], set(), "2020-\n2021"),  # not letters: the lines stay as they are
        (["Inte-", "Grace"], set(), "Inte-\nGrace"),
    ],
)
def test_hyphenation_rules(lines: list[str], words: set[str], expected: str) -> None:
    box = PdfBox(tuple(line(text, top=700 - 12 * index) for index, text in enumerate(lines)))
    parts = format_settings().pdf.compound_first_parts
    assert box_text(box, column_right=box.x1 + 500, words=frozenset(words), compound_parts=parts) == expected


def test_furniture_needs_two_pages_and_page_numbers_need_an_edge() -> None:
    settings = format_settings().pdf
    single = PdfPage((PdfBox((line("Nadpis", top=800), line("Text uprostřed", top=400), line("7", top=40))),))
    kept = drop_furniture([single], settings)
    assert [item.text for box in kept[0].boxes for item in box.lines] == ["Nadpis", "Text uprostřed"]
    middle = PdfPage(
        (PdfBox((line("A", top=800), line("B", top=790), line("12", top=400), line("C", top=60), line("D", top=50))),)
    )
    assert "12" in [item.text for box in drop_furniture([middle], settings)[0].boxes for item in box.lines]


def scanned_page() -> Image.Image:
    image = Image.new("RGB", (600, 800), "white")
    ImageDraw.Draw(image).text((50, 50), "Prijemce: SIMI (scanned)", fill="black")
    return image


def encrypted_pdf(user_password: str | None) -> bytes:
    pdf = FPDF()
    pdf.add_font("Body", "", str(find_unicode_font()))
    pdf.set_font("Body", size=11)
    pdf.set_encryption(owner_password="vlastník", user_password=user_password)
    pdf.add_page()
    pdf.text(20, 30, "Příjemce: Sdružení pro integraci a migraci, z. s.")
    return bytes(pdf.output())


def test_pdf_encrypted_without_a_user_password_is_read() -> None:
    assert "Příjemce: Sdružení pro integraci a migraci, z. s." in read_bytes(encrypted_pdf(None), "pdf").text


PDF_FAILURES: dict[str, tuple[Callable[[], bytes], str]] = {
    "scanned": (lambda: build_pdf([[]], images=[scanned_page()]), NO_TEXT_LAYER),
    "blank": (lambda: build_pdf([[]]), NO_TEXT_LAYER),
    "encrypted": (lambda: encrypted_pdf("heslo"), "PDF is encrypted: it needs a password to be opened"),
    "truncated": (lambda: card_pdf()[: len(card_pdf()) // 2], "PDF is truncated (no end-of-file marker)"),
    "damaged": (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n", "PDF is damaged"),
    "html-as-pdf": (lambda: CARD_HTML.encode("cp1250"), "not a PDF file (content looks like: HTML page)"),
    "zip-as-pdf": (card_docx, "not a PDF file (content looks like: ZIP archive or office document)"),
}


@pytest.mark.parametrize("case", list(PDF_FAILURES))
def test_unreadable_pdf_gives_one_plain_error(tmp_path: Path, case: str) -> None:
    build, message = PDF_FAILURES[case]
    assert message in ingest_message(tmp_path, f"{case}.pdf", build())


def test_pdf_without_unicode_map_is_refused() -> None:
    settings = format_settings().pdf
    pages = [PdfPage((PdfBox((line("(cid:12)(cid:13)(cid:14) ab"),)),))]
    from pipeline.formats.pdf import pdf_text

    with pytest.raises(FormatError, match="no Unicode map"):
        pdf_text(pages, settings)


# --- Word --------------------------------------------------------------------------------------------


def structured_docx() -> bytes:
    document = docx.Document()
    document.add_heading("Výroční zpráva", level=1)
    document.add_paragraph("Úvodní odstavec.\tS tabulátorem.")
    document.add_paragraph("Partneři:")
    document.add_paragraph("Liga za ľudské práva", style="List Bullet")
    document.add_paragraph("Bymisjon Bergen", style="List Number")
    pairs = document.add_table(rows=2, cols=2)
    pairs.cell(0, 0).text, pairs.cell(0, 1).text = "Příjemce:", "SIMI"
    pairs.cell(1, 0).text = "Partneři"
    pairs.cell(1, 1).text = "Liga za ľudské práva"
    pairs.cell(1, 1).add_paragraph("Bymisjon Bergen")
    wide = document.add_table(rows=2, cols=3)
    for column, text in enumerate(["Rok", "Částka", "Měna"]):
        wide.cell(0, column).text = text
    merged = wide.cell(1, 0).merge(wide.cell(1, 1))
    merged.text = "2021"
    wide.cell(1, 2).text = "EUR"
    nested = pairs.cell(0, 1).add_table(rows=1, cols=2)
    nested.cell(0, 0).text, nested.cell(0, 1).text = "IČO", "123"
    document.add_heading("Závěr", level=2)
    closing = document.add_paragraph("Text s ")
    closing.add_run("vloženým").bold = True
    closing.add_run(" slovem.")
    body = document.element.body
    control = parse_xml(
        f"<w:sdt {nsdecls('w')}><w:sdtContent><w:p><w:r><w:t>Obsah ovládacího prvku.</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>"
    )
    revised = parse_xml(
        f'<w:p {nsdecls("w")}><w:r><w:t xml:space="preserve">Zůstalo </w:t></w:r>'
        '<w:del w:id="1" w:author="x"><w:r><w:delText>smazáno </w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="x"><w:r><w:t>vloženo</w:t></w:r></w:ins></w:p>'
    )
    body.insert(len(body) - 1, control)  # before the section properties
    body.insert(len(body) - 1, revised)
    return docx_bytes(document)


def test_word_blocks_in_document_order() -> None:
    text = read_bytes(structured_docx(), "docx").text
    assert text.split("\n\n") == [
        "Výroční zpráva",
        "Úvodní odstavec. S tabulátorem.",
        "Partneři:",
        "• Liga za ľudské práva\n• Bymisjon Bergen",
        "Příjemce:\n• SIMI\n• IČO: 123\nPartneři:\n• Liga za ľudské práva\n• Bymisjon Bergen",
        "Rok | Částka | Měna\n2021: EUR",
        "Závěr",
        "Text s vloženým slovem.",
        "Obsah ovládacího prvku.",
        "Zůstalo vloženo",
    ]


def zip_bytes(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    minimal = zipfile.ZipFile(io.BytesIO(card_docx()))
    entries = {name: minimal.read(name) for name in minimal.namelist()}
    entries["word/media/padding.bin"] = bytes(20_000_000)  # packs to about 20 kB
    return zip_bytes(entries)


def damaged_docx() -> bytes:
    minimal = zipfile.ZipFile(io.BytesIO(card_docx()))
    entries = {name: minimal.read(name) for name in minimal.namelist()}
    entries["word/document.xml"] = b"<w:document><w:body><w:p>unclosed"
    return zip_bytes(entries)


DOCX_FAILURES: dict[str, tuple[Callable[[], bytes], str]] = {
    "text-as-docx": (
        lambda: CARD_TEXT.encode("utf-8"),
        "not a .docx file: not a zip archive (content looks like: text)",
    ),
    "pdf-as-docx": (card_pdf, "not a .docx file: not a zip archive (content looks like: PDF document)"),
    "old-doc": (
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
        "an old Word (.doc) file or a password-protected",
    ),
    "other-zip": (lambda: zip_bytes({"data.csv": b"a,b\n1,2\n"}), "the archive has no word/document.xml"),
    "zip-bomb": (zip_bomb, "Word document part word/media/padding.bin unpacks to 1,0"),
    "damaged": (damaged_docx, "Word document is damaged"),
    "truncated": (lambda: card_docx()[:3000], "not a .docx file: not a zip archive"),
    "empty-text": (lambda: docx_bytes(docx.Document()), "Word document has no text"),
}


@pytest.mark.parametrize("case", list(DOCX_FAILURES))
def test_unreadable_word_file_gives_one_plain_error(tmp_path: Path, case: str) -> None:
    build, message = DOCX_FAILURES[case]
    assert message in ingest_message(tmp_path, f"{case}.docx", build())


def test_word_unpacked_size_limit_is_configurable() -> None:
    settings = format_settings()
    small = replace(settings, docx=replace(settings.docx, max_uncompressed_bytes=10_000))
    with pytest.raises(FormatError, match=r"unpacks to [\d,]+ bytes, more than 10,000 \(zip bomb\?\)"):
        read_bytes(card_docx(), "docx", small)
    few = replace(settings, docx=replace(settings.docx, max_entries=3))
    with pytest.raises(FormatError, match="more than 3 parts"):
        read_bytes(card_docx(), "docx", few)


# --- ingest, discovery, settings ---------------------------------------------------------------------


def test_suffixes_and_formats() -> None:
    assert SUPPORTED_SUFFIXES == supported_suffixes() == (".txt", ".md", ".html", ".htm", ".xhtml", ".pdf", ".docx")
    assert [format_of(name) for name in ["a.TXT", "b.Htm", "c.PDF", "d.docx", "e.doc", "f"]] == [
        "text",
        "html",
        "pdf",
        "docx",
        None,
        None,
    ]


def test_discover_finds_every_format(tmp_path: Path) -> None:
    for name in ["card.html", "card.pdf", "notes.txt", "report.docx", "old.doc", "sheet.xlsx", "sub/page.htm"]:
        write_file(tmp_path, name, b"x")
    found = [path.relative_to(tmp_path).as_posix() for path in discover(tmp_path)]
    assert found == ["card.html", "card.pdf", "notes.txt", "report.docx", "sub/page.htm"]


def test_text_documents_keep_their_defaults(tmp_path: Path) -> None:
    document = read(tmp_path, "note.txt", "Příjemce: SIMI".encode("cp1250"))
    assert (document.format, document.metadata, document.encoding) == ("text", {}, "windows-1250")


def test_a_run_over_broken_files_writes_one_error_each(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    broken = {
        "scan.pdf": PDF_FAILURES["scanned"][0](),
        "locked.pdf": PDF_FAILURES["encrypted"][0](),
        "cut.pdf": PDF_FAILURES["truncated"][0](),
        "notzip.docx": DOCX_FAILURES["text-as-docx"][0](),
        "bomb.docx": zip_bomb(),
        "deep.html": ("<html><body>" + "<div>" * 400 + "x" + "</div>" * 400 + "</body></html>").encode(),
    }
    good = {"card.html": CARD_FILES["card.html"](), "report.pdf": card_pdf(), "form.docx": card_docx()}
    for name, data in {**broken, **good}.items():
        write_file(raw, name, data)
    summary = run(raw, out)
    assert (summary.documents, summary.records, summary.errors) == (9, 3, 6)
    errors = [json.loads(entry) for entry in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(error["doc_id"] for error in errors) == sorted(Path(name).stem for name in broken)
    assert {error["stage"] for error in errors} == {"ingest"}


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda data: data["suffixes"].update(rtf=[".rtf"]), "no reader of that name"),
        (lambda data: data["suffixes"].update(pdf=[".PDF"]), "lower-case suffix"),
        (lambda data: data["suffixes"].update(pdf=[".txt"]), "listed twice"),
        (lambda data: data["pdf"].update(furniture_min_share=1.5), "furniture_min_share"),
        (lambda data: data["docx"].update(max_entries=0), "max_entries"),
        (lambda data: data["html"]["charset_aliases"].update(x="no-such-codec"), "no-such-codec"),
        (lambda data: data["html"].update(latest_publication_date="2099"), "YYYY-MM-DD"),
        (lambda data: data.pop("tables"), "missing key"),
    ],
)
def test_malformed_format_settings_are_refused(change: Callable[[dict[str, Any]], object], message: str) -> None:
    data = json.loads(json.dumps(load_data("formats")))  # a deep copy of the shipped data
    change(data)
    with pytest.raises(LexiconError, match=message):
        build_settings(data)


def test_unknown_reader_is_a_format_error() -> None:
    with pytest.raises(FormatError, match="no reader"):
        read_bytes(b"x", "rtf")
