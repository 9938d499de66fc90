/* tokenize.c: turns into tokens and sentences.
 *
 * Each turn's segments are joined into one scratch string (a page break becomes a space), so a
 * sentence cut by a page break is one sentence again; tokens keep offsets in the document's own
 * text through the segment map. Everything that is not speech is overwritten by spaces in the
 * scratch copy only: the document's text stays as the source had it. */
#include "tokenize.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "scan.h"
#include "segment.h"

const char *const sm_kind_names[KIND_COUNT] = {"word",   "number",     "punctuation",
                                               "symbol", "hesitation", "truncated"};

typedef struct seg_map {
    uint32_t joined, doc, len;
} seg_map;

typedef struct scratch {
    sm_buf joined;
    VEC(seg_map) map;
    VEC(uint32_t) bounds; /* sentence boundaries in joined */
    size_t mark;          /* the next of c->token_marks (by start) not passed yet */
} scratch;

int tokenize_kind(const char *s, size_t len) {
    int first_cat = -1, digit = 0;
    for (size_t p = 0; p < len;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)s + p, (utf8proc_ssize_t)(len - p), &cp);
        if (n <= 0) return KIND_SYMBOL;
        utf8proc_category_t cat = utf8proc_category(cp);
        if (first_cat < 0) first_cat = (int)cat;
        if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) return KIND_WORD;
        if (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO) digit = 1;
        p += (size_t)n;
    }
    if (digit) return KIND_NUMBER;
    if (first_cat >= UTF8PROC_CATEGORY_PC && first_cat <= UTF8PROC_CATEGORY_PO) return KIND_PUNCT;
    return KIND_SYMBOL;
}

/* A segment that is only white space (UAX #29 keeps spaces together; a combining mark after a
 * space stays with it, and goes with it). */
static int is_blank_multibyte(const char *s, size_t len);

static inline int is_blank_segment(const char *s, size_t len) {
    unsigned char b = len ? (unsigned char)s[0] : 0;
    if (b > 0 && b < 0x80) /* ASCII, most segments: no decoding, no property lookup */
        return b == ' ' || b == '\t' || b == '\n' || b == '\v' || b == '\f' || b == '\r';
    if (b >= 0xC3 && b <= 0xDF) return 0; /* U+00C0..U+07FF: no space among them */
    return is_blank_multibyte(s, len);
}

/* is_blank_segment for the rest: decoded, its category looked up. */
static int is_blank_multibyte(const char *s, size_t len) {
    utf8proc_int32_t cp;
    if (utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &cp) <= 0) return 0;
    if (cp == '\t' || cp == '\n' || cp == '\v' || cp == '\f' || cp == '\r' || cp == 0x85 ||
        cp == 0x2028 || cp == 0x2029)
        return 1;
    return utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

/* The form info of a form just interned (its fold and kind): the kind `kind`, or with kind < 0
 * the kind its characters give. Returns id, or LEX_NONE if memory ran out. */
static uint32_t new_form(sm_corpus *c, uint32_t id, const char *s, size_t len, int kind) {
    size_t flen;
    char *folded = corpus_fold(s, len, &flen);
    if (!folded) return LEX_NONE;
    uint32_t fold = lex_intern(&c->folds, folded, flen, NULL);
    free(folded);
    sm_form info = {fold, (uint8_t)(kind >= 0 ? kind : tokenize_kind(s, len))};
    if (fold == LEX_NONE || VEC_PUSH(c->form_info, info)) return LEX_NONE;
    return id;
}

/* The form id of s[0..len), interning it (with its fold and kind) if new: the kind `kind`, or
 * with kind < 0 the kind its characters give. */
static uint32_t intern_form(sm_corpus *c, const char *s, size_t len, int kind) {
    int is_new;
    uint32_t id = lex_intern(&c->forms, s, len, &is_new);
    if (id == LEX_NONE || !is_new) return id;
    return new_form(c, id, s, len, kind);
}

/* intern_form for an entry of a document's own lexicon, whose hash is known. */
static uint32_t intern_entry(sm_corpus *c, const sm_lexicon *own, uint32_t local) {
    const sm_lexentry *e = &own->entries[local];
    const char *s = own->pool.s + e->off;
    int is_new;
    uint32_t id = lex_intern_hashed(&c->forms, s, e->len, e->hash, &is_new);
    if (id == LEX_NONE || !is_new) return id;
    return new_form(c, id, s, e->len, -1);
}

