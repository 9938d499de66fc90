/* vtt.c: reading subtitles: WebVTT, and the cue reader it shares with SRT and SBV (srt.c).
 *
 * A subtitle file is a list of cues: an optional identifier (SRT: a number), a timing line
 * "00:01:02.500 --> 00:01:04.000" (SRT writes a comma; YouTube's SBV "0:01:02.500,0:01:04.000"),
 * then one or more lines of text. Cues cut speech every few seconds, so a turn is a run of cues
 * by one speaker, joined by spaces.
 *
 * Who speaks is said in one of three ways: a WebVTT voice span (<v Name>, <v.loud Name>); a
 * "Name:" at the start of a cue's text, carried over to later cues until another name starts a
 * cue (podcast hosts' SRT exports); or "- " at the start of a cue, a change to an unnamed speaker
 * (YouTube's transcripts). A "Word:" at the start of a cue's second line is no name: cue text is
 * hard-wrapped, so it is the middle of a sentence ("every Virtual / Coffee: we introduce").
 *
 * Like vrt.c, the reader builds a new text (the turns' cue texts, a turn per paragraph) with
 * markup, timings and labels left out, and an offset map and line table that point each piece
 * back to its place in the source, so quotes stay checkable. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layout.h"

/* A font colour (see colour_speakers): its value in the source; n == 0: no colour (white). */
typedef struct colour {
    size_t a, n;
} colour;

typedef struct cue_reader {
    const char *name;
    int kind; /* CUES_VTT, CUES_SRT or CUES_SBV */
    const sm_text *t;
    sm_layout lay;
    sm_buf syn; /* the new text */
    sm_offmap map;
    VEC(uint32_t) lines; /* per source line, where it starts in syn */
    uint32_t cur;        /* the open turn, or LAYOUT_NONE */
    uint32_t speaker;    /* its speaker */
    /* What the cue being read asks for, applied at its first character: a new turn (a voice or
     * a label that differs from the current speaker, or a dash), with this speaker. */
    int want_turn;
    uint32_t want_speaker;
    double cue_start, cue_end;
    int space; /* a space is due before the next character */
    /* Rolling captions (YouTube's automatic ones, with <00:00:01.000><c> word timings): each cue
     * repeats the line before as its first line. rolling is set for such a file, and last_line
     * holds the words of the last line read (tags, ">>" and "-" left out), a repeat of which is
     * left out. */
    int rolling;
    sm_buf last_line, line_words;
    /* Set where most cues start with "Name: " and some names are no names by label_len's shape
     * (Zoom writes every cue so, with display names as people type them: "john smith:",
     * "Anna's iPhone:", "Maria Lopez (she/her):"): then loose_label_len reads them. */
    int loose;
    /* Set where 80 % of the cues or more have two lines or more, the first a name alone, and a
     * name comes back within three cues (Teams' older transcripts: "0:0:0.0 --> 0:0:3.450" /
     * "Anna Berg" / "Hej allihop."): that line is the cue's speaker. */
    int name_lines;
    /* Set where speakers are told apart by font colour (colour_speakers): a line that starts in
     * another colour than the text line read before it (last_colour, once has_colour) starts a
     * turn without speaker. */
    int colours, has_colour;
    colour last_colour;
} cue_reader;

static int ends_with(const char *name, const char *ext) {
    size_t n = strlen(name), l = strlen(ext);
    return n > l && strcmp(name + n - l, ext) == 0;
}

int layout_is_vtt(const char *name, const sm_text *t) {
    if (ends_with(name, ".vtt")) return 1;
    return t->len >= 6 && memcmp(t->s, "WEBVTT", 6) == 0 &&
           (t->len == 6 || strchr(" \t\n", t->s[6]) != NULL);
}

/* Line i (0-based) of t as [*a, *z), the line end and trailing blanks left out. */
static void line_range(const sm_text *t, size_t i, size_t *a, size_t *z) {
    *a = t->lines[i];
    *z = i + 1 < t->nlines ? t->lines[i + 1] - 1 : t->len;
    while (*z > *a && (t->s[*z - 1] == ' ' || t->s[*z - 1] == '\t'))
        (*z)--;
}

static int is_blank_line(const sm_text *t, size_t i) {
    size_t a, z;
    line_range(t, i, &a, &z);
    return strspn(t->s + a, " \t") >= z - a;
}

static int has_arrow(const char *s, size_t n) {
    for (size_t k = 0; k + 3 <= n; k++)
        if (memcmp(s + k, "-->", 3) == 0) return 1;
    return 0;
}

static int all_digits(const char *s, size_t n) {
    if (n == 0) return 0;
    for (size_t k = 0; k < n; k++)
        if (s[k] < '0' || s[k] > '9') return 0;
    return 1;
}

/* Reads a timestamp at s[*p..n): [hh:]mm:ss[.ttt] (a comma for the dot too, as SRT has it).
 * Returns 1 and moves *p past it, or 0. */
