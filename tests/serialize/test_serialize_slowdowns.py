"""``xp_data.slowdowns_detected``: per skill, the longest wait of 20 minutes or more between two gains."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from swgdb_bridge.model import XPGain
from swgdb_bridge.serialize.xp import SLOWDOWN_GAP_MINUTES, slowdowns

START = datetime(2026, 10, 1, 18, 0, tzinfo=UTC)


def reference(gains: list[XPGain]) -> list[dict[str, object]]:
    """The definition spelled out: each gain against the previous gain of its skill, in list order."""
    longest: dict[str, float] = {}
    previous: dict[str, datetime] = {}
    for gain in gains:
        if not gain.skill or gain.timestamp is None:
            continue
        if gain.skill in previous:
            minutes = (gain.timestamp - previous[gain.skill]).total_seconds() / 60
            if minutes >= SLOWDOWN_GAP_MINUTES:
                longest[gain.skill] = max(minutes, longest.get(gain.skill, 0.0))
        previous[gain.skill] = gain.timestamp
    return [
        {"skill": skill, "reason": "no_xp_gain", "duration_minutes": round(minutes, 2)}
        for skill, minutes in sorted(longest.items())
    ]


_GAP = 20 * 60 * 10**6  # the threshold in microseconds: gaps land on it, just under and just over
gains = st.lists(
    st.builds(
        lambda skill, us: XPGain(None if us is None else START + timedelta(microseconds=us), 10, skill=skill),
        st.sampled_from([None, "", "Rifleman", "Medic", "Scout"]),
        st.one_of(
            st.none(), st.integers(0, 4 * _GAP), st.sampled_from([0, _GAP - 1, _GAP, _GAP + 1, 2 * _GAP])
        ),
    ),
    max_size=40,
)


@given(gains)
def test_slowdowns_follow_their_definition(records: list[XPGain]) -> None:
    assert slowdowns(records) == reference(records)


def test_a_wait_of_exactly_the_threshold_counts_and_one_microsecond_less_does_not() -> None:
    at = [START, START + timedelta(minutes=20), START + timedelta(minutes=40, microseconds=-1)]
    found = slowdowns([XPGain(t, 5, skill="Medic") for t in at])
    assert found == [{"skill": "Medic", "reason": "no_xp_gain", "duration_minutes": 20.0}]
    assert slowdowns([XPGain(at[1], 5, skill="Medic"), XPGain(at[2], 5, skill="Medic")]) == []


def test_the_longest_wait_per_skill_is_reported_and_time_going_backwards_is_no_wait() -> None:
    later, earlier = START + timedelta(hours=2), START
    records = [
        XPGain(START, 1, skill="Scout"),
        XPGain(START + timedelta(minutes=25), 1, skill="Scout"),
        XPGain(START + timedelta(minutes=75), 1, skill="Scout"),
        XPGain(later, 1, skill="Medic"),
        XPGain(earlier, 1, skill="Medic"),
    ]
    assert slowdowns(records) == [{"skill": "Scout", "reason": "no_xp_gain", "duration_minutes": 50.0}]
