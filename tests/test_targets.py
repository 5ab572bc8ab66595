"""Objects on a canvas with their masks and boxes (coursekit.images.targets): what lesson 4's masks-and-boxes section
reads its verdict from. An IoU that could not tell a moved target from a right one would make that verdict empty."""
import numpy as np
import pytest

from coursekit.images import targets


def _squares(n=5, side=6, value=0.8):
    return np.full((n, side, side, 1), value, "float32")


def test_each_object_lands_whole_on_the_canvas_with_its_mask_and_tight_box():
    scene = targets.on_canvas(_squares(), size=20, labels=np.arange(5), seed=1)
    assert scene["images"].shape == (5, 20, 20, 1) and scene["segmentation_masks"].shape == (5, 20, 20, 1)
    boxes = scene["bounding_boxes"]["boxes"]
    assert boxes.shape == (5, 1, 4) and scene["bounding_boxes"]["labels"].ravel().tolist() == [0, 1, 2, 3, 4]
    assert scene["segmentation_masks"].sum(axis=(1, 2, 3)).tolist() == [36.0] * 5  # every pixel of each square
    x0, y0, x1, y1 = boxes[:, 0].T
    assert np.all(x1 - x0 == 6) and np.all(y1 - y0 == 6) and boxes.min() >= 0 and boxes.max() <= 20
    for image, (bx0, by0, bx1, by1) in zip(scene["images"], boxes[:, 0].astype(int)):
        assert image[by0:by1, bx0:bx1].min() == pytest.approx(0.8) and image.sum() == pytest.approx(36 * 0.8)


def test_the_same_seed_places_the_objects_at_the_same_spots():
    a, b = (targets.on_canvas(_squares(), size=30, seed=s) for s in (3, 3))
    c = targets.on_canvas(_squares(), size=30, seed=4)
    np.testing.assert_array_equal(a["images"], b["images"])
    assert not np.array_equal(a["bounding_boxes"]["boxes"], c["bounding_boxes"]["boxes"])


def test_the_object_is_read_back_from_the_pixels_of_any_image():
    scene = targets.on_canvas(_squares(), size=20, seed=0)
    flipped = scene["images"][:, :, ::-1]
    truth = targets.object_mask(flipped)
    np.testing.assert_array_equal(truth, scene["segmentation_masks"][:, :, ::-1])
    expected = scene["bounding_boxes"]["boxes"][:, 0].copy()
    expected[:, [0, 2]] = 20 - expected[:, [2, 0]]  # a horizontal flip of an xyxy box
    np.testing.assert_array_equal(targets.box_of(truth), expected)


def test_iou_is_one_for_the_same_target_zero_for_a_disjoint_one_and_a_third_for_half_a_shift():
    box = np.array([[0, 0, 4, 4]], "float32")
    assert targets.box_iou(box, box).tolist() == [1.0]
    assert targets.box_iou(box, box + [4, 0, 4, 0]).tolist() == [0.0]
    assert targets.box_iou(box, box + [2, 0, 2, 0]).tolist() == pytest.approx([8 / 24])
    mask = np.zeros((1, 8, 8, 1), "float32")
    mask[0, :4, :4] = 1
    assert targets.mask_iou(mask, mask).tolist() == [1.0]
    assert targets.mask_iou(mask, np.roll(mask, 4, axis=2)).tolist() == [0.0]
    assert targets.mask_iou(mask, np.roll(mask, 2, axis=2)).tolist() == pytest.approx([8 / 24])
    assert targets.box_of(np.zeros((1, 8, 8, 1))).tolist() == [[0, 0, 0, 0]]  # an object moved off the canvas


def test_bad_input_gets_one_sentence():
    with pytest.raises(ValueError, match="size must be at least the images' side"):
        targets.on_canvas(_squares(side=6), size=5)
    with pytest.raises(ValueError, match="one label per image"):
        targets.on_canvas(_squares(n=3), labels=[0, 1])
    with pytest.raises(ValueError, match="same shape"):
        targets.mask_iou(np.zeros((2, 8, 8, 1)), np.zeros((2, 4, 4, 1)))


def test_show_targets_draws_each_box_on_its_own_image():
    from matplotlib.patches import Rectangle

    from coursekit import plots

    scene = targets.on_canvas(_squares(n=3), size=20, seed=2)
    boxes = scene["bounding_boxes"]["boxes"]
    fig = plots.show_targets(scene["images"], scene["segmentation_masks"], boxes, title="targets")
    assert fig._suptitle.get_text() == "targets"
    for ax, (x0, y0, x1, y1) in zip(fig.axes, boxes[:, 0]):
        (rect,) = [p for p in ax.patches if isinstance(p, Rectangle)]
        assert rect.get_xy() == (x0 - 0.5, y0 - 0.5) and (rect.get_width(), rect.get_height()) == (x1 - x0, y1 - y0)
