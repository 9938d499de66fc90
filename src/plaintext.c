/* plaintext.c: reading labelled plain text into turns (the reader behind layout_plaintext).
 *
 * The rules, learnt from the text rather than from any list of names:
 *
 * Labels. A line may start with a speaker label: an optional "- " bullet, one to four words
 *   separated by single spaces, then ":" followed by a space, a tab or the end of the line.
 *   A word is letters, marks, digits and . ' ’ - _ &, and the label starts with a letter.
 *   Such a candidate is a speaker label when
 *     - it has two or more words and reads as a name: every word starts with a capital or a
 *       digit ("Speaker 2", "Lisbeth Löpare Johansson"), short lower-case particles allowed
 *       inside ("Aaron van Wirdum"); or
 *     - it is one word and is written in capitals ("LENA"), or is capitalised and stands alone
 *       on its line with its paragraph below or carries a time, or starts lines as a label at
 *       least twice.
 *   So "Och då sa han: kom hit" (lower-case words) and a one-off "Obs: ..." are speech, and a
 *   header field such as "Video: ..." seen once is not a speaker.
 *   A space before the colon (plain, U+00A0 or U+202F: French typography, "Anna Berg : text")
 *   makes a candidate by the same rules (one word capitalised), but one that must start lines as
 *   a label twice, or stand where the turns all start with labels, however many words it has
 *   ("Remarque : ..." once is speech), and only where such recurring names start half the turns
 *   (a manual's recurring "Note : ..." is speech); a number followed by a lower-case word is a
 *   time, no name ("À 10 h 30 :").
 * Voice spans. "<v Name>text" starting a line, after a time or not ("00:00:06 <v Anna>Hej"), is
 *   a label as sure as a capitalised name; a voice span further on in such a line starts a new
 *   turn of its speaker there (caption text copied out of WebVTT).
 * Names in capitals alone on their line ("MARIA EKSTRÖM", no colon, the paragraph right below)
 *   are labels where the document writes two names or more so, one of them at least twice, and
 *   has no "Name:" labels (there, lines in capitals are section lines).
 * Parliament records. "Anf. 12 Statsrådet ANNIKA STRANDHÄLL (S):" is a label, the speaker the
 *   name in capitals with its party; "§ 2  Bordläggning" a section heading (an event).
 * Question and answer. "Q." and "A." starting a line, then white space (a deposition's lines),
 *   are labels Q and A where the document writes them so at least twice.
 * Line numbers in the margin (" 7   text" on most lines) are no part of the lines, and a line
 *   that is only a number is then a page number (furniture).
 * Other times and names. "Name: [00:00:12] text" (Sonix), "Reporter: (00:09)" and, in Markdown,
 *   "**Anna Berg** [00:00:03]: text" and "**Anna Berg** (00:03): text" take the time as the turn's
 *   start; "00:00:05 Speaker 2" alone on its line (Happy Scribe) is a label with
 *   that start, and so is "Anna Berg" alone on its line with "0:03" alone on the next and the
 *   paragraph below (a meeting transcript copied out; the time line is then a time mark), and
 *   "Anna Berg 0:03" alone on its line where the name recurs so or three lines read so;
 *   "Interviewer [00:00:02] text" (Trint, no colon) is a candidate that must start
 *   lines so twice; "[SPEAKER_00]: text" (whisperX) is a label, its brackets no event.
 * Page furniture. A line that is no label, is at most 120 bytes, is no short reply (at most four
 *   words, no digit, ending as a sentence does: "Yeah." and "Right?" said again and again are
 *   speech), occurs at
 *   least three times (digits compared as one digit, so "Sida 3" and "Sida 4" are the same
 *   line), occurs at least once after the first label, and never comes straight after a label
 *   that stands alone on its line (or carries only a time), is a running header or footer: not
 *   speech. A run of such lines is a page break; text
 *   after a page break that starts without a label continues the turn before it (joined by a
 *   space), so a sentence cut by the break is whole again.
 * Preamble. Text before the first label is the preamble (unless it is longer than
 *   LONG_PREAMBLE_WORDS words after its first line: then it is speech, a turn without speaker,
 *   and only the first line the preamble): its first line is the title, and a
 *   "Creators & Guests" (or "Guests", "Participants", "Medverkande", "Deltagare") block in it
 *   lists participants as kind line (one word), name line, role line.
 * Tool lines. "Anna Berg stopped transcription" alone in its paragraph (Teams) is an event.
 * Events. "[musik]", "[skratt]": square brackets around 1 to 60 bytes that start with a letter
 *   (markdown emphasis inside allowed) and are not a link ("[x](url)"). They are events with
 *   their position, never words; a line of events only belongs to no turn. Round brackets
 *   ("(applåder)") make an event only on a line of nothing but such marks: inside speech a
 *   parenthesis is speech, but double ones ("((risas))", a transcriber's comment) make an event
 *   anywhere. The rule is layout_event_end(), the same for subtitles (vtt.c).
 * Front matter. A block between "---" lines at the very top (YAML in Markdown) has no labels;
 *   so has one whose opening "---" was lost: two or more "key: value" lines (lower-case keys,
 *   "title:" or "date:" among them) from the top, closed by "---".
 * Times. A label whose text is only a time ("Speaker 0: 00:01:02", "(01:02)"), a label with a
 *   time ("Name (00:03:12): text", "[00:03:12] Name: text") and a name with a time alone on its
 *   line ("Name  00:03:12", two or more spaces between, as Otter writes it) set the turn's start.
 *   Time marks inside the text ("[00:12:34]", "(01:02)") are not words (see tokenize.c), nor
 *   is a line that is only a time of hours, minutes and seconds ("01:01:45").
 * A document with no label at all is a sequence of turns without speaker, one per paragraph. */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "layout.h"
#include "lexicon.h"
#include "scan.h"

#define MAX_LABEL_WORDS 4
#define MAX_LABEL_BYTES 60
#define MAX_FURNITURE_BYTES 120
#define LONG_PREAMBLE_WORDS 1000 /* a show's notes stay well below; a talk goes far past */
#define MIN_FURNITURE_REPEATS 3
#define MAX_EVENT_BYTES 60

enum { L_BLANK, L_TEXT, L_LABEL, L_FURNITURE, L_EVENTS };

typedef struct line_info {
    uint32_t start, end;           /* content, trailing white space trimmed */
    uint32_t name_start, name_end; /* label candidate's name, if any (name_end > name_start) */
    uint32_t text_start;           /* where the text after the label starts */
    uint32_t cand;                 /* id in the candidate lexicon, or LEX_NONE */
    double time; /* a time the label carries ("Name (00:03:12):", "[00:03:12] Name:"), or -1 */
    uint8_t kind, accepted_shape; /* accepted_shape: the candidate passes on its own shape */
    uint8_t voice;                /* the label is a WebVTT voice span ("<v Name>") */
    uint8_t heading; /* a Markdown heading ("## Title") or a tool's signature: kept as an event */
    uint8_t caps_alone; /* a name in capitals alone on its line, no colon ("MARIA EKSTRÖM") */
    uint8_t time_name;  /* a time, then a name alone on its line ("00:00:05 Speaker 1") */
    uint8_t margin;     /* its margin line number left out (" 7   somebody was") */
    uint8_t time_mark;  /* a time alone on its line right below a name alone on its line */
    uint8_t spaced;     /* a name, one space and a time alone on its line ("Anna Berg 0:03") */
    uint8_t once_ok;    /* a label where turns all start with labels, seen once ("Sara: Nej.") */
    uint8_t system;     /* a meeting tool's line ("Anna Berg stopped transcription") */
    uint8_t field;      /* a header field at the top ("Interview Date: 3 March 2015"): no label */
    uint8_t clock;      /* starts with a clock time "0:03" (1: alone on the line, 2: text after) */
    uint8_t overlap;    /* its square brackets mark overlapping speech (CA, GAT), not events */
    uint8_t dash_time;  /* "Name - 00:00" alone on its line */
    uint8_t spaced_colon; /* a space before the colon, as French writes it ("Anna : text") */
} line_info;

void layout_free(sm_layout *lay) {
    if (!lay) return;
    VEC_FREE(lay->segs);
    VEC_FREE(lay->turns);
    VEC_FREE(lay->stops);
    VEC_FREE(lay->timed);
    VEC_FREE(lay->events);
    VEC_FREE(lay->participants);
    VEC_FREE(lay->pages);
    VEC_FREE(lay->pretokens);
    VEC_FREE(lay->attr_names);
    VEC_FREE(lay->attr_values);
    buf_free(&lay->names);
    memset(lay, 0, sizeof *lay);
}

/* How many of the names stored last layout_name compares a new one with. */
#define NAME_RECENT 8

uint32_t layout_name(sm_layout *lay, const char *s, size_t len) {
    /* a name said again, as a speaker's at each turn, is one of the last few stored: its offset
     * is given again instead of a copy (a name per turn had been a fiftieth of a saved corpus) */
    size_t end = lay->names.n; /* names.s[end - 1] is the NUL after the name before `end` */
    for (int k = 0; k < NAME_RECENT && end; k++) {
        size_t start = end - 1;
        while (start && lay->names.s[start - 1] != '\0')
            start--;
        if (end - 1 - start == len && memcmp(lay->names.s + start, s, len) == 0)
            return (uint32_t)start;
        end = start;
    }
    size_t off = lay->names.n;
    if (off > UINT32_MAX - len - 1) return LAYOUT_NONE;
    if (buf_append(&lay->names, s, len) || buf_putc(&lay->names, '\0')) return LAYOUT_NONE;
    return (uint32_t)off;
}