/* An asterisk that marks emphasis touches a word on one side ("*nära*", "**Name:**"); one
 * standing between spaces ("3 * 4") is a symbol and stays. */
static int wordish(unsigned char ch) {
    return ch >= 0x80 || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '*';
}

/* Time marks inside speech ("[00:12:34]", "(01:02)", Markdown's "\\[04:22\\]") are positions, not
 * words; and Markdown's escapes of brackets ("\\[laughs\\]") go before the events are masked, so
 * an escaped event leaves no "\\". One pass, since most bytes are none of '[', '(' and '\\'. */
static void mask_marks(char *s, size_t len) {
    for (size_t i = 0; (i = scan_any3(s, i, len, '[', '(', '\\')) < len; i++) {
        if (s[i] == '\\') {
            if (i + 1 < len && (s[i + 1] == '[' || s[i + 1] == ']')) s[i] = ' ';
            continue;
        }
        char close = s[i] == '[' ? ']' : ')';
        size_t q = i + 1, colons = 0, digits = 0;
        while (q < len && q - i <= 13 &&
               ((s[q] >= '0' && s[q] <= '9') || s[q] == ':' || s[q] == '.')) {
            colons += s[q] == ':';
            digits += s[q] >= '0' && s[q] <= '9';
            q++;
        }
        if (q + 1 < len && s[q] == '\\' && s[q + 1] == close) q++; /* Markdown: \\[04:22\\] */
        if (close == ']' && len - q > 5 && memcmp(s + q, " --> ", 5) == 0) {
            size_t r =
                q + 5; /* a range, as whisper.cpp prints: "[00:00:00.000 --> 00:00:03.480]" */
            while (r < len && r - q <= 18 &&
                   ((s[r] >= '0' && s[r] <= '9') || s[r] == ':' || s[r] == '.'))
                r++;
            if (r < len && s[r] == ']' && r > q + 5) q = r;
        }
        if (q < len && s[q] == close && colons >= 1 && colons <= 2 && digits >= 3 &&
            s[i + 1] != ':') {
            memset(s + i, ' ', q - i + 1);
            i = q;
        }
    }
}

static void mask_emphasis(char *s, size_t len) {
    for (char *p = memchr(s, '*', len); p; p = memchr(p + 1, '*', (size_t)(s + len - p - 1))) {
        unsigned char prev = p > s ? (unsigned char)p[-1] : ' ';
        unsigned char next = p + 1 < s + len ? (unsigned char)p[1] : ' ';
        if (wordish(prev) || wordish(next)) *p = ' ';
    }
}

/* Markup that is no one's words, blanked in the joined text (the turn's text keeps it):
 *   - a Markdown link's brackets and target: "[Plan 9](https://9p.io/)" reads "Plan 9" (an
 *     image's "!" too); an autolink "<https://...>" whole;
 *   - HTML's inline tags (<a href=...>, </a>, <em>, <br/>...; the element names below), their
 *     text kept;
 *   - Markdown's code backticks (`x`, ```), except one between two letters (an apostrophe). */
static int is_letter_byte(unsigned char ch) {
    return ch >= 0x80 || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z');
}

static size_t html_tag_end(const char *s, size_t i, size_t len) {
    static const char *const names[] = {"a",  "abbr",  "b",    "br",     "code", "del", "div",
                                        "em", "i",     "img",  "ins",    "mark", "p",   "q",
                                        "s",  "small", "span", "strong", "sub",  "sup", "u"};
    size_t p = i + 1, q;
    if (p < len && s[p] == '/') p++;
    for (q = p; q < len && q - p < 8 && (s[q] | 0x20) >= 'a' && (s[q] | 0x20) <= 'z'; q++) {
    }
    if (q == p || q >= len || (s[q] != '>' && s[q] != ' ' && s[q] != '/')) return 0;
    size_t k = 0, n = q - p;
    for (; k < sizeof names / sizeof names[0]; k++)
        if (strlen(names[k]) == n && strncasecmp(names[k], s + p, n) == 0) break;
    if (k == sizeof names / sizeof names[0]) return 0;
    while (q < len && q - i < 2000 && s[q] != '>' && s[q] != '<' && s[q] != '\n')
        q++;
    return q < len && s[q] == '>' ? q + 1 : 0;
}

