"""Offline image datasets, shipped inside scikit-learn and scikit-image, as float32 NHWC in [0, 1].

- ``digits``  8x8 handwritten digits (1,797 images, 10 classes), resized (16x16 by default)
- ``faces``   25x25 faces vs. non-faces from scikit-image's ``lfw_subset`` (200 images, 2 classes)
- ``sample_photos()``  five real photos, for showing what transforms do

Each loader returns ``(x, y, class_names, kind, official_test)``; ``coursekit.data.load`` splits them.
"""
import numpy as np


def resize(x, size):
    """Resize NHWC float images to size x size (bilinear, antialiased), staying in [0, 1]."""
    if size is None or x.shape[1:3] == (size, size):
        return x.astype("float32")
    import tensorflow as tf

    out = tf.image.resize(x, (size, size), method="bilinear", antialias=True).numpy()
    return np.clip(out, 0.0, 1.0).astype("float32")


def digits(image_size):
    from sklearn.datasets import load_digits

    d = load_digits()
    x = (d.images / 16.0).astype("float32")[..., None]
    return resize(x, image_size or 16), d.target.astype("int64"), [str(i) for i in range(10)], "digits", None


def faces(image_size):
    from skimage.data import lfw_subset

    x = lfw_subset().astype("float32")[..., None]  # first 100 faces, then 100 non-faces
    y = np.array([1] * 100 + [0] * 100, dtype="int64")
    return resize(x, image_size or 32), y, ["not face", "face"], "faces", None


def sample_photos(size=None):
    """Real photos shipped with scikit-learn and scikit-image, as float32 HWC arrays in [0, 1].

    Keys: china, flower (scikit-learn); astronaut, coffee, chelsea (scikit-image).
    size: resize each to size x size (None keeps the original).
    """
    from skimage import data as skdata
    from sklearn.datasets import load_sample_image

    photos = {
        "china": load_sample_image("china.jpg"),
        "flower": load_sample_image("flower.jpg"),
        "astronaut": skdata.astronaut(),
        "coffee": skdata.coffee(),
        "chelsea": skdata.chelsea(),
    }
    out = {}
    for k, v in photos.items():
        img = v.astype("float32")[None] / 255
        out[k] = resize(img, size)[0] if size else img[0]
    return out
