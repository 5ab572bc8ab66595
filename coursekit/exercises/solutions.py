"""Reference answers to the exercises (``q.solution()`` prints them); each lives with its exercise's checker.

Each answer is real, working TensorFlow code and passes its own check; the tests make sure of it.
Peek only after you have tried: the checker's messages are meant to lead you there first.
"""
from .ex1_pipeline_pitfalls import (augment_batch, augmenter, digit_augmenter, make_cached_ds,  # noqa: F401
                                    make_datasets, make_train_ds)
from .ex2_choosing_augmentations import (STRENGTH, RandomNoise, augment_digit, digits_augment,  # noqa: F401
                                         faces_augment)
