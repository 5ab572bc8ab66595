"""The offline ``textures`` dataset: real patches, fixed sizes, and splits that share no pixel."""
import numpy as np
import pytest

import coursekit as ck
from coursekit.images import datasets


@pytest.fixture(scope="module")
def tex():
    return ck.data.load("textures")


def test_sizes_classes_and_kind(tex):
    assert tex.class_names == ["brick", "grass", "gravel", "moon", "tissue", "stars"]
    assert tex.input_shape == (16, 16, 1) and tex.kind == "photos"
    assert (len(tex.x_train), len(tex.x_val), len(tex.x_test)) == (960, 288, 288)
    for y in (tex.y_train, tex.y_val, tex.y_test):
        assert np.array_equal(np.bincount(y), [len(y) // 6] * 6)  # balanced
    assert len(tex.x_val) >= 200  # one validation example is worth at most 0.5 points


def test_values_are_float_in_unit_range_and_not_flat(tex):
    for x in (tex.x_train, tex.x_val, tex.x_test):
        assert x.dtype == np.float32 and x.min() >= 0 and x.max() <= 1 and np.isfinite(x).all()
    assert tex.x_train.std() > 0.05


def test_splits_come_from_disjoint_bands_of_each_image():
    rows = sorted(datasets.TEXTURE_BANDS.values())
    assert rows[0][0] == 0 and rows[-1][1] == datasets.TEXTURE_SOURCE_SIZE
    assert all(a[1] <= b[0] for a, b in zip(rows, rows[1:]))  # the bands do not overlap


def test_every_patch_is_a_tile_of_its_own_band_and_of_no_other():
    sources = datasets.texture_sources()
    tex = ck.data.load("textures")
    for label, img in enumerate(sources.values()):
        for part, x, y in (("train", tex.x_train, tex.y_train), ("val", tex.x_val, tex.y_val),
                           ("test", tex.x_test, tex.y_test)):
            top, bottom = datasets.TEXTURE_BANDS[part]
            for patch in x[y == label][:: 7, ..., 0]:
                hits = [(r, c) for r in range(0, img.shape[0] - 15, 16) for c in range(0, img.shape[1] - 15, 16)
                        if np.array_equal(img[r:r + 16, c:c + 16], patch)]
                assert hits and all(top <= r and r + 16 <= bottom for r, _ in hits), (part, label)


def test_no_validation_or_test_patch_repeats_a_training_patch(tex):
    train = {p.tobytes() for p in tex.x_train}
    assert not any(p.tobytes() in train for p in np.concatenate([tex.x_val, tex.x_test]))


def test_deterministic_and_the_seed_draws_only_the_training_subset():
    a = ck.data.load("textures", n_per_class=10, seed=1)
    b = ck.data.load("textures", n_per_class=10, seed=1)
    c = ck.data.load("textures", n_per_class=10, seed=2)
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_train, b.y_train)
    assert not np.array_equal(a.x_train, c.x_train)
    assert np.array_equal(a.x_val, c.x_val) and np.array_equal(a.x_test, c.x_test)  # the spatial split is fixed
    assert np.array_equal(np.bincount(a.y_train), [10] * 6)


def test_image_size_resizes_the_patches():
    assert ck.data.load("textures", n_per_class=2, image_size=32).input_shape == (32, 32, 1)


def test_horizontal_flips_are_allowed_for_its_kind(tex):
    aug = ck.augment.preset("standard", tex.kind)
    assert aug.flip == "horizontal"


def test_offline_error_message_names_textures():
    from coursekit.images import online

    assert "textures" in online.OFFLINE_NAMES and ck.data.OFFLINE == online.OFFLINE_NAMES
