"""How alike two audit reports' texts are (R-13): pure functions, no Django models.

The method, and why it scales:

* A report's text is cut into words; each word is normalised (lower case, letters and digits
  only). A **shingle** is a run of ``SHINGLE_WORDS`` consecutive normalised words, so the
  comparison sees phrasing, not just vocabulary: two reports on the same elements share words
  but few five-word runs unless one copies the other.
* The **score** of a pair is the Jaccard resemblance of their shingle sets (shared shingles
  over all distinct shingles), as a percent 0-100. It is computed exactly, from the two texts.
* Finding the candidates must not mean re-reading every earlier report. Each report keeps a
  **MinHash signature** (datasketch, ``NUM_PERM`` 32-bit values, about 1 KB) stored next to
  its extracted text. The fraction of equal positions in two signatures estimates the Jaccard
  resemblance, so a new report is compared with thousands of earlier ones by one vectorised
  pass over their small signatures (numpy); only those whose estimate comes within
  ``CANDIDATE_MARGIN`` points of the threshold get the exact score and passages. With 128
  permutations the estimate's standard error is at most 4.4 points, so a 15-point margin
  misses a pair above the threshold with vanishing probability.
* The **matching passages** are the maximal runs of identical normalised words that start on
  a shared shingle, found in one linear walk, longest first; the reviewer sees them side by
  side in both reports with the words around them.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# numpy and datasketch (which loads scipy) are imported where a signature is computed or
# compared: that happens on the worker, and the web processes, which only show the matches,
# keep about 60 MB less memory each.

SHINGLE_WORDS = 5
NUM_PERM = 128
SEED = 13  # every signature must use the same permutations to be comparable
CANDIDATE_MARGIN = Decimal("15")  # percent points below the threshold still checked exactly
MIN_WORDS = 40  # a text shorter than this (a cover page, a scan) is not compared
MIN_PASSAGE_WORDS = 12  # a shared run shorter than this is not shown as a passage
MAX_PASSAGES = 12
CONTEXT_WORDS = 12  # words shown before and after a passage

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def words_of(text: str) -> list[str]:
    """Return the text's words as written (split on white space)."""
    return text.split()


def comparable(text: str) -> bool:
    """Return whether a text is long enough to compare (at least ``MIN_WORDS`` words)."""
    return sum(1 for word in normalise(words_of(text)) if word) >= MIN_WORDS


def normalise(words: Sequence[str]) -> list[str]:
    """Return each word lower-cased with its punctuation removed ("" for pure punctuation)."""
    return [_NON_WORD.sub("", word).lower() for word in words]


def _kept(norm: Sequence[str]) -> list[int]:
    """Return the indexes of the words that still have letters or digits."""
    return [i for i, word in enumerate(norm) if word]


def shingles(text: str, *, size: int = SHINGLE_WORDS) -> set[str]:
    """Return the set of runs of ``size`` consecutive normalised words of the text."""
    norm = [w for w in normalise(words_of(text)) if w]
    if len(norm) < size:
        return {" ".join(norm)} if norm else set()
    return {" ".join(norm[i : i + size]) for i in range(len(norm) - size + 1)}


def resemblance(a: set[str], b: set[str]) -> Decimal:
    """Return the Jaccard resemblance of two shingle sets as a percent, to 0.01."""
    if not a or not b:
        return Decimal("0.00")
    percent = Decimal(len(a & b) * 100) / Decimal(len(a | b))
    return percent.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def is_flagged(score: Decimal, threshold: Decimal) -> bool:
    """Return whether a score is high enough to flag the pair: at or above the threshold."""
    if isinstance(score, float) or isinstance(threshold, float):
        raise TypeError("Scores and thresholds are Decimal percents.")
    return score >= threshold


def signature(shingle_set: set[str]) -> bytes:
    """Return the MinHash signature of a shingle set as bytes (``NUM_PERM`` little-endian u64)."""
    import numpy as np
    from datasketch import MinHash

    minhash = MinHash(num_perm=NUM_PERM, seed=SEED)
    minhash.update_batch([s.encode("utf-8") for s in sorted(shingle_set)])
    return np.asarray(minhash.hashvalues, dtype="<u8").tobytes()


def estimates(new: bytes, earlier: Sequence[bytes]) -> list[Decimal]:
    """Return the estimated resemblance (percent) of the new signature with each earlier one."""
    if not earlier:
        return []
    import numpy as np

    target = np.frombuffer(new, dtype="<u8")
    matrix = np.vstack([np.frombuffer(sig, dtype="<u8") for sig in earlier])
    equal = (matrix == target).mean(axis=1) * 100
    return [Decimal(str(round(float(value), 2))) for value in equal]


def is_candidate(estimate: Decimal, threshold: Decimal) -> bool:
    """Return whether a pair's estimate is close enough to the threshold to check it exactly."""
    return estimate >= threshold - CANDIDATE_MARGIN


@dataclass(frozen=True)
class Passage:
    """A run of identical words in both texts: word indexes [start, end) in each."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int

    @property
    def words(self) -> int:
        return self.a_end - self.a_start

    def as_dict(self) -> dict[str, int]:
        return {"a": [self.a_start, self.a_end], "b": [self.b_start, self.b_end]}  # type: ignore[dict-item]


def passages(
    text_a: str,
    text_b: str,
    *,
    size: int = SHINGLE_WORDS,
    min_words: int = MIN_PASSAGE_WORDS,
    limit: int = MAX_PASSAGES,
) -> list[Passage]:
    """Return the longest runs of identical (normalised) words shared by the two texts.

    Indexes are into ``words_of(text)`` of each text, so the passages can be shown in the
    words as written. Longest first, at most ``limit``, none shorter than ``min_words``.
    """
    norm_a, norm_b = normalise(words_of(text_a)), normalise(words_of(text_b))
    keep_a, keep_b = _kept(norm_a), _kept(norm_b)
    seq_a = [norm_a[i] for i in keep_a]
    seq_b = [norm_b[i] for i in keep_b]
    first_in_b: dict[tuple[str, ...], int] = {}
    for start in range(len(seq_b) - size + 1):
        first_in_b.setdefault(tuple(seq_b[start : start + size]), start)
    found: list[Passage] = []
    i = 0
    while i <= len(seq_a) - size:
        j = first_in_b.get(tuple(seq_a[i : i + size]))
        if j is None:
            i += 1
            continue
        length = size
        while (
            i + length < len(seq_a)
            and j + length < len(seq_b)
            and seq_a[i + length] == seq_b[j + length]
        ):
            length += 1
        if length >= min_words:
            found.append(
                Passage(
                    a_start=keep_a[i],
                    a_end=keep_a[i + length - 1] + 1,
                    b_start=keep_b[j],
                    b_end=keep_b[j + length - 1] + 1,
                )
            )
        i += length
    found.sort(key=lambda p: (-p.words, p.a_start))
    return found[:limit]


@dataclass(frozen=True)
class Excerpt:
    """A passage in one text, as written: the words before, the matching words, the words after."""

    before: str
    match: str
    after: str
    leading: bool  # text was cut before ``before``
    trailing: bool  # text was cut after ``after``


def excerpt(words: Sequence[str], start: int, end: int, *, context: int = CONTEXT_WORDS) -> Excerpt:
    """Return the words [start, end) of a text with ``context`` words around them."""
    lo, hi = max(0, start - context), min(len(words), end + context)
    return Excerpt(
        before=" ".join(words[lo:start]),
        match=" ".join(words[start:end]),
        after=" ".join(words[end:hi]),
        leading=lo > 0,
        trailing=hi < len(words),
    )
