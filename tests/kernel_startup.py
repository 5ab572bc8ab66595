"""Run by every IPython kernel the tests start (conftest.py points PYTHONSTARTUP here): log the kernel's start.

IPython executes PYTHONSTARTUP in the notebook's own namespace, so everything here lives in one function that
deletes itself: a notebook must not see a name it did not define. Plain (non-interactive) Python ignores
PYTHONSTARTUP, so pytest, papermill and JupyterLab are not affected; only kernels are counted. A kernel that
JupyterLab starts says which notebook it opened (JPY_SESSION_NAME); papermill's and nbval's kernels do not.
"""


def _coursekit_log_kernel_start():
    import json
    import os

    log = os.environ.get("COURSEKIT_EXECUTION_LOG")
    if not log:
        return
    entry = {"event": "kernel", "pid": os.getpid(), "parent_pid": os.getppid(),
             "session": os.environ.get("JPY_SESSION_NAME"), "cwd": os.getcwd()}
    with open(log, "a") as f:
        f.write(json.dumps(entry, sort_keys=True) + "\n")


try:
    _coursekit_log_kernel_start()
finally:
    del _coursekit_log_kernel_start
