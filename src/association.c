/* association.c: see association.h. Every expression follows samtal.measures (lua/samtal/
 * measures.lua) step for step: Lua's math.log(x, 2) is log2(x), math.log(x) is log(x). */
#include "association.h"

#include <math.h>
#include <stddef.h>

const char *const association_names[] = {"mi", "mi3", "t", "z", "ll", "logdice", NULL};

/* o * ln(o / e), with 0 * ln 0 = 0 (measures.lua: oln) */
static double oln(double o, double e) {
    return o == 0 ? 0 : o * log(o / e);
}

void association_window(double o11, double r1, double c1, double n, double f_node,
                        sm_association *a) {
    /* margins(): the cells, then newtable(): margins and expected counts from the cells */
    double o12 = r1 - o11, o21 = c1 - o11, o22 = n - r1 - c1 + o11;
    double tr1 = o11 + o12, tr2 = o21 + o22, tc1 = o11 + o21, tc2 = o12 + o22;
    double tn = tr1 + tr2;
    double e11 = tr1 * tc1 / tn, e12 = tr1 * tc2 / tn, e21 = tr2 * tc1 / tn, e22 = tr2 * tc2 / tn;
    a->expected = e11;
    a->mi = log2(o11 / e11);
    a->mi3 = 3 * log2(o11) - log2(e11);
    a->t = (o11 - e11) / sqrt(o11);
    a->z = (o11 - e11) / sqrt(e11);
    double s = oln(o11, e11) + oln(o12, e12) + oln(o21, e21) + oln(o22, e22);
    double g2 = 2 * s > 0 ? 2 * s : 0;    /* math.max(0, 2 * s) */
    double ox = o11 * tn, ex = tr1 * tc1; /* sign_of() */
    double sign = ox > ex ? 1 : ox < ex ? -1 : 0;
    a->ll = g2 == 0 ? 0 : sign * g2; /* no -0: Lua gets the integer 0 there */
    /* window(): Dice's frequencies are the node's and the collocate's */
    a->logdice = 14 + log2(2 * o11 / (f_node + c1));
}

double association_get(const sm_association *a, int m) {
    switch (m) {
    case ASSOC_MI:
        return a->mi;
    case ASSOC_MI3:
        return a->mi3;
    case ASSOC_T:
        return a->t;
    case ASSOC_Z:
        return a->z;
    case ASSOC_LL:
        return a->ll;
    default:
        return a->logdice;
    }
}
