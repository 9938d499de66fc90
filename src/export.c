/* export.c: a corpus as VRT (see export.h). */
#include "export.h"

#include <errno.h>
#include <string.h>
#include <utf8proc.h>

#include "fingerprint.h"
#include "json.h"
#include "segment.h"

int export_xml_escape(sm_buf *b, const char *s, size_t n) {
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = s[i] == '&'   ? "&amp;"
                          : s[i] == '<' ? "&lt;"
                          : s[i] == '>' ? "&gt;"
                          : s[i] == '"' ? "&quot;"
                                        : NULL;
        /* a tab or line break inside a value would break the vertical format */
        if (!rep && (s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) rep = " ";
        if (!rep) continue;
        if (buf_append(b, s + from, i - from) || buf_append(b, rep, strlen(rep))) return -1;
        from = i + 1;
    }
    return buf_append(b, s + from, n - from);
}

static int put(sm_buf *b, const char *s) {
    return buf_append(b, s, strlen(s));
}

/* Writes out what the buffer holds once it is large. */
static int flush(sm_buf *b, FILE *f, int force, sm_error *err) {
    if (b->n < (1u << 20) && !force) return 0;
    if (b->n && fwrite(b->s, 1, b->n, f) != b->n) return sm_errorf(err, "%s", strerror(errno));
    b->n = 0;
    return 0;
}

int export_vrt(const sm_corpus *c, const char *const *text_tags, FILE *f, sm_error *err) {
    sm_buf b = {0};
    char num[64];
    int rc = 0;
    uint32_t s = 0; /* sentence cursor: the next sentence start at or after the current token */
    for (size_t d = 0; rc == 0 && d < c->docs.n; d++) {
        const sm_doc *doc = &c->docs.v[d];
        if (put(&b, text_tags[d]) || put(&b, "\n")) rc = -1;
        for (uint32_t t = doc->turn_first; rc == 0 && t < doc->turn_first + doc->turn_count; t++) {
            const sm_turn *tr = &c->turns.v[t];
            if (tr->tok_count == 0) continue; /* an empty region is no use to CWB */
            const sm_rawturn *rt = &doc->layout.turns.v[tr->index];
            rc |= put(&b, "<turn speaker=\"");
            if (tr->speaker != SM_NONE) {
                size_t n;
                const char *name = corpus_speaker_name(c, corpus_speaker_of(c, t), &n);
                rc |= export_xml_escape(&b, name, n);
            }
            rc |= put(&b, "\" start=\"");
            if (rt->start >= 0) {
                snprintf(num, sizeof num, "%.3f", rt->start);
                rc |= put(&b, num);
            }
            snprintf(num, sizeof num, "\" n=\"%u\">\n", tr->index + 1);
            rc |= put(&b, num);
            while (s < c->sentences.n && c->sentences.v[s] < tr->tok_first)
                s++;
            int open = 0;
            for (uint32_t i = tr->tok_first; rc == 0 && i < tr->tok_first + tr->tok_count; i++) {
                int starts = i == tr->tok_first || (s < c->sentences.n && c->sentences.v[s] == i);
                while (s < c->sentences.n && c->sentences.v[s] <= i)
                    s++;
                if (starts) {
                    if (open) rc |= put(&b, "</s>\n");
                    rc |= put(&b, "<s>\n");
                    open = 1;
                }
                uint32_t form_id = corpus_token_form(c, i);
                const sm_form *fi = &c->form_info.v[form_id];
                size_t n;
                const char *form = lex_str(&c->forms, form_id, &n);
                rc |= export_xml_escape(&b, form, n);
                rc |= buf_putc(&b, '\t');
                const char *fold = lex_str(&c->folds, fi->fold, &n);
                rc |= export_xml_escape(&b, fold, n);
                rc |= buf_putc(&b, '\t');
                rc |= put(&b, sm_kind_names[fi->kind]);
                /* an imported VRT's attributes, each a column: up to the last one with a value
                 * (cwb-encode reads missing columns as __UNDEF__, samtal as no value), and
                 * __UNDEF__ for one without a value before it */
                size_t ncols = c->attrs.n;
                while (ncols > 0 && c->attrs.v[ncols - 1].tokens.v[i] == LEX_NONE)
                    ncols--;
                for (size_t a = 0; a < ncols; a++) {
                    uint32_t v = c->attrs.v[a].tokens.v[i];
                    rc |= buf_putc(&b, '\t');
                    if (v == LEX_NONE) {
                        rc |= put(&b, "__UNDEF__");
                    } else {
                        const char *value = lex_str(&c->attrs.v[a].values, v, &n);
                        rc |= export_xml_escape(&b, value, n);
                    }
                }
                rc |= buf_putc(&b, '\n');
            }
            if (open) rc |= put(&b, "</s>\n");
            rc |= put(&b, "</turn>\n");
            if (rc == 0 && flush(&b, f, 0, err)) rc = -2;
        }
        if (rc == 0 && put(&b, "</text>\n")) rc = -1;
    }
    if (rc == -1) sm_errorf(err, "out of memory");
    if (rc == 0 && flush(&b, f, 1, err)) rc = -2;
    buf_free(&b);
    return rc ? -1 : 0;
}

