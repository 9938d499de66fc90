/* vrt.c: reading CWB's verticalised text (VRT), the format of Sparv, Korp and CQPweb.
 *
 * One token per line, its positional attributes separated by tabs (the word first), and
 * XML-like structural lines: <text title="..">, <u who=".." start="..">, <s>, and comments. The
 * positional attributes are named by a "<!-- #vrt positional-attributes: word lemma pos -->"
 * line, or by the caller, or else p2, p3, ... by column.
 *
 * The tokens are given, so nothing is re-tokenised: the document's text becomes the tokens of
 * each turn joined by spaces (a turn per paragraph), and its offset map and line table point each
 * token back to the word on its line in the source file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"

/* Whether s[0..n) starts with prefix followed by one of the characters in `then` (or by
 * anything, if then is ""). */
static int starts_with(const char *s, size_t n, const char *prefix, const char *then) {
    size_t l = strlen(prefix);
    if (n < l || memcmp(s, prefix, l) != 0) return 0;
    return *then == '\0' || (n > l && strchr(then, s[l]) != NULL);
}

int layout_is_vrt(const char *name, const sm_text *t) {
    size_t n = strlen(name);
    if (n > 4 && strcmp(name + n - 4, ".vrt") == 0) return 1;
    size_t p = strspn(t->s, " \t\n");
    const char *s = t->s + p;
    size_t left = t->len - p;
    return starts_with(s, left, "<text", " >") || starts_with(s, left, "<corpus", " >") ||
           starts_with(s, left, "<!-- #vrt", "");
}

/* Appends s[0..n) to b with XML's character entities decoded. */
static int append_unescaped(sm_buf *b, const char *s, size_t n) {
    static const struct {
        const char *name;
        char c;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '&') {
            int done = 0;
            for (size_t k = 0; k < sizeof ents / sizeof ents[0] && !done; k++) {
                size_t l = strlen(ents[k].name);
                if (i + l <= n && memcmp(s + i, ents[k].name, l) == 0) {
                    if (buf_putc(b, ents[k].c)) return -1;
                    i += l - 1;
                    done = 1;
                }
            }
            if (done) continue;
        }
        if (buf_putc(b, s[i])) return -1;
    }
    return 0;
}

/* The value of attribute `key` in a tag line (key="value"); 0 if absent. */
static int tag_attr(const char *s, size_t n, const char *key, size_t *vs, size_t *vn) {
    size_t kl = strlen(key);
    for (size_t i = 1; i + kl + 2 <= n; i++) {
        if ((s[i - 1] == ' ' || s[i - 1] == '\t') && memcmp(s + i, key, kl) == 0 &&
            s[i + kl] == '=' && (s[i + kl + 1] == '"' || s[i + kl + 1] == '\'')) {
            char q = s[i + kl + 1];
            size_t a = i + kl + 2, z = a;
            while (z < n && s[z] != q)
                z++;
            if (z >= n) return 0;
            *vs = a;
            *vn = z - a;
            return 1;
        }
    }
    return 0;
}

static int tag_is(const char *s, size_t n, const char *name) {
    size_t l = strlen(name);
    return n > l + 1 && s[0] == '<' && memcmp(s + 1, name, l) == 0 &&
           (s[l + 1] == ' ' || s[l + 1] == '>' || s[l + 1] == '/' || s[l + 1] == '\t');
}

static uint32_t add_name(sm_layout *lay, const char *s, size_t n) {
    sm_buf tmp = {0};
    if (append_unescaped(&tmp, s, n)) return LAYOUT_NONE;
    uint32_t off = layout_name(lay, tmp.s ? tmp.s : "", tmp.n);
    buf_free(&tmp);
    return off;
}

static const char *const turn_tags[] = {"u", "turn", "sp", "utterance", "speech", NULL};
static const char *const speaker_keys[] = {"who", "speaker", "name", NULL};

