"""The tables and fixed rows of a DNA 3 SQLite file, as DNA creates them.

Taken from ``Sql.createTables`` (SQLite branch) in ``dna/src/main/java/sql/Sql.java`` of DNA 3.1.1
(leifeld-lab/dna, commit 4bcf3c0164d6a7d0dce61f566c502ac0c2a8125e; the same tables as DNA 3.0.x); column by
column in ``docs/dna.md``.  A new file gets every table, the Admin coder (id 1), the ``version`` and
``date`` settings DNA checks, and DNA's three statement types with their variables and attribute variables.
Coder passwords are hashed as DNA hashes them (jasypt's ``StrongPasswordEncryptor``: SHA-256 of a 16-byte
random salt and the UTF-8 password, digested 100,000 times, Base64 of salt + digest).
"""

from __future__ import annotations

import base64
import hashlib
import os
import sqlite3
import unicodedata

DNA_VERSION = "3.1.1"
"""The version a file we write claims (``SETTINGS.version``): the DNA release whose Sql.java this follows."""
DNA_DATE = "2026-06-27"
"""That release's date (``SETTINGS.date``)."""
STATEMENT_TYPE = "DNA Statement"
MAX_TEXT = 190
"""DNA's limit on short fields (``CHECK (LENGTH(x) < 191)``): titles, authors, sources, entity values..."""
SHORT_TEXT, LONG_TEXT, BOOLEAN, INTEGER = "short text", "long text", "boolean", "integer"

_PERMISSIONS = ("AddDocuments", "EditDocuments", "DeleteDocuments", "ImportDocuments", "AddStatements",
                "EditStatements", "DeleteStatements", "EditAttributes", "EditRegex", "EditStatementTypes",
                "EditCoders", "EditCoderRelations", "ViewOthersDocuments", "EditOthersDocuments",
                "ViewOthersStatements", "EditOthersStatements")


def _flag(name: str, default: int) -> str:
    return f"{name} INTEGER NOT NULL CHECK ({name} BETWEEN 0 AND 1) DEFAULT {default}"


def _rgb(null: bool = False) -> str:
    if null:
        return ", ".join(f"{c} INTEGER CHECK ({c} BETWEEN 0 AND 255)" for c in ("Red", "Green", "Blue"))
    return ", ".join(f"{c} INTEGER NOT NULL DEFAULT 0 CHECK ({c} BETWEEN 0 AND 255)" for c in ("Red", "Green", "Blue"))


def _short(name: str, extra: str = "") -> str:
    return f"{name} TEXT NOT NULL {extra}CHECK (LENGTH({name}) < 191)"


