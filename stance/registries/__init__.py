"""Registries: the actors and issues a corpus is read against, from YAML or JSON."""