static int parse_time(const char *s, size_t n, size_t *p, double *secs) {
    double part[3];
    int nparts = 0;
    size_t q = *p, first_digits = 0;
    for (;;) {
        size_t d = q;
        double v = 0;
        while (q < n && s[q] >= '0' && s[q] <= '9' && q - d < 9)
            v = v * 10 + (s[q++] - '0');
        if (q == d || nparts == 3) return 0;
        /* minutes and seconds: two digits, or one after a first part of one ("0:0:3.450", as
         * Teams' older transcripts write them; "00:00:0" is cut off) */
        if (nparts > 0 && (q - d > 2 || (q - d == 1 && first_digits > 1))) return 0;
        if (nparts == 0) first_digits = q - d;
        part[nparts++] = v;
        if (q < n && s[q] == ':') {
            q++;
            continue;
        }
        break;
    }
    if (nparts < 2) return 0;
    double t = 0;
    for (int k = 0; k < nparts; k++)
        t = t * 60 + part[k];
    if (q < n && (s[q] == '.' || s[q] == ',')) {
        size_t d = ++q;
        double frac = 0, scale = 1;
        while (q < n && s[q] >= '0' && s[q] <= '9' && q - d < 9) {
            frac = frac * 10 + (s[q++] - '0');
            scale *= 10;
        }
        if (q == d) return 0;
        t += frac / scale; /* 14 + 640/1000.0 is the double nearest 14.64 */
    }
    *p = q;
    *secs = t;
    return 1;
}

/* An SBV timing line: start "," end and nothing else ("0:00:01.000,0:00:04.000"). Both times
 * carry their fraction, so "1:02,3:04" in a line of text is none. */
static int parse_sbv_timing(const char *s, size_t n, double *start, double *end) {
    size_t p = 0;
    while (p < n && (s[p] == ' ' || s[p] == '\t'))
        p++;
    size_t a = p;
    if (!parse_time(s, n, &p, start) || !memchr(s + a, '.', p - a) || p >= n || s[p] != ',')
        return 0;
    a = ++p;
    if (!parse_time(s, n, &p, end) || !memchr(s + a, '.', p - a)) return 0;
    while (p < n && (s[p] == ' ' || s[p] == '\t'))
        p++;
    return p == n;
}

int layout_sbv_timing(const char *s, size_t n) {
    double a, b;
    return parse_sbv_timing(s, n, &a, &b);
}

/* Whether s[0..n) is taken for a timing line: one with an arrow (its times are checked when the
 * cue is read, so a damaged one is reported), or SBV's. */
static int is_timing(const char *s, size_t n, int kind) {
    return kind == CUES_SBV ? layout_sbv_timing(s, n) : has_arrow(s, n);
}

/* A timing line: start "-->" end, then cue settings (ignored); SBV's as parse_sbv_timing reads
 * it. */
static int parse_timing(const char *s, size_t n, int kind, double *start, double *end) {
    if (kind == CUES_SBV) return parse_sbv_timing(s, n, start, end);
    size_t p = strspn(s, " \t");
    if (!parse_time(s, n, &p, start)) return 0;
    while (p < n && (s[p] == ' ' || s[p] == '\t'))
        p++;
    if (p + 3 > n || memcmp(s + p, "-->", 3) != 0) return 0;
    p += 3;
    while (p < n && (s[p] == ' ' || s[p] == '\t'))
        p++;
    return parse_time(s, n, &p, end) && (p == n || s[p] == ' ' || s[p] == '\t');
}

/* The length of a "Name: " label at the start of s[0..n) (the name is s[*name_off..*name_len)),
 * or 0. A name is one to four words, each starting with a capital (or a digit, "Speaker 2"), of
 * letters, digits and .'-_ only; the colon is followed by a space or the end of the line, so
 * times and URLs are no names. The name may stand in square brackets, as whisperX writes
 * speakers: "[SPEAKER_00]: text". */
static size_t label_len(const char *s, size_t n, size_t *name_off, size_t *name_len) {
    size_t p = 0;
    int words = 0, bracket = n > 0 && s[0] == '[';
    *name_off = bracket ? 1 : 0;
    if (bracket) p = 1;
    while (p < n && p < 48) {
        unsigned char c = (unsigned char)s[p];
        if (c >= 'a' && c <= 'z') return 0; /* a word must start with a capital */
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80)) return 0;
        if (++words > 4) return 0;
        while (p < n && ((s[p] >= 'A' && s[p] <= 'Z') || (s[p] >= 'a' && s[p] <= 'z') ||
                         (s[p] >= '0' && s[p] <= '9') || (unsigned char)s[p] >= 0x80 ||
                         s[p] == '.' || s[p] == '\'' || s[p] == '-' || s[p] == '_'))
            p++;
        if (bracket && p + 1 < n && s[p] == ']' && s[p + 1] == ':') {
            if (p + 2 < n && s[p + 2] != ' ' && s[p + 2] != '\t') return 0;
            *name_len = p;
            p += 2;
            while (p < n && (s[p] == ' ' || s[p] == '\t'))
                p++;
            return p;
        }
        if (!bracket && p < n && s[p] == ':') {
            if (p + 1 < n && s[p + 1] == '<') { /* "<b>MARY:</b> text": the tag follows */
                *name_len = p;
                return p + 1;
            }
            if (p + 1 < n && s[p + 1] != ' ' && s[p + 1] != '\t') return 0;
            *name_len = p;
            p++;
            while (p < n && (s[p] == ' ' || s[p] == '\t'))
                p++;
            return p;
        }
        if (p >= n || s[p] != ' ') return 0;
        p++;
    }
    return 0;
}

/* The length of a "Name: " label as loose_label_len reads it where every cue carries one, or 0:
 * up to the first colon within 48 bytes that a space or the line's end follows, one to six words,
 * none of ?!,;" in them, not starting with a tag, a bracket, a dash or ">>". The name is
 * s[0..*name_len). */
