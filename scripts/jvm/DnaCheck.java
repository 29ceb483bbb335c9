/*
 * DnaCheck: open a .dna file through jdbc:sqlite (sqlite-jdbc, nothing else) and run the SELECT statements
 * DNA 3 runs when it opens a file and loads its data, copied from dna/src/main/java/sql/Sql.java of DNA 3.1.1
 * (leifeld-lab/dna, commit 4bcf3c0164d6a7d0dce61f566c502ac0c2a8125e; the same queries as 3.0.x): getVersion,
 * getCoders, getStatementTypes, getTableDocuments, getDocuments, getDocumentText, getShallowStatements,
 * getStatements (q1, q3, q4a-q4d, q5) and getEntities. Then check what DNA relies on:
 *
 *   - the settings version is 3.x;
 *   - every coder, coder relation, statement type and variable loads;
 *   - every document loads, with its text and a date (seconds since 1970 UTC);
 *   - every statement loads with its type's query, its Start/Stop lie inside its document's text counted in
 *     Java String (UTF-16) units and cut no surrogate pair, and it has exactly one value for each variable
 *     of its type (DATASHORTTEXT joined to ENTITIES, DATALONGTEXT, DATABOOLEAN, DATAINTEGER);
 *   - with --expect FILE: text.substring(Start, Stop) equals the quote the writer meant.
 *
 * Usage: java -cp sqlite-jdbc.jar:. DnaCheck FILE.dna [--spans OUT.tsv] [--expect IN.tsv]
 *   --spans  writes one line per statement: id, document id, Start, Stop, text.substring(Start, Stop)
 *   --expect reads lines "statement id <TAB> quote" and compares them with the substring
 * Text fields in both files escape backslash, tab, newline and carriage return as \\, \t, \n, \r.
 * Prints a summary; exits 1 on any failure, 2 on bad arguments.
 */
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.sqlite.SQLiteDataSource;

public class DnaCheck {

	static final List<String> failures = new ArrayList<>();
	static final int MAX_SHOWN = 20;

	static void fail(String message) {
		failures.add(message);
		if (failures.size() <= MAX_SHOWN) {
			System.out.println("FAIL " + message);
		}
	}

	static String escape(String s) {
		StringBuilder b = new StringBuilder();
		for (char c : s.toCharArray()) {
			switch (c) {
				case '\\': b.append("\\\\"); break;
				case '\t': b.append("\\t"); break;
				case '\n': b.append("\\n"); break;
				case '\r': b.append("\\r"); break;
				default: b.append(c);
			}
		}
		return b.toString();
	}