int layout_vrt(const char *name, sm_text *t, const char *const *names, sm_layout *out,
               sm_error *err) {
    sm_layout lay;
    memset(&lay, 0, sizeof lay);
    sm_buf syn = {0};
    sm_offmap map = {0};
    VEC(uint32_t) lines = {0};
    const char *s = t->s;
    /* Pass 1: how many columns, and their names if the file says. */
    size_t ncols = 1;
    int named = 0;
    for (size_t i = 0; i < t->nlines; i++) {
        size_t a = t->lines[i], z = i + 1 < t->nlines ? t->lines[i + 1] - 1 : t->len;
        if (z > a && s[a] == '<') {
            const char *key = "positional-attributes:";
            const char *hit = NULL;
            for (size_t k = a; k + strlen(key) <= z && !hit; k++)
                if (memcmp(s + k, key, strlen(key)) == 0) hit = s + k;
            if (hit && !named) {
                named = 1;
                const char *p = hit + strlen(key), *e = s + z;
                int col = 0;
                while (p < e) {
                    while (p < e && *p == ' ')
                        p++;
                    const char *w = p;
                    while (p < e && *p != ' ')
                        p++;
                    if (p > w && !(p - w == 3 && memcmp(w, "-->", 3) == 0)) {
                        if (col++ > 0 &&
                            VEC_PUSH(lay.attr_names, add_name(&lay, w, (size_t)(p - w))))
                            goto oom;
                    }
                }
            }
            continue;
        }
        size_t cols = 1;
        for (size_t k = a; k < z; k++)
            cols += s[k] == '\t';
        if (cols > ncols) ncols = cols;
    }
    if (!named) {
        for (size_t k = 1; k < ncols; k++) {
            char auto_name[32];
            const char *nm = names ? names[k - 1] : NULL;
            if (!nm) {
                names = NULL; /* the caller's list ended: number the rest */
                snprintf(auto_name, sizeof auto_name, "p%zu", k + 1);
                nm = auto_name;
            }
            if (VEC_PUSH(lay.attr_names, layout_name(&lay, nm, strlen(nm)))) goto oom;
        }
    }
    size_t nattrs = lay.attr_names.n;

    /* Pass 2: turns, tokens and the text made of them. */
    uint32_t cur = LAYOUT_NONE;
    int sentence_next = 1, have_title = 0;
    if (text_map_point(&map, 0, text_source_offset(t, 0))) goto oom;
    for (size_t i = 0; i < t->nlines; i++) {
        size_t a = t->lines[i], z = i + 1 < t->nlines ? t->lines[i + 1] - 1 : t->len;
        while (z > a && (s[z - 1] == ' ' || s[z - 1] == '\r'))
            z--;
        const char *line = s + a;
        size_t len = z - a;
        if (z == a) {
            if (VEC_PUSH(lines, (uint32_t)syn.n)) goto oom;
            continue;
        }
        if (line[0] == '<') {
            if (VEC_PUSH(lines, (uint32_t)syn.n)) goto oom;
            size_t vs, vn;
            if (tag_is(line, len, "text") && !have_title && syn.n == 0 &&
                (tag_attr(line, len, "title", &vs, &vn) || tag_attr(line, len, "id", &vs, &vn)) &&
                vn) {
                have_title = 1;
                lay.title_start = lay.preamble_start = 0;
                if (append_unescaped(&syn, line + vs, vn)) goto oom;
                lay.title_end = lay.preamble_end = (uint32_t)syn.n;
                if (text_map_point(&map, 0, text_source_offset(t, a + vs)) ||
                    text_map_point(&map, syn.n, text_source_offset(t, a + vs + vn)))
                    goto oom;
            }
            int opens_turn = 0;
            for (int k = 0; turn_tags[k]; k++)
                opens_turn |= tag_is(line, len, turn_tags[k]);
            int closes_turn = 0;
            for (int k = 0; turn_tags[k]; k++)
                if (len > 2 && line[1] == '/' && tag_is(line + 1, len - 1, turn_tags[k]))
                    closes_turn = 1;
            if (opens_turn) {
                sm_rawturn turn = {LAYOUT_NONE, (uint32_t)lay.segs.n, 0, (uint32_t)syn.n, -1};
                for (int k = 0; speaker_keys[k]; k++)
                    if (tag_attr(line, len, speaker_keys[k], &vs, &vn) && vn) {
                        turn.speaker = add_name(&lay, line + vs, vn);
                        if (turn.speaker == LAYOUT_NONE) goto oom;
                        break;
                    }
                if (tag_attr(line, len, "start", &vs, &vn) && vn) {
                    char num[32];
                    size_t m = vn < sizeof num - 1 ? vn : sizeof num - 1;
                    memcpy(num, line + vs, m);
                    num[m] = '\0';
                    char *endp;
                    double v = strtod(num, &endp);
                    if (endp != num) turn.start = v;
                }
                if (VEC_PUSH(lay.turns, turn)) goto oom;
                cur = (uint32_t)lay.turns.n - 1;
                sentence_next = 1;
            } else if (closes_turn) {
                cur = LAYOUT_NONE;
            } else if (tag_is(line, len, "s") || tag_is(line, len, "sentence")) {
                sentence_next = 1;
            }
            continue;
        }
        /* a token line: word, then its attributes */
        if (cur == LAYOUT_NONE) {
            sm_rawturn turn = {LAYOUT_NONE, (uint32_t)lay.segs.n, 0, (uint32_t)syn.n, -1};
            if (VEC_PUSH(lay.turns, turn)) goto oom;
            cur = (uint32_t)lay.turns.n - 1;
            sentence_next = 1;
        }
        sm_rawturn *tr = &lay.turns.v[cur];
        if (tr->seg_count == 0) {
            if (syn.n && buf_append(&syn, "\n\n", 2)) goto oom;
            sm_segment seg = {(uint32_t)syn.n, (uint32_t)syn.n, SEP_NONE};
            if (VEC_PUSH(lay.segs, seg)) goto oom;
            tr->seg_count = 1;
            tr->label = (uint32_t)syn.n;
        } else if (buf_putc(&syn, ' ')) {
            goto oom;
        }
        size_t word_end = a;
        while (word_end < z && s[word_end] != '\t')
            word_end++;
        if (VEC_PUSH(lines, (uint32_t)syn.n)) goto oom;
        size_t start = syn.n;
        if (text_map_point(&map, start, text_source_offset(t, a))) goto oom;
        if (append_unescaped(&syn, line, word_end - a)) goto oom;
        if (syn.n == start && buf_putc(&syn, '_')) goto oom; /* an empty word stays a token */
        if (text_map_point(&map, syn.n, text_source_offset(t, word_end))) goto oom;
        sm_pretoken pt = {(uint32_t)start, (uint32_t)syn.n, (uint32_t)lay.attr_values.n,
                          (uint8_t)sentence_next};
        sentence_next = 0;
        size_t p = word_end;
        for (size_t k = 0; k < nattrs; k++) {
            uint32_t v = LAYOUT_NONE;
            if (p < z) {
                size_t q = ++p;
                while (p < z && s[p] != '\t')
                    p++;
                v = add_name(&lay, s + q, p - q);
                if (v == LAYOUT_NONE) goto oom;
            }
            if (VEC_PUSH(lay.attr_values, v)) goto oom;
        }
        if (VEC_PUSH(lay.pretokens, pt)) goto oom;
        lay.segs.v[lay.segs.n - 1].end = (uint32_t)syn.n;
    }
    if (lay.pretokens.n == 0) {
        sm_errorf(err, "%s: a VRT file without any token line", name);
        goto fail;
    }
    if (VEC_PUSH(lay.pages, 0) || buf_append(&syn, "", 0)) goto oom;
    sm_text nt = {syn.s, syn.n, map.v, map.n, lines.v, lines.n, t->source_len, t->replacements};
    text_free(t);
    *t = nt;
    *out = lay;
    return 0;
oom:
    sm_errorf(err, "%s: out of memory while reading VRT", name);
fail:
    buf_free(&syn);
    free(map.v);
    free(lines.v);
    layout_free(&lay);
    return -1;
}
