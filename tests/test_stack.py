"""Stacked seeds (coursekit.stack) are separate runs, exactly: on CPU in float32 a member trained with seed s
starts, sees its data, augments, stops early and ends as compare(..., stack=False) with seed s does."""
import keras
import numpy as np
import pytest

import coursekit as ck

pytestmark = pytest.mark.slow  # minutes of training, once per CI run: in make test, on the pinned stack
SEEDS = [0, 1, 2]


@pytest.fixture(scope="module")
def tiny():
    return ck.train.config(dataset="digits", n_per_class=5, epochs=3, width=8)


def _stack(cfg, seeds=SEEDS):
    return ck.stack.Stack(cfg, seeds, ck.train.get_data, ck.train.setup_run, ck.device.strategy())


def _separate(cfg, seed):
    data = ck.train.get_data(cfg, seed)
    return data, ck.train.setup_run(cfg, data, seed, ck.device.strategy())


def _batches(ds, epochs=2):
    return [keras.tree.map_structure(np.asarray, batch) for _ in range(epochs) for batch in ds]


def test_members_start_from_their_own_seeds_weights_subset_and_batch_order(tiny):
    st = _stack(tiny)
    zipped = _batches(st.train_ds)
    for i, seed in enumerate(SEEDS):
        data, (model, _, train_ds, _, _) = _separate(tiny, seed)
        for a, b in zip(st.members[i].get_weights(), model.get_weights(), strict=True):
            np.testing.assert_array_equal(a, b)
        assert ck.train.subset_fingerprint(st.datas[i]) == ck.train.subset_fingerprint(data)
        own = _batches(train_ds)  # two epochs: the reshuffle of the second one too
        assert len(own) == len(zipped)
        for (x, y), (xs, ys) in zip(own, zipped):
            np.testing.assert_array_equal(x, xs[f"x{i}"])
            np.testing.assert_array_equal(y, ys[f"m{i}"])
    assert not np.array_equal(st.members[0].get_weights()[0], st.members[1].get_weights()[0])
    assert len({ck.train.subset_fingerprint(d) for d in st.datas}) == 3


def test_three_stacked_seeds_end_as_three_separate_runs(tiny):
    cfg = {**tiny, "augment": "standard", "epochs": 4}
    separate = ck.train.run(cfg, seeds=SEEDS, progress=False, stack=False)
    stacked = ck.train.run(cfg, seeds=SEEDS, progress=False, stack="auto")
    a, b = separate.runs, stacked.runs
    assert b["stacked"].tolist() == [3, 3, 3] and a["stacked"].tolist() == [1, 1, 1]
    assert b["seconds"].nunique() == 1  # the stack's time, on every member's row
    for col in ("seed", "val_acc", "train_acc", "test_acc", "steps", "subset", "epochs_run", "best_epoch"):
        assert b[col].tolist() == a[col].tolist(), col
    for ma, mb in zip(separate.models["run"], stacked.models["run"]):
        for wa, wb in zip(ma.get_weights(), mb.get_weights(), strict=True):
            np.testing.assert_array_equal(wa, wb)
    for ha, hb in zip(separate.histories["run"], stacked.histories["run"]):
        for key in ("accuracy", "val_accuracy", "train_clean_accuracy"):
            assert ha[key] == hb[key], key


def test_each_member_stops_at_its_own_best_epoch(tiny):
    cfg = {**tiny, "epochs": 15, "early_stopping": 2, "learning_rate": 3e-3}
    seeds = [0, 1, 2, 3]
    separate = ck.train.run(cfg, seeds=seeds, progress=False, stack=False, keep_models=False).runs
    stacked = ck.train.run(cfg, seeds=seeds, progress=False, keep_models=False, stack="auto").runs
    for col in ("epochs_run", "best_epoch", "val_acc", "steps", "test_acc"):
        assert stacked[col].tolist() == separate[col].tolist(), col
    assert (stacked["epochs_run"] == np.minimum(15, stacked["best_epoch"] + 2)).all()
    assert stacked["epochs_run"].nunique() > 1, "the members should stop at different epochs here"
    assert (stacked["steps"] == stacked["epochs_run"] * 2).all()  # 50 images in batches of 32


def _first_augmented(model, x):
    """What the model's first layers make of a batch while training (the batch itself without such layers)."""
    for layer in model.layers:
        if isinstance(layer, (ck.augment.FusedAugment, keras.layers.Pipeline)):
            return np.asarray(layer(x, training=True))
    return np.asarray(x)


@pytest.mark.parametrize("placement, batch_augment", [("pipeline", None), ("model", None), ("step", None),
                                                      ("pipeline", "mixup"), ("pipeline", "cutmix")])
