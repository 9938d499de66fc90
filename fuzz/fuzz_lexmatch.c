/* fuzz_lexmatch.c: libFuzzer target, the query path in C: a value matched against a small fixed
 * corpus (lexmatch.h), then a pattern program over the sets it gives (pattern.h).
 *
 * The corpus is built once from the three small documents below (labelled plain text with
 * events, WebVTT with voices, VRT with lemma and pos). The input is
 *
 *   byte 0      what to match: bits 0-1 how (literal, wildcard, regular expression; 3 is a
 *               regular expression too, the common case), bits 2-3 the flags (%c, %d), bits 4-6
 *               against what (word, lower, kind, speaker, doc/path/title, event, lemma, pos),
 *               bit 7 count only
 *   bytes 1..   the value (a PCRE2 pattern, a wildcard, a literal), up to a NUL byte or the end
 *   after NUL   the pattern program, as the Lua query compiler would send it to c:find() (a
 *               user's script can send any table): predicates and states with their fields, the
 *               start, the set of turns, the anchors, the scope. Fields are taken modulo a little
 *               more than their valid range, so that bad programs are tried as well; pattern_find
 *               must reject those cleanly. Without a program: one token of the value's set.
 *
 * The sets a program may name: 0 the value's set, 1 every form, 2 every turn, 3 every event,
 * 4 every value of lemma, 5 a set of another corpus's forms, larger than this one's (a Lua
 * script can pass c:find() a set made by another corpus). A bad regular expression is a clean
 * error; a crash, a sanitizer report, a leak or a timeout is a finding.
 *
 *   build: make fuzz
 *   run:   build/fuzz/bin/lexmatch -max_len=256 corpus_dir...   */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "lexmatch.h"
#include "pattern.h"
#include "query.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char doc_txt[] =
    "Samtal om vården\n\n"
    "LENA: Vi behöver nära vård, sa hon. [skratt] Det är 1800-talet igen!\n\n"
    "Anders Borg (00:03:12): Nej, NÄRA vård är *viktigt* — ”det” sa jag 2021.\n"
    "[musik]\n\n"
    "LENA: vi-känsla, e-post och covid-19. Café, cafe och CAFÉ?\n";

static const char doc_vtt[] = "WEBVTT\n\n"
                              "00:00:01.000 --> 00:00:03.500\n"
                              "<v Maria Ek>Hello there, it’s me. Don't worry.\n\n"
                              "00:00:04.000 --> 00:00:06.000\n"
                              "<v Bo>Straße, STRASSE och ﬁsk: ½ × 3 = 1.5 €\n";

static const char doc_vrt[] = "<!-- #vrt positional-attributes: word pos lemma -->\n"
                              "<text id=\"t1\" title=\"Ett samtal\">\n"
                              "<u who=\"ANNA\" start=\"1.5\">\n<s>\n"
                              "Vi\tPN\tvi\nbehöver\tVB\tbehöva\nnära\tJJ\tnära\n"
                              "vård\tNN\tvård\n.\tMAD\t.\n</s>\n</u>\n"
                              "<u who=\"BO\">\n<s>\nVården\tNN\tvård\när\tVB\tvara\n</s>\n</u>\n"
                              "</text>\n";

static sm_corpus corpus;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    sm_error err;
    corpus_init(&corpus, NULL);
    if (corpus_add_bytes(&corpus, "a/samtal.txt", (const unsigned char *)doc_txt,
                         sizeof doc_txt - 1, &err) ||
        corpus_add_bytes(&corpus, "b/talk.vtt", (const unsigned char *)doc_vtt, sizeof doc_vtt - 1,
                         &err) ||
        corpus_add_bytes(&corpus, "c/korp.vrt", (const unsigned char *)doc_vrt, sizeof doc_vrt - 1,
                         &err) ||
        corpus_finish(&corpus, &err))
        abort(); /* the fixed corpus must load */
    return 0;
}

/* A field of the program: one of -1 .. n (n itself and -1 are out of range for most fields). */
static int field(const uint8_t **p, const uint8_t *end, int n) {
    if (*p >= end) return -1;
    return (int)(*(*p)++ % (unsigned)(n + 2)) - 1;
}

static int full_set(sm_set *s, uint32_t n) {
    if (set_init(s, n)) return -1;
    for (uint32_t i = 0; i < n; i++)
        set_add(s, i);
    return 0;
}