static size_t loose_label_len(const char *s, size_t n, size_t *name_len) {
    if (n == 0 || strchr("<[(->&", s[0]) || s[0] == ' ') return 0;
    size_t words = 1;
    for (size_t p = 0; p < n && p < 48; p++) {
        char c = s[p];
        if (c == ':') {
            if (p == 0 || (p + 1 < n && s[p + 1] != ' ' && s[p + 1] != '\t') || s[p - 1] == ' ')
                return 0;
            *name_len = p;
            p++;
            while (p < n && (s[p] == ' ' || s[p] == '\t'))
                p++;
            return p;
        }
        if (strchr("?!,;\"", c)) return 0;
        if (c == ' ' && ++words > 6) return 0;
    }
    return 0;
}

/* A subtitler's credit line in s[a..z): "Översättning: Anna Svensson", "Subtitles by ...", or a
 * no sentence (at most six words, no . ? ! at its end). No one's speech: an event. */
static int credit_line(const char *s, size_t a, size_t z) {
    static const char *const keys[] = {
        "Översättning:", "Textning:",   "Undertexter:", "Text:",         "Subtitles:",
        "Subtitles by",  "Captions by", "Translation:", "Translated by", "Untertitel:"};
    size_t words = 1;
    for (size_t p = a; p < z; p++)
        words += s[p] == ' ';
    if (words > 6 || (z > a && strchr(".?!", s[z - 1]))) return 0; /* a sentence is speech */
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        size_t n = strlen(keys[k]);
        if (z - a > n && memcmp(s + a, keys[k], n) == 0 && s[a + n] == ' ') return 1;
    }
    return 0;
}

/* A web address alone on the line s[a..z) ("www.sdimedia.com"): a credit after a credit line. */
static int address_line(const char *s, size_t a, size_t z) {
    return z - a >= 4 && (memcmp(s + a, "www.", 4) == 0 || memcmp(s + a, "http", 4) == 0) &&
           !memchr(s + a, ' ', z - a);
}

/* Whether s[a..z) is a name alone: one to four words, each starting with a capital or a digit
 * (or a non-ASCII letter), of letters, digits and .'-_ only, single spaces between. */
static int name_line(const char *s, size_t a, size_t z) {
    int words = 0;
    size_t p = a;
    while (p < z) {
        unsigned char c = (unsigned char)s[p];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80)) return 0;
        if (++words > 4) return 0;
        while (p < z && s[p] != ' ') {
            c = (unsigned char)s[p];
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c >= 0x80 || strchr(".'-_", c)))
                return 0;
            p++;
        }
        if (p < z && (p + 1 >= z || s[p + 1] == ' ')) return 0;
        if (p < z) p++;
    }
    return words > 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Broadcast subtitles (SVT's, and many others') mark a change of speaker by a change of font
 * colour: one speaker white (no colour), the next yellow, then cyan... A colour is a value of a
 * <font color=...> tag or a WebVTT colour class (<c.yellow>), kept as a range of the source
 * (white written out counts as no colour);
 * only the colour a line starts in counts, so a word set in colour inside a line splits nothing. */

static int same_colour(const char *s, colour x, colour y) {
    return x.n == y.n && (x.n == 0 || strncasecmp(s + x.a, s + y.a, x.n) == 0);
}

/* Whether the tag s[p..q] ('<' .. '>') is WebVTT's class span of one of its colours
 * (<c.yellow>, <c.cyan.bg_black>, as the BBC and others write speakers' colours); *c the colour's
 * name. */
static int class_colour(const char *s, size_t p, size_t q, colour *c) {
    static const char *const names[] = {"white",  "lime",    "cyan", "red",
                                        "yellow", "magenta", "blue", "black"};
    if (q - p < 4 || s[p + 1] != 'c' || s[p + 2] != '.') return 0;
    for (size_t k = p + 3; k < q;) {
        size_t e = k;
        while (e < q && s[e] != '.' && s[e] != ' ' && s[e] != '\t')
            e++;
        for (size_t w = 0; w < sizeof names / sizeof *names; w++)
            if (e - k == strlen(names[w]) && strncasecmp(s + k, names[w], e - k) == 0) {
                c->a = k;
                c->n = w == 0 ? 0 : e - k; /* white: no colour */
                return 1;
            }
        if (e >= q || s[e] != '.') return 0;
        k = e + 1;
    }
    return 0;
}

/* Whether the tag s[p..q] ('<' .. '>') is a <font> tag with a color attribute, or a WebVTT
 * colour class; *c its value. */
static int font_colour(const char *s, size_t p, size_t q, colour *c) {
    if (class_colour(s, p, q, c)) return 1;
    if (q - p < 6 || strncasecmp(s + p, "<font", 5) != 0 || !strchr(" \t", s[p + 5])) return 0;
    for (size_t k = p + 5; k + 6 <= q; k++) {
        if (strncasecmp(s + k, "color", 5) != 0 || !strchr(" \t", s[k - 1])) continue;
        size_t v = k + 5;
        while (v < q && (s[v] == ' ' || s[v] == '\t'))
            v++;
        if (v >= q || s[v] != '=') continue;
        v++;
        while (v < q && (s[v] == ' ' || s[v] == '\t'))
            v++;
        char quote = v < q && (s[v] == '"' || s[v] == '\'') ? s[v++] : 0;
        size_t e = v;
        while (e < q && (quote ? s[e] != quote : !strchr(" \t/", s[e])))
            e++;
        c->a = v;
        c->n = e - v;
        static const char *const white[] = {"#ffffff", "#fff", "white"};
        for (size_t w = 0; w < sizeof white / sizeof *white; w++)
            if (c->n == strlen(white[w]) && strncasecmp(s + v, white[w], c->n) == 0) c->n = 0;
        return 1;
    }
    return 0;
}

