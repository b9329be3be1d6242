"""The bulk importer's scheduling rules on a fake clock: no threads, no network."""

from __future__ import annotations

from reader.core.importing.scheduler import HostScheduler


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def scheduler(clock: Clock, **options: object) -> HostScheduler[str]:
    settings: dict[str, object] = {
        "workers": 4,
        "per_host": 2,
        "host_delay_s": 1.0,
        "linger_after_s": 10.0,
        "give_up_after": 3,
    }
    settings.update(options)
    return HostScheduler(clock=clock, **settings)  # type: ignore[arg-type]


def start_all(s: HostScheduler[str]) -> list[tuple[int, str]]:
    started = []
    while (item := s.next()) is not None:
        started.append(item)
    return started


def test_a_host_gets_its_limit_and_its_delay_while_other_hosts_go_on() -> None:
    clock = Clock()
    s = scheduler(clock, per_host=2, host_delay_s=1.0)
    for n in range(3):
        s.add("a.example", f"a{n}")
    s.add("b.example", "b0")
    first = start_all(s)
    # One from each host now: the second of a.example waits for the polite delay.
    assert sorted(item for _, item in first) == ["a0", "b0"]
    assert s.next_wake() == 1.0
    clock.now = 1.0
    assert [item for _, item in start_all(s)] == ["a1"]
    clock.now = 2.0
    assert start_all(s) == []  # two of a.example are under way: its limit
    token = next(t for t, item in first if item == "a0")
    s.finished("a.example", token)
    assert [item for _, item in start_all(s)] == ["a2"]


def test_items_without_a_host_ignore_politeness() -> None:
    clock = Clock()
    s = scheduler(clock, workers=3, per_host=1, host_delay_s=60.0)
    for n in range(5):
        s.add("", f"local{n}")
    assert len(start_all(s)) == 3  # only the worker count limits them


def test_stalling_hosts_move_aside_and_never_take_every_worker() -> None:
    clock = Clock()
    s = scheduler(clock, workers=2, per_host=2, host_delay_s=0.0, slow_workers=2)
    for host in ("stall-1", "stall-2"):
        for n in range(4):
            s.add(host, f"{host}/{n}")
    for n in range(6):
        s.add("fine", f"fine/{n}")
    started = start_all(s)
    assert sorted(item.split("/")[0] for _, item in started) == ["stall-1", "stall-2"]
    assert s.next() is None  # both workers are busy
    clock.now = 11.0  # those requests now linger: the workers are free for other hosts
    more = start_all(s)
    assert [item.split("/")[0] for _, item in more] == ["fine", "fine"]
    # A lingering host gets no second request, even with a thread to spare.
    s.finished("fine", more[0][0])
    assert [item.split("/")[0] for _, item in start_all(s)] == ["fine"]


def test_a_host_that_never_answers_is_given_up_after_timeouts_in_a_row() -> None:
    clock = Clock()
    s = scheduler(clock, workers=4, per_host=1, host_delay_s=0.0, give_up_after=3)
    for n in range(6):
        s.add("dead.example", f"d{n}")
    for attempt in range(3):
        (token, _item), *_ = start_all(s)
        clock.now += 30.0
        s.finished("dead.example", token, timed_out=True)
        if attempt < 2:
            assert not s.is_dead("dead.example")
    assert s.is_dead("dead.example")
    assert sorted(item for _, item in s.take_abandoned()) == ["d3", "d4", "d5"]
    assert s.idle


def test_a_timeout_while_the_host_answers_other_pages_is_that_page_s_own() -> None:
    clock = Clock()
    s = scheduler(clock, workers=4, per_host=4, host_delay_s=0.0, give_up_after=2)
    for n in range(4):
        s.add("busy.example", f"p{n}")
    started = start_all(s)
    clock.now = 1.0
    s.finished("busy.example", started[0][0])  # an answer
    clock.now = 30.0
    for token, _ in started[1:]:
        s.finished("busy.example", token, timed_out=True)
    assert not s.is_dead("busy.example")  # it answered while these were running


def test_retries_wait_for_their_time_and_a_hold_delays_the_whole_host() -> None:
    clock = Clock()
    s = scheduler(clock, host_delay_s=0.0)
    s.add("a.example", "a0")
    s.add("a.example", "a1")
    (token, item), *rest = start_all(s)
    s.finished("a.example", token)
    for other, _ in rest:
        s.finished("a.example", other)
    s.retry("a.example", item, not_before=5.0)
    s.hold("a.example", until=8.0)
    assert s.next_wake() == 5.0 and not s.idle
    clock.now = 5.0
    assert s.next() is None  # back in the queue, but the host asked to wait
    clock.now = 8.0
    assert [i for _, i in start_all(s)] == [item]
