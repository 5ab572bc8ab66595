"""coursekit.text: the generated corpus, its exact labeller, and the four seeded EDA operations."""
import numpy as np
import pytest

from coursekit import text

S = "to be fair the plot was not really good"


def test_corpus_is_seeded_balanced_and_labelled_exactly():
    a, ya = text.make_reviews(60, seed=3)
    b, yb = text.make_reviews(60, seed=3)
    c, _ = text.make_reviews(60, seed=4)
    assert a == b and ya.tolist() == yb.tolist() and a != c
    assert ya.dtype == np.int64 and np.bincount(ya).tolist() == [30, 30]
    assert all(text.sentiment_of(t) == y for t, y in zip(a, ya))
    assert any(w in t.split() for t in a for w in text.NEGATIONS)


def test_sentiment_of_reads_negation():
    assert text.sentiment_of("the plot was good") == 1
    assert text.sentiment_of("the plot was not good") == 0
    assert text.sentiment_of("the plot was not bad") == 1
    assert text.sentiment_of("the plot was") is None


@pytest.mark.parametrize("op", [
    lambda s, seed: text.synonym_replacement(s, 2, seed),
    lambda s, seed: text.random_insertion(s, 2, seed),
    lambda s, seed: text.random_swap(s, 2, seed),
    lambda s, seed: text.random_deletion(s, 0.3, seed),
    lambda s, seed: text.EDA(0.3)(s, seed),
], ids=["synonym", "insert", "swap", "delete", "EDA"])
def test_ops_are_seeded_and_return_a_sentence(op):
    outs = [op(S, seed) for seed in range(12)]
    assert all(isinstance(o, str) and o for o in outs)
    assert op(S, 5) == outs[5]
    assert len(set(outs)) > 1 and any(o != S for o in outs)


def test_each_op_does_what_it_says():
    words = S.split()
    sr = text.synonym_replacement(S, 1, seed=0).split()
    assert len(sr) == len(words) and sum(a != b for a, b in zip(sr, words)) == 1
    changed = [b for a, b in zip(words, sr) if a != b][0]
    assert changed in text.SYNONYMS[[a for a, b in zip(words, sr) if a != b][0]]
    assert len(text.random_insertion(S, 3, seed=0).split()) == len(words) + 3
    assert sorted(text.random_swap(S, 2, seed=0).split()) == sorted(words)
    assert len(text.random_deletion(S, 0.5, seed=1).split()) < len(words)
    assert text.random_deletion(S, 1.0, seed=1) in words  # never deletes every word


def test_synonyms_keep_polarity():
    for w in text.POSITIVE:
        assert all(s not in text.NEGATIVE_WORDS for s in text.SYNONYMS[w])
    for w in text.NEGATIVE:
        assert all(s not in text.POSITIVE_WORDS for s in text.SYNONYMS[w])


def test_deleting_not_flips_the_label_and_protect_prevents_it():
    flips = [text.random_deletion(S, 0.5, seed=s) for s in range(40)]
    flipped = [f for f in flips if "not" not in f.split() and text.sentiment_of(f) == 1]
    assert flipped, "some deletions drop 'not' and turn the review positive"
    protected = [text.random_deletion(S, 0.5, seed=s, protect=text.NEGATIONS) for s in range(40)]
    assert all("not" in p.split() for p in protected)
    for s in range(40):
        assert text.random_swap(S, 3, seed=s, protect=("not",)).split().index("not") == S.split().index("not")


def test_augment_corpus_keeps_labels_and_label_noise_counts_flips():
    texts, y = text.make_reviews(40, seed=0, negation_rate=0.5)
    new_t, new_y = text.EDA(0.3).augment_corpus(texts, y, n_aug=3, seed=1)
    assert len(new_t) == 160 and new_t[:40] == texts
    assert new_y.tolist() == y.tolist() + [int(v) for v in y for _ in range(3)]
    risky = text.label_noise(texts, y, text.EDA(0.3, ops=("delete",)), n_aug=5)
    safe = text.label_noise(texts, y, text.EDA(0.3, ops=("delete",), protect=text.NEGATIONS), n_aug=5)
    assert (risky.outcome == "flipped").sum() > 0 and (safe.outcome == "flipped").sum() == 0


def test_compare_eda_reports_accuracy_and_gap():
    tr, ytr = text.make_reviews(20, seed=1)
    va, yva = text.make_reviews(40, seed=2)
    runs, summary = text.compare_eda(tr, ytr, va, yva, {"none": None, "eda": text.EDA(0.1)}, n_aug=2, seeds=[0, 1])
    assert len(runs) == 4 and list(summary.index) == ["none", "eda"]
    np.testing.assert_allclose(runs.gap, runs.train_acc - runs.val_acc)
    assert runs.val_acc.between(0, 1).all()


@pytest.mark.parametrize("make, error, message", [
    (lambda: text.EDA(alpha=0.9), ValueError, "alpha must be between"),
    (lambda: text.EDA(ops=("shuffle",)), ValueError, "Unknown EDA operation"),
    (lambda: text.EDA(ops=()), ValueError, "at least one operation"),
    (lambda: text.random_deletion(S, p=1.5), ValueError, "p must be between"),
    (lambda: text.synonym_replacement(S, n=-1), ValueError, "n must be 0 or more"),
    (lambda: text.random_swap(S, seed=-2), ValueError, "seed must be 0 or more"),
    (lambda: text.make_reviews(0), ValueError, "n must be at least 1"),
    (lambda: text.random_swap(42), TypeError, "sentence must be a string"),
    (lambda: text.EDA().augment_corpus("one sentence", [1]), TypeError, "list of sentences"),
    (lambda: text.EDA().augment_corpus(["a", "b"], [1]), ValueError, "labels"),
])
def test_bad_arguments_say_what_is_wrong(make, error, message):
    with pytest.raises(error, match=message):
        make()