TABLES: dict[str, str] = {
    "SETTINGS": "Property TEXT PRIMARY KEY, Value TEXT NOT NULL",
    "CODERS": ", ".join([
        "ID INTEGER NOT NULL PRIMARY KEY", _short("Name"), _rgb(),
        "Refresh INTEGER NOT NULL CHECK (Refresh BETWEEN 0 AND 9999) DEFAULT 0",
        "FontSize INTEGER NOT NULL CHECK (FontSize BETWEEN 1 AND 99) DEFAULT 14", _short("Password"),
        "PopupWidth INTEGER CHECK (PopupWidth BETWEEN 100 AND 9999) DEFAULT 300",
        _flag("ColorByCoder", 0), _flag("PopupDecoration", 0), _flag("PopupAutoComplete", 1),
        *(_flag(f"Permission{p}", 1) for p in _PERMISSIONS)]),
    "DOCUMENTS": ", ".join([
        "ID INTEGER NOT NULL PRIMARY KEY", _short("Title"), "Text TEXT NOT NULL", "Coder INTEGER",
        _short("Author", "DEFAULT '' "), _short("Source", "DEFAULT '' "), _short("Section", "DEFAULT '' "),
        "Notes TEXT NOT NULL DEFAULT ''", _short("Type", "DEFAULT '' "), "Date INTEGER NOT NULL",
        "FOREIGN KEY(Coder) REFERENCES CODERS(ID) ON DELETE CASCADE"]),
    "STATEMENTTYPES": f"ID INTEGER NOT NULL PRIMARY KEY, {_short('Label')}, {_rgb()}",
    "VARIABLES": ", ".join([
        "ID INTEGER NOT NULL PRIMARY KEY", _short("Variable"),
        "DataType TEXT NOT NULL CHECK (DataType = 'boolean' OR DataType = 'integer' OR DataType = 'long text' "
        "OR DataType = 'short text') DEFAULT 'short text'",
        "StatementTypeId INTEGER", "FOREIGN KEY(StatementTypeId) REFERENCES STATEMENTTYPES(ID) ON DELETE CASCADE",
        "UNIQUE (Variable, StatementTypeId)"]),
    "VARIABLELINKS": ", ".join([
        "ID INTEGER NOT NULL PRIMARY KEY", "SourceVariableId INTEGER", "TargetVariableId INTEGER",
        "CHECK (TargetVariableId != SourceVariableId)",
        "FOREIGN KEY(SourceVariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE",
        "FOREIGN KEY(TargetVariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE"]),
    "REGEXES": f"Label TEXT PRIMARY KEY CHECK (LENGTH(Label) < 191), {_rgb()}",
    "CODERRELATIONS": ", ".join([
        "ID INTEGER NOT NULL PRIMARY KEY", "Coder INTEGER CHECK(Coder > 0)", "OtherCoder INTEGER CHECK(OtherCoder > 0)",
        *(f"{v} INTEGER NOT NULL DEFAULT 1 CHECK({v} BETWEEN 0 AND 1)"
          for v in ("viewStatements", "editStatements", "viewDocuments", "editDocuments")),
        "CHECK (Coder != OtherCoder)", "FOREIGN KEY(Coder) REFERENCES CODERS(ID) ON DELETE CASCADE",
        "FOREIGN KEY(OtherCoder) REFERENCES CODERS(ID) ON DELETE CASCADE"]),
    "STATEMENTS": ", ".join([
        "ID INTEGER NOT NULL PRIMARY KEY", "StatementTypeId INTEGER", "DocumentId INTEGER",
        "Start INTEGER NOT NULL CHECK(Start >= 0)", "Stop INTEGER NOT NULL CHECK(Stop >= 0)", "Coder INTEGER",
        "CHECK (Start < Stop)", "FOREIGN KEY(StatementTypeId) REFERENCES STATEMENTTYPES(ID) ON DELETE CASCADE",
        "FOREIGN KEY(Coder) REFERENCES CODERS(ID) ON DELETE CASCADE",
        "FOREIGN KEY(DocumentId) REFERENCES DOCUMENTS(ID) ON DELETE CASCADE"]),
    **{table: ", ".join([
        "ID INTEGER PRIMARY KEY NOT NULL", "StatementId INTEGER NOT NULL", "VariableId INTEGER NOT NULL", value,
        "FOREIGN KEY(StatementId) REFERENCES STATEMENTS(ID) ON DELETE CASCADE",
        "FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE", "UNIQUE (StatementId, VariableId)"])
       for table, value in (("DATABOOLEAN", "Value INTEGER NOT NULL DEFAULT 1"),
                            ("DATAINTEGER", "Value INTEGER NOT NULL DEFAULT 0"))},
    "ENTITIES": ", ".join([
        "ID INTEGER PRIMARY KEY NOT NULL", "VariableId INTEGER NOT NULL", _short("Value", "DEFAULT '' "),
        _rgb(null=True), "ChildOf INTEGER CHECK(ChildOf > 0)", "UNIQUE (VariableId, Value)",
        "FOREIGN KEY(ChildOf) REFERENCES ENTITIES(ID) ON DELETE CASCADE",
        "FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE"]),
    "DATASHORTTEXT": ", ".join([
        "ID INTEGER PRIMARY KEY NOT NULL", "StatementId INTEGER NOT NULL", "VariableId INTEGER NOT NULL",
        "Entity INTEGER NOT NULL", "FOREIGN KEY(StatementId) REFERENCES STATEMENTS(ID) ON DELETE CASCADE",
        "FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE",
        "FOREIGN KEY(Entity) REFERENCES ENTITIES(ID) ON DELETE CASCADE", "UNIQUE (StatementId, VariableId)"]),
    "DATALONGTEXT": ", ".join([
        "ID INTEGER PRIMARY KEY NOT NULL", "StatementId INTEGER NOT NULL", "VariableId INTEGER NOT NULL",
        "Value TEXT DEFAULT ''", "FOREIGN KEY(StatementId) REFERENCES STATEMENTS(ID) ON DELETE CASCADE",
        "FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE", "UNIQUE (StatementId, VariableId)"]),
    "ATTRIBUTEVARIABLES": ", ".join([
        "ID INTEGER PRIMARY KEY NOT NULL", "VariableId INTEGER NOT NULL", _short("AttributeVariable"),
        "UNIQUE(VariableId, AttributeVariable)", "FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE"]),
    "ATTRIBUTEVALUES": ", ".join([
        "ID INTEGER PRIMARY KEY NOT NULL", "EntityId INTEGER NOT NULL", "AttributeVariableId INTEGER NOT NULL",
        _short("AttributeValue", "DEFAULT '' "), "UNIQUE (EntityId, AttributeVariableId)",
        "FOREIGN KEY(EntityId) REFERENCES ENTITIES(ID) ON DELETE CASCADE",
        "FOREIGN KEY(AttributeVariableId) REFERENCES ATTRIBUTEVARIABLES(ID) ON DELETE CASCADE"]),
}
"""Each table's column and constraint list, in the order DNA creates the tables."""

