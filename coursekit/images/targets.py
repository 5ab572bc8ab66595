"""Objects on a blank canvas with their targets (a segmentation mask and a bounding box), and how well a target
still covers its object (IoU).

Keras 3's preprocessing layers augment an image together with its targets when they are given one dict,
``{"images", "segmentation_masks", "bounding_boxes"}``: ``on_canvas`` builds such a dict from small images
(digits, say). Because the canvas is black, the object of any augmented image can be read back from its pixels
(``object_mask``), independently of what Keras did to the targets; ``mask_iou`` and ``box_iou`` then say how
well each target covers it (1: exactly, 0: not at all).

Boxes are ``(x_min, y_min, x_max, y_max)`` in pixels, edges included: the "xyxy" format the layers are told with
``bounding_box_format="xyxy"``.
"""
import numpy as np

from ..base import validate

THRESHOLD = 0.3  # a pixel brighter than this (in any channel) belongs to the object; the canvas is 0


def on_canvas(images, size=48, labels=None, seed=0):
    """Each image pasted at a random spot of a black size x size canvas, with its mask and box, as Keras's dict.

    Returns {"images": (N, size, size, C) float32, "segmentation_masks": (N, size, size, 1) float32 (1 = object),
    "bounding_boxes": {"boxes": (N, 1, 4) float32 xyxy, "labels": (N, 1) int32}}: one object, one box per image.
    labels: one class per image (default 0 for all). The same seed places the objects at the same spots.
    """
    images = validate.images(images)
    n, h, w, c = images.shape
    validate.positive_int(size, "size")
    if size < max(h, w):
        raise ValueError(f"size must be at least the images' side ({max(h, w)}) to hold them; got {size}.")
    labels = np.zeros(n, "int32") if labels is None else validate.labels(labels, n).astype("int32")
    rng = np.random.default_rng(seed)
    tops, lefts = rng.integers(0, size - h + 1, n), rng.integers(0, size - w + 1, n)
    canvas = np.zeros((n, size, size, c), "float32")
    for i, (top, left) in enumerate(zip(tops, lefts)):
        canvas[i, top:top + h, left:left + w] = images[i]
    masks = object_mask(canvas)
    return {"images": canvas, "segmentation_masks": masks,
            "bounding_boxes": {"boxes": box_of(masks)[:, None, :], "labels": labels[:, None]}}


def object_mask(images, threshold=THRESHOLD):
    """The object's pixels of each image on a black canvas: 1 where any channel is above threshold, else 0.
    Shape (N, H, W, 1), float32."""
    x = np.asarray(images, dtype="float32")
    return (x.max(axis=-1, keepdims=True) > threshold).astype("float32")


def box_of(masks):
    """The tightest xyxy box around each mask's pixels, shape (N, 4); (0, 0, 0, 0) for an empty mask."""
    m = np.asarray(masks)[..., 0] > 0.5
    boxes = np.zeros((len(m), 4), "float32")
    for i, one in enumerate(m):
        rows, cols = np.flatnonzero(one.any(axis=1)), np.flatnonzero(one.any(axis=0))
        if rows.size:
            boxes[i] = cols[0], rows[0], cols[-1] + 1, rows[-1] + 1
    return boxes


def mask_iou(a, b):
    """Intersection over union of two batches of 0/1 masks, one number per image (1.0 where both are empty)."""
    a, b = np.asarray(a) > 0.5, np.asarray(b) > 0.5
    if a.shape != b.shape:
        raise ValueError(f"the two batches of masks need the same shape; got {a.shape} and {b.shape}.")
    axes = tuple(range(1, a.ndim))
    inter, union = (a & b).sum(axis=axes), (a | b).sum(axis=axes)
    return np.where(union > 0, inter / np.maximum(union, 1), 1.0)


def box_iou(a, b):
    """Intersection over union of two batches of xyxy boxes, shapes (N, 4) or (N, 1, 4): one number per image."""
    a, b = np.asarray(a, "float64").reshape(-1, 4), np.asarray(b, "float64").reshape(-1, 4)
    if a.shape != b.shape:
        raise ValueError(f"the two batches of boxes need one box per image each; got {len(a)} and {len(b)}.")
    width = np.clip(np.minimum(a[:, 2], b[:, 2]) - np.maximum(a[:, 0], b[:, 0]), 0, None)
    height = np.clip(np.minimum(a[:, 3], b[:, 3]) - np.maximum(a[:, 1], b[:, 1]), 0, None)
    area = lambda box: (box[:, 2] - box[:, 0]) * (box[:, 3] - box[:, 1])  # noqa: E731
    union = area(a) + area(b) - width * height
    return np.where(union > 0, width * height / np.maximum(union, 1e-12), 1.0)
