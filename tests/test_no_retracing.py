"""Measuring many models in a row (seeds, sizes: lesson 3's size sweep) traces no new tf.function per model,
so TensorFlow's "triggered tf.function retracing" warning never shows. ``model.predict`` builds and traces a
new function for every model; coursekit predicts in eager batches instead."""
import logging

import numpy as np

import coursekit as ck
from coursekit import models, train


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_evaluating_many_models_in_a_row_does_not_retrace():
    import tensorflow as tf

    rng = np.random.default_rng(0)
    x, y = rng.random((40, 8, 8, 1), dtype=np.float32), rng.integers(0, 3, 40)
    collect = _Collect()
    tf.get_logger().addHandler(collect)
    try:
        for i in range(7):  # a fresh model each time, inputs of varying sizes
            model = train.build_cnn((8, 8, 1), 3, width=4)
            acc = train._accuracy(model, x[:20 + i], y[:20 + i])
            assert 0 <= acc <= 1
            models.predicted_classes(model, x[:10 + i], batch_size=512)
            models.predicted_probabilities(model, x[:10 + i])
    finally:
        tf.get_logger().removeHandler(collect)
    assert not [m for m in collect.messages if "retracing" in m], collect.messages
    assert (train.predicted_classes(model, x) == model.predict(x, verbose=0).argmax(axis=1)).all()


def test_predicted_classes_batches_like_predict():
    model = train.build_cnn((8, 8, 1), 4, width=4)
    x = np.random.default_rng(1).random((1030, 8, 8, 1), dtype=np.float32)
    got = train.predicted_classes(model, x, batch_size=512)
    assert got.shape == (1030,) and (got == ck.train.predicted_classes(model, x, batch_size=1030)).all()
