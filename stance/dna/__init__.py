"""Discourse Network Analyzer (DNA 3) files out and in: :func:`write_dna` writes labelled statements as a
``.dna`` file DNA opens and codes on; :func:`read_dna` reads a hand-coded one; :func:`write_events` and
:func:`write_table` write DNA's event list and a flat statements table.  See ``docs/dna.md``."""

from stance.dna.read import read_dna
from stance.dna.records import DnaCorpus, DnaDocument, DnaEntity, DnaStatement, DnaWriteReport
from stance.dna.tables import table_rows, write_events, write_table
from stance.dna.write import dna_corpus, write_corpus, write_dna

__all__ = ["DnaCorpus", "DnaDocument", "DnaEntity", "DnaStatement", "DnaWriteReport", "dna_corpus", "read_dna",
           "table_rows", "write_corpus", "write_dna", "write_events", "write_table"]
