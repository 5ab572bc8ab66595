"""Images (layer 1): datasets and augmentations for (height, width, channels) images in [0, 1].

- ``augment``   ``ImageAugment``: flips, rotations, zooms, shifts, lighting and noise, as Keras layers
                or as one fused seeded stateless op; presets on one ``strength`` scale
- ``mixing``    label-changing and batch augmentations: ``LabelAwareFlip``, MixUp, CutMix, RandAugment
- ``datasets``  offline images (digits, faces, sample photos)
- ``online``    downloaded images (CIFAR-10, Fashion-MNIST, tf_flowers), checked against their checksums
- ``targets``   objects on a blank canvas with their segmentation masks and boxes, and the IoU of a target

Learners reach these through ``coursekit.augment`` and ``coursekit.data`` (``targets`` as ``coursekit.images.targets``).
"""