def test_each_members_first_augmented_batch_is_its_separate_runs(tiny, placement, batch_augment):
    cfg = {**tiny, "augment": "standard", "augment_in": placement, "batch_augment": batch_augment}
    if batch_augment:
        cfg["augment"] = None
    st = _stack(cfg)
    xs, ys = next(iter(st.train_ds))
    stacked = [(_first_augmented(m, xs[f"x{i}"]), np.asarray(ys[f"m{i}"])) for i, m in enumerate(st.members)]
    for i, seed in enumerate(SEEDS):
        _, (model, _, train_ds, _, _) = _separate(cfg, seed)
        x, y = next(iter(train_ds))
        np.testing.assert_array_equal(stacked[i][0], _first_augmented(model, x))
        np.testing.assert_array_equal(stacked[i][1], np.asarray(y))
    clean = ck.train.get_data(cfg, 0).x_train
    assert not np.array_equal(stacked[0][0], stacked[1][0])
    assert stacked[0][0].shape[1:] == clean.shape[1:]
    if batch_augment:  # mixed labels: soft, and not the same mixes in two members
        assert stacked[0][1].ndim == 2 and not np.array_equal(stacked[0][1], stacked[1][1])


@pytest.mark.parametrize("settings", [dict(model="resnet", width=4), dict(dataset="synthetic_motions", model="cnn1d")])
def test_the_resnet_and_the_series_model_stack_exactly(tiny, settings):
    cfg = {**tiny, "epochs": 1, **settings}  # one epoch: tracing a ResNet is most of the cost
    a = ck.train.run(cfg, seeds=[0, 1], progress=False, stack=False, keep_models=False).runs
    b = ck.train.run(cfg, seeds=[0, 1], progress=False, keep_models=False, stack="auto").runs
    assert b["stacked"].tolist() == [2, 2]
    assert b["val_acc"].tolist() == a["val_acc"].tolist() and b["train_acc"].tolist() == a["train_acc"].tolist()


def test_stack_size_is_settable_and_checked(tiny):
    res = ck.train.run({**tiny, "epochs": 1}, seeds=SEEDS, progress=False, keep_models=False, stack=2)
    assert res.runs["stacked"].tolist() == [2, 2, 1]
    assert ck.stack.members_per_stack("auto", 40) == ck.stack.MAX_MEMBERS
    one = ck.stack.member_bytes(ck.train.build_cnn((16, 16, 1), 10, width=8), tiny["batch_size"])
    assert [len(_stack(tiny, SEEDS).seeds), len(ck.stack.Stack(tiny, SEEDS, ck.train.get_data, ck.train.setup_run,
                                                               ck.device.strategy(), budget=2.5 * one).seeds)] == [3, 2]
    with pytest.raises(ValueError, match="stack must be 'auto', False or a positive number"):
        ck.train.run(tiny, seeds=SEEDS, progress=False, stack=0)


def test_a_stack_trains_under_mixed_precision(tiny):
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        st = _stack({**tiny, "epochs": 1}, seeds=[0, 1])
        assert isinstance(st.model.optimizer, keras.optimizers.LossScaleOptimizer)  # one scale, see the docstring
        hist = st.model.fit(st.train_ds, validation_data=st.val_ds, epochs=1, verbose=0, shuffle=False).history
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert np.isfinite(hist["loss"][0]) and 0 <= hist["val_m1_accuracy"][0] <= 1


def test_the_seeds_benchmarks_jax_mode_says_when_jax_is_missing():
    """benchmarks/seeds.py's KERAS_BACKEND=jax mode needs no TensorFlow; where JAX is missing it says so."""
    import importlib.util
    import os
    import subprocess
    import sys
    from pathlib import Path

    if importlib.util.find_spec("jax") is not None:
        pytest.skip("JAX is installed: the mode measures for real (a GPU machine's job, not a test's)")
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "seeds.py"
    proc = subprocess.run([sys.executable, str(script), "--ks", "1"], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, KERAS_BACKEND="jax"))
    assert proc.returncode == 0 and "needs JAX, which is not installed" in proc.stdout, proc.stderr[-2000:]


def test_a_config_holding_one_layer_object_trains_seed_by_seed_as_before():
    """One Keras layer object in a config is shared by every seed's model, its random state carried from run to
    run; stacked members would interleave its draws. Such a config trains seed by seed, so its figures are those
    of separate runs made in order."""
    import keras

    def results(stack):
        keras.utils.set_random_seed(0)  # the layer draws its seed when it is made
        layer = keras.layers.RandomFlip("horizontal", seed=None)
        cfg = ck.train.config(dataset="digits", n_per_class=5, epochs=1, augment=layer, augment_in="model")
        return ck.train.run(cfg, seeds=[0, 1, 2], progress=False, stack=stack).runs

    stacked, separate = results("auto"), results(False)
    assert (stacked["stacked"] == 1).all()
    assert stacked[["seed", "train_acc", "val_acc", "test_acc"]].equals(separate[["seed", "train_acc", "val_acc", "test_acc"]])