static void run_program(const sm_set *value_set, const uint8_t *p, const uint8_t *end,
                        int count_only) {
    sm_pattern pat;
    pattern_init(&pat);
    sm_set sets[6];
    memset(sets, 0, sizeof sets);
    uint32_t lemma = lex_find(&corpus.attr_names, "lemma", 5);
    int oom =
        set_init(&sets[0], value_set->n) || full_set(&sets[1], (uint32_t)corpus.forms.n) ||
        full_set(&sets[2], (uint32_t)corpus.turns.n) ||
        full_set(&sets[3], (uint32_t)corpus.events.n) ||
        full_set(&sets[4], lemma == LEX_NONE ? 0 : (uint32_t)corpus.attrs.v[lemma].values.n) ||
        full_set(&sets[5], (uint32_t)corpus.forms.n * 2 + 9);
    if (!oom) memcpy(sets[0].bits, value_set->bits, value_set->n / 8 + 1);
    for (int i = 0; i < 6; i++)
        if (oom || VEC_PUSH(pat.sets, sets[i])) {
            set_free(&sets[i]);
            oom = 1;
        }
    if (p >= end) { /* no program: one token of the value's set */
        sm_pred pr = {PRED_FORMS, 0, -1, -1};
        sm_state tok = {STATE_TOKEN, 0, 1, -1}, match = {STATE_MATCH, -1, -1, -1};
        oom = oom || VEC_PUSH(pat.preds, pr) || VEC_PUSH(pat.states, tok) ||
              VEC_PUSH(pat.states, match);
        pat.anchor = value_set->n == corpus.forms.n ? 0 : -1;
    } else {
        int npreds = field(&p, end, 7) + 1, nstates = field(&p, end, 11) + 1;
        for (int i = 0; i < npreds && !oom; i++) {
            sm_pred pr;
            pr.type = field(&p, end, 7);
            pr.set = field(&p, end, 6);
            pr.a = field(&p, end, i > 0 ? i : 2); /* an attribute id, or an earlier predicate */
            pr.b = field(&p, end, i);
            oom = VEC_PUSH(pat.preds, pr);
        }
        for (int i = 0; i < nstates && !oom; i++) {
            sm_state st;
            st.type = field(&p, end, 4);
            st.pred = field(&p, end, st.type == STATE_EVENT ? 6 : npreds);
            st.out = field(&p, end, nstates);
            st.out2 = field(&p, end, nstates);
            oom = VEC_PUSH(pat.states, st);
        }
        pat.start = field(&p, end, nstates);
        pat.anchor = field(&p, end, 6);
        pat.turns = field(&p, end, 6);
        pat.scope = field(&p, end, 2);
        int nanchors = field(&p, end, 3) + 1;
        for (int i = 0; i < nanchors && !oom; i++) {
            sm_anchor an;
            an.set = field(&p, end, 6); /* in this order: spec/fuzz_corpus_spec.lua reads them so */
            an.offset = (uint32_t)(field(&p, end, 4) + 1);
            oom = VEC_PUSH(pat.anchors, an);
        }
    }
    if (!oom) {
        uint32_t *starts = NULL, *lens = NULL;
        size_t n = 0;
        sm_error err;
        if (pattern_find(&corpus, &pat, count_only, &starts, &lens, &n, &err) == 0 && starts)
            for (size_t i = 0; i < n; i++) {
                uint32_t first, last;
                kwic_context(&corpus, starts[i], lens[i], 3, 3, (int)(i & 1), &first, &last);
            }
        free(starts);
        free(lens);
    }
    pattern_free(&pat);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const fields[] = {"speaker", "doc", "path", "title"};
    if (size < 1) return 0;
    int sel = data[0], how = sel & 3, flags = (sel >> 2) & 3, what = (sel >> 4) & 7;
    if (how == 3) how = LM_REGEX;
    const char *value = (const char *)data + 1;
    const uint8_t *nul = memchr(data + 1, 0, size - 1);
    size_t len = nul ? (size_t)(nul - data) - 1 : size - 1;
    const uint8_t *prog = nul ? nul + 1 : data + size;
    sm_set set = {NULL, 0};
    sm_error err;
    int rc;
    if (what <= 2) {
        rc = lexmatch_forms(&corpus, what, how, value, len, flags, &set, &err);
    } else if (what <= 4) {
        const char *f = fields[what == 3 ? 0 : 1 + len % 3];
        rc = lexmatch_turns(&corpus, f, how, value, len, flags, &set, &err);
    } else if (what == 5) {
        rc = lexmatch_events(&corpus, how, value, len, flags, &set, &err);
    } else {
        uint32_t attr =
            lex_find(&corpus.attr_names, what == 6 ? "lemma" : "pos", what == 6 ? 5 : 3);
        rc = attr == LEX_NONE ? -1
                              : lexmatch_attr(&corpus, attr, how, value, len, flags, &set, &err);
    }
    if (rc == 0) run_program(&set, prog, data + size, sel >> 7);
    set_free(&set);
    return 0;
}