/* ---- JSON ------------------------------------------------------------------------------------ */

/* buf_append and buf_putc without a call while the buffer has room, as it has but once per
 * megabyte: an export is millions of small appends. */
static inline int app(sm_buf *b, const char *s, size_t n) {
    if (b->n + n + 1 > b->cap) return buf_append(b, s, n);
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
    return 0;
}

static inline int appc(sm_buf *b, char c) {
    return app(b, &c, 1);
}

static int put_fast(sm_buf *b, const char *s) {
    return app(b, s, strlen(s));
}

int export_json_string(sm_buf *b, const char *s, size_t n) {
    if (appc(b, '"')) return -1;
    size_t from = 0;
    for (size_t i = 0; i < n;) {
        unsigned char ch = (unsigned char)s[i];
        char esc[8];
        const char *rep = NULL;
        size_t skip = 1;
        if (ch == '"') {
            rep = "\\\"";
        } else if (ch == '\\') {
            rep = "\\\\";
        } else if (ch == '\n') {
            rep = "\\n";
        } else if (ch == '\t') {
            rep = "\\t";
        } else if (ch < 0x20 || ch == 0x7F) {
            snprintf(esc, sizeof esc, "\\u%04x", ch);
            rep = esc;
        } else if (ch >= 0x80) {
            utf8proc_int32_t cp;
            utf8proc_ssize_t k =
                utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
            if (k > 0) {
                i += (size_t)k;
                continue;
            }
            rep = "\\ufffd"; /* not UTF-8: one replacement per bad byte */
        } else {
            i++;
            while (i < n && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7F &&
                   s[i] != '"' && s[i] != '\\') /* plain ASCII: no test per kind */
                i++;
            continue;
        }
        if (app(b, s + from, i - from) || app(b, rep, strlen(rep))) return -1;
        i += skip;
        from = i;
    }
    return app(b, s + from, n - from) || appc(b, '"') ? -1 : 0;
}

/* A string known to be UTF-8 without anything to escape: a kind name, a key. */
static int put_str(sm_buf *b, const char *s) {
    return appc(b, '"') || put_fast(b, s) || appc(b, '"') ? -1 : 0;
}

static int put_uint(sm_buf *b, uint64_t v) {
    char num[24], *p = num + sizeof num; /* by hand: snprintf was a third of the export */
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return app(b, p, (size_t)(num + sizeof num - p));
}

/* "[a, b]" */
static int put_range(sm_buf *b, uint64_t a, uint64_t z) {
    return appc(b, '[') || put_uint(b, a) || put_fast(b, ", ") || put_uint(b, z) || appc(b, ']')
               ? -1
               : 0;
}

/* A NUL-terminated name of the layout, or null. */
static int put_name(sm_buf *b, const sm_layout *lay, uint32_t off) {
    if (off == LAYOUT_NONE) return put_fast(b, "null");
    const char *s = lay->names.s + off;
    return export_json_string(b, s, strlen(s));
}

