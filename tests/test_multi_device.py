"""ck.train trains under MirroredStrategy whenever several devices are visible, logical ones included.

Logical devices are fixed once TensorFlow starts, so the run happens in a subprocess of its own: it
splits the CPU into 2 logical devices and trains a few steps through ck.train.
"""
import json
import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import json
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    import coursekit as ck
    strategy = ck.device.strategy()
    cfg = ck.train.config(dataset="digits", n_per_class=4, epochs=2, batch_size=16, augment="standard")
    res = ck.train.run(cfg, seeds=[0], progress=False)
    row = res.runs.iloc[0]
    # two seeds stacked in one model (coursekit.stack), and the same two as separate runs, in one process
    stacked = ck.train.run(cfg, seeds=[0, 1], progress=False, keep_models=False, stack="auto").runs
    separate = ck.train.run(cfg, seeds=[0, 1], progress=False, keep_models=False, stack=False).runs
    print(json.dumps({"strategy": type(strategy).__name__, "in_sync": strategy.num_replicas_in_sync,
                      "replicas": int(row.replicas), "val_acc": float(row.val_acc),
                      "logical_cpus": len(tf.config.list_logical_devices("CPU")),
                      "stacked": stacked[["stacked", "replicas", "val_acc", "steps"]].values.tolist(),
                      "separate": separate[["stacked", "replicas", "val_acc", "steps"]].values.tolist()}))
""")


def test_two_logical_cpus_train_mirrored():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", CUDA_VISIBLE_DEVICES="")
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["logical_cpus"] == 2 and out["strategy"] == "MirroredStrategy"
    assert out["in_sync"] == 2 and out["replicas"] == 2
    assert 0.0 <= out["val_acc"] <= 1.0
    # stacked seeds train mirrored too, and each member is its separate run (a column differs: "stacked")
    assert [r[0] for r in out["stacked"]] == [2, 2] and [r[1] for r in out["stacked"]] == [2, 2]
    assert [r[1:] for r in out["stacked"]] == [r[1:] for r in out["separate"]]


def test_one_device_keeps_the_default_strategy():
    import coursekit as ck

    assert ck.device.strategy().num_replicas_in_sync == 1
