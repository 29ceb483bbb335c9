"""Discourse Network Analyzer files out and in: the schema as DNA 3 creates it, the export of labelled statements
(entities once each, UTF-16 offsets, dates, coders, neutral labels counted), reading a file DNA-style SQL built,
the round trip, the event list and statements table, the CLI, and every error's wording."""

import csv
import datetime as dt
import json
import sqlite3

import pytest

from stance.cli.main import build_parser, main
from stance.dna import DnaCorpus, DnaDocument, DnaStatement, dna_corpus, read_dna, write_corpus, write_dna
from stance.dna.offsets import OffsetMap, panel_index, panel_text, utf16_length
from stance.dna.schema import TABLES, check_password, create_tables, password_hash
from stance.dna.tables import TABLE_COLUMNS, event_lines, table_rows, write_events, write_table
from stance.errors import InputError
from stance.records import Article, Issue, PartialDate, Span, StancePrediction, Statement

# --------------------------------------------------------------------------- DNA's own tables, written out
# The SQLite tables of Sql.createTables (DNA 3.1.1, leifeld-lab/dna 4bcf3c0), as DNA writes them: the test's
# own copy, independent of stance.dna.schema, to build files "by DNA" and to check ours against.
_P = ("AddDocuments", "EditDocuments", "DeleteDocuments", "ImportDocuments", "AddStatements", "EditStatements",
      "DeleteStatements", "EditAttributes", "EditRegex", "EditStatementTypes", "EditCoders", "EditCoderRelations",
      "ViewOthersDocuments", "EditOthersDocuments", "ViewOthersStatements", "EditOthersStatements")
