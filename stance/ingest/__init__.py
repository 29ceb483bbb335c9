"""Ingest: corpora (folders, JSONL, CSV) into articles; cleaning, dates at their precision, sentences."""
