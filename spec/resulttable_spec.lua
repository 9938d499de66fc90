-- Result tables, the shape of every statistics result: construction, CSV, TSV and JSON written
-- exactly (and read back by Python's json), head, sort, filter, and the aligned terminal view.
local rt = require "samtal.resulttable"
local h = require "helpers"

--- A small frequency list, fresh for every test (result tables take their rows over).
local function freq()
  return rt.new({ "form", "freq", "per10k" }, {
    { form = "och", freq = 120, per10k = 345.25 },
    { form = "är", freq = 80, per10k = 230.5 },
    { form = "så", freq = 7, per10k = 20.125 },
  }, { title = "frequency list", measure = "per10k" })
end

local function forms(res, col)
  local out = {}
  for i, row in ipairs(res) do out[i] = row[col or "form"] end
  return out
end

--- Runs python3 on a script with the file as argv[1]; returns stdout, failing on an error.
local function python(script, path)
  local out, err, code = h.run("python3 -c " .. h.q(script) .. " " .. h.q(path))
  assert(code == 0, err)
  return out
end

describe("samtal.resulttable", function()
  after_each(h.cleanup)

  describe("new()", function()
    it("returns the array of rows itself, with its meta and columns", function()
      local rows = { { form = "hej", freq = 2 }, { form = "då", freq = 1 } }
      local res = rt.new({ "form", "freq" }, rows, { title = "t" })
      assert.are.equal(rows, res)
      assert.are.equal(2, #res)
      assert.are.equal("hej", res[1].form)
      local seen = {}
      for i, row in ipairs(res) do seen[i] = row.freq end
      assert.are.same({ 2, 1 }, seen)
      assert.are.same({ title = "t" }, res.meta)
      assert.are.same({ "form", "freq" }, res:columns())
    end)

    it("gives an empty meta when none is given", function()
      assert.are.same({}, rt.new({ "a" }, {}).meta)
    end)

    it("hands out a copy of the columns, so a caller cannot change them", function()
      local cols = { "form", "freq" }
      local res = rt.new(cols, {})
      cols[1] = "changed"
      res:columns()[2] = "changed"
      assert.are.same({ "form", "freq" }, res:columns())
    end)

    it("is() tells a result table from anything else", function()
      assert.is_true(rt.is(freq()))
      assert.is_false(rt.is({}))
      assert.is_false(rt.is(nil))
      assert.is_false(rt.is("form"))
    end)

    it("raises on missing, empty, non-string or repeated column names", function()
      assert.matches("bad argument #1 to 'new' %(array of column names expected, got nil%)$",
        h.error_of(rt.new, nil, {}))
      assert.matches("got an empty table%)$", h.error_of(rt.new, {}, {}))
      assert.matches("column 2: a name expected, got number", h.error_of(rt.new, { "a", 5 }, {}))
      assert.matches("column 1: a name expected, got an empty string", h.error_of(rt.new, { "" }, {}))
      assert.matches("new: column 'a' given twice$", h.error_of(rt.new, { "a", "b", "a" }, {}))
    end)

    it("raises on rows that are not an array of tables, and on a meta that is no table", function()
      assert.matches("bad argument #2 to 'new' %(array of rows expected, got string%)$",
        h.error_of(rt.new, { "a" }, "rows"))
      assert.matches("bad argument #2 to 'new' %(row 2: a table expected, got number%)$",
        h.error_of(rt.new, { "a" }, { {}, 7 }))
      local other = setmetatable({}, { __name = "samtal.Hits" })
      assert.matches("plain array of rows expected, got samtal.Hits", h.error_of(rt.new, { "a" }, other))
      assert.matches("bad argument #3 to 'new' %(table expected, got string%)$",
        h.error_of(rt.new, { "a" }, {}, "title"))
    end)

    it("names the caller's line in its errors", function()
      local err = h.error_of(function() rt.new(nil, {}) end)
      assert.matches("^[^:]*resulttable_spec%.lua:%d+: bad argument #1 to 'new'", err)
    end)
  end)

  describe("csv()", function()
    it("writes a header and RFC 4180 records, quoting commas, quotes and line breaks", function()
      local res = rt.new({ "form", "freq", "note" }, {
        { form = "hej, då", freq = 3, note = 'sa "hej"' },
        { form = "rad\nbrytning", freq = 1 },
        { form = "cr\rhere", freq = 0, note = "plain" },
      })
      assert.are.equal('form,freq,note\r\n"hej, då",3,"sa ""hej"""\r\n"rad\nbrytning",1,\r\n"cr\rhere",0,plain\r\n',
        res:csv())
    end)

    it("quotes a column name that needs it", function()
      assert.are.equal('"a,b",c\r\n', rt.new({ "a,b", "c" }, {}):csv())
    end)

    it("writes numbers as format.number does, and NaN, infinities and missing cells as empty fields", function()
      local res = rt.new({ "i", "f", "whole", "nan", "inf", "ninf", "missing", "bool" }, {
        { i = 42, f = 0.1 + 0.2, whole = 3.0, nan = 0 / 0, inf = math.huge, ninf = -math.huge, bool = false },
      })
      assert.are.equal("i,f,whole,nan,inf,ninf,missing,bool\r\n42,0.3,3,,,,,false\r\n", res:csv())
    end)

    it("writes only the named columns, in their order", function()
      local res = rt.new({ "b", "a" }, { { a = 1, b = 2, extra = 3 } })
      assert.are.equal("b,a\r\n2,1\r\n", res:csv())
    end)

    it("writes the file and returns the path when given one", function()
      local path = h.tempfile("", ".csv")
      assert.are.equal(path, freq():csv(path))
      assert.are.equal("form,freq,per10k\r\noch,120,345.25\r\när,80,230.5\r\nså,7,20.125\r\n", h.read(path))
    end)

    it("raises on a cell that is a table, naming the row and column", function()
      local res = rt.new({ "form", "words" }, { { form = "a" }, { form = "b", words = { "x" } } })
      assert.matches("csv: row 2, column 'words' holds a table", h.error_of(res.csv, res))
    end)

    it("raises on a path that is no string, and when called with a dot", function()
      local res = freq()
      assert.matches("bad argument #1 to 'csv' %(file name expected, got number%)", h.error_of(res.csv, res, 5))
      assert.matches("bad argument #1 to 'csv' %(samtal.ResultTable expected, got table%)",
        h.error_of(res.csv, {}))
    end)
  end)

  describe("tsv()", function()
    it("writes tabs, line breaks and backslashes in fields as escapes", function()
      local res = rt.new({ "form", "freq" }, {
        { form = "a\tb", freq = 1 },
        { form = "c\nd\re", freq = 2.5 },
        { form = "back\\slash", freq = 0 / 0 },
      })
      assert.are.equal("form\tfreq\na\\tb\t1\nc\\nd\\re\t2.5\nback\\\\slash\t\n", res:tsv())
    end)

    it("writes the file and returns the path when given one", function()
      local path = h.tempfile("", ".tsv")
      assert.are.equal(path, freq():tsv(path))
      assert.are.equal("form\tfreq\tper10k\noch\t120\t345.25\när\t80\t230.5\nså\t7\t20.125\n", h.read(path))
    end)
  end)

  describe("json()", function()
    it("writes a plain array of objects, keys in column order, one object a line", function()
      assert.are.equal('[\n{"form":"och","freq":120,"per10k":345.25},\n{"form":"är","freq":80,"per10k":230.5},\n'
        .. '{"form":"så","freq":7,"per10k":20.125}\n]\n', freq():json())
    end)

    it("writes NaN, infinities and missing cells as null, and escapes strings", function()
      local res = rt.new({ "s", "nan", "inf", "missing", "ok" }, {
        { s = 'q"\\\n\1', nan = 0 / 0, inf = -math.huge, ok = true },
      })
      assert.are.equal('[\n{"s":"q\\"\\\\\\u000A\\u0001","nan":null,"inf":null,"missing":null,"ok":true}\n]\n',
        res:json())
    end)

    it("writes an empty result as []", function()
      assert.are.equal("[]\n", rt.new({ "a" }, {}):json())
    end)

    it("is read back by a JSON parser with the same values and key order", function()
      local res = rt.new({ "form", "freq", "dp", "note" }, {
        { form = "hej, \"då\"\n", freq = 3, dp = 0.25, note = "åäö\t" },
        { form = "x", freq = 0, dp = 0 / 0 },
      })
      local path = h.tempfile("", ".json")
      assert.are.equal(path, res:json(path))
      local out = python([[
import json, sys
for row in json.load(open(sys.argv[1], encoding="utf-8")):
    print(json.dumps(list(row.items()), ensure_ascii=False))
]], path)
      assert.are.equal('[["form", "hej, \\"då\\"\\n"], ["freq", 3], ["dp", 0.25], ["note", "åäö\\t"]]\n'
        .. '[["form", "x"], ["freq", 0], ["dp", null], ["note", null]]\n', out)
    end)
  end)

  describe("head()", function()
    it("gives the first n rows with the same columns and meta", function()
      local res = freq()
      local top = res:head(2)
      assert.is_true(rt.is(top))
      assert.are.same({ "och", "är" }, forms(top))
      assert.are.same(res:columns(), top:columns())
      assert.are.same(res.meta, top.meta)
      assert.are.equal(res[1], top[1])
      assert.are.equal(3, #res)
    end)

    it("copies the meta, so a new title leaves the original as it was", function()
      local res = freq()
      local top = res:head(1)
      top.meta.title = "top 1"
      assert.are.equal("frequency list", res.meta.title)
    end)

    it("gives all rows when n is larger, none for 0, and 10 by default", function()
      assert.are.equal(3, #freq():head(50))
      assert.are.equal(0, #freq():head(0))
      local rows = {}
      for i = 1, 15 do rows[i] = { n = i } end
      assert.are.equal(10, #rt.new({ "n" }, rows):head())
    end)

    it("raises on a count that is no non-negative integer", function()
      local res = freq()
      assert.matches("bad argument #1 to 'head' %(non%-negative integer expected, got %-1%)", h.error_of(res.head, res, -1))
      assert.matches("got 1.5%)", h.error_of(res.head, res, 1.5))
      assert.matches("got string%)", h.error_of(res.head, res, "2"))
    end)
  end)

  describe("sort()", function()
    it("sorts by a column of numbers, ascending or descending, into a new result", function()
      local res = freq()
      assert.are.same({ "så", "är", "och" }, forms(res:sort("freq")))
      assert.are.same({ "och", "är", "så" }, forms(res:sort("freq", true)))
      assert.are.same({ "och", "är", "så" }, forms(res))
      assert.are.same(res.meta, res:sort("freq").meta)
      assert.are.same(res:columns(), res:sort("freq"):columns())
    end)

    it("sorts strings by their bytes", function()
      assert.are.same({ "och", "så", "är" }, forms(freq():sort("form")))
    end)

    it("puts missing cells and NaN last in both directions", function()
      local res = rt.new({ "k", "v" }, {
        { k = "a", v = 2 }, { k = "b" }, { k = "c", v = 0 / 0 }, { k = "d", v = 1 }, { k = "e", v = 3 },
      })
      assert.are.same({ "d", "a", "e", "b", "c" }, forms(res:sort("v"), "k"))
      assert.are.same({ "e", "a", "d", "b", "c" }, forms(res:sort("v", true), "k"))
    end)

    it("orders kinds false < true < numbers < strings", function()
      local res = rt.new({ "k", "v" }, {
        { k = 1, v = "x" }, { k = 2, v = 5 }, { k = 3, v = true }, { k = 4, v = false }, { k = 5, v = -1 },
      })
      assert.are.same({ 4, 3, 5, 2, 1 }, forms(res:sort("v"), "k"))
      assert.are.same({ 1, 2, 5, 3, 4 }, forms(res:sort("v", true), "k"))
    end)

    it("is stable: rows that tie keep their order, also when descending", function()
      local rows = {}
      for i = 1, 30 do rows[i] = { id = i, group = i % 3 } end
      local res = rt.new({ "id", "group" }, rows)
      local want_up, want_down = {}, {}
      for _, g in ipairs { 0, 1, 2 } do
        for i = 1, 30 do if i % 3 == g then want_up[#want_up + 1] = i end end
      end
      for _, g in ipairs { 2, 1, 0 } do
        for i = 1, 30 do if i % 3 == g then want_down[#want_down + 1] = i end end
      end
      assert.are.same(want_up, forms(res:sort("group"), "id"))
      assert.are.same(want_down, forms(res:sort("group", true), "id"))
    end)

    it("sorts by a less-than function on rows, reversed by descending, stable on ties", function()
      local res = rt.new({ "w" }, { { w = "ccc" }, { w = "a" }, { w = "bb" }, { w = "d" } })
      local shorter = function(a, b) return #a.w < #b.w end
      assert.are.same({ "a", "d", "bb", "ccc" }, forms(res:sort(shorter), "w"))
      assert.are.same({ "ccc", "bb", "a", "d" }, forms(res:sort(shorter, true), "w"))
    end)

    it("raises on an unknown column, naming the columns, and on a bad argument", function()
      local res = freq()
      assert.matches("sort: unknown column 'frq' %(columns: form, freq, per10k%)$", h.error_of(res.sort, res, "frq"))
      assert.matches("bad argument #1 to 'sort' %(column name or function expected, got nil%)",
        h.error_of(res.sort, res))
    end)
  end)

  describe("filter()", function()
    it("keeps the rows for which the function is true, with their index, in a new result", function()
      local res = freq()
      local seen = {}
      local kept = res:filter(function(row, i)
        seen[#seen + 1] = i
        return row.freq >= 80
      end)
      assert.are.same({ "och", "är" }, forms(kept))
      assert.are.same({ 1, 2, 3 }, seen)
      assert.are.equal(3, #res)
      assert.are.equal("frequency list", kept.meta.title)
    end)

    it("raises without a function", function()
      local res = freq()
      assert.matches("bad argument #1 to 'filter' %(function expected, got string%)", h.error_of(res.filter, res, "x"))
    end)
  end)

  describe("text(), tostring() and print()", function()
    it("aligns text left and numbers right, counting Swedish letters as one column", function()
      local res = rt.new({ "form", "freq", "per10k" }, {
        { form = "ångström", freq = 3, per10k = 1.5 },
        { form = "är", freq = 1200, per10k = 12.25 },
        { form = "ö", freq = 7, per10k = 100 },
      }, { title = "frequency list" })
      assert.are.equal(table.concat({
        "frequency list",
        "form      freq  per10k",
        "ångström     3    1.50",
        "är        1200   12.25",
        "ö            7  100.00",
      }, "\n"), tostring(res))
    end)

    it("shows no title line without a title, and a header wider than its cells", function()
      local res = rt.new({ "speaker", "turns" }, { { speaker = "Å", turns = 2 } })
      assert.are.equal("speaker  turns\nÅ            2", res:text())
    end)

    it("gives a column of floats 2 to 4 decimals, enough for its smallest value", function()
      local function column(values)
        local rows = {}
        for i, v in ipairs(values) do rows[i] = { x = v } end
        local lines = {}
        for line in (rt.new({ "x" }, rows):text() .. "\n"):gmatch("(.-)\n") do lines[#lines + 1] = line end
        table.remove(lines, 1)
        return lines
      end
      assert.are.same({ "12.50", " 0.10" }, column { 12.5, 0.1 })
      assert.are.same({ "12.500", " 0.050" }, column { 12.5, 0.05 })
      assert.are.same({ "0.0034", "1.0000" }, column { 0.0034, 1.0 })
      assert.are.same({ "1.23e-07", "  0.5000", "  0.0010" }, column { 1.23e-7, 0.5, 0.001 })
    end)

    it("writes integers and integral floats plainly, and inf, -inf, nan and missing cells", function()
      local res = rt.new({ "n", "g2", "mi" }, {
        { n = 3, g2 = math.huge, mi = 2.0 },
        { n = 10.0, g2 = -math.huge, mi = 0 / 0 },
        { g2 = 1.25, mi = 4.0 },
      })
      assert.are.equal(table.concat({
        " n    g2   mi",
        " 3   inf    2",
        "10  -inf  nan",
        " -  1.25    4",
      }, "\n"), res:text())
    end)

    it("shows line breaks and tabs as escapes and cuts long text with an ellipsis", function()
      local long = ("å"):rep(50)
      local res = rt.new({ "t", "n" }, { { t = "a\nb\tc", n = 1 }, { t = long, n = 2 } })
      assert.are.equal(table.concat({
        "t" .. (" "):rep(39) .. "  n",
        "a\\nb\\tc" .. (" "):rep(33) .. "  1",
        ("å"):rep(39) .. "…  2",
      }, "\n"), res:text())
    end)

    it("shows 20 rows by default, then a line counting the rest", function()
      local rows = {}
      for i = 1, 1254 do rows[i] = { rank = i } end
      local lines = {}
      for line in (tostring(rt.new({ "rank" }, rows)) .. "\n"):gmatch("(.-)\n") do lines[#lines + 1] = line end
      assert.are.equal(22, #lines)
      assert.are.equal("rank", lines[1])
      assert.are.equal("  20", lines[21])
      assert.are.equal("… 1234 more rows", lines[22])
    end)

    it("shows n rows when asked, all with math.huge, and says 'row' for one", function()
      local res = freq()
      assert.are.equal("frequency list\nform  freq  per10k\noch    120  345.25\n… 2 more rows", res:text(1))
      assert.are.equal("frequency list\nform  freq  per10k\noch    120  345.25\när      80  230.50\n… 1 more row",
        res:text(2))
      assert.are.equal("frequency list\nform  freq  per10k\n… 3 more rows", res:text(0))
      assert.are.equal(tostring(res), res:text(math.huge))
    end)

    it("shows the header and (no rows) for an empty result", function()
      assert.are.equal("keywords\nform  keyness\n(no rows)",
        tostring(rt.new({ "form", "keyness" }, {}, { title = "keywords" })))
    end)

    it("print(n) prints text(n)", function()
      local res = freq()
      local printed = {}
      local saved = _G.print
      _G.print = function(s) printed[#printed + 1] = s end
      local ok, err = pcall(res.print, res, 1)
      res:print()
      _G.print = saved
      assert(ok, err)
      assert.are.same({ res:text(1), res:text() }, printed)
    end)

    it("raises on a bad row count and on a cell that is a table", function()
      local res = freq()
      assert.matches("bad argument #1 to 'text' %(non%-negative integer expected, got %-2%)", h.error_of(res.text, res, -2))
      assert.matches("bad argument #1 to 'print'", h.error_of(res.print, res, "all"))
      local bad = rt.new({ "a" }, { { a = {} } })
      assert.matches("text: row 1, column 'a' holds a table", h.error_of(bad.text, bad))
    end)
  end)
  describe("rt.lazy", function()
    local rows = {
      { form = "och", freq = 120, per10k = 345.25 },
      { form = "är", freq = 80, per10k = 230.5 },
      { form = "så", freq = 7, per10k = 20.125 },
    }
    local function lazy()
      local fetched = {}
      local res = rt.lazy({ "form", "freq", "per10k" }, #rows, function(i)
        fetched[#fetched + 1] = i
        local r = rows[i]
        return { form = r.form, freq = r.freq, per10k = r.per10k }
      end, { title = "frequency list", measure = "per10k" })
      return res, fetched
    end

    it("makes a row only when it is read, once", function()
      local res, fetched = lazy()
      assert.are.equal(3, #res)
      assert.are.same({}, fetched)
      assert.are.equal("är", res[2].form)
      assert.are.equal("är", res[2].form)
      assert.are.same({ 2 }, fetched)
      assert.is_nil(res[4])
      assert.is_nil(res[0])
      assert.is_true(rt.is(res))
    end)

    it("prints, writes and derives exactly as the same rows given to rt.new", function()
      local eager = freq()
      assert.are.equal(tostring(eager), tostring((lazy())))
      assert.are.equal(eager:csv(), (lazy()):csv())
      assert.are.equal(eager:json(), (lazy()):json())
      assert.are.equal(eager:sort("freq"):csv(), (lazy()):sort("freq"):csv())
      assert.are.equal(eager:head(2):tsv(), (lazy()):head(2):tsv())
      local n = 0
      for _, row in ipairs((lazy())) do n = n + row.freq end
      assert.are.equal(207, n)
    end)

    it("checks its arguments", function()
      assert.matches("row count expected", h.error_of(rt.lazy, { "a" }, -1, function() end))
      assert.matches("function expected", h.error_of(rt.lazy, { "a" }, 1, nil))
    end)
  end)
end)
