"""Positions kept current with a store: each read brings them up to the store's revision by reading only
what came in since (:mod:`stance.serve.store.changes`) and updating
:class:`~stance.positions.incremental.IncrementalPositions`, which recomputes only the series a write
touched.

Per labelling (the latest, or a model version asked for) a :class:`Tracked` holds every prediction with its
row id, the revision it reflects, and one incremental state per period asked for.  A read:

1. reads the revision (one query); unchanged, it answers from what it holds;
2. else reads the prediction rows after the last one seen, the statements corrected since, and the
   documents of the runs from the one in progress at the last revision on (their sources: a repeated
   quote adds an outlet to a stored statement), then the revision again: when it moved meanwhile (a write
   landed), it reads again (:data:`SYNC_TRIES` times, then answers from what it holds);
3. checks that what it found accounts for the new counts
   (:meth:`~stance.serve.store.changes.Revision.explains`), else (rows deleted, a stored actor renamed, a
   row committed out of order by another writer, another labelling now the latest) builds everything anew;
4. reads the new predictions and those of the statements that gained an outlet or a correction, with
   corrections applied (:meth:`~stance.serve.store.Store.scored`): a correction is a write that touches its
   series; a label corrected as irrelevant leaves it;
5. hands them to each period's state on that period's next read.

The answer equals ``aggregate(store.predictions(), period, store.parents(), n_documents=...)`` over the
same rows (``tests/test_service_fast.py`` checks it after random writes through a real store).

While this process ingests (``POST /documents``: :meth:`LivePositions.following`), a background thread does
the updating every :data:`FOLLOW_SECONDS` and publishes each period's points (:class:`PointIndex`, an
immutable copy), and position reads answer from them without waiting: ingestion and reads share this
process, and a read that updated positions itself after each document would queue behind it.  Once the
ingestion ends, reads bring positions current themselves again.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from stance.positions.incremental import IncrementalPositions, Label, PointIndex
from stance.records import StancePrediction
from stance.serve.store.changes import Changes, Revision, read_changes, read_revision
from stance.serve.store.store import Labelling, Store

log = logging.getLogger(__name__)
T = TypeVar("T")

SYNC_TRIES = 5
"""Reads of what changed before a read answers from what it holds (writes landing faster than it can read)."""
MAX_PERIODS = 8
"""Periods kept per labelling (the least recently read goes first)."""
MAX_LABELLINGS = 2
"""Labellings kept per store: the latest, and one asked for by model version."""
FOLLOW_SECONDS = 0.25
"""While this process ingests, how often a background thread brings the published points current."""


@dataclass
class Tracked:
    """Every prediction of one labelling as of ``revision``, and the periods' states built from them."""

    labelling: Labelling
    model_version: str | None
    """The model version asked for (None: the latest labelling, followed as it changes)."""
    revision: Revision
    floor: int
    """The run in progress at ``revision``: documents of runs from this one on are read again."""
    seen: set[str]
    """Documents of runs from ``floor`` on already counted."""
    held: dict[Label, tuple[int, StancePrediction]]
    issues: dict[str, set[str]]
    """Statement id -> the issues held for it."""
    speakers: dict[str, tuple[str, str, str | None]]
    parents: dict[str, str]
    states: OrderedDict[str, IncrementalPositions] = field(default_factory=OrderedDict)
    pending: dict[str, set[Label]] = field(default_factory=dict)
    """Per period: labels changed since its state was last updated."""

    def hold(self, loaded: list[tuple[int, StancePrediction]], scope: set[str]) -> None:
        """Take ``loaded`` (which holds every label of the ``scope`` statements that is still scored) and
        note the changed labels for every period's state."""
        got = {(p.statement.statement_id, p.issue): (rank, p) for rank, p in loaded}
        gone = {(sid, issue) for sid in scope for issue in self.issues.get(sid, ()) if (sid, issue) not in got}
        for label in gone:
            del self.held[label]
            self.issues[label[0]].discard(label[1])
            if not self.issues[label[0]]:
                del self.issues[label[0]]
        for label, ranked in got.items():
            self.held[label] = ranked
            self.issues.setdefault(label[0], set()).add(label[1])
        for period in self.states:
            self.pending.setdefault(period, set()).update(gone | got.keys())

    def state(self, period: str) -> IncrementalPositions:
        """The state of ``period``, built on first use and brought up to date."""
        state = self.states.get(period)
        if state is None:
            state = IncrementalPositions.of(self.held.values(), period, self.parents,
                                            n_documents=self.revision.documents)
            self.states[period] = state
            while len(self.states) > MAX_PERIODS:
                self.pending.pop(self.states.popitem(last=False)[0], None)
        else:
            self.states.move_to_end(period)
            changed = self.pending.pop(period, set())
            state.update([self.held[label] for label in changed if label in self.held],
                         [label for label in changed if label not in self.held], parents=self.parents,
                         n_documents=self.revision.documents)
        return state


