"""The stop button during training: it stops at the end of the batch that is running, every time, and says so in
one sentence (``stops.Interrupted``) instead of a Keras/TensorFlow traceback.

Jupyter's stop button sends SIGINT, whose usual handler raises KeyboardInterrupt wherever Python happens to be.
Inside ``model.fit`` that may be a weakref callback or a ``__del__``, where Python can only print "Exception
ignored in ..." and training runs on. ``guard()`` installs a handler for its duration that only notes the
press; the Keras callback ``StopAtBatchEnd`` checks it at the end of every batch, where raising is safe. A second
press before a batch has ended raises at once. The previous handler comes back when the guard ends, whatever
happens. Any loop that fits a model for a learner uses both (``coursekit.train`` does)::

    with interrupts.guard() as g:
        model.fit(ds, epochs=5, callbacks=[interrupts.StopAtBatchEnd(g)])
"""
import collections
import signal
import threading
import time
from contextlib import contextmanager

import keras

from .base.stops import Interrupted

LAST = None  # the last guard used: its ``batch_ends`` are the run's progress (tests read it)


class Guard:
    """The state of one guarded training: when stop was pressed, what is running, when each batch ended."""

    def __init__(self):
        self.pressed_at = None  # time.time() of the first press
        self.doing = "training"  # what is running, for the sentence: set by the training loop
        self.batch_ends = collections.deque(maxlen=100_000)  # time.time() at the end of each training batch

    def interrupted(self):
        return Interrupted(f"Stopped {self.doing} at your interrupt; running this cell again starts that "
                           "experiment again from its beginning.")

    def batch_done(self):
        self.batch_ends.append(time.time())
        self.check()

    def check(self):
        """Raise ``Interrupted`` if stop was pressed: call it where stopping leaves nothing half-done."""
        if self.pressed_at is not None:
            raise self.interrupted()


class StopAtBatchEnd(keras.callbacks.Callback):
    """The Keras callback of a guarded ``fit``: stops at the end of the batch running when stop was pressed."""

    def __init__(self, guard):
        super().__init__()
        self.guard = guard

    def on_train_batch_end(self, batch, logs=None):
        self.guard.batch_done()

    def on_test_batch_end(self, batch, logs=None):
        self.guard.check()

    def on_epoch_end(self, epoch, logs=None):
        self.guard.check()


_active = []  # the guard in force, if any (guards nest: the outermost one handles the signal)


@contextmanager
def guard():
    """Within it, SIGINT (Jupyter's stop button, Ctrl+C) asks the training to stop at its next ``check()``;
    outside the main thread, where no handler can be installed, interrupts behave as usual."""
    global LAST
    if _active:
        yield _active[-1]
        return
    g = LAST = Guard()
    if threading.current_thread() is not threading.main_thread():
        yield g
        return

    def on_sigint(signum, frame):
        if g.pressed_at is None:
            g.pressed_at = time.time()
            return
        raise g.interrupted()  # pressed again before a batch ended: stop now

    previous = signal.signal(signal.SIGINT, on_sigint)
    _active.append(g)
    try:
        yield g
        g.check()  # pressed after the last batch
    finally:
        _active.remove(g)
        signal.signal(signal.SIGINT, previous)
