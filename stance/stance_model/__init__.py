"""The stance model: configuration, training, calibration, metrics.  Imports torch lazily."""

from stance.stance_model.config import StanceConfig
from stance.stance_model.data import Pair, load_pairs
from stance.stance_model.metrics import stance_metrics
from stance.stance_model.model import Scored, StanceClassifier

__all__ = ["Pair", "Scored", "StanceClassifier", "StanceConfig", "load_pairs", "stance_metrics"]
