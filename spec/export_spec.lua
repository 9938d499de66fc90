-- c:export(path): VRT for cwb-encode, CQPweb and Korp. The file is read back here by a small
-- reader of its own (not samtal's), and once more through samtal's VRT import.
local samtal = require "samtal"
local h = require "helpers"

--- Reads a VRT file independently: the token lines' columns, and every structural tag in order,
-- checking that <text>, <turn> and <s> nest and close. Each token line has word, lower and
-- kind, and at most `extra` more columns (an imported VRT's attributes).
local function read_vrt(path, extra)
  local tokens, tags, stack = {}, {}, {}
  local lineno = 0
  for line in io.lines(path) do
    lineno = lineno + 1
    local close = line:match("^</(%w+)>$")
    local open, attrs = line:match("^<(%w+)(.-)>$")
    if close then
      assert(stack[#stack] == close, ("line %d: </%s> closes <%s>"):format(lineno, close, tostring(stack[#stack])))
      stack[#stack] = nil
    elseif open then
      local parent = ({ text = nil, turn = "text", s = "turn" })[open]
      assert(stack[#stack] == parent, ("line %d: <%s> inside <%s>"):format(lineno, open, tostring(stack[#stack])))
      local a = {}
      for k, v in attrs:gmatch('(%w+)="([^"]*)"') do a[k] = v end
      tags[#tags + 1] = { name = open, attrs = a }
      stack[#stack + 1] = open
    else
      assert(stack[#stack] == "s", ("line %d: a token outside <s>"):format(lineno))
      local cols = {}
      for col in (line .. "\t"):gmatch("([^\t]*)\t") do cols[#cols + 1] = col end
      assert(#cols >= 3 and #cols <= 3 + (extra or 0), ("line %d: %d columns"):format(lineno, #cols))
      tokens[#tokens + 1] = cols
    end
  end
  assert(#stack == 0, "unclosed " .. tostring(stack[#stack]))
  return tokens, tags
end

local function unescape(s)
  return (s:gsub("&(%w+);", { amp = "&", lt = "<", gt = ">", quot = '"' }))
end

describe("c:export to VRT", function()
  after_each(h.cleanup)

  it("writes every token with its folded form and kind, in turns and sentences, per document", function()
    local c = samtal.open("corpus")
    local path = h.tempfile("", ".vrt")
    local out, line = c:export(path)
    assert.are.equal(path, out)
    local tokens, tags = read_vrt(path)
    local stats = c:stats()
    assert.are.equal(stats.tokens, #tokens)
    for i = 1, #tokens, 97 do
      local t = c:token(i)
      assert.are.same({ t.form, t.folded, t.kind }, { unescape(tokens[i][1]), unescape(tokens[i][2]), tokens[i][3] })
    end
    local n = { text = 0, turn = 0, s = 0 }
    local speakers = {}
    for _, tag in ipairs(tags) do
      n[tag.name] = n[tag.name] + 1
      if tag.name == "turn" then speakers[tag.attrs.speaker] = (speakers[tag.attrs.speaker] or 0) + 1 end
    end
    assert.are.equal(stats.documents, n.text)
    local nonempty, turns_of = 0, {}
    for t in c:turns() do
      if t.tokens > 0 then
        nonempty = nonempty + 1
        turns_of[t.speaker] = (turns_of[t.speaker] or 0) + 1
      end
    end
    assert.are.equal(nonempty, n.turn)
    assert.are.same(turns_of, speakers)
    assert.are.equal(stats.sentences, n.s)
    assert.are.equal("000_e744d110473e4ebd", tags[1].attrs.id)
    assert.are.equal(c:document(1).title, unescape(tags[1].attrs.title))
    assert.matches("^cwb%-encode %-c utf8 %-x %-s %-d data/%S+ %-f " .. path:gsub("%p", "%%%0")
      .. " %-R registry/%S+ %-P lower %-P kind %-S text:0%+id%+title%+path %-S turn:0%+speaker%+start%+n %-S s$", line)
  end)

  it("escapes XML's special characters and keeps turn start times and metadata", function()
    local src = h.tempfile("[00:00:05] ANNA: A & B <3 \"x\".\n\n[00:00:09] BO: Ja.\n\n[00:00:12] ANNA: Nej.\n")
    local c = samtal.open(src)
    local path = h.tempfile("", ".vrt")
    c:export(path)
    local text = h.read(path)
    assert.truthy(text:find("&amp;\t&amp;\tpunctuation", 1, true) or text:find("&amp;\t&amp;\tsymbol", 1, true))
    assert.truthy(text:find("&lt;", 1, true))
    assert.falsy(text:find("\t<", 1, true))
    local _, tags = read_vrt(path)
    assert.are.equal("5.000", tags[2].attrs.start)
    assert.are.equal("9.000", tags[4].attrs.start)
  end)

  it("reads back through samtal's VRT import with the same turns, tokens and sentences", function()
    local c = samtal.open({ "corpus", h.shared .. "talkpython-en/transcripts__525-nicegui.vtt" })
    local path = h.tempfile("", ".vrt")
    c:export(path)
    local back = samtal.open(path)
    local a, b = c:stats(), back:stats()
    assert.are.equal(a.tokens, b.tokens)
    assert.are.equal(a.sentences, b.sentences)
    assert.are.equal(c:count("vård"), back:count("vård"))
    assert.are.equal(c:count("the"), back:count("the"))
  end)

  it("writes an imported VRT's positional attributes as columns, and encodes them", function()
    local vrt = table.concat({ "<!-- #vrt positional-attributes: word pos lemma kind -->", '<text id="t">',
      '<u who="ANNA">', "<s>", "Vi\tPN\tvi\tx", "behöver\tVB\tbehöva", "vård\tNN\t\ty&z", "</s>", "</u>", "</text>", "" }, "\n")
    local other = '<!-- #vrt positional-attributes: word kind -->\n<text id="o">\n<u who="CE">\n<s>\nja\tz\n</s>\n</u>\n</text>\n'
    local c = samtal.open({ h.tempfile(vrt, ".vrt"), h.tempfile("BO: nära vård\n"), h.tempfile(other, ".vrt") })
    local path = h.tempfile("", ".vrt")
    local _, line = c:export(path)
    assert.truthy(line:find(" -P lower -P kind -P pos -P lemma -P kind_ -S text", 1, true), line)
    local tokens = read_vrt(path, 3)
    assert.are.same({ "Vi", "vi", "word", "PN", "vi", "x" }, tokens[1])
    assert.are.same({ "behöver", "behöver", "word", "VB", "behöva" }, tokens[2]) -- no value: left out
    assert.are.same({ "vård", "vård", "word", "NN", "", "y&amp;z" }, tokens[3]) -- an empty value stays
    assert.are.same({ "nära", "nära", "word" }, tokens[4]) -- a plain-text document's: none
    -- a file without pos and lemma: CWB's own __UNDEF__ before its value
    assert.are.same({ "ja", "ja", "word", "__UNDEF__", "__UNDEF__", "z" }, tokens[6])
    -- samtal reads it back with the attributes named
    local back = samtal.open(path, { attributes = { "lower", "kind", "pos", "lemma", "kind2" } })
    assert.are.equal(c:count('[pos="NN"]'), back:count('[pos="NN"]'))
    assert.are.equal(1, back:count('[lemma="behöva"]'))
    assert.are.equal(1, back:count('[kind2="y&z"]'))
    assert.are.equal(1, back:count('[kind2="z"]'))
    assert.are.equal(c:stats().tokens, back:stats().tokens)
  end)

  it("refuses an unknown format and leaves no file behind a failed write", function()
    local c = samtal.open("corpus")
    assert.matches("unknown format csv %(known: vrt, json%)", h.error_of(c.export, c, "/tmp/x.csv"))
    assert.matches("export: cannot write /nonexistent/dir/x.vrt", h.error_of(c.export, c, "/nonexistent/dir/x.vrt"))
    assert.matches("bad argument #1 to 'export'", h.error_of(c.export, c, nil))
  end)
end)
