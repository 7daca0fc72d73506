"""The outbox checked against a plain-Python model with a hypothesis state machine (as Vector does for its
disk buffer): any interleaving of enqueue, take, confirm, fail, bury, revive, clock jumps and reopening the
file keeps the queue and the dead letters exactly where the model says."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from swgdb_bridge.upload.outbox import NewItem, Outbox, QueuedItem

# tmpfs where there is one: the outbox syncs its WAL at checkpoints, which only costs time here
FAST_DIR = "/dev/shm" if os.path.isdir("/dev/shm") else None
SESSION_IDS = st.sampled_from(["s1", "s2", "s3", "s4", "s5"])
DIGESTS = st.sampled_from(["a" * 64, "b" * 64, "c" * 64])


@dataclass
class ModelEntry:
    digest: str
    order: int
    attempts: int
    next_at: float


class OutboxMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory(dir=FAST_DIR)
        self.path = Path(self.folder.name) / "uploads.sqlite3"
        self.outbox = Outbox(self.path)
        self.now = 1_000.0
        self.order = 0
        self.queue: dict[str, ModelEntry] = {}
        self.dead: dict[str, tuple[str, float]] = {}
        # items handed out by due(), with the model entry they stood for; possibly stale by now
        self.taken: list[tuple[QueuedItem, int]] = []

    def teardown(self) -> None:
        self.outbox.close()
        self.folder.cleanup()

    def _new_order(self) -> int:
        self.order += 1
        return self.order

    def _current(self, taken: tuple[QueuedItem, int]) -> ModelEntry | None:
        """The model entry a handed-out item still stands for; None when it was replaced, removed or revived
        as a new entry since (a stale handle must never touch the newer entry)."""
        item, order = taken
        entry = self.queue.get(item.session_id)
        return entry if entry is not None and (entry.digest, entry.order) == (item.digest, order) else None

    @rule(session_id=SESSION_IDS, digest=DIGESTS)
    def enqueue(self, session_id: str, digest: str) -> None:
        self.outbox.enqueue([NewItem(session_id, digest, digest.encode())], now=self.now)
        entry = self.queue.get(session_id)
        if entry is None:
            self.queue[session_id] = ModelEntry(digest, self._new_order(), 0, self.now)
        elif entry.digest != digest:
            self.queue[session_id] = ModelEntry(digest, entry.order, 0, self.now)
        self.dead.pop(session_id, None)

    @rule(limit=st.integers(1, 6))
    def take_due(self, limit: int) -> None:
        got = self.outbox.due(now=self.now, limit=limit)
        due = sorted((e.next_at, e.order, sid) for sid, e in self.queue.items() if e.next_at <= self.now)
        assert [i.session_id for i in got] == [sid for _, _, sid in due[:limit]]
        self.taken.extend((item, self.queue[item.session_id].order) for item in got)

    @precondition(lambda self: self.taken)
    @rule(index=st.integers(0, 50), status=st.sampled_from(["created", "updated", "unchanged"]))
    def confirm(self, index: int, status: str) -> None:
        taken = self.taken.pop(index % len(self.taken))
        self.outbox.confirm(taken[0], status, now=self.now)
        if self._current(taken) is not None:
            del self.queue[taken[0].session_id]

    @precondition(lambda self: len(self.taken) >= 2)
    @rule(count=st.integers(2, 4))
    def confirm_a_batch(self, count: int) -> None:
        batch = [self.taken.pop(0) for _ in range(min(count, len(self.taken)))]
        current = [taken for taken in batch if self._current(taken) is not None]
        self.outbox.confirm_many([(item, "created") for item, _ in batch], now=self.now)
        for item, _ in current:
            self.queue.pop(item.session_id, None)

    @precondition(lambda self: self.taken)
    @rule(index=st.integers(0, 50), delay=st.floats(0, 100))
    def fail_transiently(self, index: int, delay: float) -> None:
        taken = self.taken.pop(index % len(self.taken))
        self.outbox.reschedule(taken[0], self.now + delay, "503 from server")
        entry = self._current(taken)
        if entry is not None:
            entry.attempts += 1
            entry.next_at = self.now + delay

    @precondition(lambda self: self.taken)
    @rule(index=st.integers(0, 50))
    def fail_permanently(self, index: int) -> None:
        taken = self.taken.pop(index % len(self.taken))
        self.outbox.bury(taken[0], "422 schema", now=self.now)
        if self._current(taken) is not None:
            item = taken[0]
            del self.queue[item.session_id]
            self.dead[item.session_id] = (item.digest, self.now)

    @rule()
    def revive_dead_letters(self) -> None:
        assert self.outbox.revive(now=self.now) == len(self.dead)
        for sid, (digest, _) in sorted(self.dead.items(), key=lambda kv: (kv[1][1], kv[0])):
            self.queue[sid] = ModelEntry(digest, self._new_order(), 0, self.now)
        self.dead.clear()

    @rule(seconds=st.floats(0, 60))
    def advance_clock(self, seconds: float) -> None:
        self.now += seconds

    @rule()
    def reopen(self) -> None:
        """Close and reopen the file: nothing may live only in memory."""
        self.outbox.close()
        self.outbox = Outbox(self.path)

    @invariant()
    def queue_matches_model(self) -> None:
        got = {i.session_id: (i.digest, i.attempts, i.next_attempt_at) for i in self.outbox.pending()}
        assert got == {sid: (e.digest, e.attempts, e.next_at) for sid, e in self.queue.items()}

    @invariant()
    def dead_letters_match_model(self) -> None:
        assert {d.session_id: d.digest for d in self.outbox.dead_letters()} == {
            sid: digest for sid, (digest, _) in self.dead.items()
        }


OutboxMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
TestOutboxModel = OutboxMachine.TestCase