class LivePositions:
    """The positions of one store, kept current (see the module doc); updates are serialised."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.lock = threading.Lock()
        self.tracked: OrderedDict[str | None, Tracked] = OrderedDict()
        self.rebuilds = 0
        """How many times everything was read anew (the first time included)."""
        self.published: dict[tuple[str | None, str], PointIndex] = {}
        """(model version asked for, period) -> the points as last brought current."""
        self.writers = 0
        self._writers_lock = threading.Lock()
        self._stop: threading.Event | None = None
        self._follower: threading.Thread | None = None

    def index(self, period: str, model_version: str | None = None) -> PointIndex:
        """The speakers' points of ``period`` by actor and by issue.  While this process writes to the store
        (:meth:`following`), the points a background thread last brought current (at most
        :data:`FOLLOW_SECONDS` and one update behind), so that a read never queues behind ingestion;
        otherwise brought to the store's current revision first, as :meth:`read` does."""
        key = (model_version, period)
        if self.writers:
            published = self.published.get(key)
            if published is not None:
                return published
        found = self.read(period, lambda state: state.index(), model_version)
        self.published[key] = found
        return found

    @contextmanager
    def following(self) -> Iterator[None]:
        """While the block runs (an ingestion in this process), a thread brings every period read so far to
        the store's revision every :data:`FOLLOW_SECONDS` and publishes its points for :meth:`index`.  Blocks
        may nest or overlap; the thread stops when the last one ends, and reads are then exact again."""
        with self._writers_lock:
            self.writers += 1
            if self.writers == 1:
                self._stop = threading.Event()
                self._follower = threading.Thread(target=self._follow_writes, args=(self._stop,),
                                                  name="stance-positions", daemon=True)
                self._follower.start()
        try:
            yield
        finally:
            with self._writers_lock:
                self.writers -= 1
                stop, follower = (self._stop, self._follower) if self.writers == 0 else (None, None)
            if stop is not None and follower is not None:
                stop.set()
                follower.join()

    def _follow_writes(self, stop: threading.Event) -> None:
        while not stop.wait(FOLLOW_SECONDS):
            try:
                self._publish()
            except Exception:  # the next read brings the points current itself; say why this one could not
                log.exception("positions: could not bring the published points current")

    def _publish(self) -> None:
        """Bring every held labelling and period to the store's revision and publish their points."""
        with self.lock:
            published = {}
            for model_version in list(self.tracked):
                tracked = self._current(model_version)
                if tracked is not None:
                    for period in list(tracked.states):
                        published[(model_version, period)] = tracked.state(period).index()
            self.published = published

    def read(self, period: str, answer: Callable[[IncrementalPositions], T], model_version: str | None = None) -> T:
        """``answer(state)`` on the state of ``period`` brought to the store's current revision (the latest
        labelling's, or ``model_version``'s), under the lock: ``answer`` must copy what it keeps."""
        with self.lock:
            tracked = self._current(model_version)
            if tracked is None:
                return answer(IncrementalPositions(period))
            return answer(tracked.state(period))

    def _current(self, model_version: str | None) -> Tracked | None:
        tracked = self.tracked.get(model_version)
        now = self.store.revision()
        if tracked is not None and now == tracked.revision:
            self.tracked.move_to_end(model_version)
            return tracked
        if tracked is not None and self._catch_up(tracked, now):
            return tracked
        self.tracked.pop(model_version, None)
        built = self._build(model_version)
        if built is not None:
            self.tracked[model_version] = built
            while len(self.tracked) > MAX_LABELLINGS:
                self.tracked.popitem(last=False)
        return built

    def _read_changes(self, since: Revision, floor: int, now: Revision,
                      seen: set[str] | frozenset[str] = frozenset()) -> tuple[Revision, Changes] | None:
        """What came in since ``since`` with the revision it brings the store to, read between two equal
        revisions (so no write landed in between), or None when writes kept landing."""
        for _ in range(SYNC_TRIES):
            with self.store.session() as s:
                changes = read_changes(s, since, floor, now, seen)
                again = read_revision(s)
            if again == now:
                return now, changes
            now = again
        return None

    def _catch_up(self, tracked: Tracked, now: Revision) -> bool:
        """Bring ``tracked`` up to ``now`` from what changed; False when it must be built anew."""
        read = self._read_changes(tracked.revision, tracked.floor, now, tracked.seen)
        if read is None:
            log.debug("positions: writes keep landing; answering from revision %s", tracked.revision)
            return True
        now, changes = read
        if not now.explains(tracked.revision, changes, tracked.seen):
            log.info("positions: the store changed in a way its new rows do not explain (rows deleted or written "
                     "out of order); reading everything anew")
            return False
        others = any(Labelling(m, r) != tracked.labelling for _, m, r, _ in changes.predictions)
        if others and self.store.labelling(tracked.model_version) != tracked.labelling:  # relabelled
            return False
        if (now.actors, now.last_run) != (tracked.revision.actors, tracked.revision.last_run):
            speakers = self.store.speakers()
            if any(speakers.get(actor) != row for actor, row in tracked.speakers.items()):
                log.info("positions: a stored actor's name, type or affiliation changed; reading everything anew")
                return False
            tracked.speakers, tracked.parents = speakers, self.store.parents()
        new_documents = changes.new_documents(tracked.seen)
        scope = {sid for ids in new_documents.values() for sid in ids if sid in tracked.issues}
        scope |= {sid for sid in changes.corrected if sid in tracked.issues}
        rows = [row for row, m, r, _ in changes.predictions if Labelling(m, r) == tracked.labelling]
        if rows or scope:
            tracked.hold(self.store.scored(tracked.labelling, rows=rows, statements=scope), scope)
        tracked.revision, tracked.floor = now, now.last_run or 0
        tracked.seen = {doc for doc, (run, _) in changes.documents.items() if run >= tracked.floor}
        return True

    def _build(self, model_version: str | None) -> Tracked | None:
        """Everything of the labelling read anew; None when the store has no prediction of it."""
        labelling = self.store.labelling(model_version)
        if labelling is None:
            return None
        self.rebuilds += 1
        now = self.store.revision()
        read = self._read_changes(now, now.last_run or 0, now)  # the documents of the run in progress
        if read is None:  # writes kept landing: the next read may find more than the counts say, and build again
            with self.store.session() as s:
                read = now, read_changes(s, now, now.last_run or 0)
        now, changes = read
        held = {(p.statement.statement_id, p.issue): (rank, p) for rank, p in self.store.scored(labelling)}
        issues: dict[str, set[str]] = {}
        for sid, issue in held:
            issues.setdefault(sid, set()).add(issue)
        return Tracked(labelling, model_version, now, now.last_run or 0, set(changes.documents), held, issues,
                       self.store.speakers(), self.store.parents())


_LIVE: weakref.WeakKeyDictionary[Store, LivePositions] = weakref.WeakKeyDictionary()
_LIVE_LOCK = threading.Lock()


def live(store: Store) -> LivePositions:
    """The one :class:`LivePositions` of ``store`` (made on first use, gone with the store)."""
    with _LIVE_LOCK:
        found = _LIVE.get(store)
        if found is None:
            found = _LIVE[store] = LivePositions(store)
        return found
