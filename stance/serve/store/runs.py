"""Runs left "running" by a process that died.

Each run records the process id and host that started it.  When a store opens, a run still marked
``running`` whose process is no longer alive on this host is closed as ``interrupted``
(:func:`close_dead_runs`); its complete documents stay (each was written in its own transaction), and
ingesting the same corpus again resumes.  A run of another host is left as it is: this host cannot see its
processes.  A process id reused by a later process is told apart by its start time: a process that started
after the run did is not the run's.
"""

from __future__ import annotations

import datetime as _dt
import os
import socket
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from stance.serve.store.schema import Run

RUNNING = "running"
INTERRUPTED = "interrupted"
HOST_CHARS = 255


def this_host() -> str:
    return socket.gethostname()[:HOST_CHARS]


def process_started(pid: int) -> _dt.datetime | None:
    """When process ``pid`` started (Linux ``/proc``), or None where that cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[19])  # field 22 of stat(5): start time after boot, in clock ticks
        boot = next(int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                    if line.startswith("btime "))
        seconds = boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None
    return _dt.datetime.fromtimestamp(seconds, _dt.timezone.utc)


def alive(pid: int, since: _dt.datetime | None = None) -> bool:
    """Whether process ``pid`` of this host is alive and, given ``since`` (the run's start), started before it
    (with a second's slack), so is not a later process that took the same id."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        pass
    if since is not None:
        started = process_started(pid)
        if since.tzinfo is None:  # SQLite hands datetimes back without their zone; they were written in UTC
            since = since.replace(tzinfo=_dt.timezone.utc)
        if started is not None and started > since + _dt.timedelta(seconds=1):
            return False
    return True


def close_dead_runs(session: Session) -> list[int]:
    """Mark this host's runs whose process is gone as interrupted (in the caller's transaction); their ids."""
    host = this_host()
    closed = []
    now = _dt.datetime.now(_dt.timezone.utc)
    for run in session.scalars(select(Run).where(Run.status == RUNNING, Run.host == host)):
        if run.pid is not None and not alive(run.pid, run.started_at):
            run.status, run.finished_at = INTERRUPTED, now
            closed.append(run.id)
    return closed
