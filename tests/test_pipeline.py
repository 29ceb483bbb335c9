from helpers import statement

from stance.ingest.corpus import make_article
from stance.pipeline.local import Pipeline, classify, issue_pairs
from stance.registries.issues import IssueRegistry
from stance.stance_model.model import Scored


class KeywordModel:
    """A stand-in stance model: 'never'/'not' means against, else favor."""

    name = "keywords"

    def __init__(self):
        self.seen = []

    def predict(self, texts, targets, batch_size=32):
        self.seen += list(zip(texts, targets))
        out = []
        for t in texts:
            s = "against" if " not " in f" {t} " or "never" in t else "favor"
            out.append(Scored(s, 0.9, {"favor": 0.05, "against": 0.05, "neutral": 0.05, s: 0.9}, False))
        return out


def test_issue_pairs_skip_questions_and_unrelated():
    issues = IssueRegistry.load()
    a = statement("a", text="We will never allow bases or drones.")
    q = statement("q", text="Will you allow the CIA bases here?")
    n = statement("n", text="The weather was fine.")
    a, q, n = (s.__class__(**{**s.__dict__, "quote": s.text}) for s in (a, q, n))
    assert [(s.statement_id, i) for s, i in issue_pairs([a, q, n], issues)] == [
        ("a", "military_bases"), ("a", "drone_strikes")]


def test_classify_reads_statement_and_target():
    issues = IssueRegistry.load()
    model = KeywordModel()
    st = statement("a", text="Pakistan will never allow bases.")
    (p,) = classify([(st, "military_bases")], issues, model)
    assert (p.stance, p.issue, p.model, p.confidence) == ("against", "military_bases", "keywords", 0.9)
    assert model.seen == [("Pakistan will never allow bases.", issues["military_bases"].target)]
    assert classify([], issues, model) == []


def test_pipeline_runs_on_articles_built_by_hand():
    text = ("Pakistan's Foreign Minister Khawaja Asif said Pakistan has offered a joint operation on its soil.\n\n"
            "However, he later clarified that he never said Pakistan would allow foreign boots on the ground.")
    result = Pipeline(model=KeywordModel()).run([make_article("d", text, "t.txt", date="2017-10")])
    assert [(p.statement.actor, p.issue, p.stance) for p in result.predictions] == [
        ("Khawaja Asif", "joint_operations", "favor"), ("Khawaja Asif", "joint_operations", "against")]
    (shift,) = [s for s in result.positions.shifts if s.actor == "Khawaja Asif"]
    assert shift.date == "2017-10" and shift.after < 0 < shift.before
