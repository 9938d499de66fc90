/* error.c: formatting of user-facing error messages (see error.h). */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

int sm_errorf(sm_error *err, const char *fmt, ...) {
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}
