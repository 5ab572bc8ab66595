"""Training experiments: a small CNN, and ``run`` / ``compare`` over several seeds.

An experiment is a plain dict (a *config*); ``config()`` fills in defaults and checks it::

    cfg = ck.train.config(dataset="digits", n_per_class=30, augment="standard", epochs=30)
    res = ck.train.compare({"none": {**cfg, "augment": None}, "standard": cfg}, seeds=[0, 1, 2])
    res.summary          # one row per config: mean and spread over seeds
    res.runs             # one row per (config, seed)
    res.histories        # {name: [per-epoch metrics of each seed]}

"Train accuracy" in the tables is measured on the CLEAN training images after training, so the
train/validation gap compares like with like, augmented or not.
"""
import time
from dataclasses import dataclass, field
from functools import lru_cache

import keras
import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from . import augment as augment_lib
from . import data as data_lib
from . import device, interrupts, pipeline
from . import stack as stack_lib
from .models import BUILDERS, build_cnn, build_cnn1d, build_resnet  # noqa: F401  (ck.train.build_cnn)
from .models import CleanTrainAccuracy, predicted_classes  # noqa: F401  (ck.train.predicted_classes)
from .base import validate
from .base import verdict as verdict_lib
from .base.dataset import balanced_subset

DEFAULTS = dict(
    dataset="digits",      # a name for coursekit.data.load, or a coursekit.data.Dataset
    n_per_class=None,      # small balanced training subset (None: all)
    image_size=None,       # None: the dataset's default
    data_seed=0,           # fixes the train / validation / test split (the same for every seed)
    subset="per seed",     # "per seed": each seed draws its own n_per_class training subset from the training
                           # split (the spread over seeds then includes which examples you happened to have);
                           # "fixed": one subset for every seed, drawn with data_seed
    augment=None,          # None, preset name, strength, ImageAugment, LabelAwareFlip or a layer
    augment_in="auto",     # "auto": "step" for an ImageAugment, "pipeline" for anything else; "pipeline": a
                           # tf.data map, per example; "model": Keras preprocessing layers in the model;
                           # "step": the ImageAugment's fused batch op inside the training step (cheapest)
    static_copies=0,       # > 0: augment ONCE, add that many fixed copies, no on-the-fly augmentation
    batch_augment=None,    # "mixup", "cutmix" or None
    model="cnn",           # "cnn", "cnn1d", "resnet", or a function (input_shape, num_classes, cfg) -> keras.Model
    width=32,              # filters in the first convolution
    dropout=0.0,
    weight_decay=0.0,      # L2 factor on the weights
    epochs=30,            # the most epochs a run trains
    early_stopping=None,  # patience in epochs: stop once validation accuracy has not improved for that many
                          # epochs, and keep the weights of its best epoch (None: train every epoch, keep the last)
    batch_size=32,
    learning_rate=1e-3,
)


PLACEMENTS = ("auto", "pipeline", "model", "step")
SUBSETS = ("per seed", "fixed")


def placement(cfg, data):
    """Where a config's augmentation runs: 'pipeline', 'model' or 'step' ('auto' resolved), or None."""
    aug = augment_lib.resolve(cfg["augment"], data.kind) if not cfg["static_copies"] else None
    if aug is None:
        return None
    where = cfg["augment_in"]
    if where == "auto":
        where = "step" if isinstance(aug, augment_lib.ImageAugment) else "pipeline"
    if where == "step" and not isinstance(aug, augment_lib.ImageAugment):
        raise ValueError(f"augment_in='step' runs an ImageAugment's fused op; {type(aug).__name__} runs in "
                         "the pipeline ('pipeline') or, for a Keras layer, in the model ('model').")
    return where


