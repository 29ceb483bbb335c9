"""The stance model: configuration, training, calibration, metrics.  Imports torch lazily."""

from .config import StanceConfig
from .data import Pair, load_pairs
from .metrics import stance_metrics
from .model import Scored, StanceClassifier

__all__ = ["Pair", "Scored", "StanceClassifier", "StanceConfig", "load_pairs", "stance_metrics"]
