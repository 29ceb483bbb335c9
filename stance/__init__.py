"""stance: who said what, on which issue, with what stance, and how positions move.

The public surface, re-exported from one place.  Nothing heavy (torch,
transformers) is imported here: the stance model loads on first use.
"""

from stance.attribution.dedupe import merge_duplicates
from stance.attribution.rules import Attributor, extract_statements
from stance.errors import ConfigError, InputError, NotFittedError, RegistryError, StanceError
from stance.ingest.corpus import load_corpus
from stance.pipeline.local import Pipeline, Result, classify, issue_pairs, load_predictor, write_outputs
from stance.positions.aggregate import Positions, aggregate, current_position, detect_shifts, position
from stance.records import (
    Actor,
    Article,
    Issue,
    PartialDate,
    PositionPoint,
    Sentence,
    Shift,
    Span,
    StancePrediction,
    Statement,
)
from stance.registries.actors import ActorRegistry
from stance.registries.issues import IssueRegistry

__version__ = "0.1.0"

__all__ = [
    "Actor", "ActorRegistry", "Article", "Attributor", "ConfigError", "InputError", "Issue", "IssueRegistry",
    "NotFittedError", "PartialDate", "Pipeline", "PositionPoint", "Positions", "RegistryError", "Result",
    "Sentence", "Shift", "Span", "StanceError", "StancePrediction", "Statement", "aggregate", "classify",
    "current_position", "detect_shifts", "extract_statements", "issue_pairs", "load_corpus", "load_predictor",
    "merge_duplicates", "position", "write_outputs",
]
