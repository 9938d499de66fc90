-- Damaged files: by default an error naming file, line and what was expected; with
-- open{on_error = "skip"} a warning per damaged part and every intact part kept.
local samtal = require "samtal"
local h = require "helpers"

--- Opens path with on_error = "skip", collecting the warnings; returns the corpus, the warnings
-- and the turns as "SPEAKER|text" strings.
local function skip_open(path, opts)
  local got = {}
  opts = opts or {}
  opts.on_error = "skip"
  opts.warn = function(w) got[#got + 1] = w end
  local c = samtal.open(path, opts)
  local turns = {}
  for t in c:turns() do turns[#turns + 1] = (t.speaker or "") .. "|" .. t.text end
  return c, got, turns
end

--- The error opening path raises; checks that it starts with "path:line:".
local function error_at(path, line, opts)
  local err = h.error_of(samtal.open, path, opts)
  assert.are.equal(path .. ":" .. line .. ":", err:sub(1, #path + #tostring(line) + 2), err)
  return err
end

describe("samtal.open", function()
  after_each(h.cleanup)

  describe("on_error", function()
    local txt = "LENA: Vi behöver nära vård.\n\nMAGNUS: Det är \0viktigt.\n\n"
      .. "LENA: Ja, det är det.\n\nMAGNUS: Bra \255 sagt.\n\nLENA: Tack.\n"

    it("is an error naming file, line and column in a text file with a NUL byte or invalid UTF-8", function()
      local p = h.tempfile(txt, ".txt")
      assert.are.equal(p .. ":3:16: binary file (NUL byte at byte offset 48)", error_at(p, "3:16"))
      local p2 = h.tempfile(txt:gsub("%z", ""), ".txt")
      assert.matches("invalid UTF%-8 %(byte 0xFF at byte offset %d+%)$", error_at(p2, "7:13"))
    end)

    it("skips the damaged lines of a text file, with a warning each", function()
      local p = h.tempfile(txt, ".txt")
      local c, w, turns = skip_open(p)
      assert.are.equal(2, #w)
      assert.are.same({ p, 3 }, { w[1].file, w[1].line })
      assert.are.equal(p .. ":3:16: binary file (NUL byte at byte offset 48); line left out", w[1].message)
      assert.are.same({ p, 7 }, { w[2].file, w[2].line })
      assert.matches("; line left out$", w[2].message)
      assert.are.same({ "LENA|Vi behöver nära vård.", "LENA|Ja, det är det.", "LENA|Tack." }, turns)
      assert.are.equal(2, #c:document(1).warnings)
      assert.are.same(w, c:warnings())
    end)

    it("skips the damaged lines of a Markdown transcript", function()
      local md = "# Avsnitt 1\n\n**Lena:** Vi behöver nära vård.\n\n**Magnus:** Det är \0viktigt.\n\n"
        .. "**Lena:** Ja, det är det.\n\n**Magnus:** Bra sagt.\n\n**Lena:** Tack.\n\n**Magnus:** Hej då.\n"
      local p = h.tempfile(md, ".md")
      error_at(p, "5:20")
      local _, w, turns = skip_open(p)
      assert.are.equal(1, #w)
      assert.are.equal(5, w[1].line)
      assert.are.same({ "Lena|Vi behöver nära vård.", "Lena|Ja, det är det.", "Magnus|Bra sagt.", "Lena|Tack.",
        "Magnus|Hej då." }, turns)
    end)

    local vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Anna>Hej och välkommen.\n\n"
      .. "00:00:03.000 -> 00:00:04.000\n<v Bo>Trasig tid.\n\n"
      .. "00:00:05.000 --> 00:00:06.000\n<v Bo>Tack.\n\n"
      .. "00:00:07.000 --> 00:00:0x.000\n<v Anna>Också trasig.\n\n"
      .. "00:00:09.000 --> 00:00:10.000\n<v Anna>Bra.\n"

    it("is an error naming file, line and the timing expected in a WebVTT cue with a broken timing line", function()
      local p = h.tempfile(vtt, ".vtt")
      assert.are.equal(p .. ':6: expected a cue timing line like "00:01:02.500 --> 00:01:04.000", found '
        .. '"00:00:03.000 -> 00:00:04.000"', error_at(p, 6))
    end)

    it("skips the WebVTT cues with a broken timing line, with a warning each", function()
      local p = h.tempfile(vtt, ".vtt")
      local c, w, turns = skip_open(p)
      assert.are.same({ 6, 12 }, { w[1].line, w[2].line })
      assert.matches("; cue left out$", w[1].message)
      assert.are.same({ "Anna|Hej och välkommen.", "Bo|Tack.", "Anna|Bra." }, turns)
      assert.are.same({ 1, 5, 9 }, { c:turn(1).start, c:turn(2).start, c:turn(3).start })
    end)

    it("skips the SRT cues with a broken timing line", function()
      local srt = "1\n00:00:01,000 --> 00:00:02,000\nAnna: Hej där.\n\n"
        .. "2\n00:00:03,000 --> 00:00:0\nBo: Trasig.\n\n"
        .. "3\nBo: Utan tid.\n\n"
        .. "4\n00:00:07,000 --> 00:00:08,000\nBo: Hej.\n"
      local p = h.tempfile(srt, ".srt")
      assert.are.equal(p .. ':6: expected a cue timing line like "00:01:02,500 --> 00:01:04,000", found '
        .. '"00:00:03,000 --> 00:00:0"', error_at(p, 6))
      local _, w, turns = skip_open(p)
      assert.are.same({ 6, 10 }, { w[1].line, w[2].line })
      assert.are.same({ "Anna|Hej där.", "Bo|Hej." }, turns)
    end)

    local json_ok = '{"version": "1.0.0", "segments": [\n'
      .. '{"speaker": "Anna", "startTime": 0.5, "body": "Hej och välkommen."},\n'
      .. '{"speaker": "Bo", "startTime": 2, "body": "Trasig."},\n'
      .. '{"speaker": "Bo", "startTime": 3, "body": "Tack."},\n'
      .. '{"speaker": "Anna", "startTime": 4, "body": "Bra."}\n]}\n'
    local json = json_ok:gsub('"startTime": 2,', '"startTime": 2', 1)

    it("is an error naming file, line, column and what was expected in damaged or truncated JSON", function()
      local p = h.tempfile(json, ".json")
      assert.matches("expected ',' or '}' in object, found '\"'$", error_at(p, "3:34"))
      local cut = h.tempfile(json_ok:sub(1, json_ok:find("Tack") + 1), ".json")
      assert.matches("unterminated string: expected '\"' before the end of the file", error_at(cut, "4:46"), 1, true)
    end)

    it("skips a damaged JSON segment, and keeps what comes before the end of a truncated file", function()
      local p = h.tempfile(json, ".json")
      local _, w, turns = skip_open(p)
      assert.are.equal(1, #w)
      assert.are.equal(3, w[1].line)
      assert.matches("; segment left out$", w[1].message)
      assert.are.same({ "Anna|Hej och välkommen.", "Bo|Tack.", "Anna|Bra." }, turns)
      local cut = h.tempfile(json_ok:sub(1, json_ok:find("Tack") + 1), ".json")
      _, w, turns = skip_open(cut)
      assert.are.equal(1, #w)
      assert.are.equal(4, w[1].line)
      assert.are.same({ "Anna|Hej och välkommen.", "Bo|Trasig." }, turns)
    end)

    local html = "<html><body>\n<cite>Anna:</cite> <time>0:01</time>\n<p>Hej och välkommen.</p>\n"
      .. "<cite>Bo:</cite> <time>x:y</time>\n<p>Tack.</p>\n"
      .. "<cite>Anna:\n<p>Vems ord?</p>\n"
      .. "<cite>Bo:</cite>\n<p>Bra.</p>\n<!-- slut\n<p>Borta.</p>\n"

    it("is an error naming file, line and column in a damaged HTML transcript", function()
      local p = h.tempfile(html, ".html")
      assert.matches('expected a time like 0:09 or 00:01:02 in <time>, found "x:y"$', error_at(p, "4:18"))
    end)

    it("skips a damaged time, a cite left open with its paragraph, and an unterminated comment", function()
      local p = h.tempfile(html, ".html")
      local c, w, turns = skip_open(p)
      assert.are.same({ 4, 7, 10 }, { w[1].line, w[2].line, w[3].line })
      assert.matches("; the time left out$", w[1].message)
      assert.matches("<p> inside the <cite> opened at line 6: expected </cite>; the <cite> and its paragraph left out$",
        w[2].message)
      assert.matches("unterminated comment: expected '%-%->' before the end of the file; the rest of the file left out$",
        w[3].message)
      assert.are.same({ "Anna|Hej och välkommen.", "Bo|Tack.\n\nBra." }, turns)
      assert.are.equal(1, c:turn(1).start)
    end)

    it("skips the damaged token lines of a VRT file", function()
      local vrt = "<text id=\"t1\">\n<u who=\"ANNA\">\n<s>\nVi\nbehöver\nvå\255rd\n</s>\n</u>\n"
        .. "<u who=\"BO\">\n<s>\nJa\n.\n</s>\n</u>\n</text>\n"
      local p = h.tempfile(vrt, ".vrt")
      assert.matches("invalid UTF%-8", error_at(p, "6:3"))
      local _, w, turns = skip_open(p)
      assert.are.equal(1, #w)
      assert.are.same({ "ANNA|Vi behöver", "BO|Ja ." }, turns)
    end)

    it("skips a file of a directory that cannot be read at all, with a warning", function()
      local dir = h.tmpname()
      os.remove(dir)
      assert(os.execute("mkdir " .. h.q(dir)))
      local function put(name, bytes)
        local f = assert(io.open(dir .. "/" .. name, "wb"))
        f:write(bytes)
        f:close()
      end
      put("a.txt", "LENA: Hej.\n\nMAGNUS: Hej hej.\n")
      put("b.vtt", "WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nTrasig.\n")
      put("c.json", "")
      local ok, err = pcall(samtal.open, dir)
      assert.is_false(ok)
      assert.matches("b.vtt:3: expected a cue timing line", err)
      local c, w = skip_open(dir)
      os.execute("rm -r " .. h.q(dir))
      assert.are.equal(1, #c:documents())
      assert.are.equal(2, #w)
      assert.are.same({ dir .. "/b.vtt", 0 }, { w[1].file, w[1].line })
      assert.matches("without any cue text$", w[1].message)
      assert.are.same({ dir .. "/c.json", 0 }, { w[2].file, w[2].line })
      assert.matches("empty file", w[2].message)
    end)

    it("raises when no file could be read, and warns on stderr without a warn function", function()
      local p = h.tempfile("WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nTrasig.\n", ".vtt")
      assert.matches("no other file could be read", h.error_of(samtal.open, p, { on_error = "skip" }))
      local ok = h.tempfile(vtt, ".vtt")
      local out, err, code = h.run("LUA_PATH='./lua/?.lua;./lua/?/init.lua;;' lua5.4 -e "
        .. h.q(("package.cpath = %q .. ';' .. package.cpath; local c = require('samtal').open(%q, "
          .. "{on_error = 'skip'}); local n = 0; for _ in c:turns() do n = n + 1 end; print(n)"):format(package.cpath, ok)))
      assert.are.equal(0, code, err)
      assert.are.equal("3\n", out)
      local n = 0
      for _ in err:gmatch("samtal: warning: [^\n]*cue left out\n") do n = n + 1 end
      assert.are.equal(2, n, err)
    end)

    it("keeps a clean file the same, without warnings", function()
      local c = samtal.open(h.seed_inline, { on_error = "skip", warn = function() error("no warning expected") end })
      assert.are.same({}, c:warnings())
      assert.are.equal(samtal.open(h.seed_inline):fingerprint(), c:fingerprint())
    end)

    it("raises on a bad value", function()
      assert.matches('on_error must be "error" or "skip", not "ignore"',
        h.error_of(samtal.open, h.seed_inline, { on_error = "ignore" }))
      assert.matches("option warn must be a function", h.error_of(samtal.open, h.seed_inline, { warn = 1 }))
    end)
  end)
end)
