/* error.h: the one way the core reports a failure.
 *
 * Core functions that can fail take an `sm_error *` and return -1 (or NULL) after filling it;
 * the message is plain text for a user ("corpus/a.txt:12:5: invalid UTF-8 ..."), so the Lua
 * binding can raise it unchanged. No core function prints or exits. */
#ifndef SAMTAL_ERROR_H
#define SAMTAL_ERROR_H

#include <stddef.h>

typedef struct sm_error {
    char msg[1024];
} sm_error;

/* Formats a message into err (truncated to fit); a NULL err is ignored. Always returns -1,
 * so that `return sm_errorf(err, ...)` reads as a failure. */
int sm_errorf(sm_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
