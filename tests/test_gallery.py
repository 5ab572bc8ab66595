"""coursekit.gallery: a grid of random draws per transform, seeded where the transform is stateless."""
import keras
import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from coursekit import augment, gallery  # noqa: E402


@pytest.fixture(scope="module")
def image():
    rng = np.random.default_rng(0)
    return rng.uniform(0, 1, (16, 16, 3)).astype("float32")


def test_draw_is_seeded_and_varied(image):
    a = gallery.draw(image, augment.custom(rotation=0.1), n=3, seed=1)
    b = gallery.draw(image, augment.custom(rotation=0.1), n=3, seed=1)
    assert len(a) == 3 and a[0].shape == image.shape
    np.testing.assert_array_equal(np.stack(a), np.stack(b))
    assert not np.allclose(a[0], a[1])


def test_draw_with_keras_layer_and_no_augmentation(image):
    crops = gallery.draw(image, keras.layers.RandomCrop(8, 8, seed=0), n=2)
    assert crops[0].shape == (8, 8, 3)
    same = gallery.draw(image, None, n=2)
    np.testing.assert_array_equal(same[0], image)


def test_grid_has_one_row_per_transform(image):
    fig = gallery.transform_grid(image, {"flip": augment.custom(flip="horizontal"), "zoom": 0.5}, n=3)
    assert len(fig.axes) == 2 * 4
    assert fig.axes[0].get_title() == "original"
    assert fig.axes[4].get_ylabel() == "zoom"
    assert fig._suptitle.get_text()


def test_bad_transforms_are_refused(image):
    with pytest.raises(TypeError, match="non-empty dict"):
        gallery.transform_grid(image, [])
    with pytest.raises(ValueError):
        gallery.draw(image[None], "standard")
