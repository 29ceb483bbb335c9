"""The attribution tagger: a token classifier that marks each attribution's
source, cue and content (BIO tags), trained on PolNeAR."""

from stance.attribution.tagger.config import TaggerConfig
from stance.attribution.tagger.model import AttributionTagger

__all__ = ["AttributionTagger", "TaggerConfig"]
