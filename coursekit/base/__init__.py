"""Layer 0 of coursekit: what every other layer stands on. Imports nothing from coursekit.

- ``validate``   argument checks that turn a learner's mistake into one clear sentence
- ``stateless``  the protocol of a seeded stateless augmentation, ``aug(x, seed)``, and ``Compose``
- ``dataset``    ``Dataset``, the three-way split every loader returns
- ``verdict``    ``paired(a, b)``: the course's one verdict from per-seed results (95% paired t-interval)
- ``stops``      exceptions a notebook shows as one sentence (``LearnerStop``, ``Interrupted``)
"""
