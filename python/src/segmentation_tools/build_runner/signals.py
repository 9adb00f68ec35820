"""The runner's interrupts go to dbt, and the runner waits for dbt to stop: a SIGTERM or Ctrl-C that ended only
the runner would leave dbt writing the warehouse with nobody reporting on it."""

from __future__ import annotations

import signal
import subprocess
from types import FrameType, TracebackType

FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class ForwardedSignals:
    """While open, SIGINT, SIGTERM and SIGHUP are passed on to the watched dbt process instead of ending the
    runner; received is the first one that came. A Ctrl-C in a terminal reaches dbt twice (the terminal signals
    the whole process group): dbt stops as on one."""

    def __init__(self) -> None:
        self.received: int | None = None
        self._process: subprocess.Popen | None = None
        self._previous: dict[int, object] = {}

    def to(self, process: subprocess.Popen) -> None:
        self._process = process
        if self.received is not None:  # came while dbt was starting
            self._forward(self.received, None)

    def _forward(self, signal_number: int, _frame: FrameType | None) -> None:
        self.received = self.received or signal_number
        process = self._process
        if process is not None and process.poll() is None:
            process.send_signal(signal_number)

    def __enter__(self) -> ForwardedSignals:
        for signal_number in FORWARDED:
            self._previous[signal_number] = signal.signal(signal_number, self._forward)
        return self

    def __exit__(
        self, _type: type[BaseException] | None, _value: BaseException | None, _traceback: TracebackType | None
    ) -> None:
        for signal_number, handler in self._previous.items():
            signal.signal(signal_number, handler)
