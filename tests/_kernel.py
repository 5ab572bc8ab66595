"""A real IPython kernel for tests, driven by jupyter_client as JupyterLab drives it (messages, interrupts)."""
import os
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def kernel(cwd, **env):
    """(KernelManager, client) of a python3 kernel of this environment, started in cwd (with ``env`` added to its
    environment), shut down after."""
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(cwd), env={**os.environ, "PYTHONPATH": str(ROOT), **env})
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def collect(kc, msg_id, timeout):
    """(execute_reply content, iopub messages of that execution)."""
    outputs, deadline = [], time.monotonic() + timeout
    while True:
        msg = kc.get_iopub_msg(timeout=max(deadline - time.monotonic(), 0.1))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
        outputs.append(msg)
    while True:  # its own reply (a reply to an earlier request, e.g. the kernel_info of wait_for_ready, is skipped)
        reply = kc.get_shell_msg(timeout=max(deadline - time.monotonic(), 10))
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"], outputs


def execute(kc, code, timeout=120):
    """(reply, outputs) of one cell."""
    return collect(kc, kc.execute(code), timeout)


def run(kc, code, timeout=120):
    """Run a cell that must succeed; return what it printed."""
    reply, outputs = execute(kc, code, timeout)
    assert reply["status"] == "ok", [m["content"] for m in outputs]
    return "".join(m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream")
