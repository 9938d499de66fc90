/* import.c: samtal's JSON export read back (see import.h and export.h).
 *
 * One pass over the file with the strict reader of json.c: a document's object is read member by
 * member into a new sm_doc (its keys in any order; members it does not know are skipped), checked
 * as a whole (every range inside the text, on character boundaries, so that the tokeniser can
 * trust it as it trusts a reader's layout), added and tokenised. The tokens and sentences the
 * file lists are read afterwards, from where they stood, and compared with the ones found. */
#include "import.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "fingerprint.h"
#include "json.h"
#include "segment.h"

typedef struct reader {
    sm_json j;
    sm_corpus *c;
    sm_buf key, str;
    char version[64]; /* the samtal that wrote the file, for messages */
    char fingerprint[17];
    int options_seen;
    size_t before; /* documents of c before the import */
} reader;

static int is_ws(unsigned char ch) {
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

int import_is_export(const unsigned char *bytes, size_t n) {
    static const char key[] = "\"samtal\"";
    size_t p = n >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (p < n && is_ws(bytes[p]))
        p++;
    if (p >= n || bytes[p] != '{') return 0;
    for (p++; p < n && is_ws(bytes[p]); p++)
        ;
    return p + sizeof key - 1 <= n && memcmp(bytes + p, key, sizeof key - 1) == 0;
}

static int oom(reader *r) {
    return sm_errorf(r->j.err, "%s: out of memory", r->j.name);
}

/* An error about what stands at s[at] (not a syntax error: nothing is "found" there). */
static int fail_at(reader *r, size_t at, const char *msg) {
    size_t line, col;
    json_position(&r->j, at, &line, &col);
    return sm_errorf(r->j.err, "%s:%zu:%zu: %s", r->j.name, line, col, msg);
}

static char peek(const reader *r) {
    return r->j.p < r->j.n ? r->j.s[r->j.p] : '\0';
}

/* Expects the character ch (after white space), then skips white space after it. */
static int expect(reader *r, char ch, const char *what) {
    json_skip_ws(&r->j);
    if (peek(r) != ch) return json_fail(&r->j, r->j.p, what);
    r->j.p++;
    json_skip_ws(&r->j);
    return 0;
}

/* Starts an array: 1 if it is empty (and read), 0 before its first element, -1 on error. */
static int array_begin(reader *r, const char *what) {
    if (expect(r, '[', what)) return -1;
    if (peek(r) != ']') return 0;
    r->j.p++;
    return 1;
}

/* The same for an object. */
static int object_begin(reader *r, const char *what) {
    if (expect(r, '{', what)) return -1;
    if (peek(r) != '}') return 0;
    r->j.p++;
    return 1;
}

static int read_u32(reader *r, uint32_t *v, const char *what) {
    uint64_t x;
    size_t at = r->j.p;
    if (json_uint(&r->j, &x, what)) return -1;
    if (x > UINT32_MAX) return json_fail(&r->j, at, what);
    *v = (uint32_t)x;
    return 0;
}

/* [a, b] */
static int read_range(reader *r, uint32_t *a, uint32_t *b, const char *what) {
    if (expect(r, '[', what) || read_u32(r, a, what) || expect(r, ',', what) ||
        read_u32(r, b, what) || expect(r, ']', what))
        return -1;
    return 0;
}

/* A string into r->str, NUL-terminated. */
static int read_string(reader *r, const char *what) {
    if (peek(r) != '"') return json_fail(&r->j, r->j.p, what);
    r->str.n = 0;
    if (json_string(&r->j, NULL, NULL, &r->str) || buf_append(&r->str, "", 0)) return -1;
    return 0;
}

/* A string or null as a name of the layout (LAYOUT_NONE for null). */
static int read_name(reader *r, sm_layout *lay, uint32_t *off, const char *what) {
    if (peek(r) == 'n') {
        *off = LAYOUT_NONE;
        return json_word(&r->j, "null");
    }
    if (read_string(r, what)) return -1;
    if ((*off = layout_name(lay, r->str.s, r->str.n)) == LAYOUT_NONE) return oom(r);
    return 0;
}

static char *dup_str(const char *s, size_t n) {
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* ---- the parts of a document ---------------------------------------------------------------- */

typedef struct docparts {
    sm_doc d;
    sm_buf text;
    sm_offmap map;
    VEC(uint32_t) lines;
    uint64_t source_size, replacements;
    int have_text, have_source_size;
    size_t tokens_at, sentences_at; /* where the file lists them, SIZE_MAX if it does not */
    size_t at;                      /* where the document's object starts */
} docparts;

static void parts_free(docparts *dp) {
    corpus_doc_free(&dp->d);
    buf_free(&dp->text);
    free(dp->map.v);
    free(dp->lines.v);
}

/* "meta": {"key": "value", ...} as key NUL value NUL ... */
static int read_meta(reader *r, sm_buf *meta) {
    int end = object_begin(r, "expected '{' (the document's metadata) after \"meta\":");
    while (end == 0) {
        if (json_key(&r->j, &r->key) || read_string(r, "expected a string (a metadata value)"))
            return -1;
        if (buf_append(meta, r->key.s, r->key.n + 1) || buf_append(meta, r->str.s, r->str.n + 1))
            return oom(r);
        end = json_next_member(&r->j);
    }
    return end < 0 ? -1 : 0;
}

static int read_participants(reader *r, sm_layout *lay) {
    int end = array_begin(r, "expected '[' after \"participants\":");
    while (end == 0) {
        sm_participant p = {LAYOUT_NONE, LAYOUT_NONE, LAYOUT_NONE};
        int oend = object_begin(r, "expected '{' (a participant)");
        while (oend == 0) {
            if (json_key(&r->j, &r->key)) return -1;
            uint32_t *field = strcmp(r->key.s, "kind") == 0   ? &p.kind
                              : strcmp(r->key.s, "name") == 0 ? &p.name
                              : strcmp(r->key.s, "role") == 0 ? &p.role
                                                              : NULL;
            if (field ? read_name(r, lay, field, "expected a string or null") : json_value(&r->j))
                return -1;
            oend = json_next_member(&r->j);
        }
        if (oend < 0) return -1;
        if (VEC_PUSH(lay->participants, p)) return oom(r);
        end = json_next_element(&r->j);
    }
    return end < 0 ? -1 : 0;
}

/* An array of offsets ("pages", "lines"). */
static int read_offsets(reader *r, void *vec_v, size_t *vec_n, size_t *vec_cap, const char *what) {
    uint32_t **v = vec_v;
    int end = array_begin(r, what);
    while (end == 0) {
        uint32_t x = 0;
        if (read_u32(r, &x, "expected an offset (a whole number)")) return -1;
        if (*vec_n == *vec_cap && vec_reserve((void **)v, vec_cap, *vec_n + 1, sizeof **v))
            return oom(r);
        (*v)[(*vec_n)++] = x;
        end = json_next_element(&r->j);
    }
    return end < 0 ? -1 : 0;
}

static int read_map(reader *r, sm_offmap *map) {
    int end = array_begin(r, "expected '[' after \"source_map\":");
    while (end == 0) {
        sm_offpoint pt;
        if (read_range(r, &pt.norm, &pt.src, "expected [text offset, source offset]")) return -1;
        if (VEC_PUSH(*map, pt)) return oom(r);
        end = json_next_element(&r->j);
    }
    return end < 0 ? -1 : 0;
}

/* A turn's start: a number of seconds, or null; read back exactly as written. */
static int read_start(reader *r, double *start) {
    if (peek(r) == 'n') {
        *start = -1;
        return json_word(&r->j, "null");
    }
    size_t a = r->j.p;
    double rough;
    if (json_number(&r->j, &rough)) return -1;
    *start = json_read_double(r->j.s, a, r->j.p);
    if (!isfinite(*start) || *start < 0) *start = -1;
    return 0;
}

static int read_turns(reader *r, sm_layout *lay) {
    int end = array_begin(r, "expected '[' after \"turns\":");
    while (end == 0) {
        sm_rawturn t = {LAYOUT_NONE, (uint32_t)lay->segs.n, 0, 0, -1};
        double stop = -1;
        int oend = object_begin(r, "expected '{' (a turn)");
        while (oend == 0) {
            if (json_key(&r->j, &r->key)) return -1;
            int rc;
            if (strcmp(r->key.s, "speaker") == 0) {
                rc = read_name(r, lay, &t.speaker, "expected a string or null for \"speaker\"");
            } else if (strcmp(r->key.s, "start") == 0) {
                rc = read_start(r, &t.start);
            } else if (strcmp(r->key.s, "stop") == 0) {
                rc = read_start(r, &stop);
            } else if (strcmp(r->key.s, "label") == 0) {
                rc = read_u32(r, &t.label, "expected an offset for \"label\"");
            } else if (strcmp(r->key.s, "segments") == 0) {
                t.seg_first = (uint32_t)lay->segs.n;
                lay->segs.n = t.seg_first; /* a second "segments" replaces the first */
                rc = array_begin(r, "expected '[' after \"segments\":");
                while (rc == 0) {
                    sm_segment sg;
                    uint32_t sep = 0;
                    const char *what = "expected [start, end, separator]";
                    if (expect(r, '[', what) || read_u32(r, &sg.start, what) ||
                        expect(r, ',', what) || read_u32(r, &sg.end, what) ||
                        expect(r, ',', what) || read_u32(r, &sep, what) || expect(r, ']', what))
                        return -1;
                    if (sep > SEP_PARAGRAPH) return fail_at(r, r->j.p, "a separator is 0, 1 or 2");
                    sg.sep = (uint8_t)sep;
                    if (VEC_PUSH(lay->segs, sg)) return oom(r);
                    rc = json_next_element(&r->j);
                }
                rc = rc < 0 ? -1 : 0;
            } else {
                rc = json_value(&r->j);
            }
            if (rc) return -1;
            oend = json_next_member(&r->j);
        }
        if (oend < 0) return -1;
        t.seg_count = (uint32_t)lay->segs.n - t.seg_first; /* none: a label without speech */
        if (VEC_PUSH(lay->turns, t) || VEC_PUSH(lay->stops, stop)) return oom(r);
        end = json_next_element(&r->j);
    }
    int any = 0; /* without a stop time at all, none is kept, as a reader keeps none */
    for (size_t k = 0; k < lay->stops.n; k++)
        any |= lay->stops.v[k] >= 0;
    if (!any) lay->stops.n = 0;
    return end < 0 ? -1 : 0;
}

static int read_events(reader *r, sm_layout *lay) {
    int end = array_begin(r, "expected '[' after \"events\":");
    while (end == 0) {
        sm_rawevent ev = {0, 0, LAYOUT_NONE};
        int have_range = 0;
        size_t at = r->j.p;
        int oend = object_begin(r, "expected '{' (an event)");
        while (oend == 0) {
            if (json_key(&r->j, &r->key)) return -1;
            int rc;
            if (strcmp(r->key.s, "range") == 0) {
                rc = read_range(r, &ev.start, &ev.end, "expected [start, end] for \"range\"");
                have_range = 1;
            } else if (strcmp(r->key.s, "turn") == 0 && peek(r) == 'n') {
                ev.turn = LAYOUT_NONE;
                rc = json_word(&r->j, "null");
            } else if (strcmp(r->key.s, "turn") == 0) {
                rc = read_u32(r, &ev.turn, "expected a turn number or null for \"turn\"");
                if (rc == 0 && ev.turn == 0) return fail_at(r, at, "turn numbers start at 1");
                ev.turn--;
            } else {
                rc = json_value(&r->j);
            }
            if (rc) return -1;
            oend = json_next_member(&r->j);
        }
        if (oend < 0) return -1;
        if (!have_range) return fail_at(r, at, "an event without \"range\"");
        if (VEC_PUSH(lay->events, ev)) return oom(r);
        end = json_next_element(&r->j);
    }
    return end < 0 ? -1 : 0;
}

static int read_attributes(reader *r, sm_layout *lay) {
    int end = array_begin(r, "expected '[' after \"attributes\":");
    while (end == 0) {
        uint32_t name;
        if (read_name(r, lay, &name, "expected an attribute name")) return -1;
        if (name == LAYOUT_NONE) return fail_at(r, r->j.p, "an attribute without a name");
        if (VEC_PUSH(lay->attr_names, name)) return oom(r);
        end = json_next_element(&r->j);
    }
    return end < 0 ? -1 : 0;
}

/* [start, end, sentence_start, value...] per token of a pre-tokenised (VRT) source. */
static int read_given_tokens(reader *r, sm_layout *lay) {
    int end = array_begin(r, "expected '[' after \"given_tokens\":");
    while (end == 0) {
        sm_pretoken pt = {0, 0, (uint32_t)lay->attr_values.n, 0};
        const char *what = "expected [start, end, true|false, attribute values...]";
        if (expect(r, '[', what) || read_u32(r, &pt.start, what) || expect(r, ',', what) ||
            read_u32(r, &pt.end, what) || expect(r, ',', what))
            return -1;
        if (peek(r) == 't' ? json_word(&r->j, "true") : json_word(&r->j, "false")) return -1;
        pt.sentence_start = r->j.s[r->j.p - 1] == 'e' && r->j.s[r->j.p - 2] == 'u';
        int vend = json_next_element(&r->j);
        while (vend == 0) {
            uint32_t v;
            if (read_name(r, lay, &v, "expected an attribute value (a string or null)")) return -1;
            if (VEC_PUSH(lay->attr_values, v)) return oom(r);
            vend = json_next_element(&r->j);
        }
        if (vend < 0) return -1;
        if (VEC_PUSH(lay->pretokens, pt)) return oom(r);
        end = json_next_element(&r->j);
    }
    return end < 0 ? -1 : 0;
}

/* ---- checks ------------------------------------------------------------------------------- */

static int boundary(const docparts *dp, uint32_t off) {
    return off <= dp->text.n && (off == dp->text.n || (dp->text.s[off] & 0xC0) != 0x80);
}

/* Whether a range lies in the text, from one character boundary to another. */
static int in_text(const docparts *dp, uint32_t a, uint32_t z) {
    return a <= z && boundary(dp, a) && boundary(dp, z);
}

/* Everything the tokeniser and the lookups rely on; a message for what is wrong, or NULL. */
static const char *check_doc(const docparts *dp) {
    const sm_layout *lay = &dp->d.layout;
    if (!dp->d.path || !dp->d.name) return "no \"path\" or no \"name\"";
    if (!dp->have_text) return "no \"text\"";
    if (dp->tokens_at == SIZE_MAX || dp->sentences_at == SIZE_MAX)
        return "no \"tokens\" or no \"sentences\"";
    if (dp->text.n >= UINT32_MAX) return "a text of 4 GB or more";
    if (dp->map.n == 0 || dp->map.v[0].norm != 0)
        return "a \"source_map\" that does not start at 0";
    for (size_t k = 0; k < dp->map.n; k++)
        if (dp->map.v[k].norm > dp->text.n || (k && dp->map.v[k].norm < dp->map.v[k - 1].norm) ||
            dp->map.v[k].src > dp->source_size)
            return "a \"source_map\" out of order, or beyond the text or the source";
    if (dp->lines.n == 0 || dp->lines.v[0] != 0) return "\"lines\" that do not start at 0";
    for (size_t k = 0; k < dp->lines.n; k++)
        if (dp->lines.v[k] > dp->text.n || (k && dp->lines.v[k] < dp->lines.v[k - 1]))
            return "\"lines\" out of order, or beyond the text";
    for (size_t k = 0; k < lay->pages.n; k++)
        if (lay->pages.v[k] > dp->text.n) return "a page beyond the text";
    if (!in_text(dp, lay->title_start, lay->title_end) ||
        !in_text(dp, lay->preamble_start, lay->preamble_end))
        return "a title or preamble range outside the text";
    for (size_t k = 0; k < lay->segs.n; k++) /* turns and their segments in text order */
        if (!in_text(dp, lay->segs.v[k].start, lay->segs.v[k].end) ||
            (k && lay->segs.v[k].start < lay->segs.v[k - 1].end))
            return "a turn segment outside the text, out of order, or not on character "
                   "boundaries";
    for (size_t k = 0; k < lay->turns.n; k++)
        if (lay->turns.v[k].label > dp->text.n) return "a turn label beyond the text";
    for (size_t k = 0; k < lay->events.n; k++) {
        const sm_rawevent *ev = &lay->events.v[k];
        if (!in_text(dp, ev->start, ev->end) || ev->start == ev->end)
            return "an event outside the text, empty, or not on character boundaries";
        if (ev->turn == LAYOUT_NONE) continue;
        if (ev->turn >= lay->turns.n) return "an event in a turn the document does not have";
        /* the tokeniser blanks the event inside the segment it starts in */
        const sm_rawturn *t = &lay->turns.v[ev->turn];
        for (uint32_t s = 0; s < t->seg_count; s++) {
            const sm_segment *sg = &lay->segs.v[t->seg_first + s];
            if (ev->start >= sg->start && ev->start < sg->end && ev->end > sg->end)
                return "an event that runs past the end of its segment";
        }
    }
    if (lay->attr_values.n != lay->pretokens.n * lay->attr_names.n)
        return "given tokens with another number of values than there are \"attributes\"";
    for (size_t k = 0; k < lay->pretokens.n; k++) {
        const sm_pretoken *pt = &lay->pretokens.v[k];
        if (!in_text(dp, pt->start, pt->end) || (k && pt->start < lay->pretokens.v[k - 1].end))
            return "given tokens out of order, outside the text or not on character boundaries";
    }
    return NULL;
}

/* ---- tokens and sentences, checked against the ones found ---------------------------------- */

/* The sentences of document `di` as the file lists them (at `at`) against the corpus's. */
static int check_sentences(reader *r, uint32_t di, size_t at) {
    const sm_doc *d = &r->c->docs.v[di];
    r->j.p = at;
    uint32_t k = 0;
    int end = array_begin(r, "expected '[' after \"sentences\":");
    while (end == 0) {
        uint32_t first = 0;
        size_t here = r->j.p;
        if (read_u32(r, &first, "expected a token number")) return -1;
        if (k >= d->sent_count || r->c->sentences.v[d->sent_first + k] - d->tok_first != first)
            return fail_at(r, here,
                           "the sentences listed are not the ones the text gives: the file was "
                           "changed, or written by a samtal that splits sentences otherwise");
        k++;
        end = json_next_element(&r->j);
    }
    if (end < 0) return -1;
    if (k != d->sent_count)
        return fail_at(r, r->j.p - 1, "fewer sentences listed than the text gives");
    return 0;
}

/* The token times in the "tokens" array at `at` (a sixth element [start, stop] of a token, as
 * the export writes it where the source timed its tokens), as stretches of the text for the
 * tokeniser to give back to the same tokens: consecutive tokens of the same times make one. */
static int read_token_times(reader *r, size_t at, sm_layout *lay) {
    size_t was = r->j.p;
    r->j.p = at;
    int end = array_begin(r, "expected '[' after \"tokens\":");
    while (end == 0) {
        const char *what = "expected a token: [form, folded form, kind, [start, end], [source "
                           "start, source end], [start time, stop time]]";
        uint32_t a, b;
        if (expect(r, '[', what) || read_string(r, what) || expect(r, ',', what) ||
            read_string(r, what) || expect(r, ',', what) || read_string(r, what) ||
            expect(r, ',', what) || read_range(r, &a, &b, what))
            return -1;
        int tend = json_next_element(&r->j), k = 0;
        double t[2] = {-1, -1};
        while (tend == 0) {
            if (k++ == 1) { /* the times, after the source range */
                if (expect(r, '[', what) || read_start(r, &t[0]) || expect(r, ',', what) ||
                    read_start(r, &t[1]) || expect(r, ']', what))
                    return -1;
            } else if (json_value(&r->j)) {
                return -1;
            }
            tend = json_next_element(&r->j);
        }
        if (tend < 0) return -1;
        if (t[0] >= 0 || t[1] >= 0) {
            sm_timespan *last = lay->timed.n ? &lay->timed.v[lay->timed.n - 1] : NULL;
            if (last && last->t_start == t[0] && last->t_end == t[1] && last->end <= a) {
                last->end = b;
            } else {
                sm_timespan span = {a, b, t[0], t[1]};
                if (VEC_PUSH(lay->timed, span)) return oom(r);
            }
        }
        end = json_next_element(&r->j);
    }
    r->j.p = was;
    return end < 0 ? -1 : 0;
}

static int check_tokens(reader *r, uint32_t di, size_t at) {
    const sm_corpus *c = r->c;
    const sm_doc *d = &c->docs.v[di];
    r->j.p = at;
    uint32_t k = 0;
    int end = array_begin(r, "expected '[' after \"tokens\":");
    while (end == 0) {
        const char *what = "expected a token: [form, folded form, kind, [start, end], [source "
                           "start, source end]]";
        size_t here = r->j.p;
        if (expect(r, '[', what) || read_string(r, what)) return -1;
        int known = k < d->tok_count;
        uint32_t form_id = known ? corpus_token_form(c, d->tok_first + k) : 0;
        size_t n = 0;
        const char *form = known ? lex_str(&c->forms, form_id, &n) : "";
        int same = known && n == r->str.n && memcmp(form, r->str.s, n) == 0;
        if (same) {
            const sm_form *fi = &c->form_info.v[form_id];
            const char *fold = lex_str(&c->folds, fi->fold, &n);
            uint32_t start, stop;
            if (expect(r, ',', what) || read_string(r, what)) return -1;
            same = n == r->str.n && memcmp(fold, r->str.s, n) == 0;
            if (expect(r, ',', what) || read_string(r, what)) return -1;
            same = same && strcmp(r->str.s, sm_kind_names[fi->kind]) == 0;
            if (expect(r, ',', what) || read_range(r, &start, &stop, what)) return -1;
            same = same && start == corpus_token_off(c, d->tok_first + k);
        }
        if (!same) {
            char msg[400];
            snprintf(msg, sizeof msg,
                     "token %u of %s is not the one its text gives (%s%.*s%s): the file was "
                     "changed, or written by a samtal that tokenises otherwise (this one was "
                     "written by samtal %s)",
                     k + 1, d->name, known ? "\"" : "", known ? (int)(n > 60 ? 60 : n) : 0,
                     known ? form : "", known ? "\"" : "the text has fewer tokens", r->version);
            return fail_at(r, here, msg);
        }
        int tend = json_next_element(&r->j); /* the source range and anything after it */
        while (tend == 0) {
            if (json_value(&r->j)) return -1;
            tend = json_next_element(&r->j);
        }
        if (tend < 0) return -1;
        k++;
        end = json_next_element(&r->j);
    }
    if (end < 0) return -1;
    if (k != d->tok_count) {
        char msg[200];
        snprintf(msg, sizeof msg, "%u tokens listed for %s, its text gives %u", k, d->name,
                 d->tok_count);
        return fail_at(r, r->j.p - 1, msg);
    }
    return 0;
}

/* ---- documents --------------------------------------------------------------------------------
 */

static int read_doc_members(reader *r, docparts *dp) {
    sm_layout *lay = &dp->d.layout;
    int end = object_begin(r, "expected '{' (a document)");
    while (end == 0) {
        if (json_key(&r->j, &r->key)) return -1;
        const char *k = r->key.s;
        int rc = 0;
        if (strcmp(k, "path") == 0 || strcmp(k, "name") == 0) {
            char **field = k[0] == 'p' ? &dp->d.path : &dp->d.name;
            if (read_string(r, "expected a string")) return -1;
            free(*field);
            if (!(*field = dup_str(r->str.s, r->str.n))) return oom(r);
        } else if (strcmp(k, "encoding") == 0) {
            size_t at = r->j.p;
            if (peek(r) == 'n') {
                dp->d.encoding = NULL;
                rc = json_word(&r->j, "null");
            } else if ((rc = read_string(r, "expected an encoding name or null")) == 0) {
                int e = 0;
                while (e < ENC_COUNT && strcmp(sm_encoding_names[e], r->str.s) != 0)
                    e++;
                if (e == ENC_COUNT)
                    return json_fail(&r->j, at, "expected an encoding samtal knows");
                dp->d.encoding = sm_encoding_names[e];
            }
        } else if (strcmp(k, "source_size") == 0) {
            rc = json_uint(&r->j, &dp->source_size, "expected a size in bytes");
            dp->have_source_size = 1;
        } else if (strcmp(k, "replacements") == 0) {
            rc = json_uint(&r->j, &dp->replacements, "expected a number");
        } else if (strcmp(k, "meta") == 0) {
            dp->d.meta.n = 0;
            rc = read_meta(r, &dp->d.meta);
        } else if (strcmp(k, "title_range") == 0) {
            rc = read_range(r, &lay->title_start, &lay->title_end, "expected [start, end]");
        } else if (strcmp(k, "preamble_range") == 0) {
            rc = read_range(r, &lay->preamble_start, &lay->preamble_end, "expected [start, end]");
        } else if (strcmp(k, "participants") == 0) {
            rc = read_participants(r, lay);
        } else if (strcmp(k, "pages") == 0) {
            rc = read_offsets(r, &lay->pages.v, &lay->pages.n, &lay->pages.cap,
                              "expected '[' after \"pages\":");
        } else if (strcmp(k, "lines") == 0) {
            rc = read_offsets(r, &dp->lines.v, &dp->lines.n, &dp->lines.cap,
                              "expected '[' after \"lines\":");
        } else if (strcmp(k, "text") == 0) {
            if (peek(r) != '"') return json_fail(&r->j, r->j.p, "expected a string for \"text\"");
            dp->text.n = 0;
            rc = json_string(&r->j, NULL, NULL, &dp->text);
            if (rc == 0 && buf_append(&dp->text, "", 0)) return oom(r);
            dp->have_text = 1;
        } else if (strcmp(k, "source_map") == 0) {
            rc = read_map(r, &dp->map);
        } else if (strcmp(k, "turns") == 0) {
            rc = read_turns(r, lay);
        } else if (strcmp(k, "events") == 0) {
            rc = read_events(r, lay);
        } else if (strcmp(k, "attributes") == 0) {
            rc = read_attributes(r, lay);
        } else if (strcmp(k, "given_tokens") == 0) {
            rc = read_given_tokens(r, lay);
        } else if (strcmp(k, "tokens") == 0 || strcmp(k, "sentences") == 0) {
            /* checked once the document is tokenised */
            *(k[0] == 't' ? &dp->tokens_at : &dp->sentences_at) = r->j.p;
            rc = json_value(&r->j);
        } else {
            rc = json_value(&r->j); /* "title", "n", "text" ranges...: for other readers */
        }
        if (rc) return -1;
        end = json_next_member(&r->j);
    }
    return end < 0 ? -1 : 0;
}

static int read_doc(reader *r) {
    docparts dp;
    memset(&dp, 0, sizeof dp);
    dp.tokens_at = dp.sentences_at = SIZE_MAX;
    dp.at = r->j.p;
    r->j.depth = 2;
    if (read_doc_members(r, &dp)) {
        parts_free(&dp);
        return -1;
    }
    if (!dp.have_source_size) dp.source_size = dp.text.n;
    const char *bad = check_doc(&dp);
    if (bad) {
        size_t line, col;
        json_position(&r->j, dp.at, &line, &col);
        sm_errorf(r->j.err, "%s:%zu:%zu: document %s: %s", r->j.name, line, col,
                  dp.d.name ? dp.d.name : "(without a name)", bad);
        parts_free(&dp);
        return -1;
    }
    /* the parts become the document's text */
    sm_text *t = &dp.d.text;
    t->s = dp.text.s;
    t->len = dp.text.n;
    t->map = dp.map.v;
    t->nmap = dp.map.n;
    t->lines = dp.lines.v;
    t->nlines = dp.lines.n;
    t->source_len = dp.source_size;
    t->replacements = dp.replacements;
    size_t after = r->j.p;
    if (dp.tokens_at != SIZE_MAX && read_token_times(r, dp.tokens_at, &dp.d.layout)) {
        corpus_doc_free(&dp.d);
        return -1;
    }
    if (corpus_add_doc(r->c, &dp.d, r->j.err)) return -1; /* it freed the document */
    uint32_t di = (uint32_t)r->c->docs.n - 1;
    if (check_sentences(r, di, dp.sentences_at) || check_tokens(r, di, dp.tokens_at)) return -1;
    r->j.p = after;
    return 0;
}

static int read_options(reader *r) {
    int invalid = TEXT_INVALID_ERROR;
    unsigned flags = 0;
    int end = object_begin(r, "expected '{' after \"options\":");
    while (end == 0) {
        if (json_key(&r->j, &r->key)) return -1;
        size_t at = r->j.p;
        if (strcmp(r->key.s, "invalid") == 0) {
            if (read_string(r, "expected \"error\" or \"replace\"")) return -1;
            if (strcmp(r->str.s, "replace") == 0)
                invalid = TEXT_INVALID_REPLACE;
            else if (strcmp(r->str.s, "error") != 0)
                return json_fail(&r->j, at, "expected \"error\" or \"replace\"");
        } else if (strcmp(r->key.s, "hyphens") == 0) {
            if (peek(r) == 't' ? json_word(&r->j, "true") : json_word(&r->j, "false")) return -1;
            if (r->j.s[r->j.p - 1] == 'e' && r->j.s[r->j.p - 2] == 'u') flags |= SEG_JOIN_HYPHENS;
        } else if (json_value(&r->j)) {
            return -1;
        }
        end = json_next_member(&r->j);
    }
    if (end < 0) return -1;
    sm_corpus *c = r->c;
    if (c->docs.n == 0) { /* the export says how its tokens were found */
        c->opts.invalid = invalid;
        c->opts.seg_flags = flags;
    } else if (c->opts.invalid != invalid || c->opts.seg_flags != flags) {
        return sm_errorf(r->j.err,
                         "%s: exported with hyphens = %s and invalid = \"%s\", other options than "
                         "the files loaded before it: open the export on its own",
                         r->j.name, flags ? "true" : "false",
                         invalid == TEXT_INVALID_REPLACE ? "replace" : "error");
    }
    r->options_seen = 1;
    return 0;
}

static int read_top(reader *r) {
    int end = object_begin(r, "expected '{'");
    while (end == 0) {
        if (json_key(&r->j, &r->key)) return -1;
        size_t at = r->j.p;
        r->j.depth = 1;
        if (strcmp(r->key.s, "samtal") == 0) {
            if (read_string(r, "expected samtal's version, a string")) return -1;
            snprintf(r->version, sizeof r->version, "%s", r->str.s);
        } else if (strcmp(r->key.s, "format") == 0) {
            uint64_t f;
            if (json_uint(&r->j, &f, "expected a format number")) return -1;
            if (f != 1)
                return fail_at(r, at,
                               "an export of format 1 expected (a newer samtal wrote this one)");
        } else if (strcmp(r->key.s, "fingerprint") == 0) {
            if (read_string(r, "expected a fingerprint, 16 hex digits")) return -1;
            if (r->str.n != 16)
                return json_fail(&r->j, at, "expected a fingerprint, 16 hex digits");
            memcpy(r->fingerprint, r->str.s, 17);
        } else if (strcmp(r->key.s, "options") == 0) {
            if (read_options(r)) return -1;
        } else if (strcmp(r->key.s, "documents") == 0) {
            if (!r->options_seen && r->c->docs.n == 0) {
                r->c->opts.invalid = TEXT_INVALID_ERROR; /* an export without options: defaults */
                r->c->opts.seg_flags = 0;
            }
            int aend = array_begin(r, "expected '[' (the documents) after \"documents\":");
            while (aend == 0) {
                if (read_doc(r)) return -1;
                aend = json_next_element(&r->j);
            }
            if (aend < 0) return -1;
        } else if (json_value(&r->j)) {
            return -1;
        }
        end = json_next_member(&r->j);
    }
    if (end < 0) return -1;
    json_skip_ws(&r->j);
    if (r->j.p < r->j.n)
        return json_fail(&r->j, r->j.p, "expected the end of the file after the JSON object");
    return 0;
}

int import_export(sm_corpus *c, const char *path, const unsigned char *bytes, size_t n,
                  sm_error *err) {
    if (c->finished) return sm_errorf(err, "%s: the corpus is complete; no more documents", path);
    size_t skip = n >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    const char *s = (const char *)bytes + skip;
    if (json_check_utf8(path, s, n - skip, err)) return -1;
    reader r;
    memset(&r, 0, sizeof r);
    r.j = (sm_json){path, s, n - skip, 0, 0, err};
    r.c = c;
    r.before = c->docs.n;
    snprintf(r.version, sizeof r.version, "?");
    int rc = read_top(&r);
    if (rc == 0 && r.before == 0 && r.fingerprint[0]) {
        /* the corpus is the export's alone: it must be the corpus exported */
        for (size_t a = 0; rc == 0 && a < c->attrs.n; a++) /* as corpus_finish pads them */
            while (rc == 0 && c->attrs.v[a].tokens.n < c->tokens.n)
                if (VEC_PUSH(c->attrs.v[a].tokens, LEX_NONE)) rc = oom(&r);
        if (rc == 0) rc = corpus_check_texts(c, err); /* the fingerprint reads them */
        char fp[17] = "";
        if (rc == 0) fingerprint_hex(fingerprint_corpus(c), fp);
        if (rc == 0 && strcmp(fp, r.fingerprint) != 0)
            rc = sm_errorf(err,
                           "%s: the documents read give the fingerprint %s, the export says %s: "
                           "the file was changed after it was written",
                           path, fp, r.fingerprint);
    }
    buf_free(&r.key);
    buf_free(&r.str);
    if (rc) corpus_drop_docs(c, r.before);
    return rc;
}
