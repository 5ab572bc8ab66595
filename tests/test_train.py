"""coursekit.train: configs, reproducible runs, tables a lesson can rely on."""
import numpy as np
import pytest

import coursekit as ck


@pytest.fixture(scope="module")
def tiny():
    return ck.train.config(dataset="digits", n_per_class=5, epochs=2, width=8)


def test_run_returns_one_row_per_seed_with_the_promised_columns(tiny):
    res = ck.train.run(tiny, seeds=[0, 1], progress=False)
    cols = {"name", "seed", "train_acc", "val_acc", "gap", "test_acc", "epochs", "seconds", "images_per_sec"}
    assert cols <= set(res.runs.columns) and len(res.runs) == 2
    np.testing.assert_allclose(res.runs["gap"], res.runs["train_acc"] - res.runs["val_acc"])
    s = res.summary
    assert {"val_acc_mean", "val_acc_std", "gap_mean", "seeds"} <= set(s.columns) and s.loc["run", "seeds"] == 2
    hist = res.histories["run"][0]
    assert len(hist["val_accuracy"]) == 2 and "train_clean_accuracy" in hist
    assert len(res.models["run"]) == 2


def test_same_seed_same_numbers(tiny):
    cfg = {**tiny, "augment": "standard"}
    a = ck.train.run(cfg, seeds=[3], progress=False).runs
    b = ck.train.run(cfg, seeds=[3], progress=False).runs
    for col in ["train_acc", "val_acc", "test_acc"]:
        assert a[col].tolist() == b[col].tolist()


def test_seeds_draw_their_own_training_subset_and_share_the_evaluation_splits(tiny):
    per_seed = [ck.train.get_data(tiny, seed) for seed in (0, 1, 2)]
    assert len({ck.train.subset_fingerprint(d) for d in per_seed}) == 3
    for d in per_seed[1:]:
        np.testing.assert_array_equal(d.x_val, per_seed[0].x_val)
        np.testing.assert_array_equal(d.x_test, per_seed[0].x_test)
    assert np.bincount(per_seed[1].y_train).tolist() == [5] * 10  # still balanced
    # seed 0 trains on the subset ck.data.load gives; "fixed" gives every seed that one subset
    same = ck.data.load("digits", n_per_class=5)
    np.testing.assert_array_equal(per_seed[0].x_train, same.x_train)
    fixed = {**tiny, "subset": "fixed"}
    assert len({ck.train.subset_fingerprint(ck.train.get_data(fixed, s)) for s in (0, 1, 2)}) == 1
    # a whole Dataset plus n_per_class varies the subset too; a Dataset already cut cannot
    whole = {**tiny, "dataset": ck.data.load("digits")}
    assert len({ck.train.subset_fingerprint(ck.train.get_data(whole, s)) for s in (0, 1)}) == 2
    with pytest.raises(ValueError, match="Unknown subset"):
        ck.train.config(subset="random")


def test_runs_record_subset_steps_and_evaluation_sizes(tiny):
    res = ck.train.compare({"none": tiny, "static": {**tiny, "augment": "standard", "static_copies": 1}},
                           seeds=[0, 1, 2], progress=False)
    none, static = (res.runs[res.runs["name"] == n] for n in ("none", "static"))
    assert none["subset"].nunique() == 3 and none["subset"].tolist() == static["subset"].tolist()
    assert (static["steps"].to_numpy() == 2 * none["steps"].to_numpy()).all()  # twice the data, twice the steps
    assert (res.runs["n_val"] == 360).all() and (res.runs["n_train"] == [50] * 3 + [100] * 3).all()
    v = res.verdict("none", "static")
    assert v.notes["subsets"] == 3 and v.notes["n_eval"] == 360 and v.n == 3


def test_compare_keeps_config_order_and_mean_helper(tiny):
    res = ck.train.compare({"b": tiny, "a": {**tiny, "dropout": 0.5}}, seeds=[0], progress=False)
    assert list(res.summary.index) == ["b", "a"]
    assert res.mean("a", "val_acc") == pytest.approx(float(res.runs.loc[1, "val_acc"]))
    with pytest.raises(KeyError, match="No config named 'c'"):
        res.mean("c", "val_acc")


def test_model_augmentation_static_copies_and_mixup_run(tiny):
    res = ck.train.compare({
        "in_model": {**tiny, "augment": "standard", "augment_in": "model"},
        "static": {**tiny, "augment": "standard", "static_copies": 1},
        "mixup": {**tiny, "batch_augment": "mixup"},
    }, seeds=[0], progress=False)
    assert len(res.runs) == 3 and res.runs["val_acc"].between(0, 1).all()


@pytest.mark.parametrize("settings, err, words", [
    ({"epochs": -1}, ValueError, "epochs must be at least 1"),
    ({"epochs": 2.5}, TypeError, "epochs must be a whole number"),
    ({"dataset": "mnist"}, ValueError, "Unknown dataset"),
    ({"learnin_rate": 0.1}, ValueError, r"Unknown config setting\(s\) \['learnin_rate'\]"),
    ({"dropout": 1.0}, ValueError, "dropout must be between"),
    ({"model": "vgg"}, ValueError, "Unknown model"),
])
def test_bad_configs(settings, err, words):
    with pytest.raises(err, match=words):
        ck.train.config(**settings)


def test_bad_seeds_and_configs(tiny):
    with pytest.raises(ValueError, match="at least one seed"):
        ck.train.run(tiny, seeds=[])
    with pytest.raises(TypeError, match="non-empty dict"):
        ck.train.compare([tiny])


def test_build_cnn_outputs_probabilities():
    model = ck.train.build_cnn((16, 16, 1), 10, width=8)
    out = model.predict(np.zeros((2, 16, 16, 1), "float32"), verbose=0)
    assert out.shape == (2, 10)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, atol=1e-5)


def test_seed_first_order_gives_the_same_results_grouped_by_config(tiny):
    configs = {"b": tiny, "a": {**tiny, "dropout": 0.5}}
    by_config = ck.train.compare(configs, seeds=[0, 1], progress=False, keep_models=False).runs
    by_seed = ck.train.compare(configs, seeds=[0, 1], progress=False, keep_models=False, order="seed").runs
    assert by_seed["name"].tolist() == ["b", "b", "a", "a"] and by_seed["seed"].tolist() == [0, 1, 0, 1]
    assert by_seed["val_acc"].tolist() == by_config["val_acc"].tolist()
    with pytest.raises(ValueError, match="Unknown order"):
        ck.train.compare(configs, seeds=[0], order="random")


def test_early_stopping_keeps_the_best_epoch(tiny):
    cfg = {**tiny, "epochs": 12, "early_stopping": 2}
    res = ck.train.run(cfg, seeds=[0], progress=False)
    row, hist = res.runs.iloc[0], res.histories["run"][0]
    assert row["epochs_run"] == len(hist["val_accuracy"]) == min(12, row["best_epoch"] + 2)
    assert row["best_epoch"] == int(np.argmax(hist["val_accuracy"])) + 1
    assert row["val_acc"] == pytest.approx(max(hist["val_accuracy"]), abs=1e-6)  # the best epoch's weights
    assert row["steps"] == row["epochs_run"] * 2  # 50 images in batches of 32: 2 steps an epoch
    plain = ck.train.run(tiny, seeds=[0], progress=False).runs.iloc[0]
    assert plain["epochs_run"] == tiny["epochs"]
    with pytest.raises(ValueError, match="early_stopping must be at least 1"):
        ck.train.config(early_stopping=0)
