-- Formats: Podcasting 2.0 JSON and HTML transcripts, ParlaMint's text files with their speaker
-- tables, the format option, and directory loading. Counts are taken by hand (in the comments)
-- and from the raw files by the spec's own readers; every token is checked against its bytes.
local samtal = require "samtal"
local h = require "helpers"

local DIR = "spec/fixtures/formats/"
local JSON = DIR .. "episode.json"
local HTML = DIR .. "episode.html"
local PARLAMINT = h.shared .. "parlamint-se/"
local PARLAMINT_FILES = { "ParlaMint-SE_2020-04-16-prot-201920--106", "ParlaMint-SE_2022-05-13-prot-202122--113" }

--- JSON string escapes decoded, independently of samtal (a surrogate pair is one character).
local function unescape_json(s)
  s = s:gsub("\\u([dD][89abAB]%x%x)\\u([dD][c-fC-F]%x%x)", function(hi, lo)
    return utf8.char(0x10000 + (tonumber(hi, 16) - 0xD800) * 0x400 + (tonumber(lo, 16) - 0xDC00))
  end)
  s = s:gsub("\\u(%x%x%x%x)", function(x) return utf8.char(tonumber(x, 16)) end)
  local simple = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" }
  return (s:gsub("\\(.)", simple))
end

--- The HTML character references the fixture uses, decoded independently of samtal.
local ENTITIES = { auml = "ä", aring = "å", ouml = "ö", ndash = "–", amp = "&", lt = "<", gt = ">" }
local function unescape_html(s)
  s = s:gsub("&#[xX](%x+);", function(x) return utf8.char(tonumber(x, 16)) end)
  s = s:gsub("&#(%d+);", function(d) return utf8.char(tonumber(d)) end)
  return (s:gsub("&(%a+);", ENTITIES))
end