/* The colour the line s[a..z) starts in: that of a <font color> among its leading tags, or else
 * `open`, the one a line before it in the cue left open. *open becomes the colour still open
 * at the line's end (none after a </font>). */
static colour line_colour(const char *s, size_t a, size_t z, colour *open) {
    colour c = *open, f;
    int leading = 1, found = 0;
    for (size_t p = a + strspn(s + a, " \t"); p < z; p++) {
        const char *gt = s[p] == '<' ? memchr(s + p, '>', z - p) : NULL;
        if (!gt) {
            leading &= s[p] == ' ' || s[p] == '\t';
            continue;
        }
        size_t q = (size_t)(gt - s);
        if (font_colour(s, p, q, &f)) {
            if (leading && !found) c = f, found = 1;
            *open = f;
        } else if ((q - p >= 6 && strncasecmp(s + p, "</font", 6) == 0) ||
                   (q - p == 3 && memcmp(s + p, "</c>", 4) == 0)) {
            open->n = 0;
        }
        p = q;
    }
    return c;
}

/* Whether the file marks its speakers by colour: two colours or more (no colour one of them)
 * each start two of its cues' text lines or more. */
static int colour_speakers(const sm_text *t, int kind) {
    const char *s = t->s;
    if (!memchr(s, '<', t->len)) return 0;
    colour seen[8];
    size_t count[8] = {0}, nseen = 0, any_font = 0;
    colour open = {0, 0};
    int in_cue = 0;
    for (size_t i = 0; i < t->nlines; i++) {
        size_t a, z;
        line_range(t, i, &a, &z);
        if (strspn(s + a, " \t") >= z - a) {
            in_cue = 0;
            continue;
        }
        if (is_timing(s + a, z - a, kind)) {
            in_cue = 1;
            open.n = 0;
            continue;
        }
        if (!in_cue) continue;
        colour c = line_colour(s, a, z, &open);
        any_font += c.n > 0;
        size_t k = 0;
        while (k < nseen && !same_colour(s, seen[k], c))
            k++;
        if (k == nseen && nseen < 8) seen[nseen] = c, count[nseen++] = 0;
        if (k < nseen) count[k]++;
    }
    size_t twice = 0;
    for (size_t k = 0; k < nseen; k++)
        twice += count[k] >= 2;
    return any_font && twice >= 2;
}

/* The end of s[a..z) without the closing tags at its end ("Textning: Bo Ek</i>"). */
static size_t before_closing_tags(const char *s, size_t a, size_t z) {
    while (z > a && s[z - 1] == '>') {
        const char *lt = NULL;
        for (size_t k = z - 1; k > a && !lt; k--)
            if (s[k - 1] == '<') lt = s + k - 1;
        if (!lt || lt[1] != '/') break;
        z = (size_t)(lt - s);
    }
    return z;
}

/* A short name alone on the line s[a..z) after a credit line, in the same cue ("Svensk
 * Medietext", "Broadcast Text International": the subtitling company): one to four words as
 * name_line reads them, the first starting with a letter, no sentence (no . ? ! at its end). */
static int credit_name_line(const char *s, size_t a, size_t z) {
    z = before_closing_tags(s, a, z);
    if (z <= a || strchr(".?!", s[z - 1]) || (s[a] >= '0' && s[a] <= '9')) return 0;
    return name_line(s, a, z);
}

/* Gives source lines up to line i (0-based) their start in the new text. */
static int sync_lines(cue_reader *r, size_t i) {
    while (r->lines.n <= i)
        if (VEC_PUSH(r->lines, (uint32_t)r->syn.n)) return -1;
    return 0;
}

static int open_turn(cue_reader *r) {
    if (r->syn.n && buf_append(&r->syn, "\n\n", 2)) return -1;
    uint32_t who = r->want_turn ? r->want_speaker : LAYOUT_NONE;
    sm_rawturn turn = {who, (uint32_t)r->lay.segs.n, 1, (uint32_t)r->syn.n, r->cue_start};
    sm_segment seg = {(uint32_t)r->syn.n, (uint32_t)r->syn.n, SEP_NONE};
    if (VEC_PUSH(r->lay.turns, turn) || VEC_PUSH(r->lay.stops, r->cue_end) ||
        VEC_PUSH(r->lay.segs, seg))
        return -1;
    r->cur = (uint32_t)r->lay.turns.n - 1;
    r->speaker = who;
    r->want_turn = 0;
    r->space = 0;
    return 0;
}

/* Appends character c (source text t->s[a..z) on line `line`), opening a turn if one is due. */
static int emit(cue_reader *r, char c, size_t a, size_t z, size_t line) {
    if (r->want_turn || r->cur == LAYOUT_NONE) {
        if (open_turn(r)) return -1;
    } else if (r->space && buf_putc(&r->syn, ' ')) {
        return -1;
    }
    r->space = 0;
    if (sync_lines(r, line) || text_map_point(&r->map, r->syn.n, text_source_offset(r->t, a)) ||
        buf_putc(&r->syn, c) || text_map_point(&r->map, r->syn.n, text_source_offset(r->t, z)))
        return -1;
    r->lay.segs.v[r->lay.segs.n - 1].end = (uint32_t)r->syn.n;
    r->lay.stops.v[r->cur] = r->cue_end; /* a turn stops where the last cue with its text does */
    return 0;
}