def config(**settings):
    """A checked experiment config: DEFAULTS updated with your settings."""
    unknown = set(settings) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"Unknown config setting(s) {sorted(unknown)}: known settings are {sorted(DEFAULTS)}.")
    cfg = {**DEFAULTS, **settings}
    validate.positive_int(cfg["epochs"], "epochs")
    validate.positive_int(cfg["batch_size"], "batch_size")
    validate.positive_int(cfg["width"], "width")
    validate.positive_int(cfg["static_copies"], "static_copies", allow_zero=True)
    if cfg["early_stopping"] is not None:
        validate.positive_int(cfg["early_stopping"], "early_stopping")
    validate.fraction(cfg["dropout"], "dropout", 0.0, 0.95)
    validate.fraction(cfg["weight_decay"], "weight_decay", 0.0, 1.0)
    validate.fraction(cfg["learning_rate"], "learning_rate", 1e-7, 1.0)
    validate.one_of("augment_in", cfg["augment_in"], PLACEMENTS, what="augment_in")
    validate.one_of("subset", cfg["subset"], SUBSETS, what="subset")
    if not callable(cfg["model"]):
        validate.one_of("model", cfg["model"], tuple(BUILDERS), what="model")
    if not isinstance(cfg["dataset"], data_lib.Dataset):
        validate.one_of("dataset", cfg["dataset"], data_lib.NAMES, what="dataset")
    return cfg


def _build_model(cfg, data):
    aug = cfg["augment"]
    layers = None
    where = placement(cfg, data)
    if where in ("model", "step"):
        resolved = augment_lib.resolve(aug, data.kind)
        if isinstance(resolved, augment_lib.ImageAugment):
            layers = augment_lib.FusedAugment(resolved) if where == "step" else resolved.layers()
        else:  # a Keras layer: it computes in float32 (mixed_float16 too), the model's first layer casts its output
            layers = augment_lib.in_float32(resolved)
    if callable(cfg["model"]):
        model = cfg["model"](data.input_shape, data.num_classes, cfg)
        if layers is not None:  # your model, with the augmentation layers in front
            inputs = keras.Input(data.input_shape)
            model = keras.Model(inputs, model(layers(inputs)), name=f"augmented_{model.name}")
    else:
        model = BUILDERS[cfg["model"]](data.input_shape, data.num_classes, width=cfg["width"], dropout=cfg["dropout"],
                        weight_decay=cfg["weight_decay"], augmentation=layers)
    one_hot = cfg["batch_augment"] is not None
    model.compile(optimizer=keras.optimizers.Adam(cfg["learning_rate"]),
                  loss="categorical_crossentropy" if one_hot else "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


# ---------------------------------------------------------------- data

@lru_cache(maxsize=16)
def _load_cached(name, image_size, data_seed):
    return data_lib.load(name, image_size=image_size, seed=data_seed)


@lru_cache(maxsize=64)
def _subset_cached(name, image_size, data_seed, n_per_class, subset_seed):
    full = _load_cached(name, image_size, data_seed)
    return _with_subset(full, n_per_class, subset_seed)


def _with_subset(full, n_per_class, subset_seed):
    from dataclasses import replace

    x, y = balanced_subset(full.x_train, full.y_train, n_per_class, subset_seed, full.name)
    return replace(full, x_train=x, y_train=y, notes={**full.notes, "n_per_class": n_per_class,
                                                      "subset_seed": subset_seed})


def get_data(cfg, seed=None):
    """The Dataset a config trains on with training seed ``seed`` (loaded once, reused across configs).

    The validation and test splits are the same for every seed (``data_seed``). With ``n_per_class`` and
    ``subset="per seed"`` the training subset is drawn with the run's seed, so seeds vary the data as well as
    the initial weights, the batch order and the augmentation draws; seed None (or ``subset="fixed"``) draws it
    with ``data_seed``. For seed 0 and data_seed 0 it is the subset ``ck.data.load(name, n_per_class)`` gives.
    """
    subset_seed = seed if (seed is not None and cfg["subset"] == "per seed") else cfg["data_seed"]
    if isinstance(cfg["dataset"], data_lib.Dataset):
        if cfg["n_per_class"] is None:
            return cfg["dataset"]
        return _with_subset(cfg["dataset"], cfg["n_per_class"], subset_seed)
    if cfg["n_per_class"] is None:
        return _load_cached(cfg["dataset"], cfg["image_size"], cfg["data_seed"])
    return _subset_cached(cfg["dataset"], cfg["image_size"], cfg["data_seed"], cfg["n_per_class"], subset_seed)


def subset_fingerprint(data):
    """A short id of a training set's content: equal for the same examples in the same order."""
    import hashlib

    return hashlib.sha1(np.ascontiguousarray(data.x_train).tobytes() + data.y_train.tobytes()).hexdigest()[:10]


def _training_arrays(cfg, data, seed):
    x, y = data.x_train, data.y_train
    if cfg["static_copies"] and cfg["augment"] is not None:
        copies = [pipeline.augment_once(x, cfg["augment"], seed=seed * 1000 + i, kind=data.kind)
                  for i in range(cfg["static_copies"])]
        x = np.concatenate([x] + copies)
        y = np.concatenate([y] * (cfg["static_copies"] + 1))
    return x, y


# ---------------------------------------------------------------- running

class _ProgressBar(keras.callbacks.Callback):
    """One tqdm bar per run: renders as a widget in JupyterLab and as text in plain logs."""

    def __init__(self, bar, label):
        super().__init__()
        self.bar, self.label = bar, label

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.bar.set_postfix_str(f"{self.label} | acc {logs.get('accuracy', 0):.2f} "
                                 f"val {logs.get('val_accuracy', 0):.2f}", refresh=False)
        self.bar.update(1)


def _accuracy(model, x, y):
    if len(x) == 0:
        return float("nan")
    return float((predicted_classes(model, x) == y).mean())


def setup_run(cfg, data, seed, strategy):
    """One seed's run, built in this order after seeding: (model, x, train_ds, val_ds, callbacks); each member
    of a coursekit.stack is built by this function too, so a member is this run."""
    keras.utils.set_random_seed(seed)
    with strategy.scope():
        model = _build_model(cfg, data)
    x, y = _training_arrays(cfg, data, seed)
    on_the_fly = cfg["augment"] if placement(cfg, data) == "pipeline" else None
    train_ds = pipeline.make_dataset(x, y, augment=on_the_fly, batch_size=cfg["batch_size"], training=True,
                                     seed=seed, kind=data.kind, batch_augment=cfg["batch_augment"],
                                     num_classes=data.num_classes)
    val_ds = pipeline.make_dataset(data.x_val, data.y_val, batch_size=256, training=False, kind=data.kind,
                                   batch_augment=cfg["batch_augment"], num_classes=data.num_classes,
                                   cache=False)  # nothing random to cache before: a cache is a second copy
    callbacks = []
    if len(data.x_train) <= 5000:
        callbacks.append(CleanTrainAccuracy(data.x_train, data.y_train))
    if cfg["early_stopping"]:  # selects an epoch on validation: val_acc is then optimistic, test_acc is not
        callbacks.append(keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max", restore_best_weights=True,
                                                       patience=cfg["early_stopping"]))
    return model, x, train_ds, val_ds, callbacks


