import pytest

from stance.errors import RegistryError
from stance.registries.issues import IssueRegistry


def test_default_registry_has_the_five_issues():
    reg = IssueRegistry.load()
    assert list(reg) == ["military_bases", "safe_havens", "intelligence_sharing", "joint_operations", "drone_strikes"]
    assert "favor" not in reg["safe_havens"].target and reg["safe_havens"].target.endswith("remain.")


@pytest.mark.parametrize("text,issues", [
    ("He ruled out giving any airbases to the US.", ["military_bases"]),
    ("She urged Kabul to dismantle the sanctuaries.", ["safe_havens"]),
    ("Intelligence sharing continues at the working level.", ["intelligence_sharing"]),
    ("He never said Pakistan would allow foreign boots on the ground.", ["joint_operations"]),
    ("The strike by an unmanned aerial vehicle killed four.", ["drone_strikes"]),
    ("No drone strikes and no bases, the minister said.", ["military_bases", "drone_strikes"]),
    ("The minister spoke about the weather.", []),
])
def test_detect(text, issues):
    assert [i for i, _ in IssueRegistry.load().detect(text)] == issues


def test_unknown_issue_id():
    with pytest.raises(RegistryError, match="unknown issue id 'nukes'; known issues: military_bases, safe_havens"):
        IssueRegistry.load()["nukes"]


@pytest.mark.parametrize("content,message", [
    ("issues: []\n", "expected a top-level 'issues' list with at least one issue"),
    ("issues:\n  - {id: a, target: x}\n  - {id: a, target: y}\n", "issue id 'a' appears twice in the registry"),
    ("issues:\n  - {id: Bad-Id, target: x}\n", "issue id 'Bad-Id' is not valid"),
    ("issues:\n  - {label: no id}\n", "issue #1 needs at least 'id' and 'target'"),
    ("issues: [\n", "cannot be parsed as YAML"),
])
def test_bad_registry(tmp_path, content, message):
    path = tmp_path / "issues.yaml"
    path.write_text(content)
    with pytest.raises(RegistryError, match=message):
        IssueRegistry.load(path)


def test_user_registry_json(tmp_path):
    path = tmp_path / "issues.json"
    path.write_text('{"issues": [{"id": "dams", "target": "The dam should be built.", '
                    '"keywords": ["dam", "re:reservoirs?"]}]}')
    reg = IssueRegistry.load(path)
    assert reg.detect("The new reservoir floods the valley.") == [("dams", ("re:reservoirs?",))]


@pytest.mark.parametrize("text,found", [
    ("I never said that American boots can land on Pakistani soil.", True),
    ("No foreign troops would ever operate in Pakistan, he said.", True),
    ("US troops left Afghanistan in August.", False),
])
def test_joint_operations_troop_phrasings(text, found):
    assert ([i for i, _ in IssueRegistry.load().detect(text)] == ["joint_operations"]) is found
