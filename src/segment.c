/* segment.c: UAX #29 word and sentence boundaries.
 *
 * Each function walks forward from a boundary, decoding each code point once (the one that ends
 * a segment again in the next call, look-ahead ones again when the rule holds), and keeps just
 * enough of what it has seen to decide the rules that look back: the last two classes with
 * Extend/Format/ZWJ skipped (WB4, SB5), the last raw class (WB3c, WB3d), the parity of a
 * regional indicator run (WB15/16), and for sentences where it stands in "SATerm Close* Sp*"
 * (SB6-SB11). The rules that look ahead (WB6, WB7b, WB12, SB8) scan from a copy of the position,
 * and only once their left side has matched, which in running text is rare.
 *
 * Starting fresh at pos loses nothing: no context before a boundary can change a later one.
 * A rule that looks back past its pair (WB7, WB7c, WB11) mirrors one that looks ahead (WB6,
 * WB7b, WB12), which would already have joined the pair at pos; a regional indicator run is cut
 * only after an even number of its members; and a sentence is cut only before a character that
 * leaves the "SATerm Close* Sp*" context. */
#include "segment.h"

#include <stdint.h>
#include <string.h>

#include "break_props.h"

#define BIT(c) (1u << (c))

/* Decodes the code point at s[i], i < len, whose first byte is not ASCII, into *cp and returns
 * its length in bytes. A byte that does not start a well-formed sequence (RFC 3629: no overlong
 * forms, surrogates or values past U+10FFFF, no sequence cut by len) is U+FFFD of length 1, so
 * the caller resynchronises on the next byte. */
