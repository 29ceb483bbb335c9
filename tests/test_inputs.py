"""The inputs a corpus may be: saved web pages, feeds, nested folders, single files, Word and PDF files;
what is skipped and why; manifest keys checked; non-English documents left out; `stance report --actor`."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from stance.errors import InputError
from stance.ingest.corpus import load_corpus, load_corpus_with_report
from stance.ingest.skipped import Skipped
from stance.records import Article

BODY = ("The minister said on Monday that the government would not allow any foreign bases on its soil, "
        "and that talks with Washington would continue on other matters of shared concern.")
FRENCH = ("Le ministre a déclaré lundi que le gouvernement ne permettrait aucune base étrangère sur son sol, et que "
          "les discussions avec Washington continueraient sur d'autres sujets d'intérêt commun pour les deux pays.")
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Khan rules out bases | The Ledger</title>
<meta property="og:site_name" content="The Ledger"><meta property="og:title" content="Khan rules out bases">
<meta name="author" content="Asad Rahim">
<meta property="article:published_time" content="2021-06-19T10:00:00+05:00">
<link rel="canonical" href="https://ledger.example.org/2021/06/khan-bases"></head><body>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience. Accept all cookies</div>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<article><h1>Khan rules out bases</h1>
<p>Prime Minister Imran Khan said on Saturday that Pakistan would &ldquo;absolutely not&rdquo; allow the United
States to use its bases for operations in Afghanistan after the withdrawal of foreign troops.</p>
<p>&ldquo;We will not allow any bases,&rdquo; he told the interviewer, adding that the country had paid a heavy
price in the war on terror and would be a partner in peace only.</p>
<p>The foreign office later said the government&rsquo;s position had not changed and that talks with Washington
on other matters would continue next month.</p></article>
<footer><p>&copy; 2021 The Ledger. All rights reserved. Contact us | Privacy policy | Terms of use</p></footer>
</body></html>"""
RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>The Ledger - World</title><link>https://ledger.example.org</link><description>World news</description>
<item><title>Khan rules out bases</title><link>https://ledger.example.org/a</link>
<pubDate>Mon, 21 Jun 2021 23:30:00 -0500</pubDate><dc:creator>Asad Rahim</dc:creator>
<description>A teaser only.</description>
<content:encoded><![CDATA[<p>Imran Khan said &ldquo;absolutely not&rdquo; to bases.</p><p>Talks go on &amp; on.</p>]]>
</content:encoded></item>
<item><title>Asif offers joint operations</title><link>https://ledger.example.org/b</link>
<pubDate>Tue, 10 Oct 2017 08:00:00 +0500</pubDate><description>&lt;b&gt;Khawaja Asif&lt;/b&gt; offered joint
operations.</description></item>
<item><title>Only a title</title><link>https://ledger.example.org/c</link></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Atom Ledger</title><id>urn:ledger</id><updated>2021-06-19T10:00:00Z</updated>
<entry><title>Kirby on safe havens</title><link href="https://atom.example.org/1"/><id>urn:1</id>
<published>2021-08-11T09:00:00+05:00</published><updated>2021-08-12T09:00:00Z</updated>
<author><name>Marta Quinn</name></author>
<content type="html">&lt;p&gt;John Kirby said the safe havens must close.&lt;/p&gt;</content></entry></feed>"""


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def hide_module(monkeypatch, name):
    """Make ``import name`` fail, as when the optional library is not installed."""
    monkeypatch.setitem(sys.modules, name, None)


def tiny_pdf(lines, title="Asif statement"):
    """A one-page PDF whose text layer holds ``lines`` (Helvetica), built by hand."""
    content = "BT /F1 11 Tf 72 720 Td 14 TL " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               "/Resources << /Font << /F1 5 0 R >> >> >>",
               f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", f"<< /Title ({title}) >>"]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


# --- web pages ---------------------------------------------------------------------------------------------------

def test_html_page_boilerplate_gone_entities_decoded_metadata_read(tmp_path):
    write(tmp_path / "khan.html", PAGE)
    (article,) = load_corpus(tmp_path)
    assert article.doc_id == "khan"
    assert (article.title, article.source, article.author) == ("Khan rules out bases", "The Ledger", "Asad Rahim")
    assert (str(article.date), article.date_origin) == ("2021-06-19", "metadata")
    assert article.url == "https://ledger.example.org/2021/06/khan-bases"
    assert "“absolutely not”" in article.text and "“We will not allow any bases,”" in article.text
    for cruft in ("cookies", "Home", "Sport", "All rights reserved", "Privacy policy", "&ldquo;", "<p>"):
        assert cruft not in article.text
    assert all(article.text[p.start:p.end] == p.text for p in article.paragraphs)
    assert [p.text[:20] for p in article.paragraphs][:2] == ["Khan rules out bases", "Prime Minister Imran"]


def test_manifest_overrides_page_metadata(tmp_path):
    write(tmp_path / "khan.htm", PAGE)
    write(tmp_path / "manifest.jsonl", json.dumps({"file": "khan.htm", "source": "Ledger (print)",
                                                   "date": "2021-06-20", "type": "interview transcript"}))
    (article,) = load_corpus(tmp_path)
    assert (article.source, str(article.date), article.doc_type) == ("Ledger (print)", "2021-06-20",
                                                                      "interview transcript")
    assert article.title == "Khan rules out bases"


def test_page_without_article_text_is_skipped(tmp_path):
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "app.html", "<html><head><title>App</title></head><body><div id='root'></div>"
          "<script>window.app = {};</script></body></html>")  # a page its scripts fill in
    articles, report = load_corpus_with_report(tmp_path)
    assert [a.doc_id for a in articles] == ["a"]
    assert report.skipped == (Skipped(str(tmp_path / "app.html"),
                                      "no article text found in the page (only menus, links or scripts)"),)


def test_article_title_round_trips_and_old_rows_load():
    article = Article("d", BODY, title="A headline", source="Dawn")
    assert Article.from_dict(article.to_dict()) == article
    old = {k: v for k, v in article.to_dict().items() if k != "title"}
    assert Article.from_dict(old).title is None


# --- feeds -------------------------------------------------------------------------------------------------------

def test_rss_items_are_documents(tmp_path):
    write(tmp_path / "world.rss", RSS)
    articles, report = load_corpus_with_report(tmp_path)
    first, second = articles
    assert [a.doc_id for a in articles] == ["world-1", "world-2"]
    assert first.text == "Imran Khan said “absolutely not” to bases.\n\nTalks go on & on."
    assert (first.title, first.url, first.author, first.source) == (
        "Khan rules out bases", "https://ledger.example.org/a", "Asad Rahim", "The Ledger - World")
    assert str(first.date) == "2021-06-21", "the day as the feed writes it, not shifted to UTC"
    assert second.text == "Khawaja Asif offered joint operations." and str(second.date) == "2017-10-10"
    assert report.skipped == (Skipped(f"{tmp_path / 'world.rss'}#item-3",
                                      "a feed item with no text (a title and a link only)"),)


def test_atom_feed_and_xml_that_is_not_a_feed(tmp_path):
    write(tmp_path / "ledger.xml", ATOM)
    write(tmp_path / "sitemap.xml", "<?xml version='1.0'?><urlset><url><loc>https://x.org</loc></url></urlset>")
    articles, report = load_corpus_with_report(tmp_path)
    (entry,) = articles
    assert (entry.doc_id, entry.text, entry.author, entry.source, str(entry.date)) == (
        "ledger-1", "John Kirby said the safe havens must close.", "Marta Quinn", "Atom Ledger", "2021-08-11")
    assert report.skipped == (Skipped(str(tmp_path / "sitemap.xml"), "not an RSS or Atom feed "
                                      "(XML without <rss>, <feed> or <rdf:RDF> at its root)"),)


# --- folders and single files ------------------------------------------------------------------------------------

def test_nested_folders_read_with_stable_unique_ids(tmp_path):
    write(tmp_path / "top.txt", BODY)
    write(tmp_path / "2021" / "june" / "khan.txt", BODY)
    write(tmp_path / "2021" / "june" / "khan.html", PAGE)
    write(tmp_path / "2021" / "asif.txt", "date 2017-10-09 " + BODY)
    write(tmp_path / ".git" / "HEAD.txt", BODY)  # hidden folders are never read
    write(tmp_path / "2021" / "manifest.jsonl", json.dumps({"file": "june/khan.txt", "source": "Dawn"}))
    articles = load_corpus(tmp_path)
    assert [a.doc_id for a in articles] == ["2021/asif", "2021/june/khan.html", "2021/june/khan.txt", "top"]
    assert articles[2].source == "Dawn" and str(articles[0].date) == "2017-10-09"
    assert [a.doc_id for a in load_corpus(tmp_path)] == [a.doc_id for a in articles]


@pytest.mark.parametrize("name, text, doc_ids", [
    ("one.txt", BODY, ["one"]),
    ("one.html", PAGE, ["one"]),
    ("feed.atom", ATOM, ["feed-1"]),
    ("feed.rss", RSS, ["feed-1", "feed-2"]),
])
def test_a_single_file_is_a_corpus(tmp_path, name, text, doc_ids):
    path = write(tmp_path / name, text)
    assert [a.doc_id for a in load_corpus(path)] == doc_ids


def test_a_single_file_takes_its_line_of_the_manifest_beside_it(tmp_path):
    path = write(tmp_path / "one.txt", BODY)
    write(tmp_path / "manifest.jsonl", json.dumps({"file": "one.txt", "date": "2019-03", "title": "One"}))
    (article,) = load_corpus(path)
    assert (str(article.date), article.title) == ("2019-03", "One")


def test_a_single_unreadable_file_is_an_error_with_the_reason(tmp_path, monkeypatch):
    hide_module(monkeypatch, "pypdf")
    path = tmp_path / "report.pdf"
    path.write_bytes(tiny_pdf(["x"]))
    with pytest.raises(InputError, match=r"report\.pdf: holds no document to read: no PDF reader: "
                                         r"pip install 'stance\[documents\]'"):
        load_corpus(path)
    with pytest.raises(InputError, match=r"logo\.png: has suffix '\.png'; expected a folder of articles"):
        load_corpus(write(tmp_path / "logo.png", "x"))


# --- what is skipped, and said so --------------------------------------------------------------------------------

def test_skipped_files_are_listed_with_the_reason(tmp_path, monkeypatch, caplog):
    hide_module(monkeypatch, "pypdf")
    write(tmp_path / "a.txt", BODY)
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4 not really")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    write(tmp_path / "notes" / "old.doc", "x")
    articles, report = load_corpus_with_report(tmp_path)
    assert [a.doc_id for a in articles] == ["a"]
    assert [(report.short(s), s.reason) for s in report.skipped] == [
        ("logo.png", "not a document file (.png); expected .txt, .html, .htm, .rss, .atom, .xml (a feed), "
                     ".docx or .pdf"),
        ("notes/old.doc", "an old Word .doc file; save it as .docx (or .txt) to read it"),
        ("scan.pdf", "no PDF reader: pip install 'stance[documents]'")]
    assert report.summary() == (
        "skipped 3 files: logo.png (not a document file (.png); expected .txt, .html, .htm, .rss, .atom, .xml "
        "(a feed), .docx or .pdf), notes/old.doc (an old Word .doc file; save it as .docx (or .txt) to read it), "
        "scan.pdf (no PDF reader: pip install 'stance[documents]')")
    with caplog.at_level(logging.WARNING, logger="stance.ingest.corpus"):
        load_corpus(tmp_path)
    assert f"skipped {tmp_path / 'scan.pdf'}: no PDF reader: pip install 'stance[documents]'" in caplog.messages


def test_a_folder_with_nothing_readable_names_what_it_skipped(tmp_path):
    (tmp_path / "logo.png").write_bytes(b"\x89PNG")
    with pytest.raises(InputError, match=r"contains no \.txt files; expected a folder of articles .*"
                                         r"\(skipped 1 file: logo\.png \(not a document file \(\.png\)"):
        load_corpus(tmp_path)


def test_cli_prints_the_skips_on_one_line(tmp_path, capsys):
    from stance.cli.commands import read_corpus

    write(tmp_path / "a.txt", BODY)
    (tmp_path / "logo.png").write_bytes(b"\x89PNG")
    assert [a.doc_id for a in read_corpus(tmp_path)] == ["a"]
    assert capsys.readouterr().err == ("skipped 1 file: logo.png (not a document file (.png); expected .txt, "
                                       ".html, .htm, .rss, .atom, .xml (a feed), .docx or .pdf)\n")


# --- manifest keys -----------------------------------------------------------------------------------------------

def test_misspelt_manifest_keys_are_warned_with_the_key_meant(tmp_path, caplog):
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "b.txt", BODY)
    write(tmp_path / "manifest.jsonl", "\n".join(json.dumps(r) for r in [
        {"file": "a.txt", "Date": "2018-01", "auther": "X"}, {"file": "b.txt", "published": "2019", "Date": "2019"},
        {"file": "b.txt", "colour": "red"}]))
    articles, report = load_corpus_with_report(tmp_path)
    assert [a.date for a in articles] == [None, None], "a misspelt key is not read"
    manifest = tmp_path / "manifest.jsonl"
    assert report.warnings == (
        f'{manifest}:1: unknown key "Date" is ignored (here and on 1 more line); did you mean "date"?',
        f'{manifest}:1: unknown key "auther" is ignored; did you mean "author"?',
        f'{manifest}:2: unknown key "published" is ignored; did you mean "date"?',
        f'{manifest}:3: unknown key "colour" is ignored; the keys read are file, date, source, url, title, author, '
        'type, language')
    with caplog.at_level(logging.WARNING, logger="stance.ingest.corpus"):
        load_corpus(tmp_path)
    assert report.warnings[0] in caplog.messages


def test_jsonl_and_csv_keys_checked(tmp_path):
    rows = tmp_path / "c.jsonl"
    write(rows, json.dumps({"id": "x", "text": BODY, "Source": "Dawn", "headline": "H"}) + "\n")
    assert load_corpus_with_report(rows)[1].warnings == (
        f'{rows}:1: unknown key "Source" is ignored; did you mean "source"?',
        f'{rows}:1: unknown key "headline" is ignored; did you mean "title"?')
    table = write(tmp_path / "c.csv", f'id,text,pubDate\nx,"{BODY}",2019\ny,"{BODY}",2020\n')
    assert load_corpus_with_report(table)[1].warnings == (
        f'{table}:1: unknown key "pubDate" is ignored; did you mean "date"?',)


# --- language ----------------------------------------------------------------------------------------------------

def test_non_english_documents_are_skipped_and_named(tmp_path):
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "fr.txt", FRENCH)
    write(tmp_path / "short.txt", "Le ministre a parlé.")  # under 20 words: not judged
    articles, report = load_corpus_with_report(tmp_path)
    assert [a.doc_id for a in articles] == ["a", "short"]
    assert report.skipped == (Skipped(str(tmp_path / "fr.txt"), 'written in French (fr), not English; only English '
                                      'documents are read (if it is English, give it "language": "en" in its '
                                      'manifest line or row)'),)


def test_manifest_language_overrides_detection(tmp_path):
    write(tmp_path / "fr.txt", FRENCH)
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "manifest.jsonl", json.dumps({"file": "fr.txt", "language": "en"}) + "\n"
          + json.dumps({"file": "a.txt", "language": "ur"}))
    articles, report = load_corpus_with_report(tmp_path)
    assert [a.doc_id for a in articles] == ["fr"]
    assert report.skipped[0].reason.startswith('marked "language": "ur"; only English documents are read')


def test_non_english_row_of_a_table_is_skipped_by_line(tmp_path):
    rows = write(tmp_path / "c.jsonl", "\n".join(json.dumps({"id": i, "text": t}) for i, t in
                                                [("en", BODY), ("fr", FRENCH)]))
    articles, report = load_corpus_with_report(rows)
    assert [a.doc_id for a in articles] == ["en"] and report.skipped[0].path == f"{rows}:2"
    assert report.summary().startswith("skipped 1 input: c.jsonl:2 (written in French (fr)")


# --- Word and PDF ------------------------------------------------------------------------------------------------

def test_docx_read(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.core_properties.title = "Asif offers joint operations"
    document.add_paragraph("Khawaja Asif offers joint operations")
    document.add_paragraph("")
    document.add_paragraph(BODY)
    document.save(tmp_path / "asif.docx")
    (article,) = load_corpus(tmp_path)
    assert (article.doc_id, article.title) == ("asif", "Asif offers joint operations")
    assert article.text == "Khawaja Asif offers joint operations\n\n" + BODY


def test_pdf_read(tmp_path):
    pytest.importorskip("pypdf")
    (tmp_path / "asif.pdf").write_bytes(tiny_pdf(["Khawaja Asif said the talks would go on.",
                                                  "He ruled out foreign bases."]))
    (article,) = load_corpus(tmp_path / "asif.pdf")
    assert article.title == "Asif statement"
    assert "Khawaja Asif said the talks would go on." in article.text and "He ruled out foreign bases." in article.text


def test_docx_without_the_extra_is_skipped_with_the_fix(tmp_path, monkeypatch):
    hide_module(monkeypatch, "docx")
    write(tmp_path / "a.txt", BODY)
    (tmp_path / "b.docx").write_bytes(b"PK\x03\x04")
    assert load_corpus_with_report(tmp_path)[1].skipped == (
        Skipped(str(tmp_path / "b.docx"), "no DOCX reader: pip install 'stance[documents]'"),)


# --- stance report --actor ---------------------------------------------------------------------------------------

@pytest.fixture
def run_dir(tmp_path):
    from helpers import pred

    rows = [pred("s1", "favor", actor="Imran Khan", issue="military_bases"),
            pred("s2", "against", actor="Imran Khan", issue="military_bases", date="2018-05"),
            pred("s3", "against", actor="Liaquat Khan", issue="military_bases"),
            pred("s4", "favor", actor="John Kirby", issue="military_bases")]
    run = tmp_path / "run"
    run.mkdir()
    (run / "statements.jsonl").write_text("".join(json.dumps(p.to_dict()) + "\n" for p in rows))
    return run


@pytest.mark.parametrize("typed, expected, printed", [
    ("imran", {"Imran Khan"}, "--actor 'imran' matches 1 actor: Imran Khan"),
    ("KHAN", {"Imran Khan", "Liaquat Khan"}, "--actor 'KHAN' matches 2 actors: Imran Khan, Liaquat Khan"),
    ("imran khan", {"Imran Khan"}, "--actor 'imran khan' matches 1 actor: Imran Khan"),
    ("john_kirby", {"John Kirby"}, "--actor 'john_kirby' matches 1 actor: John Kirby"),
])
def test_report_actor_partial_names(run_dir, tmp_path, capsys, typed, expected, printed):
    from stance.cli.main import main

    out = tmp_path / "r"
    assert main(["report", str(run_dir), "--out", str(out), "--actor", typed, "--format", "json"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert {s["actor"] for s in report["statements"]} == expected
    assert printed in capsys.readouterr().out


def test_report_actor_without_a_match_exits_1_naming_actors(run_dir, tmp_path, capsys):
    from stance.cli.main import main

    assert main(["report", str(run_dir), "--out", str(tmp_path / "r"), "--actor", "Imrn Kahn"]) == 1
    assert capsys.readouterr().err == (
        "stance report: no actor matches 'Imrn Kahn'; did you mean Imran Khan? actors in this run: Imran Khan, "
        "John Kirby, Liaquat Khan (--actor takes a name, a part of one, or an id)\n")
    assert not (tmp_path / "r").exists()


def test_report_cites_title_and_outlet(tmp_path):
    from helpers import pred

    from stance.positions.aggregate import aggregate
    from stance.records import Issue
    from stance.report import write_report

    preds = [pred("s1", "favor", doc="d41d8cd98f"), pred("s2", "against", doc="e3b0c442", date="2018-03")]
    articles = {"d41d8cd98f": Article("d41d8cd98f", "text", title="Asif offers joint operations", source="Dawn"),
                "e3b0c442": Article("e3b0c442", "text", source="The Nation")}
    write_report(aggregate(preds, "month"), tmp_path, issues={"joint_operations": Issue("joint_operations", "J", "j")},
                 articles=articles, formats=["html", "md"])
    page = (tmp_path / "actors" / "khawaja-asif.html").read_text()
    assert "sources: Asif offers joint operations (Dawn)" in page and "sources: e3b0c442 (The Nation)" in page
    assert "sources: Asif offers joint operations (Dawn)" in (tmp_path / "actors" / "khawaja-asif.md").read_text()
    assert "<h1>Asif offers joint operations</h1>" in (tmp_path / "docs" / "d41d8cd98f.html").read_text()
