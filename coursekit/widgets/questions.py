"""The course's "predict before you run" questions, by id, and the four myths of the course outline.

The scorecard lists every question here, answered or not. A question that tests a myth names it, and the
options (their beginnings) that express the myth: a learner who committed one of them believed the myth
before measuring. Ids are "<lesson number>/<name>"; a lesson passes its id to ``ck.widgets.predict``.
"""
from dataclasses import dataclass

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

    def believed(self, choice):
        """True when the committed choice expresses this question's myth."""
        return bool(self.myth and choice and any(choice.startswith(b) for b in self.believes))


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
                           myth="like-real-data", believes=("augmented", "no clear difference")),
    "03/invariance": Question("03_augmentation_regularizes", "which model keeps its prediction under transforms"),
    "04/flip": Question("04_tf_techniques", "flips or noise on texture patches"),
    "05/cache": Question("05_pipelines", "image change between two epochs, cache after vs. before the random map"),
    "05/speed": Question("05_pipelines", "per-example map vs. Keras layers after batching"),
    "06/strength": Question("06_limits_and_pitfalls", "the strongest augmentation vs. the strength chosen on "
                            "validation, on test", myth="always-helps", believes=("the strongest",)),
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