static void mask_markup(char *s, size_t len) {
    /* f4/f5 transcripts' time stamps, "#00:01:05-2#" (tenths after the dash): a time mark */
    for (char *b = memchr(s, '#', len); b; b = memchr(b + 1, '#', (size_t)(s + len - b - 1))) {
        size_t n = (size_t)(s + len - b - 1);
        char *e = memchr(b + 1, '#', n < 16 ? n : 16);
        if (!e) continue;
        size_t digits = 0, colons = 0, other = 0;
        for (char *k = b + 1; k < e; k++) {
            digits += *k >= '0' && *k <= '9';
            colons += *k == ':';
            other += !(*k >= '0' && *k <= '9') && *k != ':' && *k != '-' && *k != '.';
        }
        if (other || digits < 3 || colons < 1 || colons > 2 || b[1] == ':') continue;
        memset(b, ' ', (size_t)(e - b + 1));
        b = e;
        if (b + 1 >= s + len) break;
    }
    /* CHAT's time bullets, "\x15" 1520_3480 "\x15": a time mark, no words */
    for (char *b = memchr(s, 0x15, len); b; b = memchr(b + 1, 0x15, (size_t)(s + len - b - 1))) {
        char *e = memchr(b + 1, 0x15, (size_t)(s + len - b - 1));
        if (!e || e - b > 40) continue;
        size_t digits = 0, under = 0;
        for (char *k = b + 1; k < e; k++) {
            digits += *k >= '0' && *k <= '9';
            under += *k == '_';
        }
        if (under != 1 || digits + under != (size_t)(e - b - 1)) continue;
        memset(b, ' ', (size_t)(e - b + 1));
        b = e;
        if (b + 1 >= s + len) break;
    }
    for (size_t i = 0; (i = scan_any3(s, i, len, '[', '<', '`')) < len; i++) {
        if (s[i] == '`') {
            if (!(i > 0 && i + 1 < len && is_letter_byte((unsigned char)s[i - 1]) &&
                  is_letter_byte((unsigned char)s[i + 1])))
                s[i] = ' ';
            continue;
        }
        if (s[i] == '<') {
            size_t e = 0;
            if ((len - i > 8 && strncmp(s + i + 1, "http://", 7) == 0) ||
                (len - i > 9 && strncmp(s + i + 1, "https://", 8) == 0)) {
                size_t q = i + 1;
                while (q < len && q - i < 2000 && s[q] != '>' && s[q] != ' ' && s[q] != '\n')
                    q++;
                if (q < len && s[q] == '>') e = q + 1;
            } else {
                e = html_tag_end(s, i, len);
            }
            if (e) {
                memset(s + i, ' ', e - i);
                i = e - 1;
            }
            continue;
        }
        /* "[text](target)": the text on one line, the target without spaces */
        size_t close = i + 1;
        while (close < len && close - i < 300 && s[close] != ']' && s[close] != '[' &&
               s[close] != '\n')
            close++;
        if (close + 1 >= len || s[close] != ']' || s[close + 1] != '(') continue;
        size_t q = close + 2;
        while (q < len && q - close < 2000 && s[q] != ')' && s[q] != ' ' && s[q] != '\n')
            q++;
        if (q >= len || s[q] != ')' || q == close + 2) continue;
        if (i > 0 && s[i - 1] == '!') s[i - 1] = ' '; /* an image */
        s[i] = ' ';
        memset(s + close, ' ', q - close + 1);
        i = q;
    }
}

static uint32_t to_doc(const scratch *sc, uint32_t joined) {
    size_t k = sc->map.n - 1;
    while (k > 0 && sc->map.v[k].joined > joined)
        k--;
    return sc->map.v[k].doc + (joined - sc->map.v[k].joined);
}

static int to_joined(const scratch *sc, uint32_t doc, uint32_t *joined) {
    for (size_t k = 0; k < sc->map.n; k++) {
        const seg_map *m = &sc->map.v[k];
        if (doc >= m->doc && doc < m->doc + m->len) {
            *joined = m->joined + (doc - m->doc);
            return 1;
        }
    }
    return 0;
}

/* A convention's token mark (c->token_marks) starting at document offset doc_off, joined offset
 * pos: if one does, and lies inside the same segment, it is the token: *end becomes its end and
 * its kind is returned; else -1. Marks that start inside a token are passed over. */
