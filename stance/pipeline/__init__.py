"""The stages in order: locally (:mod:`.local`) or on Ray Data (:mod:`.ray_engine`)."""
