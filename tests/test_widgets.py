"""coursekit.widgets: a prediction question reveals against the measurement; the explorer redraws live."""
import numpy as np
import pytest

import coursekit as ck


def test_prediction_question_reveals_against_the_measurement():
    q = ck.widgets.Prediction("Does it help?", ["yes", "no"], id="test/unanswered")
    assert "No prediction was committed" in q.reveal("yes")
    q = ck.widgets.Prediction("Does it help?", ["yes", "no"], id="test/answered")
    q.commit("no")  # before the reveal: after it the question is closed (tests/test_predictions.py)
    assert "but the experiment says 'yes'" in q.reveal("yes", because="0.9 > 0.8")
    with pytest.raises(ValueError, match="Unknown answer"):
        q.reveal("maybe")


def test_explorer_updates_the_image_when_a_slider_moves():
    photo = ck.data.sample_photos(size=32)["chelsea"]
    box = ck.widgets.explorer(photo)
    before = box.image.value
    box.controls["rotation"].value = 45
    assert box.image.value != before
    box.controls["rotation"].value = 0
    assert box.image.value == before


def test_render_identity_returns_the_image():
    photo = ck.data.sample_photos(size=16)["flower"]
    np.testing.assert_allclose(ck.widgets.render(photo), photo, atol=1e-5)
