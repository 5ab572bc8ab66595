"""Pictures for the course. Every function draws a titled, labelled figure and returns it."""
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from . import augment as augment_lib
from .base import validate
from .models import predicted_classes


def _show(ax, img, title=None):
    img = np.asarray(img, dtype="float32")  # matplotlib draws no float16 (a layer's output under mixed_float16)
    if img.ndim == 3 and img.shape[-1] == 1:
        ax.imshow(img[..., 0], cmap="gray", vmin=0, vmax=1)
    else:
        ax.imshow(np.clip(img, 0, 1))
    ax.set_xticks([])
    ax.set_yticks([])
    if title is not None:
        ax.set_title(title, fontsize=9)


def show_images(images, labels=None, class_names=None, title="Images", ncols=8):
    """A grid of images with their class names underneath."""
    images = validate.images(images)
    n = len(images)
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    names = [None] * n
    if labels is not None:
        names = [class_names[int(v)] if class_names is not None else str(v) for v in labels]
    width = max(1.4, 0.09 * max((len(t) for t in names if t), default=0))  # room for long titles
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, (width + 0.3) * nrows + 0.4), squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i < n:
            _show(ax, images[i], names[i])
        else:
            ax.axis("off")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_augmentations(image, augment, n=8, seed=0, kind="photos", title=None):
    """The original image, then n augmented versions of it (seeded: the same seed, the same grid)."""
    image = validate.images(image, name="image", batched=False)
    validate.positive_int(n, "n")
    aug = augment_lib.resolve(augment, kind)
    seeds = tf.random.experimental.stateless_split(tf.constant([seed, 0], tf.int64), n)
    if aug is None:
        versions = [image] * n
    elif isinstance(aug, augment_lib.StatelessAugment) and not aug.uses_labels:
        versions = [aug(tf.constant(image), s).numpy() for s in seeds]
    else:
        aug = augment_lib.in_float32(aug)  # a Keras layer computes in float32 under mixed_float16 too
        versions = [np.asarray(aug(tf.constant(image), training=True)) for _ in range(n)]
    ncols = min(n + 1, 9)
    nrows = int(np.ceil((n + 1) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.6 * ncols, 1.7 * nrows + 0.5), squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i == 0:
            _show(ax, image, "original")
        elif i <= n:
            _show(ax, versions[i - 1], f"#{i}")
        else:
            ax.axis("off")
    fig.suptitle(title or f"Augmented versions: {getattr(aug, 'describe', lambda: repr(aug))()}", fontsize=10)
    fig.tight_layout()
    return fig


def learning_curves(histories, title="Learning curves", metric="accuracy"):
    """Train and validation curves per epoch, mean over seeds, with the train/validation gap shaded.

    histories: {name: [history dict per seed]} as in ``Results.histories`` (or one list of dicts).
    The train curve uses the CLEAN training accuracy when it was tracked.
    """
    if isinstance(histories, list):
        histories = {"run": histories}
    if not histories:
        raise ValueError("histories is empty: train something first (coursekit.train.compare).")
    fig, ax = plt.subplots(figsize=(7, 4))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, (name, runs) in enumerate(histories.items()):
        train_key = f"train_clean_{metric}" if f"train_clean_{metric}" in runs[0] else metric
        train = np.mean([h[train_key] for h in runs], axis=0)
        val = np.mean([h[f"val_{metric}"] for h in runs], axis=0)
        epochs = np.arange(1, len(train) + 1)
        c = colors[i % len(colors)]
        ax.plot(epochs, train, color=c, label=f"{name}: train")
        ax.plot(epochs, val, color=c, linestyle="--", label=f"{name}: validation")
        ax.fill_between(epochs, val, train, color=c, alpha=0.15)
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric + " (mean over seeds)")
    ax.set_title(title + " (shaded: train/validation gap)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def compare_bars(results, metrics=("val_acc", "gap"), title="Comparison over seeds"):
    """Bars of the mean of each metric per config, error bars = standard deviation over seeds."""
    runs = getattr(results, "runs", results)
    names = list(dict.fromkeys(runs["name"]))
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.2 * len(metrics), 3.6), squeeze=False)
    for ax, m in zip(axes.flat, metrics):
        g = runs.groupby("name", sort=False)[m]
        mean, std = g.mean().reindex(names), g.std().reindex(names).fillna(0)
        ax.bar(names, mean, yerr=std, capsize=4, color="tab:blue", alpha=0.8)
        ax.set_title(m.replace("_", " "))
        ax.set_xlabel("config")
        ax.set_ylabel(f"{m} (mean +- sd, {runs.groupby('name').size().max()} seeds)")
        ax.tick_params(axis="x", rotation=20)
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def confusion_matrix(model, x, y, class_names, title="Confusion matrix", normalize=None):
    """The confusion matrix of a model on (x, y): rows are true classes, columns predicted ones."""
    from sklearn.metrics import ConfusionMatrixDisplay

    pred = predicted_classes(model, x, batch_size=512)
    fig, ax = plt.subplots(figsize=(1 + 0.55 * len(class_names), 0.8 + 0.5 * len(class_names)))
    ConfusionMatrixDisplay.from_predictions(y, pred, display_labels=class_names, ax=ax, colorbar=False,
                                            normalize=normalize, values_format=".2f" if normalize else "d")
    ax.set_title(title)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    fig.tight_layout()
    return fig


def line(x, ys, xlabel, ylabel, title, errors=None, marker="o"):
    """A simple line plot of one or more series {label: values}, with optional error bars."""
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for label, values in ys.items():
        err = None if errors is None else errors.get(label)
        ax.errorbar(x, values, yerr=err, marker=marker, capsize=3, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def show_targets(images, masks, boxes, labels=None, title="Images with their targets", ncols=8):
    """Images with their segmentation mask (a cyan outline) and bounding box (a red xyxy rectangle) drawn on top."""
    from matplotlib.patches import Rectangle

    fig = show_images(images, labels=labels, title=title, ncols=ncols)
    boxes = np.asarray(boxes, dtype="float32").reshape(len(images), -1, 4)
    for ax, mask, image_boxes in zip(fig.axes, np.asarray(masks, dtype="float32"), boxes):
        if mask.max() > 0:
            ax.contour(mask[..., 0], levels=[0.5], colors="cyan", linewidths=0.8)
        for x0, y0, x1, y1 in image_boxes:  # box edges lie between pixels: pixel i spans i - 0.5 to i + 0.5
            ax.add_patch(Rectangle((x0 - 0.5, y0 - 0.5), x1 - x0, y1 - y0, fill=False, edgecolor="red", linewidth=1))
    return fig
