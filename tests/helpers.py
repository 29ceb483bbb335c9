"""Records built by hand for tests."""

from stance.records import PartialDate, Span, StancePrediction, Statement


def statement(sid, actor="Khawaja Asif", date="2017-10", affiliation="Government of Pakistan", order=0,
              actor_type="person", doc="d1", text="text"):
    return Statement(statement_id=sid, doc_id=doc, date=PartialDate.parse(date) if date else None,
                     actor_id=actor.lower().replace(" ", "_"), actor=actor, actor_type=actor_type,
                     affiliation=affiliation, kind="reported", text=Span(0, len(text), text),
                     quote=Span(0, len(text), text), order=order)


def pred(sid, stance, date="2017-10", actor="Khawaja Asif", issue="joint_operations", confidence=0.9, **kw):
    st = statement(sid, actor=actor, date=date, **kw)
    return StancePrediction(st, issue, stance, confidence, {stance: confidence})