def _row(name, cfg, data, seed, model, history, seconds, n_train, steps, replicas, stacked=1):
    """A row of Results.runs; ``stacked`` > 1: one of that many members of a model, ``seconds`` the stack's."""
    epochs_run = len(history["loss"])
    train_acc = _accuracy(model, data.x_train, data.y_train)
    val_acc = _accuracy(model, data.x_val, data.y_val)
    return dict(name=name, seed=seed, train_acc=train_acc, val_acc=val_acc, gap=train_acc - val_acc,
                test_acc=_accuracy(model, data.x_test, data.y_test), epochs=cfg["epochs"],
                epochs_run=epochs_run, best_epoch=int(np.argmax(history["val_accuracy"])) + 1,
                seconds=seconds, images_per_sec=stacked * n_train * epochs_run / seconds, stacked=stacked,
                replicas=replicas, steps=steps,
                n_train=n_train, n_val=len(data.x_val), n_test=len(data.x_test), subset=subset_fingerprint(data))


def _fit_one(name, cfg, data, seed, bar, guard):
    strategy = device.strategy()
    model, x, train_ds, val_ds, callbacks = setup_run(cfg, data, seed, strategy)
    callbacks += [interrupts.StopAtBatchEnd(guard), _ProgressBar(bar, f"{name} seed {seed}")]
    start = time.perf_counter()
    hist = model.fit(train_ds, validation_data=val_ds, epochs=cfg["epochs"], verbose=0,
                     callbacks=callbacks, shuffle=False)  # the dataset shuffles itself, seeded
    seconds = time.perf_counter() - start
    history = {k: [float(v) for v in vals] for k, vals in hist.history.items()}
    bar.update(cfg["epochs"] - len(history["loss"]))  # the epochs early stopping skipped
    steps = int(keras.ops.convert_to_numpy(model.optimizer.iterations))
    row = _row(name, cfg, data, seed, model, history, seconds, len(x), steps, strategy.num_replicas_in_sync)
    return row, history, model


