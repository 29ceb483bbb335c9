"""The review loop: people check the model's labels and their corrections win.

``sample`` picks the labels to check (least certain first, spread over issues and actors),
``export`` writes them for coders (Label Studio tasks and config, a CSV), ``labelstudio`` and
``table`` read and write those two formats, ``reading`` reads a coded file back with every row
checked, ``record`` holds the :class:`Correction` record, and ``corrections`` the rules by which
corrections are merged and win over the model's labels, and the pairs they give training.
"""

from stance.review.corrections import apply_corrections, correction_pairs, merge_corrections, read_corrections
from stance.review.record import IRRELEVANT, REVIEW_STANCES, Correction
from stance.review.sample import sample_labels, uncertainty

__all__ = ["IRRELEVANT", "REVIEW_STANCES", "Correction", "apply_corrections", "correction_pairs",
           "merge_corrections", "read_corrections", "sample_labels", "uncertainty"]
