"""Issue detection by keyword, by meaning (the real base model, offline) and in context."""

import numpy as np
import pytest

from stance.errors import ConfigError, RegistryError
from stance.ingest.corpus import make_article
from stance.issue_detection import (
    CONTEXT_THRESHOLD,
    MEANING_THRESHOLD,
    ContextConfig,
    DetectionConfig,
    IssueDetector,
    statement_issues,
)
from stance.records import Span, Statement
from stance.registries.issues import IssueRegistry

REGISTRY = """
issues:
  - id: clinton_emails
    label: Clinton's private email server
    target: Hillary Clinton's use of a private email server as Secretary of State was a serious wrongdoing.
    description: Clinton's use of a private email account and server at the State Department, the classified
      information on it, and the FBI investigation of it.
    keywords: [email, emails, private server]
    exclude: [via email, by email]
  - id: border_wall
    label: A wall on the Mexican border
    target: The United States should build a wall along its border with Mexico.
    description: Donald Trump's proposal to build a wall on the US-Mexico border, and to make Mexico pay for it.
    keywords: [border wall]
  - id: climate_action
    label: Action on climate change
    target: Strong action should be taken to fight climate change.
    description: The Paris climate agreement, cutting carbon emissions, moving from coal to clean energy.
    keywords: [climate change]
"""