DNA_DDL = [
    "CREATE TABLE IF NOT EXISTS SETTINGS(Property TEXT PRIMARY KEY, Value TEXT NOT NULL);",
    "CREATE TABLE IF NOT EXISTS CODERS(ID INTEGER NOT NULL PRIMARY KEY, Name TEXT NOT NULL CHECK (LENGTH(Name) < 191), "
    "Red INTEGER NOT NULL DEFAULT 0 CHECK (Red BETWEEN 0 AND 255), Green INTEGER NOT NULL DEFAULT 0 CHECK (Green "
    "BETWEEN 0 AND 255), Blue INTEGER NOT NULL DEFAULT 0 CHECK (Blue BETWEEN 0 AND 255), Refresh INTEGER NOT NULL "
    "CHECK (Refresh BETWEEN 0 AND 9999) DEFAULT 0, FontSize INTEGER NOT NULL CHECK (FontSize BETWEEN 1 AND 99) "
    "DEFAULT 14, Password TEXT NOT NULL CHECK (LENGTH(Password) < 191), PopupWidth INTEGER CHECK (PopupWidth BETWEEN "
    "100 AND 9999) DEFAULT 300, ColorByCoder INTEGER NOT NULL CHECK (ColorByCoder BETWEEN 0 AND 1) DEFAULT 0, "
    "PopupDecoration INTEGER NOT NULL CHECK (PopupDecoration BETWEEN 0 AND 1) DEFAULT 0, PopupAutoComplete INTEGER "
    "NOT NULL CHECK (PopupAutoComplete BETWEEN 0 AND 1) DEFAULT 1, "
    + ", ".join(f"Permission{p} INTEGER NOT NULL CHECK (Permission{p} BETWEEN 0 AND 1) DEFAULT 1" for p in _P) + ");",
    "CREATE TABLE IF NOT EXISTS DOCUMENTS(ID INTEGER NOT NULL PRIMARY KEY, Title TEXT NOT NULL CHECK (LENGTH(Title) < "
    "191), Text TEXT NOT NULL, Coder INTEGER, Author TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Author) < 191), Source "
    "TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Source) < 191), Section TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Section) "
    "< 191), Notes TEXT NOT NULL DEFAULT '', Type TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Type) < 191), Date INTEGER "
    "NOT NULL, FOREIGN KEY(Coder) REFERENCES CODERS(ID) ON DELETE CASCADE);",
    "CREATE TABLE IF NOT EXISTS STATEMENTTYPES(ID INTEGER NOT NULL PRIMARY KEY, Label TEXT NOT NULL CHECK "
    "(LENGTH(Label) < 191), Red INTEGER NOT NULL DEFAULT 0 CHECK (Red BETWEEN 0 AND 255), Green INTEGER NOT NULL "
    "DEFAULT 0 CHECK (Green BETWEEN 0 AND 255), Blue INTEGER NOT NULL DEFAULT 0 CHECK (Blue BETWEEN 0 AND 255));",
    "CREATE TABLE IF NOT EXISTS VARIABLES(ID INTEGER NOT NULL PRIMARY KEY, Variable TEXT NOT NULL CHECK "
    "(LENGTH(Variable) < 191), DataType TEXT NOT NULL CHECK (DataType = 'boolean' OR DataType = 'integer' OR "
    "DataType = 'long text' OR DataType = 'short text') DEFAULT 'short text', StatementTypeId INTEGER, FOREIGN "
    "KEY(StatementTypeId) REFERENCES STATEMENTTYPES(ID) ON DELETE CASCADE, UNIQUE (Variable, StatementTypeId));",
    "CREATE TABLE IF NOT EXISTS VARIABLELINKS(ID INTEGER NOT NULL PRIMARY KEY, SourceVariableId INTEGER, "
    "TargetVariableId INTEGER, CHECK (TargetVariableId != SourceVariableId), FOREIGN KEY(SourceVariableId) "
    "REFERENCES VARIABLES(ID) ON DELETE CASCADE, FOREIGN KEY(TargetVariableId) REFERENCES VARIABLES(ID) ON DELETE "
    "CASCADE);",
    "CREATE TABLE IF NOT EXISTS REGEXES(Label TEXT PRIMARY KEY CHECK (LENGTH(Label) < 191), Red INTEGER NOT NULL "
    "DEFAULT 0 CHECK (Red BETWEEN 0 AND 255), Green INTEGER NOT NULL DEFAULT 0 CHECK (Green BETWEEN 0 AND 255), Blue "
    "INTEGER NOT NULL DEFAULT 0 CHECK (Blue BETWEEN 0 AND 255));",
    "CREATE TABLE IF NOT EXISTS CODERRELATIONS(ID INTEGER NOT NULL PRIMARY KEY, Coder INTEGER CHECK(Coder > 0), "
    "OtherCoder INTEGER CHECK(OtherCoder > 0), viewStatements INTEGER NOT NULL DEFAULT 1 CHECK(viewStatements "
    "BETWEEN 0 AND 1), editStatements INTEGER NOT NULL DEFAULT 1 CHECK(editStatements BETWEEN 0 AND 1), "
    "viewDocuments INTEGER NOT NULL DEFAULT 1 CHECK(viewDocuments BETWEEN 0 AND 1), editDocuments INTEGER NOT NULL "
    "DEFAULT 1 CHECK(editDocuments BETWEEN 0 AND 1), CHECK (Coder != OtherCoder), FOREIGN KEY(Coder) REFERENCES "
    "CODERS(ID) ON DELETE CASCADE, FOREIGN KEY(OtherCoder) REFERENCES CODERS(ID) ON DELETE CASCADE);",
    "CREATE TABLE IF NOT EXISTS STATEMENTS(ID INTEGER NOT NULL PRIMARY KEY, StatementTypeId INTEGER, DocumentId "
    "INTEGER, Start INTEGER NOT NULL CHECK(Start >= 0), Stop INTEGER NOT NULL CHECK(Stop >= 0), Coder INTEGER, CHECK "
    "(Start < Stop), FOREIGN KEY(StatementTypeId) REFERENCES STATEMENTTYPES(ID) ON DELETE CASCADE, FOREIGN "
    "KEY(Coder) REFERENCES CODERS(ID) ON DELETE CASCADE, FOREIGN KEY(DocumentId) REFERENCES DOCUMENTS(ID) ON DELETE "
    "CASCADE);",
    "CREATE TABLE IF NOT EXISTS DATABOOLEAN(ID INTEGER PRIMARY KEY NOT NULL, StatementId INTEGER NOT NULL, VariableId "
    "INTEGER NOT NULL, Value INTEGER NOT NULL DEFAULT 1, FOREIGN KEY(StatementId) REFERENCES STATEMENTS(ID) ON DELETE "
    "CASCADE, FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE, UNIQUE (StatementId, VariableId));",
    "CREATE TABLE IF NOT EXISTS DATAINTEGER(ID INTEGER PRIMARY KEY NOT NULL, StatementId INTEGER NOT NULL, VariableId "
    "INTEGER NOT NULL, Value INTEGER NOT NULL DEFAULT 0, FOREIGN KEY(StatementId) REFERENCES STATEMENTS(ID) ON DELETE "
    "CASCADE, FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE, UNIQUE (StatementId, VariableId));",
    "CREATE TABLE IF NOT EXISTS ENTITIES(ID INTEGER PRIMARY KEY NOT NULL, VariableId INTEGER NOT NULL, Value TEXT NOT "
    "NULL DEFAULT '' CHECK (LENGTH(Value) < 191), Red INTEGER CHECK (Red BETWEEN 0 AND 255), Green INTEGER CHECK "
    "(Green BETWEEN 0 AND 255), Blue INTEGER CHECK (Blue BETWEEN 0 AND 255), ChildOf INTEGER CHECK(ChildOf > 0), "
    "UNIQUE (VariableId, Value), FOREIGN KEY(ChildOf) REFERENCES ENTITIES(ID) ON DELETE CASCADE, FOREIGN "
    "KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE);",
    "CREATE TABLE IF NOT EXISTS DATASHORTTEXT(ID INTEGER PRIMARY KEY NOT NULL, StatementId INTEGER NOT NULL, "
    "VariableId INTEGER NOT NULL, Entity INTEGER NOT NULL, FOREIGN KEY(StatementId) REFERENCES STATEMENTS(ID) ON "
    "DELETE CASCADE, FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE, FOREIGN KEY(Entity) "
    "REFERENCES ENTITIES(ID) ON DELETE CASCADE, UNIQUE (StatementId, VariableId));",
    "CREATE TABLE IF NOT EXISTS DATALONGTEXT(ID INTEGER PRIMARY KEY NOT NULL, StatementId INTEGER NOT NULL, "
    "VariableId INTEGER NOT NULL, Value TEXT DEFAULT '', FOREIGN KEY(StatementId) REFERENCES STATEMENTS(ID) ON DELETE "
    "CASCADE, FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE, UNIQUE (StatementId, VariableId));",
    "CREATE TABLE IF NOT EXISTS ATTRIBUTEVARIABLES(ID INTEGER PRIMARY KEY NOT NULL, VariableId INTEGER NOT NULL, "
    "AttributeVariable TEXT NOT NULL CHECK (LENGTH(AttributeVariable) < 191), UNIQUE(VariableId, AttributeVariable), "
    "FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE);",
    "CREATE TABLE IF NOT EXISTS ATTRIBUTEVALUES(ID INTEGER PRIMARY KEY NOT NULL, EntityId INTEGER NOT NULL, "
    "AttributeVariableId INTEGER NOT NULL, AttributeValue TEXT NOT NULL DEFAULT '' CHECK (LENGTH(AttributeValue) < "
    "191), UNIQUE (EntityId, AttributeVariableId), FOREIGN KEY(EntityId) REFERENCES ENTITIES(ID) ON DELETE CASCADE, "
    "FOREIGN KEY(AttributeVariableId) REFERENCES ATTRIBUTEVARIABLES(ID) ON DELETE CASCADE);",
]
COLUMNS = {
    "SETTINGS": ["Property", "Value"],
    "CODERS": ["ID", "Name", "Red", "Green", "Blue", "Refresh", "FontSize", "Password", "PopupWidth", "ColorByCoder",
               "PopupDecoration", "PopupAutoComplete", *(f"Permission{p}" for p in _P)],
    "DOCUMENTS": ["ID", "Title", "Text", "Coder", "Author", "Source", "Section", "Notes", "Type", "Date"],
    "STATEMENTTYPES": ["ID", "Label", "Red", "Green", "Blue"],
    "VARIABLES": ["ID", "Variable", "DataType", "StatementTypeId"],
    "VARIABLELINKS": ["ID", "SourceVariableId", "TargetVariableId"],
    "REGEXES": ["Label", "Red", "Green", "Blue"],
    "CODERRELATIONS": ["ID", "Coder", "OtherCoder", "viewStatements", "editStatements", "viewDocuments",
                       "editDocuments"],
    "STATEMENTS": ["ID", "StatementTypeId", "DocumentId", "Start", "Stop", "Coder"],
    "DATABOOLEAN": ["ID", "StatementId", "VariableId", "Value"],
    "DATAINTEGER": ["ID", "StatementId", "VariableId", "Value"],
    "ENTITIES": ["ID", "VariableId", "Value", "Red", "Green", "Blue", "ChildOf"],
    "DATASHORTTEXT": ["ID", "StatementId", "VariableId", "Entity"],
    "DATALONGTEXT": ["ID", "StatementId", "VariableId", "Value"],
    "ATTRIBUTEVARIABLES": ["ID", "VariableId", "AttributeVariable"],
    "ATTRIBUTEVALUES": ["ID", "EntityId", "AttributeVariableId", "AttributeValue"],
}


