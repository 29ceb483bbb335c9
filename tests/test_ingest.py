import json

import pytest

from stance.errors import InputError
from stance.ingest.clean import clean_paragraphs, split_paragraphs
from stance.ingest.corpus import load_corpus
from stance.ingest.dates import date_in_text, parse_date
from stance.records import PartialDate

BODY = ("The minister said on Monday that the government would not allow any foreign bases on its soil, "
        "and that talks with Washington would continue on other matters of shared concern.")


def write(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


def test_partial_dates_keep_precision():
    assert str(PartialDate.parse("2018-01")) == "2018-01" and PartialDate.parse("2018-01").precision == "month"
    assert PartialDate.parse("2018").end().isoformat() == "2018-12-31"
    assert PartialDate.parse("2020-02").end().isoformat() == "2020-02-29"
    assert parse_date("2021-06-19T10:00:00Z") == PartialDate(2021, 6, 19)
    assert sorted([PartialDate(2020), PartialDate(2019, 12, 3), PartialDate(2020, 1)])[0] == PartialDate(2019, 12, 3)
    with pytest.raises(ValueError, match="expected a date as YYYY, YYYY-MM or YYYY-MM-DD, found 'June'"):
        PartialDate.parse("June")


@pytest.mark.parametrize("text,expected", [
    (" date 2021-06-19 The prime minister said", "2021-06-19"),
    ("August 11, 2021\n2 mins read\nHeadline", "2021-08-11"),
    ("ISLAMABAD, 3 March 2019 — Officials said", "2019-03-03"),
    ("No date here at all.", None),
])
def test_date_in_text(text, expected):
    found = date_in_text(text)
    assert (str(found) if found else None) == expected


def test_cruft_and_repeats_dropped_offsets_kept():
    text = ("Skip to main content\nLatest news\n\nHeadline of the story\n\n" + BODY + "\n\nALSO READ: Other story\n\n"
            + BODY + "\n\nShare this post\n\nPrevious Story\n\nTeaser about something else entirely")
    kept = clean_paragraphs(split_paragraphs(text))
    assert [p.text for p in kept] == ["Headline of the story", BODY]
    assert all(text[p.start:p.end] == p.text for p in kept)


def test_folder_with_manifest(tmp_path):
    write(tmp_path, "a.txt", BODY)
    write(tmp_path, "b.txt", "August 11, 2021\n\n" + BODY)
    write(tmp_path, "c.txt", BODY)
    (tmp_path / "manifest.jsonl").write_text(
        json.dumps({"file": "a.txt", "date": "2018-01", "source": "Ledger", "url": "https://example.org/a"}) + "\n")
    a, b, c = load_corpus(tmp_path)
    assert (str(a.date), a.date_origin, a.source) == ("2018-01", "metadata", "Ledger")
    assert (str(b.date), b.date_origin) == ("2021-08-11", "text")
    assert (c.date, c.date_origin) == (None, "missing")


def test_jsonl_and_csv(tmp_path):
    rows = [{"id": "x1", "text": BODY, "date": "2019", "source": "S"}, {"id": "x2", "text": BODY}]
    (tmp_path / "c.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    (tmp_path / "c.csv").write_text('id,text,date\nx1,"' + BODY + '",2019-05\n')
    assert [a.doc_id for a in load_corpus(tmp_path / "c.jsonl")] == ["x1", "x2"]
    assert str(load_corpus(tmp_path / "c.csv")[0].date) == "2019-05"


def test_empty_folder(tmp_path):
    with pytest.raises(InputError, match=r"contains no \.txt files; expected a folder of articles"):
        load_corpus(tmp_path)


def test_binary_file(tmp_path):
    (tmp_path / "x.txt").write_bytes(b"\x89PNG\x00\x00\x01")
    with pytest.raises(InputError, match=r"x.txt: looks like a binary file \(it contains NUL bytes\)"):
        load_corpus(tmp_path)


def test_non_utf8_file(tmp_path):
    (tmp_path / "x.txt").write_bytes("caf\xe9 said".encode("cp1252"))
    with pytest.raises(InputError, match=r"x.txt: is not valid utf-8 text \(byte 0xe9 at offset 3\); re-save it"):
        load_corpus(tmp_path)
    assert load_corpus(tmp_path, encoding="cp1252")[0].text == "café said"


def test_empty_file(tmp_path):
    write(tmp_path, "x.txt", "  \n")
    with pytest.raises(InputError, match=r"x\.txt: document 'x' is empty; expected article text"):
        load_corpus(tmp_path)


def test_malformed_jsonl_line_named(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"id": "1", "text": BODY}) + "\n{not json\n")
    with pytest.raises(InputError, match=r"c.jsonl:2: malformed JSON"):
        load_corpus(path)


def test_jsonl_row_without_text(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"id": "1", "body": BODY}) + "\n")
    with pytest.raises(InputError, match=r'c.jsonl:1: expected a "text" field'):
        load_corpus(path)


def test_manifest_errors(tmp_path):
    write(tmp_path, "a.txt", BODY)
    (tmp_path / "manifest.jsonl").write_text(json.dumps({"file": "missing.txt"}) + "\n")
    with pytest.raises(InputError, match=r"manifest.jsonl:1: names 'missing.txt', which is not a file"):
        load_corpus(tmp_path)
    (tmp_path / "manifest.jsonl").write_text(json.dumps({"file": "a.txt", "date": "June"}) + "\n")
    with pytest.raises(InputError, match=r"a.txt: bad date for 'a'"):
        load_corpus(tmp_path)


def test_huge_file(tmp_path, monkeypatch):
    import stance.ingest.corpus as ingest

    monkeypatch.setattr(ingest, "MAX_BYTES", 100)
    write(tmp_path, "x.txt", BODY)
    with pytest.raises(InputError, match="over the 100-byte limit"):
        load_corpus(tmp_path)


def test_duplicate_ids(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps({"id": "same", "text": BODY}) for _ in range(2)))
    with pytest.raises(InputError, match="document id 'same' appears twice"):
        load_corpus(path)


def test_one_sentence_paragraphs_skip_the_segmenter_and_split_the_same(monkeypatch):
    from stance.ingest import sentences
    from stance.ingest.corpus import make_article

    text = ("Imran Khan said Pakistan would not allow bases (he was firm).\n\n"
            "“We will not allow it,” he said. Dr. Faisal disagreed; talks went on!\n\n"
            "“It is over,” the minister told reporters, “and there is no going back.”")
    article = make_article("s", text, "s.txt")
    fast, pieces = sentences.split_sentences(article), sentences._pieces
    monkeypatch.setattr(sentences, "_pieces", lambda t: sentences._segmenter().segment(t))
    assert sentences.split_sentences(article) == fast
    assert [s.span.text for s in fast] == [
        "Imran Khan said Pakistan would not allow bases (he was firm).", "“We will not allow it,” he said.",
        "Dr. Faisal disagreed; talks went on!",
        "“It is over,” the minister told reporters, “and there is no going back.”"]
    calls = []
    monkeypatch.setattr(sentences, "_segmenter", lambda: calls.append(1))
    assert len(pieces("The minister said there would be no bases.”")) == 1 and calls == []
