"""The parser's help with attribution: whole source phrases (skipped without an English spaCy pipeline)."""

import pytest

from stance.attribution.parser import load_parser, refine
from stance.errors import ConfigError
from stance.records import Span

nlp = load_parser("auto")
needs_parser = pytest.mark.skipif(nlp is None,
                                  reason="no English spaCy pipeline: pip install -r requirements/syntax.txt")


def span(text, words):
    start = text.index(words)
    return Span(start, start + len(words), words)


def test_unknown_pipeline_says_how_to_install():
    with pytest.raises(ConfigError, match=r"^no spaCy pipeline 'xx_no_such' installed; install the project's parser "
                                          r"with pip install -r requirements/syntax.txt, or pass --parser none$"):
        load_parser("xx_no_such")
    assert load_parser("none") is None and load_parser(None) is None


@needs_parser
def test_source_fragments_grow_to_the_whole_phrase():
    text = "Michael Flynn, a top Trump surrogate, said the deal was a disaster. Mr. Schiff told reporters it was fine."
    cue = span(text, "said")
    tagged = {"source": [span(text, "a top Trump surrogate"), Span(text.index("Schiff") + 2, text.index("Schiff") + 6,
                                                                     "hiff")],
              "cue": [cue], "content": [span(text, "the deal was a disaster")]}
    (out,) = refine(nlp, [text], [tagged])
    assert [s.text for s in out["source"]] == ["Michael Flynn, a top Trump surrogate", "Mr. Schiff"]
    assert out["cue"] == [cue] and out["content"] == tagged["content"]


@needs_parser
def test_a_cue_without_source_gets_its_subject():
    text = "The Foreign Office spokesman said the talks would go on."
    (out,) = refine(nlp, [text], [{"source": [], "cue": [span(text, "said")], "content": []}])
    assert [s.text for s in out["source"]] == ["The Foreign Office spokesman"]