def registry(tmp_path, text=REGISTRY, name="issues.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return IssueRegistry.load(path)


def keywordless(tmp_path):
    lines = [line for line in REGISTRY.splitlines() if "keywords:" not in line and "exclude:" not in line]
    return registry(tmp_path, "\n".join(lines), "bare.yaml")


def issues_of(detector, texts):
    return [[d.issue for d in found] for found in detector.detect(texts)]


OFF = ContextConfig.off()


# ------------------------------------------------------------------ meaning, with the real base model
def test_meaning_finds_issues_no_keyword_names(tmp_path):
    detector = IssueDetector.load(keywordless(tmp_path), DetectionConfig(mode="meaning", context=OFF))
    assert issues_of(detector, [
        "She kept classified State Department messages on a private server in her basement.",
        "Mexico will pay for the barrier we build along the southern frontier.",
        "The Paris accord commits nations to cut their carbon output.",
        "The weather in Ohio was mild on Sunday.",
    ]) == [["clinton_emails"], ["border_wall"], ["climate_action"], []]
    found = detector.detect(["Mexico will pay for the barrier we build along the southern frontier."])[0][0]
    assert found.rule == "meaning" and found.similarity >= MEANING_THRESHOLD


def test_both_is_keyword_or_meaning(tmp_path):
    detector = IssueDetector.load(registry(tmp_path), DetectionConfig(mode="both", context=OFF))
    (keyword,), (meaning,) = detector.detect(["The border wall vote failed.",
                                              "Mexico will pay for the barrier we build along the southern frontier."])
    assert (keyword.issue, keyword.rule, keyword.matched) == ("border_wall", "keyword", ("border wall",))
    assert (meaning.issue, meaning.rule, meaning.matched) == ("border_wall", "meaning", ())
    keywords_only = IssueDetector.load(registry(tmp_path), DetectionConfig(mode="keywords", context=OFF))
    assert keywords_only.encoder is None  # keywords without context rules load no model
    assert issues_of(keywords_only, ["Mexico will pay for the barrier we build along the southern frontier."]) == [[]]


def test_examples_are_read(tmp_path):
    text = REGISTRY.replace("    keywords: [climate change]\n",
                            "    keywords: [climate change]\n    examples: [Coal miners deserve a future in "
                            "solar and wind jobs.]\n")
    detector = IssueDetector.load(registry(tmp_path, text), DetectionConfig(mode="meaning", context=OFF))
    plain = IssueDetector.load(registry(tmp_path), DetectionConfig(mode="meaning", context=OFF))
    sentence = "Coal miners deserve a future in solar and wind jobs."
    assert issues_of(detector, [sentence]) == [["climate_action"]]
    assert detector.detect([sentence])[0][0].similarity > plain.similarities([sentence])[0, 2]


# ------------------------------------------------------------------ exclusion
def test_excluded_phrase_is_no_link(tmp_path):
    reg = registry(tmp_path)
    assert reg.detect("The campaign said via email that it would not comment.") == []
    assert reg.detect("He said by email that the emails were deleted.") == [("clinton_emails", ("emails",))]
    assert reg.masked("said via email that", "clinton_emails") == "said           that"
    assert reg.masked("said via email that", "border_wall") == "said via email that"
    assert not reg.mentions("The spokesman answered via email.")
    detector = IssueDetector.load(reg, DetectionConfig(mode="both", context=OFF))
    assert issues_of(detector, ["The campaign said via email that it would not comment.",
                                "She kept classified State Department messages on a private server."]) == [
        [], ["clinton_emails"]]
    masked = detector.similarities(["The campaign said via email that it would not comment."])[0, 0]
    plain = detector.similarities(["The campaign said that it would not comment."])[0, 0]
    assert masked == pytest.approx(plain, abs=0.02)  # read without the phrase


# ------------------------------------------------------------------ a registry without keywords
def test_keywordless_registry(tmp_path):
    reg = keywordless(tmp_path)
    assert not reg.has_keywords and reg.detect("the private email server") == []
    detector = IssueDetector.load(reg)
    assert detector.mode == "both"
    assert issues_of(detector, ["She kept classified State Department messages on a private server."]) == [
        ["clinton_emails"]]
    with pytest.raises(ConfigError, match="mode 'keywords' needs keywords and the issue registry has none; "
                                          "use mode 'meaning' or 'both'"):
        IssueDetector.load(reg, DetectionConfig(mode="keywords", context=OFF))
    from stance.pipeline.local import relevant_test

    full = registry(tmp_path)
    assert relevant_test(reg) is None and relevant_test(full) == full.mentions


# ------------------------------------------------------------------ context
def said(sid, text, start, order, actor="Elijah Cummings", kind="direct", cue=True, doc="d", scope=None):
    span = Span(start, start + len(text), text)
    return Statement(sid, doc, None, actor.lower().replace(" ", "_"), actor, "person", None, kind, span, span,
                     cue=Span(0, 4, "said") if cue else None, order=order, scope=scope)


def test_a_quote_goes_on_on_its_issue(tmp_path):
    reg = keywordless(tmp_path)
    first = said("a", "The email investigation is a witch hunt.", 0, 10)
    second = said("b", "The FBI should close this case now.", 41, 20, cue=False)
    other = said("c", "The FBI should close this case now.", 41, 20, actor="Jason Chaffetz", kind="reported")
    only_block = ContextConfig(**{**dict.fromkeys(("sentence", "previous", "paragraph", "article"), False)})
    detector = IssueDetector.load(reg, DetectionConfig(context=only_block))
    found = statement_issues([first, second], detector)
    assert [[d.issue for d in f] for f in found] == [["clinton_emails"], ["clinton_emails"]]
    assert found[1][0].rule == "block" and CONTEXT_THRESHOLD <= found[1][0].similarity < MEANING_THRESHOLD
    assert statement_issues([first, other], detector)[1] == []  # another speaker's statement is no quote of his
    no_rules = IssueDetector.load(reg, DetectionConfig(context=OFF))
    assert statement_issues([first, second], no_rules)[1] == []


def test_a_statement_stays_off_an_issue_it_leaves(tmp_path):
    detector = IssueDetector.load(keywordless(tmp_path))
    first = said("a", "The email investigation is a witch hunt.", 0, 10)
    second = said("b", "The weather in Ohio was mild on Sunday.", 41, 20, cue=False)
    assert statement_issues([first, second], detector)[1] == []


def test_a_paragraph_names_the_issue(tmp_path):
    text = ("The committee questioned the FBI director about Clinton's private email server. "
            "Chaffetz said the bureau should reopen the case.\n\nThe hearing ended at noon.")
    article = make_article("d", text, "d.txt")
    start = text.index("the bureau")
    content = Span(start, start + len("the bureau should reopen the case."), "the bureau should reopen the case.")
    sentence_start = text.index("Chaffetz")
    sentence = Span(sentence_start, content.end, text[sentence_start:content.end])
    st = Statement("c", "d", None, "jason_chaffetz", "Jason Chaffetz", "person", None, "reported", content, sentence,
                   cue=Span(0, 0, ""), order=10)
    only_paragraph = ContextConfig(**{**dict.fromkeys(("sentence", "block", "previous", "article"), False),
                                      "paragraph": True})
    detector = IssueDetector.load(registry(tmp_path), DetectionConfig(context=only_paragraph))
    assert detector.detect([st.evidence.text]) == [[]]  # its own sentence names no issue
    (found,) = statement_issues([st], detector, [article])
    assert [(d.issue, d.rule) for d in found] == [("clinton_emails", "paragraph")]
    assert statement_issues([st], detector) == [[]]  # without the article, no paragraph to read


# ------------------------------------------------------------------ thresholds and configuration
class FixedEncoder:
    """Vectors from a table: issue texts on axes, statements where the test puts them."""

    dimension = 3

    def __init__(self, table):
        self.table = table

    def encode(self, texts):
        return np.array([self.table.get(t, [0.0, 0.0, 1.0]) for t in texts], dtype=np.float32)


def two_issues(tmp_path, top=""):
    return registry(tmp_path, top + "issues:\n  - {id: a, label: A, target: ta}\n  - {id: b, label: B, target: tb}\n",
                    "two.yaml")


def unit(x, y):
    z = max(0.0, 1 - x * x - y * y) ** 0.5
    return [x, y, z]


def test_calibrated_threshold_by_default_and_overrides(tmp_path):
    table = {"A": [1, 0, 0], "ta": [1, 0, 0], "B": [0, 1, 0], "tb": [0, 1, 0],
             "near": unit(MEANING_THRESHOLD + 0.01, 0.0), "under": unit(MEANING_THRESHOLD - 0.01, 0.0)}
    detector = IssueDetector(two_issues(tmp_path), FixedEncoder(table), DetectionConfig(context=OFF))
    assert detector.threshold == MEANING_THRESHOLD == 0.36
    assert issues_of(detector, ["near", "under"]) == [["a"], []]
    own = IssueDetector(two_issues(tmp_path, "threshold: 0.3\n"), FixedEncoder(table), DetectionConfig(context=OFF))
    assert own.threshold == 0.3 and issues_of(own, ["under"]) == [["a"]]
    config = IssueDetector(two_issues(tmp_path, "threshold: 0.3\n"), FixedEncoder(table),
                           DetectionConfig(threshold=0.5, context=OFF))
    assert config.threshold == 0.5
    assert ContextConfig().threshold == CONTEXT_THRESHOLD and ContextConfig().rules == (
        "sentence", "block", "previous")  # paragraph and article: off by default, measured


def test_margin_keeps_the_clearly_nearest_issue(tmp_path):
    table = {"A": [1, 0, 0], "ta": [1, 0, 0], "B": [0, 1, 0], "tb": [0, 1, 0],
             "tie": unit(0.5, 0.49), "ahead": unit(0.5, 0.4)}
    detector = IssueDetector(two_issues(tmp_path), FixedEncoder(table), DetectionConfig(context=OFF))
    assert issues_of(detector, ["tie", "ahead"]) == [[], ["a"]]
    no_margin = IssueDetector(two_issues(tmp_path), FixedEncoder(table), DetectionConfig(margin=None, context=OFF))
    assert issues_of(no_margin, ["tie"]) == [["a", "b"]]


def test_registry_mode(tmp_path):
    reg = two_issues(tmp_path, "mode: meaning\n")
    assert reg.mode == "meaning"
    assert IssueDetector(reg, FixedEncoder({}), DetectionConfig(context=OFF)).mode == "meaning"
    assert IssueRegistry.load().mode == "keywords"  # the shipped registry: see its comment


def test_detector_needs_an_encoder_to_read_meaning(tmp_path):
    with pytest.raises(ConfigError, match=r"reads meaning and needs an encoder; use IssueDetector\.load"):
        IssueDetector(two_issues(tmp_path))


@pytest.mark.parametrize("kwargs,message", [
    ({"mode": "fuzzy"}, "mode must be one of keywords, meaning, both, found 'fuzzy'"),
    ({"threshold": 1.5}, "threshold must be between 0 and 1, found 1.5"),
    ({"margin": -0.1}, "margin must be None or between 0 and 1, found -0.1"),
])
def test_bad_detection_config(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        DetectionConfig(**kwargs)


def test_bad_context_config():
    with pytest.raises(ConfigError, match=r"threshold must be a cosine similarity in \[-1, 1\], found 2"):
        ContextConfig(threshold=2)
    with pytest.raises(ConfigError, match="previous_sentences must be an integer of at least 1, found 0"):
        ContextConfig(previous_sentences=0)


@pytest.mark.parametrize("content,message", [
    ("threshold: high\nissues:\n  - {id: a, target: x}\n",
     "threshold must be a number between 0 and 1 (a cosine similarity), found 'high'"),
    ("threshold: 1.2\nissues:\n  - {id: a, target: x}\n",
     "threshold must be a number between 0 and 1 (a cosine similarity), found 1.2"),
    ("mode: fuzzy\nissues:\n  - {id: a, target: x}\n", "mode must be one of keywords, meaning, both, found 'fuzzy'"),
    ("issues:\n  - {id: a, target: x, examples: one sentence}\n",
     "issue 'a': examples must be a list of sentences, found 'one sentence'"),
    ("issues:\n  - {id: a, target: x, examples: ['']}\n",
     "issue 'a': examples must be a list of sentences, found ['']"),
    ("issues:\n  - {id: a, target: x, exclude: via email}\n",
     "issue 'a': exclude must be a list of phrases, found 'via email'"),
    ("issues:\n  - {id: a, target: x, exclude: ['re:(']}\n",
     "issue 'a': exclude phrase 're:(' is not a valid regular expression: missing ), unterminated subpattern"),
    ("issues:\n  - {id: a, target: x, keywords: ['re:[']}\n",
     "issue 'a': keyword 're:[' is not a valid regular expression: unterminated character set"),
])
def test_bad_registry_keys(tmp_path, content, message):
    path = tmp_path / "issues.yaml"
    path.write_text(content)
    with pytest.raises(RegistryError) as info:
        IssueRegistry.load(path)
    assert str(info.value).startswith(f"{path}: {message}")


# ------------------------------------------------------------------ the pipeline's entry points
class Favor:
    """A stand-in stance model: favor for everything."""

    def predict(self, texts, targets, batch_size=32):
        from stance.stance_model.model import Scored

        return [Scored("favor", 0.9, {"favor": 0.9, "against": 0.05, "neutral": 0.05}, False) for _ in texts]


def test_pipeline_score_reads_issues_by_meaning_and_context(tmp_path):
    """``Pipeline.score(statements)`` (the store's entry point, without articles) finds issues the
    keywords miss; ``issue_pairs`` keeps leaving questions out."""
    from stance.pipeline.local import Pipeline, issue_pairs

    reg = registry(tmp_path)
    pipeline = Pipeline(model=Favor(), issues=reg)
    first = said("a", "The email investigation is a witch hunt.", 0, 10)
    second = said("b", "The FBI should close this case now.", 41, 20, cue=False)
    asked = said("q", "Will you build a border wall?", 80, 30, actor="Anderson Cooper")
    barrier = said("w", "Mexico will pay for the barrier we build along the southern frontier.", 120, 40,
                   actor="Donald Trump", kind="reported")
    scored = pipeline.score([first, second, asked, barrier])
    assert [(p.statement.statement_id, p.issue) for p in scored] == [
        ("a", "clinton_emails"), ("b", "clinton_emails"), ("w", "border_wall")]
    keywords = Pipeline(model=Favor(), issues=reg, detection=DetectionConfig(mode="keywords", context=OFF))
    assert [p.statement.statement_id for p in keywords.score([first, second, asked, barrier])] == ["a"]
    assert issue_pairs([asked], reg, keywords.detector()) == []


class Neutral(Favor):
    def predict(self, texts, targets, batch_size=32):
        from stance.stance_model.model import Scored

        return [Scored("neutral", 0.8, {"favor": 0.1, "against": 0.1, "neutral": 0.8}, False) for _ in texts]


def test_a_statement_read_in_context_that_takes_no_side_is_dropped(tmp_path):
    from stance.pipeline.local import Pipeline

    reg = keywordless(tmp_path)
    first = said("a", "The email investigation is a witch hunt.", 0, 10)
    second = said("b", "The FBI should close this case now.", 41, 20, cue=False)
    assert [p.statement.statement_id for p in Pipeline(model=Neutral(), issues=reg).score([first, second])] == ["a"]
    keep = DetectionConfig(context=ContextConfig(neutral=True))
    assert [p.statement.statement_id for p in Pipeline(model=Neutral(), issues=reg, detection=keep).score(
        [first, second])] == ["a", "b"]
