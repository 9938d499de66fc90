-- Quotations in speech and quotable sentences: the paged seed counted from the raw file, the
-- preamble's pull quotes, inline cases for each convention, apostrophes, turn edges, page
-- breaks, speech-tuned sentences, attribution, verify() against a changed file, the script.
local samtal = require "samtal"
local h = require "helpers"

local function open_text(text)
  return samtal.open(h.tempfile(text))
end

local function texts(list)
  local out = {}
  for i, q in ipairs(list) do out[i] = q.text end
  return out
end

--- Quotation marks per turn of the paged seed, counted from the raw lines: a label line starts
-- a turn, other lines continue it. Returns quotations per speaker and the unmatched marks.
local function count_seed_marks(path)
  local per_speaker, unmatched = {}, {}
  local speaker, marks = nil, nil
  local function flush()
    if not speaker then return end
    for _, m in pairs(marks) do
      if #m >= 2 then per_speaker[speaker] = (per_speaker[speaker] or 0) + #m // 2 end
      if #m % 2 == 1 then unmatched[#unmatched + 1] = m[#m] end
    end
  end
  local n = 0
  for line in io.lines(path) do
    n = n + 1
    local label = line:match("^%-? ?(%u+): ")
    if label then
      flush()
      speaker, marks = label, { ["”"] = {}, ['"'] = {} }
    end
    if speaker then
      for _, mark in ipairs { "”", '"' } do
        local init = 1
        while true do
          local at = line:find(mark, init, true)
          if not at then break end
          local list = marks[mark]
          list[#list + 1] = { line = n, column = utf8.len(line:sub(1, at - 1)) + 1, speaker = speaker }
          init = at + #mark
        end
      end
    end
  end
  flush()
  return per_speaker, unmatched
end

describe("samtal", function()
  after_each(h.cleanup)

  describe("quotations() on the seeds", function()
    local c = samtal.open("corpus")

    it("finds every quotation of the paged transcript with its speaker", function()
      local expected = count_seed_marks(h.seed_inline)
      local got = {}
      for _, q in ipairs(c:quotations { doc = 1 }) do got[q.speaker] = (got[q.speaker] or 0) + 1 end
      assert.are.same(expected, got)
      assert.are.equal(18, (expected.LENA or 0) + (expected.MAGNUS or 0) + (expected.LISBETH or 0))
    end)

    it("reports the one unmatched mark with document, line and column", function()
      local _, expected = count_seed_marks(h.seed_inline)
      assert.are.equal(1, #expected)
      local u = c:quotations().unmatched
      assert.are.equal(1, #u)
      assert.are.equal("000_e744d110473e4ebd.txt", u[1].doc)
      assert.are.equal(expected[1].line, u[1].line)
      assert.are.equal(expected[1].column, u[1].column)
      assert.are.equal("MAGNUS", u[1].speaker)
      assert.are.equal("”", h.read(h.seed_inline):sub(u[1].offset + 1, u[1].offset + 3))
    end)

    it("gives each quotation the exact source bytes inside its marks", function()
      local src = h.read(h.seed_inline)
      for _, q in ipairs(c:quotations { doc = 1 }) do
        assert.are.equal(q.text, src:sub(q.offset + 1, q.offset + q.length))
        local before = src:sub(q.offset - 2, q.offset)
        assert.is_true(before == "”" or before:sub(-1) == '"', q.text)
      end
    end)

    it("gives line, column, turn, sentence and page", function()
      local q = c:quotations { doc = 1 }[1]
      assert.are.equal("LENA", q.speaker)
      assert.are.equal(63, q.line)
      assert.are.equal("så här kan vi ju faktiskt inte ha det. Och hur ska vi kunna bygga en bra struktur?", q.text)
      assert.are.equal(c:turn(q.turn_id).index, q.turn)
      assert.are.equal(q.sentence, c:token(q.first_token).sentence)
      assert.is_true(q.page > 1)
      assert.are.equal(0, q.depth)
    end)

    it("treats the preamble's pull quotes as metadata, not speech", function()
      local d = c:documents()[2]
      assert.truthy(d.preamble:find("”De riktigt kloka sakerna", 1, true))
      assert.are.equal(0, #c:quotations { doc = 2 })
      assert.are.equal(0, #c:quotations { doc = 2 }.unmatched)
    end)

    it("finds with a match exactly the quotations of all that hold one, and the unmatched marks of the turns a match starts in", function()
      local key = function(x) return x.doc .. "#" .. x.turn .. "@" .. x.offset end
      for _, source in ipairs { "corpus", "../shared/corpora/changelog-en", "../shared/corpora/bitcointranscripts-en",
        "../shared/corpora/talkpython-en" } do
        local corpus = samtal.open(source)
        local all = corpus:quotations {}
        for _, q in ipairs { "och", "nära vård", "the", "you know", "is", "Python", "zzzz" } do
          for _, filter in ipairs { {}, { doc = 1 }, { speaker = all[1] and all[1].speaker } } do
            local starts, turns = corpus:positions(q), {}
            for _, m in ipairs(starts) do
              local t = corpus:token(m[1])
              turns[t.doc .. "#" .. t.turn] = true
            end
            local allowed = function(x)
              return (not filter.doc or x.doc == corpus:document(1).name) and (not filter.speaker or x.speaker == filter.speaker)
            end
            local want, want_unmatched = {}, {}
            for _, quotation in ipairs(all) do
              for _, m in ipairs(starts) do
                if allowed(quotation) and quotation.first_token and m[1] >= quotation.first_token and m[1] + m[2] - 1 <= quotation.last_token then
                  want[#want + 1] = key(quotation) .. ":" .. quotation.text
                  break
                end
              end
            end
            for _, u in ipairs(all.unmatched) do
              if allowed(u) and turns[u.doc .. "#" .. u.turn] then want_unmatched[#want_unmatched + 1] = key(u) end
            end
            local list = corpus:quotations { match = q, doc = filter.doc, speaker = filter.speaker }
            local got, got_unmatched = {}, {}
            for _, quotation in ipairs(list) do got[#got + 1] = key(quotation) .. ":" .. quotation.text end
            for _, u in ipairs(list.unmatched) do got_unmatched[#got_unmatched + 1] = key(u) end
            local what = ("%s: %s %s"):format(source, q, filter.doc and "in document 1" or filter.speaker or "")
            assert.are.same(want, got, what)
            assert.are.same(want_unmatched, got_unmatched, what)
          end
        end
      end
    end)

    it("keeps the quotations of a speaker that contain a match", function()
      local list = c:quotations { speaker = "LENA", match = "viktigt" }
      assert.are.same({
        "vad är det som är viktigt? Vad behöver vi för strukturer för att kunna göra det här som vi ser att vi "
          .. "behöver? Och hur ser invånarens väg ut igenom våra system?",
        "vad är viktigt?",
      }, texts(list))
    end)

    it("prints one line per quotation and the counts", function()
      local s = tostring(c:quotations { speaker = "MAGNUS" })
      assert.truthy(s:find("4 quotations, 1 unmatched mark", 1, true))
    end)

    it("raises on an unknown option", function()
      assert.truthy(h.error_of(c.quotations, c, { who = "LENA" }):find("unknown option 'who'", 1, true))
    end)
  end)

  describe("quotations() on inline cases", function()
    it("pairs the same mark at both ends, ”…”", function()
      assert.are.same({ "vad är viktigt?" }, texts(open_text("ANNA: Vi frågade ”vad är viktigt?” först.\n"):quotations()))
    end)

    it("pairs »…«, «…» and »…»", function()
      local c = open_text("ANNA: Hon sa »hej« och »hopp» och sen «adjö» till dem.\n")
      assert.are.same({ "hej", "hopp", "adjö" }, texts(c:quotations()))
    end)

    it("pairs “…”, „…“ and \"…\"", function()
      local c = open_text("ANNA: He said “yes”, sie sagte „ja“ and they said \"maybe\" too.\n")
      assert.are.same({ "yes", "ja", "maybe" }, texts(c:quotations()))
    end)

    it("pairs single marks where they cannot be apostrophes", function()
      local c = open_text("ANNA: Han kallade det 'nära vård' och ‘bra’ i går.\n")
      assert.are.same({ "nära vård", "bra" }, texts(c:quotations()))
    end)

    it("leaves apostrophes alone: SKR:s, it's, '90-talet, Lars'", function()
      local c = open_text("ANNA: SKR:s roll, it's fine, it’s fine, på '90-talet och ’90-talet var Lars' bok ny.\n")
      local list = c:quotations()
      assert.are.equal(0, #list)
      assert.are.equal(0, #list.unmatched)
    end)

    it("finds a quotation inside a quotation, with its depth", function()
      local c = open_text("ANNA: Han sa ”hon frågade 'varför då?' och gick” och sen inget.\n")
      local list = c:quotations()
      assert.are.same({ "hon frågade 'varför då?' och gick", "varför då?" }, texts(list))
      assert.are.same({ 0, 1 }, { list[1].depth, list[2].depth })
    end)

    it("finds quotations at the very start and end of a turn", function()
      local c = open_text("ANNA: ”Hej på dig.”\n\nBERIT: Jo. ”Nej.”\n")
      local list = c:quotations()
      assert.are.same({ "Hej på dig.", "Nej." }, texts(list))
      assert.are.same({ "ANNA", "BERIT" }, { list[1].speaker, list[2].speaker })
    end)

    it("never lets a quotation cross a turn", function()
      local c = open_text("ANNA: Han sa ”kom\n\nBERIT: hit” sa hon.\n")
      local list = c:quotations()
      assert.are.equal(0, #list)
      assert.are.equal(2, #list.unmatched)
      assert.are.same({ 1, 3 }, { list.unmatched[1].line, list.unmatched[2].line })
    end)

    it("reports a stray mark and still finds the quotations after it", function()
      local c = open_text("ANNA: Ett ” tecken, sen ”riktigt citat” här.\nBERIT: Och ”ett till”.\n")
      local list = c:quotations()
      assert.are.same({ "riktigt citat", "ett till" }, texts(list))
      assert.are.equal(1, #list.unmatched)
      assert.are.same({ 1, 11 }, { list.unmatched[1].line, list.unmatched[1].column })
    end)

    it("reports an opening mark that never closes, and keeps the pair after it", function()
      local list = open_text("ANNA: Hon sa ”hej och sen ”vad är det?” sa hon.\n"):quotations()
      assert.are.same({ "vad är det?" }, texts(list))
      assert.are.equal(14, list.unmatched[1].column)
    end)

    it("keeps a quotation cut by a page break whole", function()
      local c = open_text(table.concat({
        "ANNA: Första sidan.", "", "Sidhuvud 1", "", "ANNA: Han sa ”det här är", "", "Sidhuvud 2", "",
        "början på något” och gick.", "", "Sidhuvud 3", "", "BERIT: Slut.", "",
      }, "\n"))
      assert.are.equal(4, c:documents()[1].pages)
      local q = c:quotations()[1]
      assert.are.equal("det här är början på något", q.text)
      assert.are.equal(5, q.line)
      assert.are.equal(2, q.page)
      assert.is_true(q:verify())
    end)

    it("gives the turn's time where the source has it", function()
      local q = open_text("ANNA: 00:01:02\nHon sa ”ja” då.\n"):quotations()[1]
      assert.are.equal(62, q.start)
    end)
  end)

  describe("quotes()", function()
    local c = samtal.open("corpus")

    it("returns whole sentences of the speaker that match, within the word limits", function()
      local list = c:quotes { speaker = "LENA", match = "samverkan", min_words = 6, max_words = 60 }
      assert.is_true(#list > 0)
      for _, q in ipairs(list) do
        assert.are.equal("LENA", q.speaker)
        assert.truthy(samtal.fold(q.text):find("samverkan", 1, true))
        assert.is_true(q.words >= 6 and q.words <= 60)
        assert.truthy(q.text:find("^%u") or q.text:find("^[\195][\132\133\150]"), q.text)
      end
    end)

    it("attributes a label to the full name the preamble gives", function()
      local q = c:quotes { speaker = "LENA", match = "samverkan" }[1]
      assert.are.equal("Lena Lundgren", q.name)
      assert.are.equal("Näravårdpodden - en podcast från SKR", q.title)
    end)

    it("attributes a label to a participant's name and role through an alias", function()
      local q = c:quotes { speaker = "Speaker 1", doc = 2, aliases = { ["Speaker 1"] = "Lisbeth" } }[1]
      assert.are.equal("Lisbeth Löpare Johansson", q.name)
      assert.are.equal("Samordnare Nära vård på Sveriges Kommuner och Regioner", q.role)
    end)

    it("attributes a label that is a participant's first name", function()
      local c2 = open_text("Avsnitt 1\n\nGuests\n\nGuest\nAnna Berg\nForskare, KTH\n\nANNA: Det här är en mening.\n")
      local q = c2:quotes()[1]
      assert.are.same({ "Anna Berg", "Forskare, KTH" }, { q.name, q.role })
    end)

    it("keeps a sentence cut by a page break whole, with its page", function()
      local list = c:quotes { speaker = "MAGNUS", match = "det vill säga" }
      assert.are.equal(1, #list)
      assert.truthy(list[1].text:find("det vill säga", 1, true))
      assert.are.equal(25, list[1].line)
      assert.are.equal(1, list[1].page) -- the page it starts on; it ends on the next
      assert.is_true(list[1]:verify())
    end)

    it("gives the source's bytes for a sentence on one page", function()
      local src = h.read(h.seed_inline)
      local q = c:quotes { speaker = "LENA", match = "samverkan" }[1]
      assert.are.equal(q.text, src:sub(q.offset + 1, q.offset + q.length))
    end)

    it("does not end a sentence at a pause or a truncated word", function()
      local c2 = open_text("ANNA: Vi har ... vår primärvård är bra. Det var … ganska bra. Och gene... generellt sett så.\n")
      assert.are.same({ "Vi har ... vår primärvård är bra.", "Det var … ganska bra.", "Och gene... generellt sett så." },
        texts(c2:quotes()))
    end)

    it("joins a sentence split over two turns of the same speaker", function()
      local c2 = open_text("ANNA: Jag tror att vi\n\nANNA: behöver mer tid. Nu.\n\nBERIT: Ja.\n\nANNA: Sen gick vi\n\nBERIT: hem.\n")
      local list = c2:quotes()
      assert.are.same({ "Jag tror att vi behöver mer tid.", "Nu.", "Ja.", "Sen gick vi", "hem." }, texts(list))
      assert.are.equal(2, list[1].turns)
      assert.is_true(list[1]:verify())
    end)

    it("formats a Markdown block quote with an attribution line", function()
      local md = c:quotes { speaker = "LENA", match = "samverkan", min_words = 6 }:markdown()
      assert.truthy(md:find("^> Eftersom det är ju det som"))
      assert.truthy(md:find("\n> — Lena Lundgren %(LENA%)%. %*Näravårdpodden %- en podcast från SKR%*, p%. %d+, "
        .. "000_e744d110473e4ebd%.txt, line %d+\n"))
    end)

    it("writes CSV and JSON with attribution and byte range", function()
      local list = c:quotes { speaker = "MAGNUS", match = "det vill säga" }
      local csv = list:csv()
      assert.truthy(csv:find("^doc,path,speaker,name,role,title,page,start,stop,turn,line,column,offset,length,words,text\r\n"))
      assert.truthy(csv:find("MAGNUS,Magnus Johansson,", 1, true))
      local json = list:json()
      assert.truthy(json:find('"speaker":"MAGNUS"', 1, true))
      assert.truthy(json:find('"offset":' .. list[1].offset, 1, true))
    end)

    it("returns an empty list when nothing matches", function()
      assert.are.equal(0, #c:quotes { match = "zzzz" })
    end)

    it("finds with a match exactly the quotes of all that hold one, reading only the documents it starts in", function()
      -- several documents, so that those without a match are skipped
      for _, source in ipairs { "corpus", "../shared/corpora/talkpython-en", "../shared/corpora/bitcointranscripts-en" } do
        local corpus = samtal.open(source)
        local all = corpus:quotes {}
        assert.truthy(corpus:stats().documents >= 2, source)
        for _, q in ipairs { "och", "nära vård", "the", "you know", "Python", "Lightning", "zzzz" } do
          local starts = corpus:positions(q)
          local want = {}
          for _, quote in ipairs(all) do
            for _, m in ipairs(starts) do
              if m[1] >= quote.first_token and m[1] + m[2] - 1 <= quote.last_token then
                want[#want + 1] = quote.first_token .. ":" .. quote.text
                break
              end
            end
          end
          local got = {}
          for _, quote in ipairs(corpus:quotes { match = q }) do got[#got + 1] = quote.first_token .. ":" .. quote.text end
          assert.are.same(want, got, source .. ": " .. q)
          -- and within one document
          local in2 = {}
          for _, quote in ipairs(corpus:quotes { match = q }) do
            if quote.doc == corpus:document(2).name then in2[#in2 + 1] = quote.first_token .. ":" .. quote.text end
          end
          got = {}
          for _, quote in ipairs(corpus:quotes { match = q, doc = 2 }) do got[#got + 1] = quote.first_token .. ":" .. quote.text end
          assert.are.same(in2, got, source .. ": " .. q .. " in document 2")
        end
      end
    end)

    it("finds a match at a sentence's first or last token, and none across two sentences", function()
      local src = h.tempfile("ANNA: Vi pratar om samverkan\nBO: Samverkan är bra. Nära vård gäller alla.\n"
        .. "ANNA: Det gäller vård. Nära vård är bra\n", ".txt")
      local corpus = samtal.open(src)
      assert.are.same({ "Vi pratar om samverkan", "Samverkan är bra." }, texts(corpus:quotes { match = "samverkan" }))
      assert.are.same({ "Nära vård är bra" }, texts(corpus:quotes { match = "vård är bra" }))
      assert.are.same({ "Nära vård gäller alla.", "Nära vård är bra" }, texts(corpus:quotes { match = "nära vård" }))
      assert.are.same({}, texts(corpus:quotes { match = "vård. Nära" }))
      assert.are.same({ "Det gäller vård." }, texts(corpus:quotes { match = "vård .", speaker = "ANNA" }))
    end)

    it("gives each token's document (the internal c:token_doc)", function()
      local n = c:stats().tokens
      for _, i in ipairs { 1, 2, n // 2, n } do
        assert.are.equal(c:document_index(c:token(i).doc), c:token_doc(i))
      end
      assert.truthy(h.error_of(c.token_doc, c, 0):find("no such token", 1, true))
      assert.truthy(h.error_of(c.token_doc, c, n + 1):find("no such token", 1, true))
    end)

    it("gives each token's turn (the internal c:token_turn)", function()
      local n = c:stats().tokens
      for i = 1, n do
        local want = c:token(i).turn_id
        if c:token_turn(i) ~= want then error(("token %d: turn %d, not %d"):format(i, c:token_turn(i), want)) end
      end
      assert.truthy(h.error_of(c.token_turn, c, 0):find("no such token", 1, true))
      assert.truthy(h.error_of(c.token_turn, c, n + 1):find("no such token", 1, true))
    end)

    it("raises on a bad word limit", function()
      assert.truthy(h.error_of(c.quotes, c, { min_words = -1 }):find("min_words", 1, true))
    end)
  end)

  describe("verify()", function()
    local function copy_of_seed()
      return h.tempfile(h.read(h.seed_inline))
    end

    it("is true while the source is unchanged", function()
      local c = samtal.open(copy_of_seed())
      assert.is_true(c:quotes { speaker = "LENA", match = "samverkan" }:verify())
    end)

    it("fails, naming the file and line, after the quoted bytes change", function()
      local path = copy_of_seed()
      local c = samtal.open(path)
      local q = c:quotes { speaker = "LENA", match = "samverkan" }[1]
      local src = h.read(path)
      local f = assert(io.open(path, "wb"))
      f:write(src:sub(1, q.offset + 5), "X", src:sub(q.offset + 7))
      f:close()
      local ok, msg = q:verify()
      assert.is_nil(ok)
      assert.truthy(msg:find(path .. ":" .. q.line .. ":", 1, true))
    end)

    it("fails when the source file is gone", function()
      local path = copy_of_seed()
      local c = samtal.open(path)
      local q = c:quotations()[1]
      os.remove(path)
      local ok, msg = q:verify()
      assert.is_nil(ok)
      assert.truthy(msg:find("cannot read " .. path, 1, true))
    end)

    it("fails at once, naming it, for a source read from a pipe, which gives nothing again", function()
      local fifo = h.tmppath(".txt")
      assert(os.execute("mkfifo " .. fifo))
      assert(os.execute(("cat %s > %s &"):format(h.seed_inline, fifo)))
      local c = samtal.open(fifo) -- read once, whole; no writer is left to open it again
      local q = c:quotes { speaker = "LENA", match = "samverkan" }[1]
      assert.are.equal(h.read(h.seed_inline):sub(q.offset + 1, q.offset + q.length), q.text)
      local ok, msg = q:verify()
      assert.is_nil(ok)
      assert.truthy(msg:find("cannot check against " .. fifo .. ": not a regular file", 1, true), msg)
    end)
  end)

  describe("scripts/quotes.lua", function()
    local cmd = "build/bin/samtal scripts/quotes.lua "

    it("prints publishable quotes and exits 0", function()
      local out, _, code = h.run(cmd .. "--speaker LENA --min-words 6 samverkan corpus")
      assert.are.equal(0, code)
      assert.truthy(out:find("^> "))
      assert.truthy(out:find("— Lena Lundgren (LENA)", 1, true))
    end)

    it("exits 1 when nothing matches", function()
      local out, _, code = h.run(cmd .. "zzzz corpus")
      assert.are.equal(1, code)
      assert.are.equal("", out)
    end)

    it("exits 2 on bad usage or input", function()
      local _, err, code = h.run(cmd .. "samverkan")
      assert.are.equal(2, code)
      assert.truthy(err:find("usage", 1, true))
      _, err, code = h.run(cmd .. "samverkan no/such/dir")
      assert.are.equal(2, code)
      assert.truthy(err:find("no/such/dir", 1, true))
    end)
  end)
end)