/* The document's own structure: what import.c needs to rebuild its layout. */
static int put_layout(sm_buf *b, const sm_corpus *c, const sm_doc *d) {
    const sm_layout *lay = &d->layout;
    const sm_text *t = &d->text;
    int rc = 0;
    rc |= put_fast(b, ",\n \"title\": ");
    if (lay->title_end > lay->title_start)
        rc |= export_json_string(b, t->s + lay->title_start, lay->title_end - lay->title_start);
    else
        rc |= put_fast(b, "null");
    rc |= put_fast(b, ", \"title_range\": ") | put_range(b, lay->title_start, lay->title_end);
    rc |= put_fast(b, ", \"preamble_range\": ") |
          put_range(b, lay->preamble_start, lay->preamble_end);
    rc |= put_fast(b, ",\n \"participants\": [");
    for (size_t k = 0; k < lay->participants.n; k++) {
        const sm_participant *p = &lay->participants.v[k];
        rc |= put_fast(b, k ? ", {\"kind\": " : "{\"kind\": ") | put_name(b, lay, p->kind);
        rc |= put_fast(b, ", \"name\": ") | put_name(b, lay, p->name);
        rc |= put_fast(b, ", \"role\": ") | put_name(b, lay, p->role) | appc(b, '}');
    }
    rc |= put_fast(b, "],\n \"pages\": [");
    for (size_t k = 0; k < lay->pages.n; k++)
        rc |= put_fast(b, k ? ", " : "") | put_uint(b, lay->pages.v[k]);
    rc |= put_fast(b, "],\n \"text\": ") | export_json_string(b, t->s, t->len);
    rc |= put_fast(b, ",\n \"source_map\": [");
    for (size_t k = 0; k < t->nmap; k++)
        rc |= put_fast(b, k ? ", " : "") | put_range(b, t->map[k].norm, t->map[k].src);
    rc |= put_fast(b, "],\n \"lines\": [");
    for (size_t k = 0; k < t->nlines; k++)
        rc |= put_fast(b, k ? ", " : "") | put_uint(b, t->lines[k]);
    rc |= put_fast(b, "],\n \"turns\": [");
    for (uint32_t k = 0; k < d->turn_count; k++) {
        uint32_t turn = d->turn_first + k, from, to;
        const sm_turn *tr = &c->turns.v[turn];
        const sm_rawturn *rt = &lay->turns.v[tr->index];
        corpus_turn_bounds(c, turn, &from, &to);
        rc |= put_fast(b, k ? ",\n  {\"n\": " : "\n  {\"n\": ") | put_uint(b, k + 1);
        rc |= put_fast(b, ", \"speaker\": ") | put_name(b, lay, rt->speaker);
        rc |= put_fast(b, ", \"start\": ");
        if (rt->start >= 0) {
            char num[32];
            json_format_double(rt->start, num);
            rc |= put_fast(b, num);
        } else {
            rc |= put_fast(b, "null");
        }
        double stop = corpus_turn_stop(c, turn);
        rc |= put_fast(b, ", \"stop\": ");
        if (stop >= 0) {
            char num[32];
            json_format_double(stop, num);
            rc |= put_fast(b, num);
        } else {
            rc |= put_fast(b, "null");
        }
        rc |= put_fast(b, ", \"text\": ") | put_range(b, from, to);
        rc |= put_fast(b, ", \"source\": ") |
              put_range(b, text_source_offset(t, from), text_source_offset(t, to));
        rc |= put_fast(b, ", \"tokens\": ") |
              put_range(b, tr->tok_first - d->tok_first, tr->tok_count);
        rc |= put_fast(b, ", \"label\": ") | put_uint(b, rt->label);
        rc |= put_fast(b, ", \"segments\": [");
        for (uint32_t s = 0; s < rt->seg_count; s++) {
            const sm_segment *sg = &lay->segs.v[rt->seg_first + s];
            rc |= put_fast(b, s ? ", [" : "[") | put_uint(b, sg->start) | put_fast(b, ", ") |
                  put_uint(b, sg->end) | put_fast(b, ", ") | put_uint(b, sg->sep) | appc(b, ']');
        }
        rc |= put_fast(b, "]}");
    }
    rc |= put_fast(b, "],\n \"events\": [");
    for (uint32_t k = 0; k < d->event_count; k++) {
        const sm_event *ev = &c->events.v[d->event_first + k];
        rc |= put_fast(b, k ? ",\n  {\"text\": " : "\n  {\"text\": ") |
              export_json_string(b, t->s + ev->start, ev->end - ev->start);
        rc |= put_fast(b, ", \"turn\": ");
        rc |= ev->turn == SM_NONE ? put_fast(b, "null") : put_uint(b, ev->turn - d->turn_first + 1);
        rc |= put_fast(b, ", \"range\": ") | put_range(b, ev->start, ev->end);
        rc |= put_fast(b, ", \"source\": ") |
              put_range(b, text_source_offset(t, ev->start), text_source_offset(t, ev->end));
        rc |= put_fast(b, ", \"token\": ") | put_uint(b, ev->token - d->tok_first) | appc(b, '}');
    }
    rc |= put_fast(b, "]");
    if (lay->pretokens.n) { /* a pre-tokenised source (VRT): its tokens and attributes */
        rc |= put_fast(b, ",\n \"attributes\": [");
        for (size_t a = 0; a < lay->attr_names.n; a++)
            rc |= put_fast(b, a ? ", " : "") | put_name(b, lay, lay->attr_names.v[a]);
        rc |= put_fast(b, "],\n \"given_tokens\": [");
        for (size_t k = 0; k < lay->pretokens.n; k++) {
            const sm_pretoken *pt = &lay->pretokens.v[k];
            rc |= put_fast(b, k ? ",\n  [" : "\n  [") | put_uint(b, pt->start) | put_fast(b, ", ") |
                  put_uint(b, pt->end) | put_fast(b, pt->sentence_start ? ", true" : ", false");
            for (size_t a = 0; a < lay->attr_names.n; a++)
                rc |= put_fast(b, ", ") | put_name(b, lay, lay->attr_values.v[pt->attr_first + a]);
            rc |= appc(b, ']');
        }
        rc |= put_fast(b, "]");
    }
    return rc ? -1 : 0;
}

