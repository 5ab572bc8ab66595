"""The course's models, in plain Keras 3 (this module imports nothing but Keras, so any backend runs it).

- ``build_cnn``     a small image CNN, big enough to memorise a small training set (lessons 1-6)
- ``build_cnn1d``   a small 1-D CNN for series and spectrograms (lesson 7)
- ``build_resnet``  a fast residual network in the spirit of the published fast CIFAR-10 trainers
                    (conv-BN-ReLU blocks, two residual stages, max pooling; lesson 8)
- ``predicted_probabilities``, ``predicted_classes`` and ``CleanTrainAccuracy``: what a trained model predicts, in
  eager batches (the one home of predicting: coursekit never calls ``model.predict``)

Each takes ``augmentation``: optional Keras layers put right after the input, active only in training.
"""
import keras
import numpy as np


def _regularizer(weight_decay):
    return keras.regularizers.L2(weight_decay) if weight_decay else None


def build_cnn(input_shape, num_classes, width=32, dropout=0.0, weight_decay=0.0, augmentation=None):
    """A small image CNN: two conv blocks and a dense layer, big enough to memorise a small dataset.

    augmentation: optional Keras layers put right after the input (active only while training).
    """
    L = keras.layers
    reg = _regularizer(weight_decay)
    inputs = keras.Input(input_shape)
    x = augmentation(inputs) if augmentation is not None else inputs
    x = L.Conv2D(width, 3, padding="same", activation="relu", kernel_regularizer=reg)(x)
    x = L.MaxPooling2D()(x)
    x = L.Conv2D(2 * width, 3, padding="same", activation="relu", kernel_regularizer=reg)(x)
    x = L.MaxPooling2D()(x)
    x = L.Flatten()(x)
    x = L.Dropout(dropout)(x)
    x = L.Dense(4 * width, activation="relu", kernel_regularizer=reg)(x)
    x = L.Dropout(dropout)(x)
    outputs = L.Dense(num_classes, activation="softmax", dtype="float32")(x)
    return keras.Model(inputs, outputs, name="small_cnn")


def build_cnn1d(input_shape, num_classes, width=32, dropout=0.0, weight_decay=0.0, augmentation=None):
    """A small 1-D CNN for time series shaped (steps, channels)."""
    L = keras.layers
    reg = _regularizer(weight_decay)
    inputs = keras.Input(input_shape)
    x = augmentation(inputs) if augmentation is not None else inputs
    x = L.Conv1D(width, 5, padding="same", activation="relu", kernel_regularizer=reg)(x)
    x = L.MaxPooling1D(2)(x)
    x = L.Conv1D(2 * width, 5, padding="same", activation="relu", kernel_regularizer=reg)(x)
    x = L.GlobalAveragePooling1D()(x)
    x = L.Dropout(dropout)(x)
    outputs = L.Dense(num_classes, activation="softmax", dtype="float32")(x)
    return keras.Model(inputs, outputs, name="small_cnn1d")


def build_resnet(input_shape, num_classes, width=16, dropout=0.0, weight_decay=0.0, augmentation=None):
    """A small ResNet: prep conv, then [conv, pool, residual], [conv, pool], [conv, pool, residual], max-pool head.

    The layout of the fast CIFAR-10 trainers (ResNet-9 style) at a width for CPUs: width=64 is the
    published size; 16 trains in seconds on small images.
    """
    L = keras.layers
    reg = _regularizer(weight_decay)

    def conv_bn(x, filters):
        x = L.Conv2D(filters, 3, padding="same", use_bias=False, kernel_regularizer=reg)(x)
        x = L.BatchNormalization(momentum=0.9)(x)  # short runs: let the inference statistics catch up
        return L.ReLU()(x)

    def residual(x, filters):
        return L.Add()([x, conv_bn(conv_bn(x, filters), filters)])

    inputs = keras.Input(input_shape)
    x = augmentation(inputs) if augmentation is not None else inputs
    x = conv_bn(x, width)
    x = residual(L.MaxPooling2D()(conv_bn(x, 2 * width)), 2 * width)
    x = L.MaxPooling2D()(conv_bn(x, 4 * width))
    x = residual(L.MaxPooling2D()(conv_bn(x, 8 * width)), 8 * width)
    x = L.GlobalMaxPooling2D()(x)
    x = L.Dropout(dropout)(x)
    outputs = L.Dense(num_classes, activation="softmax", dtype="float32", kernel_regularizer=reg)(x)
    return keras.Model(inputs, outputs, name="small_resnet")


BUILDERS = {"cnn": build_cnn, "cnn1d": build_cnn1d, "resnet": build_resnet}


def predicted_probabilities(model, x, batch_size=128):
    """The model's output for every example, in eager batches (of 128: 512 held ~0.5 GB more for CIFAR-10's
    ResNet). coursekit never calls ``model.predict``: that builds and traces a new tf.function for each model, and
    a loop over many models (seeds, sizes) then retraces again and again."""
    return np.concatenate([np.asarray(model(x[i:i + batch_size], training=False))
                           for i in range(0, len(x), batch_size)])


def predicted_classes(model, x, batch_size=128):
    """The predicted class of every example: the argmax of :func:`predicted_probabilities`."""
    return predicted_probabilities(model, x, batch_size).argmax(axis=1)


class CleanTrainAccuracy(keras.callbacks.Callback):
    """Adds 'train_clean_accuracy': accuracy on the un-augmented training images after each epoch."""

    def __init__(self, x, y):
        super().__init__()
        self.x, self.y = x, y

    def on_epoch_end(self, epoch, logs=None):
        pred = predicted_classes(self.model, self.x)
        logs["train_clean_accuracy"] = float((pred == self.y).mean())
