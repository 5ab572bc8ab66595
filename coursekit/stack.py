"""Seeds that cost less: train the seeds of one config together, as K independent members of one Keras model.

Why it pays for tiny models. A training step of the course's small CNN on 32 digits is a handful of small
ops; on 2 CPU cores most of a step is fixed cost (the Python and tf.function call, the input pipeline's
hand-over, the optimizer's bookkeeping, launching each op). Eight separate runs pay that cost eight times per
step; a stack of eight pays it once per step for eight members, whose ops then each have a little more to do.
The bigger the model and its batches, the less there is to gain: a step that already keeps the cores busy
cannot get cheaper by sharing its overhead. Measured on 2 idle CPU cores (benchmarks/seeds.py, 2026-12-08): one
training step of the CNN already keeps 1.3 of the 2 cores busy, so eight members' steps cost 4.9 times one step
(1.6x per seed), and a whole ``compare`` (tracing K members, data, evaluation) gained 1.1-1.3x at K = 8, within
its noise; hence ``stack=False`` stays ``compare``'s default. On a GPU, where one tiny model leaves the device
mostly idle, the share of fixed cost is far larger. Two costs are not shared in this exact form: tracing (Keras traces
one graph with K members' ops, about the work of tracing K separate models) and each member's arithmetic (K
small convolutions stay K ops, so rounding stays a separate run's). A fused form (grouped convolutions, batched
matmuls) would share those too, at the price of other rounding; it is not offered here.

How a member maps to a separate run. ``ck.train.compare(..., stack="auto")`` (off by default, see above) builds member i with the very
function that builds the separate run of seed s_i (``train.setup_run``), right after
``keras.utils.set_random_seed(s_i)``, so it has

- the same initial weights, layer seeds (Dropout, model-placement augmentation layers, the fused "step"
  augmentation) and training subset (``subset="per seed"`` draws it with s_i);
- the same input pipeline: ``pipeline.make_dataset(..., seed=s_i)``, built while TensorFlow's global seed is s_i,
  which ``Dataset.shuffle`` and ``Dataset.random`` combine with their op seed, so batch order and every
  augmentation draw (MixUp and CutMix included) are the separate run's. The members' pipelines are zipped;
- its own optimizer state: one Adam over every member's variables is K Adams, because Adam keeps its moments per
  variable, and the gradient of a sum of losses with respect to member i's weights is member i's gradient
  (the other terms do not depend on them). The step counter is shared, and every member steps every step;
- its own early stopping: each member has its own ``keras.callbacks.EarlyStopping`` (and clean-accuracy
  callback) fed with its own logs. A member that stops keeps being computed while others train, but its
  weights are put back to its best epoch (the snapshot EarlyStopping keeps), its history ends at the epoch it
  stopped, and its ``steps`` are counted up to then: exactly what its separate run returns. The stack stops
  when every member has stopped;
- its own row in ``Results.runs`` (``stacked`` = K; ``seconds`` is the whole stack's time).

On CPU in float32 the members' weights equal the separate runs' bit for bit (tests/test_stack.py), so lesson
1's glass box still matches. One difference, in the logs only: a member's ``loss`` and ``val_loss`` histories
are Keras's per-output loss trackers, which average the batches' losses without weighting by batch size and
leave out the weight-decay penalty (it is in the stack's total loss, and in the training); accuracies are exact.

Mixed precision. Keras wraps the stack's optimizer in ONE LossScaleOptimizer: a step in which any member's
gradients overflow is skipped for all of them, and they share one scale. That couples members only through
rare skipped steps (a few at the start, while the scale finds its level, then about one in 2000), never through
the weights; mixed precision runs on GPUs, where runs are not bit-exact anyway, and the course uses it for
speed, not for the figures the tests pin down. So the shared scale is kept: per-member scales would need a
hand-written train step for every backend.

The stacked model (``stack_models``) and its training step are plain Keras (a functional model with K inputs
and K outputs, Keras's own ``fit``), so they run on the JAX backend too (benchmarks/seeds.py); ``fit_seeds``
feeds it with tf.data, as ``compare`` does. This module imports TensorFlow only inside ``fit_seeds``.
"""
import os
import time

import keras
import numpy as np

MAX_MEMBERS = 16                  # the most seeds "auto" stacks in one model
GPU_BUDGET_BYTES = 2 * 1024 ** 3  # what "auto" lets one stack use on a GPU (the CPU's budget is 1/4 of free RAM)


