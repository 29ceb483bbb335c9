import pytest
from helpers import pred

from stance.positions.aggregate import aggregate, current_position, detect_shifts, leaning, position
from stance.positions.periods import period_of
from stance.records import PartialDate


def test_position_shrinks_and_widens():
    one = position([pred("a", "favor")])
    many = position([pred(str(i), "favor") for i in range(10)])
    mixed = position([pred(str(i), "favor" if i % 2 else "against") for i in range(10)])
    assert 0 < one[0] < many[0] < 1
    assert (one[2] - one[1]) > (many[2] - many[1])
    assert abs(mixed[0]) < 0.05 and (mixed[2] - mixed[1]) > (many[2] - many[1])
    assert position([pred("a", "against", confidence=0.9)])[0] == pytest.approx(-0.9 / 2.4)


def test_partial_dates_never_get_a_day():
    assert period_of(PartialDate(2018, 1), "week")[0] == "2018-01"
    assert period_of(PartialDate(2018), "month")[0] == "2018"
    assert period_of(PartialDate(2018, 1, 17), "week")[0] == "2018-W03"
    assert period_of(PartialDate(2018, 5, 2), "quarter")[0] == "2018-Q2"


def test_offer_withdrawn_within_weeks_is_a_shift():
    series = [pred("offer", "favor", "2017-10-02", order=1), pred("back", "against", "2017-10-20", order=2)]
    result = aggregate(series, "month")
    (shift,) = [s for s in result.shifts if s.actor == "Khawaja Asif"]
    assert (shift.before, shift.after) == (1.0, -1.0)
    assert shift.before_ids == ("offer",) and shift.after_ids == ("back",)
    assert current_position(series).text == "against since 2017-10-20 (1 statement, 1 source)"


def test_slow_drift_is_a_shift():
    stances = ["favor"] * 4 + ["neutral"] * 3 + ["against"] * 4
    series = [pred(str(i), s, f"20{10 + i}-01") for i, s in enumerate(stances)]
    assert detect_shifts(series)


def test_single_outlier_is_not_a_shift():
    stances = ["favor"] * 4 + ["against"] + ["favor"] * 4
    series = [pred(str(i), s, f"20{10 + i}-01") for i, s in enumerate(stances)]
    assert detect_shifts(series) == []


def test_rollup_with_internal_disagreement():
    preds = [pred("dm", "against", "2018-01", actor="Khurram Dastgir", issue="intelligence_sharing"),
             pred("amb", "favor", "2018-01", actor="Aizaz Chaudhry", issue="intelligence_sharing"),
             pred("fo", "favor", "2018-01", actor="Mohammad Faisal", issue="intelligence_sharing",
                  affiliation="Pakistan Foreign Office")]
    parents = {"Pakistan Foreign Office": "Government of Pakistan", "Government of Pakistan": "Pakistan"}
    result = aggregate(preds, "month", parents)
    groups = {(p.actor, p.period): p for p in result.group_points}
    assert groups[("Government of Pakistan", "2018-01")].n_statements == 3
    assert groups[("Pakistan", "2018-01")].n_statements == 3
    assert groups[("Pakistan Foreign Office", "2018-01")].n_statements == 1
    (d,) = [d for d in result.disagreements if d.group == "Government of Pakistan"]
    assert d.favor == ("Aizaz Chaudhry", "Mohammad Faisal") and d.against == ("Khurram Dastgir",)


def test_an_offer_withdrawn_in_the_period_does_not_count_toward_the_group():
    """The minister offers joint operations and takes it back in the same month; the government says no:
    the government is against that month, while the minister's own point keeps both statements."""
    preds = [pred("offer", "favor", "2017-10-02", order=1, confidence=0.98),
             pred("back", "against", "2017-10-20", order=2, confidence=0.96),
             pred("gov", "against", "2017-10-21", actor="Government of Pakistan", actor_type="organisation",
                  affiliation="Pakistan", confidence=0.97),
             pred("headline", "neutral", "2017-10-21", actor="Government of Pakistan", actor_type="organisation",
                  affiliation="Pakistan", confidence=0.94)]
    parents = {"Government of Pakistan": "Pakistan"}
    result = aggregate(preds, "month", parents)
    groups = {p.actor: p for p in result.group_points}
    assert groups["Government of Pakistan"].statement_ids == ("back", "gov", "headline")
    assert leaning(groups["Government of Pakistan"].score) == "against"
    (minister,) = [p for p in result.points if p.actor == "Khawaja Asif"]
    assert minister.statement_ids == ("offer", "back")
    counted = {p.actor: p.statement_ids for p in aggregate(preds, "month", parents).group_points}
    assert counted["Pakistan"] == ("back", "gov", "headline")
    # without the shift (a second, later month) the offer counts in its own month
    later = [preds[0], pred("back", "against", "2017-11-20", order=2, confidence=0.96)]
    assert {p.period: p.statement_ids for p in aggregate(later, "month", parents).group_points
            if p.actor == "Government of Pakistan"} == {"2017-10": ("offer",), "2017-11": ("back",)}