/* The speaker a cue without a voice or label would be given. */
static uint32_t current_speaker(const cue_reader *r) {
    if (r->want_turn) return r->want_speaker;
    return r->cur == LAYOUT_NONE ? LAYOUT_NONE : r->speaker;
}

/* A speaker named s[0..n) starts here: a new turn unless it is the current one. */
static int set_speaker(cue_reader *r, const char *s, size_t n) {
    uint32_t now = current_speaker(r);
    if (now != LAYOUT_NONE && strlen(r->lay.names.s + now) == n &&
        memcmp(r->lay.names.s + now, s, n) == 0 && (r->want_turn || r->cur != LAYOUT_NONE))
        return 0;
    uint32_t who = layout_name(&r->lay, s, n);
    if (who == LAYOUT_NONE) return -1;
    r->want_turn = 1;
    r->want_speaker = who;
    return 0;
}

static int has_voice(const char *s, size_t n) {
    for (size_t k = 0; k + 2 < n; k++)
        if (s[k] == '<' && s[k + 1] == 'v' && strchr(" \t.>", s[k + 2])) return 1;
    return 0;
}

/* Whether the cue line s[p..end) holds nothing but event marks, once its tags are left out (a
 * "<v Bo>(applåder)" line): then round brackets make an event too (layout_event_end). */
static int marks_only(const char *s, size_t p, size_t end) {
    int any = 0;
    while (p < end) {
        const char *close = s[p] == '<' ? memchr(s + p, '>', end - p) : NULL;
        if (close || s[p] == ' ' || s[p] == '\t') {
            p = close ? (size_t)(close - s) + 1 : p + 1;
            continue;
        }
        size_t e = layout_event_end(s, p, end, 1);
        if (!e) return 0;
        any = 1;
        p = e;
    }
    return any;
}

/* Reads the text lines first..last (0-based) of a cue; `fresh` is 0 for text that merely
 * continues the cue before it, where no label or dash is looked for. */
/* The words of s[a..z) for comparing caption lines: tags, a leading ">>" or "-", and runs of
 * white space (as one space) left out, into *out. */
static int line_words(const char *s, size_t a, size_t z, sm_buf *out) {
    out->n = 0;
    if (buf_append(out, "", 0)) return -1;
    while (a < z && (s[a] == ' ' || s[a] == '\t' || s[a] == '>' || s[a] == '-'))
        a++;
    int space = 0;
    for (size_t p = a; p < z; p++) {
        if (s[p] == '<') {
            const char *close = memchr(s + p, '>', z - p);
            if (close) {
                p = (size_t)(close - s);
                continue;
            }
        }
        if (s[p] == ' ' || s[p] == '\t') {
            space = out->n > 0;
            continue;
        }
        if ((space && buf_putc(out, ' ')) || buf_putc(out, s[p])) return -1;
        space = 0;
    }
    return 0;
}