def stack_models(members, labels=None, name=None):
    """One Keras model of K independent members: inputs {"x0": ..., }, outputs {"m0": ..., } (member i on input i).

    A Keras model's parts need distinct names: member i is renamed "<its name>_<labels[i]>" (default: i)."""
    if not members:
        raise ValueError("stack_models needs at least one member model.")
    for i, m in enumerate(members):
        m.name = f"{m.name}_{labels[i] if labels is not None else i}"
    inputs = {f"x{i}": keras.Input(tuple(m.inputs[0].shape[1:]), name=f"x{i}") for i, m in enumerate(members)}
    outputs = {f"m{i}": m(inputs[f"x{i}"]) for i, m in enumerate(members)}
    return keras.Model(inputs, outputs, name=name or f"stack_of_{len(members)}")


def compile_like(stacked, member):
    """Compile a stack as its members are compiled: the same optimizer settings (one instance, its state per
    variable), each output with the member's loss and accuracy."""
    opt = member.optimizer
    inner = getattr(opt, "inner_optimizer", opt)  # under mixed precision, compile wraps it in a LossScaleOptimizer
    n = len(stacked.outputs)
    stacked.compile(optimizer=inner.__class__.from_config(inner.get_config()),
                    loss={f"m{i}": member.loss for i in range(n)},
                    metrics={f"m{i}": ["accuracy"] for i in range(n)})
    return stacked


def member_bytes(model, batch_size):
    """A rough memory estimate of one member while it trains: weights, gradients and Adam's two moments, and
    the activations of a batch kept for the backward pass (counted three times: forward, backward, spare)."""
    activations = 0
    for layer in model.layers:
        try:
            outs = keras.tree.flatten(layer.output)
        except (AttributeError, ValueError):  # a layer used more than once, or never called symbolically
            continue
        activations += sum(int(np.prod([d or 1 for d in t.shape[1:]])) for t in outs)
    return 4 * (4 * model.count_params() + 3 * batch_size * activations)


def memory_budget():
    """Bytes one stack may use: GPU_BUDGET_BYTES with a GPU, else a quarter of the free RAM."""
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        if tf.config.list_logical_devices("GPU"):
            return GPU_BUDGET_BYTES
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 4
    except (ValueError, OSError, AttributeError):  # no sysconf (Windows): assume 1 GiB free
        return 1024 ** 3 // 4


def members_per_stack(size, n_seeds):
    """The most seeds one stack takes: ``size`` if a number, else ("auto") MAX_MEMBERS; "auto" takes fewer
    where they would not fit memory_budget() (Stack stops adding members there)."""
    if size is True or size == "auto":
        return int(min(n_seeds, MAX_MEMBERS))
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"stack must be 'auto', False or a positive number of seeds per model; got {size!r}.")
    return int(min(size, n_seeds))


class _Members(keras.callbacks.Callback):
    """Runs each member's own callbacks on its own logs ("m3_accuracy" -> "accuracy" for member 3), keeps its
    history until it stops, and stops the stack when every member has stopped."""

    def __init__(self, members, callbacks, bar, label, epochs):
        super().__init__()
        self.members, self.callbacks, self.bar, self.label, self.epochs = members, callbacks, bar, label, epochs
        self.histories = [{} for _ in members]
        self.steps = [0] * len(members)
        self.stopped = [False] * len(members)

    def on_train_begin(self, logs=None):
        for member, callbacks in zip(self.members, self.callbacks):
            member.stop_training = False
            for cb in callbacks:
                cb.set_model(member)
                cb.on_train_begin()

    def member_logs(self, i, logs):
        if len(self.members) == 1:  # one output: Keras logs it without a prefix
            return {key: float(value) for key, value in logs.items()}
        out = {}
        for key, value in logs.items():
            for prefix, to in ((f"m{i}_", ""), (f"val_m{i}_", "val_")):
                if key.startswith(prefix):
                    out[to + key[len(prefix):]] = float(value)
        return out

    def on_epoch_end(self, epoch, logs=None):
        steps = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))
        self.bar.update(self.stopped.count(False))  # one epoch for each member that trained in this one
        for i, member in enumerate(self.members):
            if self.stopped[i]:
                continue
            own = self.member_logs(i, logs or {})
            for cb in self.callbacks[i]:
                cb.on_epoch_end(epoch, own)
            for key, value in own.items():
                self.histories[i].setdefault(key, []).append(float(value))
            self.steps[i] = steps
            self.stopped[i] = bool(member.stop_training)
        active = self.stopped.count(False)
        self.bar.set_postfix_str(f"{self.label} | {active} training", refresh=False)
        if not active:
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        for callbacks in self.callbacks:
            for cb in callbacks:
                cb.on_train_end()  # EarlyStopping puts its member back to its best epoch
        self.bar.update(sum(self.epochs - len(h.get("loss", ())) for h in self.histories))


