"""Offline image datasets, shipped inside scikit-learn and scikit-image, as float32 NHWC in [0, 1].

- ``digits``  8x8 handwritten digits (1,797 images, 10 classes), resized (16x16 by default)
- ``faces``   25x25 faces vs. non-faces from scikit-image's ``lfw_subset`` (200 images, 2 classes)
- ``textures`` 16x16 grayscale patches of six real textures and photos shipped with scikit-image; training,
  validation and test patches come from disjoint horizontal bands of each image (no pixel is shared)
- ``sample_photos()``  five real photos, for showing what transforms do

Each loader returns ``(x, y, class_names, kind, official_test)``; ``coursekit.data.load`` splits them.
``official_test`` is None (split at random), ``(x_test, y_test)`` (a fixed test set), or
``{"val": (x, y), "test": (x, y)}``: the loader's own validation and test splits, ``x, y`` being the training split.
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


TEXTURES = {  # class name: scikit-image function (every one ships inside scikit-image: no download)
    "brick": "brick", "grass": "grass", "gravel": "gravel", "moon": "moon",
    "tissue": "immunohistochemistry", "stars": "hubble_deep_field",
}
TEXTURE_SOURCE_SIZE = 256  # each image's centre square is resized to this, then cut into patches
TEXTURE_BANDS = {"train": (0, 160), "val": (160, 208), "test": (208, 256)}  # rows of each resized image


def _texture_patches(image, rows, patch):
    """Non-overlapping patch x patch tiles of image[rows[0]:rows[1]], in reading order."""
    band = image[rows[0]:rows[1]]
    h, w = (band.shape[0] // patch) * patch, (band.shape[1] // patch) * patch
    tiles = band[:h, :w].reshape(h // patch, patch, w // patch, patch).swapaxes(1, 2)
    return tiles.reshape(-1, patch, patch)


def texture_sources():
    """The six source images of ``textures`` as float32 (256, 256) grayscale arrays in [0, 1], by class."""
    from skimage import data as skdata
    from skimage.transform import resize as sk_resize

    out = {}
    for name, fn in TEXTURES.items():
        img = getattr(skdata, fn)().astype("float32") / 255
        if img.ndim == 3:
            img = img[..., :3].mean(axis=-1)
        side = min(img.shape)
        top, left = (img.shape[0] - side) // 2, (img.shape[1] - side) // 2
        img = img[top:top + side, left:left + side]
        size = (TEXTURE_SOURCE_SIZE, TEXTURE_SOURCE_SIZE)
        out[name] = np.clip(sk_resize(img, size, order=1, anti_aliasing=True), 0, 1).astype("float32")
    return out


def textures(image_size, patch=16):
    """Six classes of 16x16 grayscale patches (brick, grass, gravel, moon, tissue, stars).

    Each image's centre square is resized to 256x256 and cut into its horizontal bands: rows 0-159 give
    the training patches (160 per class), rows 160-207 the validation patches and rows 208-255 the test
    patches (48 per class each, 288 in all). The bands share no pixel, so a validation patch is never a
    shifted copy of a training patch. A mirrored patch of any of these is still the same material.
    """
    splits = {part: ([], []) for part in TEXTURE_BANDS}
    for label, img in enumerate(texture_sources().values()):
        for part, rows in TEXTURE_BANDS.items():
            tiles = _texture_patches(img, rows, patch)
            splits[part][0].append(tiles)
            splits[part][1].append(np.full(len(tiles), label, dtype="int64"))
    x, y = {}, {}
    for part, (xs, ys) in splits.items():
        x[part] = resize(np.concatenate(xs)[..., None], image_size or patch)
        y[part] = np.concatenate(ys)
    own = {"val": (x["val"], y["val"]), "test": (x["test"], y["test"])}
    # kind "photos": its presets flip horizontally and change lighting, both label-preserving for materials
    return x["train"], y["train"], list(TEXTURES), "photos", own


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
