/* export.c: a corpus as VRT (see export.h). */
#include "export.h"

#include <errno.h>
#include <string.h>

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
                const sm_token *tok = &c->tokens.v[i];
                const sm_form *fi = &c->form_info.v[tok->form];
                size_t n;
                const char *form = lex_str(&c->forms, tok->form, &n);
                rc |= export_xml_escape(&b, form, n);
                rc |= buf_putc(&b, '\t');
                const char *fold = lex_str(&c->folds, fi->fold, &n);
                rc |= export_xml_escape(&b, fold, n);
                rc |= buf_putc(&b, '\t');
                rc |= put(&b, sm_kind_names[fi->kind]);
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
