/* layout.h: what a format reader finds in a document, before any tokenising.
 *
 * A reader (plaintext.c today; one file per format later) turns normalised text into turns made
 * of segments (ranges of the text), speaker names, bracketed events, and the document's own
 * metadata. Turns refer to the text by range, so every word can be traced back to its bytes.
 * A turn cut by a page break is one turn with two segments. */
#ifndef SAMTAL_LAYOUT_H
#define SAMTAL_LAYOUT_H

#include <stdint.h>

#include "error.h"
#include "text.h"
#include "vec.h"

#define LAYOUT_NONE UINT32_MAX

/* What joins a segment to the one before it in its turn. */
enum { SEP_NONE = 0, SEP_SPACE = 1 /* across a page break */, SEP_PARAGRAPH = 2 };

typedef struct sm_segment {
    uint32_t start, end; /* range in the normalised text */
    uint8_t sep;         /* how it joins the segment before it (SEP_NONE for the first) */
} sm_segment;

typedef struct sm_rawturn {
    uint32_t speaker; /* offset of the name in names (NUL-terminated), or LAYOUT_NONE */
    uint32_t seg_first, seg_count;
    uint32_t label; /* offset in the text where the turn's label (or text) starts */
    double start;   /* start time in seconds, or -1 */
} sm_rawturn;

typedef struct sm_rawevent {
    uint32_t start, end; /* the whole mark, brackets included */
    uint32_t turn;       /* index of the turn it stands in, or LAYOUT_NONE */
} sm_rawevent;

typedef struct sm_participant {
    uint32_t kind, name, role; /* offsets in names, or LAYOUT_NONE */
} sm_participant;

/* A stretch of the text the source gives times for (a word-level segment of a Podcasting 2.0
 * transcript): its tokens take these times. */
typedef struct sm_timespan {
    uint32_t start, end;   /* the range in the text */
    double t_start, t_end; /* seconds, or -1 */
} sm_timespan;

/* A start and a stop in seconds (-1: not known). */
typedef struct sm_times {
    double start, stop;
} sm_times;

/* A token given by the source (VRT), not found by UAX #29. */
typedef struct sm_pretoken {
    uint32_t start, end;    /* its form in the (synthetic) text */
    uint32_t attr_first;    /* its attribute values: attr_values[attr_first .. + nattrs) */
    uint8_t sentence_start; /* a <s> began right before it */
} sm_pretoken;

typedef struct sm_layout {
    VEC(sm_segment) segs;
    VEC(sm_rawturn) turns;
    VEC(double) stops; /* per turn, its stop time in seconds or -1; empty: the reader knows none */
    VEC(sm_timespan) timed; /* stretches with times of their own, in text order; usually none */
    VEC(sm_rawevent) events;
    VEC(sm_participant) participants;
    VEC(uint32_t) pages;             /* offset where each page starts; pages.n is the page count */
    sm_buf names;                    /* speaker names and participant fields, each NUL-terminated */
    uint32_t title_start, title_end; /* empty if none */
    uint32_t preamble_start, preamble_end; /* text before the first turn; empty if none */
    /* Pre-tokenised sources only (VRT): the tokens in order, and per token the values of its
     * positional attributes after the word (offsets in names, or LAYOUT_NONE). */
    VEC(sm_pretoken) pretokens;
    VEC(uint32_t) attr_names; /* offsets in names: "lemma", "pos", ... */
    VEC(uint32_t) attr_values;
} sm_layout;

/* Frees a layout; a zeroed one is fine. */
void layout_free(sm_layout *lay);

/* Stores a NUL-terminated copy of s[0..len) in lay->names, unless it is one of the last few names
 * stored there; returns its offset or LAYOUT_NONE. */
uint32_t layout_name(sm_layout *lay, const char *s, size_t len);

/* Reads labelled plain text (see plaintext.c for the rules). Returns 0, or -1 with err set. */
int layout_plaintext(const char *name, const sm_text *t, sm_layout *out, sm_error *err);

/* The rule for event marks ("[musik]", "[Music]", "[*inaudible*]", "(applåder)"), the same in
 * every reader that finds them in text (plaintext.c, vtt.c): square brackets around 1 to 60
 * bytes that start with a letter (markdown emphasis allowed) and are not a markdown link; round
 * brackets the same, only with `parens` (a line of nothing but marks: inside speech a parenthesis
 * is speech). Returns the offset after the mark that starts at s[p], or 0 if none does. */
size_t layout_event_end(const char *s, size_t p, size_t end, int parens);

/* Whether s[p..end) holds nothing but event marks (round brackets too) and white space. */
int layout_events_only(const char *s, size_t p, size_t end);

/* Whether a decoded text is CWB's verticalised text (VRT): a name ending in .vrt, or a first
 * non-blank line that is a <text>, <corpus> or <!-- #vrt --> line. */
int layout_is_vrt(const char *name, const sm_text *t);

/* Reads VRT (see vrt.c). On success *t is replaced by a text made of the tokens (turns as lines
 * joined by spaces), whose offset map and lines still point into the original source, and *out
 * holds the turns and the pre-tokenised tokens with their attributes. `names` (may be NULL) gives
 * the positional attributes after the word when the file does not name them. */
