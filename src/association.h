/* association.h: the association measures of a window collocation, in C for the collocates of a
 * common word (tens of thousands of rows). samtal.measures (Lua) holds the reference
 * implementations and docs/measures.md the formulas; this file computes the same numbers with
 * the same operations in the same order, so that the two agree to the last bit (spec/
 * collocates_c_spec.lua checks every row against samtal.measures). */
#ifndef SAMTAL_ASSOCIATION_H
#define SAMTAL_ASSOCIATION_H

/* The measures of a collocate: O11 co-occurrences in R1 distinct window slots, C1 the
 * collocate's corpus frequency, N the counted tokens of the corpus, f_node the node's frequency
 * (the hits; logDice is Rychlý's, of the plain frequencies). The table is
 * samtal.measures.contingency(O11, R1, C1, N); ll is G² signed by O11 against E11. */
typedef struct sm_association {
    double expected, mi, mi3, t, z, ll, logdice;
} sm_association;

enum { ASSOC_MI, ASSOC_MI3, ASSOC_T, ASSOC_Z, ASSOC_LL, ASSOC_LOGDICE, ASSOC_COUNT };

/* The names of the measures by ASSOC_*, NULL-terminated: "mi", "mi3", "t", "z", "ll", "logdice". */
extern const char *const association_names[];

/* Fills *a. Needs 0 < O11 <= C1 <= N, O11 <= R1 <= N, R1 + C1 - O11 <= N and f_node > 0, which
 * the counts of a collocates job always meet. */
void association_window(double o11, double r1, double c1, double n, double f_node,
                        sm_association *a);

/* The value of measure `m` (ASSOC_*) in *a. */
double association_get(const sm_association *a, int m);

#endif
