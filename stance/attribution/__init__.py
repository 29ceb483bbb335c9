"""Attribution: who said what in each sentence (rules, the tagger, the parser), and one statement per
utterance (dedupe)."""
