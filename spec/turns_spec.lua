-- Turns: speaker labels, page furniture, preamble, events, on the seeds, on the shared corpora
-- and on small inline cases.
local samtal = require "samtal"
local h = require "helpers"

local function turns_of(c, filter)
  local out = {}
  for t in c:turns(filter) do out[#out + 1] = t end
  return out
end

local function open_text(text)
  return samtal.open(h.tempfile(text))
end

--- Each turn of c as {speaker, start, text}.
local function turn_rows(c)
  local out = {}
  for _, t in ipairs(turns_of(c)) do out[#out + 1] = { t.speaker, t.start, t.text } end
  return out
end

--- The speakers of c's turns in order ("-" for none), one string.
local function turn_speakers(c)
  local out = {}
  for _, t in ipairs(turns_of(c)) do out[#out + 1] = t.speaker or "-" end
  return table.concat(out, " ")
end

--- The names of c's speakers, one string.
local function speaker_names(c)
  local out = {}
  for _, sp in ipairs(c:speakers()) do out[#out + 1] = sp.name end
  return table.concat(out, " ")
end

describe("samtal", function()
  after_each(h.cleanup)

  describe("speakers() on the seeds", function()
    local c = samtal.open("corpus")

    it("lists the speakers in order of first appearance", function()
      local names = {}
      for _, s in ipairs(c:speakers()) do names[#names + 1] = s.name end
      assert.are.same({ "VINJETT", "LENA", "MAGNUS", "LISBETH", "Speaker 1", "Speaker 2", "Speaker 3" }, names)
    end)

    it("counts each speaker's turns as the label lines in the files", function()
      -- counted from the raw files by line patterns, not by samtal
      local expected = {}
      for _, name in ipairs { "VINJETT", "LENA", "MAGNUS", "LISBETH" } do
        expected[name] = h.count_lines(h.seed_inline, "^%-? ?" .. name .. ": ")
      end
      for n = 1, 3 do
        expected["Speaker " .. n] = h.count_lines(h.seed_blocks, "^Speaker " .. n .. ":$")
      end
      for _, s in ipairs(c:speakers()) do
        assert.are.equal(expected[s.name], s.turns, s.name)
      end
      assert.are.equal(27, expected.LENA)
    end)

    it("counts tokens per speaker so that they add up to the corpus's words", function()
      local sum = 0
      for _, s in ipairs(c:speakers()) do sum = sum + s.tokens end
      assert.are.equal(c:stats().words, sum)
    end)
  end)

  describe("turns()", function()
    local c = samtal.open("corpus")

    it("filters by speaker and gives doc, index, speaker and text", function()
      local lena = turns_of(c, { speaker = "LENA" })
      assert.are.equal(27, #lena)
      for _, t in ipairs(lena) do
        assert.are.equal("LENA", t.speaker)
        assert.are.equal("000_e744d110473e4ebd.txt", t.doc)
      end
      assert.are.equal(2, lena[1].index) -- after VINJETT
      assert.truthy(lena[1].text:match("^Och även det här att faktiskt lära känna oss som personer%."))
    end)

    it("filters by document name or index", function()
      assert.are.equal(#turns_of(c, { doc = 2 }), #turns_of(c, { doc = "001_49eaf7069c1bee78.txt" }))
      assert.are.equal(53 + 23 + 41, #turns_of(c, { doc = 2 }))
      assert.has_error(function() c:turns { doc = "nothing.txt" } end, "turns: no document nothing.txt")
      assert.has_error(function() c:turns { speakr = "LENA" } end,
        "turns: unknown option 'speakr' (known: doc, speaker)")
    end)

    it("gives no turns for an unknown speaker", function()
      assert.are.same({}, turns_of(c, { speaker = "NOBODY" }))
    end)

    it("reads the bullet form '- NAME: text'", function()
      local t = turns_of(c, { speaker = "MAGNUS" })
      local found = false
      for _, turn in ipairs(t) do
        if turn.text:match("^Nej, det är %.%.%. inte direkt så konkret") then found = true end
      end
      assert.is_true(found)
    end)

    it("reads a label alone on its line followed by its paragraph", function()
      local s2 = turns_of(c, { speaker = "Speaker 2" })
      assert.are.equal("Det känns jättepositivt. Man har en energi I kroppen sen vänder man lite på perspektiven. Från det lite dystra till", s2[1].text)
    end)

    it("points each turn at its source line and byte offset", function()
      local src = h.read(h.seed_blocks)
      local t = turns_of(c, { speaker = "Speaker 3" })[1]
      assert.are.equal(t.text, src:sub(t.offset + 1, t.offset + t.length))
      local line = 0
      for l in (src .. "\n"):gmatch("([^\n]*)\n") do
        line = line + 1
        if line == t.line then assert.are.equal("Speaker 3:", l) end
      end
    end)
  end)

  describe("page furniture", function()
    local c = samtal.open(h.seed_inline)

    it("is not speech: the running headers are no words of any turn", function()
      for t in c:turns() do
        assert.falsy(t.text:find("Näravårdpodden träffar", 1, true), t.index)
      end
      -- the header occurs 18 times in the file, once in the preamble as its title
      assert.are.equal(0, c:count("träffar Lena Lundgren"))
    end)

    it("stitches a sentence cut by a page break: MAGNUS's 'det vill säga'", function()
      assert.are.equal(1, c:count("det vill säga"))
      local hit = c:kwic("det vill säga")[1]
      assert.are.equal("MAGNUS", hit.speaker)
      assert.are.equal("det vill säga", hit.match)
      assert.truthy(hit.left:match("tillgänglighet, $"))
    end)

    it("counts the pages from the headers", function()
      assert.are.equal(18, c:documents()[1].pages)
    end)

    it("works on any repeated header, and compares digits as one", function()
      local text = "Intervju 2024\n\nANNA: Vi börjar\n\nSida 1 av 3\n\nhär. Och sen?\n\nBO: Ja.\n\nSida 2 av 3\n\nANNA: Bra.\n\nSida 3 av 3\n\nBO: Slut.\n"
      local c2 = open_text(text)
      local t = turns_of(c2)
      assert.are.equal(4, #t)
      assert.are.equal("Vi börjar här. Och sen?", t[1].text)
      assert.are.equal(0, c2:count("Sida"))
      assert.are.equal(1, c2:count("börjar här"))
    end)

    it("does not take a short reply repeated after labels for furniture", function()
      local text = "Speaker 1:\n\nMm.\n\nSpeaker 2:\n\nJa, så.\n\nSpeaker 1:\n\nMm.\n\nSpeaker 2:\n\nMm.\n\nSpeaker 1:\n\nMm.\n"
      local c2 = open_text(text)
      assert.are.equal(4, c2:count("mm"))
    end)

    it("keeps replies that end as sentences do, after a label with a time or inside a turn", function()
      -- "Yeah." after "Speaker 0: 00:00:05" (a label that carries only a time), "Right?" and
      -- "Exactly." inside turns: said again and again, and speech every time
      local text = "Speaker 0: 00:00:01\n\nSo we start.\nExactly.\n\nSpeaker 1: 00:00:05\n\nYeah.\n\n"
        .. "Speaker 0: 00:00:09\n\nAnd then?\nRight?\nExactly.\n\nSpeaker 1: 00:00:12\n\nYeah.\nRight?\n\n"
        .. "Speaker 0: 00:00:15\n\nExactly.\n\nSpeaker 1: 00:00:20\n\nYeah.\n\nSpeaker 0: 00:00:22\n\nRight?\n"
      local c2 = open_text(text)
      assert.are.same({ 3, 3, 3 }, { c2:count("yeah"), c2:count("right"), c2:count("exactly") })
      for t in c2:turns() do assert.is_true(t.tokens > 0, t.text) end
      assert.are.equal(1, c2:documents()[1].pages)
      -- a header that does not end as a sentence is still furniture, and so is a footer that is
      -- longer than a reply or numbered
      local paged = "ANNA: Vi börjar\n\nPodden, avsnitt 2\n\nhär.\n\nBO: Ja.\n\nPodden, avsnitt 2\n\n"
        .. "ANNA: Bra.\n\nPodden, avsnitt 2\n\nBO: Slut.\n"
      local c3 = open_text(paged)
      assert.are.equal(0, c3:count("avsnitt"))
      assert.are.equal(4, c3:documents()[1].pages)
      local footed = open_text("Anna: So we started.\n\nBo: Right.\n\nPage 1 of 3. Confidential.\n\nAnna: And then.\n\n"
        .. "Page 2 of 3. Confidential.\n\nBo: Okay then.\n\nPage 3 of 3. Confidential.\n")
      assert.are.equal(0, footed:count("confidential"))
      assert.are.equal(1, footed:count("right"))
    end)

    it("keeps every short reply of a real transcript with timed labels (no page breaks there)", function()
      local path = h.shared .. "bitcointranscripts-en/silent-payments-part-2.md"
      local c2 = samtal.open(path)
      assert.are.equal(1, c2:documents()[1].pages)
      local raw = h.read(path):lower()
      for _, w in ipairs { "yeah", "right", "exactly", "okay", "correct" } do
        local n = select(2, raw:gsub("%f[%a]" .. w .. "%f[%A]", ""))
        assert.is_true(n >= 5, w)
        assert.are.equal(n, c2:count(w), w)
      end
      for t in c2:turns() do assert.is_true(t.tokens > 0, t.label .. " " .. t.line) end
    end)
  end)

  describe("front matter", function()
    it("is metadata even when its opening --- is lost, and gives the title", function()
      local path = h.shared .. "bitcointranscripts-en/BOM__2023-03-13-specification-call@99bf61f.md"
      assert.are.equal("title: Lightning", h.read(path):sub(4, 19)) -- after the BOM; no "---" above
      local c = samtal.open(path)
      assert.are.equal("Lightning specification call", c:document(1).title)
      assert.are.equal(0, c:count("transcript_by"))
      local c2 = open_text("title: Ett samtal\ndate: 2024-01-02\ntags: [a]\n---\n\nANNA: Hej.\n\nBO: Hej hej.\n")
      assert.are.equal("Ett samtal", c2:document(1).title)
      assert.are.equal(0, c2:count("2024"))
      -- lower-case names said first, then a rule, are speech: no title: or date: among them
      local c3 = open_text("anna: hej du\nbo: hej hej\n---\n\nanna: sen då\n\nbo: ja\n")
      assert.are.equal(3, c3:count("hej"))
    end)
  end)

  describe("preamble", function()
    it("keeps the title, the preamble and the participants as metadata", function()
      local d = samtal.open(h.seed_blocks):documents()[1]
      assert.are.equal("Näravårdpodden - en podcast från SKR", d.title)
      assert.truthy(d.preamble:find("Creators & Guests", 1, true))
      assert.are.same({ kind = "Host", name = "Lisbeth Löpare Johansson",
        role = "Samordnare Nära vård på Sveriges Kommuner och Regioner" }, d.participants[1])
      assert.are.equal(3, #d.participants)
      assert.are.equal("Torill Skaar Magnusson", d.participants[3].name)
    end)

    it("is never speech", function()
      local c = samtal.open(h.seed_blocks)
      -- "riktigt kloka sakerna" is a pull quote in the preamble, and said once more in the talk
      local raw = h.read(h.seed_blocks)
      local talk = raw:sub(raw:find("Speaker 1:", 1, true), -1)
      local said = select(2, talk:gsub("riktigt kloka sakerna", ""))
      assert.are.equal(1, said)
      assert.are.equal(said, c:count("riktigt kloka sakerna"))
      local first = c:turns()()
      assert.truthy(first.text:match("^En podcast från Sveriges kommuner och regioner%."))
    end)
  end)

  describe("labels", function()
    it("does not take a colon in a sentence for a label", function()
      local c = open_text("ANNA: Hej.\nOch då sa han: kom hit\nBO: Ja.\n")
      local t = turns_of(c)
      assert.are.equal(2, #t)
      assert.are.equal("Hej.\nOch då sa han: kom hit", t[1].text)
    end)

    it("takes a one-word label only in capitals, alone on its line, or repeated", function()
      local c = open_text("Obs: detta är en rubrik\n\nanna: hej\n\nBO: ja\n\nanna: hej igen\n")
      local names = {}
      for _, s in ipairs(c:speakers()) do names[#names + 1] = s.name end
      assert.are.same({ "anna", "BO" }, names)
      assert.are.equal("Obs: detta är en rubrik", c:documents()[1].preamble)
    end)

    it("reads times after a label as the turn's start, not as words", function()
      local c = open_text("Speaker 0: 00:01:02\n\nHej där.\n\nSpeaker 1: 00:01:05\n\nHej.\n")
      local t = turns_of(c)
      assert.are.equal(62, t[1].start)
      assert.are.equal(65, t[2].start)
      assert.are.equal("Hej där.", t[1].text)
      assert.are.equal(0, c:count("00"))
    end)

    it("makes paragraphs into turns without speaker when a file has no labels", function()
      local c = samtal.open(h.shared .. "svwiki-encodings/sv-molle.utf-8.txt")
      local t = turns_of(c)
      assert.are.equal(2, #t)
      assert.is_nil(t[1].speaker)
      assert.are.equal(0, #c:speakers())
      assert.truthy(c:count("Mölle") >= 2)
    end)

    it("finds the speakers of a Markdown transcript, none in its front matter", function()
      local p = h.shared .. "bitcointranscripts-en/2019-05-11-andrew-poelstra-miniscript.md"
      local c = samtal.open(p)
      local got = {}
      for _, s in ipairs(c:speakers()) do got[s.name] = s.turns end
      local want = {}
      for _, name in ipairs { "Pierre", "bitstein", "Andrew" } do want[name] = h.count_lines(p, "^" .. name .. ": ") end
      assert.are.same(want, got)
      assert.are.equal("Miniscript", c:documents()[1].title) -- from the front matter's title:
      assert.are.equal(0, c:count("speakers"))
    end)

    it("keeps a lower-case key alone on its line from becoming a speaker", function()
      local c = open_text("tags:\n\nANNA: hej\n\nBO: hej\n")
      assert.are.equal(2, #c:speakers())
    end)

    it("drops a byte order mark in the middle of a file from the text", function()
      local c = samtal.open(h.shared .. "bitcointranscripts-en/MIDBOM__2017-09-07-merkleized-abstract-syntax-trees.es.md")
      assert.are.equal(0, #c:speakers())
      for t in c:turns() do assert.falsy(t.text:find("\u{FEFF}", 1, true)) end
    end)

    it("reads times with labels as turn start times, not words", function()
      local c = open_text("Anna (00:03:12): Hej.\n[00:04:00] Bo: Hej [00:04:05] igen.\nAnna  0:05:10\nSlut.\n")
      local got = {}
      for t in c:turns() do got[#got + 1] = { t.speaker, t.start, t.text } end
      assert.are.same({ { "Anna", 192, "Hej." }, { "Bo", 240, "Hej [00:04:05] igen." }, { "Anna", 310, "Slut." } }, got)
      assert.are.equal(0, c:count("04"))
      assert.are.equal(1, c:count("hej igen"))
    end)

    it("reads the Otter layout of the shared corpora: a name and a time alone on a line", function()
      local p = h.shared .. "virtualcoffee-en/0105-cameron-rahat.txt"
      local want = {}
      for line in io.lines(p) do
        local name = line:match("^(%u[%w ]-)  +%d+:%d%d$") or line:match("^(%u[%w ]-)  +%d+:%d%d:%d%d$")
        if name then want[name] = (want[name] or 0) + 1 end
      end
      local c = samtal.open(p)
      local got = {}
      for _, s in ipairs(c:speakers()) do got[s.name] = s.turns end
      assert.are.same(want, got)
      assert.are.equal(14, c:turns()().start)
    end)

    it("reads Markdown's bold labels, and keeps a **Break:** marker apart from the speakers", function()
      for _, file in ipairs { "go-time-100.md", "js-party-90.md" } do
        local p = h.shared .. "changelog-en/" .. file
        local want = {}
        for line in io.lines(p) do
          local name, rest = line:match("^%*%*(.-):%*%* ?(.*)$")
          -- a label followed by nothing but an escaped time is a section marker
          if name and not rest:match("^\\%[[%d:.]+\\%]$") then want[name] = (want[name] or 0) + 1 end
        end
        local c = samtal.open(p)
        local got = {}
        for _, sp in ipairs(c:speakers()) do got[sp.name] = sp.turns end
        assert.are.same(want, got, file)
        assert.is_nil(got.Break)
        assert.are.equal(0, c:count("laughs") + c:count("laughter"), file) -- \[laughs\] is an event
      end
    end)

    it("invents no speakers in the label-less plain-text files of the shared corpora", function()
      -- (talkpython's .txt has speakers: its "<v Name>" voice spans, below)
      for _, p in ipairs { "parlamint-se/ParlaMint-SE_2022-05-13-prot-202122--113.txt",
        "parlamint-se/ParlaMint-SE_2020-04-16-prot-201920--106.txt" } do
        -- as plain text: ParlaMint's own reader takes the speakers from its -meta.tsv (formats_spec)
        local c = samtal.open(h.shared .. p, { format = "text" })
        assert.are.equal(0, #c:speakers(), p)
        -- one turn per paragraph: count the paragraphs of the raw file independently
        local paragraphs = select(2, ("\n\n" .. h.read(h.shared .. p)):gsub("\n%s*\n+%s*%S", ""))
        assert.are.equal(paragraphs, c:stats().turns, p)
      end
    end)
  end)

  describe("WebVTT voice spans in plain text", function()
    it("makes '<v Name>' a label, after a time or not, and one further on a new turn", function()
      local c = open_text("00:00:01 <v Anna Berg>Hej och välkommen.\n\n00:00:04 <v Bo>Tack. <v Anna Berg>Varsågod.\n\n"
        .. "<v.loud Cilla>Hallå!\n")
      local t = turns_of(c)
      assert.are.same({ "Anna Berg", "Bo", "Anna Berg", "Cilla" }, { t[1].speaker, t[2].speaker, t[3].speaker, t[4].speaker })
      assert.are.same({ "Hej och välkommen.", "Tack.", "Varsågod.", "Hallå!" }, { t[1].text, t[2].text, t[3].text, t[4].text })
      assert.are.same({ 1, 4 }, { t[1].start, t[2].start })
      assert.are.equal(0, c:count("<") + c:count("v") + c:count(">"))
    end)

    it("reads a real caption transcript with the speakers and words of its WebVTT twin", function()
      local txt = h.shared .. "talkpython-en/transcripts__525-nicegui.txt"
      local c = samtal.open(txt)
      local raw = h.read(txt)
      local want = {}
      for name in raw:gmatch("<v ([^>]+)>") do want[name] = (want[name] or 0) + 1 end
      local got = {}
      for _, s in ipairs(c:speakers()) do got[s.name] = s.turns end
      assert.are.same(want, got)
      local vtt = samtal.open(h.shared .. "talkpython-en/transcripts__525-nicegui.vtt")
      assert.are.equal(vtt:stats().words, c:stats().words)
      assert.are.equal(vtt:count("nicegui"), c:count("nicegui"))
      assert.are.equal(0, c:count("<"))
      local first = turns_of(c)[2]
      assert.are.same({ "Michael Kennedy", 6 }, { first.speaker, first.start })
    end)
  end)

  describe("the layouts transcription tools export", function()
    local function read(c)
      local out = {}
      for t in c:turns() do out[#out + 1] = { t.speaker, t.start, (t.text:gsub("^%[[%d:]+%] ", "")) } end
      return out
    end

    it("reads whisperX's '[SPEAKER_00]: text'", function()
      local c = open_text("[SPEAKER_00]: Okay, so this is the second interview.\n[SPEAKER_01]: Yeah, so I grew up in Leeds.\n"
        .. "[SPEAKER_00]: What did you study?\n")
      assert.are.same({ { "SPEAKER_00", nil, "Okay, so this is the second interview." },
        { "SPEAKER_01", nil, "Yeah, so I grew up in Leeds." }, { "SPEAKER_00", nil, "What did you study?" } }, read(c))
      assert.are.equal(0, #c:document(1).events)
    end)

    it("reads a time right after the label as the turn's start (Sonix, Rev's older layout)", function()
      local c = open_text("Interviewer: [00:00:00] So let's start.\n\nWalt Jensen: [00:00:04] Since '79.\n\n"
        .. "Interviewer: [00:00:09] And now?\n")
      assert.are.same({ { "Interviewer", 0, "So let's start." }, { "Walt Jensen", 4, "Since '79." },
        { "Interviewer", 9, "And now?" } }, read(c))
      assert.are.equal(0, c:count("00"))
      -- a one-word name seen once is a label when a time comes with it
      local rev = open_text("Tom Reyes: (00:00)\nGood morning.\n\nReporter: (00:09)\nMayor, is it open?\n\nTom Reyes: (00:12)\nYes.\n")
      assert.are.same({ { "Tom Reyes", 0, "Good morning." }, { "Reporter", 9, "Mayor, is it open?" },
        { "Tom Reyes", 12, "Yes." } }, read(rev))
      assert.are.equal(0, rev:count("reporter"))
    end)

    it("reads a time before the label, bare or bracketed, with ' - ' between (Temi, Amberscript)", function()
      local c = open_text("00:00:05 - Talare 1: Hej och välkommen.\n\n00:00:09 - Talare 2: Tack.\n\n"
        .. "00:00:12 Talare 1: Du har skrivit en bok.\n\n[00:00:15] - Talare 2 - Ja, om skärgården.\n")
      assert.are.same({ { "Talare 1", 5, "Hej och välkommen." }, { "Talare 2", 9, "Tack." },
        { "Talare 1", 12, "Du har skrivit en bok." }, { "Talare 2", 15, "Ja, om skärgården." } }, read(c))
      assert.are.equal(0, c:count("00") + c:count("talare"))
      -- Zoom's older transcripts: "[Name] time" alone on its line
      local z = open_text("[Anna Berg] 10:31:05\nOkay, we're recording.\n\n[Mark O'Neill] 10:31:12\nThanks Anna.\n")
      assert.are.same({ { "Anna Berg", 37865, "Okay, we're recording." }, { "Mark O'Neill", 37872, "Thanks Anna." } }, read(z))
      assert.are.equal(0, #z:document(1).events)
      -- a header field with a bare time is no speaker ("Duration: 1:12:40")
      local oral = open_text("Interviewee: Ruth Alvarez\nDuration: 1:12:40\nTranscriber: K. Ortiz\n\nQ: Where were you born?\n\n"
        .. "A: In Tucson.\n\nQ: And then?\n\nA: We moved.\n")
      local names = {}
      for _, sp in ipairs(oral:speakers()) do names[#names + 1] = sp.name end
      assert.are.same({ "Q", "A" }, names)
    end)

    it("reads CHAT (TalkBank): *CHI: utterances, tiers and headers no speech, time bullets no words", function()
      local cha = "@UTF8\n@Begin\n@Participants:\tCHI Target_Child, MOT Mother\n@ID:\teng|Brown|CHI|2;03.04|male|||\n"
        .. "*MOT:\twhat are you doing ? \0211520_3480\021\n%mor:\tpro:int|what aux|be\n"
        .. "*CHI:\tI push it . \0213900_5210\021\n%com:\tchild runs\n*MOT:\tyou push it where ?\n@End\n"
      local path = h.tempfile(cha, ".cha")
      local c = samtal.open(path)
      local who = {}
      for _, t in ipairs(turns_of(c)) do who[#who + 1] = t.speaker end
      assert.are.same({ "MOT", "CHI", "MOT" }, who)
      assert.are.equal(11, c:stats().words)
      assert.are.equal(0, c:count("mor") + c:count("1520_3480") + c:count("end") + c:count("participants"))
      -- a directory lists .cha files
      local dir = os.tmpname()
      os.remove(dir)
      assert(os.execute("mkdir " .. h.q(dir) .. " && cp " .. h.q(path) .. " " .. h.q(dir) .. "/a.cha"))
      assert.are.equal(1, #samtal.open(dir):documents())
      os.execute("rm -r " .. h.q(dir))
    end)

    it("reads the Riksdag's numbered speeches: the name in capitals with its party, § lines as events", function()
      local c = open_text("Riksdagens protokoll 2019/20:106\n\nKl. 13.00–15.42\n\n§ 1  Svar på interpellation\n\n"
        .. "Anf. 12 Statsrådet ANNIKA STRANDHÄLL (S):\n\nFru talman! Ulrika Heindorff har frågat mig.\n\n"
        .. "Anf. 13 ULRIKA HEINDORFF (M):\n\nFru talman! Jag tackar.\n\nAnf. 14 ANNIKA STRANDHÄLL (S) replik:\n\n"
        .. "Fru talman! Tre miljarder.\n\nAnf. 15 TREDJE VICE TALMANNEN:\n\nDebatten var avslutad.\n\n§ 2  Bordläggning\n")
      assert.are.same({ { "ANNIKA STRANDHÄLL (S)", nil, "Fru talman! Ulrika Heindorff har frågat mig." },
        { "ULRIKA HEINDORFF (M)", nil, "Fru talman! Jag tackar." }, { "ANNIKA STRANDHÄLL (S)", nil, "Fru talman! Tre miljarder." },
        { "TREDJE VICE TALMANNEN", nil, "Debatten var avslutad." } }, read(c))
      assert.are.equal("Riksdagens protokoll 2019/20:106", c:document(1).title)
      assert.are.equal(0, c:count("anf") + c:count("statsrådet") + c:count("bordläggning"))
      assert.are.equal(3, #c:speakers()) -- Strandhäll, Heindorff and the chair
    end)

    it("reads a time, then the name alone on its line (Happy Scribe), and 'Name [time] text' (Trint)", function()
      local c = open_text("00:00:00 Speaker 1\nVälkomna till intervjun.\n\n00:00:05 Speaker 2\nJa, jag heter Karin.\n\n"
        .. "00:00:11 Speaker 1\nHur länge?\n")
      assert.are.same({ { "Speaker 1", 0, "Välkomna till intervjun." }, { "Speaker 2", 5, "Ja, jag heter Karin." },
        { "Speaker 1", 11, "Hur länge?" } }, read(c))
      assert.are.equal(0, c:count("speaker") + c:count("00"))
      local t = open_text("Intervju om bemanning\n\nInterviewer [00:00:02] Thanks for making time.\n\n"
        .. "Dr. Priya Anand [00:00:06] It has been busy.\n\nInterviewer [00:00:13] How often?\n\n"
        .. "Dr. Priya Anand [00:00:15] Too often.\n")
      assert.are.same({ { "Interviewer", 2, "Thanks for making time." }, { "Dr. Priya Anand", 6, "It has been busy." },
        { "Interviewer", 13, "How often?" }, { "Dr. Priya Anand", 15, "Too often." } }, read(t))
      assert.are.equal("Intervju om bemanning", t:document(1).title)
      -- a time, then one word said once, or a line that goes on in lower case, is no label
      local yes = open_text("00:00:05 Speaker 1\nHello there.\n\n00:00:09 Speaker 2\nHi.\n\n00:00:12 Yes\nthat is right.\n")
      assert.are.equal(2, #yes:speakers())
      assert.are.equal(1, yes:count("yes"))
      local okay = open_text("00:00:05 Okay\nso this is where we begin.\n\n00:00:09 Right\nyes it does.\n\n00:00:12 Okay\nthen.\n")
      assert.are.equal(0, #okay:speakers())
      -- a word before a time mark in speech is no label: the name must recur so
      local speech = open_text("ANNA: Hej.\n\nOch [00:12] så sa hon.\n\nBO: Ja.\n")
      assert.are.same({ "ANNA", "BO" }, { read(speech)[1][1], read(speech)[2][1] })
      assert.are.equal(2, #read(speech))
    end)
  end)

  describe("a tool's signature as the last paragraph", function()
    it("is no one's speech, kept as an event; a last sentence with an address stays speech", function()
      local c = open_text("Dan Whitaker  0:02\nSo that is the plan.\n\nMaria Lopez  0:09\nGot it.\n\nTranscribed by https://otter.ai\n")
      local t = turns_of(c)
      assert.are.same({ "So that is the plan.", "Got it." }, { t[1].text, t[2].text })
      assert.are.equal(0, c:count("transcribed"))
      local ev = c:document(1).events
      assert.are.equal("Transcribed by https://otter.ai", ev[#ev].name)
      local said = open_text("ANNA: Hej.\n\nBO: Tack.\n\nLäs mer på www.samtal.se.\n")
      assert.are.equal(1, said:count("läs"))
      assert.are.equal(0, #said:document(1).events)
    end)
  end)

  describe("a name alone on its line with a time alone on the next (a meeting transcript copied out)", function()
    it("is a label with that start, the time no word", function()
      local c = open_text("Anna Berg\n0:03\nGood morning everyone, let us start.\n\nBo Ek\n0:15\nThanks Anna.\n"
        .. "I have two points.\n\nAnna Berg\n1:02:07\nGo ahead.\n")
      assert.are.same({ { "Anna Berg", 3, "Good morning everyone, let us start." },
        { "Bo Ek", 15, "Thanks Anna.\nI have two points." }, { "Anna Berg", 3727, "Go ahead." } }, turn_rows(c))
      assert.are.equal(0, c:count("0") + c:count("03") + c:count("15"))
    end)

    it("needs the time right below the name and the paragraph right below the time; one word must recur", function()
      -- a blank line between: a short line of speech, then a number
      local c = open_text("Anna Berg\n\n0:03\nGood morning.\n")
      assert.are.equal(0, #c:speakers())
      -- a single word said once, above a time: speech
      c = open_text("ANNA: Vi ses klockan\nTre\n10:30\nDå kommer jag.\n")
      assert.are.same({ "ANNA" }, { c:speakers()[1].name })
      assert.are.equal(1, #c:speakers())
      assert.are.equal(1, c:count("tre"))
      -- one word twice: a name; once: speech
      c = open_text("Anna\n0:03\nHej.\n\nBo\n0:05\nHej hej.\n\nAnna\n0:09\nTack.\n")
      assert.are.same({ "Anna" }, { c:speakers()[1].name, c:speakers()[2] })
      assert.are.equal(1, c:count("bo"))
    end)
  end)

  describe("a name, one space and a time alone on its line", function()
    it("is a label where the document writes three such lines or the name recurs so", function()
      local c = open_text("Intervju\n\nAnna Berg 0:03\nGood morning everyone.\n\nBo Ek 0:15\nThanks Anna.\n\n"
        .. "Carl Holm 1:02\nGo ahead.\n")
      local t = turns_of(c)
      assert.are.same({ "Anna Berg", "Bo Ek", "Carl Holm" }, { t[1].speaker, t[2].speaker, t[3].speaker })
      assert.are.same({ 3, 15, 62 }, { t[1].start, t[2].start, t[3].start })
      assert.are.equal("Good morning everyone.", t[1].text)
      local twice = open_text("Anna Berg 0:03\nHej.\n\nAnna Berg 0:09\nHej igen.\n")
      assert.are.same({ "Anna Berg" }, { twice:speakers()[1].name, twice:speakers()[2] })
      -- once, and in a turn: speech
      local said = open_text("ANNA: Vi ses i\nRoom 10:30\nSee you there.\n")
      assert.are.equal(1, #said:speakers())
      assert.are.equal(1, said:count("room"))
    end)
  end)

  describe("a running header with a colon ('Transcript: INT07' on every page)", function()
    it("is page furniture, no speaker, and the sentence it cut is whole", function()
      local c = open_text("Transcript: INT07\nI: Who was involved?\n\nR: Me and then the\n\nTranscript: INT07\n"
        .. "residents joined.\n\nI: Why?\n\nTranscript: INT07\nR: Contacts.\n")
      local t = turns_of(c)
      assert.are.same({ "I", "R", "I", "R" }, { t[1].speaker, t[2].speaker, t[3].speaker, t[4].speaker })
      assert.are.equal("Me and then the residents joined.", t[2].text)
      assert.are.equal(0, c:count("int07"))
      -- a reply said three times by a speaker who says other things too is speech
      local said = open_text("A: Hur många?\n\nB: 3 st\n\nA: Och nu?\n\nB: 3 st\n\nA: Och sen?\n\nB: 3 st\n\n"
        .. "A: Säkert?\n\nB: Ja.\n")
      assert.are.equal(3, said:count("st"))
    end)
  end)

  describe("a header block of 'Key: value' fields at the top", function()
    it("is the preamble, no speakers, where a key is seen once and the values are no sentences", function()
      local de = open_text("Datum der Aufnahme: 12.03.2019\nOrt des Interviews: Leipzig\n\nI: Seit wann wohnen Sie hier?\n\n"
        .. "B: Seit der Wende.\n\nI: Und davor?\n\nB: Dresden.\n")
      assert.are.equal("I B", speaker_names(de))
      assert.are.equal(0, de:count("leipzig"))
      local en = open_text("Interviewer: John Doe\nDate: March 3, 2015\n\nInterviewer: Where were you born?\n\n"
        .. "Smith: Springfield.\n\nInterviewer: When?\n\nSmith: 1932.\n")
      assert.are.equal("Interviewer Smith", speaker_names(en))
      assert.are.equal(0, en:count("doe"))
      local titled = open_text("Oral History Interview\nInterviewee: Dorothy Baker\nInterview Date: June 2, 1998\n\n"
        .. "BAKER: I was born in Ohio.\n\nLEE: When?\n\nBAKER: In 1920.\n")
      assert.are.equal("BAKER LEE", speaker_names(titled))
      assert.are.equal("Oral History Interview", titled:document(1).title)
      -- a title in Markdown bold, without its marks
      assert.are.equal("Intervju med Karin", open_text("**Intervju med Karin**\n\nA: Hej.\n\nB: Hej.\n\nA: Ja.\n\nB: Nej.\n"):document(1).title)
    end)

    it("stays dialogue where its lines are sentences or every key speaks again", function()
      assert.are.equal("A B", speaker_names(open_text("A: Hej.\nB: Tja!\n\nA: Hur mår du?\n\nB: Bra.\n")))
      assert.are.equal("Anna Bo", speaker_names(open_text("Anna: hej\nBo: tja\n\nAnna: hur är det\n\nBo: bra\n")))
    end)
  end)

  describe("clock times starting lines (a video's transcript copied from its page)", function()
    it("are time marks where a fifth of the lines start so and the times go forward", function()
      local alone = open_text("0:00\nhey everyone welcome back\n0:03\ntoday we talk about bread\n1:05\nso first you need flour\n")
      assert.are.equal(0, alone:count("0") + alone:count("00") + alone:count("03") + alone:count("05"))
      assert.are.equal(1, alone:count("bread"))
      local lead = open_text("0:00 hey everyone welcome back\n0:03 today we talk about bread\n1:05 so first you need flour\n")
      assert.are.equal(0, lead:count("0") + lead:count("03"))
      assert.are.equal(14, lead:stats().tokens)
      assert.are.equal("hey everyone welcome back today we talk about bread so first you need flour",
        turns_of(lead)[1].text)
      -- an answer "10:30" among sentences stays text
      local said = open_text("ANNA: När ses vi?\n\nBO: Klockan\n10:30\nkanske.\n\nANNA: Bra.\n\nBO: Ja.\n")
      assert.are.equal(1, said:count("10"))
    end)
  end)

  describe("more tools' name and time lines", function()
    it("reads '[time] - Name', 'Name - time' and a name over a time range, the times no words", function()
      local hs = open_text("[00:00:05] - Speaker 1\nHello.\n\n[00:00:09] - Speaker 2\nThanks.\n\n[00:00:12] - Speaker 1\nGood.\n\n"
        .. "[00:00:15] - Speaker 2\nYes.\n")
      assert.are.same({ { "Speaker 1", 5, "Hello." }, { "Speaker 2", 9, "Thanks." }, { "Speaker 1", 12, "Good." },
        { "Speaker 2", 15, "Yes." } }, turn_rows(hs))
      -- an agenda's items and a track list are no speakers: the names must recur, and not line by line
      local agenda = open_text("Program\n\n[09:00] - Opening Remarks\nThe chair welcomes everyone.\n\n"
        .. "[09:30] - Primary Care Today\nA talk by Anna Berg.\n")
      assert.are.equal(0, #agenda:speakers())
      local tracks = open_text("Tracklist\n\nIntro - 0:45\nSunrise - 3:12\nThe Long Road - 4:01\nSunrise - 3:40\nOutro - 1:10\n")
      assert.are.equal(0, #tracks:speakers())
      assert.are.equal(2, tracks:count("sunrise"))
      local ff = open_text("Anna Berg - 00:00\nHi.\n\nBjörn Ek - 00:05\nHey.\n\nAnna Berg - 00:09\nGood.\n\nBjörn Ek - 00:12\nYes.\n")
      assert.are.same({ { "Anna Berg", 0, "Hi." }, { "Björn Ek", 5, "Hey." }, { "Anna Berg", 9, "Good." },
        { "Björn Ek", 12, "Yes." } }, turn_rows(ff))
      local rv = open_text("Anna Berg\n00:00:03 - 00:00:07\nWelcome.\n\nBjörn Ek\n00:00:08 - 00:00:10\nThanks.\n")
      assert.are.same({ { "Anna Berg", 3, "Welcome." }, { "Björn Ek", 8, "Thanks." } }, turn_rows(rv))
      assert.are.equal(0, hs:count("00") + ff:count("00") + rv:count("00") + rv:count("07"))
    end)
  end)

  describe("texts near these layouts that are none of them", function()
    it("keep their words and invent no speakers", function()
      -- a speaker whose turns are all short with digits is no running header
      local clerk = open_text("Mayor: Next item, please.\nClerk: Item 4\nMayor: Any comments? None. Approved.\n"
        .. "Clerk: Item 5\nMayor: Approved.\nClerk: Item 6\nMayor: Adjourned.\n")
      assert.are.equal(3, clerk:count("item") - 1)
      assert.are.equal("Mayor Clerk Mayor Clerk Mayor Clerk Mayor", turn_speakers(clerk))
      -- a track list is no list of speakers
      local tracks = open_text("Intro - 0:45\nSunrise - 3:12\nOutro - 1:10\n")
      assert.are.equal(0, #tracks:speakers())
      assert.are.equal(1, tracks:count("sunrise"))
      -- a rota in columns is no transcript table
      local rota = open_text("Monday\t08:00\t16:00\tEarly shift at the front desk\nTuesday\t12:00\t20:00\tLate shift\n"
        .. "Wednesday\t08:00\t16:00\tTraining day\n")
      assert.are.equal(0, #rota:speakers())
      assert.are.equal(1, rota:count("tuesday"))
      -- a round of introductions from speech-to-text is speech, not a header block
      local round = open_text("Moderator: hej och välkommen vi börjar med en presentationsrunda\nAhmed: ahmed jobbar på lager\n"
        .. "Sara: sara undersköterska\nLena: lena pensionär\n\nModerator: tack vad tänker ni om trygghet\n\n"
        .. "Ahmed: jobbet faktiskt\n\nLena: hemma\n")
      assert.are.equal(1, round:count("presentationsrunda"))
      assert.are.equal("Moderator Ahmed Sara Lena Moderator Ahmed Lena", turn_speakers(round))
      -- an agenda keeps its times of day
      local agenda = open_text("Agenda\n\n9:00 Arrival and coffee\n9:30 Welcome from the chair\n10:30 Coffee break\n"
        .. "11:00 Keynote on primary care\n12:30 Lunch in the hall\n")
      assert.truthy(turns_of(agenda)[2].text:find("9:00 Arrival", 1, true))
      assert.truthy(turns_of(agenda)[2].text:find("12:30 Lunch", 1, true))
      -- a note in lower case in parentheses is not part of the speaker
      assert.are.equal("Anna Björn Anna Björn", turn_speakers(open_text("Anna: Hej!\nBjörn: Hej hej.\nAnna (skrattar): Du är sen.\nBjörn: Förlåt.\n")))
      -- a transcriber's note seen once is no speaker
      local note = open_text("I: When did you arrive?\n\nR: In 1962.\n\nI: And the school?\n\nR: It was hard.\n\n"
        .. "Note: Tape 1 ends here.\n\nI: Let us go on.\n\nR: Yes.\n")
      for _, sp in ipairs(note:speakers()) do assert.is_not.equal("Note", sp.name) end
      -- a text whose lines start with a time range and go on is no subtitle file
      local ranges = open_text("00:00:01.000 --> 00:00:04.000 Hej och välkommen\n00:00:04.000 --> 00:00:07.000 Idag pratar vi\n")
      assert.are.equal(1, ranges:count("välkommen"))
    end)
  end)

  describe("a time and a name of two words over a paragraph in lower case", function()
    it("is a label: speech-to-text output starts paragraphs so", function()
      local c = open_text("00:05 Björn Ek\nHey.\n\n00:08 Anna Berg\nlet us begin.\n\n00:12 Björn Ek\nsure.\n")
      local t = turns_of(c)
      assert.are.same({ "Björn Ek", "Anna Berg", "Björn Ek" }, { t[1].speaker, t[2].speaker, t[3].speaker })
      assert.are.same({ "let us begin.", 8 }, { t[2].text, t[2].start })
    end)
  end)

  describe("square brackets that mark overlap (CA, GAT, Jefferson)", function()
    it("hold speech where two lines open them at the same column; elsewhere they are events", function()
      local c = open_text("A: we went to the [beach on]\nB:                [oh nice  ]\nA: sunday and it [was great]\n"
        .. "B:               [lovely   ]\nA: yeah [laughs]\n")
      assert.are.same({ 1, 1, 1, 0 }, { c:count("beach"), c:count("nice"), c:count("lovely"), c:count("laughs") })
      assert.are.equal(1, #c:document(1).events)
      -- events on two lines, at the start of their speech: events still
      local ev = open_text("A: [skratt] ja\nB: [skratt] nej\n\nA: Hej.\n\nB: Hej.\n")
      assert.are.equal(0, ev:count("skratt"))
    end)
  end)

  describe("a table of tab-separated columns (ELAN's tab-delimited export)", function()
    it("reads each row as a turn: the first column the speaker, the first time its start, the last the text", function()
      local c = open_text("Interviewer\t00:00:00.000\t00:00:03.250\t00:00:03.250\tGood morning.\n"
        .. "Respondent\t00:00:03.400\t00:00:07.900\t00:00:04.500\tMorning.\n"
        .. "Interviewer\t00:00:08.100\t00:00:12.000\t00:00:03.900\tShall we start?\n")
      local t = turns_of(c)
      assert.are.same({ "Interviewer", "Respondent", "Interviewer" }, { t[1].speaker, t[2].speaker, t[3].speaker })
      assert.are.same({ 0, 3.4, 8.1 }, { t[1].start, t[2].start, t[3].start })
      assert.are.equal("Morning.", t[2].text)
      assert.are.equal(0, c:count("00") + c:count("250"))
      -- a table without times is no transcript table: its rows stay text
      local plain = open_text("a\tb\tc\nd\te\tf\ng\th\ti\n")
      assert.are.equal(0, #plain:speakers())
    end)
  end)

  describe("whisper.cpp's printed ranges ([00:00:00.000 --> 00:00:03.480])", function()
    it("are time marks, no words; the first starts the turn", function()
      local c = open_text("[00:00:00.000 --> 00:00:03.480]   Hej och välkommen.\n"
        .. "[00:00:03.480 --> 00:00:06.000]   Idag pratar vi om bröd.\n")
      assert.are.equal(0, c:count("00") + c:count("480") + c:count("03"))
      assert.are.equal(10, c:stats().tokens)
      assert.are.equal(0, turns_of(c)[1].start)
      local later = open_text("[00:01:05.500 --> 00:01:08.000]   Sedan.\n")
      assert.are.equal(65.5, turns_of(later)[1].start)
    end)
  end)

  describe("line numbers of three digits or one space (GAT, CA)", function()
    it("are no part of the lines where nearly every line counts on so", function()
      local lines = {}
      local said = { "AR: und wie GEHT es ihnen?", "PA: ja: (.) es GEHT so;", "    (1.2)", "AR: seit WANN denn?",
        "PA: seit letzter WOche.", "AR: okay.", "PA: ja.", "AR: gut.", "PA: hm.", "AR: und sonst?", "PA: nichts." }
      for k, line in ipairs(said) do lines[k] = ("%03d %s"):format(k, line) end
      local c = open_text(table.concat(lines, "\n") .. "\n")
      local t = turns_of(c)
      assert.are.equal(10, #t)
      assert.are.same({ "AR", "PA" }, { t[1].speaker, t[2].speaker })
      assert.are.equal(0, c:count("001") + c:count("010"))
      -- one space after the number once it has two digits (Jefferson)
      for k, line in ipairs(said) do lines[k] = (k < 10 and "%d  %s" or "%d %s"):format(k, line) end
      t = turns_of(open_text(table.concat(lines, "\n") .. "\n"))
      assert.are.same({ "AR", "PA" }, { t[9].speaker, t[10].speaker })
      -- amounts that do not count on are text
      local amounts = {}
      for k = 1, 12 do amounts[k] = ("%d kronor kostar det nu"):format(k * 7) end
      local a = open_text(table.concat(amounts, "\n") .. "\n")
      assert.are.equal(1, a:count("7") + a:count("14") - 1)
      assert.are.equal(12, a:count("kronor"))
    end)
  end)

  describe("f4 and f5 time stamps (#00:00:05-2#)", function()
    it("are time marks, no words; one before a label gives the turn its start", function()
      local c = open_text("I: Wie kamen Sie dazu? #00:00:05-2#\n\nB: Zufall. #00:00:09-7#\n\nI: Mhm. #00:00:10-4#\n")
      assert.are.equal(0, c:count("00") + c:count("05") + c:count("2"))
      assert.are.equal(2, c:count("mhm") + c:count("zufall"))
      assert.are.equal("Zufall. #00:00:09-7#", turns_of(c)[2].text) -- the turn's text as the file has it
      local first = open_text("#00:00:00-0# I: Wie sieht Ihr Tag aus?\n#00:00:04-6# B: Er fängt um sechs an.\n"
        .. "#00:00:12-3# I: Und danach?\n")
      local t = turns_of(first)
      assert.are.same({ "I", "B", "I" }, { t[1].speaker, t[2].speaker, t[3].speaker })
      assert.are.same({ 0, 4.6, 12.3 }, { t[1].start, t[2].start, t[3].start })
      -- a hashtag or a number between two # is text
      assert.are.equal(1, open_text("ANNA: Vi tar #2023# och #ab:cd#.\n"):count("2023"))
    end)
  end)

  describe("a speaker who speaks once", function()
    it("is a label where the document's turns start with labels, in paragraphs or line by line", function()
      assert.are.equal("A B Sara A B", turn_speakers(open_text("A: Vad tycker ni?\n\nB: Bra.\n\nSara: Jag vet inte.\n\nA: Okej.\n\nB: Ja.\n")))
      assert.are.equal("Anna Björn Anna", turn_speakers(open_text("Anna: Hej.\nBjörn: Tack.\nAnna: Vi börjar.\n")))
      local trint = open_text("Interviewer [00:00:02] Thanks.\n\nAnna Berg [00:00:05] Sure.\n\nInterviewer [00:00:08] And you?\n\n"
        .. "Björn Ek [00:00:10] Yes, hi.\n\nAnna Berg [00:00:12] Ok.\n")
      assert.are.equal("Interviewer Anna Berg Interviewer Björn Ek Anna Berg", turn_speakers(trint))
      assert.are.equal(10, turns_of(trint)[4].start)
    end)

    it("stays speech where turns do not all start so: a paragraph going on, a header, a word before a time", function()
      -- most paragraphs are no label's: "Obs:" is speech
      local c = open_text("ANNA: Hej.\nJag har en sak.\nDen är viktig.\n\nObs: det gäller alla.\nSå lyssna.\n\nBO: Ja.\n")
      assert.are.equal("ANNA BO", turn_speakers(c))
      assert.are.equal(1, c:count("obs"))
      -- before the first label: the preamble
      assert.are.equal("Anna Bo Anna Bo", turn_speakers(open_text("Video: intervju.mp4\n\nAnna: Hej.\n\nBo: Hej.\n\nAnna: Ja.\n\nBo: Nej.\n")))
      assert.are.equal("ANNA BO", turn_speakers(open_text("ANNA: Hej.\n\nOch [00:12] så sa hon.\n\nBO: Ja.\n")))
    end)
  end)

  describe("labels written with a role, a no-break space, or a Teams guest mark", function()
    it("keep the role in the name", function()
      local c = open_text("Interviewer (IV): Where did you grow up?\n\nRespondent (R): Leeds.\n\nInterviewer (IV): And then?\n")
      local t = turns_of(c)
      assert.are.same({ "Interviewer (IV)", "Respondent (R)", "Interviewer (IV)" }, { t[1].speaker, t[2].speaker, t[3].speaker })
      assert.are.equal("Leeds.", t[2].text)
      local teams = open_text("Björn Ek (Guest)   0:09\nHi!\n\nAnna Berg   0:12\nLet us go.\n\nBjörn Ek (Guest)   0:15\nYes.\n")
      t = turns_of(teams)
      assert.are.same({ "Björn Ek (Guest)", "Anna Berg", "Björn Ek (Guest)" }, { t[1].speaker, t[2].speaker, t[3].speaker })
      assert.are.same({ 9, 12, 15 }, { t[1].start, t[2].start, t[3].start })
      assert.are.equal(0, teams:count("guest"))
      -- a parenthesis in speech stays speech
      assert.are.equal(1, open_text("ANNA: Han sa (tyst): kom.\n"):count("tyst"))
    end)

    it("read a slash inside a word of the name ('Befragte/r:', 'Interviewer/in:')", function()
      local c = open_text("Interviewer/in: Wie geht es?\n\nBefragte/r: Gut.\n\nInterviewer/in: Und sonst?\n")
      local t = turns_of(c)
      assert.are.same({ "Interviewer/in", "Befragte/r", "Interviewer/in" }, { t[1].speaker, t[2].speaker, t[3].speaker })
    end)

    it("read Markdown bold after a time or around a name with its time", function()
      for _, text in ipairs { "[00:00:03] **Anna Berg:** Hej.\n\n[00:00:05] **Björn Ek:** Tjena.\n",
        "**Anna Berg (00:00:03):** Hej.\n\n**Björn Ek (00:00:05):** Tjena.\n" } do
        local t = turns_of(open_text(text))
        assert.are.same({ "Anna Berg", 3, "Hej." }, { t[1].speaker, t[1].start, t[1].text })
        assert.are.same({ "Björn Ek", 5 }, { t[2].speaker, t[2].start })
      end
    end)

    it("read a Markdown bold name, then a time in brackets, then the colon", function()
      for _, text in ipairs { "**Anna Berg** [00:00:03]: Hej.\n\n**Björn Ek** [00:00:05]: Tjena.\n",
        "**Anna Berg** (00:03): Hej.\n\n**Björn Ek** (00:05): Tjena.\n",
        "**Anna Berg** [00:00:03]:** Hej.\n\n**Björn Ek** [00:00:05]:** Tjena.\n" } do
        local c = open_text(text)
        assert.are.same({ { "Anna Berg", 3, "Hej." }, { "Björn Ek", 5, "Tjena." } }, turn_rows(c), text)
        assert.are.equal(0, c:count("Anna") + c:count("00"), text)
      end
      -- one word with a time is as sure a label as "Anna (00:03): text"; it starts at its time
      assert.are.same({ { "Anna", 63, "Hej." } }, turn_rows(open_text("**Anna** (01:03): Hej.\n")))
    end)

    it("read no label where the bold name's brackets hold no time, or no colon and space follow", function()
      for _, text in ipairs { "**Anna Berg** [00:00:03] Hej.\n\n**Björn Ek** [00:00:05] Tjena.\n",
        "**Anna Berg** [00:00:03]:Hej.\n\n**Björn Ek** [00:00:05]:Tjena.\n",
        "**Obs** [se nedan]: Hej.\n\n**Viktigt** (2021): Tjena.\n",
        "**Anna** (tyst): Hej.\n\n**Anna** (skrattar): Tjena.\n" } do
        assert.are.equal("- -", turn_speakers(open_text(text)), text)
      end
    end)

    it("read French labels, a space before the colon, where the names recur as labels", function()
      local want = { { "Anna Berg", nil, "Bonjour." }, { "Pierre Dupont", nil, "Salut." },
        { "Anna Berg", nil, "Ça va ?" }, { "Pierre Dupont", nil, "Oui." } }
      for _, sp in ipairs { " ", "\u{a0}", "\u{202f}" } do
        local text = ("Anna Berg%s: Bonjour.\n\nPierre Dupont%s: Salut.\n\nAnna Berg%s: Ça va ?\n\n"
          .. "Pierre Dupont%s: Oui.\n"):format(sp, sp, sp, sp)
        local c = open_text(text)
        assert.are.same(want, turn_rows(c), text)
        assert.are.equal(0, c:count("Anna") + c:count("Pierre"), text)
      end
      -- one word, in capitals or not, must recur too; a name seen once is a label where the
      -- turns all start so (Marie), as with "Name:"
      assert.are.equal("ANNA PIERRE ANNA", turn_speakers(open_text("ANNA : Bonjour.\n\nPIERRE : Salut.\n\nANNA : Ça va ?\n")))
      assert.are.equal("Anna Pierre Anna Pierre Marie", turn_speakers(open_text(
        "Anna : Bonjour.\n\nPierre : Salut.\n\nAnna : Ça va ?\n\nPierre : Oui.\n\nMarie : Moi aussi.\n")))
      assert.are.equal("Intervenant 1 Intervenant 2 Intervenant 1", turn_speakers(open_text(
        "Intervenant 1 : Bonjour.\n\nIntervenant 2 : Salut.\n\nIntervenant 1 : Ça va ?\n")))
      -- a speaker's turn may run over paragraphs
      assert.are.equal("Journaliste Invitée Journaliste Invitée", turn_speakers(open_text(
        "Journaliste : Première question ?\n\nInvitée : Oui.\n\nEt puis encore.\n\nEnfin.\n\n"
        .. "Journaliste : Deuxième ?\n\nInvitée : Non.\n")))
      -- a title line before them stays the preamble
      local c = open_text("Titre : Entretien\n\nAnna : Bonjour.\n\nPierre : Salut.\n\nAnna : Ça va ?\n\nPierre : Oui.\n")
      assert.are.equal("Anna Pierre Anna Pierre", turn_speakers(c))
      assert.are.equal("Titre : Entretien", c:document(1).title)
    end)

    it("read no French label in prose, a one-off note or header, or a time before the colon", function()
      for _, text in ipairs {
        "Remarque : ceci est une note.\n\nLe texte continue ici.\n",
        "Note : la bande s'arrête.\n\nAnna Berg dit bonjour.\n",
        "Il a dit : bonjour à tous.\n\nEt puis : rien.\n",
        "Nous avons trois points : le budget, le plan, la suite.\n\nPuis la suite : demain.\n",
        "Titre : Foo\n\nLe texte de l'entretien.\n",
        "Anna Berg : Bonjour.\n\nLe texte continue, sans autre nom.\n",
        "À 10 h 30 : ouverture.\n\nÀ 11 h 00 : pause.\n\nÀ 10 h 30 : rappel.\n",
        "14:30 : ouverture.\n\n15:00 : pause.\n\n14:30 : rappel.\n",
        "Le 3 mai : réunion.\n\nLe 3 mai : suite.\n",
      } do
        assert.are.equal(0, #open_text(text):speakers(), text)
      end
      -- nor does it change a document with "Name:" labels (a header line stays the title)
      local c = open_text("Titre : Foo\n\nAnna: Hej.\n\nBo: Hej.\n\nAnna: Ça va?\n\nBo: Oui.\n")
      assert.are.equal("Anna Bo Anna Bo", turn_speakers(c))
      assert.are.equal("Titre : Foo", c:document(1).title)
      -- nor a manual, where "Note :" and "Exemples :" recur among many paragraphs without a label
      local manual = { "OPTIONS" }
      for k = 1, 6 do
        manual[#manual + 1] = ("-%d, --option-%d\n    Fait la chose numéro %d."):format(k, k, k)
        if k % 3 == 0 then manual[#manual + 1] = "Note : cette option est ancienne." end
        if k % 3 == 1 then manual[#manual + 1] = "Exemples : -a, -b et -c." end
      end
      manual[#manual + 1] = "ceci : une ligne.\n\nceci : une autre." -- lower case: no name
      assert.are.equal(0, #open_text(table.concat(manual, "\n\n")):speakers())
      -- nor names in capitals alone on their lines, where a one-off "Remarque :" stands
      local caps = "ANNA BERG\nBonjour.\n\nPIERRE DUPONT\nSalut.\n\nANNA BERG\nÇa va ?\n\n"
        .. "Remarque : fin de la bande.\n"
      assert.are.equal("ANNA BERG PIERRE DUPONT ANNA BERG", turn_speakers(open_text(caps)))
    end)

    it("read a no-break space after the colon as a space", function()
      local c = open_text("I:\u{a0}Hur mår du?\nIP:\u{a0}Bra.\nI:\u{a0}Och familjen?\nIP:\u{a0}Också bra.\n")
      local t = turns_of(c)
      assert.are.same({ "I", "IP", "I", "IP" }, { t[1].speaker, t[2].speaker, t[3].speaker, t[4].speaker })
      assert.are.equal("Bra.", t[2].text)
    end)
  end)

  describe("a meeting tool's own lines", function()
    it("'X started transcription' and 'X stopped transcription' are events, no one's speech and no title", function()
      local c = open_text("Anna Berg started transcription\n\nAnna Berg   0:03\nGood morning.\n\nBo Ek   0:15\n"
        .. "Thanks.\n\nAnna Berg stopped transcription\n")
      local t = turns_of(c)
      assert.are.same({ "Good morning.", "Thanks." }, { t[1].text, t[2].text })
      assert.are.equal(0, c:count("transcription"))
      local ev = c:document(1).events
      assert.are.equal("Anna Berg stopped transcription", ev[#ev].name)
      assert.is_not.equal("Anna Berg started transcription", c:document(1).title)
      local sv = open_text("Anna Berg startade transkriberingen\n\nAnna Berg   0:03\nHej.\n\nAnna Berg stoppade transkriberingen\n")
      assert.are.equal(0, sv:count("transkriberingen"))
      -- said in a sentence, inside a paragraph: speech
      local said = open_text("ANNA: Jag vet inte.\nBo stopped transcription\n\nBO: Nej.\n")
      assert.are.equal(1, said:count("transcription"))
      -- Google Meet's last line
      local meet = open_text("Anna Berg: Hej allihop.\nBjörn Ek: Hej!\nMeeting ended after 00:06:12 👋\n")
      assert.are.same({ "Hej allihop.", "Hej!" }, { turns_of(meet)[1].text, turns_of(meet)[2].text })
      assert.are.equal(0, meet:count("meeting") + meet:count("06"))
      assert.are.equal("Meeting ended after 00:06:12 👋", meet:document(1).events[1].name)
    end)
  end)

  describe("a deposition's Q. and A. lines", function()
    it("are turns of Q and A where the document writes them so twice or more", function()
      local c = open_text("EXAMINATION\nBY MR. HARLAN:\n     Q.   Could you state your name?\n     A.   Denise Caldwell.\n"
        .. "     Q.   Where do you work?\n     A.   At Brightline.\n          MS. OKONKWO:  Objection.\n"
        .. "          THE WITNESS:  In Dayton.\nBY MR. HARLAN:\n     Q.   How long?\n     A.   Six years.\n")
      local who = {}
      for _, t in ipairs(turns_of(c)) do who[#who + 1] = t.speaker .. ": " .. t.text end
      assert.are.same({ "Q: Could you state your name?", "A: Denise Caldwell.", "Q: Where do you work?",
        "A: At Brightline.", "MS. OKONKWO: Objection.", "THE WITNESS: In Dayton.", "Q: How long?", "A: Six years." }, who)
      assert.are.equal(0, c:count("q"))
      -- a transcript that numbers its lines in the margin, page numbers above
      local lines, n = { (" "):rep(60) .. "23" }, 0
      for _, l in ipairs { "     Q.   And what did you do?", "     A.   I called my supervisor, and", "somebody came.",
        "          MR. LEE:  Objection.", "     Q.   Who was it?", "     A.   Gary Preston.", "     Q.   When?",
        "     A.   At six.", "     Q.   Did he come?", "     A.   No." } do
        n = n + 1
        lines[#lines + 1] = ("%2d   %s"):format(n, l)
      end
      lines[#lines + 1] = ""
      lines[#lines + 1] = (" "):rep(60) .. "24"
      lines[#lines + 1] = " 1        Q.   Why not?"
      lines[#lines + 1] = " 2        A.   I do not know."
      local num = open_text(table.concat(lines, "\n") .. "\n")
      local said = {}
      for _, t in ipairs(turns_of(num)) do said[#said + 1] = t.speaker .. ": " .. t.text end
      assert.are.same({ "Q: And what did you do?", "A: I called my supervisor, and somebody came.",
        "MR. LEE: Objection.", "Q: Who was it?", "A: Gary Preston.", "Q: When?", "A: At six.", "Q: Did he come?",
        "A: No.", "Q: Why not?", "A: I do not know." }, said)
      assert.are.equal(0, num:count("23") + num:count("24") + num:count("3") + num:count("1"))
      assert.are.equal(2, num:document(1).pages)
      -- "A." once, as a letter in speech, is no label
      local once = open_text("ANNA: Hej.\n\nA. Lincoln sa det.\n\nBO: Ja.\n")
      assert.are.same({ "ANNA", "BO" }, { turns_of(once)[1].speaker, turns_of(once)[2].speaker })
      assert.are.equal(1, once:count("lincoln"))
    end)
  end)

  describe("names in capitals alone on their lines, no colon", function()
    it("are labels where the document writes its speakers so, not a running header in capitals", function()
      local c = open_text("Studio Ett, P1\n\nPROGRAMLEDARE\nBostadsbristen har blivit värre.\n\nMARIA EKSTRÖM\nTack. Ja.\n\n"
        .. "PROGRAMLEDARE\nVad har gått fel?\n\nSTUDENT\nJag har stått i kö.\n\nMARIA EKSTRÖM\nVi har byggt för lite.\n")
      local who = {}
      for _, t in ipairs(turns_of(c)) do who[#who + 1] = t.speaker .. ": " .. t.text end
      assert.are.same({ "PROGRAMLEDARE: Bostadsbristen har blivit värre.", "MARIA EKSTRÖM: Tack. Ja.",
        "PROGRAMLEDARE: Vad har gått fel?", "STUDENT: Jag har stått i kö.", "MARIA EKSTRÖM: Vi har byggt för lite." }, who)
      assert.are.equal(0, c:count("programledare") + c:count("student"))
      assert.are.equal("Studio Ett, P1", c:document(1).title)
      -- one name in capitals, however often (a running header), is no speaker
      local header = open_text("SVERIGES RADIO\nFörsta stycket här.\n\nSVERIGES RADIO\nAndra stycket.\n\nSVERIGES RADIO\nTredje.\n")
      assert.are.equal(0, #header:speakers())
      -- nor a line in capitals without its paragraph right below, nor two said once each
      local once = open_text("INLEDNING\nText ett.\n\nAVSLUTNING\nText två.\n")
      assert.are.equal(0, #once:speakers())
      -- in a document with "Name:" labels, lines in capitals are its section lines
      local lab = open_text("Intervju\n\nINLEDNING\nInspelad 1998.\n\nIntervjuare: Var föddes du?\n\nSmith: I Ohio.\n\n"
        .. "PAUS\nBandet stoppades.\n\nIntervjuare: Och sen?\n\nSmith: Kriget.\n\nPAUS\nIgen.\n\nIntervjuare: Tack.\n")
      local names = {}
      for _, sp in ipairs(lab:speakers()) do names[#names + 1] = sp.name end
      table.sort(names)
      assert.are.same({ "Intervjuare", "Smith" }, names)
    end)
  end)

  describe("Markdown headings", function()
    it("are no one's speech, kept as events between the turns", function()
      local c = open_text("ANNA: Hej.\n\n## Del två\n\nBO: Ja.\nSå.\n\n### Frågor?\n\nmer av BO\n")
      local t = turns_of(c)
      assert.are.same({ "Hej.", "Ja.\nSå.\n\nmer av BO" }, { t[1].text, t[2].text })
      assert.are.equal(0, c:count("två") + c:count("frågor") + c:count("#"))
      local names = {}
      for _, e in ipairs(c:document(1).events) do names[#names + 1] = e.name end
      assert.are.same({ "Del två", "Frågor?" }, names)
      local path = h.shared .. "bitcointranscripts-en/scaling-lightning-panel-lightning++-berlin-2025.md"
      local want = {}
      for line in io.lines(path) do
        local heading = line:match("^#+ (.+)$")
        if heading then want[#want + 1] = heading end
      end
      assert.is_true(#want >= 8)
      local real = samtal.open(path)
      local got = {}
      for _, e in ipairs(real:document(1).events) do
        if e.text:sub(1, 1) == "#" then got[#got + 1] = e.name end
      end
      assert.are.same(want, got)
      for turn in real:turns() do assert.falsy(turn.text:find("\n#", 1, true), turn.line) end
      assert.are.equal(0, real:count("#"))
    end)
  end)

  describe("a long text before the first label", function()
    it("is speech without speaker, not a preamble; a short one stays the preamble", function()
      local body = ("ord "):rep(1200)
      local c = open_text("Ett föredrag\n\n" .. body .. "\n\nANNA: En fråga?\n\nBO: Ett svar.\n\nANNA: Tack.\n")
      local t = turns_of(c)
      assert.are.equal(4, #t)
      assert.is_nil(t[1].speaker)
      assert.are.equal(1200, t[1].words)
      assert.are.equal("Ett föredrag", c:document(1).title)
      assert.are.equal("Ett föredrag", c:document(1).preamble)
      local short = open_text("Ett samtal\n\n" .. ("ord "):rep(300) .. "\n\nANNA: En fråga?\n\nBO: Ett svar.\n\nANNA: Tack.\n")
      assert.are.equal(3, #turns_of(short))
      assert.are.equal(0, short:count("ord"))
      -- a real talk with its Q&A
      local path = h.shared .. "bitcointranscripts-en/teach-the-controversy-mempoolfullrbf.md"
      local real = samtal.open(path)
      local first = turns_of(real)[1]
      assert.is_nil(first.speaker)
      assert.is_true(first.words > 3000)
      assert.truthy(first.text:find("So, let's go start off.", 1, true))
      assert.are.equal("Teach the Controversy: mempoolfullrbf", real:document(1).title)
      assert.falsy(real:document(1).preamble:find("start off", 1, true))
    end)
  end)

  describe("a document without labels", function()
    it("takes a paragraph's leading time in brackets as its turn's start", function()
      local c = open_text("Budget hearing, notes\n\n(00:00:04) Good evening.\n\n(00:01:02) The first item.\n\nNo time here.\n")
      local got = {}
      for _, t in ipairs(turns_of(c)) do got[#got + 1] = { t.start, t.text } end
      assert.are.same({ { nil, "Budget hearing, notes" }, { 4, "(00:00:04) Good evening." },
        { 62, "(00:01:02) The first item." }, { nil, "No time here." } }, got)
      assert.are.equal(0, c:count("00"))
    end)
  end)

  describe("a time alone on its line", function()
    it("is a time mark between paragraphs, not words; a time of two fields alone stays text", function()
      local c = open_text("ANNA: Hej.\n01:01:45\nMer text här.\n\nBO: Vi ses.\n\n1:02:03.500\n\nANNA: När?\n\nBO: Kanske\n10:30\n")
      local t = turns_of(c)
      assert.are.equal("Hej.\n\nMer text här.", t[1].text) -- a paragraph break where the time stood
      assert.are.equal("Vi ses.", t[2].text)
      assert.are.equal("Kanske\n10:30", t[4].text)
      assert.are.equal(0, c:count("01") + c:count("45") + c:count("02"))
      assert.are.equal(1, c:count("10"))
      local path = h.shared .. "bitcointranscripts-en/scaling-lightning-panel-lightning++-berlin-2025.md"
      assert.truthy(h.read(path):find("\n01:01:45\n", 1, true))
      local real = samtal.open(path)
      for turn in real:turns() do assert.falsy(turn.text:find("01:01:45", 1, true), turn.line) end
      assert.are.equal(0, real:count("01"))
    end)
  end)

  describe("events and emphasis", function()
    it("makes a double parenthesis an event anywhere; a single one inside speech stays speech", function()
      local c = open_text("ANNA: Det var ((risas)) kul och (inte) så ((muchos murmullos/gruñidos)) ((2 sek)) ((¿qué?)).\n")
      local names = {}
      for _, e in ipairs(c:document(1).events) do names[#names + 1] = e.name end
      assert.are.same({ "risas", "muchos murmullos/gruñidos", "2 sek", "¿qué?" }, names)
      assert.are.equal(0, c:count("sek") + c:count("qué"))
      assert.are.equal(0, c:count("risas") + c:count("murmullos"))
      assert.are.equal(1, c:count("inte"))
      local path = h.shared .. "bitcointranscripts-en/MIDBOM__2017-09-07-merkleized-abstract-syntax-trees.es.md"
      local raw = select(2, h.read(path):gsub("%(%(risas%)%)", ""))
      assert.is_true(raw >= 1)
      local real = samtal.open(path)
      local n = 0
      for _, e in ipairs(real:document(1).events) do n = n + (e.name == "risas" and 1 or 0) end
      assert.are.equal(raw, n)
      assert.are.equal(0, real:count("risas"))
    end)

    it("gives a Markdown-escaped event its text as the source spells it, both escapes", function()
      local path = h.tempfile("ANNA: Hej \\[laughs\\] du [skratt] och.\n", ".md")
      local c = samtal.open(path)
      local ev = c:document(1).events
      assert.are.same({ "laughs", "\\[laughs\\]" }, { ev[1].name, ev[1].text })
      assert.are.equal(ev[1].text, h.read(path):sub(ev[1].offset + 1, ev[1].offset + #ev[1].text))
      assert.are.same({ "skratt", "[skratt]" }, { ev[2].name, ev[2].text })
      assert.are.equal(0, c:count("laughs") + c:count("\\"))
    end)

    it("keeps [musik] and [skratt] as events with positions, never as words", function()
      local c = samtal.open(h.seed_inline)
      local d = c:documents()[1]
      local names = {}
      for _, e in ipairs(d.events) do names[#names + 1] = e.name end
      assert.are.same({ "musik", "skratt", "musik" }, names)
      assert.are.equal(0, c:count("skratt"))
      assert.are.equal(0, c:count("musik"))
      local laugh = d.events[2]
      assert.are.equal(148, laugh.line)
      assert.are.equal("[skratt]", h.read(h.seed_inline):sub(laugh.offset + 1, laugh.offset + 8))
      assert.are.equal("Vi", c:token(laugh.position).form) -- the word right after the laughter
    end)

    it("reads *nära* as the word nära", function()
      local c = samtal.open(h.seed_inline)
      local hits = c:kwic("nära", { width = 1 })
      local on_line = 0
      for _, hit in ipairs(hits) do
        assert.are.equal("nära", samtal.fold(hit.match))
        if hit.line == 262 then on_line = on_line + 1 end
      end
      local line = 0
      for l in io.lines(h.seed_inline) do
        line = line + 1
        if line == 262 then
          assert.are.equal(5, select(2, l:gsub("%*[Nn]ära%*", ""))) -- five emphasised
          assert.are.equal(select(2, l:lower():gsub("nära", "")), on_line) -- and every one found
        end
      end
      for i = 1, c:stats().tokens do
        assert.are_not.equal("*", c:token(i).form)
      end
    end)
  end)
end)

describe("the turn of each token", function()
  -- c:token(i).turn_id against the turns' own token ranges: turns of one word, of none (an event
  -- only) and of hundreds, so the sampled turns the lookup starts from (a turn every 64 tokens)
  -- fall inside long turns, at their edges and among empty ones
  local function check_every_token(c, what)
    local n, seen = 0, 0
    for t in c:turns() do
      for i = t.first_token, t.first_token + t.tokens - 1 do
        local tok = c:token(i)
        if tok.turn_id ~= t.id then
          error(("%s: token %d is in turn %d, the lookup says %d"):format(what, i, t.id, tok.turn_id))
        end
        seen = seen + 1
      end
      n = n + 1
    end
    assert.are.equal(c:stats().tokens, seen, what)
    assert.is_true(n > 0, what)
  end

  it("is the turn whose tokens hold it, built and mapped, on inline and real transcripts", function()
    local parts = {}
    for k = 1, 400 do
      local who = ({ "ANNA", "BO", "CILLA" })[k % 3 + 1]
      local body = k % 7 == 0 and "[skratt]" or k % 11 == 0 and ("ord "):rep(150 + k) or k % 2 == 0 and "ja" or "nej, nej"
      parts[#parts + 1] = who .. ": " .. body
    end
    local inline = h.tempfile(table.concat(parts, "\n\n") .. "\n")
    local empty, long = 0, 0
    for t in samtal.open(inline):turns() do
      if t.tokens == 0 then empty = empty + 1 end
      if t.tokens > 2 * 64 then long = long + 1 end
    end
    assert.is_true(empty >= 50 and long >= 30, ("%d empty turns, %d long ones"):format(empty, long))
    local sources = { inline, "corpus" }
    local p = assert(io.popen("find " .. h.shared .. " -mindepth 1 -maxdepth 1 -type d | sort"))
    for dir in p:lines() do sources[#sources + 1] = dir end
    p:close()
    assert.is_true(#sources >= 6)
    for _, source in ipairs(sources) do
      local c = samtal.open(source)
      check_every_token(c, source)
      local saved = h.tempfile("", ".samtal")
      c:save(saved)
      check_every_token(samtal.open(saved), source .. " (saved)")
    end
  end)
end)