STATEMENT_TYPES = ((1, STATEMENT_TYPE, (239, 208, 51)), (2, "NPF Story Element", (100, 200, 190)),
                   (3, "Annotation", (211, 211, 211)))
"""(id, label, colour) of the statement types a new DNA file has."""
VARIABLES = ((1, "person", SHORT_TEXT, 1), (2, "organization", SHORT_TEXT, 1), (3, "concept", SHORT_TEXT, 1),
             (4, "agreement", BOOLEAN, 1), (5, "narrator", SHORT_TEXT, 2), (6, "victim", SHORT_TEXT, 2),
             (7, "villain", SHORT_TEXT, 2), (8, "plot", SHORT_TEXT, 2), (9, "hero", SHORT_TEXT, 2),
             (10, "policy solution", SHORT_TEXT, 2), (11, "note", LONG_TEXT, 3))
"""(id, name, data type, statement type id) of a new file's variables."""
ATTRIBUTE_VARIABLES = tuple((variable, name) for name in ("Type", "Alias", "Notes") for variable in (1, 2, 3))
"""(variable id, attribute) in DNA's insertion order: Type of person, organization, concept, then Alias..."""
NOTE_VARIABLE = (12, "note", LONG_TEXT, 1)
"""Not DNA's: the long-text variable ``stance export dna`` adds to the DNA Statement type, holding each
statement's confidence, issue id, statement id and model (DNA keeps no notes on a statement)."""
ADMIN = (1, "Admin", (255, 255, 0))


def password_hash(password: str, salt: bytes | None = None) -> str:
    """``password`` hashed as DNA stores a coder's password (jasypt's StrongPasswordEncryptor): Base64 of
    the salt followed by SHA-256 iterated 100,000 times over salt + UTF-8 (NFC) password.

    >>> len(password_hash("admin", bytes(16)))
    64
    """
    salt = os.urandom(16) if salt is None else salt
    digest = hashlib.sha256(salt + unicodedata.normalize("NFC", password).encode("utf-8")).digest()
    for _ in range(100_000 - 1):
        digest = hashlib.sha256(digest).digest()
    return base64.b64encode(salt + digest).decode("ascii")


def check_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a hash from :func:`password_hash` (or from DNA)."""
    raw = base64.b64decode(stored)
    return password_hash(password, raw[:16]) == stored


def create_tables(connection: sqlite3.Connection, admin_password: str) -> None:
    """Every table of :data:`TABLES` and DNA's fixed rows: the Admin coder, ``version`` and ``date``,
    the three statement types, their variables and the attribute variables (Type, Alias, Notes)."""
    for table, body in TABLES.items():
        connection.execute(f"CREATE TABLE IF NOT EXISTS {table}({body});")
    coder_id, name, (red, green, blue) = ADMIN
    connection.execute(
        "INSERT INTO CODERS (ID, Name, Red, Green, Blue, Password, PermissionEditStatementTypes, "
        "PermissionEditCoders, PermissionEditOthersDocuments, PermissionEditOthersStatements) "
        "VALUES (?, ?, ?, ?, ?, ?, 1, 1, 1, 1)", (coder_id, name, red, green, blue, password_hash(admin_password)))
    connection.executemany("INSERT INTO SETTINGS (Property, Value) VALUES (?, ?)",
                           (("version", DNA_VERSION), ("date", DNA_DATE)))
    statement_types = {row[0]: row for row in STATEMENT_TYPES}
    variables_of = {type_id: [v for v in VARIABLES if v[3] == type_id] for type_id in statement_types}
    for type_id, label, (red, green, blue) in STATEMENT_TYPES:  # DNA's order: a type, its variables, ...
        connection.execute("INSERT INTO STATEMENTTYPES (ID, Label, Red, Green, Blue) VALUES (?, ?, ?, ?, ?)",
                           (type_id, label, red, green, blue))
        connection.executemany("INSERT INTO VARIABLES (ID, Variable, DataType, StatementTypeId) VALUES (?, ?, ?, ?)",
                               variables_of[type_id])
        if type_id == 1:
            connection.executemany("INSERT INTO ATTRIBUTEVARIABLES (VariableId, AttributeVariable) VALUES (?, ?)",
                                   ATTRIBUTE_VARIABLES)
