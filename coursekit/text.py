"""Text: EDA (Easy Data Augmentation, Wei & Zou 2019) on a small generated sentiment corpus.

The four EDA operations, each seeded (same seed, same sentence) and with checked arguments:

- ``synonym_replacement(s, n)``  replace n words that have a synonym (from the shipped SYNONYMS)
- ``random_insertion(s, n)``     insert a synonym of a random word at a random place, n times
- ``random_swap(s, n)``          swap two random words, n times
- ``random_deletion(s, p)``      delete each word with probability p (never every word)

``EDA`` draws one operation per new sentence, as the paper does; ``protect`` lists words it must
never delete or move (try ``protect=NEGATIONS``): deleting "not" turns a negative review positive.

The corpus: ``make_reviews`` writes short templated movie reviews whose label is known exactly,
and ``sentiment_of`` re-reads the label of ANY sentence built from the same words, so the label
noise an augmentation causes can be measured instead of guessed.
"""
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .base import validate

POSITIVE = ("good", "great", "excellent", "wonderful", "enjoyable", "brilliant", "superb", "fun",
            "delightful", "lovely")
NEGATIVE = ("bad", "terrible", "awful", "boring", "dull", "poor", "dreadful", "weak", "bland", "tedious")
NEGATIONS = ("not", "never", "hardly")
NOUNS = ("movie", "film", "plot", "acting", "soundtrack", "ending", "cast", "script", "story", "dialogue")
INTENSIFIERS = ("", "really", "very", "quite", "truly", "rather")
OPENERS = ("", "honestly", "overall", "i think", "to be fair", "in the end")

# A small synonym dictionary the project ships: sentiment words map to words of the SAME polarity,
# other words to near-synonyms. (Real EDA uses WordNet; this keeps the course offline and exact.)
SYNONYMS = {
    "good": ["great", "fine", "nice", "decent"], "great": ["good", "excellent", "superb"],
    "excellent": ["superb", "outstanding", "great"], "wonderful": ["lovely", "marvellous", "delightful"],
    "enjoyable": ["fun", "pleasant", "entertaining"], "brilliant": ["superb", "excellent", "dazzling"],
    "superb": ["excellent", "outstanding", "brilliant"], "fun": ["enjoyable", "entertaining"],
    "delightful": ["lovely", "charming", "wonderful"], "lovely": ["delightful", "charming", "pleasant"],
    "bad": ["poor", "awful", "lousy"], "terrible": ["awful", "dreadful", "horrible"],
    "awful": ["terrible", "horrible", "dreadful"], "boring": ["dull", "tedious", "tiresome"],
    "dull": ["boring", "bland", "tedious"], "poor": ["bad", "weak", "lousy"],
    "dreadful": ["awful", "terrible", "horrible"], "weak": ["poor", "feeble", "flimsy"],
    "bland": ["dull", "flat", "insipid"], "tedious": ["boring", "tiresome", "dull"],
    "movie": ["film", "picture"], "film": ["movie", "picture"], "plot": ["story", "storyline"],
    "story": ["plot", "tale"], "acting": ["performances", "cast"], "cast": ["actors", "performers"],
    "script": ["screenplay", "writing"], "dialogue": ["lines", "conversation"], "ending": ["finale", "conclusion"],
    "soundtrack": ["music", "score"], "really": ["truly", "very"], "very": ["really", "extremely"],
    "quite": ["rather", "fairly"], "truly": ["really", "genuinely"], "rather": ["quite", "fairly"],
    "honestly": ["frankly", "truthfully"], "overall": ["altogether", "all in all"], "was": ["seemed"],
    "is": ["seems"], "think": ["believe", "feel"], "found": ["thought"],
}
POSITIVE_WORDS = set(POSITIVE) | {w for p in POSITIVE for w in SYNONYMS[p]}
NEGATIVE_WORDS = set(NEGATIVE) | {w for n in NEGATIVE for w in SYNONYMS[n]}
OPS = ("synonym", "insert", "swap", "delete")
CLASS_NAMES = ["negative", "positive"]


