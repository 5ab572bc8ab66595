"""The stop button during training (coursekit.interrupts): it stops at the end of the running batch, every
time, shows one sentence, and the cell still ends in error.

In-process with a real SIGINT, and in a real IPython kernel driven by jupyter_client (interrupt_kernel sends
SIGINT, as JupyterLab's stop button does). The browser test is in test_interrupts_browser.py.
"""
import os
import signal
import threading
import time

import pytest

import coursekit as ck
from coursekit import interrupts
from coursekit.base.stops import Interrupted
import _kernel

# Small batches: about a hundred batches a second, so "stopped within one batch" is a tight check.
SLOW_CFG = "ck.train.config(dataset='digits', n_per_class=30, epochs=200, batch_size=8)"


def _press_once_training(done, batches=20, cap=120):
    """SIGINT this process once the running guard has seen ``batches`` batch ends (``cap`` s at most): a fixed
    delay pressed before the first batch on a loaded machine (tracing took longer than it)."""
    start = time.time()
    while not done.is_set() and time.time() - start < cap:
        guard = interrupts.LAST
        if guard is not None and guard.pressed_at is None and len(guard.batch_ends) >= batches:
            os.kill(os.getpid(), signal.SIGINT)
            return
        time.sleep(0.01)


def test_sigint_stops_training_at_the_end_of_the_running_batch():
    cfg = eval(SLOW_CFG)
    interrupts.LAST = None
    done = threading.Event()
    presser = threading.Thread(target=_press_once_training, args=(done,), daemon=True)
    before = signal.getsignal(signal.SIGINT)
    presser.start()
    try:
        with pytest.raises(Interrupted) as info:
            ck.train.compare({"plain": cfg}, seeds=[0, 1], progress=False)
    finally:
        done.set()
        presser.join()
    guard = interrupts.LAST
    after = [t for t in guard.batch_ends if t >= guard.pressed_at]
    assert len(guard.batch_ends) > len(after) and len(after) <= 1  # it was training, and stopped within a batch
    assert isinstance(info.value, KeyboardInterrupt) and not isinstance(info.value, Exception)
    msg = str(info.value)
    assert "'plain' with seed 0 (run 1 of 2)" in msg and "again" in msg and "\n" not in msg
    assert info.value._render_traceback_() == [f"Interrupted: {msg}"]
    assert signal.getsignal(signal.SIGINT) is before  # the learner's handler is back


def test_no_interrupt_leaves_everything_as_it_was():
    before = signal.getsignal(signal.SIGINT)
    res = ck.train.run(ck.train.config(dataset="digits", n_per_class=5, epochs=1), seeds=[0], progress=False)
    assert len(res.runs) == 1 and signal.getsignal(signal.SIGINT) is before


@pytest.fixture
def kernel(tmp_path):
    with _kernel.kernel(tmp_path) as km_kc:
        yield km_kc


def test_kernel_interrupt_three_times_stops_shows_one_sentence_and_fails_the_cell(kernel):
    km, kc = kernel
    _kernel.run(kc, f"import coursekit as ck\nfrom coursekit import interrupts\ncfg = {SLOW_CFG}", timeout=180)
    for attempt in range(3):
        msg_id = kc.execute("res = ck.train.compare({'plain': cfg, 'standard': {**cfg, 'augment': 'standard'}}, "
                            "seeds=[0, 1])")
        deadline = time.monotonic() + 120
        while True:  # until the progress bar (a widget) shows the first epoch done: training is under way
            msg = kc.get_iopub_msg(timeout=max(deadline - time.monotonic(), 0.1))
            value = msg["content"].get("data", {}).get("state", {}).get("value")
            if msg["parent_header"].get("msg_id") == msg_id and isinstance(value, float) and value >= 1:
                break
        time.sleep(0.5 * attempt)
        pressed = time.time()
        km.interrupt_kernel()
        reply, outputs = _kernel.collect(kc, msg_id, 60)  # 60 s only guards against a hang
        assert reply["status"] == "error" and reply["ename"] == "Interrupted"
        errors = [m["content"] for m in outputs if m["msg_type"] == "error"]
        assert len(errors) == 1 and len(errors[0]["traceback"]) == 1, errors
        sentence = errors[0]["traceback"][0]
        assert sentence.startswith("Interrupted: Stopped training 'plain'") and "\n" not in sentence
        assert not [m for m in outputs if m["msg_type"] == "stream" and m["content"]["name"] == "stderr"]
        progress = _kernel.run(kc, "print(interrupts.LAST.pressed_at, *interrupts.LAST.batch_ends)").split()
        kernel_pressed, ends = float(progress[0]), [float(t) for t in progress[1:]]
        assert kernel_pressed >= pressed and sum(t >= pressed for t in ends) <= 1
        assert sum(t < pressed for t in ends) >= 30  # it was training when stop was pressed: an epoch and more
        assert _kernel.run(kc, "print('res' in globals())").strip() == "False"
