"""The attribution tagger: a token classifier that marks each attribution's
source, cue and content (BIO tags), trained on PolNeAR."""

from .config import TaggerConfig
from .model import AttributionTagger

__all__ = ["AttributionTagger", "TaggerConfig"]
