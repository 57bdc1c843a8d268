"""A string and dict workload: tokenising, counting, indexing and formatting text.

What: a fixed generator builds a pseudo-English corpus (words made of
syllables, sentences with punctuation and capitals). Each round then
  1. splits the corpus into lines and words, normalises each word
     (lower-casing, stripping punctuation);
  2. counts word frequencies and word-pair (bigram) frequencies in dicts,
     including a dict of dicts;
  3. builds an inverted index word -> list of line numbers;
  4. renders per-word records with f-strings, %-formatting and str.format_map
     into a report, and keeps the top words ordered by (-count, word).
The result is the number of distinct words and bigrams, the top five words
and a CRC-32 of the whole report text.

Why: much real Python is this -- str methods, slicing, concatenation and
join, dict get/set/setdefault, small tuples, sorting with a key, string
formatting. Most of the time is spent in the runtime's C code, so the JIT's
job is to make the glue (calls, attribute and global loads, dict
subscripts, the loops) cheap; this benchmark keeps that honest. The
per-word and per-line helpers run tens of thousands of times per round, so
ember's auto mode compiles them early.

Invariants: deterministic output -- nothing depends on hash() of str (which
is randomised per process) or on set iteration order; dicts are only
iterated in insertion order or after sorting.
"""
from __future__ import annotations

import zlib

SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "ta", "shi", "vo", "en", "ar",
             "pe", "di", "qu", "os", "bi", "ul", "fa", "zo", "ith", "an")
PUNCT = ",.;:!?\"'()"
LINES = 600
WORDS_PER_LINE = 12


def make_corpus(seed=12345, lines=LINES):
    state = seed
    out = []
    for _ in range(lines):
        words = []
        for w in range(WORDS_PER_LINE):
            state = (state * 1103515245 + 12345) & 0x7FFFFFFF
            # Skewed choice of word length and syllables gives a Zipf-ish mix.
            length = 1 + (state >> 8) % 3
            word = ""
            for s in range(length):
                index = ((state >> (4 + 5 * s)) % 20) * ((state >> 20) % 3 + 1) // 3
                word += SYLLABLES[index % 20]
            if w == 0:
                word = word.capitalize()
            if (state >> 12) % 7 == 0:
                word += PUNCT[(state >> 16) % len(PUNCT)]
            words.append(word)
        out.append(" ".join(words) + ".")
    return "\n".join(out)


def normalize(word):
    return word.strip(PUNCT).lower()


def tokenize(line):
    words = []
    for raw in line.split():
        word = normalize(raw)
        if word:
            words.append(word)
    return words


def count_line(words, counts, pairs):
    previous = None
    for word in words:
        counts[word] = counts.get(word, 0) + 1
        if previous is not None:
            followers = pairs.setdefault(previous, {})
            followers[word] = followers.get(word, 0) + 1
        previous = word


def index_line(words, lineno, index):
    for word in words:
        positions = index.get(word)
        if positions is None:
            index[word] = [lineno]
        elif positions[-1] != lineno:
            positions.append(lineno)


RECORD = "{word:<12}|{count:>5}|{first:>4}|{last:>4}|{span}"


def render(word, count, positions, followers):
    best = max(followers.items(), key=follower_key)[0] if followers else "-"
    head = f"{word:<12} x{count:<5d}"
    tail = "next=%s lines=%d" % (best, len(positions))
    record = RECORD.format_map({"word": word.upper(), "count": count,
                                "first": positions[0], "last": positions[-1],
                                "span": "-" * (len(positions) % 9)})
    return head + tail + " " + record


def follower_key(item):
    return item[1], item[0]


def rank_key(item):
    return -item[1], item[0]


def one_round(corpus):
    counts = {}
    pairs = {}
    index = {}
    for lineno, line in enumerate(corpus.splitlines()):
        words = tokenize(line)
        count_line(words, counts, pairs)
        index_line(words, lineno, index)
    lines = [render(word, count, index[word], pairs.get(word, {}))
             for word, count in counts.items()]
    ranking = sorted(counts.items(), key=rank_key)
    report = "\n".join(lines) + "\n" + ",".join(f"{w}:{c}" for w, c in ranking[:50])
    bigrams = sum(len(f) for f in pairs.values())
    return len(counts), bigrams, [w for w, _ in ranking[:5]], zlib.crc32(report.encode())


def main(n):
    corpus = make_corpus()
    result = None
    for _ in range(n):
        result = one_round(corpus)
    return result


def report(result):
    distinct, bigrams, top, crc = result
    return f"words={distinct} bigrams={bigrams} top={'/'.join(top)} crc32={crc:08x}"


if __name__ == "__main__":
    from _common import BENCHMARKS, standalone
    standalone("strings_dicts", main, report, BENCHMARKS["strings_dicts"][0])
