"""Argument types of the ``stance`` command: each parses one option's text or says what it expected."""

from __future__ import annotations

import argparse

FORMATS = ("html", "md", "json")


def formats(value: str) -> list[str]:
    """``html,md`` -> ["html", "md"]."""
    chosen = [f.strip() for f in value.split(",") if f.strip()]
    bad = [f for f in chosen if f not in FORMATS]
    if bad or not chosen:
        raise argparse.ArgumentTypeError(f"formats must be among {', '.join(FORMATS)}; found {value!r}")
    return chosen


def period(value: str) -> str:
    """``month`` or ``decay:90``."""
    from stance.positions.periods import PERIODS, decay_days

    try:
        if value in PERIODS or decay_days(value):
            return value
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    raise argparse.ArgumentTypeError(f"expected one of {', '.join(PERIODS)} or decay:DAYS, found {value!r}")


def mix(value: str) -> dict[str, float]:
    """``semeval2016=0.5,pstance=1`` -> {name: weight}."""
    out = {}
    for part in filter(None, (p.strip() for p in value.split(","))):
        name, _, weight = part.partition("=")
        try:
            out[name] = float(weight) if weight else 1.0
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected NAME=WEIGHT, found {part!r}") from None
    return out


def columns(value: str) -> dict[str, str]:
    """``text=Tweet,target=Target,label=Stance`` -> mapping; keys among text, target, label."""
    out = dict(part.split("=", 1) for part in value.split(",") if "=" in part)
    if not out or set(out) - {"text", "target", "label"}:
        raise argparse.ArgumentTypeError(f"expected text=COL,target=COL,label=COL; found {value!r}")
    return out


def positive(value: str) -> int:
    """``3`` -> 3: a whole number of 1 or more."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, found {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, found {number}")
    return number


def mapping(value: str) -> dict[str, str]:
    """``person=speaker,concept=frame`` -> {"person": "speaker", "concept": "frame"}."""
    pairs = [part.split("=", 1) for part in value.split(",") if part.strip()]
    if not pairs or any(len(kv) != 2 or not kv[0].strip() or not kv[1].strip() for kv in pairs):
        raise argparse.ArgumentTypeError(f"expected NAME=NAME pairs separated by commas, found {value!r}")
    return {k.strip(): v.strip() for k, v in pairs}
