"""Long work off the main thread: a pool runs it, results come back on the main thread.

A task is a callable `fn(progress: Progress) -> T`. It reports progress and checks
`progress.cancelled` to stop early (raising `Cancelled`). Tests swap the pool for the
synchronous runner, so the same code runs deterministically without threads.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

T = TypeVar("T")


class Cancelled(Exception):
    """Raised inside a task when the user pressed Cancel."""


class Progress:
    """What a task sees: report steps, read cancellation. Thread-safe."""

    def __init__(self) -> None:
        self._cancel = threading.Event()
        self.report: Callable[[int, int, str], None] = lambda done, total, text: None

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def __call__(self, done: int, total: int, text: str = "") -> None:
        self.check()
        self.report(done, total, text)


class _Signals(QObject):
    progressed = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object, str)
    cancelled = Signal()


class Task(QRunnable, Generic[T]):
    def __init__(self, fn: Callable[[Progress], T]) -> None:
        super().__init__()
        self.fn = fn
        self.progress = Progress()
        self.signals = _Signals()
        self.progress.report = self.signals.progressed.emit

    @Slot()
    def run(self) -> None:
        try:
            result = self.fn(self.progress)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as error:  # delivered to the main thread, shown to the user there
            self.signals.failed.emit(error, traceback.format_exc())
        else:
            self.signals.finished.emit(result)


class TaskRunner(QObject):
    """Runs tasks on a thread pool; `synchronous=True` runs them inline (tests)."""

    def __init__(self, parent: QObject | None = None, *, synchronous: bool = False) -> None:
        super().__init__(parent)
        self.synchronous = synchronous
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max(2, QThreadPool.globalInstance().maxThreadCount()))
        self._live: set[Task[Any]] = set()

    def submit(
        self,
        fn: Callable[[Progress], T],
        *,
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException, str], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
    ) -> Task[T]:
        task: Task[T] = Task(fn)
        conn = (
            Qt.ConnectionType.QueuedConnection
            if not self.synchronous
            else Qt.ConnectionType.DirectConnection
        )
        if on_done is not None:
            task.signals.finished.connect(on_done, conn)
        if on_error is not None:
            task.signals.failed.connect(on_error, conn)
        if on_cancel is not None:
            task.signals.cancelled.connect(on_cancel, conn)
        if on_progress is not None:
            task.signals.progressed.connect(on_progress, conn)
        self._live.add(task)
        done = lambda *_: self._live.discard(task)  # noqa: E731
        task.signals.finished.connect(done, conn)
        task.signals.failed.connect(done, conn)
        task.signals.cancelled.connect(done, conn)
        task.setAutoDelete(False)
        if self.synchronous:
            task.run()
        else:
            self.pool.start(task)
        return task

    def with_progress(
        self,
        parent: QWidget,
        title: str,
        fn: Callable[[Progress], T],
        *,
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException, str], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
    ) -> Task[T]:
        """Run `fn` with a modal progress dialog whose Cancel stops it; the window stays live."""
        dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
        dialog.setWindowTitle("Steward Desk")
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)

        def progressed(done: int, total: int, text: str) -> None:
            dialog.setMaximum(max(total, 0))
            dialog.setValue(done)
            if text:
                dialog.setLabelText(text)

        def finish(callback: Callable[..., None] | None) -> Callable[..., None]:
            def wrapped(*args: Any) -> None:
                dialog.close()
                dialog.deleteLater()
                if callback is not None:
                    callback(*args)

            return wrapped

        task = self.submit(
            fn,
            on_done=finish(on_done),
            on_error=finish(on_error),
            on_cancel=finish(on_cancel),
            on_progress=progressed,
        )
        dialog.canceled.connect(task.progress.cancel)
        return task

    def wait(self, msecs: int = 30_000) -> bool:
        return self.pool.waitForDone(msecs)


class LatestRead:
    """Reads for one view on the runner's threads, showing only the newest one's result: a
    slower, older read that finishes last is dropped, not shown over a newer one. Without a
    runner it reads at once, on the calling thread."""

    def __init__(self, runner: TaskRunner | None) -> None:
        self.runner = runner
        self._asked = 0
        self._shown = 0

    @property
    def pending(self) -> bool:
        """A read was asked for and its result is not shown yet."""
        return self._shown < self._asked

    def forget(self) -> None:
        """Show nothing of the reads still running (the view moved on to nothing)."""
        self._asked += 1
        self._shown = self._asked

    def read(
        self,
        fn: Callable[[], T],
        show: Callable[[T], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        self._asked += 1
        wanted = self._asked

        def done(value: T) -> None:
            if wanted == self._asked:
                self._shown = wanted
                show(value)

        def error(problem: BaseException, _trace: str) -> None:
            if wanted == self._asked:
                self._shown = wanted
                failed(problem)

        if self.runner is None:
            try:
                value = fn()
            except Exception as problem:  # shown in the view, as a worker's would be
                error(problem, "")
            else:
                done(value)
            return
        self.runner.submit(lambda _progress: fn(), on_done=done, on_error=error)