static int token_mark(const sm_marks *m, scratch *sc, uint32_t doc_off, uint32_t pos, size_t *end) {
    if (!m) return -1;
    while (sc->mark < m->n && m->v[sc->mark].start < doc_off)
        sc->mark++;
    if (sc->mark >= m->n || m->v[sc->mark].start != doc_off) return -1;
    const sm_mark *mk = &m->v[sc->mark++];
    uint32_t last;
    if (!to_joined(sc, mk->end - 1, &last) || last + 1 - pos != mk->end - mk->start) return -1;
    *end = (size_t)last + 1;
    return mk->kind;
}

/* The value id of attribute `name` for the token about to be pushed, padding the attribute's
 * array for the tokens before it that had none. */
static int push_attr(sm_corpus *c, const char *name, const char *value) {
    int is_new;
    uint32_t a = lex_intern(&c->attr_names, name, strlen(name), &is_new);
    if (a == LEX_NONE) return -1;
    if (is_new) {
        sm_attr fresh;
        memset(&fresh, 0, sizeof fresh);
        if (VEC_PUSH(c->attrs, fresh)) return -1;
    }
    sm_attr *at = &c->attrs.v[a];
    while (at->tokens.n + 1 < c->tokens.n)
        if (VEC_PUSH(at->tokens, LEX_NONE)) return -1;
    uint32_t v = LEX_NONE;
    if (value && (v = lex_intern(&at->values, value, strlen(value), NULL)) == LEX_NONE) return -1;
    return VEC_PUSH(at->tokens, v);
}

/* A turn of a pre-tokenised source (VRT): its tokens are given, with their attributes. */
static int pretokenized_turn(sm_corpus *c, uint32_t doc_id, const sm_rawturn *rt, sm_turn *turn) {
    sm_doc *d = &c->docs.v[doc_id];
    const sm_layout *lay = &d->layout;
    if (rt->seg_count == 0) return VEC_PUSH(c->turns, *turn);
    const sm_segment *sg = &lay->segs.v[rt->seg_first];
    size_t lo = 0, hi = lay->pretokens.n; /* first token of the segment */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (lay->pretokens.v[mid].start < sg->start)
            lo = mid + 1;
        else
            hi = mid;
    }
    int first = 1;
    for (size_t k = lo; k < lay->pretokens.n && lay->pretokens.v[k].end <= sg->end; k++) {
        const sm_pretoken *pt = &lay->pretokens.v[k];
        if (c->tokens.n >= UINT32_MAX - 1) return -1;
        uint32_t form = intern_form(c, d->text.s + pt->start, pt->end - pt->start, -1);
        if (form == LEX_NONE || tokens_push(&c->tokens, pt->start, form)) return -1;
        if ((first || pt->sentence_start) && VEC_PUSH(c->sentences, (uint32_t)c->tokens.n - 1))
            return -1;
        first = 0;
        turn->tok_count++;
        if (c->form_info.v[form].kind <= KIND_NUMBER) turn->words++;
        for (size_t a = 0; a < lay->attr_names.n; a++) {
            uint32_t v = lay->attr_values.v[pt->attr_first + a];
            if (push_attr(c, lay->names.s + lay->attr_names.v[a],
                          v == LAYOUT_NONE ? NULL : lay->names.s + v))
                return -1;
        }
    }
    d->words += turn->words;
    return VEC_PUSH(c->turns, *turn);
}

/* What segment_turn does with a token: its start in the document's text, its length, its kind
 * from a convention's mark (or -1), and whether it starts a sentence. Returns 0 or -1. */
typedef int (*emit_fn)(void *ud, uint32_t off, size_t len, int kind, int new_sentence);

/* Segments layout turn `raw` of document d into words and sentences (UAX #29) and hands each
 * token, in order, to emit; white space is no token. marks: the convention's token marks of the
 * document, by start, or NULL. Reads nothing of the corpus, so a worker thread may run it. */