static int cue_text(cue_reader *r, size_t first, size_t last, int fresh) {
    static const struct {
        const char *name;
        char c;
    } ents[] = {{"&amp;", '&'},  {"&lt;", '<'},    {"&gt;", '>'},
                {"&quot;", '"'}, {"&apos;", '\''}, {"&nbsp;", ' '}};
    const char *s = r->t->s;
    size_t all_a, all_z, a, z;
    line_range(r->t, first, &all_a, &z);
    line_range(r->t, last, &a, &all_z);
    int voiced = has_voice(s + all_a, all_z - all_a);
    int at_start = fresh;
    char prev = 0;        /* the last character of the cue's text so far */
    int after_credit = 0; /* the line before was a credit: a web address alone is one too */
    colour open = {0, 0}; /* the font colour a line of the cue left open */
    r->want_turn = 0;
    for (size_t i = first; i <= last; i++) {
        line_range(r->t, i, &a, &z);
        size_t p = a;
        size_t lead = a; /* where the line's text starts, past tags ("<i>- Ja, här!</i>") */
        while (lead < z && s[lead] == '<') {
            const char *gt = memchr(s + lead, '>', z - lead);
            if (!gt) break;
            lead = (size_t)(gt - s) + 1;
        }
        int entity_chevrons = z - lead >= 8 && memcmp(s + lead, "&gt;&gt;", 8) == 0;
        if (at_start && !voiced && r->name_lines && i < last && name_line(s, a, z)) {
            if (set_speaker(r, s + a, z - a)) return -1; /* "Anna Berg" over the cue's text */
            continue; /* the next line is the cue's first text: at_start stays */
        }
        int credit = lead < z &&
                     (credit_line(s, lead, z) ||
                      (after_credit && (address_line(s, lead, z) || credit_name_line(s, lead, z))));
        after_credit = credit;
        if (credit) { /* the whole line an event, but for the closing tags at its end */
            size_t ze = before_closing_tags(s, lead, z);
            if (emit(r, s[lead], lead, lead + 1, i)) return -1;
            sm_rawevent ev = {(uint32_t)r->syn.n - 1, 0, r->cur};
            for (size_t k = lead + 1; k < ze; k++)
                if (emit(r, s[k], k, k + 1, i)) return -1;
            ev.end = (uint32_t)r->syn.n;
            if (VEC_PUSH(r->lay.events, ev)) return -1;
            r->space = 1;
            at_start = 0;
            continue;
        }
        if (r->rolling) { /* a rolling caption's repeat of the line before: left out */
            if (line_words(s, a, z, &r->line_words)) return -1;
            if (r->line_words.n == 0) continue;
            if (r->line_words.n == r->last_line.n &&
                memcmp(r->line_words.s, r->last_line.s, r->line_words.n) == 0)
                continue;
            if (buf_append(&r->last_line, "", 0)) return -1;
            r->last_line.n = 0;
            if (buf_append(&r->last_line, r->line_words.s, r->line_words.n)) return -1;
        }
        if (r->colours) { /* a line in another colour than the one before: another speaker */
            colour c = line_colour(s, a, z, &open);
            if (!voiced && r->has_colour && !same_colour(s, c, r->last_colour)) {
                r->want_turn = 1;
                r->want_speaker = LAYOUT_NONE;
            }
            r->last_colour = c;
            r->has_colour = 1;
        }
        size_t name_off = 0, name_len = 0;
        size_t lab = at_start && !voiced ? label_len(s + a, z - a, &name_off, &name_len) : 0;
        if (!lab && at_start && !voiced && r->loose) lab = loose_label_len(s + a, z - a, &name_len);
        int parens = marks_only(s, a + lab, z); /* after a "Name:" label, as in plain text */
        int after_chevrons = 0;                 /* ">> ANNA: text": a label may follow the mark */
        while (p < z) {
            char c = s[p];
            const char *close = c == '<' ? memchr(s + p, '>', z - p) : NULL;
            if (c == '{' && p + 1 < z && s[p + 1] == '\\') close = memchr(s + p, '}', z - p);
            if (close) { /* a tag: a voice names the speaker, the rest is markup */
                size_t q = (size_t)(close - s);
                if (c == '<' && s[p + 1] == 'v' && strchr(" \t.>", s[p + 2])) {
                    size_t v = p + 2;
                    while (v < q && s[v] != ' ' && s[v] != '\t')
                        v++;
                    while (v < q && (s[v] == ' ' || s[v] == '\t'))
                        v++;
                    size_t e = q;
                    while (e > v && (s[e - 1] == ' ' || s[e - 1] == '\t'))
                        e--;
                    if (e > v && set_speaker(r, s + v, e - v)) return -1;
                }
                p = q + 1;
                continue;
            }
            if (c == ' ' || c == '\t') {
                r->space = 1;
                p++;
                continue;
            }
            /* "- " starts what someone else says: at the start of a cue, or after the end of a
             * sentence ("show. - Yeah, thank you."); so does ">>" (the closed-caption mark, which
             * YouTube's transcripts switch to halfway). In a voiced cue the mark is dropped. */
            /* the dash as Swedish and other subtitles often write it: "– " (U+2013) or "— " */
            size_t dash_len =
                c == '-' ? 1
                : z - p >= 3 && (unsigned char)c == 0xE2 && (unsigned char)s[p + 1] == 0x80 &&
                        ((unsigned char)s[p + 2] == 0x93 || (unsigned char)s[p + 2] == 0x94)
                    ? 3
                    : 0;
            int dash = dash_len && (p + dash_len == z || s[p + dash_len] == ' ') &&
                       (at_start || ((p == lead || s[p - 1] == ' ') && prev &&
                                     strchr(".?!-\"')]", prev))); /* "(SKRATTAR)" / "- Ja" */
            int chevrons =
                (c == '>' && p + 1 < z && s[p + 1] == '>' &&
                 (at_start || p == lead || s[p - 1] == ' ')) ||
                (entity_chevrons && p == lead); /* "&gt;&gt;" as YouTube's WebVTT writes it */
            if (dash || chevrons) {
                if (!voiced) {
                    r->want_turn = 1;
                    r->want_speaker = LAYOUT_NONE;
                } else if (!at_start) {
                    dash = chevrons = 0; /* inside a voice span: plain text */
                }
            }
            if (dash || chevrons) {
                p += chevrons ? (c == '&' ? 8 : 2) : dash_len;
                at_start = 0;
                after_chevrons = chevrons;
                prev = 0;
                continue;
            }
            if ((at_start || after_chevrons) && !voiced) { /* "[SPEAKER_00]: text" is a label */
                size_t no = 0, nl = 0, l = label_len(s + p, z - p, &no, &nl);
                if (!l && r->loose && at_start) l = loose_label_len(s + p, z - p, &nl);
                after_chevrons = 0;
                if (l) {
                    if (set_speaker(r, s + p + no, nl - no)) return -1;
                    p += l;
                    at_start = 0;
                    continue;
                }
            }
            /* "[Music]", "(applåder)": an event, as in plain text; its text stays in the turn,
             * where the tokenizer leaves it out of the words */
            size_t ev_end = c == '[' || c == '(' ? layout_event_end(s, p, z, parens) : 0;
            if (ev_end) {
                if (emit(r, c, p, p + 1, i)) return -1;
                sm_rawevent ev = {(uint32_t)r->syn.n - 1, 0, r->cur};
                for (size_t k = p + 1; k < ev_end; k++)
                    if (emit(r, s[k], k, k + 1, i)) return -1;
                ev.end = (uint32_t)r->syn.n;
                if (VEC_PUSH(r->lay.events, ev)) return -1;
                at_start = 0;
                prev = s[ev_end - 1];
                p = ev_end;
                continue;
            }
            at_start = 0;
            if (c == '&' && p + 3 < z && s[p + 1] == '#') { /* "&#39;": a character reference */
                size_t q = p + 2;
                unsigned v = 0;
                while (q < z && q - p < 7 && s[q] >= '0' && s[q] <= '9')
                    v = v * 10 + (unsigned)(s[q++] - '0');
                if (q < z && s[q] == ';' && q > p + 2 && v >= 32 && v < 127) {
                    if (emit(r, (char)v, p, q + 1, i)) return -1;
                    prev = (char)v;
                    p = q + 1;
                    continue;
                }
            }
            size_t k = 0, el = 0;
            if (c == '&')
                for (; k < sizeof ents / sizeof ents[0]; k++) {
                    el = strlen(ents[k].name);
                    if (p + el <= z && memcmp(s + p, ents[k].name, el) == 0) break;
                }
            if (c == '&' && k < sizeof ents / sizeof ents[0]) {
                if (ents[k].c == ' ')
                    r->space = 1;
                else if (emit(r, ents[k].c, p, p + el, i))
                    return -1;
                p += el;
                continue;
            }
            if (emit(r, c, p, p + 1, i)) return -1;
            prev = c;
            p++;
        }
        r->space = 1; /* a wrapped line goes on after a space */
        at_start = 0; /* and a "Word:" starting it is no label */
    }
    return 0;
}

