-- Subtitles (WebVTT, SRT and YouTube's SBV): cues read as turns, speakers from voice spans, "Name:" labels and
-- YouTube's turn marks; checked against counts taken from the raw files by the spec's own parser.
local samtal = require "samtal"
local h = require "helpers"

local NICEGUI = h.shared .. "talkpython-en/transcripts__525-nicegui.vtt"
local YOUTUBE = h.shared
  .. "talkpython-en/youtube_transcripts__301-deploying-and-running-django-web-apps-in-2021.vtt"
local SRT = h.shared .. "virtualcoffee-en/0105-cameron-rahat.srt"

--- The cues of a subtitle file, read independently of samtal: each {start, line, text}, where
-- line is the source line of the first text line and text the list of its text lines.
local function cues(path)
  local lines = {}
  for line in (h.read(path):gsub("\r\n?", "\n") .. "\n"):gmatch("([^\n]*)\n") do
    lines[#lines + 1] = line
  end
  local out, i = {}, 1
  while i <= #lines do
    if lines[i]:find("-->", 1, true) then
      local hh, mm, ss, ms = lines[i]:match("^(%d+):(%d%d):(%d%d)[.,](%d%d%d)")
      local cue = { start = hh * 3600 + mm * 60 + ss + ms / 1000, line = i + 1, text = {} }
      i = i + 1
      while i <= #lines and lines[i]:match("%S") do
        cue.text[#cue.text + 1] = lines[i]
        i = i + 1
      end
      out[#out + 1] = cue
    else
      i = i + 1
    end
  end
  return out
end

--- Turns by speaker change: name(cue) gives a cue's speaker or nil (then it continues the turn).
-- Returns the names in order of first appearance, turns per name, and the turns' {start, line}.
local function turns_by(list, name)
  local order, per, turns, cur = {}, {}, {}, nil
  for _, cue in ipairs(list) do
    local who = name(cue)
    if who and who ~= cur then
      if not per[who] then
        order[#order + 1] = who
        per[who] = 0
      end
      per[who] = per[who] + 1
      turns[#turns + 1] = { start = cue.start, line = cue.line }
      cur = who
    end
  end
  return order, per, turns
end

--- Occurrences of a word (lower case, whole word) in the cue texts, tags and labels removed.
local function words_in(list, word, strip)
  local n = 0
  for _, cue in ipairs(list) do
    for k, line in ipairs(cue.text) do
      line = line:gsub("<[^>]*>", ""):gsub("%w+'%a+", "") -- "Quasar's" is another word
      if k == 1 and strip then line = strip(line) end
      for _ in (" " .. line:lower() .. " "):gmatch("%f[%w]" .. word .. "%f[%W]") do n = n + 1 end
    end
  end
  return n
end

local function all_turns(c)
  local list = {}
  for t in c:turns() do list[#list + 1] = t end
  return list
end

--- No timing line, tag or turn mark is left in any turn's text.
local function assert_clean(c)
  assert.are.equal(0, c:count("-->"))
  for t in c:turns() do
    assert.is_nil(t.text:find("-->", 1, true))
    assert.is_nil(t.text:find("%d%d:%d%d[.,]%d%d%d"))
    assert.is_nil(t.text:find("<[%a/][^>]*>"))
    assert.is_nil(t.text:find("^%- "))
    assert.is_nil(t.text:find("^>>"))
  end
end

describe("samtal", function()
  after_each(h.cleanup)

  describe("open() of WebVTT with voice spans", function()
    local list = cues(NICEGUI)
    local function voice(cue)
      return cue.text[1]:match("^<v[^ >]* ([^>]+)>")
    end

    it("makes a speaker of each <v Name> and a turn of each change of voice", function()
      local order, per, turns = turns_by(list, voice)
      local c = samtal.open(NICEGUI)
      local speakers = c:speakers()
      assert.are.equal(#order, #speakers)
      for k, s in ipairs(speakers) do
        assert.are.equal(order[k], s.name)
        assert.are.equal(per[s.name], s.turns)
      end
      assert.are.equal(#turns, #all_turns(c))
      assert.are.equal(1, c:documents()[1].pages)
    end)

    it("starts each turn at its first cue's time, on its first cue's line", function()
      local _, _, turns = turns_by(list, voice)
      local got = all_turns(samtal.open(NICEGUI))
      for k = 1, 5 do
        assert.is_true(math.abs(turns[k].start - got[k].start) < 1e-6)
        assert.are.equal(turns[k].line, got[k].line)
      end
      assert.are.equal(0.02, got[1].start)
    end)

    it("leaves timings and tags out of the text and keeps the words", function()
      local c = samtal.open(NICEGUI)
      assert_clean(c)
      for _, w in ipairs({ "python", "nicegui", "fastapi", "quasar" }) do
        assert.are.equal(words_in(list, w), c:count(w), w)
      end
    end)

    it("points each turn back to its bytes in the source", function()
      local src = h.read(NICEGUI)
      local t = all_turns(samtal.open(NICEGUI))[2]
      local first = t.text:match("^%S+")
      assert.are.equal(first, src:sub(t.offset + 1, t.offset + #first))
    end)
  end)

  describe("open() of YouTube's automatic (rolling) captions", function()
    it("reads each line once: a cue's repeat of the line before is left out", function()
      local vtt = table.concat({ "WEBVTT", "Kind: captions", "Language: en", "",
        "00:00:00.000 --> 00:00:02.310 align:start position:0%", " ",
        "so<00:00:00.320><c> today</c><00:00:00.640><c> we're</c><00:00:00.880><c> going</c>", "",
        "00:00:02.310 --> 00:00:02.320 align:start position:0%", "so today we're going", " ", "",
        "00:00:02.320 --> 00:00:04.950 align:start position:0%", "so today we're going",
        "to<00:00:02.560><c> talk</c><00:00:02.800><c> sourdough</c><00:00:03.600><c> [Music]</c>", "",
        "00:00:04.950 --> 00:00:04.960 align:start position:0%", "to talk sourdough [Music]", " ", "",
        "00:00:04.960 --> 00:00:07.430 align:start position:0%", "to talk sourdough [Music]",
        ">> and<00:00:05.200><c> honestly</c><00:00:05.680><c> flour</c>", "",
        "00:00:07.430 --> 00:00:07.440 align:start position:0%", "and honestly flour", " ", "" }, "\n")
      local c = samtal.open(h.tempfile(vtt, ".vtt"))
      local got = {}
      for t in c:turns() do got[#got + 1] = { t.start, t.text } end
      assert.are.same({ { 0, "so today we're going to talk sourdough [Music]" }, { 4.96, "and honestly flour" } }, got)
      assert.are.equal(1, c:count("sourdough"))
      assert.are.equal(1, #c:document(1).events)
      -- without word timings a line said twice in a row is said twice
      local plain = samtal.open(h.tempfile("WEBVTT\n\n00:01.000 --> 00:02.000\nNo.\n\n00:02.000 --> 00:03.000\nNo.\n", ".vtt"))
      assert.are.equal(2, plain:count("no"))
    end)
  end)

  describe("open() of rolling captions converted to SRT, and of Zoom's cues", function()
    it("reads each rolling line once where half the cues start with the line before", function()
      local srt = "1\n00:00:00,000 --> 00:00:02,310\nhey everyone welcome back\n\n2\n00:00:02,310 --> 00:00:02,320\n"
        .. "hey everyone welcome back\n\n3\n00:00:02,320 --> 00:00:05,190\nhey everyone welcome back\nto the channel today\n\n"
        .. "4\n00:00:05,190 --> 00:00:05,200\nto the channel today\n\n5\n00:00:05,200 --> 00:00:07,000\nto the channel today\n"
        .. "we talk bread\n"
      local c = samtal.open(h.tempfile(srt, ".srt"))
      assert.are.equal(1, c:count("everyone"))
      assert.are.equal(1, c:count("channel"))
      assert.are.equal(1, c:count("bread"))
      -- a line said twice in a row in ordinary subtitles is said twice
      local plain = samtal.open(h.tempfile("1\n00:00:01,000 --> 00:00:02,000\nNej.\n\n2\n00:00:02,000 --> 00:00:03,000\nNej.\n\n"
        .. "3\n00:00:03,000 --> 00:00:04,000\nJa.\n\n4\n00:00:04,000 --> 00:00:05,000\nKanske.\n", ".srt"))
      assert.are.equal(2, plain:count("nej"))
    end)

    it("takes any display name before a cue's colon where most cues start with a label", function()
      local vtt = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nAnna Berg: Hello.\n\n2\n00:00:03.000 --> 00:00:04.000\n"
        .. "john smith: Hi there.\n\n3\n00:00:05.000 --> 00:00:06.000\nAnna's iPhone: Can you hear me?\n\n"
        .. "4\n00:00:07.000 --> 00:00:08.000\nMaria Lopez (she/her): Yes.\n\n"
        .. "5\n00:00:09.000 --> 00:00:10.000\njohn smith: Good.\n"
      local c = samtal.open(h.tempfile(vtt, ".vtt"))
      local got = {}
      for t in c:turns() do got[#got + 1] = t.speaker .. "|" .. t.text end
      assert.are.same({ "Anna Berg|Hello.", "john smith|Hi there.", "Anna's iPhone|Can you hear me?",
        "Maria Lopez (she/her)|Yes.", "john smith|Good." }, got)
      assert.are.equal(0, c:count("smith") + c:count("iphone"))
      -- where cues do not start so, a lower-case "word:" is speech
      local speech = samtal.open(h.tempfile("WEBVTT\n\n00:01.000 --> 00:02.000\nwell here: it is.\n\n"
        .. "00:02.000 --> 00:03.000\nAnd more.\n\n00:03.000 --> 00:04.000\nYes.\n", ".vtt"))
      assert.are.equal(1, speech:count("here"))
      assert.are.equal(0, #speech:speakers())
    end)
  end)

  describe("open() of Swedish subtitles and escaped captions", function()
    it("starts a turn at a dialogue dash inside italics or after a sound description", function()
      local srt = "1\n00:00:01,000 --> 00:00:03,000\n<i>- Hallå? Är det någon där?</i>\n<i>- Ja, här!</i>\n\n"
        .. "2\n00:00:04,000 --> 00:00:06,000\n(SKRATTAR)\n- Det där var roligt.\n- Eller hur?\n"
      local c = samtal.open(h.tempfile(srt, ".srt"))
      local got = {}
      for t in c:turns() do got[#got + 1] = t.text end
      assert.are.same({ "Hallå? Är det någon där?", "Ja, här! (SKRATTAR)", "Det där var roligt.", "Eller hur?" }, got)
      assert.are.equal(0, c:count("-"))
    end)

    it("makes a subtitler's credit an event, no speaker and no words", function()
      local srt = "1\n00:00:01,000 --> 00:00:03,000\nHej.\n\n2\n00:00:04,000 --> 00:00:06,000\n"
        .. "Översättning: Anna Svensson\nwww.sdimedia.com\n"
      local c = samtal.open(h.tempfile(srt, ".srt"))
      assert.are.equal(0, #c:speakers())
      assert.are.equal(0, c:count("anna") + c:count("sdimedia"))
      assert.are.equal(2, #c:document(1).events)
      -- a sentence that names a web site is speech, and so is a credit's word said in a sentence
      local said = samtal.open(h.tempfile("1\n00:00:01,000 --> 00:00:03,000\nLäs mer om det här på vår sida www.svt.se i kväll.\n"
        .. "\n2\n00:00:04,000 --> 00:00:06,000\nLäs mer på www.1177.se\n\n3\n00:00:07,000 --> 00:00:09,000\n"
        .. "Översättning: det är mitt jobb.\n", ".srt"))
      assert.are.equal(2, said:count("läs"))
      assert.truthy(said:count("www.1177.se") + said:count("1177.se") > 0)
      assert.are.equal(1, said:count("jobb"))
    end)

    it("makes a short name right after a credit line in its cue part of the credit", function()
      local srt = "1\n00:00:01,000 --> 00:00:03,000\nHej.\n\n2\n00:00:04,000 --> 00:00:06,000\n"
        .. "Textning: Anna Svensson\nSvensk Medietext\n\n3\n00:00:07,000 --> 00:00:09,000\n"
        .. "<i>Översättning: Bo Ek</i>\n<i>Broadcast Text International</i>\n\n4\n00:00:10,000 --> 00:00:12,000\n"
        .. "Textning: Eva Lund\nwww.btistudios.com\n"
      local c = samtal.open(h.tempfile(srt, ".srt"))
      local names = {}
      for _, e in ipairs(c:document(1).events) do names[#names + 1] = e.name end
      assert.are.same({ "Textning: Anna Svensson", "Svensk Medietext", "Översättning: Bo Ek",
        "Broadcast Text International", "Textning: Eva Lund", "www.btistudios.com" }, names)
      assert.are.equal(0, c:count("medietext") + c:count("broadcast") + c:count("btistudios.com"))
      assert.are.equal(1, c:stats().words) -- "Hej"
    end)

    it("keeps speech after a credit: a sentence, a line in lower case, a dash, and the next cue", function()
      local srt = "1\n00:00:01,000 --> 00:00:03,000\nTextning: Anna Svensson\nDet var en gång.\n\n"
        .. "2\n00:00:04,000 --> 00:00:06,000\nTextning: Anna Svensson\nmen inte nu\n\n"
        .. "3\n00:00:07,000 --> 00:00:09,000\nTextning: Anna Svensson\n- Hej Bo!\n\n"
        .. "4\n00:00:10,000 --> 00:00:12,000\nTextning: Anna Svensson\n\n"
        .. "5\n00:00:13,000 --> 00:00:15,000\nGod Morgon Sverige\n"
      local c = samtal.open(h.tempfile(srt, ".srt"))
      assert.are.equal(2, c:count("gång") + c:count("inte"))
      assert.are.equal(1, c:count("bo"))
      assert.are.equal(1, c:count("morgon")) -- a short name in the next cue is speech
      assert.are.equal(4, #c:document(1).events)
    end)

    it("reads &gt;&gt; as a change of speaker and a numeric character reference as its character", function()
      local vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n&gt;&gt; We&#39;re talking R&amp;D.\n\n"
        .. "00:00:03.000 --> 00:00:05.000\n&gt;&gt; Q&amp;A later.\n"
      local c = samtal.open(h.tempfile(vtt, ".vtt"))
      local got = {}
      for t in c:turns() do got[#got + 1] = t.text end
      assert.are.same({ "We're talking R&D.", "Q&A later." }, got)
      assert.are.equal(0, c:count("39"))
    end)
  end)

  describe("open() of film subtitles near the meeting layouts", function()
    it("takes no sentence before a colon for a speaker, and no capitalised first line of numbered cues", function()
      local sdh = "1\n00:00:01,000 --> 00:00:02,000\nJOHN: Hi.\n\n2\n00:00:03,000 --> 00:00:04,000\nMARY: Hi.\n\n"
        .. "3\n00:00:05,000 --> 00:00:06,000\nWOMAN (O.S.): Dinner!\n\n4\n00:00:07,000 --> 00:00:08,000\n"
        .. "The truth is: nobody came.\n"
      local c = samtal.open(h.tempfile(sdh, ".srt"))
      for _, sp in ipairs(c:speakers()) do assert.is_not.equal("The truth is", sp.name) end
      assert.are.equal(1, c:count("truth"))
      local film = "1\n00:00:01,000 --> 00:00:02,000\nMr Bond\nwe have been expecting you.\n\n2\n00:00:03,000 --> 00:00:04,000\n"
        .. "Dr No\nI presume.\n\n3\n00:00:05,000 --> 00:00:06,000\nMr Bond\nplease sit down.\n\n"
        .. "4\n00:00:07,000 --> 00:00:08,000\nThank You\nI prefer to stand.\n"
      local f = samtal.open(h.tempfile(film, ".srt"))
      assert.are.equal(0, #f:speakers())
      assert.are.equal(2, f:count("bond"))
    end)
  end)

  describe("open() of Teams' older transcripts (timing, name, text; no numbers)", function()
    it("reads cues without numbers, a name alone over the text as the speaker", function()
      local txt = "0:0:0.0 --> 0:0:3.450\nAnna Berg\nHej allihop.\n\n0:0:3.450 --> 0:0:8.900\nBjörn Ek\nJa.\n\n"
        .. "0:0:8.900 --> 0:0:12.0\nAnna Berg\nDå börjar vi.\nMed punkt ett.\n"
      local c = samtal.open(h.tempfile(txt, ".txt"))
      local got = {}
      for t in c:turns() do got[#got + 1] = { t.speaker, t.start, t.text } end
      assert.are.same({ { "Anna Berg", 0, "Hej allihop." }, { "Björn Ek", 3.45, "Ja." },
        { "Anna Berg", 8.9, "Då börjar vi. Med punkt ett." } }, got)
      assert.are.equal(0, c:count("0") + c:count("anna"))
      -- two-line subtitles whose first lines are no names that come back are text
      local srt = samtal.open(h.tempfile("1\n00:00:01,000 --> 00:00:02,000\nGood Morning\nsaid the man.\n\n"
        .. "2\n00:00:03,000 --> 00:00:04,000\nThank You\nshe said.\n", ".srt"))
      assert.are.equal(0, #srt:speakers())
      assert.are.equal(1, srt:count("morning"))
    end)
  end)

  describe("open() of a YouTube WebVTT transcript", function()
    local list = cues(YOUTUBE)

    it("starts an unnamed turn at each '- ' and '>>' mark", function()
      -- marks at the start of a cue, and inside one after the end of a sentence
      local marks = 0
      for k, cue in ipairs(list) do
        local first = cue.text[1] or ""
        if first:match("^%- ") or first:match("^>>") or k == 1 then marks = marks + 1 end
        for _, line in ipairs(cue.text) do
          for _ in line:gmatch("[%.%?!\"'%-] %- ") do marks = marks + 1 end
          for _ in line:gmatch(" >>") do marks = marks + 1 end
        end
      end
      local c = samtal.open(YOUTUBE)
      local turns = all_turns(c)
      assert.are.equal(marks, #turns)
      assert.are.equal(0, #c:speakers())
      assert.is_nil(turns[1].speaker)
      assert.are.equal(0, turns[1].start)
      assert.are.equal(13.88, turns[2].start) -- "- Yeah, let's do it."
      assert.are.equal("Yeah, let's do it.", turns[2].text)
      assert_clean(c)
    end)
  end)

  describe("open() of broadcast captions that name the speaker after '>>'", function()
    it("reads '>> ANNA SMITH: text' as a turn of ANNA SMITH, and lower-case text after '>>' as speech", function()
      local vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n>> ANNA SMITH: Good evening.\n\n"
        .. "00:00:03.000 --> 00:00:05.000\nWelcome to the show.\n\n"
        .. "00:00:05.000 --> 00:00:07.000\n>> BOB: Thanks, Anna. >> ANNA SMITH: Let us begin.\n\n"
        .. "00:00:07.000 --> 00:00:09.000\n>> and then it rained: a lot.\n"
      local want = {
        { "ANNA SMITH", 1, "Good evening. Welcome to the show." },
        { "BOB", 5, "Thanks, Anna." },
        { "ANNA SMITH", 5, "Let us begin." },
        { false, 7, "and then it rained: a lot." },
      }
      local srt = "1\n00:00:01,000 --> 00:00:03,000\n>> ANNA SMITH: Good evening.\n\n"
        .. "2\n00:00:03,000 --> 00:00:05,000\nWelcome to the show.\n\n"
        .. "3\n00:00:05,000 --> 00:00:07,000\n>> BOB: Thanks, Anna. >> ANNA SMITH: Let us begin.\n\n"
        .. "4\n00:00:07,000 --> 00:00:09,000\n>> and then it rained: a lot.\n"
      for _, file in ipairs { h.tempfile(vtt, ".vtt"), h.tempfile(srt, ".srt") } do
        local got = {}
        for t in samtal.open(file):turns() do got[#got + 1] = { t.speaker or false, t.start, t.text } end
        assert.are.same(want, got)
      end
    end)
  end)

  describe("open() of broadcast subtitles that mark speakers by font colour", function()
    local function turns_of(srt)
      local c = samtal.open(h.tempfile(srt, ".srt"))
      local got = {}
      for t in c:turns() do got[#got + 1] = { t.speaker, t.start, t.text } end
      return got, c
    end
    --- The same cues with their font tags left out: how a file the rule leaves alone reads.
    local function untagged(srt) return (srt:gsub("</?[fF][oO][nN][tT][^>]*>", "")) end

    it("starts a turn where a line starts in another colour, and keeps one colour's lines one turn", function()
      local srt = "1\n00:00:01,000 --> 00:00:03,000\nVar har du varit?\n<font color=\"#ffff00\">Ute. Hos Anna.</font>\n\n"
        .. "2\n00:00:03,500 --> 00:00:05,000\n<font color=\"#ffff00\">Vi åt middag</font>\n"
        .. "<font color=\"#ffff00\">och pratade länge.</font>\n\n"
        .. "3\n00:00:05,500 --> 00:00:07,000\nSå trevligt.\n\n"
        .. "4\n00:00:07,500 --> 00:00:09,000\n<font color=\"#00FFFF\">Hon lagade fisk,\nsom vanligt.</font>\n\n"
        .. "5\n00:00:09,500 --> 00:00:11,000\n<font color=\"#FFFF00\">Ja, det gjorde hon.</font>\n"
      local got, c = turns_of(srt)
      assert.are.same({ { nil, 1, "Var har du varit?" }, { nil, 1, "Ute. Hos Anna. Vi åt middag och pratade länge." },
        { nil, 5.5, "Så trevligt." }, { nil, 7.5, "Hon lagade fisk, som vanligt." }, { nil, 9.5, "Ja, det gjorde hon." } }, got)
      assert.are.equal(0, c:count("font") + c:count("ffff00")) -- the tags are still no words
    end)

    it("reads WebVTT's colour classes (<c.yellow>) as font colours, white as none", function()
      local vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<c.white>Where have you been?</c>\n"
        .. "<c.yellow.bg_black>Out. At Anna's.</c>\n\n00:00:03.500 --> 00:00:05.000\n<c.yellow>We had dinner</c>\n"
        .. "<c.yellow>and talked for long.</c>\n\n00:00:05.500 --> 00:00:07.000\nHow nice.\n\n"
        .. "00:00:07.500 --> 00:00:09.000\n<c.cyan>She cooked fish.</c>\n"
      local got = {}
      for t in samtal.open(h.tempfile(vtt, ".vtt")):turns() do got[#got + 1] = { t.start, t.text } end
      assert.are.same({ { 1, "Where have you been?" }, { 1, "Out. At Anna's. We had dinner and talked for long." },
        { 5.5, "How nice." }, { 7.5, "She cooked fish." } }, got)
      -- YouTube's word timings (<c> without a class) are no colours
      local yt = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nwe<00:00:01.500><c> went</c><00:00:02.000><c> home</c>\n\n"
        .. "00:00:03.000 --> 00:00:05.000\nand<00:00:03.500><c> slept</c>\n"
      local n = 0
      for _ in samtal.open(h.tempfile(yt, ".vtt")):turns() do n = n + 1 end
      assert.are.equal(1, n)
    end)

    it("lets a dash or a label in a coloured line start one turn, not two", function()
      local srt = "1\n00:00:01,000 --> 00:00:02,000\nHej.\n\n2\n00:00:02,000 --> 00:00:03,000\n"
        .. "<font color=\"#ffff00\">- Hej själv.</font>\n\n3\n00:00:03,000 --> 00:00:04,000\nHur mår du?\n\n"
        .. "4\n00:00:04,000 --> 00:00:05,000\n<font color=\"#ffff00\">ANNA: Bra.</font>\n"
      assert.are.same({ { nil, 1, "Hej." }, { nil, 2, "Hej själv." }, { nil, 3, "Hur mår du?" }, { "ANNA", 4, "Bra." } },
        turns_of(srt))
    end)

    it("reads a file in one colour as it reads it without the colour", function()
      local srt = "1\n00:00:01,000 --> 00:00:03,000\n<font color=\"#ffff00\">Var har du varit?</font>\n"
        .. "<font color=\"#ffff00\">Ute.</font>\n\n2\n00:00:03,500 --> 00:00:05,000\n<font color=\"#ffff00\">Jaså.</font>\n"
      assert.are.same(turns_of(untagged(srt)), turns_of(srt))
      assert.are.equal(1, #turns_of(srt))
    end)

    it("splits nothing at a coloured word inside a line, nor at a colour that starts one line only", function()
      local inside = "1\n00:00:01,000 --> 00:00:03,000\nVar det fint?\n<font color=\"#ffff00\">Ja, väldigt.</font>\n\n"
        .. "2\n00:00:03,000 --> 00:00:05,000\n<font color=\"#ffff00\">Vi badade.</font>\n\n"
        .. "3\n00:00:05,000 --> 00:00:07,000\nJaså, <font color=\"#ffff00\">jättebra</font>\nväder då.\n\n"
        .. "4\n00:00:07,000 --> 00:00:09,000\nSå <font color=\"#00ffff\">kul</font> för er.\n"
      assert.are.same({ { nil, 1, "Var det fint?" }, { nil, 1, "Ja, väldigt. Vi badade." },
        { nil, 5, "Jaså, jättebra väder då. Så kul för er." } }, turns_of(inside))
      for _, srt in ipairs {
        "1\n00:00:01,000 --> 00:00:03,000\n<font color=\"#ffff00\">Varning:</font> starka scener.\n\n"
          .. "2\n00:00:03,500 --> 00:00:05,000\nDet var en gång\nen kung.\n",
        "1\n00:00:01,000 --> 00:00:03,000\nDet var en <font color=\"#ffff00\">mycket</font> stor\nkung.\n\n"
          .. "2\n00:00:03,500 --> 00:00:05,000\nHan hade <font color=\"#00ffff\">tre</font> döttrar.\n" } do
        assert.are.same(turns_of(untagged(srt)), turns_of(srt))
      end
    end)
  end)

  describe("open() of SRT with in-cue labels", function()
    local list = cues(SRT)
    -- a label: capitalised words and ": " at the start of a cue's FIRST text line
    local function label(cue)
      local name = cue.text[1]:match("^([^:]+): ")
      if not name or #name > 40 then return nil end
      for word in name:gmatch("%S+") do
        if not word:match("^%u[%a%.'%-]*$") then return nil end
      end
      return name
    end

    it("carries a Name: over the cues after it, until another name starts a cue", function()
      local order, per, turns = turns_by(list, label)
      local c = samtal.open(SRT)
      local speakers = c:speakers()
      assert.are.equal(#order, #speakers)
      for k, s in ipairs(speakers) do
        assert.are.equal(order[k], s.name)
        assert.are.equal(per[s.name], s.turns)
      end
      assert.are.equal(#turns, #all_turns(c))
      -- the counts SOURCE.md gives for the label switches
      local by = {}
      for _, s in ipairs(speakers) do by[s.name] = s.turns end
      assert.are.same({
        ["Bekah Hawrot Weigel"] = 33,
        ["Cameron Bardell"] = 31,
        ["Dan Ott"] = 28,
        ["Rahat Chowdhury"] = 19,
        Unknown = 2,
      }, by)
      local got = all_turns(c)
      for k = 1, 5 do
        assert.is_true(math.abs(turns[k].start - got[k].start) < 1e-6)
        assert.are.equal(turns[k].line, got[k].line)
      end
      assert.are.equal(14.64, got[1].start)
    end)

    it("takes no name from a wrapped second line ('Virtual / Coffee: we introduce')", function()
      local c = samtal.open(SRT)
      for _, s in ipairs(c:speakers()) do assert.are_not.equal("Coffee", s.name) end
      assert.are.equal(1, c:count("virtual coffee : we introduce"))
    end)

    it("leaves numbers, timings and labels out of the text", function()
      local c = samtal.open(SRT)
      assert_clean(c)
      local function strip(line) return line:gsub("^%u[%a%.'%- ]*: ", "", 1) end
      for _, w in ipairs({ "coffee", "podcast", "mental" }) do
        assert.are.equal(words_in(list, w, strip), c:count(w), w)
      end
    end)
  end)

  describe("open() of small subtitle files", function()
    local VTT = table.concat({
      "WEBVTT - a test",
      "Kind: captions",
      "",
      "NOTE a note",
      "spanning two lines",
      "",
      "STYLE",
      "::cue { color: red }",
      "",
      "1",
      "00:00:01.000 --> 00:00:02.500 align:start position:10%",
      "<v.loud Anna Berg>Hello <i>there</i> &amp; <c.x>welcome</c>",
      "<00:00:02.000>friends.",
      "",
      "00:03.000 --> 00:04.000",
      "Still Anna.",
      "",
      "00:00:05.000 --> 00:00:06.000",
      "<v Bo>Hi Anna.</v> <v Anna Berg>Hi Bo.",
      "",
      "00:00:07.000 --> 00:00:08.000",
      "Carl: I am Carl,",
      "Note: a wrapped line.",
      "",
    }, "\n")

    it("reads voices, labels and times, and drops notes, styles, settings and tags", function()
      local c = samtal.open(h.tempfile(VTT, ".vtt"))
      local got = {}
      for t in c:turns() do got[#got + 1] = { t.speaker, t.text, t.start, t.line } end
      assert.are.same({
        { "Anna Berg", "Hello there & welcome friends. Still Anna.", 1, 12 },
        { "Bo", "Hi Anna.", 5, 19 },
        { "Anna Berg", "Hi Bo.", 5, 19 },
        { "Carl", "I am Carl, Note: a wrapped line.", 7, 22 },
      }, got)
      for _, w in ipairs({ "spanning", "color", "align", "position", "captions", "loud" }) do
        assert.are.equal(0, c:count(w), w)
      end
    end)

    it("knows WebVTT by its first line, whatever the file is called", function()
      local c = samtal.open(h.tempfile(VTT, ".txt"))
      assert.are.equal(4, #all_turns(c))
      assert.are.equal(0, c:count("-->"))
    end)

    it("continues a turn over cues without a voice, and starts one at '- '", function()
      local c = samtal.open(h.tempfile(table.concat({
        "WEBVTT", "",
        "00:00:00.000 --> 00:00:01.000", "- Hi there,", "",
        "00:00:01.000 --> 00:00:02.000", "how are you?", "",
        "00:00:02.000 --> 00:00:03.000", "- Fine.", "",
      }, "\n"), ".vtt"))
      local got = {}
      for t in c:turns() do got[#got + 1] = t.text end
      assert.are.same({ "Hi there, how are you?", "Fine." }, got)
    end)

    local CUES = table.concat({
      "1",
      "00:00:01,000 --> 00:00:02,000",
      "Anna: Hello there,",
      "Friend: a wrapped line",
      "",
      "2",
      "00:00:02,000 --> 00:00:03,000",
      "and more from <i>Anna</i>.",
      "",
      "3",
      "00:00:03,500 --> 00:00:04,000",
      "Bo: Hi.",
      "",
    }, "\n")

    it("starts a turn at a dialogue dash written as Swedish subtitles write it, '– ' or '— '", function()
      local srt = "1\n00:00:01,000 --> 00:00:03,000\n– Var har du varit?\n– Ute.\n\n"
        .. "2\n00:00:03,500 --> 00:00:05,000\n— Var då? Jag tänkte – men nej.\n"
      local c = samtal.open(h.tempfile(srt, ".srt"))
      local got = {}
      for t in c:turns() do got[#got + 1] = { t.start, t.text } end
      assert.are.same({ { 1, "Var har du varit?" }, { 1, "Ute." }, { 3.5, "Var då? Jag tänkte – men nej." } }, got)
      assert.are.equal(1, c:count("–"))
    end)

    it("reads a cue's label inside a tag: '<b>MARY:</b> text', '<font color=...>JACK:</font>'", function()
      local srt = "1\n00:00:04,000 --> 00:00:06,200\n<font color=\"#ffff00\">JACK:</font> Where were you?\n\n"
        .. "2\n00:00:06,400 --> 00:00:08,900\n<b>MARY:</b> At the pub.\n\n3\n00:00:09,000 --> 00:00:10,000\nJACK: Until four?\n"
      local c = samtal.open(h.tempfile(srt, ".srt"))
      local got = {}
      for t in c:turns() do got[#got + 1] = { t.speaker, t.start, t.text } end
      assert.are.same({ { "JACK", 4, "Where were you?" }, { "MARY", 6.4, "At the pub." }, { "JACK", 9, "Until four?" } }, got)
      assert.are.equal(0, c:count("jack") + c:count("mary"))
    end)

    it("reads whisperX's speakers in cues: '[SPEAKER_00]: text' and 'SPEAKER_01: text'", function()
      local srt = "1\n00:00:00,031 --> 00:00:03,412\n[SPEAKER_00]: Okay, the second interview.\n\n"
        .. "2\n00:00:06,875 --> 00:00:11,699\n[SPEAKER_01]: Yeah, I grew up in Leeds.\n\n"
        .. "3\n00:00:12,160 --> 00:00:13,521\nSPEAKER_00: What did you study?\n\n"
        .. "4\n00:00:13,941 --> 00:00:18,625\n[Music]\n"
      local c = samtal.open(h.tempfile(srt, ".srt"))
      local got = {}
      for t in c:turns() do got[#got + 1] = { t.speaker, t.start, t.text } end
      assert.are.same({ { "SPEAKER_00", 0.031, "Okay, the second interview." },
        { "SPEAKER_01", 6.875, "Yeah, I grew up in Leeds." }, { "SPEAKER_00", 12.16, "What did you study? [Music]" } }, got)
      local names = {}
      for _, e in ipairs(c:document(1).events) do names[#names + 1] = e.name end
      assert.are.same({ "Music" }, names)
      local vtt = samtal.open(h.tempfile("WEBVTT\n\n00:01.000 --> 00:02.000\nSPEAKER_00: Hej.\n\n"
        .. "00:02.000 --> 00:03.000\nSPEAKER_01: Tack.\n", ".vtt"))
      local who = {}
      for t in vtt:turns() do who[#who + 1] = t.speaker end
      assert.are.same({ "SPEAKER_00", "SPEAKER_01" }, who)
    end)

    it("reads an SRT cue's Name: and carries it over; a wrapped Word: is no name", function()
      local c = samtal.open(h.tempfile(CUES, ".srt"))
      local got = {}
      for t in c:turns() do got[#got + 1] = { t.speaker, t.text, t.start, t.line } end
      assert.are.same({
        { "Anna", "Hello there, Friend: a wrapped line and more from Anna.", 1, 3 },
        { "Bo", "Hi.", 3.5, 12 },
      }, got)
      assert.are.equal(2, #c:speakers())
    end)

    it("knows SRT by a number and a timing line, whatever the file is called", function()
      local c = samtal.open(h.tempfile(CUES, ".txt"))
      assert.are.equal(2, #c:speakers())
      assert.are.equal(0, c:count("-->"))
    end)

    it("raises on a broken SRT timing line, naming file and line", function()
      local path = h.tempfile(CUES .. "\n4\n00:00:05,000 -> 00:00:06,000\nBroken.\n", ".srt")
      local err = h.error_of(samtal.open, path)
      assert.matches(path .. ":15: expected a cue timing line", err, 1, true)
    end)

    it("raises on a broken WebVTT timing line, naming file and line", function()
      local path = h.tempfile("WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n\n00:02.000 --> 00:0x.000\nHo\n",
        ".vtt")
      local err = h.error_of(samtal.open, path)
      assert.matches(path .. ":6: expected a cue timing line", err, 1, true)
    end)

    it("raises on an SRT cue whose number has no timing line after it", function()
      local path = h.tempfile("1\n00:00:01,000 --> 00:00:02,000\nHi\n\n2\nHo\n", ".srt")
      local err = h.error_of(samtal.open, path)
      assert.matches(path .. ":6: expected a cue timing line", err, 1, true)
    end)
  end)

  describe("open() of sound descriptions and titles in subtitles", function()
    after_each(h.cleanup)

    --- Events of document 1 as "name@turn" strings, and the turns' texts.
    local function events_of(c)
      local out = {}
      for _, e in ipairs(c:document(1).events) do out[#out + 1] = e.name .. "@" .. tostring(e.turn) end
      return out
    end

    it("takes the text after WEBVTT in the header line as the title", function()
      local function title(header)
        return samtal.open(h.tempfile(header .. "\n\n00:00:01.000 --> 00:00:02.000\nHej.\n", ".vtt")):document(1).title
      end
      assert.are.equal("Episode 12", title("WEBVTT - Episode 12"))
      assert.are.equal("Avsnitt 3: om vård", title("WEBVTT\tAvsnitt 3: om vård  "))
      assert.is_nil(title("WEBVTT"))
      assert.is_nil(title("WEBVTT -"))
      local c = samtal.open(h.tempfile("WEBVTT - Episode 12\n\n00:00:01.000 --> 00:00:02.000\nHej.\n", ".vtt"))
      assert.are.equal(0, c:count("Episode")) -- the title is no speech
      assert.are.equal("Hej.", c:turn(1).text)
    end)

    it("reads [Music], [Laughter] and a lone (applåder) in cues as events, not words", function()
      local vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Anna>[Music] Hej och välkommen.\n\n"
        .. "00:00:03.000 --> 00:00:04.000\n<v Bo>(applåder)\n\n"
        .. "00:00:05.000 --> 00:00:06.000\n<v Bo>Det är (som sagt) bra [Laughter].\n"
      local c = samtal.open(h.tempfile(vtt, ".vtt"))
      assert.are.same({ "Music@1", "applåder@2", "Laughter@2" }, events_of(c))
      assert.are.equal(0, c:count("Music") + c:count("applåder") + c:count("Laughter"))
      assert.are.equal(1, c:count("som sagt")) -- a parenthesis inside speech is speech
      assert.are.equal("[Music] Hej och välkommen.", c:turn(1).text)
      assert.are.equal(3, c:count('[event="Music"] "Hej" "och"') + c:count('[event="applåder"] "Det"')
        + c:count('[event="Laughter"] "."'))
    end)

    it("reads them in SRT by the same rule, and as plain text does", function()
      local srt = "1\n00:00:01,000 --> 00:00:02,000\nAnna: [skratt] Ja.\n\n"
        .. "2\n00:00:03,000 --> 00:00:04,000\nBo: (applåder)\n\n3\n00:00:05,000 --> 00:00:06,000\nBo: Tack (alla).\n"
      local c = samtal.open(h.tempfile(srt, ".srt"))
      assert.are.same({ "skratt@1", "applåder@2" }, events_of(c))
      local txt = "Anna: [skratt] Ja.\n\nBo: (applåder)\n\nBo: Tack (alla).\n\nAnna: Ja.\n"
      local t = samtal.open(h.tempfile(txt, ".txt"))
      local names = {}
      for _, e in ipairs(t:document(1).events) do names[#names + 1] = e.name end
      assert.are.same({ "skratt", "applåder" }, names)
      assert.are.equal(1, t:count("alla"))
      assert.are.equal(1, c:count("alla"))
    end)

    it("finds every bracketed mark of a real YouTube transcript as an event", function()
      -- counted from the file: [Letter...] marks of at most 60 bytes in the cue text lines
      local marks = {}
      for _, cue in ipairs(cues(YOUTUBE)) do
        for _, line in ipairs(cue.text) do
          for m in line:gmatch("%[(%a[^%]%[]*)%]") do
            if #m <= 60 then marks[#marks + 1] = m end
          end
        end
      end
      assert.are.same({ "INAUDIBLE" }, marks)
      local c = samtal.open(YOUTUBE)
      local names = {}
      for _, e in ipairs(c:document(1).events) do names[#names + 1] = e.name end
      assert.are.same(marks, names)
      assert.are.equal(0, c:count("INAUDIBLE"))
    end)
  end)

  describe("open() of YouTube's SBV captions", function()
    after_each(h.cleanup)

    local SBV = table.concat({
      "0:00:00.599,0:00:04.160",
      ">> Hello and welcome",
      "to the show.",
      "",
      "0:00:04.160,0:00:06.770",
      "We talk about SBV today.",
      "",
      "0:00:06.770,0:00:09.000",
      ">> Thanks for having me.",
      "",
      "0:00:09.000,0:01:02.500",
      "- Sure. [Music]",
      "",
      "1:00:00.000,1:00:02.000",
      "Anna Berg: That is all.",
      "",
      "1:00:02.000,1:00:03.500",
      "Bye now.",
      "",
    }, "\n")

    local function rows(c)
      local got = {}
      for t in c:turns() do got[#got + 1] = { t.speaker or false, t.start, t.stop, t.line, t.text } end
      return got
    end

    local WANT = {
      { false, 0.599, 6.77, 2, "Hello and welcome to the show. We talk about SBV today." },
      { false, 6.77, 9, 9, "Thanks for having me." },
      { false, 9, 62.5, 12, "Sure. [Music]" },
      { "Anna Berg", 3600, 3603.5, 15, "That is all. Bye now." },
    }

    it("reads cues of start,stop timing lines: times, lines, '>>', '- ' and Name: as in SRT", function()
      local c = samtal.open(h.tempfile(SBV, ".sbv"))
      assert.are.same(WANT, rows(c))
      assert.are.equal(0, c:count("Music"))
      assert.are.same({ "Music" }, { c:document(1).events[1].name })
      for t in c:turns() do assert.is_nil(t.text:find("%d:%d%d:%d%d%.%d%d%d")) end
    end)

    it("knows SBV by its first line and its blocks, whatever the file is called", function()
      assert.are.same(WANT, rows(samtal.open(h.tempfile(SBV, ".txt"))))
      assert.are.same(WANT, rows(samtal.open(h.tempfile(SBV:gsub("\n", "\r\n"), ".txt"))))
      assert.are.same(WANT, rows(samtal.open(h.tempfile(SBV, ".txt"), { format = "srt" })))
    end)

    it("raises on a broken SBV timing line, naming file and line and the form it expected", function()
      local path = h.tempfile(SBV .. "\n1:00:04.000;1:00:05.000\nBroken.\n", ".sbv")
      local err = h.error_of(samtal.open, path)
      assert.matches(path .. ":20: expected a cue timing line like \"0:01:02.500,0:01:04.000\"", err, 1, true)
    end)

    it("reads SBV with format = \"sbv\" whatever the name, and finds .sbv files in a directory", function()
      assert.are.same(WANT, rows(samtal.open(h.tempfile(SBV, ".txt"), { format = "sbv" })))
      -- forced, an SRT file is no SBV: its first cue's timing line is not one
      local srt = h.tempfile("1\n00:00:01,000 --> 00:00:02,000\nBo: Hej.\n", ".srt")
      assert.matches(srt .. ":2: expected a cue timing line like \"0:01:02.500,0:01:04.000\"",
        h.error_of(samtal.open, srt, { format = "sbv" }), 1, true)
      local dir = h.run("mktemp -d"):gsub("%s+$", "")
      local f = assert(io.open(dir .. "/captions.SBV", "wb"))
      f:write(SBV)
      f:close()
      local c = samtal.open(dir)
      assert.are.same(WANT, rows(c))
      assert.are.equal("captions.SBV", c:documents()[1].name)
      os.remove(dir .. "/captions.SBV")
      os.remove(dir)
    end)

    it("reads an SRT file named .sbv as SRT", function()
      local c = samtal.open(h.tempfile("1\n00:00:01,000 --> 00:00:02,000\nBo: Hej.\n", ".sbv"))
      assert.are.same({ { "Bo", 1, 2, 3, "Hej." } }, rows(c))
    end)

    it("leaves text alone whose first line is no such timing, or whose blocks mostly do not start so", function()
      local near = {
        -- one timing line over paragraphs of prose
        "0:00:01.000,0:00:04.000\nThe recording starts.\n\nAnna: Hej.\n\nBo: Hej Anna.\n\nAnna: Hur mår du?\n",
        -- times without fractions, a list of chapters
        "0:01,1:30\nIntro\n\n1:30,4:00\nThe interview\n",
        -- text after the times on the timing line
        "0:00:01.000,0:00:04.000 Anna: hej\n\n0:00:04.000,0:00:06.000 Bo: hej\n",
        -- the timing line is not the first line
        "Meeting notes\n0:00:01.000,0:00:04.000\nAnna: Hej.\n\n0:00:04.000,0:00:06.000\nBo: Hej.\n",
      }
      for _, text in ipairs(near) do
        local path = h.tempfile(text, ".txt")
        assert.are.same(rows(samtal.open(path, { format = "text" })), rows(samtal.open(path)), text)
      end
    end)
  end)
end)