local function all_turns(c)
  local list = {}
  for t in c:turns() do list[#list + 1] = t end
  return list
end

--- Every token's bytes in the source file, decoded by `decode`, are its form.
local function assert_tokens_map_back(c, path, decode)
  local src = h.read(path)
  for i = 1, c:stats().tokens do
    local tok = c:token(i)
    local raw = src:sub(tok.offset + 1, tok.offset + tok.length)
    assert.are.equal(tok.form, decode(raw), ("token %d %q: %q"):format(i, tok.form, raw))
  end
end

--- The line and column (in characters) of byte offset `at` (0-based) of s, and whether it exists.
local function line_col(s, at)
  local before = s:sub(1, at)
  local line = select(2, before:gsub("\n", "")) + 1
  return line, utf8.len(before:match("[^\n]*$")) + 1
end

describe("samtal", function()
  after_each(h.cleanup)

  describe("open() of a Podcasting 2.0 JSON transcript", function()
    -- By hand, episode.json: 7 segments; Anna's three word-level segments and a segment without
    -- speaker ("Idag:") are turn 1 (0.5 s); Bo's sentence is turn 2 (3 s); Anna again, with a
    -- "speaker": null segment continuing her, is turn 3 (6.0 s).
    -- Words: Hej och välkommen Idag (4) + Tack Anna Jag såg Nära vård igår (7) + Bra så (2) = 13;
    -- tokens add ! : (turn 1), , . " " 😀 (turn 2) and . (turn 3): 6 + 12 + 3 = 21.

    it("makes a turn of each run of one speaker's segments, starting at its first segment", function()
      local c = samtal.open(JSON)
      local turns = all_turns(c)
      assert.are.equal(3, #turns)
      assert.are.same({ "Anna", "Bo", "Anna" }, { turns[1].speaker, turns[2].speaker, turns[3].speaker })
      assert.are.same({ 0.5, 3, 6.0 }, { turns[1].start, turns[2].start, turns[3].start })
      local speakers = c:speakers()
      assert.are.same({ "Anna", 2, "Bo", 1 }, { speakers[1].name, speakers[1].turns, speakers[2].name, speakers[2].turns })
      assert.are.equal(13, c:stats().words)
      assert.are.equal(21, c:stats().tokens)
    end)

    it("agrees with the segments as lua-cjson reads them", function()
      local ok, cjson = pcall(require, "cjson")
      if not ok then return end -- the hand counts above still hold
      local want, cur = {}, nil
      for _, seg in ipairs(cjson.decode(h.read(JSON)).segments) do
        local who = seg.speaker ~= cjson.null and seg.speaker or nil
        if (who and who ~= cur) or not cur then
          want[#want + 1] = { speaker = who, start = seg.startTime }
          cur = who or cur
        end
      end
      local got = all_turns(samtal.open(JSON))
      assert.are.equal(#want, #got)
      for k, w in ipairs(want) do
        assert.are.same({ w.speaker, w.start }, { got[k].speaker, got[k].start })
      end
    end)

    it("joins the bodies with spaces, escapes decoded and white space collapsed", function()
      local turns = all_turns(samtal.open(JSON))
      assert.are.equal("Hej och välkommen! Idag:", turns[1].text)
      assert.are.equal('Tack, Anna. Jag såg "Nära vård" igår 😀', turns[2].text) -- "\n" is a space
      assert.are.equal("Bra så.", turns[3].text)
      assert.are.same({ 5, 9, 11 }, { turns[1].line, turns[2].line, turns[3].line }) -- first word's line
    end)

    it("maps every token back to its bytes in the file, an escaped character to its escape", function()
      local c = samtal.open(JSON)
      assert_tokens_map_back(c, JSON, unescape_json)
      local src = h.read(JSON)
      local function raw(i)
        local tok = c:token(i)
        return src:sub(tok.offset + 1, tok.offset + tok.length), tok
      end
      assert.are.equal("v\\u00e4lkommen", raw(3))
      assert.are.equal('\\"', raw(13))
      local emoji, tok = raw(18)
      assert.are.equal("\\ud83d\\ude00", emoji) -- a surrogate pair: one character, twelve bytes
      assert.are.equal("symbol", tok.kind)
      assert.are.equal(9, tok.line)
      assert.are.equal("så", (raw(20))) -- written as UTF-8 in the file, not escaped
    end)

    it("finds words across word-level segments, with the hit's bytes in the source", function()
      local c = samtal.open(JSON)
      assert.are.equal(1, c:count("och välkommen"))
      local hit = c:kwic("vård")[1]
      assert.are.equal("Bo", hit.speaker)
      assert.are.equal(3, hit.start)
      assert.are.equal("v\\u00e5rd", h.read(JSON):sub(hit.offset + 1, hit.offset + hit.length))
    end)

    it("reads a byte order mark and CRLF line ends, offsets still into the file", function()
      local bytes = '\239\187\191{\r\n "segments": [\r\n  {"speaker": "A", "startTime": "00:01:02.5",'
        .. ' "body": "h\\u00e4r  och\\tnu"}\r\n ]\r\n}\r\n'
      local p = h.tempfile(bytes, ".json")
      local c = samtal.open(p)
      local t = all_turns(c)[1]
      assert.are.same({ "A", 62.5, "här och nu", 3 }, { t.speaker, t.start, t.text, t.line })
      assert_tokens_map_back(c, p, unescape_json)
      assert.are.equal("h\\u00e4r", bytes:sub(c:token(1).offset + 1, c:token(1).offset + c:token(1).length))
    end)

    it("is recognised by its content under any name", function()
      local p = h.tempfile('{"version": "1.0.0", "segments": [{"speaker": "A", "body": "Hej"}]}', ".txt")
      assert.are.equal("A", samtal.open(p):speakers()[1].name)
    end)
  end)

  describe("open() of Whisper's and whisperX's JSON", function()
    it("reads segments' text, start and end, and whisperX's speakers; words are passed over", function()
      local whisper = '{"text": " Okay, so this is it. Can you tell me more?", "segments": ['
        .. '{"id": 0, "seek": 0, "start": 0.0, "end": 3.4, "text": " Okay, so this is it.", "tokens": [50364, 1033],'
        .. ' "temperature": 0.0, "avg_logprob": -0.22, "no_speech_prob": 0.01},'
        .. '{"id": 1, "seek": 0, "start": 3.4, "end": 6.2, "text": " Can you tell me more?", "tokens": [1664]}],'
        .. ' "language": "en"}'
      local c = samtal.open(h.tempfile(whisper, ".json"))
      local turns = {}
      for t in c:turns() do turns[#turns + 1] = { t.speaker, t.start, t.stop, t.text } end
      assert.are.same({ { nil, 0, 6.2, "Okay, so this is it. Can you tell me more?" } }, turns)
      local tell = c:kwic("tell")[1]
      assert.are.equal(3.4, c:token(tell.position).start) -- the segment's time goes to its tokens
      local x = samtal.open(h.tempfile('{"segments": [{"start": 0.031, "end": 2.972, "text": " Hej och välkommen hit.",'
        .. ' "words": [{"word": "Hej", "start": 0.031, "end": 0.291, "score": 0.9, "speaker": "SPEAKER_00"}],'
        .. ' "speaker": "SPEAKER_00"}, {"start": 3.513, "end": 5.274, "text": " Tack.", "speaker": "SPEAKER_01"},'
        .. ' {"start": 5.9, "end": 8.2, "text": " Berätta.", "speaker": "SPEAKER_00"}], "word_segments": []}', ".json"))
      local got = {}
      for t in x:turns() do got[#got + 1] = { t.speaker, t.start, t.stop, t.text } end
      assert.are.same({ { "SPEAKER_00", 0.031, 2.972, "Hej och välkommen hit." }, { "SPEAKER_01", 3.513, 5.274, "Tack." },
        { "SPEAKER_00", 5.9, 8.2, "Berätta." } }, got)
      assert.are.equal(1, x:count("hej"))
    end)

    it("reads whisper.cpp's JSON: the \"transcription\" array, times from \"offsets\" in milliseconds", function()
      local cpp = '{"systeminfo": "AVX = 1", "model": {"type": "base"}, "params": {"language": "sv"},'
        .. ' "transcription": [{"timestamps": {"from": "00:00:00,000", "to": "00:00:03,480"},'
        .. ' "offsets": {"from": 0, "to": 3480}, "text": " Hej och välkommen."},'
        .. ' {"timestamps": {"from": "00:00:03,480", "to": "00:00:06,000"}, "offsets": {"from": 3480, "to": 6000},'
        .. ' "text": " Idag pratar vi om bröd."}]}'
      local c = samtal.open(h.tempfile(cpp, ".json"))
      local turns = {}
      for t in c:turns() do turns[#turns + 1] = { t.start, t.stop, t.text } end
      assert.are.same({ { 0, 6, "Hej och välkommen. Idag pratar vi om bröd." } }, turns)
      assert.are.equal(3.48, c:token(c:kwic("idag")[1].position).start)
      assert.are.equal(0, c:count("00") + c:count("3480"))
    end)
  end)

  describe("open() of Whisper's TSV", function()
    local TSV = "start\tend\ttext\n0\t3480\tHej och välkommen.\n3480\t6000\tIdag pratar vi om bröd.\n"

    local function turns_of(c)
      local out = {}
      for t in c:turns() do out[#out + 1] = { t.speaker, t.start, t.stop, t.text } end
      return out
    end

    it("reads a segment a line as one turn, times in milliseconds, as whisper.cpp's JSON", function()
      local p = h.tempfile(TSV, ".tsv")
      local c = samtal.open(p)
      assert.are.same({ { nil, 0, 6, "Hej och välkommen. Idag pratar vi om bröd." } }, turns_of(c))
      assert.are.equal(3.48, c:token(c:kwic("idag")[1].position).start) -- the segment's own time
      assert.are.equal(0, c:count("start") + c:count("3480")) -- header and times are no words
      assert_tokens_map_back(c, p, function(s) return s end)
    end)

    it("knows it by the header whatever the name, and format = \"tsv\" forces it", function()
      local c = samtal.open(h.tempfile(TSV, ".txt"))
      assert.are.same({ { nil, 0, 6, "Hej och välkommen. Idag pratar vi om bröd." } }, turns_of(c))
      local forced = samtal.open(h.tempfile(TSV, ".dat"), { format = "tsv" })
      assert.are.equal(1, forced:count("bröd"))
      local p = h.tempfile("Anna: hej\n", ".tsv")
      assert.are.equal(p .. ':1: expected Whisper\'s TSV header "start<TAB>end<TAB>text"',
        h.error_of(samtal.open, p, { format = "tsv" }))
    end)

    it("reads a .tsv file without that header as before: plain text", function()
      for _, bytes in ipairs { "ID\tSpeaker_name\nu1\tAnna\n", "start\tend\ttext\tspeaker\n0\t10\thej\tA\n",
        "Anna: hej\nstart\tend\ttext\n0\t10\thej\n", "Start\tEnd\tText\n0\t10\thej\n" } do
        local p = h.tempfile(bytes, ".tsv")
        assert.are.same(turns_of(samtal.open(p, { format = "text" })), turns_of(samtal.open(p)))
      end
    end)

    it("raises on a line that is no segment, naming file and line", function()
      for _, case in ipairs {
        { "0\t1000\n", "expected three fields separated by tabs (start, end, text), found \"0\t1000\"" },
        { "0\t1000\ta\tb\n", "expected three fields separated by tabs (start, end, text)" },
        { "0.5\t1000\thej\n", "expected times in whole milliseconds" },
        { "0\t-1\thej\n", "expected times in whole milliseconds" },
        { "2000\t1000\thej\n", "the end is before the start" } } do
        local p = h.tempfile("start\tend\ttext\n0\t10\tja\n" .. case[1], ".tsv")
        local err = h.error_of(samtal.open, p)
        assert.are.equal(p .. ":3: " .. case[2], err:sub(1, #p + 4 + #case[2]))
      end
    end)

    it("leaves a damaged line out with a warning under on_error = \"skip\"", function()
      local got = {}
      local p = h.tempfile("start\tend\ttext\n0\t1000\tEtt.\n1000\tx\tTvå.\n\n2000\t3000\tTre.\n", ".tsv")
      local c = samtal.open(p, { on_error = "skip", warn = function(w) got[#got + 1] = w.message end })
      assert.are.same({ { nil, 0, 3, "Ett. Tre." } }, turns_of(c))
      assert.are.same({ p .. ':3: expected times in whole milliseconds, found "1000\tx\tTvå."; line left out' }, got)
    end)

    it("is not listed from a directory", function()
      local root = h.tmpname()
      os.remove(root)
      assert(os.execute("mkdir " .. h.q(root)))
      local f = assert(io.open(root .. "/a.tsv", "wb"))
      f:write(TSV)
      f:close()
      f = assert(io.open(root .. "/b.txt", "wb"))
      f:write("LENA: Hej.\n")
      f:close()
      local c = samtal.open(root)
      assert.are.equal(1, #c:documents())
      assert.are.equal(root .. "/b.txt", c:documents()[1].path)
      os.execute("rm -r " .. h.q(root))
    end)
  end)

  describe("open() of damaged JSON", function()
    local src = h.read(JSON)

    it("names file, line and column of the end of a truncated file, and what was expected", function()
      local cut = src:sub(1, src:find('"endTime": 1.4', 1, true) - 1) -- ends in `"startTime": 1.0, `
      local p = h.tempfile(cut, ".json")
      local line, col = line_col(cut, #cut)
      assert.are.equal(6, line)
      assert.are.equal(("%s:%d:%d: expected a string key, found the end of the file"):format(p, line, col),
        h.error_of(samtal.open, p))
    end)

    it("names a missing bracket", function()
      local broken, n = src:gsub("\n  %]\n", "\n") -- the array of segments is never closed
      assert.are.equal(1, n)
      local p = h.tempfile(broken, ".json")
      assert.are.equal(p .. ":13:1: expected ',' or ']' in array, found '}'", h.error_of(samtal.open, p))
    end)

    it("names a missing comma and a missing colon", function()
      local p = h.tempfile('{"segments": [\n  {"body": "a"}\n  {"body": "b"}]}', ".json")
      assert.are.equal(p .. ":3:3: expected ',' or ']' in array, found '{'", h.error_of(samtal.open, p))
      p = h.tempfile('{"segments": [{"body" "a"}]}', ".json")
      assert.are.equal(p .. ":1:23: expected ':' after an object key, found '\"'", h.error_of(samtal.open, p))
    end)

    it("names invalid UTF-8 inside a string, with its byte offset", function()
      local broken = src:gsub("Idag", "Id\195g") -- a lead byte with no continuation
      local at = broken:find("\195g") - 1
      local line, col = line_col(broken, at)
      local p = h.tempfile(broken, ".json")
      assert.are.equal(("%s:%d:%d: invalid UTF-8 (byte 0xC3 at byte offset %d)"):format(p, line, col, at),
        h.error_of(samtal.open, p))
      assert.are.equal(8, line)
    end)

    it("names an unterminated string, a bad escape, a lone surrogate and a raw line break", function()
      local p = h.tempfile('{"segments": [{"body": "abc}]}', ".json")
      assert.are.equal(p .. ":1:31: unterminated string: expected '\"' before the end of the file "
        .. "(the string starts at line 1, column 24)", h.error_of(samtal.open, p))
      p = h.tempfile('{"segments": [{"body": "a\\x"}]}', ".json")
      assert.matches("^" .. p:gsub("%p", "%%%0") .. ":1:27: expected an escape", h.error_of(samtal.open, p))
      p = h.tempfile('{"segments": [{"body": "a\\ud83d b"}]}', ".json")
      assert.matches(":1:32: expected a low surrogate escape", h.error_of(samtal.open, p), 1, true)
      p = h.tempfile('{"segments": [{"body": "a\nb"}]}', ".json")
      assert.matches(":1:26: expected '\"' or a character of a string", h.error_of(samtal.open, p), 1, true)
    end)

    it("raises on JSON that holds no transcript", function()
      local p = h.tempfile('{\n  "version": "1.0.0"\n}\n', ".json")
      assert.are.equal(p .. ':1: no "segments" array in the JSON object: not a Podcasting 2.0, Whisper or whisper.cpp transcript',
        h.error_of(samtal.open, p))
      p = h.tempfile("[1, 2]", ".json")
      assert.matches(":1:1: expected '{'", h.error_of(samtal.open, p), 1, true)
      p = h.tempfile('{"segments": [{"speaker": "A", "body": ""}]}', ".json")
      assert.matches("without any text", h.error_of(samtal.open, p), 1, true)
    end)
  end)

  describe("open() of a Podcasting 2.0 HTML transcript", function()
    -- By hand, episode.html: Lena at 00:00:01 (turn 1), Magnus at 00:00:09 with two paragraphs
    -- (turn 2; "Magnus :" is Magnus), Lena at 0:42 (turn 3). Words: Välkommen till podden tack
    -- för att ni lyssnar (8) + Tack Lena Det här året händer mycket Vi börjar med vården Nu (12)
    -- + Nära vård 3 (3) = 23.

    it("makes a turn of each speaker's paragraphs, started at its <time>", function()
      local c = samtal.open(HTML)
      local turns = all_turns(c)
      assert.are.equal(3, #turns)
      assert.are.same({ "Lena", "Magnus", "Lena" }, { turns[1].speaker, turns[2].speaker, turns[3].speaker })
      assert.are.same({ 1, 9, 42 }, { turns[1].start, turns[2].start, turns[3].start })
      assert.are.same({ 12, 16, 20 }, { turns[1].line, turns[2].line, turns[3].line })
      assert.are.equal(23, c:stats().words)
      local speakers = c:speakers()
      assert.are.same({ "Lena", 2, "Magnus", 1 }, { speakers[1].name, speakers[1].turns, speakers[2].name, speakers[2].turns })
    end)

    it("leaves tags out and decodes character references, the <title> as the title", function()
      local c = samtal.open(HTML)
      local turns = all_turns(c)
      assert.are.equal("Välkommen till podden & tack för att ni lyssnar.", turns[1].text)
      assert.are.equal("Tack, Lena. Det här året händer mycket.\n\nVi börjar med vården. Nu.", turns[2].text)
      assert.are.equal("”Nära vård” <3", turns[3].text)
      assert.are.equal("Näravårdpodden – avsnitt 3", c:documents()[1].title)
      assert.are.equal(0, c:count("Avsnitt")) -- the <h1> is no speech
    end)

    it("maps every token back to its bytes, a referenced character to its reference", function()
      local c = samtal.open(HTML)
      assert_tokens_map_back(c, HTML, unescape_html)
      local src = h.read(HTML)
      local hit = c:kwic("året")[1]
      assert.are.equal("&#229;ret", src:sub(hit.offset + 1, hit.offset + hit.length))
      hit = c:kwic("Nära")[1]
      assert.are.equal("N&auml;ra", src:sub(hit.offset + 1, hit.offset + hit.length))
    end)
  end)

  describe("open() of damaged HTML", function()
    it("raises on HTML without transcript structure, naming the line of its first text", function()
      local p = h.tempfile("<html>\n<body>\n<h1>Show notes</h1>\n<div>Links</div>\n</body></html>\n", ".html")
      assert.are.equal(p .. ":3: no transcript in this HTML: expected <p> paragraphs, each after an optional "
        .. "<cite>Speaker:</cite> and <time>0:00</time> (Podcasting 2.0)", h.error_of(samtal.open, p))
    end)

    it("names an unclosed <cite>, an unterminated tag and a time that is none", function()
      local p = h.tempfile("<cite>A:</cite>\n<p>Hej.</p>\n<cite>B:\n<p>Tja.</p>\n", ".html")
      assert.are.equal(p .. ":4:1: <p> inside the <cite> opened at line 3: expected </cite>", h.error_of(samtal.open, p))
      p = h.tempfile("<cite>A:</cite>\n<p>Hej.</p>\n<p class=\"x", ".html")
      assert.are.equal(p .. ":3:1: unterminated tag <p: expected '>' before the end of the file", h.error_of(samtal.open, p))
      p = h.tempfile("<cite>A:</cite>\n<time>noll</time>\n<p>Hej.</p>\n", ".html")
      assert.are.equal(p .. ':2:1: expected a time like 0:09 or 00:01:02 in <time>, found "noll"',
        h.error_of(samtal.open, p))
    end)
  end)

  describe("open{format = ...}", function()
    it("reads a file as the format named, whatever its name and content", function()
      local fragment = "<h2>Avsnitt 1</h2>\n<cite>Eva:</cite>\n<p>Hej d&aring;.</p>\n"
      local p = h.tempfile(fragment, ".txt")
      assert.are.equal(0, #samtal.open(p):speakers()) -- plain text: a tag is no label
      local c = samtal.open(p, { format = "html" })
      assert.are.equal("Eva", c:speakers()[1].name)
      assert.are.equal("Hej då.", all_turns(c)[1].text)
    end)

    it("reads JSON as plain text when asked, escapes and all", function()
      local c = samtal.open(JSON, { format = "text" })
      assert.are.equal(0, #c:speakers())
      assert.is_true(c:count("u00e4lkommen") > 0)
    end)

    it("raises the reader's own error on a file that is not in the format named", function()
      assert.are.equal(h.seed_inline .. ":3:1: expected '{': a Podcasting 2.0 JSON transcript is an object with "
        .. "\"segments\", found 'N'", h.error_of(samtal.open, h.seed_inline, { format = "json" }))
    end)

    it("raises on a format it does not know", function()
      assert.are.equal('open: option format must be "auto", "text", "vtt", "srt", "sbv", "vrt", "json", "html", '
        .. '"parlamint" or "tsv", not "xml"', h.error_of(samtal.open, JSON, { format = "xml" }))
    end)
  end)

  describe("open() of ParlaMint-SE text files", function()
    --- The speaker of each utterance id in a -meta.tsv, read independently of samtal.
    local function speakers_by_id(stem)
      local by, id_col, name_col = {}, nil, nil
      for line in io.lines(PARLAMINT .. stem .. "-meta.tsv") do
        local fields = {}
        for f in (line .. "\t"):gmatch("([^\t]*)\t") do fields[#fields + 1] = f end
        if not id_col then
          for k, f in ipairs(fields) do
            if f == "ID" then id_col = k end
            if f == "Speaker_name" then name_col = k end
          end
        else
          by[fields[id_col]] = fields[name_col]
        end
      end
      return by
    end

    it("makes each id<TAB>speech line a turn of the speaker the meta TSV names", function()
      for _, stem in ipairs(PARLAMINT_FILES) do
        local by = speakers_by_id(stem)
        local want, per = {}, {}
        for line in io.lines(PARLAMINT .. stem .. ".txt") do
          local id = line:match("^([^\t]+)\t")
          want[#want + 1] = by[id]
          per[by[id]] = (per[by[id]] or 0) + 1
        end
        local c = samtal.open(PARLAMINT .. stem .. ".txt")
        local got = {}
        for t in c:turns() do got[#got + 1] = t.speaker end
        assert.are.same(want, got, stem)
        local counted = {}
        for _, s in ipairs(c:speakers()) do counted[s.name] = s.turns end
        assert.are.same(per, counted, stem)
      end
    end)

    it("keeps each speech as in the file, the id left out, with its bytes", function()
      local path = PARLAMINT .. PARLAMINT_FILES[1] .. ".txt"
      local src, k = h.read(path), 0
      local lines = {}
      for line in io.lines(path) do lines[#lines + 1] = line:match("^[^\t]+\t(.*)$") end
      local c = samtal.open(path)
      for t in c:turns() do
        k = k + 1
        assert.are.equal(lines[k], t.text)
        assert.are.equal(k, t.line)
        assert.are.equal(t.text, src:sub(t.offset + 1, t.offset + t.length))
      end
      assert.are.equal(4, k)
      for t in c:turns() do assert.are.equal("Fru talman!", t.text:sub(1, 11)) end
    end)

    it("refuses the TEI XML named as a file, rather than reading its markup as words", function()
      local xml = PARLAMINT .. PARLAMINT_FILES[2] .. ".xml"
      assert.are.equal(xml .. ": XML (such as TEI) is not read; for ParlaMint open the .txt file (its -meta.tsv "
        .. 'beside it), or give format = "text" to read the markup as plain text', h.error_of(samtal.open, xml))
      -- by its content too, whatever its name; and format = "text" reads it all the same
      local tei = h.tempfile('<?xml version="1.0"?>\n<TEI><u who="#A">Hej</u></TEI>\n', ".txt")
      assert.matches("XML %(such as TEI%) is not read", h.error_of(samtal.open, tei))
      assert.is_true(samtal.open(tei, { format = "text" }):count("hej") == 1)
      local warned = {}
      local c = samtal.open({ xml, PARLAMINT .. PARLAMINT_FILES[2] .. ".txt" },
        { on_error = "skip", warn = function(w) warned[#warned + 1] = w.message end })
      assert.are.equal(1, #c:documents())
      assert.are.equal(1, #warned)
    end)

    it("loads the folder's text files, not the tables, the TEI or SOURCE.md", function()
      local docs = samtal.open(PARLAMINT):documents()
      assert.are.same({ PARLAMINT_FILES[1] .. ".txt", PARLAMINT_FILES[2] .. ".txt" }, { docs[1].name, docs[2].name })
      assert.are.equal(2, #docs)
    end)

    it("reads such a file as plain text when asked", function()
      local c = samtal.open(PARLAMINT .. PARLAMINT_FILES[2] .. ".txt", { format = "text" })
      assert.are.equal(0, #c:speakers())
    end)
  end)

  describe("open() of a directory", function()
    local root
    local function write(rel, bytes)
      local f = assert(io.open(root .. "/" .. rel, "wb"))
      f:write(bytes)
      f:close()
    end
    local function names(c)
      local out = {}
      for _, d in ipairs(c:documents()) do out[#out + 1] = d.path:sub(#root + 2) end
      return out
    end

    before_each(function()
      root = h.tmpname()
      os.remove(root)
      for _, d in ipairs { "", "/a", "/sub", "/sub/deeper", "/.git" } do
        assert(os.execute("mkdir " .. h.q(root .. d)))
      end
      write("a-b.txt", "LENA: Hej.\n")
      write("a.json", '{"segments": [{"speaker": "Bo", "body": "Hej"}]}')
      write("a/z.txt", "MAGNUS: Tja.\n")
      write("b.txt", "LENA: Hej igen.\n")
      write("sub/c.html", "<cite>Eva:</cite><p>Hej.</p>")
      write("sub/deeper/d.vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\n<v Eva>Hej\n")
      -- none of these is a transcript
      write("README.md", "# Om korpusen\n")
      write("LICENSE.txt", "CC BY 4.0\n")
      write("sub/SOURCE.md", "Källa\n")
      write(".hidden.txt", "LENA: dold\n")
      write(".git/x.txt", "LENA: dold\n")
      write("notes.csv", "a,b\n")
    end)

    after_each(function()
      os.execute("rm -rf " .. h.q(root))
    end)

    it("loads every transcript in it and below, sorted by path in byte order", function()
      -- "a-b.txt" < "a.json" < "a/z.txt": '-' < '.' < '/'
      assert.are.same({ "a-b.txt", "a.json", "a/z.txt", "b.txt", "sub/c.html", "sub/deeper/d.vtt" },
        names(samtal.open(root)))
      assert.are.same({ "LENA", "Bo", "MAGNUS", "Eva" }, (function()
        local out = {}
        for _, s in ipairs(samtal.open(root):speakers()) do out[#out + 1] = s.name end
        return out
      end)())
    end)

    it("loads only its own files with recursive = false", function()
      assert.are.same({ "a-b.txt", "a.json", "b.txt" }, names(samtal.open(root, { recursive = false })))
    end)

    it("chooses files by a glob on their names, a list of globs, or {a,b} alternatives", function()
      assert.are.same({ "a-b.txt", "a/z.txt", "b.txt" }, names(samtal.open(root, { pattern = "*.txt" })))
      assert.are.same({ "a/z.txt", "b.txt" }, names(samtal.open(root, { pattern = "?.txt" })))
      assert.are.same({ "a.json", "sub/deeper/d.vtt" }, names(samtal.open(root, { pattern = { "*.json", "*.vtt" } })))
      assert.are.same({ "sub/c.html", "sub/deeper/d.vtt" }, names(samtal.open(root, { pattern = "*.{html,vtt}" })))
      assert.are.same({ "a-b.txt", "a/z.txt" }, names(samtal.open(root, { pattern = "[!b]*.txt" })))
      assert.are.same({ "a-b.txt", "b.txt" },
        names(samtal.open(root, { pattern = "*.txt", recursive = false, format = "text" })))
    end)

    it("raises when nothing in it is a transcript, or nothing matches", function()
      assert.are.equal(root .. '/sub/deeper: no file matching "*.txt" in this directory or below',
        h.error_of(samtal.open, root .. "/sub/deeper", { pattern = "*.txt" }))
      os.execute("rm " .. h.q(root .. "/sub/deeper/d.vtt"))
      assert.are.equal(root .. "/sub/deeper: no transcripts in this directory or below (*.txt, *.md, *.vtt, "
        .. "*.srt, *.sbv, *.vrt, *.json, *.html, *.htm, *.cha)", h.error_of(samtal.open, root .. "/sub/deeper"))
      assert.are.equal(root .. '/sub: no file matching "*.md" in this directory',
        h.error_of(samtal.open, root .. "/sub", { pattern = "*.md", recursive = false }))
    end)

    it("calls progress after each file, and takes progress = false", function()
      local calls = {}
      samtal.open(root, { progress = function(done, total, path) calls[#calls + 1] = { done, total, path } end })
      assert.are.equal(6, #calls)
      assert.are.same({ 6, 6, root .. "/sub/deeper/d.vtt" }, calls[6])
      assert.are.equal(6, #samtal.open(root, { progress = false }):documents())
    end)

    it("rejects options of the wrong type", function()
      assert.are.equal('open: option pattern must be a glob on file names such as "*.txt", or a list of them',
        h.error_of(samtal.open, root, { pattern = 3 }))
      assert.are.equal("open: option recursive must be true or false", h.error_of(samtal.open, root, { recursive = "no" }))
      assert.are.equal("open: option progress must be a function(done, total, path), or false",
        h.error_of(samtal.open, root, { progress = true }))
    end)

    it("still reads a directory of .vrt files", function()
      assert(os.execute("mkdir " .. h.q(root .. "/vrt")))
      write("vrt/b.vrt", '<text title="B">\n<u who="ANNA">\nHej\tIN\n</u>\n</text>\n')
      write("vrt/a.vrt", '<text title="A">\n<u who="BO">\nTja\tIN\n</u>\n</text>\n')
      local c = samtal.open(root .. "/vrt")
      assert.are.same({ "vrt/a.vrt", "vrt/b.vrt" }, names(c))
      assert.are.equal(1, #c:attributes()) -- the IN column, unnamed
      assert.are.equal("BO", c:speakers()[1].name)
    end)

    it("still opens corpus/ as its two .txt files", function()
      assert.are.same({ "000_e744d110473e4ebd.txt", "001_49eaf7069c1bee78.txt" },
        (function()
          local out = {}
          for _, d in ipairs(samtal.open("corpus"):documents()) do out[#out + 1] = d.name end
          return out
        end)())
    end)
  end)

  describe("save() of a corpus of JSON and HTML transcripts", function()
    it("maps back with the same turns and token offsets", function()
      local c = samtal.open({ JSON, HTML })
      local out = h.tempfile("", ".samtal")
      c:save(out)
      local d = samtal.open(out)
      assert.are.same(c:stats(), d:stats())
      for i = 1, c:stats().tokens do
        local a, b = c:token(i), d:token(i)
        assert.are.same({ a.form, a.offset, a.length, a.line }, { b.form, b.offset, b.length, b.line })
      end
      local t1, t2 = all_turns(c), all_turns(d)
      for k = 1, #t1 do assert.are.same({ t1[k].speaker, t1[k].start, t1[k].text }, { t2[k].speaker, t2[k].start, t2[k].text }) end
    end)
  end)
end)

describe("HTML character references out of range", function()
  after_each(h.cleanup)

  it("reads &#xEEEEEEEE; (past INT32_MAX) as U+FFFD, as HTML does, with no overflow", function()
    local c = samtal.open(h.tempfile("<cite>Bo:</cite> <p>a &#xEEEEEEEE; b &#x110000; c</p>\n", ".html"))
    local t = c:turn(1)
    assert.are.equal("Bo", t.speaker)
    assert.are.equal("a \u{FFFD} b \u{FFFD} c", t.text)
  end)
end)