@dataclass
class Results:
    """What ``run`` and ``compare`` return. ``summary`` is the table to look at first."""

    runs: pd.DataFrame
    histories: dict = field(default_factory=dict)
    models: dict = field(default_factory=dict)

    @property
    def summary(self):
        """Mean and standard deviation over seeds, one row per config (in the order given)."""
        metrics = ["train_acc", "val_acc", "gap", "test_acc", "seconds", "images_per_sec"]
        g = self.runs.groupby("name", sort=False)
        out = g[metrics].agg(["mean", "std"])
        out.columns = [f"{m}_{s}" for m, s in out.columns]
        out.insert(0, "seeds", g.size())
        out.insert(1, "epochs", g["epochs"].first())
        return out

    def mean(self, name, metric):
        """Mean of one metric for one config, e.g. ``res.mean('standard', 'val_acc')``."""
        if name not in set(self.runs["name"]):
            raise KeyError(f"No config named {name!r}; configs here: {list(dict.fromkeys(self.runs['name']))}.")
        return float(self.runs.loc[self.runs["name"] == name, metric].mean())

    def verdict(self, a, b, metric="val_acc", higher_is_better=None, **margin):
        """The paired verdict on config ``b`` against config ``a`` (coursekit.base.verdict), seed by seed.

        For 'gap' lower is better; for accuracies higher is better (override with higher_is_better).
        ``margin=..., margin_reason=...``: the question's margin of interest, as in ``coursekit.verdict.paired``.
        """
        per_seed = {}
        for name in (a, b):
            self.mean(name, metric)  # a clear KeyError for an unknown name
            rows = self.runs[self.runs["name"] == name]
            per_seed[name] = dict(zip(rows["seed"], rows[metric]))
        seeds = [s for s in per_seed[a] if s in per_seed[b]]
        if higher_is_better is None:
            higher_is_better = metric not in ("gap", "seconds")
        notes = {"pairs": "seeds", "seeds": [int(s) for s in seeds]}
        rows = self.runs[self.runs["name"].isin([a, b]) & self.runs["seed"].isin(seeds)]
        if "subset" in rows:
            notes["subsets"] = int(rows.groupby("name")["subset"].nunique().min())
        eval_n = {"val_acc": "n_val", "test_acc": "n_test"}.get(metric)
        if eval_n in rows:
            notes["n_eval"] = int(rows[eval_n].min())
        return verdict_lib.paired([per_seed[a][s] for s in seeds], [per_seed[b][s] for s in seeds], a=a, b=b,
                                  metric=metric, higher_is_better=higher_is_better, notes=notes, **margin,
                                  word="better" if metric != "seconds" else "faster")

    def _repr_html_(self):
        return self.summary.to_html(float_format=lambda v: f"{v:.3f}")

    def __repr__(self):
        return self.summary.to_string(float_format=lambda v: f"{v:.3f}")


