"""The second example domain (data/domains/economy/): an invented country's economic policy, with its own issue
and actor registries.  Its registries load, `stance track` runs on it end to end with the shipped model, and what
comes out names its own actors and issues: a named speaker, an office resolved by the article's date, a dated
affiliation, an editorial's outlet and an op-ed's author.  No score or stance is asserted: the shipped model was
trained on another domain (data/domains/economy/README.md has its measured figures)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from stance.cli.main import main
from stance.modelling.folders import DEFAULT_MODEL
from stance.records import PartialDate
from stance.registries.actors import ActorRegistry
from stance.registries.issues import IssueRegistry

DOMAIN = Path(__file__).resolve().parents[1] / "data" / "domains" / "economy"
ARTICLES = DOMAIN / "articles"
ISSUES = {"minimum_wage", "rate_cut", "windfall_tax", "pay_freeze"}


@pytest.fixture(scope="module")
def registry():
    return ActorRegistry.load(DOMAIN / "actors.yaml")


def test_registries_load(registry):
    assert set(IssueRegistry.load(DOMAIN / "issues.yaml")) == ISSUES
    assert registry.default_country == "Veland"
    # one office, two holders: the prime minister changed on 2024-11-15
    assert registry.resolve("The prime minister", PartialDate.parse("2024-01-15")).name == "Tomas Reyvik"
    assert registry.resolve("The prime minister", PartialDate.parse("2024-12-12")).name == "Anneli Brandt"
    # a union leader who joined the government: her affiliation follows the date
    kesting = registry.get("dara_kesting")
    assert kesting.affiliation_on(PartialDate.parse("2024-09-17")) == "General Federation of Veland Workers"
    assert kesting.affiliation_on(PartialDate.parse("2025-02-04")) == "Government of Veland"


def test_gold_names_registry_actors_and_issues(registry):
    """Every gold tuple names an article of the corpus, an issue of issues.yaml and an actor of actors.yaml
    (apart from the one spokesman left out of the registry on purpose)."""
    gold = yaml.safe_load((DOMAIN / "gold.yaml").read_text(encoding="utf-8"))["articles"]
    assert set(gold) == {p.stem for p in ARTICLES.glob("*.txt")}
    rows = [row for rows in gold.values() for row in rows]
    assert {r["issue"] for r in rows} == ISSUES
    assert {r["stance"] for r in rows} == {"favor", "against"}
    names = {a.name for a in registry.actors.values()}
    assert {r["actor"] for r in rows} - names == {"Lars Quell"}


@pytest.fixture(scope="module")
def tracked(tmp_path_factory):
    if not DEFAULT_MODEL.is_dir():
        pytest.skip("needs the shipped stance model (stance/models/stance-minilm)")
    out = tmp_path_factory.mktemp("economy")
    code = main(["track", str(ARTICLES), "--out", str(out), "--tagger", "none", "--period", "quarter",
                 "--issues", str(DOMAIN / "issues.yaml"), "--actors", str(DOMAIN / "actors.yaml")])
    assert code == 0
    rows = [json.loads(line) for line in (out / "statements.jsonl").read_text(encoding="utf-8").splitlines()]
    return out, rows


@pytest.mark.slow
def test_track_runs_end_to_end(tracked):
    out, rows = tracked
    assert rows and (out / "report" / "index.html").is_file() and (out / "network.csv").is_file()
    positions = json.loads((out / "positions.json").read_text(encoding="utf-8"))
    assert positions["corpus"]["n_documents"] == 12
    dates = [s["date"] for s in positions["shifts"]]  # a shift between quarters is dated by its quarter, and drawn
    assert any(re.fullmatch(r"\d{4}-Q[1-4]", d) for d in dates), dates
    assert {r["issue"] for r in rows} <= ISSUES
    assert {r["stance"] for r in rows} <= {"favor", "against", "neutral"}
    for r in rows:  # every quote points at its span in the article
        text = (ARTICLES / f"{Path(r['sources'][0]).stem}.txt").read_text(encoding="utf-8")
        assert text[r["start"]:r["end"]] == r["quote"]


@pytest.mark.slow
def test_speakers_come_from_the_domain_registry(tracked, registry):
    _, rows = tracked
    by_actor = {(r["actor"], r["issue"]) for r in rows}
    assert ("Helena Vaskary", "rate_cut") in by_actor  # the central bank governor
    assert ("Katrin Sollum", "windfall_tax") in by_actor  # the energy company's chief executive
    assert {r["actor_id"] for r in rows if r["actor"] == "Helena Vaskary"} == {"helena_vaskary"}
    # nothing from the shipped Pakistan-US registry leaks in ("the government" is an alias in both)
    shipped = set(ActorRegistry.load().actors) - set(registry.actors)
    assert not {r["actor_id"] for r in rows} & shipped


@pytest.mark.slow
def test_unnamed_office_resolves_by_date(tracked):
    """Article 10 (2024-12-12) never names the prime minister: the holder on that date is Anneli Brandt, who was
    finance minister until 2024-11-14; article 01 (2024-01-15) gets Tomas Reyvik for the same words."""
    _, rows = tracked

    def pm(doc):
        return {r["actor"] for r in rows if r["doc_id"] == doc and r["speaker"]
                and r["speaker"]["text"].lower().endswith("prime minister")}

    assert pm("10_bank_makes_first_cut") == {"Anneli Brandt"}
    assert pm("01_unions_demand_minimum_wage_rise") == {"Tomas Reyvik"}


@pytest.mark.slow
def test_dated_affiliation_and_authored_documents(tracked):
    _, rows = tracked
    kesting = {r["doc_id"][:2]: r["affiliation"] for r in rows if r["actor"] == "Dara Kesting"}
    assert kesting.get("01") == "General Federation of Veland Workers"
    assert kesting.get("11") == "Government of Veland"
    editorial = [r for r in rows if r["doc_id"] == "04_editorial_windfall_tax_fair" and r["kind"] == "authored"]
    assert editorial and {r["actor"] for r in editorial} == {"Veland Daily Courier"}
    oped = [r for r in rows if r["doc_id"].startswith("09_") and r["kind"] == "authored"]
    assert oped and {r["actor"] for r in oped} == {"Oskar Brenn"}