# ---------------------------------------------------------------- the corpus

def make_reviews(n, seed=0, negation_rate=0.3):
    """n short reviews and their labels (1 positive, 0 negative), about half of each, seeded.

    A review praises or pans one aspect of a movie; with probability ``negation_rate`` the
    sentiment word is negated ("the plot was not good" is negative).
    """
    validate.positive_int(n, "n")
    validate.positive_int(seed, "seed", allow_zero=True)
    validate.fraction(negation_rate, "negation_rate")
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for i in range(n):
        label = int(i % 2)
        negated = rng.random() < negation_rate
        polar = POSITIVE if (label == 1) != negated else NEGATIVE  # "not bad" is positive
        adj, noun = rng.choice(polar), rng.choice(NOUNS)
        neg = rng.choice(NEGATIONS[:1] if rng.random() < 0.7 else NEGATIONS) if negated else ""
        inten, opener = rng.choice(INTENSIFIERS), rng.choice(OPENERS)
        template = rng.integers(3)
        if template == 0:
            words = [opener, "the", noun, "was", neg, inten, adj]
        elif template == 1:
            words = ["the", noun, "is", neg, inten, adj, "if you ask me" if rng.random() < 0.5 else ""]
        else:
            words = [opener, "i", "found", "the", noun, neg, inten, adj]
        texts.append(" ".join(w for w in words if w))
        labels.append(label)
    order = rng.permutation(n)
    return [texts[i] for i in order], np.array(labels, dtype="int64")[order]


def sentiment_of(sentence):
    """The label a careful reader gives a sentence made of the corpus's words: 1, 0, or None.

    Positive words minus negative words sets the polarity; a negation ('not', 'never', 'hardly')
    flips it. None when no sentiment word is left (the sentence no longer says anything).
    """
    words = _words(sentence)
    score = sum(w in POSITIVE_WORDS for w in words) - sum(w in NEGATIVE_WORDS for w in words)
    if score == 0:
        return None
    positive = score > 0
    if any(w in NEGATIONS for w in words):
        positive = not positive
    return int(positive)


# ---------------------------------------------------------------- the four operations

def _words(sentence):
    if not isinstance(sentence, str):
        raise TypeError(f"sentence must be a string; got {type(sentence).__name__} {sentence!r}.")
    return re.findall(r"[a-z']+", sentence.lower())


def _corpus(texts, labels, what="texts"):
    """A list of sentences and int64 labels, one per sentence."""
    if isinstance(texts, str):
        raise TypeError(f"{what} must be a list of sentences, not one string: wrap it as [sentence].")
    texts = list(texts)
    if not all(isinstance(t, str) for t in texts):
        raise TypeError(f"{what} must be a list of sentences (strings).")
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) != len(texts):
        raise ValueError(f"There are {len(texts)} {what} but labels of shape {labels.shape}: pass one label "
                         "per sentence.")
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"labels must be integers (0 negative, 1 positive); got dtype {labels.dtype}.")
    return texts, labels.astype("int64")


def _rng(seed):
    validate.positive_int(seed, "seed", allow_zero=True)
    return np.random.default_rng(seed)


def _protect(protect):
    if isinstance(protect, str):
        protect = (protect,)
    try:
        protect = tuple(protect)
    except TypeError:
        raise TypeError(f"protect must be a list of words such as ('not',); got {protect!r}.") from None
    if not all(isinstance(w, str) for w in protect):
        raise TypeError(f"protect must be a list of words such as ('not',); got {protect!r}.")
    return set(w.lower() for w in protect)


def synonym_replacement(sentence, n=1, seed=0, synonyms=None):
    """Replace up to n different words that have a synonym by a random synonym."""
    validate.positive_int(n, "n", allow_zero=True)
    synonyms = SYNONYMS if synonyms is None else synonyms
    words, rng = _words(sentence), _rng(seed)
    candidates = [i for i, w in enumerate(words) if w in synonyms]
    for i in rng.permutation(candidates)[:n] if candidates else []:
        words[i] = str(rng.choice(synonyms[words[i]]))
    return " ".join(words)