#if defined(__GNUC__)
__attribute__((always_inline)) /* into each caller, where emit is known and inlined in turn */
#endif
static inline int
segment_turn(const sm_doc *d, uint32_t raw, int seg_flags, const sm_marks *marks, scratch *sc,
             emit_fn emit, void *ud) {
    const sm_rawturn *rt = &d->layout.turns.v[raw];
    sc->joined.n = 0;
    sc->map.n = 0;
    sc->bounds.n = 0;
    if (buf_append(&sc->joined, "", 0)) return -1;
    for (uint32_t k = 0; k < rt->seg_count; k++) {
        const sm_segment *sg = &d->layout.segs.v[rt->seg_first + k];
        if (k && buf_append(&sc->joined, sg->sep == SEP_SPACE ? " " : "\n\n",
                            sg->sep == SEP_SPACE ? 1 : 2))
            return -1;
        seg_map m = {(uint32_t)sc->joined.n, sg->start, sg->end - sg->start};
        if (VEC_PUSH(sc->map, m) || buf_append(&sc->joined, d->text.s + sg->start, m.len))
            return -1;
    }
    char *j = sc->joined.s;
    size_t len = sc->joined.n;
    mask_marks(j, len); /* before the events: an event "[laughs\]" leaves no "\" */
    for (size_t e = 0; e < d->layout.events.n; e++) {
        const sm_rawevent *ev = &d->layout.events.v[e];
        uint32_t js;
        if (ev->turn != raw || !to_joined(sc, ev->start, &js)) continue;
        memset(j + js, ' ', ev->end - ev->start);
    }
    mask_emphasis(j, len);
    mask_markup(j, len);

    for (size_t pos = 0; pos < len;) {
        pos = seg_next_sentence(j, len, pos);
        if (VEC_PUSH(sc->bounds, (uint32_t)pos)) return -1;
    }
    size_t next_bound = 0;
    int new_sentence = 1;
    for (size_t pos = 0; pos < len;) {
        size_t end = seg_next_word(j, len, pos, seg_flags);
        while (next_bound < sc->bounds.n && sc->bounds.v[next_bound] <= pos) {
            next_bound++;
            new_sentence = 1;
        }
        if (!is_blank_segment(j + pos, end - pos)) {
            uint32_t doc_off = to_doc(sc, (uint32_t)pos);
            int kind = token_mark(marks, sc, doc_off, (uint32_t)pos, &end);
            if (emit(ud, doc_off, end - pos, kind, new_sentence)) return -1;
            new_sentence = 0;
        }
        pos = end;
    }
    return 0;
}

/* The speaker of corpus turn `turn` (layout turn turn->index of its document), interned. */
static int turn_speaker(sm_corpus *c, const sm_rawturn *rt, const sm_doc *d, sm_turn *turn) {
    if (rt->speaker == LAYOUT_NONE) return 0;
    const char *name = d->layout.names.s + rt->speaker;
    turn->speaker = lex_intern(&c->speaker_names, name, strlen(name), NULL);
    return turn->speaker == LEX_NONE ? -1 : 0;
}

typedef struct to_corpus {
    sm_corpus *c;
    const char *text; /* the document's */
    sm_turn *turn;
} to_corpus;

/* emit_fn: the token joins the corpus, its form interned. */
static int emit_to_corpus(void *ud, uint32_t off, size_t len, int kind, int new_sentence) {
    to_corpus *x = ud;
    sm_corpus *c = x->c;
    if (c->tokens.n >= UINT32_MAX - 1) return -1;
    uint32_t form = intern_form(c, x->text + off, len, kind);
    if (form == LEX_NONE || tokens_push(&c->tokens, off, form)) return -1;
    if (new_sentence && VEC_PUSH(c->sentences, (uint32_t)c->tokens.n - 1)) return -1;
    x->turn->tok_count++;
    if (c->form_info.v[form].kind <= KIND_NUMBER) x->turn->words++;
    return 0;
}

static int tokenize_turn(sm_corpus *c, uint32_t doc_id, uint32_t raw, scratch *sc) {
    sm_doc *d = &c->docs.v[doc_id];
    const sm_rawturn *rt = &d->layout.turns.v[raw];
    sm_turn turn = {doc_id, SM_NONE, raw, (uint32_t)c->tokens.n, 0, 0};
    if (turn_speaker(c, rt, d, &turn)) return -1;
    if (d->layout.pretokens.n) return pretokenized_turn(c, doc_id, rt, &turn);
    to_corpus x = {c, d->text.s, &turn};
    if (segment_turn(d, raw, c->opts.seg_flags, &c->token_marks, sc, emit_to_corpus, &x)) return -1;
    c->docs.v[doc_id].words += turn.words;
    return VEC_PUSH(c->turns, turn);
}

/* A turn whose tokens the document's presegment holds (tokens first..end of it): they join the
 * corpus, each distinct form interned once (remap: the document's form id -> the corpus's, or
 * LEX_NONE while not met yet). */
