"""Issue detection: which of the registry's issues each statement is about, by keyword, by meaning
(sentence embeddings of the base model against each issue's texts) or both, and read in context."""

from stance.issue_detection.config import (
    ABLATIONS,
    CONTEXT_THRESHOLD,
    MEANING_MARGIN,
    MEANING_THRESHOLD,
    MODES,
    RULES,
    ContextConfig,
    DetectionConfig,
)
from stance.issue_detection.context import statement_issues
from stance.issue_detection.detector import Detection, IssueDetector

__all__ = ["ABLATIONS", "CONTEXT_THRESHOLD", "MEANING_MARGIN", "MEANING_THRESHOLD", "MODES", "RULES", "ContextConfig",
           "Detection", "DetectionConfig", "IssueDetector", "statement_issues"]