/* What the cues' first lines tell of the whole file, before it is read: r->loose where 60 % of
 * the cues or more start with a label and some of those only loose_label_len reads; and
 * r->rolling where half the cues or more (four at least) start with the line the cue before
 * ended with (YouTube's rolling captions converted to SRT, or without their word timings). */
static void prescan_cues(cue_reader *r) {
    const sm_text *t = r->t;
    const char *s = t->s;
    size_t cues = 0, strict = 0, loose = 0, repeats = 0, last_a = 0, last_z = 0, named = 0;
    size_t name_a[2] = {0, 0}, name_z[2] = {0, 0}, names_again = 0; /* the last two names */
    size_t numbered = 0;
    for (size_t i = 0; i + 1 < t->nlines; i++) {
        size_t a, z;
        line_range(t, i, &a, &z);
        if (!is_timing(s + a, z - a, r->kind) || is_blank_line(t, i + 1)) continue;
        size_t fa, fz, no, nl;
        line_range(t, i + 1, &fa, &fz);
        cues++;
        if (i > 0) { /* a cue number before the timing line */
            size_t na, nz;
            line_range(t, i - 1, &na, &nz);
            numbered += all_digits(s + na, nz - na);
        }
        if (label_len(s + fa, fz - fa, &no, &nl))
            strict++;
        else if (loose_label_len(s + fa, fz - fa, &nl))
            loose++;
        if (last_z > last_a && fz - fa == last_z - last_a &&
            memcmp(s + fa, s + last_a, fz - fa) == 0)
            repeats++;
        size_t k = i + 1; /* the cue's last text line */
        while (k + 1 < t->nlines && !is_blank_line(t, k + 1))
            k++;
        if (k > i + 1 && name_line(s, fa, fz)) { /* a name over the cue's text */
            named++;
            for (int m = 0; m < 2; m++)
                names_again +=
                    name_z[m] - name_a[m] == fz - fa && memcmp(s + name_a[m], s + fa, fz - fa) == 0;
            name_a[1] = name_a[0], name_z[1] = name_z[0];
            name_a[0] = fa, name_z[0] = fz;
        }
        line_range(t, k, &last_a, &last_z);
        i = k;
    }
    /* every cue (nine in ten, five cues at least) starts with a label: "WOMAN (O.S.):" in a
     * film's subtitles is no such file */
    r->loose = cues >= 5 && loose > 0 && (strict + loose) * 10 >= cues * 9;
    /* a name comes back, and the cues have no numbers (a film's numbered subtitles whose lines
     * start "Mr Bond" are no transcript) */
    r->name_lines = cues >= 2 && !numbered && names_again && named * 10 >= cues * 8;
    if (cues >= 4 && repeats * 2 >= cues) r->rolling = 1;
}