static int commit_turn(sm_corpus *c, uint32_t doc_id, uint32_t raw, uint32_t first, uint32_t end,
                       uint32_t *remap) {
    const sm_doc *d = &c->docs.v[doc_id];
    const sm_presegment *p = d->pre;
    sm_turn turn = {doc_id, SM_NONE, raw, (uint32_t)c->tokens.n, 0, 0};
    if (turn_speaker(c, &d->layout.turns.v[raw], d, &turn)) return -1;
    for (uint32_t k = first; k < end; k++) {
        if (c->tokens.n >= UINT32_MAX - 1) return -1;
        uint32_t v = p->form.v[k], local = v & ~PRESEG_SENTENCE, form = remap[local];
        if (form == LEX_NONE &&
            (form = remap[local] = intern_entry(c, &p->forms, local)) == LEX_NONE)
            return -1;
        if (tokens_push(&c->tokens, p->off.v[k], form)) return -1;
        if ((v & PRESEG_SENTENCE) && VEC_PUSH(c->sentences, (uint32_t)c->tokens.n - 1)) return -1;
        turn.tok_count++;
        if (c->form_info.v[form].kind <= KIND_NUMBER) turn.words++;
    }
    c->docs.v[doc_id].words += turn.words;
    return VEC_PUSH(c->turns, turn);
}

typedef struct to_presegment {
    sm_presegment *p;
    const char *text;
} to_presegment;

/* emit_fn: the token joins the presegment, its form interned in the document's own lexicon. */
static int emit_to_presegment(void *ud, uint32_t off, size_t len, int kind, int new_sentence) {
    (void)kind; /* no marks before the commit */
    to_presegment *x = ud;
    sm_presegment *p = x->p;
    uint32_t id = lex_intern(&p->forms, x->text + off, len, NULL);
    if (id == LEX_NONE || id >= PRESEG_SENTENCE) return -1;
    if (new_sentence) id |= PRESEG_SENTENCE;
    return VEC_PUSH(p->off, off) || VEC_PUSH(p->form, id) ? -1 : 0;
}

void tokenize_presegment_free(sm_presegment *p) {
    if (!p) return;
    lex_free(&p->forms);
    VEC_FREE(p->off);
    VEC_FREE(p->form);
    VEC_FREE(p->turn_tok);
    free(p);
}

static void scratch_free(scratch *sc) {
    buf_free(&sc->joined);
    VEC_FREE(sc->map);
    VEC_FREE(sc->bounds);
}

void tokenize_presegment(const sm_corpus *c, sm_doc *d) {
    d->pre = NULL;
    if (c->opts.mark || d->layout.pretokens.n || d->text.len > ((size_t)64 << 20)) return;
    sm_presegment *p = calloc(1, sizeof *p);
    if (!p) return;
    scratch sc;
    memset(&sc, 0, sizeof sc);
    to_presegment x = {p, d->text.s};
    size_t guess = d->text.len / 4 + 16; /* a token every five or six bytes: grown once at most */
    int rc = vec_reserve((void **)&p->off.v, &p->off.cap, guess, sizeof *p->off.v) ||
             vec_reserve((void **)&p->form.v, &p->form.cap, guess, sizeof *p->form.v);
    for (uint32_t t = 0; t < d->layout.turns.n && rc == 0; t++) {
        rc = VEC_PUSH(p->turn_tok, (uint32_t)p->off.n);
        if (rc == 0) rc = segment_turn(d, t, c->opts.seg_flags, NULL, &sc, emit_to_presegment, &x);
    }
    if (rc == 0) rc = VEC_PUSH(p->turn_tok, (uint32_t)p->off.n);
    scratch_free(&sc);
    if (rc)
        tokenize_presegment_free(p);
    else
        d->pre = p;
}

/* The name a layout turn is spoken by, after the alias rules set so far; NULL without label. */
static const char *raw_speaker(const sm_corpus *c, uint32_t doc_id, const sm_rawturn *rt) {
    if (rt->speaker == LAYOUT_NONE) return NULL;
    const char *label = c->docs.v[doc_id].layout.names.s + rt->speaker;
    const char *name = corpus_alias_for(c, doc_id, label);
    return name ? name : label;
}

/* merge_turns: a layout turn whose speaker (after aliases) is the one of the turn before it joins
 * that turn as a further paragraph, so the merged turn's range spans both and the second label
 * stays outside its text. Only turns whose segments follow each other are joined, and never in a
 * pre-tokenised document (VRT), whose tokens are read per segment. origin, if given (room for a
 * value per layout turn and one more): the first layout turn of each turn after the merge, then
 * the number of layout turns before it, so turn t was made of origin[t + 1] - origin[t]. */