def random_insertion(sentence, n=1, seed=0, synonyms=None):
    """n times: pick a word that has a synonym and insert that synonym at a random place."""
    validate.positive_int(n, "n", allow_zero=True)
    synonyms = SYNONYMS if synonyms is None else synonyms
    words, rng = _words(sentence), _rng(seed)
    for _ in range(n):
        candidates = [w for w in words if w in synonyms]
        if not candidates:
            break
        new = str(rng.choice(synonyms[str(rng.choice(candidates))]))
        words.insert(int(rng.integers(len(words) + 1)), new)
    return " ".join(words)


def random_swap(sentence, n=1, seed=0, protect=()):
    """n times: swap two random words (words in ``protect`` never move)."""
    validate.positive_int(n, "n", allow_zero=True)
    keep = _protect(protect)
    words, rng = _words(sentence), _rng(seed)
    movable = [i for i, w in enumerate(words) if w not in keep]
    if len(movable) < 2:
        return " ".join(words)
    for _ in range(n):
        i, j = rng.choice(movable, 2, replace=False)
        words[i], words[j] = words[j], words[i]
    return " ".join(words)


def random_deletion(sentence, p=0.1, seed=0, protect=()):
    """Delete each word with probability p (words in ``protect`` stay); at least one word is kept."""
    validate.fraction(p, "p")
    keep = _protect(protect)
    words, rng = _words(sentence), _rng(seed)
    if not words:
        return ""
    drop = rng.random(len(words)) < p
    kept = [w for w, d in zip(words, drop) if not d or w in keep]
    return " ".join(kept) if kept else str(rng.choice(words))


@dataclass(frozen=True)
class EDA:
    """Easy Data Augmentation: each new sentence comes from ONE of the four operations, drawn at random.

    alpha:   strength: the share of words changed (n = max(1, round(alpha * length)) for replacement,
             insertion and swap; deletion probability alpha).
    ops:     which operations may be drawn (default all four: 'synonym', 'insert', 'swap', 'delete').
    protect: words that are never deleted or moved, e.g. coursekit.text.NEGATIONS.
    """

    alpha: float = 0.1
    ops: tuple = OPS
    protect: tuple = ()

    def __post_init__(self):
        validate.fraction(self.alpha, "alpha", 0.0, 0.5)
        ops = (self.ops,) if isinstance(self.ops, str) else tuple(self.ops)
        if not ops:
            raise ValueError(f"ops must name at least one operation of {list(OPS)}.")
        for op in ops:
            validate.one_of("op", op, OPS, what="EDA operation")
        object.__setattr__(self, "ops", ops)
        object.__setattr__(self, "protect", tuple(sorted(_protect(self.protect))))

    def __call__(self, sentence, seed=0):
        """One augmented version of ``sentence`` (a string); the same seed gives the same sentence."""
        rng = _rng(seed)
        words = _words(sentence)
        n = max(1, round(self.alpha * len(words)))
        op = self.ops[int(rng.integers(len(self.ops)))]
        sub = int(rng.integers(2**31))
        if op == "synonym":
            return synonym_replacement(sentence, n, sub)
        if op == "insert":
            return random_insertion(sentence, n, sub)
        if op == "swap":
            return random_swap(sentence, n, sub, self.protect)
        return random_deletion(sentence, self.alpha, sub, self.protect)

    def augment_corpus(self, texts, labels, n_aug=4, seed=0):
        """The corpus plus ``n_aug`` augmented copies of every sentence, each KEEPING its original label."""
        validate.positive_int(n_aug, "n_aug", allow_zero=True)
        validate.positive_int(seed, "seed", allow_zero=True)
        texts, labels = _corpus(texts, labels)
        out_t, out_y = list(texts), list(labels)
        for i, (t, y) in enumerate(zip(texts, labels)):
            for k in range(n_aug):
                out_t.append(self(t, seed=seed * 1_000_003 + i * 101 + k))
                out_y.append(int(y))
        return out_t, np.array(out_y, dtype="int64")


