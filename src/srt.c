/* srt.c: reading SubRip subtitles (SRT).
 *
 * Numbered cues: a number, a timing line "00:01:02,500 --> 00:01:04,000", the text, a blank
 * line; a file that starts with a timing line is read so too (cues without numbers, as Teams'
 * older transcripts and some tools write them). The cue reader is shared with WebVTT (vtt.c, which
 * says how speakers are found); this file only recognises the format.
 *
 * YouTube's SBV is read here too: blocks of a timing line "0:00:01.000,0:00:04.000" (start, a
 * comma, stop; no arrow, no number), the text lines, a blank line. */
#include <string.h>

#include "layout.h"

/* Whether s[a..z) is a number, blanks around it allowed. */
static int number_line(const char *s, size_t a, size_t z) {
    while (a < z && (s[a] == ' ' || s[a] == '\t'))
        a++;
    while (z > a && (s[z - 1] == ' ' || s[z - 1] == '\t'))
        z--;
    if (a == z) return 0;
    for (size_t k = a; k < z; k++)
        if (s[k] < '0' || s[k] > '9') return 0;
    return 1;
}

/* Whether the text looks like SBV: its first non-blank line is an SBV timing line, and so is the
 * first line of more than half of its blocks (a block: lines between blank lines). */
static int sbv_content(const sm_text *t) {
    size_t blocks = 0, timed = 0;
    int first = 1; /* the next non-blank line starts a block */
    for (size_t i = 0; i < t->nlines; i++) {
        size_t a = t->lines[i], z = i + 1 < t->nlines ? t->lines[i + 1] - 1 : t->len;
        while (z > a && (t->s[z - 1] == ' ' || t->s[z - 1] == '\t' || t->s[z - 1] == '\r'))
            z--;
        while (a < z && (t->s[a] == ' ' || t->s[a] == '\t'))
            a++;
        if (a == z) { /* a blank line */
            first = 1;
            continue;
        }
        if (!first) continue;
        first = 0;
        int timing = layout_sbv_timing(t->s + a, z - a);
        if (blocks == 0 && !timing) return 0;
        blocks++;
        timed += timing;
    }
    return blocks > 0 && timed * 2 > blocks;
}

static int ends_with(const char *name, const char *ext) {
    size_t n = strlen(name), l = strlen(ext);
    return n > l && strcmp(name + n - l, ext) == 0;
}

/* Whether "-->" stands in the first two lines past leading blank ones (an SRT cue's timing line,
 * numbered or not). */
static int arrow_near_top(const sm_text *t) {
    size_t a = strspn(t->s, " \t\r\n"), lines = 0;
    for (size_t k = a; k + 3 <= t->len && lines < 2; k++) {
        if (t->s[k] == '\n') lines++;
        if (memcmp(t->s + k, "-->", 3) == 0) return 1;
    }
    return 0;
}

int layout_is_sbv(const char *name, const sm_text *t) {
    return (ends_with(name, ".sbv") && !arrow_near_top(t)) || sbv_content(t);
}

int layout_is_srt(const char *name, const sm_text *t) {
    if (ends_with(name, ".srt") || layout_is_sbv(name, t)) return 1;
    size_t a = strspn(t->s, " \t\n");
    const char *nl = memchr(t->s + a, '\n', t->len - a);
    if (nl && a < t->len && t->s[a] >= '0' && t->s[a] <= '9') { /* cues without numbers */
        /* a timing line alone: "0:0:0.0 --> 0:0:3.450" ("10:00 --> 11:00 Möte" is text) */
        size_t e = (size_t)(nl - t->s);
        while (e > a && (t->s[e - 1] == ' ' || t->s[e - 1] == '\t' || t->s[e - 1] == '\r'))
            e--;
        size_t k = a + strspn(t->s + a, "0123456789:.,");
        if (k + 5 < e && memcmp(t->s + k, " --> ", 5) == 0 &&
            k + 5 + strspn(t->s + k + 5, "0123456789:.,") == e)
            return 1;
    }
    if (!nl || !number_line(t->s, a, (size_t)(nl - t->s))) return 0;
    size_t b = (size_t)(nl - t->s) + 1;
    const char *nl2 = memchr(t->s + b, '\n', t->len - b);
    size_t e = nl2 ? (size_t)(nl2 - t->s) : t->len;
    for (size_t k = b; k + 3 <= e; k++)
        if (memcmp(t->s + k, "-->", 3) == 0) return 1;
    return 0;
}

int layout_srt(const char *name, sm_text *t, sm_layout *out, sm_error *err) {
    return layout_cues(name, t, layout_is_sbv(name, t) ? CUES_SBV : CUES_SRT, out, err);
}

int layout_sbv(const char *name, sm_text *t, sm_layout *out, sm_error *err) {
    return layout_cues(name, t, CUES_SBV, out, err);
}
