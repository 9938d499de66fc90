/* lexmatch.c: literal, wildcard and regular-expression matching over the lexicon, turns and
 * events (see lexmatch.h). Each distinct string is matched once. */
#include "lexmatch.h"

#include "index.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* A matcher for one value, prepared once: the value normalised as the subjects will be, or the
 * compiled regular expression. */
typedef struct value_matcher {
    int how, flags;
    char *value; /* literal or wildcard, normalised */
    size_t len;
    pcre2_code *re;
    pcre2_match_data *md;
} value_matcher;

/* Normalises a subject or a value under the flags: NFC always, case folded with LM_CASELESS,
 * marks stripped with LM_NODIACRITICS. Returns a malloc'd string or NULL. */
static char *normalise(const char *s, size_t len, int flags, size_t *outlen) {
    char *folded = NULL;
    if (flags & LM_CASELESS) { /* the corpus's own folding, typographic marks included */
        folded = corpus_fold(s, len, outlen);
        if (!folded || !(flags & LM_NODIACRITICS)) return folded;
        s = folded;
        len = *outlen;
    }
    utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_COMPOSE;
    if (flags & LM_NODIACRITICS) opt |= UTF8PROC_STRIPMARK;
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n =
        utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &out, opt);
    free(folded);
    if (n < 0) return NULL;
    *outlen = (size_t)n;
    return (char *)out;
}

static int matcher_init(value_matcher *vm, int how, const char *value, size_t len, int flags,
                        sm_error *err) {
    memset(vm, 0, sizeof *vm);
    vm->how = how;
    vm->flags = flags;
    if (how != LM_REGEX) {
        vm->value = normalise(value, len, flags, &vm->len);
        if (!vm->value) return sm_errorf(err, "\"%.*s\" is not valid UTF-8", (int)len, value);
        return 0;
    }
    /* A regular expression is matched against the normalised subject; %c also makes it caseless
     * (folding the pattern itself would break classes such as \S). */
    char *norm = normalise(value, len, flags & LM_NODIACRITICS, &vm->len);
    if (!norm) return sm_errorf(err, "\"%.*s\" is not valid UTF-8", (int)len, value);
    uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED | PCRE2_ENDANCHORED;
    if (flags & LM_CASELESS) opts |= PCRE2_CASELESS;
    int code;
    PCRE2_SIZE at;
    vm->re = pcre2_compile((PCRE2_SPTR)norm, vm->len, opts, &code, &at, NULL);
    free(norm);
    if (!vm->re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        return sm_errorf(err, "regular expression \"%.*s\": %s at offset %zu", (int)len, value,
                         (const char *)msg, (size_t)at);
    }
    pcre2_jit_compile(vm->re,
                      PCRE2_JIT_COMPLETE); /* where JIT is unavailable, the interpreter runs */
    vm->md = pcre2_match_data_create_from_pattern(vm->re, NULL);
    if (!vm->md) return sm_errorf(err, "out of memory");
    return 0;
}

static void matcher_free(value_matcher *vm) {
    free(vm->value);
    if (vm->md) pcre2_match_data_free(vm->md);
    if (vm->re) pcre2_code_free(vm->re);
    memset(vm, 0, sizeof *vm);
}

/* Glob match over UTF-8: `*` any run, `?` one code point. Iterative, with one backtrack point,
 * so it is linear in practice and never recursive. */
static int glob(const char *p, size_t pn, const char *s, size_t sn) {
    size_t pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;
    while (si < sn) {
        if (pi < pn && p[pi] == '?') {
            pi++;
            si++;
            while (si < sn && ((unsigned char)s[si] & 0xC0) == 0x80)
                si++;
        } else if (pi < pn && p[pi] == '*') {
            star_p = pi++;
            star_s = si;
        } else if (pi < pn && p[pi] == s[si]) {
            pi++;
            si++;
        } else if (star_p != (size_t)-1) {
            pi = star_p + 1;
            si = ++star_s;
            while (si < sn && ((unsigned char)s[si] & 0xC0) == 0x80)
                si = ++star_s;
        } else {
            return 0;
        }
    }
    while (pi < pn && p[pi] == '*')
        pi++;
    return pi == pn;
}