static size_t utf8_decode_multi(const unsigned char *s, size_t len, size_t i, uint32_t *cp) {
    uint32_t c = s[i];
    size_t avail = len - i;
    if (c >= 0xC2 && c <= 0xDF) {
        if (avail >= 2 && (s[i + 1] & 0xC0) == 0x80) {
            *cp = ((c & 0x1F) << 6) | (s[i + 1] & 0x3Fu);
            return 2;
        }
    } else if (c >= 0xE0 && c <= 0xEF) {
        /* The second byte's range excludes overlong forms (E0) and surrogates (ED). */
        uint32_t lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        if (avail >= 3 && s[i + 1] >= lo && s[i + 1] <= hi && (s[i + 2] & 0xC0) == 0x80) {
            *cp = ((c & 0x0F) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
            return 3;
        }
    } else if (c >= 0xF0 && c <= 0xF4) {
        /* Likewise overlong forms (F0) and values past U+10FFFF (F4). */
        uint32_t lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        if (avail >= 4 && s[i + 1] >= lo && s[i + 1] <= hi && (s[i + 2] & 0xC0) == 0x80 &&
            (s[i + 3] & 0xC0) == 0x80) {
            *cp = ((c & 0x07) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) |
                  (s[i + 3] & 0x3Fu);
            return 4;
        }
    }
    *cp = 0xFFFD;
    return 1;
}

/* The same for any first byte; ASCII, most of the text, is decoded inline. */
static inline size_t utf8_decode(const unsigned char *s, size_t len, size_t i, uint32_t *cp) {
    if (s[i] < 0x80) {
        *cp = s[i];
        return 1;
    }
    return utf8_decode_multi(s, len, i, cp);
}

/* ---- Words ---- */

/* A class beyond the Word_Break values: the hyphens that SEG_JOIN_HYPHENS keeps inside words.
 * Their Word_Break value is Other, so giving them a class of their own changes nothing else. */
#define WB_HYPHEN WB_COUNT

#define W(c) BIT(WB_##c)
#define WB_NEWLINES (W(CR) | W(LF) | W(NEWLINE))
#define WB_IGNORED (W(EXTEND) | W(FORMAT) | W(ZWJ)) /* WB4 */
#define WB_AHLETTER (W(ALETTER) | W(HEBREW_LETTER))
#define WB_MIDLETTERQ (W(MIDLETTER) | W(MIDNUMLET) | W(SINGLE_QUOTE)) /* WB6, WB7 */
#define WB_MIDNUMQ (W(MIDNUM) | W(MIDNUMLET) | W(SINGLE_QUOTE))       /* WB11, WB12 */
#define WB_HYPHENATED (WB_AHLETTER | W(NUMERIC)) /* what SEG_JOIN_HYPHENS joins */
/* The classes that some rule from WB5 on can join to what follows. */
#define WB_JOINS_AFTER                                                                             \
    (WB_AHLETTER | W(NUMERIC) | W(KATAKANA) | W(EXTENDNUMLET) | W(REGIONAL_INDICATOR) |            \
     WB_MIDLETTERQ | WB_MIDNUMQ | W(DOUBLE_QUOTE) | BIT(WB_HYPHEN))

static inline int wb_class(uint32_t cp, unsigned flags) {
    if ((flags & SEG_JOIN_HYPHENS) && (cp == 0x2D || cp == 0x2010 || cp == 0x2011))
        return WB_HYPHEN;
    return wb_property(cp);
}

/* The class of the first code point at or after s[i] that WB4 does not skip; WB_OTHER at the
 * end of the text, which none of the look-ahead rules accepts. */
static int wb_ahead(const unsigned char *s, size_t len, size_t i) {
    while (i < len) {
        uint32_t cp;
        i += utf8_decode(s, len, i, &cp);
        int c = wb_property(cp);
        if (!(BIT(c) & WB_IGNORED)) return c;
    }
    return WB_OTHER;
}

/* Whether WB5-WB16 (or the hyphen tailoring) join the pair prev | q, where q is followed by
 * s[next] and p2 is the class before prev. All of them are "don't break" rules with
 * only WB999 after them, so their order does not matter. */
static int wb_joins(const unsigned char *s, size_t len, size_t next, int p2, int prev, int q,
                    int ri_odd) {
    uint32_t pb = BIT(prev), qb = BIT(q);
    if (!(pb & WB_JOINS_AFTER)) return 0; /* spaces, punctuation: the common quick exit */
    if (pb & WB_AHLETTER) {
        if (qb & (WB_AHLETTER | W(NUMERIC) | W(EXTENDNUMLET))) return 1; /* WB5, WB9, WB13a */
        if (prev == WB_HEBREW_LETTER) {
            if (q == WB_SINGLE_QUOTE) return 1; /* WB7a */
            if (q == WB_DOUBLE_QUOTE && wb_ahead(s, len, next) == WB_HEBREW_LETTER)
                return 1; /* WB7b */
        }
        if ((qb & WB_MIDLETTERQ) && (BIT(wb_ahead(s, len, next)) & WB_AHLETTER)) return 1; /* WB6 */
    } else if (prev == WB_NUMERIC) {
        if (qb & (WB_AHLETTER | W(NUMERIC) | W(EXTENDNUMLET))) return 1; /* WB8, WB10, WB13a */
        if ((qb & WB_MIDNUMQ) && wb_ahead(s, len, next) == WB_NUMERIC) return 1; /* WB12 */
    } else if (prev == WB_KATAKANA) {
        if (qb & (W(KATAKANA) | W(EXTENDNUMLET))) return 1; /* WB13, WB13a */
    } else if (prev == WB_EXTENDNUMLET) {
        if (qb & (WB_AHLETTER | W(NUMERIC) | W(KATAKANA) | W(EXTENDNUMLET)))
            return 1; /* WB13a, WB13b */
    } else if (prev == WB_REGIONAL_INDICATOR) {
        return q == WB_REGIONAL_INDICATOR && ri_odd; /* WB15, WB16 */
    } else if ((pb & WB_MIDLETTERQ) && (qb & WB_AHLETTER) && (BIT(p2) & WB_AHLETTER)) {
        return 1; /* WB7 */
    } else if (prev == WB_DOUBLE_QUOTE && q == WB_HEBREW_LETTER && p2 == WB_HEBREW_LETTER) {
        return 1; /* WB7c */
    }
    /* Not else-if: MidNumLet and Single_Quote are in both WB7's and WB11's left context. */
    if ((pb & WB_MIDNUMQ) && q == WB_NUMERIC && p2 == WB_NUMERIC) return 1; /* WB11 */

    /* The tailoring: word-hyphen-word, the words not both numbers. */
    if (q == WB_HYPHEN && (pb & WB_HYPHENATED)) {
        int la = wb_ahead(s, len, next);
        return (BIT(la) & WB_HYPHENATED) && !(prev == WB_NUMERIC && la == WB_NUMERIC);
    }
    if (prev == WB_HYPHEN && (qb & WB_HYPHENATED) && (BIT(p2) & WB_HYPHENATED))
        return !(p2 == WB_NUMERIC && q == WB_NUMERIC);
    return 0;
}

size_t seg_next_word_rules(const char *text, size_t len, size_t pos, unsigned flags) {
    const unsigned char *s = (const unsigned char *)text;
    if (pos >= len) return len;

    uint32_t cp;
    size_t i = pos + utf8_decode(s, len, pos, &cp);
    int prev = wb_class(cp, flags);
    if (BIT(prev) & WB_NEWLINES) { /* WB3, WB3a */
        if (prev == WB_CR && i < len && s[i] == '\n') i++;
        return i;
    }
    /* prev and p2 are the last two classes with WB4's Extend/Format/ZWJ skipped (a first
     * character keeps its own class even if it is one of those); raw is the last one as is. */
    int p2 = WB_OTHER, raw = prev;
    int ri_odd = prev == WB_REGIONAL_INDICATOR; /* an odd number of RIs end at prev */

    if (prev == WB_WSEGSPACE && i < len && s[i] < 0x80 && s[i] != ' ')
        return i; /* one space before ASCII, most spaces: no ASCII character is Extend or joins */
    while (i < len) {
        size_t n;
        if (prev == WB_ALETTER && (n = seg_letter_bytes(s, len, i)) != 0) {
            /* The bulk of running text, letters of ASCII and Latin-1 after a letter, joined by
             * WB5 (U+00C0..U+00FF as two bytes of UTF-8: C3 80..BF). */
            do
                i += n;
            while ((n = seg_letter_bytes(s, len, i)) != 0);
            p2 = raw = WB_ALETTER;
            ri_odd = 0;
            continue;
        }
        n = utf8_decode(s, len, i, &cp);
        int q = wb_class(cp, flags);
        if (BIT(q) & WB_NEWLINES) return i; /* WB3b */
        if (BIT(q) & WB_IGNORED) {          /* WB4; no Extended_Pictographic is one of these */
            raw = q;
            i += n;
            continue;
        }
        if (!((raw == WB_ZWJ && is_extended_pictographic(cp)) || /* WB3c */
              (raw == WB_WSEGSPACE && q == WB_WSEGSPACE) ||      /* WB3d */
              wb_joins(s, len, i + n, p2, prev, q, ri_odd)))
            return i; /* WB999 */
        ri_odd = q == WB_REGIONAL_INDICATOR && !(prev == WB_REGIONAL_INDICATOR && ri_odd);
        p2 = prev;
        prev = raw = q;
        i += n;
    }
    return len; /* WB2 */
}

/* ---- Sentences ---- */

#define S(c) BIT(SB_##c)
#define SB_PARASEP (S(SEP) | S(CR) | S(LF))
#define SB_SATERM (S(STERM) | S(ATERM))
#define SB_IGNORED (S(EXTEND) | S(FORMAT)) /* SB5 */

/* Where the text before the current position stands in SB9-SB11's "SATerm Close* Sp*". */
enum { AFTER_TEXT, AFTER_TERM, AFTER_CLOSE, AFTER_SP };

/* SB8: after "ATerm Close* Sp*", the first code point at or after s[i] that is OLetter, Upper,
 * Lower, ParaSep or SATerm. If it is Lower, returns the offset just past it (the sentence goes
 * on through it); otherwise 0, which cannot be such an offset. */
static size_t sb8_lower_ahead(const unsigned char *s, size_t len, size_t i) {
    const uint32_t stop = S(OLETTER) | S(UPPER) | S(LOWER) | SB_PARASEP | SB_SATERM;
    while (i < len) {
        uint32_t cp;
        i += utf8_decode(s, len, i, &cp);
        int c = sb_property(cp);
        if (BIT(c) & stop) return c == SB_LOWER ? i : 0;
    }
    return 0;
}

/* The end of a run of plain text inside a sentence from i: the first byte at or after i that
 * neither is ASCII nor starts a letter of U+00C0..U+00FF (C3 80..BF), or is a terminator or
 * separator ('.', '!', '?', CR, LF: the ASCII characters whose Sentence_Break is ATerm, STerm, CR
 * or LF; none of U+00C0..U+00FF is one, nor Extend or Format), or len. Eight bytes at a time
 * while none is; the å, ä and ö of Swedish text no longer end the run. */
static size_t sentence_text_end(const unsigned char *s, size_t i, size_t len) {
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    for (;;) {
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            uint64_t a = w ^ (ones * '.'), b = w ^ (ones * '!'), c = w ^ (ones * '?');
            uint64_t d = w ^ (ones * '\n'), e = w ^ (ones * '\r');
            uint64_t zero = ((a - ones) & ~a) | ((b - ones) & ~b) | ((c - ones) & ~c) |
                            ((d - ones) & ~d) | ((e - ones) & ~e);
            if ((zero | w) & highs) break;
            i += 8;
        }
        while (i < len && s[i] < 0x80 && !(BIT(brk_sb_latin1[s[i]]) & (SB_SATERM | SB_PARASEP)))
            i++;
        if (!(i + 1 < len && s[i] == 0xC3 && (s[i + 1] & 0xC0) == 0x80)) return i;
        i += 2;
    }
}