	static String unescape(String s) {
		StringBuilder b = new StringBuilder();
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			if (c == '\\' && i + 1 < s.length()) {
				char n = s.charAt(++i);
				b.append(n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n);
			} else {
				b.append(c);
			}
		}
		return b.toString();
	}

	static class Doc {
		int id;
		String title;
		String text;
		LocalDateTime date;
	}

	static class Stmt {
		int id, typeId, start, stop, documentId, coderId;
		String sqlText;
		Map<Integer, Integer> values = new HashMap<>(); // variable id -> number of values
	}

	public static void main(String[] args) throws Exception {
		String file = null, spansOut = null, expectIn = null;
		for (int i = 0; i < args.length; i++) {
			if (args[i].equals("--spans") && i + 1 < args.length) {
				spansOut = args[++i];
			} else if (args[i].equals("--expect") && i + 1 < args.length) {
				expectIn = args[++i];
			} else if (file == null && !args[i].startsWith("--")) {
				file = args[i];
			} else {
				System.err.println("usage: DnaCheck FILE.dna [--spans OUT.tsv] [--expect IN.tsv]");
				System.exit(2);
			}
		}
		if (file == null || !Files.isRegularFile(Paths.get(file))) {
			System.err.println("usage: DnaCheck FILE.dna [--spans OUT.tsv] [--expect IN.tsv] (no such file: " + file + ")");
			System.exit(2);
		}

		// as Sql.setConnectionProfile for "sqlite" (read-only here, so the check changes nothing)
		SQLiteDataSource ds = new SQLiteDataSource();
		ds.setUrl("jdbc:sqlite:" + file);
		ds.setEnforceForeignKeys(true);
		ds.setReadOnly(true);

		System.out.println("DnaCheck " + file);
		try (Connection conn = ds.getConnection()) {
			System.out.println("driver: " + conn.getMetaData().getDriverName() + " " + conn.getMetaData().getDriverVersion()
					+ ", SQLite " + conn.getMetaData().getDatabaseProductVersion()
					+ ", Java " + System.getProperty("java.version"));

			// ---- Sql.getVersion
			String version = "";
			try (PreparedStatement s = conn.prepareStatement("SELECT Value FROM SETTINGS WHERE Property = 'version';")) {
				ResultSet r = s.executeQuery();
				while (r.next()) {
					version = r.getString("Value");
				}
			}
			if (!version.startsWith("3.")) {
				fail("settings version is '" + version + "', not 3.x");
			}
			System.out.println("version: " + version);

			// ---- Sql.getCoders (DNA 3 branch)
			Map<Integer, String> coders = new TreeMap<>();
			int relations = 0;
			try (PreparedStatement s1 = conn.prepareStatement("SELECT * FROM CODERS;");
					PreparedStatement s2 = conn.prepareStatement("SELECT * FROM CODERRELATIONS WHERE Coder = ?;");
					PreparedStatement s3 = conn.prepareStatement("SELECT Name, Red, Green, Blue FROM CODERS WHERE ID = ?;")) {
				ResultSet rs1 = s1.executeQuery();
				while (rs1.next()) {
					int id = rs1.getInt("ID");
					coders.put(id, rs1.getString("Name"));
					// the columns DNA 3's Coder constructor reads
					for (String c : new String[] {"Red", "Green", "Blue", "Refresh", "FontSize", "PopupWidth",
							"ColorByCoder", "PopupDecoration", "popupAutoComplete", "PermissionAddDocuments",
							"PermissionEditDocuments", "PermissionDeleteDocuments", "PermissionImportDocuments",
							"PermissionAddStatements", "PermissionEditStatements", "PermissionDeleteStatements",
							"PermissionEditAttributes", "PermissionEditRegex", "PermissionEditStatementTypes",
							"PermissionEditCoders", "PermissionEditCoderRelations", "PermissionViewOthersDocuments",
							"PermissionEditOthersDocuments", "PermissionViewOthersStatements",
							"PermissionEditOthersStatements"}) {
						rs1.getInt(c);
					}
					s2.setInt(1, id);
					ResultSet rs2 = s2.executeQuery();
					while (rs2.next()) {
						relations++;
						int other = rs2.getInt("OtherCoder");
						s3.setInt(1, other);
						ResultSet rs3 = s3.executeQuery();
						if (!rs3.next()) {
							fail("coder relation " + id + " -> " + other + ": no such coder");
						}
						rs2.getInt("viewDocuments");
						rs2.getInt("editDocuments");
						rs2.getInt("viewStatements");
						rs2.getInt("editStatements");
					}
				}
			}
			if (coders.isEmpty()) {
				fail("no coders");
			}
			int n = coders.size();
			if (relations != n * (n - 1)) {
				fail("coder relations: " + relations + ", DNA's addCoder makes " + (n * (n - 1)) + " for " + n + " coders");
			}
			System.out.println("coders: " + coders.size() + " " + coders.values() + ", coder relations: " + relations);

			// ---- Sql.getStatementTypes
			Map<Integer, String> types = new TreeMap<>();
			Map<Integer, Map<Integer, String[]>> variables = new TreeMap<>(); // type -> variable id -> {name, data type}
			try (PreparedStatement s1 = conn.prepareStatement("SELECT * FROM STATEMENTTYPES;");
					PreparedStatement s2 = conn.prepareStatement("SELECT * FROM VARIABLES WHERE StatementTypeId = ?;")) {
				ResultSet r1 = s1.executeQuery();
				while (r1.next()) {
					int typeId = r1.getInt("ID");
					types.put(typeId, r1.getString("Label"));
					r1.getInt("Red");
					r1.getInt("Green");
					r1.getInt("Blue");
					Map<Integer, String[]> vars = new LinkedHashMap<>();
					s2.setInt(1, typeId);
					ResultSet r2 = s2.executeQuery();
					while (r2.next()) {
						String dataType = r2.getString("DataType");
						if (!(dataType.equals("short text") || dataType.equals("long text") || dataType.equals("integer")
								|| dataType.equals("boolean"))) {
							fail("variable " + r2.getInt("ID") + ": data type '" + dataType + "'");
						}
						vars.put(r2.getInt("ID"), new String[] {r2.getString("Variable"), dataType});
					}
					variables.put(typeId, vars);
				}
			}
			int variableCount = 0;
			StringBuilder typeSummary = new StringBuilder();
			for (int t : types.keySet()) {
				variableCount += variables.get(t).size();
				typeSummary.append(typeSummary.length() > 0 ? "; " : "").append(t).append(" ").append(types.get(t)).append(": ");
				List<String> names = new ArrayList<>();
				for (String[] v : variables.get(t).values()) {
					names.add(v[0] + " (" + v[1] + ")");
				}
				typeSummary.append(String.join(", ", names));
			}
			try (PreparedStatement s = conn.prepareStatement("SELECT COUNT(*) FROM VARIABLES;")) {
				ResultSet r = s.executeQuery();
				r.next();
				if (r.getInt(1) != variableCount) {
					fail("VARIABLES has " + r.getInt(1) + " rows, " + variableCount + " load with a statement type");
				}
			}
			System.out.println("statement types: " + types.size() + ", variables: " + variableCount + " [" + typeSummary + "]");

			// ---- Sql.getTableDocuments (the document table), Sql.getDocuments, Sql.getDocumentText
			int tableDocuments = 0;
			try (PreparedStatement s = conn.prepareStatement("SELECT DOCUMENTS.ID, Title, Author, Source, Section, Type, Notes, Date, "
					+ "CODERS.ID AS CoderId, Name AS CoderName, Red, Green, Blue, "
					+ "COALESCE(Frequency, 0) AS Frequency "
					+ "FROM DOCUMENTS LEFT JOIN "
					+ "(SELECT DocumentId, COUNT(DocumentId) AS Frequency FROM STATEMENTS GROUP BY DocumentId) AS C ON C.DocumentId = DOCUMENTS.ID "
					+ "LEFT JOIN CODERS ON CODERS.ID = DOCUMENTS.Coder;")) {
				ResultSet rs = s.executeQuery();
				while (rs.next()) {
					tableDocuments++;
					if (rs.getString("CoderName") == null) {
						fail("document " + rs.getInt("ID") + ": its coder " + rs.getInt("CoderId") + " is not in CODERS");
					}
					LocalDateTime.ofEpochSecond(rs.getLong("Date"), 0, ZoneOffset.UTC);
				}
			}
			Map<Integer, Doc> documents = new TreeMap<>();
			List<Integer> ids = new ArrayList<>();
			try (PreparedStatement s = conn.prepareStatement("SELECT ID FROM DOCUMENTS;")) {
				ResultSet r = s.executeQuery();
				while (r.next()) {
					ids.add(r.getInt(1));
				}
			}
			StringBuilder sql = new StringBuilder("SELECT * FROM DOCUMENTS WHERE ID IN (");
			for (int i = 0; i < ids.size(); i++) {
				sql.append(ids.get(i)).append(i < ids.size() - 1 ? ", " : "");
			}
			sql.append(");");
			int undated = 0;
			LocalDateTime first = null, last = null;
			try (PreparedStatement s = conn.prepareStatement(sql.toString());
					PreparedStatement t = conn.prepareStatement("SELECT Text FROM DOCUMENTS WHERE ID = ?;")) {
				ResultSet rs = s.executeQuery();
				while (rs.next()) {
					Doc d = new Doc();
					d.id = rs.getInt("ID");
					rs.getInt("Coder");
					d.title = rs.getString("Title");
					for (String c : new String[] {"Author", "Source", "Section", "Type", "Notes"}) {
						if (rs.getString(c) == null) {
							fail("document " + d.id + ": " + c + " is NULL");
						}
					}
					d.date = LocalDateTime.ofEpochSecond(rs.getLong("Date"), 0, ZoneOffset.UTC);
					if (rs.getLong("Date") == 0) {
						undated++;
					} else {
						first = first == null || d.date.isBefore(first) ? d.date : first;
						last = last == null || d.date.isAfter(last) ? d.date : last;
					}
					t.setInt(1, d.id);
					ResultSet r = t.executeQuery();
					while (r.next()) {
						d.text = r.getString("Text");
					}
					if (d.title == null || d.text == null) {
						fail("document " + d.id + ": no title or text");
					}
					documents.put(d.id, d);
				}
			}
			if (documents.size() != ids.size() || tableDocuments != ids.size()) {
				fail("documents: " + ids.size() + " rows, " + documents.size() + " load, " + tableDocuments + " in DNA's document table");
			}
			System.out.println("documents: " + documents.size() + " (dates " + first + " .. " + last + ", " + undated + " with date 0)");

			// ---- Sql.getStatements for each statement type, no filters (as the statement panel and exporter call it)
			Map<Integer, Stmt> statements = new TreeMap<>();
			int orphanValues = 0;
			for (int statementTypeId : types.keySet()) {
				String whereStatements = "", whereShortText = "", whereLongText = "", whereBoolean = "", whereInteger = "";
				String subString = "SUBSTRING(DOCUMENTS.Text, Start + 1, Stop - Start) AS Text ";
				String q1 = "SELECT STATEMENTS.ID AS StatementId, "
						+ "StatementTypeId, "
						+ "STATEMENTTYPES.Label AS StatementTypeLabel, "
						+ "STATEMENTTYPES.Red AS StatementTypeRed, "
						+ "STATEMENTTYPES.Green AS StatementTypeGreen, "
						+ "STATEMENTTYPES.Blue AS StatementTypeBlue, "
						+ "Start, "
						+ "Stop, "
						+ "STATEMENTS.Coder AS CoderId, "
						+ "CODERS.Name AS CoderName, "
						+ "CODERS.Red AS CoderRed, "
						+ "CODERS.Green AS CoderGreen, "
						+ "CODERS.Blue AS CoderBlue, "
						+ "DocumentId, "
						+ "DOCUMENTS.Date AS Date, "
						+ subString
						+ "FROM STATEMENTS "
						+ "INNER JOIN CODERS ON STATEMENTS.Coder = CODERS.ID "
						+ "INNER JOIN STATEMENTTYPES ON STATEMENTS.StatementTypeId = STATEMENTTYPES.ID "
						+ "INNER JOIN DOCUMENTS ON DOCUMENTS.ID = STATEMENTS.DocumentId "
						+ whereStatements
						+ "AND STATEMENTTYPES.ID = " + statementTypeId + " "
						+ "ORDER BY DOCUMENTS.DATE ASC;";
				String q3 = "SELECT ID, Variable, DataType FROM VARIABLES WHERE StatementTypeId = " + statementTypeId + ";";
				String q4a = "SELECT DATASHORTTEXT.StatementId, VARIABLES.ID AS VariableId, ENTITIES.ID AS EntityId, ENTITIES.Value AS Value, ENTITIES.Red AS Red, ENTITIES.Green AS Green, ENTITIES.Blue AS Blue, ENTITIES.ChildOf AS ChildOf FROM DATASHORTTEXT "
						+ "INNER JOIN VARIABLES ON VARIABLES.ID = DATASHORTTEXT.VariableId "
						+ "INNER JOIN ENTITIES ON ENTITIES.VariableId = VARIABLES.ID AND ENTITIES.ID = DATASHORTTEXT.Entity "
						+ "INNER JOIN STATEMENTS ON STATEMENTS.ID = DATASHORTTEXT.StatementId "
						+ "INNER JOIN DOCUMENTS ON DOCUMENTS.ID = STATEMENTS.DocumentId "
						+ "WHERE VARIABLES.StatementTypeId = " + statementTypeId + " " + whereShortText + "ORDER BY 1, 2 ASC;";
				String q4b = "SELECT DATALONGTEXT.StatementId, VARIABLES.ID AS VariableId, DATALONGTEXT.Value FROM DATALONGTEXT "
						+ "INNER JOIN VARIABLES ON VARIABLES.ID = DATALONGTEXT.VariableId "
						+ "INNER JOIN STATEMENTS ON STATEMENTS.ID = DATALONGTEXT.StatementId "
						+ "INNER JOIN DOCUMENTS ON DOCUMENTS.ID = STATEMENTS.DocumentId "
						+ "WHERE VARIABLES.StatementTypeId = " + statementTypeId + " " + whereLongText + "ORDER BY 1, 2 ASC;";
				String q4c = "SELECT DATABOOLEAN.StatementId, VARIABLES.ID AS VariableId, DATABOOLEAN.Value FROM DATABOOLEAN "
						+ "INNER JOIN VARIABLES ON VARIABLES.ID = DATABOOLEAN.VariableId "
						+ "INNER JOIN STATEMENTS ON STATEMENTS.ID = DATABOOLEAN.StatementId "
						+ "INNER JOIN DOCUMENTS ON DOCUMENTS.ID = STATEMENTS.DocumentId "
						+ "WHERE VARIABLES.StatementTypeId = " + statementTypeId + " " + whereBoolean + "ORDER BY 1, 2 ASC;";
				String q4d = "SELECT DATAINTEGER.StatementId, VARIABLES.ID AS VariableId, DATAINTEGER.Value FROM DATAINTEGER "
						+ "INNER JOIN VARIABLES ON VARIABLES.ID = DATAINTEGER.VariableId "
						+ "INNER JOIN STATEMENTS ON STATEMENTS.ID = DATAINTEGER.StatementId "
						+ "INNER JOIN DOCUMENTS ON DOCUMENTS.ID = STATEMENTS.DocumentId "
						+ "WHERE VARIABLES.StatementTypeId = " + statementTypeId + " " + whereInteger + "ORDER BY 1, 2 ASC;";
				String q5 = "SELECT ATTRIBUTEVALUES.EntityId, AttributeVariable, AttributeValue FROM ATTRIBUTEVALUES "
						+ "INNER JOIN ATTRIBUTEVARIABLES ON ATTRIBUTEVARIABLES.ID = AttributeVariableId "
						+ "INNER JOIN VARIABLES ON VARIABLES.ID = ATTRIBUTEVARIABLES.VariableId "
						+ "WHERE VARIABLES.StatementTypeId = " + statementTypeId + ";";
				try (PreparedStatement s1 = conn.prepareStatement(q1);
						PreparedStatement s3 = conn.prepareStatement(q3);
						PreparedStatement s4a = conn.prepareStatement(q4a);
						PreparedStatement s4b = conn.prepareStatement(q4b);
						PreparedStatement s4c = conn.prepareStatement(q4c);
						PreparedStatement s4d = conn.prepareStatement(q4d);
						PreparedStatement s5 = conn.prepareStatement(q5)) {
					Map<Integer, Stmt> statementMap = new HashMap<>();
					ResultSet r1 = s1.executeQuery();
					while (r1.next()) {
						Stmt st = new Stmt();
						st.id = r1.getInt("StatementId");
						st.typeId = r1.getInt("StatementTypeId");
						st.start = r1.getInt("Start");
						st.stop = r1.getInt("Stop");
						st.coderId = r1.getInt("CoderId");
						st.documentId = r1.getInt("DocumentId");
						st.sqlText = r1.getString("Text");
						r1.getString("StatementTypeLabel");
						r1.getString("CoderName");
						LocalDateTime.ofEpochSecond(r1.getLong("Date"), 0, ZoneOffset.UTC);
						statementMap.put(st.id, st);
					}
					ResultSet r3 = s3.executeQuery();
					while (r3.next()) {
						r3.getString("Variable");
						r3.getString("DataType");
					}
					ResultSet r5 = s5.executeQuery();
					while (r5.next()) {
						r5.getInt("EntityId");
						r5.getString("AttributeVariable");
						r5.getString("AttributeValue");
					}
					for (PreparedStatement q : new PreparedStatement[] {s4a, s4b, s4c, s4d}) {
						ResultSet r4 = q.executeQuery();
						while (r4.next()) {
							Stmt st = statementMap.get(r4.getInt("StatementId"));
							if (st == null) { // DNA would throw a NullPointerException here
								orphanValues++;
								fail("a value row for statement " + r4.getInt("StatementId") + " whose statement does not load");
								continue;
							}
							if (q == s4a) {
								r4.getString("Value");
								r4.getInt("ChildOf");
							} else if (q == s4b) {
								r4.getString("Value");
							} else {
								r4.getInt("Value");
							}
							st.values.merge(r4.getInt("VariableId"), 1, Integer::sum);
						}
					}
					statements.putAll(statementMap);
				}
			}
			int statementRows;
			try (PreparedStatement s = conn.prepareStatement("SELECT COUNT(ID) FROM STATEMENTS;")) {
				ResultSet r = s.executeQuery();
				r.next();
				statementRows = r.getInt(1);
			}
			if (statementRows != statements.size()) {
				fail("STATEMENTS has " + statementRows + " rows, " + statements.size() + " load with DNA's query");
			}

			// ---- Sql.getShallowStatements (what the text panel paints), per document
			int painted = 0;
			try (PreparedStatement s = conn.prepareStatement("SELECT S.ID, S.Start, S.Stop, S.StatementTypeId, "
					+ "T.Label AS StatementTypeLabel, T.Red AS StatementTypeRed, "
					+ "T.Green AS StatementTypeGreen, T.Blue AS StatementTypeBlue, "
					+ "S.Coder, C.Red AS CoderRed, C.Green AS CoderGreen, C.Blue AS CoderBlue "
					+ "FROM STATEMENTS S LEFT JOIN CODERS C ON C.ID = S.Coder "
					+ "LEFT JOIN STATEMENTTYPES T ON T.ID = S.StatementTypeId "
					+ "WHERE S.DocumentId = ? ORDER BY Start ASC;")) {
				for (int documentId : documents.keySet()) {
					s.setInt(1, documentId);
					ResultSet r = s.executeQuery();
					while (r.next()) {
						painted++;
					}
				}
			}
			if (painted != statementRows) {
				fail("the text panel paints " + painted + " statements of " + statementRows);
			}

			// ---- offsets, values, quotes
			Map<Integer, String> expected = new HashMap<>();
			if (expectIn != null) {
				try (BufferedReader in = Files.newBufferedReader(Paths.get(expectIn), StandardCharsets.UTF_8)) {
					String line;
					while ((line = in.readLine()) != null) {
						if (line.isEmpty()) {
							continue;
						}
						int tab = line.indexOf('\t');
						expected.put(Integer.parseInt(line.substring(0, tab)), unescape(line.substring(tab + 1)));
					}
				}
			}
			int inside = 0, matched = 0, sqlDiffers = 0, astral = 0;
			BufferedWriter spans = spansOut == null ? null : Files.newBufferedWriter(Paths.get(spansOut), StandardCharsets.UTF_8);
			for (Stmt st : statements.values()) {
				Doc d = documents.get(st.documentId);
				if (d == null) {
					fail("statement " + st.id + ": document " + st.documentId + " does not load");
					continue;
				}
				String text = d.text;
				if (text.codePointCount(0, text.length()) != text.length()) {
					astral++;
				}
				if (st.start < 0 || st.stop > text.length() || st.start >= st.stop) {
					fail("statement " + st.id + ": Start/Stop " + st.start + "/" + st.stop + " not inside document "
							+ d.id + " (" + text.length() + " UTF-16 units)");
					continue;
				}
				if ((st.start > 0 && Character.isLowSurrogate(text.charAt(st.start)) && Character.isHighSurrogate(text.charAt(st.start - 1)))
						|| (st.stop < text.length() && Character.isLowSurrogate(text.charAt(st.stop)) && Character.isHighSurrogate(text.charAt(st.stop - 1)))) {
					fail("statement " + st.id + ": Start/Stop " + st.start + "/" + st.stop + " cut a surrogate pair");
				}
				inside++;
				String span = text.substring(st.start, st.stop);
				if (!span.equals(st.sqlText)) {
					sqlDiffers++; // DNA's SQL SUBSTRING counts code points in SQLite: its table text, not the panel
				}
				if (spans != null) {
					spans.write(st.id + "\t" + st.documentId + "\t" + st.start + "\t" + st.stop + "\t" + escape(span) + "\n");
				}
				if (expectIn != null) {
					String want = expected.get(st.id);
					if (want == null) {
						fail("statement " + st.id + ": no expected quote");
					} else if (!want.equals(span)) {
						fail("statement " + st.id + ": text.substring(" + st.start + ", " + st.stop + ") = \"" + escape(span)
								+ "\", the quote written was \"" + escape(want) + "\"");
					} else {
						matched++;
					}
				}
				for (Map.Entry<Integer, String[]> v : variables.get(st.typeId).entrySet()) {
					int count = st.values.getOrDefault(v.getKey(), 0);
					if (count != 1) {
						fail("statement " + st.id + ": " + count + " values for variable " + v.getValue()[0] + " (" + v.getValue()[1] + ")");
					}
				}
			}
			if (spans != null) {
				spans.close();
			}
			if (expectIn != null && expected.size() != statements.size()) {
				fail("expected quotes for " + expected.size() + " statements, " + statements.size() + " load");
			}
			Map<String, Integer> byType = new TreeMap<>();
			for (Stmt st : statements.values()) {
				byType.merge(types.get(st.typeId), 1, Integer::sum);
			}
			System.out.println("statements: " + statements.size() + " " + byType + "; Start/Stop inside the text (UTF-16): "
					+ inside + "; painted by the text panel: " + painted);
			System.out.println("values: every statement has one value per variable of its type"
					+ (failures.stream().anyMatch(f -> f.contains("values for variable")) ? ": NO" : ""));
			if (expectIn != null) {
				System.out.println("quotes: text.substring(Start, Stop) equals the quote written for " + matched + " of " + statements.size());
			}
			System.out.println("note: DNA's SQL SUBSTRING(Text, Start + 1, Stop - Start) (its statement table) differs from "
					+ "the panel's span for " + sqlDiffers + " statements; " + astral
					+ " statements are in documents with characters outside the BMP");

			// ---- Sql.getEntities(variableIds, true) for every short-text variable
			int entities = 0, used = 0;
			try (PreparedStatement s1 = conn.prepareStatement("SELECT ID, Value, Red, Green, Blue, ChildOf, (SELECT COUNT(ID) FROM DATASHORTTEXT WHERE DATASHORTTEXT.VariableId = ENTITIES.VariableId AND Entity = ENTITIES.ID) AS Count FROM ENTITIES WHERE VariableId = ?;");
					PreparedStatement s2 = conn.prepareStatement("SELECT AttributeVariable, AttributeValue FROM ATTRIBUTEVALUES AS AVAL INNER JOIN ATTRIBUTEVARIABLES AS AVAR ON AVAL.AttributeVariableId = AVAR.ID WHERE EntityId = ?;")) {
				for (Map<Integer, String[]> vars : variables.values()) {
					for (Map.Entry<Integer, String[]> v : vars.entrySet()) {
						if (!v.getValue()[1].equals("short text")) {
							continue;
						}
						s1.setInt(1, v.getKey());
						ResultSet r1 = s1.executeQuery();
						while (r1.next()) {
							entities++;
							used += r1.getInt("Count") > 0 ? 1 : 0;
							if (r1.getString("Value") == null) {
								fail("entity " + r1.getInt("ID") + ": NULL value");
							}
							s2.setInt(1, r1.getInt("ID"));
							ResultSet r2 = s2.executeQuery();
							while (r2.next()) {
								r2.getString("AttributeVariable");
								r2.getString("AttributeValue");
							}
						}
					}
				}
			}
			System.out.println("entities: " + entities + " (" + used + " used by a statement)");
		} catch (SQLException e) {
			fail("SQL error: " + e.getMessage());
		}

		if (failures.size() > MAX_SHOWN) {
			System.out.println("... and " + (failures.size() - MAX_SHOWN) + " more failures");
		}
		System.out.println(failures.isEmpty() ? "OK: DNA 3's queries load the file and every check passed"
				: "FAILED: " + failures.size() + " check(s) failed");
		System.exit(failures.isEmpty() ? 0 : 1);
	}
}