/* Whether subject s[0..len) matches; -1 on an error (out of memory, a regex failure). */
static int matches_as(value_matcher *vm, const char *s, size_t len, int folded) {
    size_t n = len;
    char *norm = NULL;
    /* A folded subject is already what %c makes of it; only %d still has work to do. */
    int flags = folded ? (vm->flags & LM_NODIACRITICS) : vm->flags;
    if (flags) {
        norm = normalise(s, len, vm->how == LM_REGEX ? (flags & LM_NODIACRITICS) : flags, &n);
        if (!norm) return 0;
        s = norm;
    }
    int r;
    if (vm->how == LM_LITERAL)
        r = n == vm->len && memcmp(s, vm->value, n) == 0;
    else if (vm->how == LM_WILDCARD)
        r = glob(vm->value, vm->len, s, n);
    else {
        int rc = pcre2_match(vm->re, (PCRE2_SPTR)s, n, 0, 0, vm->md, NULL);
        r = rc >= 0 ? 1 : rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
    }
    free(norm);
    return r;
}

static int matches(value_matcher *vm, const char *s, size_t len) {
    return matches_as(vm, s, len, 0);
}

int lexmatch_forms(const sm_corpus *c, int attr, int how, const char *value, size_t len, int flags,
                   sm_set *out, sm_error *err) {
    if (set_init(out, (uint32_t)c->forms.n)) return sm_errorf(err, "out of memory");
    value_matcher vm;
    if (matcher_init(&vm, how, value, len, flags, err)) {
        matcher_free(&vm);
        set_free(out);
        return -1;
    }
    /* The common case, a plain word, needs no scan: one lookup in the folded lexicon. */
    if (attr == ATTR_LOWER && how == LM_LITERAL && !(flags & LM_NODIACRITICS)) {
        size_t fl;
        char *folded = corpus_fold(value, len, &fl);
        uint32_t fold = folded ? lex_find(&c->folds, folded, fl) : LEX_NONE;
        free(folded);
        size_t n = 0;
        const uint32_t *ff = NULL;
        int rc = fold != LEX_NONE ? index_fold_forms(c, fold, &ff, &n, err) : 0;
        for (size_t i = 0; i < n; i++)
            set_add(out, ff[i]);
        matcher_free(&vm);
        if (rc) set_free(out);
        return rc;
    }
    int rc = 0;
    for (uint32_t f = 0; f < c->forms.n && rc >= 0; f++) {
        size_t n;
        const char *s;
        if (attr == ATTR_KIND) {
            s = sm_kind_names[c->form_info.v[f].kind];
            n = strlen(s);
        } else if (attr == ATTR_LOWER) {
            s = lex_str(&c->folds, c->form_info.v[f].fold, &n);
        } else {
            s = lex_str(&c->forms, f, &n);
        }
        rc = matches_as(&vm, s, n, attr == ATTR_LOWER);
        if (rc > 0) set_add(out, f);
    }
    matcher_free(&vm);
    if (rc < 0) {
        set_free(out);
        return sm_errorf(err, "regular expression \"%.*s\": matching failed", (int)len, value);
    }
    return 0;
}