/* The class of the code point that ends just before s[i], which sentence_text_end passed. */
static int sentence_text_last(const unsigned char *s, size_t i) {
    if (s[i - 1] < 0x80) return brk_sb_latin1[s[i - 1]];
    return brk_sb_latin1[0xC0 | (s[i - 1] & 0x3F)];
}

size_t seg_next_sentence(const char *text, size_t len, size_t pos) {
    const unsigned char *s = (const unsigned char *)text;
    int prev = SB_OTHER;               /* the last class, SB5's Extend/Format skipped */
    int before = SB_OTHER;             /* the class before the last SATerm, for SB7 */
    int state = AFTER_TEXT, aterm = 0; /* aterm: the SATerm in state was an ATerm */

    for (size_t i = pos; i < len;) {
        if (state == AFTER_TEXT) {
            /* Inside a sentence only a terminator or a separator matters; no character of
             * U+0000..U+00FF is Extend or Format, so the others just become prev. */
            size_t plain = 0;
            if (s[i] < 0x80)
                plain = !(BIT(brk_sb_latin1[s[i]]) & (SB_SATERM | SB_PARASEP));
            else if (s[i] == 0xC3 && i + 1 < len && (s[i + 1] & 0xC0) == 0x80)
                plain = 2;
            if (plain) {
                i = sentence_text_end(s, i + plain, len);
                prev = sentence_text_last(s, i);
                continue;
            }
        }
        uint32_t cp;
        size_t n = utf8_decode(s, len, i, &cp);
        int q = sb_property(cp);
        uint32_t qb = BIT(q);

        /* Decide the boundary before q. Only SB11 breaks (SB4 is handled below), and only after
         * "SATerm Close* Sp*"; the first character is never in that state. */
        if (state != AFTER_TEXT && !(qb & SB_IGNORED)) {
            if ((qb & (SB_PARASEP | S(SP) | S(SCONTINUE) | SB_SATERM)) ||
                (q == SB_CLOSE && state != AFTER_SP)) {
                /* SB8a, SB9, SB10: the terminator's context goes on */
            } else if (aterm && state == AFTER_TERM &&
                       (q == SB_NUMERIC ||
                        (q == SB_UPPER && (BIT(before) & (S(UPPER) | S(LOWER)))))) {
                /* SB6, SB7: "3.14", "U.S.A." */
            } else {
                size_t after = aterm ? sb8_lower_ahead(s, len, i) : 0;
                if (!after) return i; /* SB11 */
                /* SB8: everything up to that Lower stays in the sentence, and nothing in
                 * between is a terminator or a separator, so go on from just past it. */
                i = after;
                prev = SB_LOWER;
                state = AFTER_TEXT;
                continue;
            }
        }
        i += n;
        if (qb & SB_PARASEP) { /* SB4, after SB3's CR LF */
            if (q == SB_CR && i < len && s[i] == '\n') i++;
            return i;
        }
        if ((qb & SB_IGNORED) && i - n > pos) continue; /* SB5 */

        if (qb & SB_SATERM) {
            before = prev;
            state = AFTER_TERM;
            aterm = q == SB_ATERM;
        } else if (q == SB_CLOSE && (state == AFTER_TERM || state == AFTER_CLOSE)) {
            state = AFTER_CLOSE;
        } else if (q == SB_SP && state != AFTER_TEXT) {
            state = AFTER_SP;
        } else {
            state = AFTER_TEXT;
        }
        prev = q;
    }
    return len; /* SB2 */
}
