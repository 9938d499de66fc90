/* break_props.h: the Unicode properties that UAX #29 word and sentence segmentation needs.
 *
 * utf8proc has no Word_Break or Sentence_Break property, so the tables are generated from
 * Unicode's own data files at build time (src/gen_break_tables.lua writes break_tables.c,
 * which break_props.c includes). The lookups are pure functions of the code point: no state,
 * no allocation, safe from any thread. */
#ifndef SAMTAL_BREAK_PROPS_H
#define SAMTAL_BREAK_PROPS_H

#include <stdint.h>

/* Word_Break values (UAX #29, table 3). The generator spells each value of
 * WordBreakProperty.txt as WB_ plus its name in upper case, so these names must stay that way.
 * Other is 0: every code point the file does not list. */
typedef enum wb_prop {
    WB_OTHER = 0,
    WB_CR,
    WB_LF,
    WB_NEWLINE,
    WB_EXTEND,
    WB_ZWJ,
    WB_REGIONAL_INDICATOR,
    WB_FORMAT,
    WB_KATAKANA,
    WB_HEBREW_LETTER,
    WB_ALETTER,
    WB_SINGLE_QUOTE,
    WB_DOUBLE_QUOTE,
    WB_MIDNUMLET,
    WB_MIDLETTER,
    WB_MIDNUM,
    WB_NUMERIC,
    WB_EXTENDNUMLET,
    WB_WSEGSPACE,
    WB_COUNT
} wb_prop;

/* Sentence_Break values (UAX #29, table 4), named the same way from SentenceBreakProperty.txt. */
typedef enum sb_prop {
    SB_OTHER = 0,
    SB_CR,
    SB_LF,
    SB_EXTEND,
    SB_SEP,
    SB_FORMAT,
    SB_SP,
    SB_LOWER,
    SB_UPPER,
    SB_OLETTER,
    SB_NUMERIC,
    SB_ATERM,
    SB_SCONTINUE,
    SB_STERM,
    SB_CLOSE,
    SB_COUNT
} sb_prop;

/* Packs one entry of a generated range table: the value holds from `first` up to the next
 * entry's first code point. Entries are sorted and cover U+0000..U+10FFFF without gaps, so a
 * lookup is a search for the last entry whose first is <= cp. */
#define BRK_RANGE(first, value) (((uint32_t)(first) << 8) | (uint32_t)(value))

/* The generated direct tables for U+0000..U+00FF (uint8_t holding wb_prop and sb_prop values),
 * and the range searches for the rest; use the functions below. */
extern const uint8_t brk_wb_latin1[256];
extern const uint8_t brk_sb_latin1[256];
wb_prop brk_wb_search(uint32_t cp);
sb_prop brk_sb_search(uint32_t cp);

/* The Word_Break property of cp; WB_OTHER for anything beyond U+10FFFF. Inline because the
 * segmenters ask once per code point, and nearly all of samtal's text is below U+0100. */
static inline wb_prop wb_property(uint32_t cp) {
    return cp < 256 ? (wb_prop)brk_wb_latin1[cp] : brk_wb_search(cp);
}

/* The Sentence_Break property of cp; SB_OTHER for anything beyond U+10FFFF. */
static inline sb_prop sb_property(uint32_t cp) {
    return cp < 256 ? (sb_prop)brk_sb_latin1[cp] : brk_sb_search(cp);
}

/* 1 if cp has Extended_Pictographic=Yes (emoji-data.txt), else 0. */
int is_extended_pictographic(uint32_t cp);

#endif