static int is_space(char c) {
    return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

/* Narrows [*v, *e) to a front-matter value: leading space and one pair of quotes removed. */
static void trim_value(const char *s, size_t *v, size_t *e) {
    size_t a = *v, z = *e;
    while (a < z && is_space(s[a]))
        a++;
    if (z > a + 1 && (s[a] == '"' || s[a] == '\'') && s[z - 1] == s[a]) {
        a++;
        z--;
    }
    *v = a;
    *e = z;
}

/* The words of s[a..z): runs of characters that are not white space. */
static size_t count_words(const char *s, size_t a, size_t z) {
    size_t words = 0;
    for (size_t p = a; p < z; p++)
        words += !is_space(s[p]) && (p == a || is_space(s[p - 1]));
    return words;
}

/* Whether line i of the text is exactly `want` (trailing white space ignored). */
static int line_is(const sm_text *t, size_t i, const char *want) {
    size_t start = t->lines[i], end = i + 1 < t->nlines ? t->lines[i + 1] - 1 : t->len;
    while (end > start && (t->s[end - 1] == ' ' || t->s[end - 1] == '\t'))
        end--;
    return end - start == strlen(want) && memcmp(t->s + start, want, end - start) == 0;
}

/* Decodes the code point at s[p..end); returns its length (1 for a stray byte). */
static size_t next_cp(const char *s, size_t p, size_t end, int32_t *cp) {
    if ((unsigned char)s[p] < 0x80) {
        *cp = (unsigned char)s[p];
        return 1;
    }
    utf8proc_ssize_t n =
        utf8proc_iterate((const utf8proc_uint8_t *)s + p, (utf8proc_ssize_t)(end - p), cp);
    if (n <= 0) {
        *cp = 0xFFFD;
        return 1;
    }
    return (size_t)n;
}

/* The general category of cp; ASCII letters and digits without a call (labels are read a
 * character at a time). */
static utf8proc_category_t category(int32_t cp) {
    if (cp >= 'a' && cp <= 'z') return UTF8PROC_CATEGORY_LL;
    if (cp >= 'A' && cp <= 'Z') return UTF8PROC_CATEGORY_LU;
    if (cp >= '0' && cp <= '9') return UTF8PROC_CATEGORY_ND;
    return utf8proc_category(cp);
}

static int is_letter(int32_t cp) {
    utf8proc_category_t c = category(cp);
    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

static int is_upper(int32_t cp) {
    utf8proc_category_t c = category(cp);
    return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
}

static double parse_time(const char *s, size_t p, size_t end);

/* A time in brackets or parentheses at s[p] ("[00:03:12]", "(01:02)"): returns the offset after
 * it and sets *t, or returns 0. */
static size_t bracketed_time(const char *s, size_t p, size_t end, double *t) {
    if (p >= end || (s[p] != '[' && s[p] != '(' && s[p] != '#')) return 0;
    char close = s[p] == '[' ? ']' : s[p] == '(' ? ')' : '#';
    size_t q = p + 1;
    while (q < end && q - p < 16 && s[q] != close && s[q] != ' ')
        q++;
    double v;
    if (close == ']' && end - q > 5 && memcmp(s + q, " --> ", 5) == 0) {
        /* a range, as whisper.cpp prints: "[00:00:00.000 --> 00:00:03.480]": its start */
        size_t r = q + 5;
        while (r < end && r - q <= 18 && s[r] != ']')
            r++;
        if (r >= end || s[r] != ']') return 0;
        v = parse_time(s, p + 1, q);
        if (v < 0 || parse_time(s, q + 5, r) < 0) return 0;
        *t = v;
        return r + 1;
    }
    if (q >= end || s[q] != close) return 0;
    v = parse_time(s, p, q + 1);
    if (v < 0) return 0;
    *t = v;
    return q + 1;
}

/* A WebVTT voice span starting a line of text, as transcripts copied from captions keep it:
 * "<v Name>text" or "<v.loud Name>text", after a time or not ("00:01:02 <v Name>text"). It is a
 * label as sure as a name with a time: sets li's fields and returns 1, else 0. */
static int voice_label(const char *s, size_t p, line_info *li) {
    size_t end = li->end;
    double t = -1;
    if (p < end && s[p] >= '0' && s[p] <= '9') { /* a bare time first */
        size_t q = p;
        while (q < end && !is_space(s[q]))
            q++;
        t = parse_time(s, p, q);
        if (t < 0) return 0;
        p = q;
        while (p < end && is_space(s[p]))
            p++;
    }
    if (p + 4 > end || s[p] != '<' || s[p + 1] != 'v' || (s[p + 2] != ' ' && s[p + 2] != '.'))
        return 0;
    p += 2;
    while (p < end && s[p] != ' ' && s[p] != '>') /* classes: <v.loud Name> */
        p++;
    while (p < end && s[p] == ' ')
        p++;
    size_t name_start = p;
    while (p < end && s[p] != '>' && s[p] != '<' && p - name_start <= MAX_LABEL_BYTES)
        p++;
    if (p >= end || s[p] != '>') return 0;
    size_t name_end = p;
    while (name_end > name_start && s[name_end - 1] == ' ')
        name_end--;
    int32_t cp;
    if (name_end == name_start) return 0;
    next_cp(s, name_start, name_end, &cp);
    if (!is_letter(cp)) return 0;
    p++;
    while (p < end && is_space(s[p]))
        p++;
    if (t >= 0) li->time = t;
    li->name_start = (uint32_t)name_start;
    li->name_end = (uint32_t)name_end;
    li->text_start = (uint32_t)p;
    li->accepted_shape = 2; /* as sure as a name of several capitalised words */
    li->voice = 1;
    return 1;
}

/* A time, then a name alone on its line, the paragraph below ("00:00:05 Speaker 1", as Happy
 * Scribe and others export): a label with that start. The name is one to four words, each
 * starting with a capital or a digit, of letters, digits and .'-_ only. */
/* The words of a name that fills s[q..end): one to four, each starting with a capital or a
 * digit, of letters, digits and .'-_ only, single spaces between. Returns how many (0: none). */
static int name_words(const char *s, size_t q, size_t end) {
    int words = 0;
    while (q < end) {
        int32_t cp;
        next_cp(s, q, end, &cp);
        if (!is_upper(cp) && !(cp >= '0' && cp <= '9')) return 0;
        if (++words > MAX_LABEL_WORDS) return 0;
        while (q < end && !is_space(s[q])) {
            size_t n = next_cp(s, q, end, &cp);
            if (!is_letter(cp) && !(cp >= '0' && cp <= '9') && !strchr(".'-_", (int)cp)) return 0;
            q += n;
        }
        if (q < end && s[q] == ' ' && q + 1 < end && s[q + 1] != ' ')
            q++;
        else if (q < end)
            return 0;
    }
    return words;
}

static int time_name_label(const char *s, size_t p, line_info *li) {
    size_t end = li->end, q = p;
    if (p >= end || ((s[p] < '0' || s[p] > '9') && s[p] != '[' && s[p] != '(')) return 0;
    while (q < end && !is_space(s[q]))
        q++;
    double t = parse_time(s, p, q); /* "00:00:05", or "[00:00:05]" */
    if (t < 0 || q >= end) return 0;
    while (q < end && is_space(s[q]))
        q++;
    int dashed = q + 2 < end && s[q] == '-' && s[q + 1] == ' '; /* "[00:00:05] - Speaker 1" */
    if (dashed) q += 2;
    while (q < end && is_space(s[q]))
        q++;
    size_t name_start = q;
    int words = name_words(s, q, end);
    if (words == 0) return 0;
    li->time = t;
    li->name_start = (uint32_t)name_start;
    li->name_end = (uint32_t)end;
    li->text_start = (uint32_t)end;
    /* "00:00:12 Okay" must recur to be a name, and so must "[09:00] - Opening Remarks" (an
     * agenda's item) */
    li->accepted_shape = words >= 2 && !dashed && s[p] != '[' && s[p] != '(' ? 2 : 0;
    li->time_name = 1;
    return 1;
}

/* A numbered speech in a parliament's record: "Anf. 12 Statsrådet ANNIKA STRANDHÄLL (S):",
 * "Anf. 15 ULRIKA HEINDORFF (M) replik:" (the Riksdag's protocols). The speaker is the name in
 * capitals with its party ("ANNIKA STRANDHÄLL (S)"): the same whatever title or "replik" goes
 * with it; without a name in capitals ("Anf. 3 Talmannen:"), the words before the colon. */
static int speech_label(const char *s, size_t p, line_info *li) {
    size_t end = li->end;
    if (end - p < 7 || memcmp(s + p, "Anf. ", 5) != 0 || s[p + 5] < '0' || s[p + 5] > '9') return 0;
    size_t q = p + 5;
    while (q < end && s[q] >= '0' && s[q] <= '9')
        q++;
    while (q < end && s[q] == ' ')
        q++;
    const char *colon = memchr(s + q, ':', end - q);
    if (!colon || (size_t)(colon - s) - q > 2 * MAX_LABEL_BYTES) return 0;
    size_t stop = (size_t)(colon - s), caps_from = 0, caps_to = 0, words_from = q;
    for (size_t w = q; w < stop;) { /* each word: all capitals, a "(S)" party, or other */
        size_t e = w;
        while (e < stop && s[e] != ' ')
            e++;
        int letters = 0, lower = 0, party = s[w] == '(' && e > w + 2 && s[e - 1] == ')';
        for (size_t k = w; k < e;) {
            int32_t cp;
            k += next_cp(s, k, e, &cp);
            letters += is_letter(cp);
            lower += is_letter(cp) && !is_upper(cp);
        }
        if ((letters >= 2 && !lower && !party) || (party && caps_to)) {
            if (!caps_to) caps_from = w;
            caps_to = e;
        }
        w = e;
        while (w < stop && s[w] == ' ')
            w++;
    }
    li->name_start = (uint32_t)(caps_to ? caps_from : words_from);
    li->name_end = (uint32_t)(caps_to ? caps_to : stop);
    if (li->name_end <= li->name_start) return 0;
    q = stop + 1;
    while (q < end && is_space(s[q]))
        q++;
    li->text_start = (uint32_t)q;
    li->accepted_shape = 2;
    return 1;
}

/* A name in square brackets, then a time, alone on its line, the paragraph below ("[Anna Berg]
 * 10:31:05", Zoom's older transcripts): a label with that start. */
static int bracket_name_time_label(const char *s, size_t p, line_info *li) {
    size_t end = li->end;
    if (p >= end || s[p] != '[') return 0;
    size_t close = p + 1;
    while (close < end && close - p <= MAX_LABEL_BYTES && s[close] != ']' && s[close] != '[')
        close++;
    if (close >= end || s[close] != ']' || close == p + 1) return 0;
    size_t q = close + 1;
    if (q >= end || !is_space(s[q])) return 0;
    while (q < end && is_space(s[q]))
        q++;
    double t = parse_time(s, q, end);
    int32_t cp;
    next_cp(s, p + 1, close, &cp);
    if (t < 0 || !is_upper(cp)) return 0;
    li->time = t;
    li->name_start = (uint32_t)p + 1;
    li->name_end = (uint32_t)close;
    li->text_start = (uint32_t)end;
    li->accepted_shape = 2;
    li->time_name = 1; /* its paragraph must be right below */
    return 1;
}

/* The next voice span "<v Name>" in s[p..end), as voice_label reads one: its start, with the
 * name in [*name_start, *name_end) and the text after it from *after; or end if there is none. */
static size_t next_voice(const char *s, size_t p, size_t end, size_t *name_start, size_t *name_end,
                         size_t *after) {
    for (; p + 4 <= end; p++) {
        if (s[p] != '<' || s[p + 1] != 'v' || (s[p + 2] != ' ' && s[p + 2] != '.')) continue;
        line_info probe = {0};
        probe.end = (uint32_t)end;
        probe.time = -1;
        if (!voice_label(s, p, &probe)) continue;
        *name_start = probe.name_start;
        *name_end = probe.name_end;
        *after = probe.text_start;
        return p;
    }
    return end;
}

/* French typography's space before a colon at s[p]: a space, a no-break space (U+00A0) or a
 * narrow one (U+202F), then ':' ("Anna Berg : text", "Anna\u00a0: text"). Returns the space's
 * length in bytes, or 0. */
static size_t spaced_colon_at(const char *s, size_t p, size_t end) {
    unsigned char c = (unsigned char)s[p];
    size_t n = c == ' ' ? 1 : c == 0xC2 ? 2 : c == 0xE2 ? 3 : 0; /* the cheap test first */
    if (!n || end - p <= n || s[p + n] != ':') return 0;
    return n == 1 || (n == 2 && (unsigned char)s[p + 1] == 0xA0) ||
                   (n == 3 && memcmp(s + p + 1, "\x80\xAF", 2) == 0)
               ? n
               : 0;
}

/* Looks for a label candidate at the start of line li; fills its fields and the shape test. */
static void parse_label(const char *s, line_info *li) {
    size_t p = li->start, end = li->end;
    if (end - p >= 2 && s[p] == '-' && s[p + 1] == ' ') p += 2;
    int bold = end - p >= 2 && s[p] == '*' && s[p + 1] == '*'; /* Markdown: **Name:** */
    if (bold) p += 2;
    if (time_name_label(s, p, li) || bracket_name_time_label(s, p, li) || speech_label(s, p, li))
        return;
    double t;
    size_t after = bracketed_time(s, p, end, &t);          /* "[00:03:12] Name: text" */
    if (!after && p < end && s[p] >= '0' && s[p] <= '9') { /* "00:00:05 Speaker 1: text" */
        size_t q = p;
        while (q < end && !is_space(s[q]))
            q++;
        double bare = q - p <= 12 ? parse_time(s, p, q) : -1;
        if (bare >= 0) {
            t = bare;
            after = q;
        }
    }
    int timed = 0; /* a time came first: " - " may then stand for the colon */
    if (after && after < end && is_space(s[after])) {
        li->time = t;
        p = after;
        while (p < end && is_space(s[p]))
            p++;
        if (p + 2 <= end && s[p] == '-' && s[p + 1] == ' ') /* "00:00:05 - Speaker 1: text" */
            p += 2;
        while (p < end && is_space(s[p]))
            p++;
        timed = 1;
        if (!bold && end - p >= 2 && s[p] == '*' && s[p + 1] == '*') { /* "[0:03] **Anna:**" */
            bold = 1;
            p += 2;
        }
    }
    if (voice_label(s, p, li)) return;
    if (end - p >= 4 && s[p] == '*' && s[p + 1] >= 'A' && s[p + 1] <= 'Z') {
        const char *tab = memchr(s + p, ':', end - p < 12 ? end - p : 12); /* CHAT: "*CHI:\t" */
        if (tab && (size_t)(tab - s) + 1 < end && s[tab - s + 1] == '\t') p++;
    }
    if (end - p >= 3 && (s[p] == 'Q' || s[p] == 'A') && s[p + 1] == '.' &&
        (s[p + 2] == ' ' || s[p + 2] == '\t')) { /* "Q.  question", "A.  answer" (depositions) */
        size_t q = p + 2;
        while (q < end && is_space(s[q]))
            q++;
        li->name_start = (uint32_t)p;
        li->name_end = (uint32_t)p + 1;
        li->text_start = (uint32_t)q;
        return; /* a label where the document writes so at least twice */
    }
    /* "[SPEAKER_00]: text" (whisperX): a name in square brackets, then the colon */
    int square = !after && p < end && s[p] == '[';
    if (square) p++;
    size_t name_start = p, colon = 0, alone = 0;
    int trint = 0;        /* "Name [time] text": no colon; a label only if the name recurs so */
    int dash_time = 0;    /* "Name - 00:00" alone on its line: a label only if the name recurs so */
    int spaced_colon = 0; /* "Anna Berg : text": a label only if the name recurs so */
    int words = 1, word_start = 1, letters = 0, uppers = 0;
    int word_cap[MAX_LABEL_WORDS] = {0}, word_len[MAX_LABEL_WORDS] = {0};
    int word_num[MAX_LABEL_WORDS] = {0}; /* the word starts with a digit */
    while (p < end && s[p] != ':') {
        if (p - name_start > MAX_LABEL_BYTES) return;
        if (bold && !word_start && end - p >= 3 && memcmp(s + p, "**:", 3) == 0) {
            colon = p + 2; /* **Name**: */
            break;
        }
        if (bold && !word_start && end - p >= 4 && memcmp(s + p, "** ", 3) == 0 &&
            (s[p + 3] == '[' || s[p + 3] == '(')) { /* **Name** [00:00:03]: text */
            size_t q = bracketed_time(s, p + 3, end, &t);
            if (!q || q >= end || s[q] != ':') return; /* "**Anna** (tyst): ..." is no label */
            li->time = t;
            colon = q;
            break;
        }
        if (square && !word_start && end - p >= 2 && s[p] == ']' && s[p + 1] == ':') {
            colon = p + 1; /* [Name]: */
            break;
        }
        size_t gap = !word_start && !bold && !square ? spaced_colon_at(s, p, end) : 0;
        if (gap) { /* "Anna Berg : text" */
            colon = p + gap;
            spaced_colon = 1;
            break;
        }
        if (timed && !word_start && end - p >= 3 && s[p] == ' ' && s[p + 1] == '-' &&
            s[p + 2] == ' ') {
            colon = p + 1; /* "[00:00:05] - Speaker 1 - text" */
            break;
        }
        if (s[p] == ' ' && !word_start && p + 1 < end && (s[p + 1] == '(' || s[p + 1] == '[')) {
            size_t q = bracketed_time(s, p + 1, end, &t); /* "Name (00:03:12): text" */
            if (q && q < end && s[q] == ':') {
                li->time = t;
                colon = q;
                break;
            }
            if (q && (q == end || is_space(s[q]))) { /* "Name [00:00:02] text" (Trint) */
                li->time = t;
                trint = 1;
                colon = q - 1; /* the text starts after the time */
                break;
            }
            /* a role in parentheses, part of the name: "Interviewer (IV): text",
             * "Björn Ek (Guest)   0:09" (Teams); one in lower case is a note, "Anna (skrattar):" */
            const char *close = s[p + 1] == '(' ? memchr(s + p + 2, ')', end - p - 2) : NULL;
            size_t c = close ? (size_t)(close - s) : 0;
            if (c && c - p - 2 >= 1 && c - p - 2 <= 30 && !memchr(s + p + 2, '(', c - p - 2)) {
                size_t r = c + 1;
                int32_t first;
                next_cp(s, p + 2, c, &first);
                /* a note in lower case ("Anna (skrattar):", "HAMLET (to Ophelia):") is how,
                 * not who: the name ends before it */
                int note = is_letter(first) && !is_upper(first) &&
                           utf8proc_category(first) == UTF8PROC_CATEGORY_LL;
                if (r < end && s[r] == ':') {
                    colon = r;
                    if (!note) p = r;
                    break;
                }
                if (r + 1 < end && s[r] == ' ' && s[r + 1] == ' ') {
                    while (r < end && is_space(s[r]))
                        r++;
                    t = parse_time(s, r, end);
                    if (t >= 0) { /* "Björn Ek (Guest)   0:09" alone on its line */
                        li->time = t;
                        p = c + 1;
                        alone = 1;
                        break;
                    }
                }
            }
        }
        if (s[p] == ' ' && !word_start && end - p > 3 && s[p + 1] == '-' && s[p + 2] == ' ' &&
            s[p + 3] >= '0' && s[p + 3] <= '9') {
            t = parse_time(s, p + 3, end); /* "Anna Berg - 00:00" alone on its line */
            if (t >= 0) {
                li->time = t;
                alone = dash_time = 1; /* a name that recurs so: "Intro - 0:45" is a track */
                li->dash_time = 1;
                break;
            }
        }
        if (s[p] == ' ' && !word_start && p + 1 < end && s[p + 1] == ' ') {
            size_t q = p; /* "Name  00:03:12" alone on its line (Otter) */
            while (q < end && is_space(s[q]))
                q++;
            t = parse_time(s, q, end);
            if (t >= 0) {
                li->time = t;
                alone = 1;
                break;
            }
            return;
        }
        if (s[p] == ' ') {
            if (word_start || ++words > MAX_LABEL_WORDS) return;
            word_start = 1;
            p++;
            continue;
        }
        int32_t cp;
        size_t n = next_cp(s, p, end, &cp);
        utf8proc_category_t cat = category(cp);
        int letter = cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
        int upper = cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
        int digit = cat == UTF8PROC_CATEGORY_ND;
        int mark = cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME;
        int punct = cp == '.' || cp == '\'' || cp == '-' || cp == '_' || cp == '&' ||
                    cp == 0x2019 ||
                    (cp == '/' && !word_start); /* "Befragte/r:", "Interviewer/in:" */
        if (p == name_start && !letter) return;
        if (!letter && !digit && !mark && !punct) return;
        if (letter) {
            letters++;
            if (upper) uppers++;
        }
        if (word_start) {
            word_cap[words - 1] = upper || digit;
            word_num[words - 1] = digit;
        }
        word_len[words - 1]++;
        word_start = 0;
        p += n;
    }
    if (p == name_start || word_start) return; /* empty, or "Name :" */
    if (square && !colon) return;              /* "[Name: ...": no label */
    size_t q;
    if (alone) {
        q = end;
    } else {
        if (!colon && p >= end) { /* no colon: maybe a name in capitals alone on its line */
            if (!bold && !square && li->time < 0 && words <= MAX_LABEL_WORDS && letters >= 2 &&
                uppers == letters && s[li->start] != '-') {
                li->name_start = (uint32_t)name_start;
                li->name_end = (uint32_t)p;
                li->text_start = (uint32_t)end;
                li->caps_alone = 1; /* a label only where the document writes its names so */
            }
            return;
        }
        q = (colon ? colon : p) + 1;
        if (bold && end - q >= 2 && s[q] == '*' && s[q + 1] == '*')
            q += 2; /* **Name:**, **Name (00:00:03):** */
        if (end - q >= 2 && (unsigned char)s[q] == 0xC2 && (unsigned char)s[q + 1] == 0xA0)
            q += 2; /* a no-break space after the colon ("I:\u00a0text", from word processors) */
        else if (q < end && !is_space(s[q]))
            return; /* "SKR:s", "http://", "10:30" */
        while (q < end && is_space(s[q]))
            q++;
    }
    li->name_start = (uint32_t)name_start;
    li->name_end = (uint32_t)p;
    li->text_start = (uint32_t)q;
    if (li->time < 0 && q < end && (s[q] == '(' || s[q] == '[')) { /* "Reporter: (00:09)" */
        double only = end - q <= 24 ? parse_time(s, q, end) : -1,
               lead; /* bracketed: a bare
                      * "Duration: 1:12:40" is a header field */
        size_t after_time = bracketed_time(s, q, end, &lead);
        if (only >= 0)
            li->time = only;
        else if (after_time && after_time < end && is_space(s[after_time]))
            li->time = lead;
    }
    if (words == 1) { /* a time with it is as sure a sign as capitals */
        li->accepted_shape = (letters >= 2 && uppers == letters) || (q >= end && word_cap[0]) ||
                             (li->time >= 0 && word_cap[0]);
    } else {
        int name_like = 1;
        for (int w = 0; w < words; w++)
            if (!word_cap[w] && (w == 0 || w == words - 1 || word_len[w] > 3)) name_like = 0;
        /* a lower-case word after a number is a time or a date, no name: "À 10 h 30 : ..." */
        for (int w = 1; w < words && spaced_colon; w++)
            if (word_num[w - 1] && !word_cap[w]) name_like = 0;
        li->accepted_shape = name_like ? 2 : 0; /* 2: multi-word, never rescued by repetition */
        if (!name_like) li->name_end = li->name_start; /* not a candidate at all */
    }
    /* "Och [00:12] så", "Remarque : ...": the name must recur */
    if (trint || dash_time || spaced_colon) li->accepted_shape = 0;
    if (spaced_colon && words == 1 && !word_cap[0])
        li->name_end = li->name_start; /* "ceci : ..." is prose: a name is capitalised */
    li->spaced_colon = (uint8_t)spaced_colon;
    /* seen once, a capitalised word before a colon, or a name of two words or more before a
     * time, is a label where the document's turns all start so (layout_plaintext) */
    li->once_ok = !li->accepted_shape && q < end && li->name_end > li->name_start &&
                  (((trint || spaced_colon) && words >= 2) ||
                   (!trint && words == 1 && word_cap[0] && (colon || (p < end && s[p] == ':'))));
}

size_t layout_event_end(const char *s, size_t p, size_t end, int parens) {
    if (s[p] == '(' && p + 1 < end && s[p + 1] == '(') { /* "((risas))": anywhere */
        size_t q = p + 2;
        while (q < end && s[q] != ')' && s[q] != '(')
            q++;
        if (q + 1 >= end || s[q] != ')' || s[q + 1] != ')' || q - p - 2 < 1 ||
            q - p - 2 > MAX_EVENT_BYTES)
            return 0;
        return s[p + 2] != ' ' && s[p + 2] != '\t' ? q + 2 : 0; /* "((2 sek))", "((¿qué?))" */
    }
    char open = s[p], close = open == '[' ? ']' : open == '(' && parens ? ')' : 0;
    if (!close) return 0;
    size_t q = p + 1;
    while (q < end && s[q] != close && s[q] != open)
        q++;
    if (q >= end || s[q] != close || q - p - 1 < 1 || q - p - 1 > MAX_EVENT_BYTES) return 0;
    size_t k = p + 1;
    while (k < q && (s[k] == '*' || s[k] == '_'))
        k++;
    int32_t cp;
    if (k >= q) return 0;
    next_cp(s, k, q, &cp);
    if (!is_letter(cp)) return 0;
    if (q + 1 < end && s[q + 1] == '(') return 0; /* a markdown link, not an event */
    return q + 1;
}

int layout_events_only(const char *s, size_t p, size_t end) {
    int any = 0;
    while (p < end) {
        if (is_space(s[p])) {
            p++;
            continue;
        }
        size_t e = layout_event_end(s, p, end, 1);
        if (!e) return 0;
        any = 1;
        p = e;
    }
    return any;
}

/* Parses a time such as "00:01:02", "1:02", "(01:02)" or "[00:01:02.5]" filling s[p..end);
 * returns seconds or -1. */
static double parse_time(const char *s, size_t p, size_t end) {
    int f4 = p < end && s[p] == '#'; /* "#00:01:05-2#" (f4/f5): tenths after a dash */
    if (p < end && (s[p] == '(' || s[p] == '[' || f4)) {
        char close = s[p] == '(' ? ')' : s[p] == '[' ? ']' : '#';
        if (end - p < 2 || s[end - 1] != close) return -1;
        p++;
        end--;
    }
    double fields[3];
    int nf = 0;
    while (p < end && nf < 3) {
        size_t d = p;
        double v = 0;
        while (p < end && s[p] >= '0' && s[p] <= '9' && p - d < 3)
            v = v * 10 + (s[p++] - '0');
        if (p == d) return -1;
        fields[nf++] = v;
        if (p < end && s[p] == ':')
            p++;
        else
            break;
    }
    double frac = 0;
    if (p < end && (s[p] == '.' || s[p] == ',' || (f4 && s[p] == '-'))) {
        double scale = 0.1;
        p++;
        while (p < end && s[p] >= '0' && s[p] <= '9')
            frac += (s[p++] - '0') * (scale), scale /= 10;
    }
    if (p != end || nf < 2) return -1;
    double t = 0;
    for (int k = 0; k < nf; k++)
        t = t * 60 + fields[k];
    return t + frac;
}

static int ascii_contains_ci(const char *s, size_t len, const char *word) {
    size_t w = strlen(word);
    for (size_t i = 0; i + w <= len; i++) {
        size_t k = 0;
        while (k < w && (s[i + k] | 0x20) == word[k])
            k++;
        if (k == w) return 1;
    }
    return 0;
}

/* Reads a participants block in the preamble lines [from, to). */
static int read_participants(const char *s, const line_info *lines, size_t from, size_t to,
                             sm_layout *lay) {
    size_t i = from;
    for (; i < to; i++) {
        const line_info *li = &lines[i];
        size_t len = li->end - li->start;
        const char *p = s + li->start;
        if (len && len <= 40 &&
            (ascii_contains_ci(p, len, "guests") || ascii_contains_ci(p, len, "participants") ||
             ascii_contains_ci(p, len, "medverkande") || ascii_contains_ci(p, len, "deltagare")))
            break;
    }
    if (i >= to) return 0;
    sm_participant *cur = NULL;
    for (i++; i < to && lines[i].kind == L_BLANK; i++) {
    }
    /* the block runs to the next blank line */
    for (; i < to && lines[i].kind != L_BLANK; i++) {
        const line_info *li = &lines[i];
        const char *p = s + li->start;
        size_t len = li->end - li->start;
        int32_t cp;
        next_cp(s, li->start, li->end, &cp);
        int one_word = memchr(p, ' ', len) == NULL && len <= 24 && is_upper(cp);
        if (one_word || !cur) {
            sm_participant np = {LAYOUT_NONE, LAYOUT_NONE, LAYOUT_NONE};
            if (VEC_PUSH(lay->participants, np)) return -1;
            cur = &lay->participants.v[lay->participants.n - 1];
            if (one_word) {
                if ((cur->kind = layout_name(lay, p, len)) == LAYOUT_NONE) return -1;
                continue;
            }
        }
        uint32_t *field = cur->name == LAYOUT_NONE   ? &cur->name
                          : cur->role == LAYOUT_NONE ? &cur->role
                                                     : NULL;
        if (field && (*field = layout_name(lay, p, len)) == LAYOUT_NONE) return -1;
    }
    return 0;
}

/* Records the event marks inside [p, end) (one line) as standing in `turn`. */
static int add_events(const char *s, size_t p, size_t end, uint32_t turn, sm_layout *lay) {
    int parens = layout_events_only(s, p, end);
    for (; (p = scan_any3(s, p, end, '[', '(', '[')) < end; p++) {
        size_t e = layout_event_end(s, p, end, parens);
        if (!e) continue;
        /* a Markdown-escaped mark ("\\[laughs\\]") keeps both its escapes */
        size_t from = p > 0 && s[p - 1] == '\\' && s[p] == '[' ? p - 1 : p;
        sm_rawevent ev = {(uint32_t)from, (uint32_t)e, turn};
        if (VEC_PUSH(lay->events, ev)) return -1;
        p = e - 1;
    }
    return 0;
}

/* Whether line i is a YAML field ("title: x", "transcript_by: y": a lower-case ASCII key, a
 * colon, then a space or nothing) or continues one (indented, or a "- item"). */
static int line_is_yaml_field(const sm_text *t, size_t i) {
    size_t p = t->lines[i], end = i + 1 < t->nlines ? t->lines[i + 1] - 1 : t->len;
    const char *s = t->s;
    if (p < end && (s[p] == ' ' || s[p] == '\t' || (s[p] == '-' && p + 1 < end && s[p + 1] == ' ')))
        return 1;
    size_t k = p;
    while (k < end && ((s[k] >= 'a' && s[k] <= 'z') || s[k] == '_' || s[k] == '-' ||
                       (k > p && s[k] >= '0' && s[k] <= '9')))
        k++;
    return k > p && k < end && s[k] == ':' && (k + 1 == end || s[k + 1] == ' ' || s[k + 1] == '\r');
}

/* A metadata block at the very top ("---" lines around "key: value" lines, as in Markdown and
 * YAML front matter) holds no labels. Returns the index of the first line after it, or 0. */
static size_t front_matter_end(const sm_text *t) {
    size_t first = 0;
    while (first < t->nlines && line_is(t, first, ""))
        first++;
    if (first >= t->nlines) return 0;
    if (!line_is(t, first, "---")) {
        /* its opening "---" lost: two or more YAML fields from the top, one of them "title:"
         * or "date:" (lower-case names said first would not have them), closed by "---" */
        size_t i = first;
        int named = 0;
        for (; i < t->nlines && i < first + 100 && line_is_yaml_field(t, i); i++) {
            const char *l = t->s + t->lines[i];
            size_t n = (i + 1 < t->nlines ? t->lines[i + 1] - 1 : t->len) - t->lines[i];
            named |=
                (n >= 6 && memcmp(l, "title:", 6) == 0) || (n >= 5 && memcmp(l, "date:", 5) == 0);
        }
        return named && i >= first + 2 && i < t->nlines && line_is(t, i, "---") ? i + 1 : 0;
    }
    for (size_t i = first + 1; i < t->nlines && i < first + 500; i++)
        if (line_is(t, i, "---") || line_is(t, i, "...")) return i + 1;
    return 0;
}

/* Splits the text into lines and classifies labels (pass 1 of 3). */
/* Whether line i has a paragraph right below it that starts as speech does: the next line is not
 * blank, and its first letter (if any) is not lower-case ("that is right." goes on a sentence). */
static int paragraph_below(const sm_text *t, size_t i) {
    if (i + 1 >= t->nlines) return 0;
    size_t p = t->lines[i + 1], end = i + 2 < t->nlines ? t->lines[i + 2] - 1 : t->len;
    while (p < end && (t->s[p] == ' ' || t->s[p] == '\t'))
        p++;
    if (p >= end || t->s[p] == '\n' || t->s[p] == '\r') return 0;
    int32_t cp;
    next_cp(t->s, p, end, &cp);
    return !(is_letter(cp) && !is_upper(cp) && utf8proc_category(cp) == UTF8PROC_CATEGORY_LL);
}

/* Line i's content: [*a, *z), white space and a carriage return trimmed at both ends. */
static void line_content(const sm_text *t, size_t i, size_t *a, size_t *z) {
    *a = t->lines[i];
    *z = i + 1 < t->nlines ? t->lines[i + 1] - 1 : t->len;
    while (*z > *a && (is_space(t->s[*z - 1]) || t->s[*z - 1] == '\r'))
        (*z)--;
    while (*a < *z && is_space(t->s[*a]))
        (*a)++;
}

/* A name alone on its line (as time_name_label reads one, its first word a capital's), a time
 * alone on the next, the paragraph right below ("Anna Berg" / "0:03" / "Good morning", as meeting
 * tools' transcripts read when copied out): a label with that start, the time line a time mark. */
static int name_over_time(const sm_text *t, size_t i, line_info *li) {
    if (li->name_end > li->name_start || i + 2 >= t->nlines || li->end - li->start > 60) return 0;
    size_t a, z; /* the time line first: most lines have none below them */
    line_content(t, i + 1, &a, &z);
    if (a >= z || t->s[a] < '0' || t->s[a] > '9') return 0;
    const char *dash = memchr(t->s + a, '-', z - a); /* "00:00:03 - 00:00:07" */
    if (dash && dash > t->s + a + 1 && dash[-1] == ' ' && (size_t)(dash - t->s) + 2 < z &&
        dash[1] == ' ' && parse_time(t->s, (size_t)(dash - t->s) + 2, z) >= 0)
        z = (size_t)(dash - t->s) - 1;
    double time = z > a && z - a <= 24 ? parse_time(t->s, a, z) : -1;
    if (time < 0 || !paragraph_below(t, i + 1)) return 0;
    int32_t cp;
    next_cp(t->s, li->start, li->end, &cp);
    int words = is_upper(cp) ? name_words(t->s, li->start, li->end) : 0;
    if (!words) return 0;
    li->time = time;
    li->name_start = li->start;
    li->name_end = li->end;
    li->text_start = li->end;
    li->accepted_shape = words >= 2 ? 2 : 0; /* one word must recur so to be a name */
    return 1;
}

/* A name, one space and a time with a colon, alone on its line, the paragraph right below
 * ("Anna Berg 0:03", as some tools export): a candidate with that start. One space is what
 * speech writes too, so it is a label only where the name recurs so, or the document writes
 * three lines or more so (layout_plaintext). */
static int name_space_time(const sm_text *t, size_t i, line_info *li) {
    if (li->name_end > li->name_start) return 0;
    const char *s = t->s;
    size_t sp = li->end;
    while (sp > li->start && s[sp - 1] != ' ')
        sp--;
    if (sp <= li->start + 1 || s[sp - 2] == ' ' || !memchr(s + sp, ':', li->end - sp)) return 0;
    int32_t cp;
    next_cp(s, li->start, sp - 1, &cp);
    if (!is_upper(cp) || !name_words(s, li->start, sp - 1)) return 0;
    double time = li->end - sp <= 12 ? parse_time(s, sp, li->end) : -1;
    if (time < 0 || !paragraph_below(t, i)) return 0;
    li->time = time;
    li->name_start = li->start;
    li->name_end = (uint32_t)(sp - 1);
    li->text_start = li->end;
    li->accepted_shape = 0;
    li->spaced = 1;
    return 1;
}

/* A meeting tool's own line, alone in its paragraph: one to six words (a name), then "started
 * transcription" or "stopped transcription" (Teams; in Swedish "startade transkriberingen",
 * "stoppade transkriberingen"). No one's speech: an event. */
static int system_line(const char *s, const line_info *li) {
    static const char *const tails[] = {" started transcription", " stopped transcription",
                                        " startade transkriberingen", " stoppade transkriberingen"};
    for (size_t k = 0; k < sizeof tails / sizeof *tails; k++) {
        size_t n = strlen(tails[k]);
        if (li->end - li->start > n && memcmp(s + li->end - n, tails[k], n) == 0) {
            size_t words = count_words(s, li->start, li->end - n);
            return words >= 1 && words <= 6;
        }
    }
    return 0;
}

/* Google Meet's last line: "Meeting ended after 00:06:12 👋". No one's speech: an event. */
static int meeting_ended(const char *s, const line_info *li) {
    static const char lead[] = "Meeting ended after ";
    size_t n = sizeof lead - 1;
    return li->end - li->start > n && li->end - li->start <= n + 24 &&
           memcmp(s + li->start, lead, n) == 0 && s[li->start + n] >= '0' &&
           s[li->start + n] <= '9';
}

/* Whether the document is a table of tab-separated columns (ELAN's tab-delimited export, a
 * transcript table pasted as text): 80 % or more of the lines that are not blank (three or
 * more) have two tabs or more. */
static int tabbed_lines(const sm_text *t) {
    size_t text = 0, tabbed = 0;
    for (size_t i = 0; i < t->nlines && text < 200; i++) { /* the first 200 lines tell */
        size_t a = t->lines[i], z = i + 1 < t->nlines ? t->lines[i + 1] - 1 : t->len, tabs = 0;
        size_t k = a;
        while (k < z && (t->s[k] == ' ' || t->s[k] == '\r'))
            k++;
        if (k >= z) continue;
        text++;
        for (const char *tab; tabs < 2 && (tab = memchr(t->s + k, '\t', z - k)); k = tab - t->s + 1)
            tabs++;
        tabbed += tabs >= 2;
    }
    return text >= 3 && tabbed * 10 >= text * 8;
}

/* A row of such a table: its first column the speaker (a name of one to four words), the first
 * column after it that is a time its start, its last column the text ("Interviewer\t00:00:00.000
 * \t00:00:03.250\t00:00:03.250\tGood morning."). A row whose first column is no name, or that
 * has no text, is none (a header row "Tier\tBegin Time..." has no time). */
static int table_row(const char *s, line_info *li) {
    size_t a = li->start, end = li->end, tab = a;
    while (tab < end && s[tab] != '\t')
        tab++;
    if (tab >= end || tab == a) return 0;
    size_t last = end; /* the last column */
    while (last > tab && s[last - 1] != '\t')
        last--;
    size_t text = last;
    while (text < end && is_space(s[text]))
        text++;
    if (text >= end || last <= tab + 1) return 0;
    double time = -1;
    for (size_t p = tab + 1; p < last && time < 0;) { /* the columns between: a time first */
        size_t q = p;
        while (q < last && s[q] != '\t')
            q++;
        if (q > p) time = parse_time(s, p, q);
        p = q + 1;
    }
    if (time < 0 || parse_time(s, text, end) >= 0) return 0;
    size_t ne = tab;
    while (ne > a && is_space(s[ne - 1]))
        ne--;
    int32_t cp;
    next_cp(s, a, ne, &cp);
    if (!is_letter(cp) || count_words(s, a, ne) > MAX_LABEL_WORDS || ne - a > MAX_LABEL_BYTES)
        return 0;
    li->name_start = (uint32_t)a;
    li->name_end = (uint32_t)ne;
    li->text_start = (uint32_t)text;
    li->time = time;
    li->accepted_shape = 2; /* the table says who speaks */
    return 1;
}

/* Whether a table's rows read as a transcript's, not a timetable's or a rota's: their start
 * times go forward (80 % of the rows at least as late as the one before) and some speaker has
 * two rows or more (the first 64 rows looked at). */
static int table_sound(const sm_text *t) {
    size_t rows = 0, forward = 0, again = 0;
    double last = -1;
    line_info seen[64];
    for (size_t i = 0; i < t->nlines && rows < 64; i++) {
        line_info li;
        memset(&li, 0, sizeof li);
        size_t a = t->lines[i], z = i + 1 < t->nlines ? t->lines[i + 1] - 1 : t->len;
        while (z > a && (is_space(t->s[z - 1]) || t->s[z - 1] == '\r'))
            z--;
        while (a < z && t->s[a] == ' ')
            a++;
        li.start = (uint32_t)a;
        li.end = (uint32_t)z;
        li.time = -1;
        if (a >= z || !table_row(t->s, &li)) continue;
        forward += li.time >= last;
        last = li.time;
        for (size_t k = 0; k < rows && !again; k++)
            again = seen[k].name_end - seen[k].name_start == li.name_end - li.name_start &&
                    memcmp(t->s + seen[k].name_start, t->s + li.name_start,
                           li.name_end - li.name_start) == 0;
        seen[rows++] = li;
    }
    return rows >= 2 && again && forward * 10 >= rows * 8;
}

/* Whether line i has a line that is not blank right below it. */
static int line_below(const sm_text *t, size_t i) {
    if (i + 1 >= t->nlines) return 0;
    size_t p = t->lines[i + 1], end = i + 2 < t->nlines ? t->lines[i + 2] - 1 : t->len;
    while (p < end && (t->s[p] == ' ' || t->s[p] == '\t' || t->s[p] == '\r'))
        p++;
    return p < end && t->s[p] != '\n';
}

/* Where line [start, end) begins past a margin line number (" 7   somebody was", as court
 * reporters number each page's lines): the offset after the number and its white space, or 0 if
 * the line has none. Strict (loose 0): one or two digits, then two spaces or more, or a tab.
 * Loose: one to four digits ("001 AR: ...", as GAT and CA transcripts number lines), then any
 * white space. The number goes to *num. */
static size_t after_line_number(const char *s, size_t start, size_t end, int loose, unsigned *num) {
    size_t p = start;
    while (p < end && s[p] == ' ')
        p++;
    size_t digits = p;
    unsigned v = 0;
    while (p < end && s[p] >= '0' && s[p] <= '9' && p - digits < 5)
        v = v * 10 + (unsigned)(s[p++] - '0');
    if (p == digits || p - digits > (loose ? 4u : 2u)) return 0;
    size_t gap = p;
    while (p < end && (s[p] == ' ' || s[p] == '\t'))
        p++;
    if (p >= end || p == gap) return 0;
    if (!loose && p - gap < 2 && s[gap] != '\t') return 0;
    *num = v;
    return p;
}

/* Whether the document numbers its lines in the margin, and how (see after_line_number): 2 where
 * 80 % or more of the lines that are not blank (ten or more) carry a loose number and 80 % of
 * those count on from the one before (or start again at 0 or 1), so that a list of amounts is
 * no numbering; else 1 where 60 % or more carry a strict number; else 0. */
static int numbered_lines(const sm_text *t) {
    size_t text = 0, strict = 0, loose = 0, counting = 0;
    unsigned last = 0;
    for (size_t i = 0; i < t->nlines; i++) {
        size_t start = t->lines[i], end = i + 1 < t->nlines ? t->lines[i + 1] - 1 : t->len;
        size_t p = start;
        while (p < end && is_space(t->s[p]))
            p++;
        if (p >= end || t->s[p] == '\r') continue;
        text++;
        unsigned n = 0;
        strict += after_line_number(t->s, start, end, 0, &n) != 0;
        if (after_line_number(t->s, start, end, 1, &n)) {
            loose++;
            counting += n == last + 1 || n <= 1;
            last = n;
        }
    }
    if (text < 10) return 0;
    if (loose * 10 >= text * 8 && counting * 10 >= loose * 8) return 2;
    return strict * 10 >= text * 6;
}

static line_info *split_lines(const sm_text *t, size_t *nlines, sm_lexicon *cands,
                              uint32_t **counts) {
    line_info *lines = calloc(t->nlines ? t->nlines : 1, sizeof *lines);
    size_t ncounts = 0, capcounts = 0;
    if (!lines) return NULL;
    size_t front_end = front_matter_end(t);
    int margin = numbered_lines(t);
    size_t time_line = SIZE_MAX; /* the time line below a name (name_over_time) */
    int table = tabbed_lines(t) && table_sound(t);
    for (size_t i = 0; i < t->nlines; i++) {
        line_info *li = &lines[i];
        size_t start = t->lines[i], end = i + 1 < t->nlines ? t->lines[i + 1] - 1 : t->len;
        while (end > start && (is_space(t->s[end - 1]) || t->s[end - 1] == '\r'))
            end--;
        unsigned num;
        size_t lead = start,
               past = margin ? after_line_number(t->s, start, end, margin == 2, &num) : 0;
        if (past) lead = past; /* the margin's line number is no part of the line */
        while (lead < end && is_space(t->s[lead]))
            lead++;
        li->start = (uint32_t)lead;
        li->end = (uint32_t)end;
        li->cand = LEX_NONE;
        li->time = -1;
        li->kind = lead == end ? L_BLANK : L_TEXT;
        li->margin = past != 0;
        if (margin && !past && li->kind == L_TEXT && end - lead <= 4 &&
            strspn(t->s + lead, "0123456789") >= end - lead)
            li->kind = L_FURNITURE; /* a page number where lines are numbered */
        if (li->kind == L_BLANK || i < front_end) continue;
        if (i == time_line) {
            li->time_mark = 1;
            continue;
        }
        parse_label(t->s, li);
        if (table && table_row(t->s, li)) {
        } else if (name_over_time(t, i, li))
            time_line = i + 1;
        else
            name_space_time(t, i, li);
        /* a time and a name of two words or more need only a line below (speech-to-text output
         * often starts a paragraph in lower case); a single word needs a paragraph that starts
         * as speech does ("00:00:12 Okay" / "then." is speech) */
        if ((li->caps_alone || li->time_name) &&
            !(li->time_name && li->accepted_shape ? line_below(t, i) : paragraph_below(t, i))) {
            li->caps_alone = li->time_name = 0; /* not with its paragraph right below */
            li->name_end = li->name_start;
        }
        if (li->name_end > li->name_start) {
            li->cand =
                lex_intern(cands, t->s + li->name_start, li->name_end - li->name_start, NULL);
            if (li->cand == LEX_NONE ||
                vec_reserve((void **)counts, &capcounts, li->cand + 1, sizeof **counts))
                goto oom;
            while (ncounts <= li->cand)
                (*counts)[ncounts++] = 0;
            (*counts)[li->cand]++;
        }
    }
    *nlines = t->nlines;
    return lines;
oom:
    free(lines);
    return NULL;
}

/* Whether s[a..z) is nothing but a time mark, Markdown-escaped or not ("\\[24:27\\]", "(01:02)").
 */
static int only_time(const char *s, size_t a, size_t z) {
    char buf[40];
    size_t n = 0;
    for (size_t k = a; k < z; k++) {
        if (s[k] == '\\') continue;
        if (n + 1 >= sizeof buf) return 0;
        buf[n++] = s[k];
    }
    return n > 0 && parse_time(buf, 0, n) >= 0;
}

/* A line of at most 12 words with a web address in it ("Transcribed by https://otter.ai"). */
static int is_signature(const char *s, const line_info *li) {
    int address = 0;
    for (size_t p = li->start; p < li->end; p++) {
        if (li->end - p >= 7 &&
            (memcmp(s + p, "http://", 7) == 0 || memcmp(s + p, "https:/", 7) == 0))
            address = 1;
        if (li->end - p >= 4 && memcmp(s + p, "www.", 4) == 0) address = 1;
    }
    return address && count_words(s, li->start, li->end) <= 12;
}

/* A CHAT line that is no utterance: a dependent tier ("%mor:\tpro|I v|push", "%com:\t...")
 * or a header ("@End", "@Comment:\t..."): a '%' or '@', letters, then a colon and a tab, or
 * nothing more. */
static int chat_tier(const char *s, const line_info *li) {
    size_t p = li->start;
    if (li->end - p < 2 || (s[p] != '%' && s[p] != '@')) return 0;
    size_t q = p + 1;
    while (q < li->end && (((s[q] | 0x20) >= 'a' && (s[q] | 0x20) <= 'z') ||
                           (q > p + 1 && s[q] >= '0' && s[q] <= '9')))
        q++;
    if (q == p + 1) return 0;
    return q == li->end || (q + 1 < li->end && s[q] == ':' && s[q + 1] == '\t');
}

/* A Markdown heading: one to six '#', a space, then text ("## Why run a node?"); or a numbered
 * section of a record ("§ 2  Svar på interpellation"). */
static int is_heading(const char *s, const line_info *li) {
    size_t p = li->start, n = 0;
    if (li->end - p >= 4 && (unsigned char)s[p] == 0xC2 && (unsigned char)s[p + 1] == 0xA7 &&
        s[p + 2] == ' ' && s[p + 3] >= '0' && s[p + 3] <= '9')
        return 1; /* "§ 2  Svar på interpellation": a section of a record */
    while (p < li->end && s[p] == '#' && n < 7) {
        p++;
        n++;
    }
    return n >= 1 && n <= 6 && p + 1 < li->end && s[p] == ' ' && !is_space(s[p + 1]);
}

/* A line that is only a time of hours, minutes and seconds ("01:01:45", "1:02:03.500", as a
 * transcript marks the time between paragraphs), or a time in brackets ("(00:00)", "[01:02]"):
 * a time mark, not words. A time of two fields alone ("10:30") may be an answer: it stays text. */
static int bare_time_line(const char *s, const line_info *li) {
    if (li->end - li->start > 24 || !strchr("0123456789([", s[li->start])) return 0;
    size_t colons = 0;
    for (size_t k = li->start; k < li->end; k++)
        colons += s[k] == ':';
    int bracketed = s[li->start] == '(' || s[li->start] == '[';
    return (colons == 2 || (bracketed && colons == 1)) && only_time(s, li->start, li->end);
}

/* Whether the line s[a..z) ends as a sentence does: its last character, before closing quotes
 * and brackets and white space, is '.', '?', '!' or U+2026 "…". A running header or footer does
 * not ("Sida 3 av 12", a title); a short reply repeated through a conversation ("Yeah.",
 * "Right?") does, and is speech. */
static int ends_sentence(const char *s, size_t a, size_t z) {
    while (z > a && (s[z - 1] == ' ' || s[z - 1] == '\t' || s[z - 1] == '\r' || s[z - 1] == '"' ||
                     s[z - 1] == '\'' || s[z - 1] == ')' || s[z - 1] == ']' || s[z - 1] == '*'))
        z--;
    if (z > a && (s[z - 1] == '.' || s[z - 1] == '?' || s[z - 1] == '!')) return 1;
    if (z >= a + 3 && memcmp(s + z - 3, "\xE2\x80\xA6", 3) == 0) return 1; /* … */
    /* a closing quotation mark ” » ’ (E2 80 9D, C2 BB, E2 80 99) before the end */
    if (z >= a + 4 &&
        (memcmp(s + z - 3, "\xE2\x80\x9D", 3) == 0 || memcmp(s + z - 3, "\xE2\x80\x99", 3) == 0))
        return ends_sentence(s, a, z - 3);
    if (z >= a + 3 && memcmp(s + z - 2, "\xC2\xBB", 2) == 0) return ends_sentence(s, a, z - 2);
    return 0;
}

/* A short reply ("Yeah.", "Thank you.", "Right?"): at most four words, no digit, ending as a
 * sentence does. Said again and again, it is speech, not a running header or footer, which
 * ends otherwise ("Sida 3 av 12") or is longer or numbered ("Page 2 of 3. Confidential."). */
static int short_reply(const char *s, const line_info *li) {
    for (size_t p = li->start; p < li->end; p++)
        if (s[p] >= '0' && s[p] <= '9') return 0;
    return count_words(s, li->start, li->end) <= 4 && ends_sentence(s, li->start, li->end);
}

/* Whether a turn may start on the line after li: it is blank, a label line or a candidate seen
 * once (a line of "Name: text" dialogue, one line a turn). */
static int turn_may_follow(const line_info *li) {
    return li->kind == L_BLANK || li->kind == L_LABEL || (li->once_ok && li->cand != LEX_NONE);
}

/* Where a line starting with a clock time ("0:03", "12:45", "1:02:03", then a space or the end)
 * goes on past it, or 0; *t is the time. */
static size_t clock_end(const char *s, const line_info *li, double *t) {
    size_t p = li->start, q = p;
    if (p >= li->end || s[p] < '0' || s[p] > '9') return 0;
    while (q < li->end && q - p <= 8 && ((s[q] >= '0' && s[q] <= '9') || s[q] == ':'))
        q++;
    if (q - p < 4 || (q < li->end && !is_space(s[q]))) return 0;
    *t = parse_time(s, p, q);
    return *t >= 0 ? q : 0;
}

/* Lines of clock times, as a video's transcript copied from its page reads ("0:00" / "hey
 * everyone" / "0:03" / "today we..." or "0:03 today we..."): where three lines or more, a fifth
 * of the lines that are not blank or more, start with a time and the times go forward (80 % of
 * them at least as late as the one before), a time alone on its line is a time mark, and one
 * before text is left out of the line (half the lines or more must start so). */
static void mark_clock_lines(const char *s, line_info *lines, size_t nlines) {
    size_t text = 0, alone = 0, lead = 0, forward = 0;
    double last = -1, first = -1;
    for (size_t i = 0; i < nlines; i++) {
        line_info *li = &lines[i];
        if (li->kind == L_BLANK) continue;
        text++;
        double t;
        size_t q = li->cand == LEX_NONE ? clock_end(s, li, &t) : 0;
        if (!q) continue;
        li->clock = q >= li->end ? 1 : 2;
        alone += li->clock == 1;
        lead += li->clock == 2;
        forward += t >= last;
        last = t;
        if (first < 0) first = t;
    }
    size_t all = alone + lead;
    /* a video's times start at its start ("0:00"); an agenda's are times of day ("9:00") */
    if (all < 3 || all * 5 < text || forward * 10 < all * 8 || first >= 60) {
        alone = lead = 0;
    } else if (lead * 2 < text) {
        lead = 0;
    }
    for (size_t i = 0; i < nlines; i++) {
        line_info *li = &lines[i];
        if (li->clock == 1 && alone) {
            li->kind = L_EVENTS;
        } else if (li->clock == 2 && lead) {
            double t;
            size_t q = clock_end(s, li, &t);
            while (q < li->end && is_space(s[q]))
                q++;
            li->start = (uint32_t)q;
            li->margin = 1; /* like a margin number: the time between lines is no text */
        }
        li->clock = 0;
    }
}

/* The column (in characters) of s[line..p). */
static size_t column_of(const char *s, size_t line, size_t p) {
    size_t col = 0;
    for (size_t k = line; k < p; k++)
        col += ((unsigned char)s[k] & 0xC0) != 0x80;
    return col;
}

/* Overlap in conversation-analytic transcripts (CA, GAT, Jefferson): a "[" inside a line's
 * speech, after words of it, and on the next line a "[" at the same column (give or take one)
 * with only white space before it in that line's speech ("A: we went to the [beach on]" /
 * "B:            [oh nice  ]"). The brackets of both lines hold speech, so they are no events. */
static void mark_overlaps(const sm_text *t, line_info *lines, size_t nlines) {
    const char *s = t->s;
    for (size_t i = 0; i + 1 < nlines; i++) {
        line_info *a = &lines[i], *b = &lines[i + 1];
        if (a->kind == L_BLANK || b->kind == L_BLANK) continue;
        size_t from_a = a->name_end > a->name_start ? a->text_start : a->start;
        size_t from_b = b->name_end > b->name_start ? b->text_start : b->start;
        const char *pa = from_a < a->end ? memchr(s + from_a, '[', a->end - from_a) : NULL;
        if (!pa || (size_t)(pa - s) == from_a) continue; /* the bracket must follow words */
        size_t qb = from_b;
        while (qb < b->end && is_space(s[qb]))
            qb++;
        if (qb >= b->end || s[qb] != '[') continue;
        size_t ca = column_of(s, t->lines[i], (size_t)(pa - s));
        size_t cb = column_of(s, t->lines[i + 1], qb);
        if (ca + 1 >= cb && cb + 1 >= ca) a->overlap = b->overlap = 1;
    }
}

/* A running header with a colon, as a PDF's pages carry it ("Transcript: INT07", "Study ID:
 * ORG-2019-044"): the same line (digits compared as one) three times or more, its text at most
 * four words with a digit in them, no time, not ending as a sentence does, and its name starting
 * no other line. Such a line is no label (the rule of page furniture then takes it). Returns 0,
 * or -1 if memory ran out. */
static int unlabel_running_headers(const char *s, line_info *lines, size_t nlines,
                                   const uint32_t *counts) {
    sm_lexicon keys = {0};
    VEC(uint32_t) seen = {0};
    uint32_t *id = calloc(nlines ? nlines : 1, sizeof *id);
    int rc = id ? 0 : -1;
    for (size_t i = 0; i < nlines && rc == 0; i++) {
        line_info *li = &lines[i];
        id[i] = LEX_NONE;
        /* cheap tests first: a line of speech fails one of them at once */
        if (li->cand == LEX_NONE || li->text_start >= li->end || li->time >= 0 ||
            li->end - li->text_start > 60 || ends_sentence(s, li->text_start, li->end) ||
            strcspn(s + li->text_start, "0123456789") >= li->end - li->text_start ||
            only_time(s, li->text_start, li->end) || /* "Walton: 00:00:01": a label's time */
            count_words(s, li->text_start, li->end) > 4)
            continue;
        int is_new; /* the very same line ("Clerk: Item 4", "Clerk: Item 5" are no header) */
        uint32_t k = lex_intern(&keys, s + li->start, li->end - li->start, &is_new);
        if (k == LEX_NONE || (is_new && VEC_PUSH(seen, 0))) {
            rc = -1;
            break;
        }
        seen.v[k]++;
        id[i] = k;
    }
    for (size_t i = 0; i < nlines && rc == 0; i++)
        if (id[i] != LEX_NONE && seen.v[id[i]] >= MIN_FURNITURE_REPEATS &&
            counts[lines[i].cand] == seen.v[id[i]]) { /* the name says nothing else */
            lines[i].cand = LEX_NONE;
            lines[i].name_end = lines[i].name_start;
        }
    free(id);
    VEC_FREE(seen);
    lex_free(&keys);
    return rc;
}

/* French labels ("Anna Berg : text") where the document is a transcript: from the first line
 * whose name recurs so, half the places where a turn may start (a line after a blank line or
 * after a candidate) or more hold a candidate whose name recurs (or that is a label on its own
 * shape). In French prose " : " is common, and "Note : ..." and "Exemples : ..." recur in a
 * manual without making it a conversation: there such lines are no candidates. */
static void unlabel_spaced_colons(line_info *lines, size_t nlines, const uint32_t *counts) {
    size_t first = 0;
    while (first < nlines && !(lines[first].spaced_colon && lines[first].cand != LEX_NONE &&
                               counts[lines[first].cand] >= 2))
        first++;
    size_t slots = 0, labelled = 0;
    for (size_t i = first; i < nlines; i++) {
        const line_info *li = &lines[i];
        if (li->kind == L_BLANK ||
            (i > first && lines[i - 1].kind != L_BLANK && lines[i - 1].cand == LEX_NONE))
            continue;
        slots++;
        labelled += li->cand != LEX_NONE &&
                    (counts[li->cand] >= 2 || (li->accepted_shape && !li->spaced_colon));
    }
    if (labelled * 2 >= slots) return; /* also where no such name recurs: slots == 0 */
    for (size_t i = 0; i < nlines; i++)
        if (lines[i].spaced_colon) {
            lines[i].cand = LEX_NONE;
            lines[i].name_end = lines[i].name_start;
        }
}

/* A header block at the top: the first paragraph (after the front matter), its lines, but for
 * a first line that may be a title, all "Key: value" candidates, two or more, each value at most
 * twelve words not ending as a sentence does, and one key at least seen only once in the
 * document ("Interviewer: John Doe" / "Date: March 3, 2015", "Datum der Aufnahme: 12.03.2019");
 * labels must follow it. Its lines are fields of the preamble, no labels. */
static void mark_header_fields(const char *s, line_info *lines, size_t nlines, size_t from,
                               const uint32_t *counts) {
    while (from < nlines && lines[from].kind == L_BLANK)
        from++;
    size_t end = from;
    while (end < nlines && lines[end].kind != L_BLANK)
        end++;
    size_t first = from < end && lines[from].cand == LEX_NONE ? from + 1 : from; /* a title */
    if (end <= first || end - first < 2 || end >= nlines) return;
    int once = 0;
    for (size_t i = first; i < end; i++) {
        const line_info *li = &lines[i];
        int32_t cp;
        if (li->cand == LEX_NONE || li->text_start >= li->end || li->voice || li->time >= 0 ||
            count_words(s, li->text_start, li->end) > 12 ||
            ends_sentence(s, li->text_start, li->end))
            return;
        next_cp(s, li->text_start, li->end, &cp); /* a field's value: "John Doe", "12.03.2019" */
        if (!is_upper(cp) && !(cp >= '0' && cp <= '9')) return;
        once |= counts[li->cand] == 1;
    }
    int labels_after = 0;
    for (size_t i = end; i < nlines && !labels_after; i++)
        labels_after = lines[i].cand != LEX_NONE;
    if (!once || !labels_after) return;
    for (size_t i = first; i < end; i++) {
        lines[i].cand = LEX_NONE;
        lines[i].name_end = lines[i].name_start;
        lines[i].field = 1;
    }
}

/* A candidate seen once ("Sara: Jag vet inte." in a focus group, a third voice that cuts in
 * once) is a label where the document's turns start so: of the slots where a turn may start
 * after the first label (a line after a blank line, or after a label line), 80 % or more
 * hold labels or such candidates, two at least labels, and it stands in one. */
static void label_once_speakers(const char *s, line_info *lines, size_t nlines,
                                size_t first_label) {
    if (first_label >= nlines) return;
    size_t slots = 0, labelled = 0, shaped = 0;
    for (size_t i = first_label; i < nlines; i++) {
        if (lines[i].kind == L_BLANK || lines[i].kind == L_EVENTS) continue;
        if (i > first_label && !turn_may_follow(&lines[i - 1])) continue;
        slots++;
        labelled += lines[i].kind == L_LABEL;
        shaped += lines[i].kind == L_LABEL || (lines[i].once_ok && lines[i].cand != LEX_NONE);
    }
    if (labelled < 2 || shaped * 10 < slots * 8) return;
    /* a transcriber's note ("Note: Tape 1 ends here.") is no one's turn */
    static const char *const notes[] = {"Note",      "Notes",   "NB",        "Anm", "Anmärkning",
                                        "Kommentar", "Comment", "Anmerkung", "Obs", "Paus"};
    for (size_t i = first_label + 1; i < nlines; i++) {
        line_info *li = &lines[i];
        if (li->kind != L_TEXT || !li->once_ok || li->cand == LEX_NONE ||
            !turn_may_follow(&lines[i - 1]))
            continue;
        size_t n = li->name_end - li->name_start, k = 0;
        while (k < sizeof notes / sizeof *notes &&
               !(strlen(notes[k]) == n && memcmp(s + li->name_start, notes[k], n) == 0))
            k++;
        if (k == sizeof notes / sizeof *notes) li->kind = L_LABEL;
    }
}

/* A label with no text of its own (none, or only a time) that another label follows at once is a
 * section marker ("**Break:** \\[24:27\\]" between two speakers), not a speaker's turn. */
static int is_marker(const char *s, const line_info *lines, size_t nlines, size_t i) {
    const line_info *li = &lines[i];
    if (li->text_start < li->end && !only_time(s, li->text_start, li->end)) return 0;
    size_t k = i + 1;
    while (k < nlines && lines[k].kind == L_BLANK)
        k++;
    return k < nlines && lines[k].kind == L_LABEL;
}

int layout_plaintext(const char *name, const sm_text *t, sm_layout *out, sm_error *err) {
    const char *s = t->s;
    sm_layout lay;
    memset(&lay, 0, sizeof lay);
    sm_lexicon cands = {0}, furn = {0};
    uint32_t *counts = NULL;
    VEC(uint32_t) fcount = {0};
    VEC(uint8_t) fbad = {0};
    size_t nlines = 0;
    line_info *lines = split_lines(t, &nlines, &cands, &counts);
    sm_buf key = {0};
    if (!lines) goto oom;
    unlabel_spaced_colons(lines, nlines, counts);

    /* Names in capitals alone on their lines, no colon ("PROGRAMLEDARE", then the paragraph):
     * labels where the document writes its speakers so, two names or more, one of them at
     * least twice; a running header in capitals is one name. */
    int caps_again = 0, other_labels = 0;
    uint32_t caps_first = LEX_NONE, caps_other = 0; /* a name seen, and whether another is */
    for (size_t i = 0; i < nlines; i++) {
        /* a document with "Name:" labels writes its names so: lines in capitals are headings */
        other_labels |= lines[i].cand != LEX_NONE && !lines[i].caps_alone &&
                        (!lines[i].spaced_colon || counts[lines[i].cand] >= 2); /* "Note : x" */
        if (!lines[i].caps_alone || lines[i].cand == LEX_NONE) continue;
        if (caps_first == LEX_NONE) caps_first = lines[i].cand;
        caps_other |= lines[i].cand != caps_first;
        caps_again |= counts[lines[i].cand] >= 2;
    }
    int caps_labels = caps_other && caps_again && !other_labels;
    size_t spaced = 0; /* lines "Anna Berg 0:03" */
    for (size_t i = 0; i < nlines; i++)
        spaced += lines[i].spaced;

    mark_header_fields(s, lines, nlines, front_matter_end(t), counts);
    if (unlabel_running_headers(s, lines, nlines, counts)) goto oom;
    mark_clock_lines(s, lines, nlines);
    mark_overlaps(t, lines, nlines);

    /* Which candidates are labels; where the speech starts. */
    size_t first_label = nlines;
    for (size_t i = 0; i < nlines; i++) {
        line_info *li = &lines[i];
        if (li->kind == L_BLANK || li->kind == L_EVENTS) continue; /* L_EVENTS: a clock line */
        if (li->caps_alone && !caps_labels) continue;
        if (li->time_mark) { /* the time below a name: a time mark where the name is a label */
            if (i > 0 && lines[i - 1].kind == L_LABEL) li->kind = L_EVENTS;
            continue;
        }
        /* "Name - 00:00" over another such line is a list of tracks or chapters */
        int listed = li->dash_time && i + 1 < nlines && lines[i + 1].dash_time;
        if (li->cand != LEX_NONE && !listed &&
            (li->accepted_shape || counts[li->cand] >= 2 || li->caps_alone ||
             (li->spaced && spaced >= 3))) {
            li->kind = L_LABEL;
            if (first_label == nlines) first_label = i;
        } else if (layout_events_only(s, li->start, li->end) || bare_time_line(s, li)) {
            li->kind = L_EVENTS; /* a line of events, or a time alone: in no turn, never words */
        } else if (chat_tier(s, li)) {
            li->kind = L_EVENTS; /* CHAT's "%mor:\t..." and "@End": annotation, not speech */
        } else if (is_heading(s, li)) {
            li->kind = L_EVENTS; /* a section heading: no one's speech, kept as an event */
            li->heading = 1;
        } else if ((system_line(s, li) && (i == 0 || lines[i - 1].kind == L_BLANK) &&
                    (i + 1 >= nlines || lines[i + 1].kind == L_BLANK)) ||
                   meeting_ended(s, li)) {
            li->kind = L_EVENTS; /* "Anna Berg stopped transcription": kept as an event */
            li->heading = li->system = 1;
        }
    }
    /* A tool's signature as the last paragraph, after the talk ("Transcribed by https://otter.ai"):
     * one short line with a web address that does not end as a sentence does, a paragraph of its
     * own after a labelled turn. No one's speech; kept as an event, like a heading. */
    if (first_label < nlines) {
        size_t last = nlines;
        while (last > 0 && lines[last - 1].kind == L_BLANK)
            last--;
        if (last > 1 && last - 1 > first_label && lines[last - 1].kind == L_TEXT &&
            lines[last - 2].kind == L_BLANK && is_signature(s, &lines[last - 1]) &&
            !ends_sentence(s, lines[last - 1].start, lines[last - 1].end)) {
            lines[last - 1].kind = L_EVENTS;
            lines[last - 1].heading = 1;
        }
    }

    label_once_speakers(s, lines, nlines, first_label);

    /* Page furniture: count the lines that could be (pass 2). */
    uint32_t *fkey = calloc(nlines ? nlines : 1, sizeof *fkey);
    if (!fkey) goto oom;
    int after_alone_label = 0;
    for (size_t i = 0; i < nlines; i++) {
        line_info *li = &lines[i];
        fkey[i] = LEX_NONE;
        if (li->kind == L_BLANK || li->time_mark)
            continue; /* a time below a label: still after it */
        int follows_label = after_alone_label;
        after_alone_label = li->kind == L_LABEL &&
                            (li->text_start >= li->end || only_time(s, li->text_start, li->end));
        if (li->kind != L_TEXT || li->end - li->start > MAX_FURNITURE_BYTES || short_reply(s, li))
            continue;
        key.n = 0;
        for (size_t p = li->start; p < li->end; p++) {
            int digit = s[p] >= '0' && s[p] <= '9';
            if (digit && key.n && key.s[key.n - 1] == '#') continue;
            if (buf_putc(&key, digit ? '#' : s[p])) goto oom_f;
        }
        int is_new;
        uint32_t id = lex_intern(&furn, key.s, key.n, &is_new);
        if (id == LEX_NONE) goto oom_f;
        if (is_new && (VEC_PUSH(fcount, 0) || VEC_PUSH(fbad, 2))) goto oom_f;
        fcount.v[id]++;
        if (follows_label) fbad.v[id] = 1;
        if (i > first_label && fbad.v[id] == 2) fbad.v[id] = 0; /* seen in the speech */
        fkey[i] = id;
    }
    for (size_t i = 0; i < nlines; i++)
        if (fkey[i] != LEX_NONE && fcount.v[fkey[i]] >= MIN_FURNITURE_REPEATS &&
            fbad.v[fkey[i]] == 0)
            lines[i].kind = L_FURNITURE;
    free(fkey);

    /* Preamble and title: the text before the first label (or the front matter only, in a
     * document without labels); the title from the front matter's "title:" if any, else the
     * first line after it. */
    size_t front_end = front_matter_end(t);
    size_t preamble_to = first_label < nlines ? first_label : front_end;
    /* A long text before the first label is speech, not a preamble (a talk, then its Q&A with
     * labels): past LONG_PREAMBLE_WORDS words after its first line, only that line (the
     * title) stays the preamble, and the rest is a turn without speaker. */
    size_t speech_from = first_label;
    if (first_label < nlines) {
        size_t title_line = nlines, words = 0;
        for (size_t i = front_end; i < first_label; i++) {
            if (lines[i].kind == L_BLANK) continue;
            if (title_line == nlines) {
                title_line = i;
                continue;
            }
            if (lines[i].kind == L_TEXT) words += count_words(s, lines[i].start, lines[i].end);
        }
        if (words > LONG_PREAMBLE_WORDS) {
            speech_from = title_line + 1;
            preamble_to = speech_from;
        }
    }
    size_t a = 0, b = 0;
    for (size_t i = 0; i < preamble_to; i++) {
        if (lines[i].kind == L_BLANK) continue;
        if (b == 0) a = lines[i].start;
        b = lines[i].end;
        const line_info *li = &lines[i];
        if (i < front_end && li->end - li->start > 6 && memcmp(s + li->start, "title:", 6) == 0) {
            size_t v = li->start + 6, e = li->end;
            trim_value(s, &v, &e);
            lay.title_start = (uint32_t)v;
            lay.title_end = (uint32_t)e;
        } else if (i >= front_end && lay.title_end == 0 && first_label < nlines && !li->field &&
                   strspn(s + li->start, "0123456789") < li->end - li->start && /* "23": a page */
                   (li->kind != L_EVENTS || (li->heading && !li->system))) { /* "[musik]": none */
            size_t v = li->start;
            if (li->heading) { /* "# Title": the title without its marks */
                while (v < li->end && s[v] == '#')
                    v++;
                while (v < li->end && is_space(s[v]))
                    v++;
            }
            size_t e = li->end; /* "**Intervju med Karin**": the title without its bold marks */
            if (v + 4 < e && s[v] == '*' && s[v + 1] == '*' && s[e - 1] == '*' && s[e - 2] == '*')
                v += 2, e -= 2;
            lay.title_start = (uint32_t)v;
            lay.title_end = (uint32_t)e;
        }
    }
    lay.preamble_start = (uint32_t)a;
    lay.preamble_end = (uint32_t)b;
    if (first_label < nlines && read_participants(s, lines, 0, preamble_to, &lay)) goto oom;

    /* Turns (pass 3). */
    int labelless = first_label == nlines;
    uint32_t cur = LAYOUT_NONE;
    int seg_open = 0, blank_since = 0, content_on_page = 0, prev_furniture = 0;
    uint8_t pending = SEP_NONE;
    if (VEC_PUSH(lay.pages, 0)) goto oom;
    for (size_t i = 0; i < nlines; i++) {
        line_info *li = &lines[i];
        int in_speech = labelless || i >= speech_from;
        if (i < front_end) continue; /* metadata, never speech */
        if (li->kind == L_BLANK) {
            blank_since = 1;
            continue;
        }
        if (li->kind == L_FURNITURE) {
            if (!prev_furniture && content_on_page) {
                if (VEC_PUSH(lay.pages, li->start)) goto oom;
                content_on_page = 0;
            }
            prev_furniture = 1;
            seg_open = 0;
            if (in_speech) pending = SEP_SPACE;
            continue;
        }
        prev_furniture = 0;
        content_on_page = 1;
        if (li->kind == L_EVENTS) {
            sm_rawevent heading = {li->start, li->end, LAYOUT_NONE};
            if (li->heading ? VEC_PUSH(lay.events, heading)
                            : add_events(s, li->start, li->end, LAYOUT_NONE, &lay))
                goto oom;
            seg_open = 0;
            if (pending != SEP_SPACE) pending = SEP_PARAGRAPH;
            blank_since = 1;
            continue;
        }
        if (li->kind == L_LABEL && is_marker(s, lines, nlines, i)) {
            seg_open = 0; /* "**Break:** [24:27]": a section marker, no one's turn */
            continue;
        }
        if (li->kind == L_LABEL) {
            sm_rawturn turn = {LAYOUT_NONE, (uint32_t)lay.segs.n, 0, li->start, li->time};
            turn.speaker = layout_name(&lay, s + li->name_start, li->name_end - li->name_start);
            if (turn.speaker == LAYOUT_NONE || VEC_PUSH(lay.turns, turn)) goto oom;
            cur = (uint32_t)lay.turns.n - 1;
            seg_open = 0;
            pending = SEP_NONE;
            blank_since = 0;
            if (li->text_start < li->end) {
                double at = parse_time(s, li->text_start, li->end), lead;
                size_t q = bracketed_time(s, li->text_start, li->end, &lead);
                if (at < 0 && q && q < li->end && is_space(s[q]) && lay.turns.v[cur].start < 0)
                    lay.turns.v[cur].start = lead; /* "Name: [00:00:12] text" (Sonix) */
                if (at >= 0) {
                    lay.turns.v[cur].start = at;
                } else {
                    size_t from = li->text_start, ns = 0, ne = 0, after = 0;
                    for (;;) { /* a voice span further on ("... <v Bo>and then") starts a turn */
                        size_t v =
                            li->voice ? next_voice(s, from, li->end, &ns, &ne, &after) : li->end;
                        size_t to = v;
                        while (to > from && is_space(s[to - 1]))
                            to--;
                        if (to > from) {
                            sm_segment seg = {(uint32_t)from, (uint32_t)to, SEP_NONE};
                            if (VEC_PUSH(lay.segs, seg)) goto oom;
                            lay.turns.v[cur].seg_count++;
                            if (!li->overlap && add_events(s, from, to, cur, &lay)) goto oom;
                        }
                        if (v >= li->end) break;
                        sm_rawturn next = {LAYOUT_NONE, (uint32_t)lay.segs.n, 0, (uint32_t)v, -1};
                        next.speaker = layout_name(&lay, s + ns, ne - ns);
                        if (next.speaker == LAYOUT_NONE || VEC_PUSH(lay.turns, next)) goto oom;
                        cur = (uint32_t)lay.turns.n - 1;
                        from = after;
                    }
                    seg_open = lay.turns.v[cur].seg_count > 0;
                }
            }
            continue;
        }
        /* an ordinary line of text */
        if (!in_speech) {
            if (add_events(s, li->start, li->end, LAYOUT_NONE, &lay)) goto oom;
            continue;
        }
        if (cur == LAYOUT_NONE || (labelless && blank_since && pending != SEP_SPACE)) {
            sm_rawturn turn = {LAYOUT_NONE, (uint32_t)lay.segs.n, 0, li->start, -1};
            double lead; /* "(00:01:02) Good evening": a paragraph's time starts its turn */
            size_t q = bracketed_time(s, li->start, li->end, &lead);
            if (q && q < li->end && is_space(s[q])) turn.start = lead;
            if (VEC_PUSH(lay.turns, turn)) goto oom;
            cur = (uint32_t)lay.turns.n - 1;
            seg_open = 0;
            pending = SEP_NONE;
        }
        sm_rawturn *tr = &lay.turns.v[cur];
        if (seg_open && li->margin) pending = SEP_SPACE; /* the number between is no text */
        if (seg_open && !li->margin) {
            lay.segs.v[lay.segs.n - 1].end = li->end;
        } else {
            uint8_t sep = tr->seg_count == 0 ? SEP_NONE : pending ? pending : SEP_PARAGRAPH;
            sm_segment seg = {li->start, li->end, sep};
            if (VEC_PUSH(lay.segs, seg)) goto oom;
            tr->seg_count++;
            seg_open = 1;
        }
        pending = SEP_NONE;
        blank_since = 0;
        if (!li->overlap && add_events(s, li->start, li->end, cur, &lay)) goto oom;
    }

    free(lines);
    free(counts);
    lex_free(&cands);
    lex_free(&furn);
    VEC_FREE(fcount);
    VEC_FREE(fbad);
    buf_free(&key);
    *out = lay;
    return 0;
oom_f:
    free(fkey);
oom:
    free(lines);
    free(counts);
    lex_free(&cands);
    lex_free(&furn);
    VEC_FREE(fcount);
    VEC_FREE(fbad);
    buf_free(&key);
    layout_free(&lay);
    return sm_errorf(err, "%s: out of memory while reading turns", name);
}