static int merge_turns(sm_corpus *c, uint32_t doc_id, uint32_t *origin) {
    sm_layout *lay = &c->docs.v[doc_id].layout;
    if (lay->pretokens.n || lay->turns.n < 2) return 0;
    uint32_t *to = malloc(lay->turns.n * sizeof *to); /* old turn index -> new */
    if (!to) return -1;
    uint32_t out = 0;
    to[0] = 0;
    for (uint32_t t = 1; t < lay->turns.n; t++) {
        sm_rawturn *prev = &lay->turns.v[out], *cur = &lay->turns.v[t];
        const char *a = raw_speaker(c, doc_id, prev), *b = raw_speaker(c, doc_id, cur);
        if (a && b && strcmp(a, b) == 0 && prev->seg_count && cur->seg_count &&
            prev->seg_first + prev->seg_count == cur->seg_first) {
            lay->segs.v[cur->seg_first].sep = SEP_PARAGRAPH;
            prev->seg_count += cur->seg_count;
            if (lay->stops.n == lay->turns.n) lay->stops.v[out] = lay->stops.v[t];
            /* a label of its own stays a label of the corpus, so the alias rules that name it
             * hold (interned now, so only a label that no turn keeps gets an id out of turn order)
             */
            const char *label = lay->names.s + cur->speaker;
            if (strcmp(label, lay->names.s + prev->speaker) != 0 &&
                lex_intern(&c->speaker_names, label, strlen(label), NULL) == LEX_NONE) {
                free(to);
                return -1;
            }
        } else {
            lay->turns.v[++out] = *cur;
            if (origin) origin[out] = t;
            if (lay->stops.n == lay->turns.n) lay->stops.v[out] = lay->stops.v[t];
        }
        to[t] = out;
    }
    if (lay->stops.n == lay->turns.n) lay->stops.n = (size_t)out + 1;
    if (origin) origin[out + 1] = (uint32_t)lay->turns.n;
    lay->turns.n = (size_t)out + 1;
    for (size_t e = 0; e < lay->events.n; e++)
        if (lay->events.v[e].turn != LAYOUT_NONE) lay->events.v[e].turn = to[lay->events.v[e].turn];
    free(to);
    return 0;
}

/* A presegmented document's turns: those that stayed one layout turn take their tokens from the
 * presegment; a turn merged from several is segmented again as one (a sentence may run across
 * the joined paragraphs). Forms are interned in the order their tokens come, as a serial load's. */
/* Interns every form of the document's own lexicon into the corpus's, in the order of their
 * ids, which is the order they first occur in its tokens; so the corpus's ids come out as if
 * each were interned at its first token. The corpus's lexicon is far larger than a processor's
 * caches, so each lookup's slot, entry and bytes are asked for some lookups ahead. */
static int intern_all(sm_corpus *c, const sm_lexicon *own, uint32_t *remap) {
    enum { STEP = 4 }; /* lookups between the stages of a prefetch */
    for (uint32_t k = 0; k < own->n; k++) {
        for (int stage = 0; stage < 3; stage++) {
            uint32_t ahead = k + (uint32_t)(3 - stage) * STEP;
            if (ahead < own->n) lex_prefetch(&c->forms, own->entries[ahead].hash, stage);
        }
        if ((remap[k] = intern_entry(c, own, k)) == LEX_NONE) return -1;
    }
    return 0;
}

static int commit_presegmented(sm_corpus *c, uint32_t doc_id, const uint32_t *origin, scratch *sc) {
    const sm_presegment *p = c->docs.v[doc_id].pre;
    uint32_t *remap = malloc((p->forms.n ? p->forms.n : 1) * sizeof *remap);
    if (!remap) return -1;
    memset(remap, 0xff, p->forms.n * sizeof *remap); /* LEX_NONE: not met yet */
    int rc = 0;
    size_t nturns = c->docs.v[doc_id].layout.turns.n;
    /* With no turns merged, every turn's tokens are committed as they were segmented, in order */
    int merged = 0;
    for (uint32_t t = 0; t < nturns; t++)
        merged |= origin[t + 1] - origin[t] != 1;
    if (!merged) rc = intern_all(c, &p->forms, remap);
    for (uint32_t t = 0; t < nturns && rc == 0; t++) {
        uint32_t o = origin[t];
        if (origin[t + 1] - o == 1)
            rc = commit_turn(c, doc_id, t, p->turn_tok.v[o], p->turn_tok.v[o + 1], remap);
        else
            rc = tokenize_turn(c, doc_id, t, sc);
    }
    free(remap);
    return rc;
}