int lexmatch_turns(const sm_corpus *c, const char *field, int how, const char *value, size_t len,
                   int flags, sm_set *out, sm_error *err) {
    int which = strcmp(field, "speaker") == 0 ? 0
                : strcmp(field, "doc") == 0   ? 1
                : strcmp(field, "path") == 0  ? 2
                : strcmp(field, "title") == 0 ? 3
                                              : -1;
    if (which < 0)
        return sm_errorf(err, "unknown field @%s (known: speaker, doc, path, title)", field);
    if (set_init(out, (uint32_t)c->turns.n)) return sm_errorf(err, "out of memory");
    value_matcher vm;
    if (matcher_init(&vm, how, value, len, flags, err)) {
        matcher_free(&vm);
        set_free(out);
        return -1;
    }
    /* Match each distinct speaker and each document once, then mark their turns. */
    sm_set hit_spk = {0};
    uint32_t nspk = corpus_speaker_count(c); /* after aliases */
    if (set_init(&hit_spk, nspk)) {
        matcher_free(&vm);
        set_free(out);
        return sm_errorf(err, "out of memory");
    }
    int rc = 0;
    if (which == 0) {
        for (uint32_t s = 0; s < nspk; s++) {
            size_t n;
            const char *name = corpus_speaker_name(c, s, &n);
            if (matches(&vm, name, n) > 0) set_add(&hit_spk, s);
        }
        /* Only the speaker of each turn is read, range-checked, so no document need be. */
        for (uint32_t t = 0; t < c->turns.n && rc == 0; t++) {
            uint32_t sp;
            rc = corpus_turn_speaker(c, t, &sp, err);
            if (rc == 0 && sp != SM_NONE && set_has(&hit_spk, sp)) set_add(out, t);
        }
    } else {
        for (uint32_t d = 0; d < c->docs.n; d++) {
            const sm_doc *doc = &c->docs.v[d];
            const char *s = which == 1 ? doc->name : doc->path;
            size_t n = strlen(s);
            if (which == 3) {
                if (doc->layout.title_end > doc->layout.title_start &&
                    (rc = corpus_doc_text(c, d, err)) != 0)
                    break;
                s = doc->text.s + doc->layout.title_start;
                n = doc->layout.title_end - doc->layout.title_start;
            }
            if (matches(&vm, s, n) > 0) /* its turns, from the document's record */
                for (uint32_t t = doc->turn_first; t < doc->turn_first + doc->turn_count; t++)
                    set_add(out, t);
        }
    }
    set_free(&hit_spk);
    matcher_free(&vm);
    if (rc) set_free(out);
    return rc;
}

int lexmatch_events(const sm_corpus *c, int how, const char *value, size_t len, int flags,
                    sm_set *out, sm_error *err) {
    if (set_init(out, (uint32_t)c->events.n)) return sm_errorf(err, "out of memory");
    value_matcher vm;
    if (matcher_init(&vm, how, value, len, flags, err)) {
        matcher_free(&vm);
        set_free(out);
        return -1;
    }
    for (uint32_t e = 0; e < c->events.n; e++) {
        const sm_event *ev = &c->events.v[e];
        uint32_t a, z; /* the name inside the brackets, without markdown emphasis around it */
        if (corpus_doc_text(c, ev->doc, err)) {
            matcher_free(&vm);
            set_free(out);
            return -1;
        }
        corpus_event_name(c, ev, &a, &z);
        if (matches(&vm, c->docs.v[ev->doc].text.s + a, z - a) > 0) set_add(out, e);
    }
    matcher_free(&vm);
    return 0;
}

int lexmatch_attr(const sm_corpus *c, uint32_t attr, int how, const char *value, size_t len,
                  int flags, sm_set *out, sm_error *err) {
    const sm_lexicon *vals = &c->attrs.v[attr].values;
    if (set_init(out, (uint32_t)vals->n)) return sm_errorf(err, "out of memory");
    value_matcher vm;
    if (matcher_init(&vm, how, value, len, flags, err)) {
        matcher_free(&vm);
        set_free(out);
        return -1;
    }
    for (uint32_t v = 0; v < vals->n; v++) {
        size_t n;
        const char *s = lex_str(vals, v, &n);
        if (matches(&vm, s, n) > 0) set_add(out, v);
    }
    matcher_free(&vm);
    return 0;
}
