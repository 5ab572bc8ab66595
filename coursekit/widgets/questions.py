"""The course's "predict before you run" questions, by id, the four myths of the course outline, and its central
comparisons (``CENTRAL``: the verdict each records, its metric, and its margin of interest with the reason).

The scorecard lists every question here, answered or not. A question that tests a myth names it, and the
options (their beginnings) that express the myth: a learner who committed one of them, and whom the measurement
proved wrong, believed the myth. A question may declare its margin of interest (with its reason) for its
verdict. ``answer_phrases`` state the answer; no markdown cell before the question may hold one
(tests/test_predictions.py). Ids are "<lesson number>/<name>"; a lesson passes its id to ``ck.widgets.predict``.
"""
from dataclasses import dataclass

from ..base.verdict import DEFAULT_MARGIN, DEFAULT_MARGIN_REASON

MYTHS = {
    "always-helps": "Data augmentation always improves accuracy, whatever the transforms and their strength.",
    "like-real-data": "Augmented data is as good as the same amount of new real data.",
    "images-only": "Data augmentation is only useful for images.",
    "enough-alone": "Augmentation alone is enough: no other regularizer is needed.",
}


@dataclass(frozen=True)
class Question:
    lesson: str
    topic: str
    myth: str = None
    believes: tuple = ()  # beginnings of the options that express the myth
    margin: float = None  # the question's own margin of interest (None: the verdict's default, 3 points)
    margin_reason: str = ""
    answer_phrases: tuple = ()  # phrases (lower case) that state the measured answer: no prose before the question

    def believed(self, choice, result=None):
        """True when the committed choice expresses this question's myth and the measurement did not bear it out.

        result: the scorecard's result for the question ("match", "mismatch", "undecided"...): a choice that matched
        the measurement (e.g. "no clear difference" against an equivalence verdict) is calibration, not a myth.
        """
        expresses = bool(self.myth and choice and any(choice.startswith(b) for b in self.believes))
        return expresses and result == "mismatch"


QUESTIONS = {
    "01/gap": Question("01_overfitting", "training vs. validation accuracy of a small CNN, seed by seed"),
    "01/regularizer": Question("01_overfitting", "does dropout shrink the train/validation gap against the baseline"),
    "02/epochs": Question("02_what_is_augmentation", "does the pipeline show new versions each epoch (per image)"),
    "03/main": Question("03_augmentation_regularizes", "what augmentation does to validation accuracy"),
    "03/gap": Question("03_augmentation_regularizes", "what augmentation does to the train/validation gap"),
    "03/size": Question("03_augmentation_regularizes", "augmented small set vs. a plain larger set",
                        myth="like-real-data", believes=("augmented", "no clear difference")),
    "03/shifted": Question("03_augmentation_regularizes",
                           "augmented small set vs. more real data, on a style only the real data covers",
                           myth="like-real-data", believes=("augmented", "no clear difference"),
                           answer_phrases=("real data covers and augmentation does not",)),
    "03/invariance": Question("03_augmentation_regularizes", "which model keeps its prediction under transforms",
                              answer_phrases=("learned invariance", "is still the same digit")),
    "04/flip": Question("04_tf_techniques", "flips or noise on texture patches", answer_phrases=("still brick",)),
    "05/cache": Question("05_pipelines", "image change between two epochs, cache after vs. before the random map",
                         answer_phrases=("read them back", "replays")),
    "05/speed": Question("05_pipelines", "per-example map vs. Keras layers after batching"),
    "06/strength": Question("06_limits_and_pitfalls", "the strongest augmentation vs. the strength chosen on "
                            "validation, on test", myth="always-helps", believes=("the strongest",),
                            answer_phrases=("too much of a good thing",)),
    "06/static": Question("06_limits_and_pitfalls", "a once-augmented copy vs. augmentation on the fly, equal steps"),
    "06/combo": Question("06_limits_and_pitfalls", "does dropout add to augmentation, or is augmentation alone enough",
                         myth="enough-alone", believes=("augmentation alone",)),
    "07/timeseries": Question("07_beyond_images", "time-series augmentation on sensor data",
                              myth="images-only", believes=("no clear difference", "lower it")),
    "08/crop": Question("08_capstone_real_photos", "the fast trainers' crop against no augmentation"),
    "04/targets": Question("04_tf_techniques", "a mask left as it was vs. one augmented with its image, "
                           "IoU with the object"),
    "04/export": Question("04_tf_techniques", "model.export's serving endpoint vs. an export with training=False, "
                          "agreement with model.predict"),
    "03/fit-accuracy": Question("03_augmentation_regularizes", "the training accuracy fit reports under augmentation "
                                "vs. validation accuracy"),
}


@dataclass(frozen=True)
class Central:
    """A central comparison of the course outline: the verdict a lesson records under ``name`` (``ck.record``)."""

    step: str
    lesson: str
    name: str
    metric: str
    question: str = None  # the "predict" question it answers, if any
    margin: float = DEFAULT_MARGIN
    reason: str = DEFAULT_MARGIN_REASON


# The central comparisons, declared once: tests/test_evidence.py finds each in the executed lessons and reports its
# pairs and 95% half-width (the issue "Verdicts that decide" sizes them to at most half their margin).
CENTRAL = (
    Central("1: regularizers against the gap", "01_overfitting", "dropout_gap", "gap", "01/regularizer"),
    Central("1: regularizers against the gap", "01_overfitting", "l2_gap", "gap"),
    Central("3: augmentation against none", "03_augmentation_regularizes", "main_val_acc", "val_acc", "03/main"),
    Central("3: augmentation against none", "03_augmentation_regularizes", "main_gap", "gap", "03/gap"),
    Central("4: flips or noise", "04_tf_techniques", "flips_vs_noise", "val_acc", "04/flip"),
    Central("6: too much augmentation", "06_limits_and_pitfalls", "strength_chosen_vs_strongest", "test_acc",
            "06/strength"),
    Central("6: static vs on the fly", "06_limits_and_pitfalls", "static_vs_on_the_fly", "val_acc", "06/static"),
    Central("6: label-changing transforms", "06_limits_and_pitfalls", "flip_val_acc", "val_acc"),
    Central("myth: like real data", "03_augmentation_regularizes", "size_aug_vs_real", "val_acc", "03/size"),
    Central("myth: like real data", "03_augmentation_regularizes", "shifted_real_vs_aug", "shifted_acc", "03/shifted"),
    Central("myth: enough alone", "06_limits_and_pitfalls", "combo_dropout", "val_acc", "06/combo"),
    Central("myth: images only", "07_beyond_images", "ts_val_acc", "val_acc", "07/timeseries"),
)