int tokenize_document(sm_corpus *c, uint32_t doc_id, sm_error *err) {
    sm_doc *d = &c->docs.v[doc_id];
    uint32_t *origin = NULL; /* with a presegment: see merge_turns */
    if (d->pre &&
        (c->token_marks.n || !(origin = malloc((d->layout.turns.n + 1) * sizeof *origin)))) {
        tokenize_presegment_free(d->pre); /* marks after all, or no memory: segmented here */
        d->pre = NULL;
    }
    for (uint32_t t = 0; origin && t <= d->layout.turns.n; t++)
        origin[t] = t;
    if (c->opts.merge_turns && merge_turns(c, doc_id, origin)) {
        free(origin);
        return sm_errorf(err, "%s: out of memory while merging turns", c->docs.v[doc_id].path);
    }
    scratch sc;
    memset(&sc, 0, sizeof sc); /* sc.mark: the document's first token mark */
    d = &c->docs.v[doc_id];
    d->turn_first = (uint32_t)c->turns.n;
    d->tok_first = (uint32_t)c->tokens.n;
    d->sent_first = (uint32_t)c->sentences.n;
    d->event_first = (uint32_t)c->events.n;
    int rc = 0;
    if (d->pre) {
        rc = commit_presegmented(c, doc_id, origin, &sc);
        d = &c->docs.v[doc_id];
        tokenize_presegment_free(d->pre);
        d->pre = NULL;
    }
    for (uint32_t t = 0; !origin && t < d->layout.turns.n && rc == 0; t++) {
        rc = tokenize_turn(c, doc_id, t, &sc);
        d = &c->docs.v[doc_id];
    }
    free(origin);
    d->turn_count = (uint32_t)c->turns.n - d->turn_first;
    /* stop times, by corpus turn: kept once a document has any, -1 for turns without */
    const sm_layout *lay = &d->layout;
    if (rc == 0 && (lay->stops.n || c->turn_stops.n)) {
        while (rc == 0 && c->turn_stops.n < d->turn_first)
            rc = VEC_PUSH(c->turn_stops, -1.0);
        for (uint32_t t = d->turn_first; rc == 0 && t < c->turns.n; t++) {
            uint32_t raw = c->turns.v[t].index;
            rc = VEC_PUSH(c->turn_stops, raw < lay->stops.n ? lay->stops.v[raw] : -1.0);
        }
        if (rc) rc = sm_errorf(err, "%s: out of memory", d->path);
    }
    /* token times, by token: from the stretch of the text each token starts in */
    if (rc == 0 && (lay->timed.n || c->token_times.n)) {
        sm_times none = {-1, -1};
        while (rc == 0 && c->token_times.n < d->tok_first)
            rc = VEC_PUSH(c->token_times, none);
        size_t s = 0;
        for (uint32_t i = d->tok_first; rc == 0 && i < c->tokens.n; i++) {
            uint32_t off = corpus_token_off(c, i);
            while (s < lay->timed.n && lay->timed.v[s].end <= off)
                s++;
            sm_times tt = none;
            if (s < lay->timed.n && lay->timed.v[s].start <= off)
                tt = (sm_times){lay->timed.v[s].t_start, lay->timed.v[s].t_end};
            rc = VEC_PUSH(c->token_times, tt);
        }
        if (rc) rc = sm_errorf(err, "%s: out of memory", d->path);
    }
    d->tok_count = (uint32_t)c->tokens.n - d->tok_first;
    d->sent_count = (uint32_t)c->sentences.n - d->sent_first;
    /* Events learn the first token after them, so a query can ask what follows laughter. */
    for (size_t e = 0; rc == 0 && e < d->layout.events.n; e++) {
        const sm_rawevent *ev = &d->layout.events.v[e];
        uint32_t lo = d->tok_first, hi = d->tok_first + d->tok_count;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (corpus_token_off(c, mid) < ev->start)
                lo = mid + 1;
            else
                hi = mid;
        }
        sm_event out = {doc_id, ev->turn == LAYOUT_NONE ? SM_NONE : d->turn_first + ev->turn,
                        ev->start, ev->end, lo};
        rc = VEC_PUSH(c->events, out);
    }
    d->event_count = (uint32_t)c->events.n - d->event_first;
    scratch_free(&sc);
    if (rc) return sm_errorf(err, "%s: out of memory while tokenising", d->path);
    return 0;
}