int layout_vrt(const char *name, sm_text *t, const char *const *names, sm_layout *out,
               sm_error *err);

/* Whether a decoded text is WebVTT: a name ending in .vtt, or text starting with "WEBVTT". */
int layout_is_vtt(const char *name, const sm_text *t);

/* Reads WebVTT (see vtt.c). On success *t is replaced by a text made of the cue texts (a turn per
 * paragraph, cues joined by spaces; timings, markup and labels left out), whose offset map and
 * lines still point into the original source, and *out holds the turns, their speakers (voice
 * spans, "Name:" labels) and start times. A damaged cue is an error naming file and line. */
int layout_vtt(const char *name, sm_text *t, sm_layout *out, sm_error *err);

/* Whether a decoded text is SubRip (SRT): a name ending in .srt, or a first non-blank line that
 * is a number followed by a "-->" timing line; or YouTube's SBV (layout_is_sbv), which the SRT
 * reader reads too. */
int layout_is_srt(const char *name, const sm_text *t);

/* Whether a decoded text is YouTube's SBV captions: a name ending in .sbv whose first non-blank
 * line has no "-->", or a first non-blank line that is an SBV timing line
 * ("0:00:01.000,0:00:04.000") with most blocks starting with one. */
int layout_is_sbv(const char *name, const sm_text *t);

/* Reads SRT, or SBV where layout_is_sbv says so, as layout_vtt does WebVTT (see srt.c and
 * vtt.c). */
int layout_srt(const char *name, sm_text *t, sm_layout *out, sm_error *err);
/* YouTube's SBV, whatever the name and first line say (format = "sbv"). */
int layout_sbv(const char *name, sm_text *t, sm_layout *out, sm_error *err);

/* The cue reader behind all three (vtt.c); kind says whose timing lines to look for. */
enum { CUES_VTT = 0, CUES_SRT = 1, CUES_SBV = 2 };
int layout_cues(const char *name, sm_text *t, int kind, sm_layout *out, sm_error *err);

/* Whether s[0..n) is an SBV timing line: h:mm:ss.mmm "," h:mm:ss.mmm, blanks around allowed. */
int layout_sbv_timing(const char *s, size_t n);

/* Whether a decoded text is a Podcasting 2.0 JSON transcript: a name ending in .json, or a JSON
 * object with a "segments" member. */
int layout_is_json(const char *name, const sm_text *t);

/* Reads a Podcasting 2.0 JSON transcript (see podcast.c), as layout_vtt does WebVTT: *t is
 * replaced by the turns' decoded text, whose offset map points each character back to its bytes
 * in the source (an escape such as \u00e5 as a whole). Consecutive segments of one speaker form a
 * turn, started at its first segment's startTime. Invalid JSON is an error naming file, line,
 * column and what was expected. */
int layout_json(const char *name, sm_text *t, sm_layout *out, sm_error *err);

/* Whether a decoded text is Whisper's TSV (openai-whisper --output_format tsv): its first line is
 * "start<TAB>end<TAB>text", whatever the name (a .tsv file without it is no transcript). */
int layout_is_tsv(const char *name, const sm_text *t);

/* Reads Whisper's TSV (see podcast.c) as layout_json reads whisper.cpp's JSON: a segment a line,
 * "start<TAB>end<TAB>text" in milliseconds, the segments one turn without speaker. A line that is
 * no such segment is an error naming file and line. */
int layout_tsv(const char *name, sm_text *t, sm_layout *out, sm_error *err);

/* Whether a decoded text is a Podcasting 2.0 HTML transcript: a name ending in .html or .htm,
 * or text starting with a doctype, <html>, <head>, <body>, <meta>, <cite>, <time> or <p>. */
int layout_is_html(const char *name, const sm_text *t);

/* Reads a Podcasting 2.0 HTML transcript (<cite>Name:</cite> <time>0:00</time> <p>text</p>,
 * see podcast.c) like layout_json: tags left out, character references decoded and mapped to
 * their bytes, the <title> as the document's title. */
int layout_html(const char *name, sm_text *t, sm_layout *out, sm_error *err);

/* Whether `name` is a ParlaMint text file: it ends in .txt, a "-meta.tsv" file with the same
 * stem stands next to it, and its first line is an utterance id, a tab and text. */
int layout_is_parlamint(const char *name, const sm_text *t);

/* Reads a ParlaMint text file (see parlamint.c): a turn per "id<TAB>speech" line, its speaker
 * the Speaker_name of that id in the -meta.tsv file next to it. The text stays as it is. */
int layout_parlamint(const char *name, const sm_text *t, sm_layout *out, sm_error *err);

/* Formats a document can be read as; FORMAT_AUTO detects it from name and content. */
enum {
    FORMAT_AUTO = 0,
    FORMAT_TEXT,
    FORMAT_VRT,
    FORMAT_VTT,
    FORMAT_SRT,
    FORMAT_JSON,
    FORMAT_HTML,
    FORMAT_PARLAMINT,
    FORMAT_SBV,
    FORMAT_TSV
};

/* The FORMAT_* of a name ("auto", "text", "vrt", "vtt", "srt", "json", "html", "parlamint", "sbv",
 * "tsv"),
 * or -1 (corpus.c). */
int layout_format_by_name(const char *name);

#endif
