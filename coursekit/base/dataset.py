"""``Dataset``: what every loader returns, a dataset split three ways; and the splitting helpers."""
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Dataset:
    """A dataset split three ways. ``kind`` tells augmentation presets what suits it:
    'digits', 'photos' or 'faces' for images (N, H, W, C); 'timeseries' for series and
    spectrograms (N, steps, channels)."""

    name: str
    kind: str
    class_names: list
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    notes: dict = field(default_factory=dict)

    @property
    def num_classes(self):
        return len(self.class_names)

    @property
    def input_shape(self):
        return tuple(self.x_train.shape[1:])

    def __repr__(self):
        return (f"Dataset({self.name!r}: {self.num_classes} classes, input {self.input_shape}, "
                f"train {len(self.x_train)}, val {len(self.x_val)}, test {len(self.x_test)})")


def split(x, y, seed, val_fraction, test_fraction):
    """Stratified train / validation / test split with a fixed seed."""
    from sklearn.model_selection import train_test_split

    x_rest, x_test, y_rest, y_test = train_test_split(
        x, y, test_size=test_fraction, stratify=y, random_state=seed)
    x_train, x_val, y_train, y_val = train_test_split(
        x_rest, y_rest, test_size=val_fraction / (1 - test_fraction), stratify=y_rest, random_state=seed)
    return x_train, y_train, x_val, y_val, x_test, y_test


def balanced_subset(x, y, n_per_class, seed, name):
    """Take n_per_class training examples of every class (seeded)."""
    counts = np.bincount(y)
    if n_per_class > counts.min():
        raise ValueError(f"n_per_class={n_per_class} is more than {name!r} has: its training split holds "
                         f"{counts.min()} examples of its smallest class. Use n_per_class <= {counts.min()}.")
    rng = np.random.default_rng(seed)
    idx = np.concatenate([rng.choice(np.flatnonzero(y == c), n_per_class, replace=False) for c in range(len(counts))])
    rng.shuffle(idx)
    return x[idx], y[idx]
