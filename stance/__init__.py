"""stance: who said what, on which issue, with what stance, and how positions move.

The public surface, re-exported from one place.  Nothing heavy (torch,
transformers) is imported here: the stance model loads on first use.
"""

from .actors import ActorRegistry
from .aggregate import Positions, aggregate, current_position, detect_shifts, position
from .attribution import Attributor, extract_statements
from .dedupe import merge_duplicates
from .errors import ConfigError, InputError, NotFittedError, RegistryError, StanceError
from .ingest import load_corpus
from .issues import IssueRegistry
from .pipeline import Pipeline, Result, classify, issue_pairs, load_predictor, write_outputs
from .records import (
    Actor, Article, Issue, PartialDate, PositionPoint, Sentence, Shift, Span, StancePrediction, Statement,
)

__version__ = "0.1.0"

__all__ = [
    "Actor", "ActorRegistry", "Article", "Attributor", "ConfigError", "InputError", "Issue", "IssueRegistry",
    "NotFittedError", "PartialDate", "Pipeline", "PositionPoint", "Positions", "RegistryError", "Result",
    "Sentence", "Shift", "Span", "StanceError", "StancePrediction", "Statement", "aggregate", "classify",
    "current_position", "detect_shifts", "extract_statements", "issue_pairs", "load_corpus", "load_predictor",
    "merge_duplicates", "position", "write_outputs",
]