int layout_cues(const char *name, sm_text *t, int kind, sm_layout *out, sm_error *err) {
    cue_reader r;
    memset(&r, 0, sizeof r);
    r.name = name;
    r.t = t;
    r.kind = kind;
    r.cur = r.speaker = r.want_speaker = LAYOUT_NONE;
    const char *s = t->s;
    for (const char *g = s;
         kind == CUES_VTT && (g = memchr(g, '>', t->len - (size_t)(g - s))) != NULL; g++)
        if (t->len - (size_t)(g - s) >= 4 && memcmp(g, "><c>", 4) == 0) { /* <00:01.000><c> */
            r.rolling = 1;
            break;
        }
    prescan_cues(&r);
    r.colours = colour_speakers(t, kind);
    static const char *const examples[] = {"00:01:02.500 --> 00:01:04.000",
                                           "00:01:02,500 --> 00:01:04,000",
                                           "0:01:02.500,0:01:04.000"};
    static const char *const formats[] = {"WebVTT", "SRT", "SBV"};
    const char *example = examples[kind], *format = formats[kind];
    size_t i = 0, bad = 0;
    int cues = 0;
    if (text_map_point(&r.map, 0, text_source_offset(t, 0))) goto oom;
    if (kind == CUES_VTT && t->len >= 6 && memcmp(s, "WEBVTT", 6) == 0) {
        /* "WEBVTT - Episode 12": the text after WEBVTT (and a dash) is the title */
        size_t a, z;
        line_range(t, 0, &a, &z);
        a += 6;
        int titled = a < z && (s[a] == ' ' || s[a] == '\t'); /* not "WEBVTTX" */
        if (titled) {
            a += strspn(s + a, " \t");
            if (a < z && s[a] == '-') a += 1 + strspn(s + a + 1, " \t");
            while (z > a && (s[z - 1] == ' ' || s[z - 1] == '\t'))
                z--;
        }
        if (titled && a < z) {
            if (sync_lines(&r, 0) || text_map_point(&r.map, 0, text_source_offset(t, a)) ||
                buf_append(&r.syn, s + a, z - a) ||
                text_map_point(&r.map, r.syn.n, text_source_offset(t, z)))
                goto oom;
            r.lay.title_start = r.lay.preamble_start = 0;
            r.lay.title_end = r.lay.preamble_end = (uint32_t)r.syn.n;
        }
        while (i < t->nlines && !is_blank_line(t, i)) /* the header block */
            i++;
    }
    while (i < t->nlines) {
        if (is_blank_line(t, i)) {
            i++;
            continue;
        }
        size_t j = i, a, z, a2 = 0, z2 = 0;
        while (j < t->nlines && !is_blank_line(t, j))
            j++;
        line_range(t, i, &a, &z);
        a += strspn(s + a, " \t");
        if (i + 1 < j) line_range(t, i + 1, &a2, &z2);
        if (kind == CUES_VTT) {
            static const char *const skipped[] = {"NOTE", "STYLE", "REGION"};
            int skip = 0;
            for (size_t k = 0; k < 3; k++) {
                size_t l = strlen(skipped[k]);
                skip |= z - a >= l && memcmp(s + a, skipped[k], l) == 0 &&
                        (z - a == l || s[a + l] == ' ' || s[a + l] == '\t');
            }
            if (skip) {
                i = j;
                continue;
            }
        }
        size_t timing = is_timing(s + a, z - a, kind)                   ? i
                        : i + 1 < j && is_timing(s + a2, z2 - a2, kind) ? i + 1
                                                                        : SIZE_MAX;
        if (timing == SIZE_MAX) {
            /* No timing line: a damaged cue, or (no number and no time in sight) text of the
             * cue before that a blank line cut off. */
            int timeish = z > a && s[a] >= '0' && s[a] <= '9' && memchr(s + a, ':', z - a);
            int timeish2 = i + 1 < j && z2 > a2 && s[a2] >= '0' && s[a2] <= '9' &&
                           memchr(s + a2, ':', z2 - a2);
            int broken = 1;
            if (all_digits(s + a, z - a) || (!timeish && timeish2))
                bad = i + 1; /* a number, then no timing */
            else if (timeish || !cues)
                bad = i;
            else
                broken = 0;
            if (broken) {
                size_t ba = t->len, bz = ba;
                if (bad < t->nlines) line_range(t, bad, &ba, &bz);
                sm_errorf(err, "%s:%zu: expected a cue timing line like \"%s\", found \"%.*s\"%s",
                          name, bad + 1, example, (int)(bz - ba > 60 ? 60 : bz - ba), s + ba,
                          err->skip ? "; cue left out" : "");
                if (sm_skip(err)) goto fail;
                i = j; /* on_error = "skip": on to the next cue */
                continue;
            }
            if (cue_text(&r, i, j - 1, 0)) goto oom;
            i = j;
            continue;
        }
        size_t ta, tz;
        line_range(t, timing, &ta, &tz);
        if (!parse_timing(s + ta, tz - ta, kind, &r.cue_start, &r.cue_end)) {
            sm_errorf(err, "%s:%zu: expected a cue timing line like \"%s\", found \"%.*s\"%s", name,
                      timing + 1, example, (int)(tz - ta > 60 ? 60 : tz - ta), s + ta,
                      err->skip ? "; cue left out" : "");
            if (sm_skip(err)) goto fail;
            i = j;
            continue;
        }
        cues++;
        if (timing + 1 < j && cue_text(&r, timing + 1, j - 1, 1)) goto oom;
        i = j;
    }
    if (r.lay.turns.n == 0) {
        sm_errorf(err, "%s: a %s file without any cue text", name, format);
        goto fail;
    }
    if (sync_lines(&r, t->nlines - 1) || VEC_PUSH(r.lay.pages, 0) || buf_append(&r.syn, "", 0))
        goto oom;
    sm_text nt = {r.syn.s,   r.syn.n,   r.map.v,       r.map.n,
                  r.lines.v, r.lines.n, t->source_len, t->replacements};
    text_free(t);
    *t = nt;
    *out = r.lay;
    buf_free(&r.last_line);
    buf_free(&r.line_words);
    return 0;
oom:
    sm_errorf(err, "%s: out of memory while reading %s", name, format);
fail:
    buf_free(&r.last_line);
    buf_free(&r.line_words);
    buf_free(&r.syn);
    free(r.map.v);
    free(r.lines.v);
    layout_free(&r.lay);
    return -1;
}

int layout_vtt(const char *name, sm_text *t, sm_layout *out, sm_error *err) {
    return layout_cues(name, t, CUES_VTT, out, err);
}