def test_group_shift_between_periods():
    preds = [pred("a", "favor", "2017-10", actor="Government of Pakistan", actor_type="organisation",
                  affiliation="Pakistan", issue="intelligence_sharing"),
             pred("b", "against", "2018-01", actor="Khurram Dastgir", issue="intelligence_sharing"),
             pred("c", "against", "2018-01", actor="Shahid Abbasi", issue="intelligence_sharing")]
    result = aggregate(preds, "month", {"Government of Pakistan": "Pakistan"})
    shifts = [s for s in result.shifts if s.actor == "Government of Pakistan"]
    assert len(shifts) == 1 and shifts[0].date == "2018-01" and shifts[0].after < 0 < shifts[0].before


def test_undated_and_corpus_summary():
    preds = [pred("a", "favor", None), pred("b", "against", "2018"), pred("c", "against", "2017-10-03")]
    result = aggregate(preds, "month")
    c = result.corpus
    assert (c.n_statements, c.n_undated, c.first_date, c.last_date) == (3, 1, "2017-10-03", "2018")
    assert all(p.n_statements == 1 for p in result.points)
    assert {p.period for p in result.points} == {"2018", "2017-10"}


def test_moving_window_with_decay():
    from stance.positions.aggregate import aggregate, decay_days

    preds = [pred("s1", "against", "2021-01-10"), pred("s2", "against", "2021-01-20"),
             pred("s3", "favor", "2021-04-05"), pred("s4", "favor", "2021-04-25")]
    points = {p.period: p for p in aggregate(preds, period="decay:30").points}
    assert list(points) == ["2021-01", "2021-02", "2021-03", "2021-04"]
    assert points["2021-01"].score < -0.4 and points["2021-01"].n_statements == 2
    assert points["2021-01"].score < points["2021-02"].score < 0  # old evidence fades, the sign holds
    assert points["2021-03"].n_statements == 0 and points["2021-03"].high - points["2021-03"].low > \
        points["2021-01"].high - points["2021-01"].low  # less evidence, wider band
    assert points["2021-04"].score > 0.3
    assert decay_days("month") is None and decay_days("decay:45") == 45.0
    with pytest.raises(ValueError, match=r"a moving window is written decay:DAYS with DAYS > 0"):
        decay_days("decay:soon")


def test_moving_window_month_precision_dates():
    from stance.positions.aggregate import aggregate

    points = aggregate([pred("s1", "against", "2018-01"), pred("s2", "favor", "2018-03")], period="decay:20").points
    assert [p.period for p in points] == ["2018-01", "2018-02", "2018-03"]


def test_weak_reversal_is_not_a_shift_and_shifts_carry_their_probability():
    weak = [pred("w1", "favor", "2017-10-02", confidence=0.5), pred("w2", "against", "2017-10-20", confidence=0.5)]
    assert aggregate(weak, "month").shifts == ()
    strong = [pred(f"s{i}", s, f"2017-{m}") for i, (s, m) in
              enumerate([("favor", "09"), ("favor", "10"), ("against", "11"), ("against", "12")])]
    (shift,) = [s for s in aggregate(strong, "month").shifts if s.actor == "Khawaja Asif"]
    assert shift.probability == pytest.approx(0.984, abs=1e-3) and shift.to_dict()["probability"] == 0.984
    one_each = aggregate([pred("a", "favor", "2017-10-02"), pred("b", "against", "2017-10-20")], "month").shifts
    assert one_each[0].probability == pytest.approx(0.887, abs=1e-3)


def test_one_report_moves_only_when_it_says_so():
    """Two readings of one article on one date are not a movement, unless the text reports one."""
    noisy = [pred("h", "against", "2021-08-11", actor="Pentagon", issue="safe_havens", text="must shut havens"),
             pred("b", "favor", "2021-08-11", actor="Pentagon", issue="safe_havens", text="talks about havens")]
    assert [s for s in aggregate(noisy, "month").shifts if s.actor == "Pentagon"] == []
    withdrawn = [pred("offer", "favor", "2017-10", text="Pakistan offered a joint operation"),
                 pred("back", "against", "2017-10", text="he never said foreign boots would be allowed")]
    (shift,) = [s for s in aggregate(withdrawn, "month").shifts if s.actor == "Khawaja Asif"]
    assert shift.after_ids == ("back",)
    elsewhere = [noisy[0], pred("b", "favor", "2021-08-11", actor="Pentagon", issue="safe_havens", doc="d2")]
    assert [s.actor for s in aggregate(elsewhere, "month").shifts if s.actor == "Pentagon"] == ["Pentagon"]


def test_period_labels_have_bounds_for_every_period():
    import datetime as dt

    from stance.positions.periods import label_bounds

    assert label_bounds("2024-Q2") == (dt.date(2024, 4, 1), dt.date(2024, 6, 30))
    assert label_bounds("2024-W05") == (dt.date(2024, 1, 29), dt.date(2024, 2, 4))
    assert label_bounds("2024-03") == (dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    assert label_bounds("2024") == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
