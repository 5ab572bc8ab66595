"""What the checks feed the learner's code: the course's digits, and the letter "F" test image.

One home for both: ``measure`` draws its tagged pipeline images from :func:`letter_f`, ``judge`` matches poses
against it, and both read the digits through :func:`digits`.
"""
from functools import lru_cache

import numpy as np

from .. import data


@lru_cache(maxsize=1)
def digits():
    """The course's digits (seed 0), loaded once per process."""
    return data.load("digits", seed=0)


def check_images(n=16, split="train"):
    """n digit images (float32, 16x16x1) from the split, and their true labels."""
    d = digits()
    x, y = (d.x_train, d.y_train) if split == "train" else (d.x_val, d.y_val)
    return x[:n].copy(), y[:n].copy()


def digit(label):
    """The first training image of a digit."""
    d = digits()
    return d.x_train[np.flatnonzero(d.y_train == label)[0]]


def letter_f(size, top, left, height, width, middle):
    """An "F" of 1s on a size x size canvas of 0s (float32, no channel axis): no symmetry, so its mirror image
    and its turns are all told apart. Its stem (4 wide, `height` tall) and its top bar (4 tall, `width` long)
    start at row `top`, column `left`; its middle bar, 3 tall, starts middle[0] rows below the top and is
    middle[1] long."""
    f = np.zeros((size, size), "float32")
    f[top:top + height, left:left + 4] = 1.0
    f[top:top + 4, left:left + width] = 1.0
    f[top + middle[0]:top + middle[0] + 3, left:left + middle[1]] = 1.0
    return f
