-- stop_times_spec.lua: turns carry the stop time of their source (WebVTT and SRT cue ends,
-- Podcasting 2.0 JSON endTime), kept through c:save, JSON export and merged turns, and shown
-- on turns, concordance hits and quotes. Checked against times read from the files here.
local samtal = require "samtal"
local h = require "helpers"

local NICEGUI_VTT = h.shared .. "talkpython-en/transcripts__525-nicegui.vtt"
local SRT = h.shared .. "virtualcoffee-en/0105-cameron-rahat.srt"
local JSON = "spec/fixtures/formats/episode.json"

-- The end times of every cue of a WebVTT or SRT file, read here: "start --> end" lines.
local function cue_ends(path)
  local ends, last = {}, nil
  for line in io.lines(path) do
    local hh, mm, ss, frac = line:match("%-%->%s*(%d+):(%d+):(%d+)[.,](%d+)")
    if not hh then
      mm, ss, frac = line:match("%-%->%s*(%d+):(%d+)[.,](%d+)")
      hh = mm and "0"
    end
    if hh then
      last = tonumber(hh) * 3600 + tonumber(mm) * 60 + tonumber(ss) + tonumber(frac) / 10 ^ #frac
      ends[#ends + 1] = last
    end
  end
  return ends, last
end

local function turns_of(c)
  local out = {}
  for t in c:turns() do out[#out + 1] = t end
  return out
end

describe("stop times", function()
  after_each(h.cleanup)

  it("end a WebVTT turn where the last cue with its text ends", function()
    local c = samtal.open(h.tempfile("WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n<v Anna>Hej och välkommen.\n\n"
      .. "00:00:02.500 --> 00:00:04.000\n<v Anna>Idag pratar vi vård.\n\n"
      .. "00:04.000 --> 00:06.250\n<v Bo>Tack, Anna.\n", ".vtt"))
    local t = turns_of(c)
    assert.are.same({ 1.0, 4.0 }, { t[1].start, t[1].stop })
    assert.are.same({ 4.0, 6.25 }, { t[2].start, t[2].stop })
    local hit = c:kwic("vård")[1]
    assert.are.same({ 1.0, 4.0 }, { hit.start, hit.stop })
  end)

  for _, path in ipairs { NICEGUI_VTT, SRT } do
    it("come from the cue ends of " .. path:match("[^/]+$"), function()
      local c = samtal.open(path)
      local ends, last = cue_ends(path)
      assert.is_true(#ends > 10)
      local is_end = {}
      for _, e in ipairs(ends) do is_end[("%.3f"):format(e)] = true end
      local turns, max = turns_of(c), 0
      for _, t in ipairs(turns) do
        assert.is_number(t.stop, "turn " .. t.id)
        assert.truthy(is_end[("%.3f"):format(t.stop)], ("turn %d: %s is no cue's end"):format(t.id, t.stop))
        if t.start then assert.is_true(t.stop >= t.start, "turn " .. t.id) end
        max = math.max(max, t.stop)
      end
      assert.are.equal(("%.3f"):format(last), ("%.3f"):format(max)) -- the last cue ends the last turn
    end)
  end

  it("come from a Podcasting 2.0 segment's endTime, the last one of a turn's segments", function()
    -- episode.json, by hand: turn 1 is Anna's three word segments and the segment without a
    -- speaker ("Idag:", ends 2.8), turn 2 Bo's sentence (5.5), turn 3 Anna's "Bra" and the
    -- "speaker": null segment continuing her (7.0)
    local stops = {}
    for _, t in ipairs(turns_of(samtal.open(JSON))) do stops[#stops + 1] = t.stop end
    assert.are.same({ 2.8, 5.5, 7.0 }, stops)
  end)

  it("are absent where the source has none (plain text, HTML)", function()
    for _, path in ipairs { "corpus", "spec/fixtures/formats/episode.html" } do
      for _, t in ipairs(turns_of(samtal.open(path))) do assert.is_nil(t.stop, path) end
    end
  end)

  it("survive c:save and the JSON export, and a merged turn keeps the later stop", function()
    local c = samtal.open(NICEGUI_VTT)
    local p = h.tmppath(".samtal")
    c:save(p)
    local json = h.tmppath(".json")
    c:export(json)
    local want = {}
    for _, t in ipairs(turns_of(c)) do want[#want + 1] = t.stop end
    for _, other in ipairs { samtal.open(p), samtal.open(json) } do
      local got = {}
      for _, t in ipairs(turns_of(other)) do got[#got + 1] = t.stop end
      assert.are.same(want, got)
    end
    os.remove(p)
    os.remove(json)
    local text = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v A>Ett.\n\n00:02.000 --> 00:03.000\n<v B>Två.\n\n"
      .. "00:03.000 --> 00:04.500\n<v C>Tre.\n"
    local m = samtal.open(h.tempfile(text, ".vtt"), { aliases = { B = "A" }, merge_turns = true })
    local t = turns_of(m)
    assert.are.equal(2, #t)
    assert.are.same({ 1.0, 3.0 }, { t[1].start, t[1].stop })
    assert.are.same({ 3.0, 4.5 }, { t[2].start, t[2].stop })
  end)
  it("of word-level segments go to their tokens, also through c:save and the JSON export", function()
    -- episode.json, by hand: "Hej" 0.5-0.9, "och" 1.0-1.4, "välkommen!" 1.5-2.25 (both tokens),
    -- "Idag:" 2.3-2.8; Bo's sentence is one segment, 3-5.5, for each of its tokens
    local c = samtal.open(JSON)
    local p = h.tmppath(".samtal")
    c:save(p)
    local json = h.tmppath(".json")
    c:export(json)
    local want = { { "Hej", 0.5, 0.9 }, { "och", 1.0, 1.4 }, { "välkommen", 1.5, 2.25 }, { "!", 1.5, 2.25 },
      { "Idag", 2.3, 2.8 }, { ":", 2.3, 2.8 }, { "Tack", 3.0, 5.5 } }
    for _, corpus in ipairs { c, samtal.open(p), samtal.open(json) } do
      for i, w in ipairs(want) do
        local t = corpus:token(i)
        assert.are.same(w, { t.form, t.start, t.stop })
      end
      local hit = corpus:kwic("och välkommen")[1]
      assert.are.same({ 1.0, 2.25 }, { hit.match_start, hit.match_stop })
      assert.are.same({ 0.5, 2.8 }, { hit.start, hit.stop }) -- its turn's
    end
    os.remove(p)
    os.remove(json)
    -- plain text has no token times
    assert.is_nil(samtal.open("corpus"):token(1).start)
  end)
end)
