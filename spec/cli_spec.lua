-- samtal.cli: the subcommands of the samtal command (kwic, count, freq, collocates, keywords,
-- quotes, speakers, index, export), run as a user runs them. What they print is compared with
-- what the Lua API computes for the same corpus in this spec; CSV is parsed here, JSON by
-- Python's json module.
local h = require "helpers"
local samtal = require "samtal"

local SAMTAL = "build/bin/samtal"
local VTT = h.shared .. "talkpython-en/transcripts__525-nicegui.vtt"
local DOC1, DOC2 = "000_e744d110473e4ebd.txt", "001_49eaf7069c1bee78.txt"

--- Runs `samtal ARGS` (a shell word list); returns stdout, stderr, exit status.
local function samtal_run(args, env)
  return h.run((env and (env .. " ") or "") .. SAMTAL .. " " .. args)
end

--- RFC 4180: rows of fields; quoted fields may hold commas, quotes ("") and line breaks.
local function parse_csv(text)
  local rows, row, field, quoted = {}, {}, {}, false
  local i, n = 1, #text
  local function end_field()
    row[#row + 1] = table.concat(field)
    field = {}
  end
  local function end_row()
    end_field()
    rows[#rows + 1] = row
    row = {}
  end
  while i <= n do
    local ch = text:sub(i, i)
    if quoted then
      if ch == '"' then
        if text:sub(i + 1, i + 1) == '"' then
          field[#field + 1] = '"'
          i = i + 1
        else
          quoted = false
        end
      else
        field[#field + 1] = ch
      end
    elseif ch == '"' then
      quoted = true
    elseif ch == "," then
      end_field()
    elseif ch == "\r" and text:sub(i + 1, i + 1) == "\n" then
      end_row()
      i = i + 1
    elseif ch == "\n" then
      end_row()
    else
      field[#field + 1] = ch
    end
    i = i + 1
  end
  if #field > 0 or #row > 0 then end_row() end
  return rows
end

--- CSV or TSV as records keyed by the header's names; also the header.
local function records(text, sep)
  local rows
  if sep == "\t" then
    rows = {}
    for line in text:gmatch("([^\n]*)\n") do
      local fields = {}
      for f in (line .. "\t"):gmatch("([^\t]*)\t") do fields[#fields + 1] = f end
      rows[#rows + 1] = fields
    end
  else
    rows = parse_csv(text)
  end
  local header, out = rows[1] or {}, {}
  for r = 2, #rows do
    local rec = {}
    for j, name in ipairs(header) do rec[name] = rows[r][j] end
    out[#out + 1] = rec
  end
  return out, header
end

--- The number of items of a JSON text's top-level array, read by lua-cjson (a strict RFC 8259
-- parser), or by Python's json module where lua-cjson is missing; nil and the error when the
-- text is not valid JSON.
local cjson_ok, cjson = pcall(require, "cjson")
local function json_length(text)
  if cjson_ok then
    local ok, value = pcall(cjson.decode, text)
    if not ok then return nil, value end
    return type(value) == "table" and #value or nil
  end
  local path = h.tempfile(text, ".json")
  local out, err, code = h.run("python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1], encoding=\"utf-8\"))))' "
    .. h.q(path))
  if code ~= 0 then return nil, err end
  return tonumber(out)
end

--- The lines of a text, without their line ends.
local function lines(text)
  local out = {}
  for l in text:gmatch("[^\r\n]+") do out[#out + 1] = l end
  return out
end

local function close_to(x, y)
  return math.abs(tonumber(x) - y) <= 1e-9 * math.max(1, math.abs(y))
end

local c = samtal.open("corpus")

describe("samtal.cli", function()
  after_each(h.cleanup)

  describe("samtal kwic", function()
    it("prints every hit of a query, aligned on the match, and exits 0", function()
      local out, err, code = samtal_run("kwic 'nära vård' corpus")
      assert.are.equal(0, code, err)
      local ls = lines(out)
      local n = #c:kwic("nära vård")
      assert.are.equal(n .. " hits", ls[#ls])
      assert.are.equal(n + 1, #ls)
      local column -- the match starts in the same column on every line
      for i = 1, n do
        local before = ls[i]:match("^(.-)%[[Nn]ära vård%]")
        assert.truthy(before, ls[i])
        column = column or utf8.len(before)
        assert.are.equal(column, utf8.len(before), ls[i])
      end
    end)

    it("writes as many CSV rows as the API has hits, with its fields", function()
      local out, err, code = samtal_run("kwic --format csv nära corpus")
      assert.are.equal(0, code, err)
      local rows, header = records(out)
      assert.are.same({ "doc", "speaker", "turn", "line", "column", "offset", "length", "start", "stop", "left",
        "match", "right" }, header)
      local hits = c:kwic("nära")
      assert.are.equal(#hits, #rows)
      for i, hit in ipairs(hits) do
        assert.are.equal(hit.doc, rows[i].doc)
        assert.are.equal(hit.offset, tonumber(rows[i].offset))
        assert.are.equal(hit.left .. hit.match .. hit.right, rows[i].left .. rows[i].match .. rows[i].right)
      end
      assert.falsy(out:find("hits", 1, true)) -- no summary after the rows
    end)

    it("writes TSV, JSON that parses, and one HTML page", function()
      local n = #c:kwic("vård*")
      local out, _, code = samtal_run("kwic --format tsv 'vård*' corpus")
      assert.are.equal(0, code)
      assert.are.equal(n, #records(out, "\t"))
      out, _, code = samtal_run("kwic --format json 'vård*' corpus")
      assert.are.equal(0, code)
      assert.are.equal(n, json_length(out))
      out, _, code = samtal_run("kwic --format html 'vård*' corpus")
      assert.are.equal(0, code)
      assert.truthy(out:match("^<!DOCTYPE html>"))
      assert.are.equal(n, select(2, out:gsub('<tr><td class="n">', "")))
    end)

    it("takes --speaker, --width and --sort as the API does", function()
      local out, _, code = samtal_run("kwic --format csv --speaker LENA --width 2 --sort R1,-L1 nära corpus")
      assert.are.equal(0, code)
      local want = c:kwic("nära", { width = 2, speaker = "LENA" }):sort("R1", "-L1")
      local rows = records(out)
      assert.are.equal(#want, #rows)
      assert.truthy(#rows > 1)
      for i, hit in ipairs(want) do
        assert.are.equal("LENA", rows[i].speaker)
        assert.are.equal(hit.offset, tonumber(rows[i].offset))
        assert.are.equal(hit.left, rows[i].left)
        assert.are.equal(hit.right, rows[i].right)
      end
    end)

    it("keeps the first N hits with --limit and says how many there were", function()
      local total = #c:kwic("vård")
      local out, _, code = samtal_run("kwic --limit 3 --format csv vård corpus")
      assert.are.equal(0, code)
      assert.are.equal(3, #records(out))
      out = samtal_run("kwic --limit 3 vård corpus")
      local ls = lines(out)
      assert.are.equal(4, #ls)
      assert.are.equal(("3 of %d hits (--limit 3)"):format(total), ls[4])
    end)

    it("reads a WebVTT file and a saved .samtal corpus", function()
      local v = samtal.open(VTT)
      local out, err, code = samtal_run("kwic --format csv python " .. h.q(VTT))
      assert.are.equal(0, code, err)
      local rows = records(out)
      assert.are.equal(#v:kwic("python"), #rows)
      assert.truthy(rows[1].start ~= "" and rows[1].speaker ~= "")
      local saved = h.tempfile("", ".samtal")
      local _, ierr, icode = samtal_run("index corpus -o " .. h.q(saved))
      assert.are.equal(0, icode, ierr)
      out, err, code = samtal_run("kwic --format csv 'nära vård' " .. h.q(saved))
      assert.are.equal(0, code, err)
      assert.are.equal(#c:kwic("nära vård"), #records(out))
    end)

    it("exits 1 when nothing is found", function()
      local out, _, code = samtal_run("kwic blåbärssoppa corpus")
      assert.are.equal(1, code)
      assert.truthy(out:find("no hits", 1, true))
      out, _, code = samtal_run("kwic --format csv blåbärssoppa corpus")
      assert.are.equal(1, code)
      assert.are.equal(1, #lines(out)) -- the header only
    end)

    it("exits 2 on a query syntax error, naming it and its column", function()
      local out, err, code = samtal_run([[kwic '[word="nära"' corpus]])
      assert.are.equal(2, code)
      assert.are.equal("", out)
      assert.truthy(err:find("^samtal kwic: query syntax error at column 13: expected ']'"), err)
      assert.truthy(err:find('  [word="nära"\n', 1, true), err)
    end)

    it("exits 2 on a missing path, an unknown speaker and a bad value", function()
      local _, err, code = samtal_run("kwic nära corpus/none.txt")
      assert.are.equal(2, code)
      assert.truthy(err:find("samtal kwic: cannot open corpus/none.txt", 1, true), err)
      _, err, code = samtal_run("kwic --speaker NOBODY nära corpus")
      assert.are.equal(2, code)
      assert.truthy(err:find('samtal kwic: no speaker "NOBODY" in this corpus (speakers: VINJETT, LENA', 1, true), err)
      _, err, code = samtal_run("kwic --width many nära corpus")
      assert.are.equal(2, code)
      assert.truthy(err:find("samtal kwic: --width needs a whole number, not 'many'", 1, true), err)
      _, err, code = samtal_run("kwic --sort X1 nära corpus")
      assert.are.equal(2, code)
      assert.truthy(err:find("unknown level 'X1'", 1, true), err)
      _, err, code = samtal_run("kwic nära")
      assert.are.equal(2, code)
      assert.truthy(err:find("samtal kwic: missing argument 'PATH'", 1, true)
        or err:find("samtal kwic: missing argument", 1, true), err)
      assert.truthy(err:find("usage: samtal kwic [OPTION...] QUERY PATH...", 1, true), err)
    end)

    it("highlights the match on a terminal, unless NO_COLOR is set; never in a pipe", function()
      local out = samtal_run("kwic nära corpus")
      assert.falsy(out:find("\27", 1, true))
      assert.truthy(out:find("[nära]", 1, true))
      out = samtal_run("kwic --color always nära corpus")
      assert.truthy(out:find("\27[1;31mnära\27[0m", 1, true))
      if os.execute("command -v script >/dev/null 2>&1") then
        -- util-linux's script runs the command with a terminal for stdout
        local tty = "script -qec " .. h.q(SAMTAL .. " kwic nära corpus") .. " /dev/null </dev/null"
        out = h.run(tty)
        assert.truthy(out:find("\27[1;31mnära\27[0m", 1, true), out)
        out = h.run("NO_COLOR=1 " .. tty)
        assert.falsy(out:find("\27", 1, true), out)
        assert.truthy(out:find("[nära]", 1, true))
      end
    end)
  end)

  describe("samtal count", function()
    it("prints the number the API counts", function()
      for _, q in ipairs { "nära vård", "vård*", "det vill säga", "[lower=\"vård.*\"] @speaker = \"LENA\"" } do
        local out, err, code = samtal_run("count " .. h.q(q) .. " corpus")
        assert.are.equal(0, code, err)
        assert.are.equal(c:count(q) .. "\n", out)
      end
    end)

    it("counts per speaker with --each, and for one speaker with --speaker", function()
      local out, _, code = samtal_run("count --each speaker --format csv 'vård*' corpus")
      assert.are.equal(0, code)
      local rows, header = records(out)
      assert.are.same({ "speaker", "count" }, header)
      local sum = 0
      for _, row in ipairs(rows) do
        assert.are.equal(c:count(('vård* @speaker = "%s"'):format(row.speaker)), tonumber(row.count), row.speaker)
        sum = sum + tonumber(row.count)
      end
      assert.are.equal(c:count("vård*"), sum)
      out = samtal_run("count --speaker LENA nära corpus")
      assert.are.equal(c:count('nära @speaker = "LENA"') .. "\n", out)
    end)

    it("writes JSON that parses, and exits 1 on zero, 2 on a query error", function()
      local out, _, code = samtal_run("count --format json 'nära vård' corpus")
      assert.are.equal(0, code)
      assert.are.equal(1, json_length(out))
      assert.truthy(out:find('"count":' .. c:count("nära vård"), 1, true))
      out, _, code = samtal_run("count blåbärssoppa corpus")
      assert.are.equal(1, code)
      assert.are.equal("0\n", out)
      local err
      _, err, code = samtal_run("count '(nära' corpus")
      assert.are.equal(2, code)
      assert.truthy(err:find("^samtal count: query syntax error at column"), err)
    end)
  end)

  describe("samtal freq", function()
    it("writes CSV whose rows are c:freq()'s", function()
      local out, err, code = samtal_run("freq --format csv corpus")
      assert.are.equal(0, code, err)
      local rows, header = records(out)
      assert.are.same({ "rank", "form", "freq", "per10k", "range" }, header)
      local want = c:freq()
      assert.are.equal(#want, #rows)
      for i = 1, 50 do
        assert.are.equal(want[i].form, rows[i].form)
        assert.are.equal(want[i].freq, tonumber(rows[i].freq))
        assert.truthy(close_to(rows[i].per10k, want[i].per10k))
      end
    end)

    it("prints an aligned table, and --limit rows of it", function()
      local out, _, code = samtal_run("freq --limit 5 corpus")
      assert.are.equal(0, code)
      local ls = lines(out)
      assert.are.equal("frequency list (lower)", ls[1])
      assert.truthy(ls[2]:match("^rank%s+form%s+freq%s+per10k%s+range$"))
      local want = c:freq()
      for i = 1, 5 do
        local rank, form, freq = ls[i + 2]:match("^%s*(%d+)%s+(%S+)%s+(%d+)")
        assert.are.equal(i, tonumber(rank))
        assert.are.equal(want[i].form, form)
        assert.are.equal(want[i].freq, tonumber(freq))
        assert.are.equal(utf8.len(ls[3]), utf8.len(ls[i + 2])) -- aligned: every row as wide
      end
      assert.are.equal(("… %d more rows (--limit 5)"):format(#want - 5), ls[8])
      out = samtal_run("freq --limit 5 --format tsv corpus")
      assert.are.equal(6, #lines(out))
    end)

    it("counts n-grams with -n, stems with --by, per speaker with --group", function()
      local out = samtal_run("freq -n 2 --min 3 --format csv corpus")
      local rows = records(out)
      local want = c:ngrams { n = 2, min = 3 }
      assert.are.equal(#want, #rows)
      assert.are.equal(want[1].ngram, rows[1].ngram)
      assert.are.equal(out, samtal_run("freq --ngram 2 --min 3 --format csv corpus")) -- the long name
      out = samtal_run("freq --by stem --limit 10 --format csv corpus")
      rows = records(out)
      want = c:freq { by = "stem" }
      for i = 1, 10 do assert.are.equal(want[i].form, rows[i].form) end
      out = samtal_run("freq --group speaker --speaker LENA --speaker MAGNUS --limit 3 --format csv corpus")
      rows = records(out)
      assert.are.equal(6, #rows)
      want = c:freq { group = "speaker", speaker = { "LENA", "MAGNUS" } }
      for i = 1, 3 do
        assert.are.equal(want[i].form, rows[i].form)
        assert.are.equal(want[i].speaker, rows[i].speaker)
      end
    end)

    it("writes JSON that parses, and refuses a bad --min and an html format with status 2", function()
      local out, _, code = samtal_run("freq --format json --limit 7 corpus")
      assert.are.equal(0, code)
      assert.are.equal(7, json_length(out))
      local err
      _, err, code = samtal_run("freq --min 0 corpus")
      assert.are.equal(2, code)
      assert.truthy(err:find("samtal freq: --min needs a whole number of at least 1, not '0'", 1, true), err)
      _, err, code = samtal_run("freq --format html corpus")
      assert.are.equal(2, code)
      assert.truthy(err:find("samtal freq: argument for option '--format' must be one of", 1, true), err)
      _, err, code = samtal_run("freq --speaker NOBODY corpus")
      assert.are.equal(2, code)
      assert.truthy(err:find('samtal freq: no speaker "NOBODY" in this corpus', 1, true), err)
    end)
  end)

  describe("samtal collocates", function()
    it("writes the rows of c:collocates, sorted by --measure", function()
      local out, err, code = samtal_run("collocates --format csv vård corpus")
      assert.are.equal(0, code, err)
      local rows = records(out)
      local want = c:collocates("vård")
      assert.are.equal(#want, #rows)
      for i, row in ipairs(want) do
        assert.are.equal(row.collocate, rows[i].collocate)
        assert.are.equal(row.freq, tonumber(rows[i].freq))
        assert.truthy(close_to(rows[i].logdice, row.logdice))
      end
      out = samtal_run("collocates --measure mi --left 0 --right 2 --min 2 --format csv nära corpus")
      rows = records(out)
      want = c:collocates("nära", { measure = "mi", left = 0, right = 2, min = 2 })
      assert.are.equal(#want, #rows)
      for i, row in ipairs(want) do assert.are.equal(row.collocate, rows[i].collocate) end
    end)

    it("writes JSON that parses, exits 1 with no collocate and 2 on a bad measure", function()
      local out, _, code = samtal_run("collocates --format json --limit 4 vård corpus")
      assert.are.equal(0, code)
      assert.are.equal(4, json_length(out))
      _, _, code = samtal_run("collocates blåbärssoppa corpus")
      assert.are.equal(1, code)
      local err
      _, err, code = samtal_run("collocates --measure dice vård corpus")
      assert.are.equal(2, code)
      assert.truthy(err:find("samtal collocates: argument for option '--measure' must be one of", 1, true), err)
    end)
  end)

  describe("samtal keywords", function()
    it("compares --speaker with the rest of the corpus, as c:keywords does", function()
      local out, err, code = samtal_run("keywords --speaker LENA --format csv corpus")
      assert.are.equal(0, code, err)
      local rows = records(out)
      local want = c:keywords { target = { speaker = "LENA" } }
      assert.are.equal(#want, #rows)
      for i, row in ipairs(want) do
        assert.are.equal(row.form, rows[i].form)
        assert.are.equal(row.freq, tonumber(rows[i].freq))
        assert.truthy(close_to(rows[i].ll, row.ll))
        assert.are.equal(tostring(row.significant), rows[i].significant)
      end
    end)

    it("compares each speaker with all the others, --limit rows each", function()
      local out = samtal_run("keywords --each speaker --limit 2 --format csv corpus")
      local rows, header = records(out)
      assert.are.equal("speaker", header[1])
      local per = {}
      for _, row in ipairs(rows) do per[row.speaker] = (per[row.speaker] or 0) + 1 end
      local want = c:keywords { each = "speaker" }
      local first = {}
      for _, row in ipairs(want) do first[row.speaker] = first[row.speaker] or row.form end
      for speaker in pairs(first) do
        assert.truthy(per[speaker] and per[speaker] <= 2, speaker)
      end
      for _, row in ipairs(rows) do
        if row.rank == "1" then assert.are.equal(first[row.speaker], row.form) end
      end
    end)

    it("takes a --reference frequency list or corpus", function()
      local list = h.tempfile("", ".csv")
      local _, _, code = samtal_run("freq --format csv corpus/" .. DOC2 .. " > " .. h.q(list))
      assert.are.equal(0, code)
      local out, err
      out, err, code = samtal_run("keywords --reference " .. h.q(list) .. " --format csv corpus/" .. DOC1)
      assert.are.equal(0, code, err)
      local one = samtal.open("corpus/" .. DOC1)
      local want = one:keywords { target = {}, reference = list }
      local rows = records(out)
      assert.are.equal(#want, #rows)
      for i = 1, math.min(#want, 20) do assert.are.equal(want[i].form, rows[i].form) end
      out, err, code = samtal_run("keywords --reference corpus/" .. DOC2 .. " --format csv corpus/" .. DOC1)
      assert.are.equal(0, code, err)
      want = one:keywords { target = {}, reference = samtal.open("corpus/" .. DOC2) }
      rows = records(out)
      assert.are.equal(#want, #rows)
      for i = 1, math.min(#want, 20) do assert.are.equal(want[i].form, rows[i].form) end
    end)

    it("exits 2 without a target, naming what is missing", function()
      local _, err, code = samtal_run("keywords corpus")
      assert.are.equal(2, code)
      assert.truthy(err:find("samtal keywords: keywords needs a target", 1, true), err)
      assert.truthy(err:find("usage: samtal keywords", 1, true), err)
      _, err, code = samtal_run("keywords --each speaker --speaker LENA corpus")
      assert.are.equal(2, code)
      assert.truthy(err:find("--each", 1, true), err)
    end)
  end)

  describe("samtal quotes", function()
    it("prints c:quotes as Markdown with attribution, and as JSON and CSV", function()
      local want = c:quotes { match = "samverkan" }
      local out, err, code = samtal_run("quotes --match samverkan corpus")
      assert.are.equal(0, code, err)
      assert.are.equal(#want, select(2, out:gsub("\n> — ", "")))
      assert.truthy(out:find("> — Lena Lundgren (LENA). *Näravårdpodden - en podcast från SKR*", 1, true))
      out, err, code = samtal_run("quotes --match samverkan --format json corpus")
      assert.are.equal(0, code, err)
      assert.are.equal(#want, json_length(out))
      out = samtal_run("quotes --match samverkan --speaker LENA --min-words 8 --format csv corpus")
      local rows = records(out)
      local lena = c:quotes { match = "samverkan", speaker = "LENA", min_words = 8 }
      assert.are.equal(#lena, #rows)
      for i, q in ipairs(lena) do
        assert.are.equal("LENA", rows[i].speaker)
        assert.are.equal(q.text, rows[i].text)
      end
    end)

    it("keeps --limit quotes, writes TSV, and exits 1 when none matches", function()
      local out, _, code = samtal_run("quotes --match 'nära vård' --limit 2 --format tsv corpus")
      assert.are.equal(0, code)
      local rows, header = records(out, "\t")
      assert.are.equal(2, #rows)
      assert.are.equal("text", header[#header])
      _, _, code = samtal_run("quotes --match blåbärssoppa corpus")
      assert.are.equal(1, code)
    end)

    it("lists the quotations in quotation marks with --quotations", function()
      local out, _, code = samtal_run("quotes --quotations --format csv corpus")
      assert.are.equal(0, code)
      assert.are.equal(#c:quotations(), #records(out))
    end)
  end)

  describe("samtal speakers", function()
    it("writes the talk table of c:talk()", function()
      local out, err, code = samtal_run("speakers --format csv corpus")
      assert.are.equal(0, code, err)
      local rows = records(out)
      local want = c:talk()
      assert.are.equal(#want, #rows)
      for i, row in ipairs(want) do
        assert.are.equal(row.speaker, rows[i].speaker)
        assert.are.equal(row.words, tonumber(rows[i].words))
        assert.truthy(close_to(rows[i].share, row.share))
      end
      out = samtal_run("speakers --group doc --format csv corpus")
      rows = records(out)
      assert.are.equal(DOC1, rows[1].doc)
      assert.are.equal(#c:talk { group = "doc" }, #rows)
    end)

    it("gives minutes and words per minute for a WebVTT file", function()
      local out, err, code = samtal_run("speakers --format json " .. h.q(VTT))
      assert.are.equal(0, code, err)
      local talk = samtal.open(VTT):talk()
      assert.are.equal(#talk, json_length(out))
      out = samtal_run("speakers --format csv " .. h.q(VTT))
      local rows = records(out)
      assert.are.equal(talk[1].speaker, rows[1].speaker)
      assert.truthy(close_to(rows[1].wpm, talk[1].wpm))
    end)
  end)

  describe("samtal index and export", function()
    it("saves a corpus that the other subcommands read", function()
      local saved = h.tempfile("", ".samtal")
      local _, err, code = samtal_run("index --hyphens corpus -o " .. h.q(saved))
      assert.are.equal(0, code, err)
      assert.truthy(err:find("2 documents", 1, true))
      local hy = samtal.open("corpus", { hyphens = true })
      local out = samtal_run("count vi-känsla " .. h.q(saved))
      assert.are.equal(hy:count("vi-känsla") .. "\n", out)
    end)

    it("draws a progress bar on a terminal, and none into a pipe", function()
      local saved = h.tempfile("", ".samtal")
      local _, err, code = samtal_run("index corpus -o " .. h.q(saved))
      assert.are.equal(0, code, err)
      assert.falsy(err:find("\r", 1, true), err)
      if os.execute("command -v script >/dev/null 2>&1") then
        local out = h.run("script -qec " .. h.q(SAMTAL .. " index corpus -o " .. h.q(saved)) .. " /dev/null </dev/null")
        assert.truthy(out:find("] 2/2 files", 1, true), out)
        assert.truthy(out:find("samtal index: " .. saved .. ": 2 documents", 1, true), out)
      end
    end)

    it("exports VRT with the cwb-encode line on stderr, and wants -o", function()
      local out_path = h.tempfile("", ".vrt")
      local out, err, code = samtal_run("export corpus -o " .. h.q(out_path))
      assert.are.equal(0, code, err)
      assert.are.equal("", out)
      assert.truthy(err:find("cwb-encode -c utf8 -x -s", 1, true), err)
      local tokens = 0
      for line in io.lines(out_path) do
        if not line:find("^<") then tokens = tokens + 1 end
      end
      assert.are.equal(samtal.open("corpus"):stats().tokens, tokens)
      out, err, code = samtal_run("export corpus")
      assert.are.equal(2, code)
      assert.are.equal("", out)
      assert.truthy(err:find("-o OUT.vrt is missing", 1, true), err)
    end)
  end)

  describe("every subcommand", function()
    local NAMES = { "kwic", "count", "freq", "collocates", "keywords", "quotes", "speakers", "index", "export" }

    it("explains itself with --help: usage, description, options, exit status", function()
      for _, name in ipairs(NAMES) do
        local out, err, code = samtal_run(name .. " --help")
        assert.are.equal(0, code, name)
        assert.are.equal("", err)
        assert.truthy(out:find("^usage: samtal " .. name .. " %[OPTION%.%.%.%]"), out)
        assert.truthy(out:find("-h, --help", 1, true), name)
        assert.truthy(out:find("Exit status: 0", 1, true), name)
        assert.truthy(#lines(out) > 10, name)
      end
      local out = samtal_run("kwic -h")
      assert.truthy(out:find("--sort LEVEL", 1, true))
      assert.truthy(out:find("--format text|csv|tsv|json|html", 1, true))
    end)

    it("refuses an unknown option with status 2, naming it", function()
      for _, name in ipairs(NAMES) do
        local out, err, code = samtal_run(name .. " --frobnicate x corpus")
        assert.are.equal(2, code, name)
        assert.are.equal("", out)
        assert.truthy(err:find("^samtal " .. name .. ": unknown option '%-%-frobnicate'"), err)
        assert.truthy(err:find("Try 'samtal " .. name .. " --help'", 1, true), err)
      end
    end)

    it("writes no escape codes into a pipe", function()
      for _, args in ipairs { "kwic vård corpus", "count vård corpus", "freq --limit 3 corpus",
        "collocates vård corpus", "keywords --speaker LENA corpus", "quotes --match vård corpus", "speakers corpus" } do
        local out, _, code = samtal_run(args)
        assert.are.equal(0, code, args)
        assert.falsy(out:find("\27", 1, true), args)
      end
    end)

    it("ends csv, tsv and json output with the data: no summary line", function()
      for _, args in ipairs { "kwic vård", "freq --limit 3", "collocates vård", "keywords --speaker LENA",
        "quotes --match vård", "speakers", "count --each speaker vård" } do
        for _, fmt in ipairs { "csv", "tsv", "json" } do
          local cmd = args:gsub("^(%S+)", "%1 --format " .. fmt) .. " corpus"
          local out, _, code = samtal_run(cmd)
          assert.are.equal(0, code, cmd)
          assert.falsy(out:find("more row", 1, true), cmd)
          assert.falsy(out:find("%d+ hits"), cmd)
          if fmt == "json" then
            assert.truthy(json_length(out), cmd)
          else
            local rows = records(out, fmt == "tsv" and "\t" or ",")
            assert.truthy(#rows > 0, cmd)
          end
        end
      end
    end)

    it("returns 2 from cli.main for an unknown subcommand", function()
      local cli = require "samtal.cli"
      local stderr = io.stderr
      local said = {}
      io.stderr = { write = function(self, ...) -- luacheck: ignore 122
        for _, s in ipairs { ... } do said[#said + 1] = s end
        return self
      end }
      local ok, status = pcall(cli.main, "frobnicate", {})
      io.stderr = stderr -- luacheck: ignore 122
      assert.is_true(ok, status)
      assert.are.equal(2, status)
      assert.truthy(table.concat(said):find("unknown subcommand 'frobnicate'", 1, true))
    end)
  end)
end)