def _shape(connection: sqlite3.Connection, table: str) -> tuple:
    """Everything SQLite says about a table: its columns, keys and unique constraints, and its SQL (CHECKs too)."""
    (sql,) = connection.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    return (" ".join(sql.split()), connection.execute(f"PRAGMA table_info({table})").fetchall(),
            sorted(connection.execute(f"PRAGMA foreign_key_list({table})").fetchall()),
            sorted(r[1:] for r in connection.execute(f"PRAGMA index_list({table})")),
            sorted(tuple(connection.execute(f"PRAGMA index_info({r[1]})").fetchall())
                   for r in connection.execute(f"PRAGMA index_list({table})")))


# --------------------------------------------------------------------------- a small labelled corpus
TEXT1 = ("Café owners in Zürich 😀 wrote to us.\n\nThe minister said: \"We will never allow foreign bases.\" "
         "Later he said: \"Drones must stop.\"")
Q1 = 'The minister said: "We will never allow foreign bases."'
Q2 = 'Later he said: "Drones must stop."'
TEXT2 = "The army said it backs joint operations 🎉 with the US."
ISSUES = {"us_bases": Issue("us_bases", "US bases", "The US should have military bases in Pakistan."),
          "drones": Issue("drones", "Drone strikes", "The US should carry out drone strikes in Pakistan."),
          "joint_ops": Issue("joint_ops", "Joint operations", "Pakistan and the US should run joint operations.")}


def _span(text: str, part: str) -> Span:
    start = text.index(part)
    return Span(start, start + len(part), part)


ASIF = ("asif", "Khawaja Asif", "person", "PML-N")


def _statement(sid: str, doc: str, text: str, part: str, actor=ASIF) -> Statement:
    actor_id, name, kind, affiliation = actor
    return Statement(sid, doc, None, actor_id, name, kind, affiliation, "direct", _span(text, part), _span(text, part))


ARMY = ("army", "Pakistan Army", "organisation", None)
ARTICLES = [Article("d1", TEXT1, PartialDate(2018, 1), source="Dawn", title="Bases and drones", author="A. Reporter"),
            Article("d2", TEXT2, None, source="Geo", doc_type="press release"),
            Article("d3", "A document nobody is quoted in.", PartialDate(2018, 2, 3))]