def _zipped(datasets, val_ds):
    """The members' training pipelines zipped into one (inputs "x<i>", targets "m<i>"); validation replicated."""
    import tensorflow as tf

    def named(*batches):
        return ({f"x{i}": b[0] for i, b in enumerate(batches)}, {f"m{i}": b[1] for i, b in enumerate(batches)})

    k = len(datasets)
    train = tf.data.Dataset.zip(tuple(datasets)).map(named).prefetch(tf.data.AUTOTUNE)
    val = val_ds.map(lambda x, y: ({f"x{i}": x for i in range(k)}, {f"m{i}": y for i in range(k)}))
    return train, val


class Stack:
    """K seeds of one config, ready to train together: ``model`` (the stack), ``members`` (plain Keras models,
    member i is seed ``seeds[i]``), ``train_ds`` (the members' pipelines zipped), ``val_ds``, and per member its
    ``datas`` (coursekit.data.Dataset), ``sizes`` (training examples) and ``callbacks``."""

    def __init__(self, cfg, seeds, get_data, setup, strategy, budget=None):
        self.seeds, self.datas, parts = [], [], []
        for seed in seeds:  # with a memory budget in bytes: only the first seeds whose members fit in it
            each = member_bytes(parts[0][0], cfg["batch_size"]) if parts else 0
            if budget is not None and each * (len(parts) + 1) > budget:
                break
            self.seeds.append(seed)
            self.datas.append(get_data(cfg, seed))
            parts.append(setup(cfg, self.datas[-1], seed, strategy))  # seeds everything with this seed first
        self.members = [p[0] for p in parts]
        self.sizes = [len(p[1]) for p in parts]
        self.callbacks = [p[4] for p in parts]
        if len(set(self.sizes)) > 1:
            raise ValueError(f"The seeds {self.seeds} train on sets of different sizes {sorted(set(self.sizes))}; "
                             "stacked members must take the same steps: use compare(..., stack=False).")
        with strategy.scope():
            self.model = compile_like(stack_models(self.members, [f"seed{s}" for s in self.seeds]), self.members[0])
        self.train_ds, self.val_ds = _zipped([p[2] for p in parts], parts[0][3])


def fit_seeds(name, cfg, seeds, get_data, setup, row, bar, size="auto", callbacks=()):
    """Train one config with every seed, ``size`` seeds per stacked model; yield (row, history, model) per seed.

    get_data(cfg, seed), setup(cfg, data, seed, strategy) and row(...) are coursekit.train's: the same data,
    members and result rows as separate runs (``compare`` passes them in; this module sits below train).
    ``callbacks``: Keras callbacks of the whole stack's fit (compare's stop-button check).
    """
    from . import device

    strategy = device.strategy()
    k = members_per_stack(size, len(seeds))
    budget = memory_budget() if size is True or size == "auto" else None
    i = 0
    while i < len(seeds):
        st = Stack(cfg, seeds[i:i + k], get_data, setup, strategy, budget)
        i += len(st.seeds)
        yield from _fit(name, cfg, st, strategy, row, bar, callbacks)


def _fit(name, cfg, st, strategy, row, bar, callbacks=()):
    group = st.seeds
    label = f"{name} seeds {group[0]}-{group[-1]}" if len(group) > 1 else f"{name} seed {group[0]}"
    router = _Members(st.members, st.callbacks, bar, label, cfg["epochs"])
    start = time.perf_counter()
    st.model.fit(st.train_ds, validation_data=st.val_ds, epochs=cfg["epochs"], verbose=0,
                 callbacks=[router, *callbacks], shuffle=False)
    seconds = time.perf_counter() - start
    for j, seed in enumerate(group):
        hist = router.histories[j]
        yield (row(name, cfg, st.datas[j], seed, st.members[j], hist, seconds, st.sizes[j], router.steps[j],
                   strategy.num_replicas_in_sync, stacked=len(group)), hist, st.members[j])