int export_json(const sm_corpus *c, const char *version, const char *const *meta_json, FILE *f,
                sm_error *err) {
    sm_buf b = {0};
    char fp[17];
    int rc = 0, failed_write = 0; /* a write error is in err already */
    fingerprint_hex(fingerprint_corpus(c), fp);
    rc |= put_fast(&b, "{\"samtal\": ") | export_json_string(&b, version, strlen(version));
    rc |= put_fast(&b, ", \"format\": 1, \"fingerprint\": ") | put_str(&b, fp);
    rc |= put_fast(&b, ",\n \"options\": {\"invalid\": ");
    rc |= put_str(&b, c->opts.invalid == TEXT_INVALID_REPLACE ? "replace" : "error");
    rc |= put_fast(&b, ", \"hyphens\": ");
    rc |= put_fast(&b, c->opts.seg_flags & SEG_JOIN_HYPHENS ? "true" : "false");
    rc |= put_fast(&b, "},\n \"documents\": [");
    for (size_t di = 0; rc == 0 && di < c->docs.n; di++) {
        const sm_doc *d = &c->docs.v[di];
        const sm_text *t = &d->text;
        rc |= put_fast(&b, di ? ",\n{\"path\": " : "\n{\"path\": ") |
              export_json_string(&b, d->path, strlen(d->path));
        rc |= put_fast(&b, ", \"name\": ") | export_json_string(&b, d->name, strlen(d->name));
        rc |= put_fast(&b, ", \"encoding\": ");
        rc |= d->encoding ? put_str(&b, d->encoding) : put_fast(&b, "null");
        rc |= put_fast(&b, ", \"source_size\": ") | put_uint(&b, t->source_len);
        rc |= put_fast(&b, ", \"replacements\": ") | put_uint(&b, t->replacements);
        rc |= put_fast(&b, ",\n \"meta\": ") | put_fast(&b, meta_json[di]);
        rc |= put_layout(&b, c, d);
        rc |= put_fast(&b, ",\n \"sentences\": [");
        for (uint32_t s = 0; s < d->sent_count; s++)
            rc |= put_fast(&b, s ? ", " : "") |
                  put_uint(&b, c->sentences.v[d->sent_first + s] - d->tok_first);
        rc |= put_fast(&b, "],\n \"tokens\": [");
        for (uint32_t i = 0; rc == 0 && i < d->tok_count; i++) {
            uint32_t form_id = corpus_token_form(c, d->tok_first + i);
            uint32_t off = corpus_token_off(c, d->tok_first + i);
            const sm_form *fi = &c->form_info.v[form_id];
            size_t n, fn;
            const char *form = lex_str(&c->forms, form_id, &n);
            const char *fold = lex_str(&c->folds, fi->fold, &fn);
            rc |= put_fast(&b, i ? ",\n  [" : "\n  [") | export_json_string(&b, form, n);
            rc |= put_fast(&b, ", ") | export_json_string(&b, fold, fn);
            rc |= put_fast(&b, ", ") | put_str(&b, sm_kind_names[fi->kind]);
            rc |= put_fast(&b, ", ") | put_range(&b, off, off + n);
            rc |= put_fast(&b, ", ") |
                  put_range(&b, text_source_offset(t, off), text_source_offset(t, off + n));
            if (c->token_times.n) { /* the source timed its tokens: [start, stop], null unknown */
                double tt[2];
                corpus_token_times(c, d->tok_first + i, &tt[0], &tt[1]);
                for (int k = 0; k < 2; k++) {
                    char num[32] = "null";
                    if (tt[k] >= 0) json_format_double(tt[k], num);
                    rc |= put_fast(&b, k ? ", " : ", [") | put_fast(&b, num);
                }
                rc |= appc(&b, ']');
            }
            rc |= appc(&b, ']');
            if (rc == 0 && flush(&b, f, 0, err)) rc = failed_write = -1;
        }
        rc |= put_fast(&b, "]}");
        if (rc == 0 && flush(&b, f, 0, err)) rc = failed_write = -1;
    }
    rc |= put_fast(&b, "]}\n");
    if (rc == 0 && flush(&b, f, 1, err)) rc = failed_write = -1;
    if (rc && !failed_write) sm_errorf(err, "out of memory");
    buf_free(&b);
    return rc ? -1 : 0;
}
