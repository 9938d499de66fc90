/* error.c: formatting of user-facing error messages (see error.h). */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sm_errorf(sm_error *err, const char *fmt, ...) {
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int sm_skip(sm_error *err) {
    if (!err || !err->skip) return -1;
    sm_notes *w = err->skip;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 8;
        char **v = realloc(w->v, cap * sizeof *v);
        if (!v) return -1;
        w->v = v;
        w->cap = cap;
    }
    size_t len = strlen(err->msg);
    char *m = malloc(len + 1);
    if (!m) return -1;
    memcpy(m, err->msg, len + 1);
    w->v[w->n++] = m;
    return 0;
}

void sm_notes_free(sm_notes *w) {
    for (size_t i = 0; i < w->n; i++)
        free(w->v[i]);
    free(w->v);
    w->v = NULL;
    w->n = w->cap = 0;
}