def label_noise(texts, labels, aug, n_aug=4, seed=0):
    """Measure what an augmentation does to labels, with ``sentiment_of`` as the careful reader.

    Returns a one-row-per-outcome DataFrame over all augmented sentences: 'kept' (the reader agrees
    with the copied label), 'flipped' (the reader gives the OTHER label) and 'lost' (no sentiment left).
    """
    new_t, new_y = aug.augment_corpus(texts, labels, n_aug=n_aug, seed=seed)
    new_t, new_y = new_t[len(texts):], new_y[len(texts):]
    verdicts = [sentiment_of(t) for t in new_t]
    outcome = ["lost" if v is None else ("kept" if v == y else "flipped") for v, y in zip(verdicts, new_y)]
    df = pd.DataFrame({"text": new_t, "label": new_y, "reader": verdicts, "outcome": outcome})
    return df


# ---------------------------------------------------------------- a tiny model, with and without EDA

def train_bow(train_texts, train_labels, seed=0, c=10.0):
    """Train a tiny bag-of-words-and-bigrams classifier: keras ``TextVectorization`` (multi-hot
    unigrams and bigrams, so "not good" is a feature) feeding a logistic regression (scikit-learn,
    which fits such a small model in milliseconds; a one-layer Keras model learns the same thing).

    Returns ``predict(texts) -> labels``. The vocabulary is learned from the training texts only,
    so a word seen only in validation is unknown to the model.
    """
    import keras
    import tensorflow as tf
    from sklearn.linear_model import LogisticRegression

    validate.positive_int(seed, "seed", allow_zero=True)
    validate.fraction(c, "c", 1e-4, 1e4)
    train_texts, y_tr = _corpus(train_texts, train_labels, "train_texts")
    vec = keras.layers.TextVectorization(max_tokens=4000, ngrams=2, output_mode="multi_hot")
    vec.adapt(tf.constant(train_texts))
    clf = LogisticRegression(C=c, max_iter=2000, random_state=seed)
    clf.fit(vec(tf.constant(train_texts)).numpy(), y_tr)

    def predict(texts):
        return clf.predict(vec(tf.constant(list(texts))).numpy()).astype("int64")

    return predict


def compare_eda(train_texts, train_labels, val_texts, val_labels, augs, n_aug=4, seeds=(0, 1, 2)):
    """Train ``train_bow`` with each augmentation in ``augs`` ({name: EDA or None}) and each seed.

    train_acc is measured on the ORIGINAL training sentences, so gap = train_acc - val_acc compares
    like with like. Returns (runs, summary) DataFrames: summary has the mean and sd over seeds.
    """
    seeds = validate.seeds(seeds)
    if not isinstance(augs, dict) or not augs:
        raise TypeError("augs must be a non-empty dict {name: EDA(...) or None}.")
    train_texts, y_tr = _corpus(train_texts, train_labels, "train_texts")
    val_texts, y_va = _corpus(val_texts, val_labels, "val_texts")
    rows = []
    for name, aug in augs.items():
        if aug is not None and not isinstance(aug, EDA):
            raise TypeError(f"each augmentation must be an EDA(...) or None; {name!r} is {type(aug).__name__}.")
        for seed in seeds:
            texts, labels = list(train_texts), y_tr
            if aug is not None:
                texts, labels = aug.augment_corpus(texts, labels, n_aug=n_aug, seed=seed)
            predict = train_bow(texts, labels, seed=seed)
            train_acc = float((predict(train_texts) == y_tr).mean())
            val_acc = float((predict(val_texts) == y_va).mean())
            rows.append(dict(name=name, seed=seed, train_acc=train_acc, val_acc=val_acc, gap=train_acc - val_acc))
    runs = pd.DataFrame(rows)
    summary = runs.groupby("name", sort=False)[["train_acc", "val_acc", "gap"]].agg(["mean", "std"])
    summary.columns = [f"{m}_{s}" for m, s in summary.columns]
    return runs, summary
