"""coursekit.plots: every figure has a title and labelled axes, is returned, and is the same for the same seed."""
import matplotlib
import numpy as np
import pytest

import coursekit as ck

matplotlib.use("Agg")


def _labelled(fig):
    for ax in fig.axes:
        if ax.get_visible() and ax.has_data() and ax.get_xlabel():
            assert ax.get_ylabel()
    assert fig._suptitle is not None or any(ax.get_title() for ax in fig.axes)


def test_plots_have_titles_and_return_figures():
    photo = ck.data.sample_photos(size=32)["coffee"]
    fig = ck.plots.show_augmentations(photo, "heavy", n=4)
    assert len(fig.axes) == 5 and fig._suptitle.get_text().startswith("Augmented versions")
    hist = {"a": [{"accuracy": [0.5, 0.9], "val_accuracy": [0.4, 0.6], "train_clean_accuracy": [0.5, 1.0]}]}
    fig = ck.plots.learning_curves(hist)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "epoch" and "gap" in ax.get_title()
    assert ax.lines[0].get_ydata().tolist() == [0.5, 1.0]  # the clean train accuracy is plotted
    import pandas as pd

    runs = pd.DataFrame({"name": ["x", "x", "y"], "val_acc": [0.5, 0.7, 0.9], "gap": [0.1, 0.2, 0.0]})
    fig = ck.plots.compare_bars(runs)
    _labelled(fig)
    assert [p.get_height() for p in fig.axes[0].patches] == pytest.approx([0.6, 0.9])


def test_show_augmentations_is_seeded_and_checks_input():
    photo = ck.data.sample_photos(size=24)["china"]
    a = ck.plots.show_augmentations(photo, "heavy", n=2, seed=3).axes[1].images[0].get_array()
    b = ck.plots.show_augmentations(photo, "heavy", n=2, seed=3).axes[1].images[0].get_array()
    assert np.array_equal(a, b)
    with pytest.raises(ValueError, match="Pass one image"):
        ck.plots.show_augmentations(photo[None], "heavy")


def test_confusion_matrix_counts_the_models_eager_predictions():
    model = ck.train.build_cnn((8, 8, 1), 3, width=4)
    x = np.random.default_rng(0).random((30, 8, 8, 1), dtype=np.float32)
    predicted = ck.models.predicted_classes(model, x)
    fig = ck.plots.confusion_matrix(model, x, predicted, [str(c) for c in np.unique(predicted)])
    _labelled(fig)
    counts = fig.axes[0].images[0].get_array()
    assert counts.sum() == 30 and np.trace(counts) == 30  # true labels = the predictions: all on the diagonal
