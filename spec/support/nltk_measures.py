"""Reference numbers from NLTK for spec/measures_spec.lua.

Usage: nltk_measures.py O11,R1,C1,N [O11,R1,C1,N ...]

For each table prints one line: NLTK's BigramAssocMeasures pmi, student_t, chi_sq and
likelihood_ratio, called as NLTK calls them, score(n_ii, (n_ix, n_xi), n_xx) with
n_ii = O11, n_ix = R1, n_xi = C1, n_xx = N. Exits with status 3 and a message on stderr
when NLTK cannot be imported.
"""
import sys

try:
    from nltk.metrics import BigramAssocMeasures
except ImportError as err:  # the spec reports this as a failure, with the message
    sys.stderr.write("nltk_measures.py: cannot import NLTK (%s) with %s\n" % (err, sys.executable))
    sys.exit(3)

MEASURES = ("pmi", "student_t", "chi_sq", "likelihood_ratio")


def main(args):
    if not args:
        sys.stderr.write(__doc__)
        return 2
    for arg in args:
        o11, r1, c1, n = (int(x) for x in arg.split(","))
        scores = [getattr(BigramAssocMeasures, name)(o11, (r1, c1), n) for name in MEASURES]
        print(" ".join(repr(float(s)) for s in scores))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