S1, S2 = _statement("s1", "d1", TEXT1, Q1), _statement("s2", "d1", TEXT1, Q2)
S3 = _statement("s3", "d2", TEXT2, "The army said it backs joint operations 🎉 with the US.", ARMY)
PREDICTIONS = [
    StancePrediction(S1, "us_bases", "against", 0.87, model="m1"),
    StancePrediction(S2, "drones", "favor", 0.66, model="m1"),
    StancePrediction(S3, "joint_ops", "favor", 0.9, model="m1"),
    StancePrediction(S1, "drones", "neutral", 0.5, model="m1"),
    StancePrediction(S2, "us_bases", "neutral", 0.4, abstained=True, model="m1"),
    StancePrediction(_statement("s6", "d9", "x said y", "x said y"), "drones", "favor", 0.8, model="m1"),
    StancePrediction(S1, "joint_ops", "favor", 0.7, model="m1", checked_by="ana"),
]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The small corpus written once (password hashing takes a moment)."""
    path = tmp_path_factory.mktemp("dna") / "out.dna"
    report = write_dna(path, ARTICLES, PREDICTIONS, model_version="m1", issues=ISSUES)
    return path, report


def _rows(path, sql, *params):
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


# --------------------------------------------------------------------------- offsets
def test_offsets_count_utf16_units_and_panel_line_ends():
    text = "Café 😀 said 𝔣 it"
    m = OffsetMap.of(text)
    for i in range(len(text) + 1):  # Java's offset is the UTF-16 length of the prefix, and back
        assert m.to_java(i) == len(text[:i].encode("utf-16-le")) // 2
        assert m.to_python(m.to_java(i)) == i
    assert (m.to_java(7), m.to_java(len(text)), utf16_length(text), len(text)) == (8, 18, 18, 16)
    with pytest.raises(ValueError, match=r"offset 6 falls inside a character outside the BMP"):
        m.to_python(6)
    with pytest.raises(ValueError, match=r"offset 19 is outside the text \(0 to 18\)"):
        m.to_python(19)
    raw = "one\r\ntwo\rthree"
    assert panel_text(raw) == "one\ntwo\nthree"
    assert [panel_text(raw)[panel_index(raw, raw.index(w))] for w in "ott"] == ["o", "t", "t"]
    assert panel_index(raw, raw.index("three")) == 8


# --------------------------------------------------------------------------- schema
def test_schema_is_dnas_table_for_table(tmp_path):
    theirs, ours = sqlite3.connect(tmp_path / "dna.sqlite"), sqlite3.connect(tmp_path / "ours.sqlite")
    for statement in DNA_DDL:
        theirs.execute(statement)
    create_tables(ours, "pw")
    assert list(TABLES) == list(COLUMNS)
    for table, columns in COLUMNS.items():
        assert [r[1] for r in ours.execute(f"PRAGMA table_info({table})")] == columns, table
        assert _shape(ours, table) == _shape(theirs, table), table


def test_fixed_rows_are_dnas_and_our_note_variable(exported):
    path, _ = exported
    assert _rows(path, "SELECT Property, Value FROM SETTINGS") == [("version", "3.1.1"), ("date", "2026-06-27")]
    assert _rows(path, "SELECT * FROM STATEMENTTYPES") == [(1, "DNA Statement", 239, 208, 51),
                                                          (2, "NPF Story Element", 100, 200, 190),
                                                          (3, "Annotation", 211, 211, 211)]
    assert _rows(path, "SELECT * FROM VARIABLES") == [
        (1, "person", "short text", 1), (2, "organization", "short text", 1), (3, "concept", "short text", 1),
        (4, "agreement", "boolean", 1), (5, "narrator", "short text", 2), (6, "victim", "short text", 2),
        (7, "villain", "short text", 2), (8, "plot", "short text", 2), (9, "hero", "short text", 2),
        (10, "policy solution", "short text", 2), (11, "note", "long text", 3), (12, "note", "long text", 1)]
    assert _rows(path, "SELECT * FROM ATTRIBUTEVARIABLES") == [
        (1, 1, "Type"), (2, 2, "Type"), (3, 3, "Type"), (4, 1, "Alias"), (5, 2, "Alias"), (6, 3, "Alias"),
        (7, 1, "Notes"), (8, 2, "Notes"), (9, 3, "Notes")]
    admin = _rows(path, "SELECT ID, Name, Red, Green, Blue, PermissionEditCoders, PermissionViewOthersStatements, "
                        "Password FROM CODERS WHERE ID = 1")[0]
    assert admin[:7] == (1, "Admin", 255, 255, 0, 1, 1) and check_password("admin", admin[7])
    assert not check_password("Admin", admin[7])


def test_password_hash_is_jasypts_strong_password_format():
    # computed with java.security.MessageDigest (SHA-256 of salt + password, 100,000 rounds, Base64 of salt + digest)
    expected = "AAECAwQFBgcICQoLDA0OD69g3Jni/pzJu6+xKrBpvJxgSPRb2BoHHV5gYeTbCsgJ"
    assert password_hash("admin", bytes(range(16))) == expected


# --------------------------------------------------------------------------- export
def test_export_writes_each_entity_once_with_its_attributes(exported):
    path, report = exported
    assert _rows(path, "SELECT VariableId, Value FROM ENTITIES ORDER BY VariableId, Value") == [
        (1, ""), (1, "Khawaja Asif"), (2, "PML-N"), (2, "Pakistan Army"),
        (3, "Drone strikes"), (3, "Joint operations"), (3, "US bases")]
    attributes = _rows(path, "SELECT E.Value, A.AttributeVariable, V.AttributeValue FROM ATTRIBUTEVALUES V "
                             "JOIN ENTITIES E ON E.ID = V.EntityId JOIN ATTRIBUTEVARIABLES A "
                             "ON A.ID = V.AttributeVariableId WHERE V.AttributeValue != ''")
    assert sorted(attributes) == sorted([
        ("Khawaja Asif", "Type", "person"), ("Khawaja Asif", "Alias", "asif"),
        ("Pakistan Army", "Type", "organisation"), ("Pakistan Army", "Alias", "army"),
        ("US bases", "Type", "issue"), ("US bases", "Alias", "us_bases"),
        ("US bases", "Notes", "The US should have military bases in Pakistan."),
        ("Drone strikes", "Type", "issue"), ("Drone strikes", "Alias", "drones"),
        ("Drone strikes", "Notes", "The US should carry out drone strikes in Pakistan."),
        ("Joint operations", "Type", "issue"), ("Joint operations", "Alias", "joint_ops"),
        ("Joint operations", "Notes", "Pakistan and the US should run joint operations.")])
    assert len(_rows(path, "SELECT * FROM ATTRIBUTEVALUES")) == 7 * 3  # every attribute of every entity, as DNA does
    assert report.entities == {"person": 1, "organization": 2, "concept": 3}


def test_export_offsets_are_utf16_after_non_ascii_text(exported):
    path, _ = exported
    rows = _rows(path, "SELECT S.ID, S.Start, S.Stop, D.Text FROM STATEMENTS S JOIN DOCUMENTS D ON D.ID = S.DocumentId "
                       "ORDER BY S.ID")
    spans = []
    for _, start, stop, text in rows:
        units = text.encode("utf-16-le")  # what a Java String indexes
        spans.append((start, stop, units[2 * start:2 * stop].decode("utf-16-le")))
    q1 = TEXT1.index(Q1)
    assert spans[1] == (q1 + 1, q1 + 1 + len(Q1), Q1)  # one emoji before it: one more unit than Python counts
    assert [s[2] for s in spans] == [Q1, Q1, Q2, TEXT2]
    assert [(r[1], r[2]) for r in rows][3] == (0, len(TEXT2) + 1)  # the 🎉 inside the span counts 2


def test_export_documents_dates_and_coders(exported):
    path, report = exported
    documents = _rows(path, "SELECT ID, Title, Author, Source, Section, Type, Date, Notes, Coder FROM DOCUMENTS")
    assert documents == [
        (1, "Bases and drones", "A. Reporter", "Dawn", "", "news", 1514764800,
         "stance doc_id: d1\nstance date: 2018-01", 2),
        (2, "d2", "", "Geo", "", "press release", 0, "stance doc_id: d2\nstance date: none", 2),
        (3, "d3", "", "", "", "news", 1517616000, "stance doc_id: d3\nstance date: 2018-02-03", 2)]
    assert dt.datetime(1970, 1, 1) + dt.timedelta(seconds=1514764800) == dt.datetime(2018, 1, 1)
    assert _rows(path, "SELECT ID, Name FROM CODERS") == [(1, "Admin"), (2, "m1"), (3, "ana")]
    assert sorted(_rows(path, "SELECT Coder, OtherCoder FROM CODERRELATIONS")) == [
        (1, 2), (1, 3), (2, 1), (2, 3), (3, 1), (3, 2)]
    assert _rows(path, "SELECT ID, Coder FROM STATEMENTS") == [(1, 3), (2, 2), (3, 2), (4, 2)]
    assert _rows(path, "SELECT StatementId, Value FROM DATABOOLEAN") == [(1, 1), (2, 0), (3, 1), (4, 1)]
    assert _rows(path, "SELECT Value FROM DATALONGTEXT WHERE StatementId = 2") == [
        ("confidence: 0.8700, issue: us_bases, statement: s1, model: m1",)]
    assert report.undated == 1 and report.coders == ("Admin", "m1", "ana")


def test_export_leaves_neutral_out_and_says_so(exported):
    _, report = exported
    assert (report.statements, report.neutral, report.abstained) == (4, 1, 1)
    assert report.missing_document == ("s6",) and report.span_mismatch == ()
    assert report.lines()[:3] == [
        "3 documents, 4 statements (1 person, 2 organizations, 3 concepts); coders: Admin, m1, ana",
        "left out 2 neutral labels (1 of them abstained): DNA's agreement is yes/no; the table export keeps them",
        "left out 1 statement whose document was not given: s6"]


def test_export_refuses_an_existing_file(exported):
    path, _ = exported
    with pytest.raises(InputError, match=r"out.dna: already exists; expected a new file \(pass --force to replace "
                                         r"it\)$"):
        write_dna(path, ARTICLES, PREDICTIONS, model_version="m1", issues=ISSUES)


def test_export_leaves_out_a_quote_not_at_its_offsets(tmp_path):
    moved = Article("d1", "Something else now. " + TEXT1)
    report = write_dna(tmp_path / "x.dna", [moved], PREDICTIONS[:1], model_version="m1", issues=ISSUES)
    assert (report.statements, report.span_mismatch) == (0, ("s1",))


def test_line_ends_are_counted_as_dnas_text_panel_counts_them(tmp_path):
    text = "Ünïcode 😀 first.\r\nSecond line\rThe mayor said: \"Caps now.\""
    quote = 'The mayor said: "Caps now."'
    st = _statement("s", "d", text, quote, ("ines", "Ines Varga", "person", None))
    write_dna(tmp_path / "x.dna", [Article("d", text)], [StancePrediction(st, "caps", "favor", 0.9)],
              model_version="m", issues={})
    (start, stop, stored), = _rows(tmp_path / "x.dna", "SELECT S.Start, S.Stop, D.Text FROM STATEMENTS S "
                                                       "JOIN DOCUMENTS D ON D.ID = S.DocumentId")
    assert "\r" not in stored and stored == text.replace("\r\n", "\n").replace("\r", "\n")
    assert stored.encode("utf-16-le")[2 * start:2 * stop].decode("utf-16-le") == quote
    assert (start, stop) == (len("Ünïcode 😀 first.\nSecond line\n") + 1, len(stored) + 1)
    (back,) = read_dna(tmp_path / "x.dna").statements
    assert back.text == quote and stored[back.start:back.end] == quote


# --------------------------------------------------------------------------- round trip
def test_round_trip_gives_back_the_statements(exported):
    path, _ = exported
    read = read_dna(path)
    built = dna_corpus(ARTICLES, PREDICTIONS, model_version="m1", issues=ISSUES).corpus
    assert read.statements == built.statements and read.documents == built.documents
    assert [(s.person, s.organization, s.concept, s.agreement, s.coder) for s in read.statements] == [
        ("Khawaja Asif", "PML-N", "Joint operations", "favor", "ana"),
        ("Khawaja Asif", "PML-N", "US bases", "against", "m1"),
        ("Khawaja Asif", "PML-N", "Drone strikes", "favor", "m1"),
        ("", "Pakistan Army", "Joint operations", "favor", "m1")]
    q1, q2 = _span(TEXT1, Q1), _span(TEXT1, Q2)
    assert [(s.start, s.end, s.text) for s in read.statements] == [
        (q1.start, q1.end, Q1), (q1.start, q1.end, Q1), (q2.start, q2.end, Q2), (0, len(TEXT2), TEXT2)]
    assert read.documents[0].date == dt.datetime(2018, 1, 1) and read.documents[1].date is None
    assert read.coders == ("Admin", "m1", "ana") and read.version == "3.1.1"
    assert read.entity("concept", "US bases").get("Alias") == "us_bases"


def test_write_corpus_writes_any_corpus_back_as_read(tmp_path):
    corpus = DnaCorpus((DnaDocument(7, "T", "x 😀 y said z", dt.datetime(2020, 5, 6, 7, 8, 9), coder="Bo"),),
                       (DnaStatement(3, 7, 4, 12, "y said z", "Bo", "Y", "", "C", "against", "n"),), ("Admin", "Bo"))
    write_corpus(tmp_path / "c.dna", corpus)
    back = read_dna(tmp_path / "c.dna")
    assert back.documents == corpus.documents and back.statements == corpus.statements


# --------------------------------------------------------------------------- reading a file DNA wrote
def _dna_file(path, *, version="3.0.11", person="person", agreement=1, start=None):
    """A DNA file as DNA 3 makes one, with raw SQL: two coders, two documents, two statements."""
    text1 = "Ünïcode 😀 intro. Mayor Ines Varga said rents must be capped."
    span = "Mayor Ines Varga said rents must be capped."
    begin = text1.index(span) + 1 if start is None else start  # + 1: the emoji counts two UTF-16 units
    connection = sqlite3.connect(path)
    for statement in DNA_DDL:
        connection.execute(statement)
    rows = {
        "CODERS (ID, Name, Red, Green, Blue, Password)": [(1, "Admin", 255, 255, 0, "x"), (2, "Anna", 0, 0, 255, "y")],
        "SETTINGS (Property, Value)": [("version", version), ("date", "2023-09-29")],
        "STATEMENTTYPES (ID, Label, Red, Green, Blue)": [(1, "DNA Statement", 239, 208, 51)],
        "VARIABLES (ID, Variable, DataType, StatementTypeId)": [
            (1, person, "short text", 1), (2, "organization", "short text", 1), (3, "concept", "short text", 1),
            (4, "agreement", "boolean", 1)],
        "ATTRIBUTEVARIABLES (ID, VariableId, AttributeVariable)": [(1, 3, "Type"), (2, 3, "Alias")],
        "DOCUMENTS (ID, Title, Text, Coder, Author, Source, Section, Notes, Type, Date)": [
            (1, "Rents", text1, 2, "", "City Paper", "Local", "", "newspaper", 1695945600),
            (2, "Reply", "The landlords' association rejects caps.", 1, "", "", "", "", "", 1696032000)],
        "ENTITIES (ID, VariableId, Value, Red, Green, Blue)": [
            (1, 1, "Ines Varga", 0, 0, 0), (2, 2, "City Council", 0, 0, 0), (3, 3, "Rent caps", 0, 0, 0),
            (4, 1, "", 0, 0, 0), (5, 2, "Landlords' Association", 0, 0, 0)],
        "ATTRIBUTEVALUES (EntityId, AttributeVariableId, AttributeValue)": [(3, 1, "policy"), (3, 2, "rent_caps")],
        "STATEMENTS (ID, StatementTypeId, DocumentId, Start, Stop, Coder)": [
            (1, 1, 1, begin, begin + len(span), 2), (2, 1, 2, 0, 40, 1)],
        "DATASHORTTEXT (StatementId, VariableId, Entity)": [(1, 1, 1), (1, 2, 2), (1, 3, 3), (2, 1, 4), (2, 2, 5),
                                                           (2, 3, 3)],
        "DATABOOLEAN (StatementId, VariableId, Value)": [(1, 4, agreement), (2, 4, 0)],
    }
    for into, values in rows.items():
        marks = ", ".join("?" * len(values[0]))
        connection.executemany(f"INSERT INTO {into} VALUES ({marks})", values)
    connection.commit()
    connection.close()
    return path


def test_read_a_file_dna_wrote(tmp_path):
    corpus = read_dna(_dna_file(tmp_path / "coded.dna"))
    first, second = corpus.statements
    assert first == DnaStatement(1, 1, 17, 60, "Mayor Ines Varga said rents must be capped.", "Anna", "Ines Varga",
                                 "City Council", "Rent caps", "favor")
    assert (second.person, second.organization, second.agreement, second.text) == (
        "", "Landlords' Association", "against", "The landlords' association rejects caps.")
    assert corpus.documents[0].date == dt.datetime(2023, 9, 29) and corpus.documents[0].coder == "Anna"
    assert corpus.coders == ("Admin", "Anna") and corpus.version == "3.0.11"
    assert corpus.entity("concept", "Rent caps").get("Alias") == "rent_caps"
    assert [s.coder for s in read_dna(tmp_path / "coded.dna", coder="Admin").statements] == ["Admin"]
    assert len(read_dna(tmp_path / "coded.dna", coder="Admin").documents) == 2  # every document is kept


def test_read_maps_the_files_variable_names(tmp_path):
    path = _dna_file(tmp_path / "coded.dna", person="speaker")
    with pytest.raises(InputError) as error:
        read_dna(path)
    assert str(error.value) == (f"{path}: statement type 'DNA Statement' has no variable 'person'; its variables are "
                                "speaker, organization, concept, agreement; name ours with --variables, e.g. "
                                "person=<one of them>")
    assert read_dna(path, variables={"person": "speaker"}).statements[0].person == "Ines Varga"


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p.write_bytes(b"hello, not a database"),
     "not an SQLite database (it starts with b'hello, not a da', not 'SQLite format 3'); expected a .dna file "
     "saved by DNA 3"),
    (lambda p: sqlite3.connect(p).execute("CREATE TABLE NOTES(x)"),
     "an SQLite database but not a DNA file: it has no SETTINGS table with a 'version' row (tables: NOTES); "
     "expected a file created by DNA 3"),
    (lambda p: _dna_file(p, version="2.0 beta 25"),
     "a DNA 2.0 beta 25 file; expected DNA 3.x (3.0 or later), whose tables differ. Open DNA 3, create a new "
     "database and import this one (Documents > Import from DNA database), then read the new file."),
    (lambda p: _dna_file(p, agreement=2),
     "statement 1 (document 1): agreement has 2; expected 1 (favor) or 0 (against)"),
    (lambda p: _dna_file(p, start=200),
     "statement 1 (document 1): offsets 200-243 do not fit the document's text (offset 200 is outside the text "
     "(0 to 61))"),
])
def test_read_errors_name_the_file_and_the_fix(tmp_path, make, message):
    path = tmp_path / "bad.dna"
    make(path)
    with pytest.raises(InputError) as error:
        read_dna(path)
    assert str(error.value) == f"{path}: {message}"


def test_read_errors_for_coder_statement_type_and_mapping(tmp_path):
    path = _dna_file(tmp_path / "coded.dna")
    for kwargs, message in [
            ({"coder": "Bob"}, "no coder 'Bob'; the coders are Admin, Anna"),
            ({"statement_type": "Frame"}, "no statement type 'Frame'; the statement types are 'DNA Statement'"),
            ({"variables": {"speaker": "person"}}, "--variables names speaker; expected some of person, organization, "
                                                  "concept, agreement, note mapped to the file's variable names "
                                                  "(person=speaker,concept=frame)"),
            ({"variables": {"concept": "agreement"}},
             "variable 'agreement' (concept) is boolean; expected short text")]:
        with pytest.raises(InputError) as error:
            read_dna(path, **kwargs)
        assert str(error.value) == f"{path}: {message}"
    with pytest.raises(InputError, match=r"missing.dna: not found; expected a DNA file \(.dna\)$"):
        read_dna(tmp_path / "missing.dna")


# --------------------------------------------------------------------------- event list and table
def test_event_list_is_dnas_format(exported):
    lines = event_lines(read_dna(exported[0]))
    assert lines == [
        '"statement ID";"time";"document ID";"document title";"author";"source";"section";"type";"text";"person";'
        '"organization";"concept";"agreement";"note"',
        '1;2018-01-01 00:00:00;1;"Bases and drones";"A. Reporter";"Dawn";"";"news";"The minister said: \'We will '
        'never allow foreign bases.\'";"Khawaja Asif";"PML-N";"Joint operations";1;"confidence: 0.7000, issue: '
        'joint_ops, statement: s1, model: m1, checked by: ana"',
        '2;2018-01-01 00:00:00;1;"Bases and drones";"A. Reporter";"Dawn";"";"news";"The minister said: \'We will '
        'never allow foreign bases.\'";"Khawaja Asif";"PML-N";"US bases";0;"confidence: 0.8700, issue: us_bases, '
        'statement: s1, model: m1"',
        '3;2018-01-01 00:00:00;1;"Bases and drones";"A. Reporter";"Dawn";"";"news";"Later he said: \'Drones must '
        'stop.\'";"Khawaja Asif";"PML-N";"Drone strikes";1;"confidence: 0.6600, issue: drones, statement: s2, model: '
        'm1"',
        '4;;2;"d2";"";"Geo";"";"press release";"The army said it backs joint operations 🎉 with the US.";"";'
        '"Pakistan Army";"Joint operations";1;"confidence: 0.9000, issue: joint_ops, statement: s3, model: m1"']


def test_event_list_file_has_no_line_end_after_the_last(exported, tmp_path):
    assert write_events(tmp_path / "e.csv", read_dna(exported[0])) == 4
    assert (tmp_path / "e.csv").read_bytes().endswith(b'model: m1"')


def test_table_as_csv_and_parquet(tmp_path):
    import pyarrow.parquet as pq

    rows = table_rows(PREDICTIONS, {a.doc_id: a for a in ARTICLES}, ISSUES)
    assert write_table(tmp_path / "t.csv", rows) == 7
    with (tmp_path / "t.csv").open(encoding="utf-8", newline="") as handle:
        read = list(csv.DictReader(handle))
    assert list(read[0]) == list(TABLE_COLUMNS) == [
        "statement_id", "doc_id", "title", "date", "source", "actor", "actor_id", "actor_type", "person",
        "organization", "affiliation", "concept", "issue", "stance", "agreement", "confidence", "abstained",
        "checked_by", "text", "quote", "start", "end", "model"]
    assert {k: read[0][k] for k in ("title", "person", "organization", "concept", "stance", "agreement", "start")} == {
        "title": "Bases and drones", "person": "Khawaja Asif", "organization": "PML-N", "concept": "US bases",
        "stance": "against", "agreement": "0", "start": str(TEXT1.index(Q1))}
    assert [r["agreement"] for r in read] == ["0", "1", "1", "", "", "1", "1"]
    assert write_table(tmp_path / "t.parquet", rows) == 7
    table = pq.read_table(tmp_path / "t.parquet")
    assert table.column_names == list(TABLE_COLUMNS)
    assert [str(table.schema.field(c).type) for c in ("agreement", "confidence", "abstained", "start", "title")] == [
        "int8", "double", "bool", "int64", "string"]
    assert table.column("agreement").to_pylist() == [0, 1, 1, None, None, 1, 1]
    with pytest.raises(InputError) as error:
        write_table(tmp_path / "t.xlsx", rows)
    assert str(error.value) == (f"{tmp_path / 't.xlsx'}: has suffix '.xlsx'; expected .csv or .parquet (the format "
                                "follows it)")


# --------------------------------------------------------------------------- command line
@pytest.fixture
def run_folder(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "statements.jsonl").write_text("".join(json.dumps(p.to_dict()) + "\n" for p in PREDICTIONS),
                                          encoding="utf-8")
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": a.doc_id, "text": a.text, "date": str(a.date) if a.date else None,
                                          "source": a.source, "title": a.title}) + "\n" for a in ARTICLES),
                      encoding="utf-8")
    issues = tmp_path / "issues.yaml"
    issues.write_text("issues:\n" + "".join(f"  - {{id: {i.issue_id}, label: {i.label}, target: {i.target}}}\n"
                                            for i in ISSUES.values()), encoding="utf-8")
    return run, corpus, issues


def test_cli_export_dna_events_table(run_folder, tmp_path, capsys):
    run, corpus, issues = run_folder
    out = tmp_path / "out.dna"
    assert main(["export", "dna", str(out), "--run", str(run), "--corpus", str(corpus), "--issues", str(issues)]) == 0
    printed = capsys.readouterr().out
    assert "3 documents, 4 statements (1 person, 2 organizations, 3 concepts); coders: Admin, m1, ana" in printed
    assert "left out 2 neutral labels (1 of them abstained)" in printed
    assert [s.concept for s in read_dna(out).statements] == ["Joint operations", "US bases", "Drone strikes",
                                                            "Joint operations"]
    assert main(["export", "dna", str(out), "--run", str(run), "--corpus", str(corpus)]) == 2
    assert capsys.readouterr().err == (f"stance export: error: {out}: already exists; expected a new file (pass "
                                       "--force to replace it)\n")
    assert main(["export", "dna", str(out), "--run", str(run), "--corpus", str(corpus), "--force"]) == 0
    events = tmp_path / "events.csv"
    assert main(["export", "events", str(events), "--run", str(run), "--corpus", str(corpus), "--issues",
                 str(issues)]) == 0
    assert events.read_text(encoding="utf-8").count("\n") == 4
    table = tmp_path / "t.csv"
    assert main(["export", "table", str(table), "--run", str(run)]) == 0
    assert "7 rows (one per statement and issue); no --corpus: titles left empty" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "message"), [
    (["export", "dna", "x.dna", "--run", "r"],
     "stance export dna: --run needs --corpus CORPUS (the run's corpus: the documents' texts and titles)"),
    (["export", "table", "x.csv"], "stance export table: expected --run RUN --corpus CORPUS, or --db STORE, found "
                                   "neither"),
    (["export", "events"], "stance export events: expected the file to write, e.g. stance export events "
                           "out/statements.csv --run out/run --corpus corpus/"),
    (["export", "onnx", "x.dna", "--run", "r"], "stance export onnx: expected --out DIR (and --model); PATH, --run "
                                               "and --db are for dna, events and table"),
    (["export", "table", "x.csv", "--db", "nowhere"], "nowhere: no store there; expected a folder (or .db file) "
                                                      "filled by `stance ingest`, or postgresql://..."),
])
def test_cli_export_errors(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert capsys.readouterr().err == f"stance export: error: {message}\n"


def test_cli_export_keeps_the_old_onnx_form():
    assert build_parser().parse_args(["export", "--out", "x"]).action == "onnx"
    args = build_parser().parse_args(["export", "onnx", "--out", "x", "--fp32"])
    assert (args.action, args.out, args.fp32, args.path) == ("onnx", "x", True, None)


def test_cli_export_from_a_store(tmp_path, capsys):
    from stance.serve.store import Store
    from stance.serve.store.store import IngestReport, Labelling

    store = Store.open(tmp_path / "db")
    labelling = Labelling("m2", None)
    report = IngestReport(store._start_run("ingest", labelling))
    for article in ARTICLES[:2]:
        mine = [p for p in PREDICTIONS[:3] if p.statement.doc_id == article.doc_id]
        store._write_document(article, [p.statement for p in mine], {p.statement.statement_id: [p] for p in mine},
                              labelling, report)
    store.close()
    out = tmp_path / "store.dna"
    assert main(["export", "dna", str(out), "--db", str(tmp_path / "db")]) == 0
    corpus = read_dna(out)
    assert [(s.person or s.organization, s.agreement, s.coder) for s in corpus.statements] == [
        ("Khawaja Asif", "against", "m2"), ("Khawaja Asif", "favor", "m2"), ("Pakistan Army", "favor", "m2")]
    assert "open it in DNA 3 as Admin or m2 (password: 'admin'" in capsys.readouterr().out


def test_cli_import_writes_a_corpus_and_pairs_that_load(tmp_path, capsys):
    from stance.ingest.corpus import load_corpus_with_report
    from stance.stance_model.data import load_pairs

    path = _dna_file(tmp_path / "coded.dna", person="speaker")
    out = tmp_path / "imported"
    assert main(["import", "dna", str(path), "--out", str(out), "--variables", "person=speaker"]) == 0
    printed = capsys.readouterr().out
    assert printed.splitlines()[:2] == [
        f"{path} (DNA 3.0.11): 2 documents, 2 coded statements (1 favor, 1 against) on 1 concepts by Anna (1), "
        "Admin (1)",
        "1 type 'newspaper' not one of stance's, left out (read as news)"]
    documents = [json.loads(line) for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert documents[0] == {"id": "dna-1", "text": "Ünïcode 😀 intro. Mayor Ines Varga said rents must be capped.",
                            "date": "2023-09-29", "source": "City Paper", "title": "Rents"}
    articles, _ = load_corpus_with_report(out / "documents.jsonl")
    assert [(a.doc_id, str(a.date), a.doc_type) for a in articles] == [("dna-1", "2023-09-29", "news"),
                                                                       ("dna-2", "2023-09-30", "news")]
    pairs = load_pairs(out / "pairs.jsonl")
    assert [(p.text, p.target, p.label, p.issue, p.group) for p in pairs] == [
        ("Mayor Ines Varga said rents must be capped.", "Rent caps", "favor", "rent_caps", "dna-1"),
        ("The landlords' association rejects caps.", "Rent caps", "against", "rent_caps", "dna-2")]
    first = json.loads((out / "pairs.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert {k: first[k] for k in ("actor", "person", "organization", "doc_id", "start", "end", "coder")} == {
        "actor": "Ines Varga", "person": "Ines Varga", "organization": "City Council", "doc_id": "dna-1",
        "start": 17, "end": 60, "coder": "Anna"}
    assert main(["import", "dna", str(path), "--out", str(out), "--variables", "person=speaker"]) == 2
    assert capsys.readouterr().err == (f"stance import: error: {out / 'documents.jsonl'}, {out / 'pairs.jsonl'}: "
                                       "already there; expected a new --out folder (or pass --force)\n")


def test_cli_import_round_trips_our_own_export(exported, tmp_path, capsys):
    out = tmp_path / "back"
    assert main(["import", "dna", str(exported[0]), "--out", str(out)]) == 0
    documents = [json.loads(line) for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(d["id"], d.get("date"), d.get("type")) for d in documents] == [
        ("d1", "2018-01", "news"), ("d2", None, "press release"), ("d3", "2018-02-03", "news")]
    pairs = [json.loads(line) for line in (out / "pairs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(p["doc_id"], p["issue"], p["label"], p["start"]) for p in pairs] == [
        ("d1", "joint_ops", "favor", TEXT1.index(Q1)), ("d1", "us_bases", "against", TEXT1.index(Q1)),
        ("d1", "drones", "favor", TEXT1.index(Q2)), ("d2", "joint_ops", "favor", 0)]
