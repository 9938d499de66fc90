/* error.h: the one way the core reports a failure.
 *
 * Core functions that can fail take an `sm_error *` and return -1 (or NULL) after filling it;
 * the message is plain text for a user ("corpus/a.txt:12:5: invalid UTF-8 ..."), so the Lua
 * binding can raise it unchanged. No core function prints or exits. */
#ifndef SAMTAL_ERROR_H
#define SAMTAL_ERROR_H

#include <stddef.h>

/* Messages about damaged parts of a file that a reader left out (on_error = "skip"). */
typedef struct sm_notes {
    char **v;
    size_t n, cap;
} sm_notes;

typedef struct sm_error {
    char msg[1024];
    /* NULL: a damaged part of a file is an error. Set (open's on_error = "skip"): a reader that
     * meets one describes it in msg as for an error, then calls sm_skip, which moves the message
     * here, and goes on past that part (a cue, a segment, a line). Only corpus_add_bytes sets it,
     * on an sm_error of its own, so an sm_error declared without an initialiser elsewhere is
     * never read for it. */
    sm_notes *skip;
} sm_error;

/* Formats a message into err (truncated to fit); a NULL err is ignored. Always returns -1,
 * so that `return sm_errorf(err, ...)` reads as a failure. */
int sm_errorf(sm_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* After msg describes a damaged part: 0 if the part is to be skipped (the message is now a note
 * in err->skip), -1 if it is an error (no sink, or memory ran out; msg stays). */
int sm_skip(sm_error *err);

/* Frees the notes; a zeroed list is fine. */
void sm_notes_free(sm_notes *w);

#endif
