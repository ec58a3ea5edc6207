"""Stage 1: every file is read as text or rejected with a reason a user can read."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from build_digest.ingest import ingest

TEXT = "Rebels seized Laukkai on Friday.\nIt’s a “turning point”, analysts said — again.\n"


def ingest_files(tmp_path: Path, files: dict[str, bytes]):
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    return ingest(tmp_path)


def test_utf8_with_and_without_bom_and_utf16_with_bom_decode_to_the_same_text(tmp_path):
    result = ingest_files(
        tmp_path,
        {
            "plain.txt": TEXT.encode("utf-8"),
            "bom.txt": codecs.BOM_UTF8 + TEXT.encode("utf-8"),
            "utf16.txt": TEXT.encode("utf-16"),
            "crlf.txt": TEXT.replace("\n", "\r\n").encode("utf-8"),
        },
    )
    assert not result.rejections
    assert {d.text for d in result.documents} == {TEXT}


def test_windows_1252_text_is_detected_and_decoded(tmp_path):
    result = ingest_files(tmp_path, {"legacy.txt": TEXT.encode("cp1252")})
    (doc,) = result.documents
    assert doc.text == TEXT
    assert doc.encoding == "cp1252"


def test_empty_whitespace_binary_and_unsupported_files_are_rejected_with_reasons(tmp_path):
    result = ingest_files(
        tmp_path,
        {
            "empty.txt": b"",
            "blank.md": b" \n\t\n  ",
            "image.txt": bytes(range(256)) * 4,
            "scan.pdf": b"%PDF-1.4",
            "good.txt": TEXT.encode(),
        },
    )
    reasons = {r.path: r.reason for r in result.rejections}
    assert set(reasons) == {"empty.txt", "blank.md", "image.txt", "scan.pdf"}
    assert "empty" in reasons["empty.txt"] and "empty" in reasons["blank.md"]
    assert "binary" in reasons["image.txt"]
    assert "unsupported file type" in reasons["scan.pdf"]
    assert [d.path for d in result.documents] == ["good.txt"]


def test_front_matter_supplies_metadata_and_is_not_body(tmp_path):
    source = (
        "---\ntitle: Talks in Kunming\ndate: 2024-01-12\noutlet: Example Wire\nsource_url:"
        " https://example.org/a\ntags: [ceasefire]\n---\n" + TEXT
    )
    (doc,) = ingest_files(tmp_path, {"a.md": source.encode()}).documents
    assert doc.meta.title == "Talks in Kunming"
    assert doc.meta.date == "2024-01-12"
    assert doc.meta.outlet == "Example Wire"
    assert doc.meta.tags == ("ceasefire",)
    assert doc.text == TEXT


def test_note_with_metadata_lines_is_understood(tmp_path):
    (doc,) = ingest_files(
        tmp_path,
        {
            "note.txt": (
                (
                    "Title: Talks in Kunming\nDate: 12 January 2024\nSource:"
                    " https://example.org/a\n\n" + TEXT
                ).encode()
            )
        },
    ).documents
    assert doc.meta.title == "Talks in Kunming"
    assert doc.meta.date == "12 January 2024"
    assert doc.text.strip() == TEXT.strip()


def test_broken_front_matter_is_a_warning_not_a_lost_file(tmp_path):
    result = ingest_files(tmp_path, {"a.md": ("---\ntitle: [unclosed\n---\n" + TEXT).encode()})
    assert [d.path for d in result.documents] == ["a.md"]
    assert "not valid YAML" in result.notes["a.md"][0]


def test_html_page_article_title_and_date_come_from_trafilatura(tmp_path):
    page = """<html><head><title>Rebels take Laukkai | Example News</title>
    <meta property="article:published_time" content="2024-01-05T10:00:00Z">
    <script>alert('x')</script><style>p{color:red}</style></head>
    <body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
    <article><h1>Rebels take Laukkai</h1>
    <p>Rebels in northern Myanmar said on Friday they had taken control of Laukkai,
    a key commercial town on the Chinese border, after weeks of fighting.</p>
    <p>The town was the seat of the junta-backed Kokang administration, and its fall
    marks the biggest defeat for the military since the offensive began in October.</p>
    <p>China has called on all sides to stop fighting and protect residents along the
    border, the foreign ministry said in a statement.</p>
    </article><footer>Copyright 2024 Example News</footer></body></html>"""
    (doc,) = ingest_files(tmp_path, {"page.html": page.encode()}).documents
    assert doc.kind == "html"
    assert doc.meta.title == "Rebels take Laukkai"
    assert doc.meta.date == "2024-01-05"
    assert "Laukkai, a key commercial town" in doc.text
    assert "alert" not in doc.text and "Copyright" not in doc.text


def test_files_in_subfolders_are_found_in_a_stable_order(tmp_path):
    result = ingest_files(
        tmp_path, {"b/2.txt": TEXT.encode(), "a.txt": TEXT.encode(), "b/1.txt": TEXT.encode()}
    )
    assert [d.path for d in result.documents] == ["a.txt", "b/1.txt", "b/2.txt"]


def test_text_with_a_utf16_mark_that_does_not_decode_is_rejected_as_undecodable(tmp_path):
    result = ingest_files(
        tmp_path, {"broken.txt": codecs.BOM_UTF16_LE + "Rebels".encode("utf-16-le") + b"\x00\xd8"}
    )
    (rejection,) = result.rejections
    assert "does not decode as utf-16" in rejection.reason


def test_html_page_in_its_declared_legacy_charset_is_decoded_by_it(tmp_path):
    body = (
        "<p>Les rebelles ont pris Laukkai, a déclaré l’alliance, après des semaines de combats près"
        " de la frontière chinoise, selon des témoins.</p>" * 3
    )
    head = '<html><head><meta charset="iso-8859-15"><title>Laukkai</title></head>'
    page = f"{head}<body><article>{body}</article></body></html>"
    (doc,) = ingest_files(
        tmp_path, {"page.htm": page.replace("’", "'").encode("iso-8859-15")}
    ).documents
    assert doc.encoding == "iso-8859-15"
    assert "a déclaré l'alliance" in doc.text


@pytest.mark.parametrize("text", ["Café “x”", "naïve", "It’s", "—"])
def test_a_few_bytes_of_windows_1252_are_not_mistaken_for_another_encoding(tmp_path, text):
    (doc,) = ingest_files(tmp_path, {"short.txt": text.encode("cp1252")}).documents
    assert (doc.text, doc.encoding) == (text, "cp1252")


def test_longer_cyrillic_legacy_text_is_detected_as_such(tmp_path):
    text = "Повстанцы заявили, что взяли город в штате Шан после недели боёв. " * 12
    (doc,) = ingest_files(tmp_path, {"ru.txt": text.encode("cp1251")}).documents
    assert doc.text == text and doc.encoding == "cp1251"