def compare(configs, seeds=(0, 1, 2), keep_models=True, progress=True, order="config", stack=False):
    """Train every config with every seed; return Results (runs, summary, histories, models).

    configs: {name: config dict}; each dict is completed with ``config(**...)``.
    order:   "config" trains all seeds of one config, then the next config; "seed" trains every config of
             one seed back to back, then the next seed. Results are the same either way; for timings "seed"
             pairs runs that shared the machine's load at the same moment.
    stack:   False (the default: on 2 CPU cores stacking 8 seeds was not clearly faster, benchmarks/seeds.py;
             as order="seed" and a single seed): one model and fit per seed, each with its own ``seconds``; "auto"
             trains the seeds of a config as members of one model, as many as fit memory (coursekit.stack: the
             results of separate runs, exactly); a number: that many per model. A config
             whose ``augment`` is one Keras layer object trains seed by seed: its random state is shared.
    """
    if not isinstance(configs, dict) or not configs:
        raise TypeError("configs must be a non-empty dict {name: config}, e.g. {'none': cfg_a, 'standard': cfg_b}.")
    seeds = validate.seeds(seeds)
    checked = {str(name): config(**cfg) for name, cfg in configs.items()}
    total = sum(c["epochs"] for c in checked.values()) * len(seeds)
    rows, histories, models = [], {}, {}
    validate.one_of("order", order, ("config", "seed"), what="order")
    pairs = ([(name, seed) for name in checked for seed in seeds] if order == "config"
             else [(name, seed) for seed in seeds for name in checked])
    with interrupts.guard() as guard, tqdm(total=total, desc="training", unit="epoch", disable=not progress,
                                           mininterval=1.0) as bar:
        for name, (row, hist, model) in _fits(checked, seeds, pairs, bar, stack if order == "config" else False,
                                              guard):
            rows.append(row)
            histories.setdefault(name, []).append(hist)
            if keep_models:
                models.setdefault(name, []).append(model)
    runs = pd.DataFrame(rows)
    if order == "seed":  # rows, histories and models grouped by config as with order="config"
        runs = runs.sort_values("name", key=lambda col: col.map(list(checked).index), kind="stable")
        runs = runs.reset_index(drop=True)
    results = Results(runs, histories, models)
    _log_comparison(results, checked)
    return results


def _fits(checked, seeds, pairs, bar, stack, guard):
    """(name, (row, history, model)) of every run, in the order of ``pairs``; stacked per config unless stack=False.
    Every fit stops at the end of the running batch when the learner presses stop (coursekit.interrupts)."""
    if stack is False or (len(seeds) == 1 and stack in ("auto", True)):
        for i, (name, seed) in enumerate(pairs):
            guard.doing = f"training {name!r} with seed {seed} (run {i + 1} of {len(pairs)})"
            guard.check()
            yield name, _fit_one(name, checked[name], get_data(checked[name], seed), seed, bar, guard)
        return
    stack_lib.members_per_stack(stack, len(seeds))  # a clear error for a bad value, before any training
    for i, (name, cfg) in enumerate(checked.items()):
        if isinstance(cfg["augment"], keras.layers.Layer):  # one layer object, its random state shared by the
            # seeds (run after run): members would interleave its draws, so this config trains seed by seed
            yield from _fits({name: cfg}, seeds, [(name, s) for s in seeds], bar, False, guard)
            continue
        guard.doing = f"training {name!r} with seeds {list(seeds)} (config {i + 1} of {len(checked)})"
        guard.check()
        for out in stack_lib.fit_seeds(name, cfg, seeds, get_data, setup_run, _row, bar, size=stack,
                                       callbacks=[interrupts.StopAtBatchEnd(guard)]):
            yield name, out


COMPARE_LOG_ENV = "COURSEKIT_COMPARE_LOG"


def _log_comparison(results, checked):
    """Append one line per compare() call to the file named by COURSEKIT_COMPARE_LOG (set by the course
    runner): how many seeds, and how many distinct training subsets they drew, per config."""
    import json
    import os

    log = os.environ.get(COMPARE_LOG_ENV)
    if not log:
        return
    runs = results.runs
    entry = {"configs": {name: {"seeds": int((runs["name"] == name).sum()),
                                "subsets": int(runs.loc[runs["name"] == name, "subset"].nunique()),
                                "whole_training_split": cfg["n_per_class"] is None}
                         for name, cfg in checked.items()}}
    with open(log, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry) + "\n")


def run(cfg, seeds=(0, 1, 2), name="run", **kwargs):
    """Train one config with each seed. Same as ``compare({name: cfg}, seeds)``."""
    if not isinstance(cfg, dict):
        raise TypeError(f"run takes a config dict (see coursekit.train.config); got {type(cfg).__name__}.")
    return compare({name: cfg}, seeds=seeds, **kwargs)
