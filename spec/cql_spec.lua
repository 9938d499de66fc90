-- The query language: every construct parsed to its exact AST, and every kind of syntax error
-- with its message, column (in characters) and caret.
local cql = require "samtal.cql"

--- A plain word: the case-folded form, matched as a wildcard.
local function word(v)
  return { type = "token", cond = { type = "cmp", attr = "lower", op = "=", value = v, match = "wildcard",
    case = false, diacritics = true } }
end

--- A bracket comparison; opts.op, opts.case, opts.diacritics override the defaults.
local function cmp(attr, v, opts)
  opts = opts or {}
  return { type = "cmp", attr = attr, op = opts.op or "=", value = v, match = "regex", case = opts.case ~= false,
    diacritics = opts.diacritics ~= false }
end

local function tok(cond) return { type = "token", cond = cond } end
local function seq(...) return { type = "seq", items = { ... } } end
local function alt(...) return { type = "alt", options = { ... } } end
local function rep(node, min, max) return { type = "repeat", node = node, min = min, max = max } end

local function query(node, within, filters)
  return { type = "query", seq = node, within = within or "turn", filters = filters or {} }
end

--- The message cql.parse raises for q.
local function err(q)
  local ok, e = pcall(cql.parse, q)
  assert.is_false(ok, "no error for " .. q)
  return e
end

--- The expected message: the query echoed, the caret under column col.
local function msg(q, col, what)
  return ("query syntax error at column %d: %s\n  %s\n  %s^"):format(col, what, q, (" "):rep(col - 1))
end

describe("samtal.cql", function()
  describe("parse()", function()
    it("reads a plain word as a wildcard comparison on the folded form", function()
      assert.are.same({
        type = "query",
        seq = { type = "token", cond = { type = "cmp", attr = "lower", op = "=", value = "vård", match = "wildcard",
          case = false, diacritics = true } },
        within = "turn",
        filters = {},
      }, cql.parse("vård"))
    end)

    it("reads words separated by white space as a sequence", function()
      assert.are.same(query(seq(word("nära"), word("vård"))), cql.parse("nära vård"))
      assert.are.same(query(seq(word("det"), word("vill"), word("säga"))), cql.parse("  det\tvill\nsäga  "))
    end)

    it("keeps the wildcards * and ? in the value, anywhere in the word", function()
      assert.are.same(query(seq(word("vård*"), word("*vård"), word("v?rd"))), cql.parse("vård* *vård v?rd"))
      assert.are.same(query(word("*")), cql.parse("*"))
    end)

    it("keeps letters beyond ASCII, digits, colons, hyphens, apostrophes, dots and commas inside a word", function()
      assert.are.same(query(seq(word("SKR:s"), word("3,5"), word("vi-känsla"), word("it's"), word("it’s"),
        word("3.14"), word("ÅNGSTRÖM"))), cql.parse("SKR:s 3,5 vi-känsla it's it’s 3.14 ÅNGSTRÖM"))
    end)

    it("reads punctuation that is no query syntax as a word", function()
      assert.are.same(query(seq(word("ja"), word(","), word("nej"), word("!"))), cql.parse("ja , nej !"))
    end)

    it("reads a word as the plain word `within` unless `turn` or `sentence` follows", function()
      assert.are.same(query(seq(word("stay"), word("within"), word("reach"))), cql.parse("stay within reach"))
      assert.are.same(query(seq(word("within"), word("turnip"))), cql.parse("within turnip"))
    end)

    it("reads [word=\"...\"] as a case-sensitive regular expression on the exact form", function()
      assert.are.same(query(tok(cmp("word", "Nära"))), cql.parse('[word="Nära"]'))
    end)

    it("keeps a regular expression whole, backslashes included", function()
      assert.are.same(query(tok(cmp("lower", "vård.*"))), cql.parse('[lower="vård.*"]'))
      assert.are.same(query(tok(cmp("word", [[3\.14|\d+]]))), cql.parse([=[[word="3\.14|\d+"]]=]))
    end)

    it("reads [kind=...] and [speaker=...] as comparisons like any other", function()
      assert.are.same(query(seq(tok(cmp("kind", "number")), tok(cmp("speaker", "LENA")))),
        cql.parse('[kind="number"] [speaker="LENA"]'))
    end)

    it("takes any attribute name, letters, digits and underscores", function()
      assert.are.same(query(tok(cmp("pos_2", "NN"))), cql.parse('[pos_2="NN"]'))
    end)

    it("reads != as a negated comparison", function()
      assert.are.same(query(tok(cmp("lower", "och", { op = "!=" }))), cql.parse('[lower!="och"]'))
    end)

    it("joins conditions with &", function()
      assert.are.same(query(tok({ type = "and", cmp("lemma", "vård"), cmp("pos", "NN") })),
        cql.parse('[lemma="vård" & pos="NN"]'))
    end)

    it("joins conditions with |, & binding tighter", function()
      assert.are.same(query(tok({ type = "or", cmp("a", "1"), { type = "and", cmp("b", "2"), cmp("c", "3") } })),
        cql.parse('[a="1" | b="2" & c="3"]'))
    end)

    it("nests a chain of the same operator to the left", function()
      assert.are.same(query(tok({ type = "or", { type = "or", cmp("a", "1"), cmp("b", "2") }, cmp("c", "3") })),
        cql.parse('[a="1"|b="2"|c="3"]'))
    end)

    it("negates a condition with ! and groups conditions in parentheses", function()
      assert.are.same(query(tok({ type = "and", { type = "not", { type = "or", cmp("a", "1"), cmp("b", "2") } },
        { type = "not", { type = "not", cmp("c", "3") } } })), cql.parse('[!(a="1" | b="2") & !!c="3"]'))
    end)

    it("reads the flags %c, %d and %cd after a string", function()
      assert.are.same(query(seq(tok(cmp("word", "nara", { case = false })),
        tok(cmp("word", "nara", { diacritics = false })),
        tok(cmp("word", "nara", { case = false, diacritics = false })),
        tok(cmp("word", "nara", { case = false, diacritics = false })))),
        cql.parse('[word="nara"%c] [word="nara"%d] [word="nara"%cd] [word="nara"%dc]'))
    end)

    it("reads [] as any token, with no condition", function()
      assert.are.same(query({ type = "token" }), cql.parse("[]"))
      assert.are.same(query(seq(tok(), tok())), cql.parse("[ ][]"))
    end)

    it("reads single-quoted strings and a backslash before the closing quote", function()
      assert.are.same(query(seq(tok(cmp("word", "it's")), tok(cmp("word", 'sa "hej"')))),
        cql.parse([=[[word='it\'s'] [word="sa \"hej\""]]=]))
    end)

    it("allows white space around names, operators and values in brackets", function()
      assert.are.same(query(tok({ type = "and", cmp("lower", "x"), cmp("kind", "word", { op = "!=" }) })),
        cql.parse('[ lower = "x"  &\tkind != "word" ]'))
    end)

    it("reads a bare string as [word=\"...\"], flags included", function()
      assert.are.same(query(seq(tok(cmp("word", "Nära")), tok(cmp("word", "vård", { case = false })))),
        cql.parse('"Nära" "vård"%c'))
    end)

    it("reads a gap of optional tokens, []{0,2}", function()
      assert.are.same(query(seq(word("nära"), rep(tok(), 0, 2), word("vård"))), cql.parse("nära []{0,2} vård"))
    end)

    it("reads a sequence of bracket tokens with alternatives in a regular expression", function()
      assert.are.same(query(seq(tok(cmp("lower", "vi")), tok(cmp("lower", "måste|behöver")))),
        cql.parse('[lower="vi"] [lower="måste|behöver"]'))
    end)

    it("reads a group of alternatives", function()
      assert.are.same(query(seq(alt(word("a"), word("b")), word("c"))), cql.parse("(a | b) c"))
    end)

    it("reads alternatives of phrases", function()
      assert.are.same(query(alt(seq(word("nära"), word("vård")), seq(word("god"), word("vård")))),
        cql.parse("(nära vård | god vård)"))
    end)

    it("reads alternatives without parentheses, binding looser than the sequence", function()
      assert.are.same(query(alt(seq(word("nära"), word("vård")), word("omsorg"))), cql.parse("nära vård|omsorg"))
    end)

    it("returns a one-item group as its item", function()
      assert.are.same(query(word("a")), cql.parse("((a))"))
    end)

    it("splices a group of a sequence into the sequence around it", function()
      assert.are.same(query(seq(word("a"), word("b"), word("c"))), cql.parse("(a b) c"))
    end)

    it("splices nested alternatives into one", function()
      assert.are.same(query(alt(word("a"), word("b"), word("c"))), cql.parse("(a | b) | c"))
    end)

    it("reads ?, * and + after a token", function()
      assert.are.same(query(seq(word("x"), rep(tok(), 0, 1), rep(tok(), 0), rep(tok(cmp("kind", "word")), 1))),
        cql.parse('x []? []* [kind="word"]+'))
    end)

    it("reads {n}, {n,m}, {n,} and {,m}", function()
      assert.are.same(query(seq(rep(tok(), 2, 2), rep(tok(), 1, 3), rep(tok(), 2), rep(tok(), 0, 4))),
        cql.parse("[]{2} []{1,3} []{2,} []{,4}"))
    end)

    it("allows white space before and inside braces", function()
      assert.are.same(query(seq(word("nära"), rep(tok(), 0, 2))), cql.parse("nära [] { 0 , 2 }"))
    end)

    it("repeats a group", function()
      assert.are.same(query(seq(word("a"), rep(seq(word("b"), word("c")), 1), rep(alt(word("d"), word("e")), 0, 1))),
        cql.parse("a (b c)+ (d|e)?"))
    end)

    it("reads ? and * in a plain word as wildcards, and + or braces after it as repetition", function()
      assert.are.same(query(seq(word("vård?"), rep(word("a"), 0, 1), rep(word("vård*"), 1), rep(word("ja"), 2, 2))),
        cql.parse("vård? (a)? vård*+ ja{2}"))
    end)

    it("reads events as comparisons on kind and event", function()
      assert.are.same(query(seq(tok(cmp("kind", "event")), tok(cmp("event", "skratt")))),
        cql.parse('[kind="event"] [event="skratt"]'))
    end)

    it("takes within sentence, and within turn as the default", function()
      assert.are.same(query(seq(word("nära"), word("vård")), "sentence"), cql.parse("nära vård within sentence"))
      assert.are.same(query(word("nära"), "turn"), cql.parse("nära within   turn"))
      assert.are.same(query(word("nära"), "turn"), cql.parse("nära"))
    end)

    it("reads an @speaker filter", function()
      assert.are.same(query(word("nära"), "turn", { { field = "speaker", op = "=", value = "LENA" } }),
        cql.parse('nära @speaker = "LENA"'))
    end)

    it("reads @doc, any metadata field, and !=", function()
      assert.are.same(query(word("x"), "turn", {
        { field = "doc", op = "=", value = "000_e744d110473e4ebd.txt" },
        { field = "title", op = "!=", value = "Avsnitt 3" },
      }), cql.parse([[x @doc="000_e744d110473e4ebd.txt" @title!='Avsnitt 3']]))
    end)

    it("combines filters with & or side by side, in the order written", function()
      local want = query(word("x"), "turn", { { field = "speaker", op = "=", value = "A" },
        { field = "doc", op = "=", value = "d" }, { field = "title", op = "=", value = "t" } })
      assert.are.same(want, cql.parse('x @speaker="A" & @doc="d" @title="t"'))
    end)

    it("takes within and the filters in any order", function()
      local want = query(seq(word("nära"), word("vård")), "sentence",
        { { field = "speaker", op = "=", value = "LENA" }, { field = "doc", op = "!=", value = "x" } })
      assert.are.same(want, cql.parse('nära vård within sentence @speaker = "LENA" @doc!="x"'))
      assert.are.same(want, cql.parse('nära vård @speaker = "LENA" within sentence & @doc!="x"'))
      assert.are.same(want, cql.parse('nära vård @speaker="LENA"&@doc!="x" within sentence'))
    end)

    it("reads tokens written without space between them", function()
      assert.are.same(query(seq(tok(), word("vård"), tok(cmp("kind", "word")), alt(word("a"), word("b")))),
        cql.parse('[]vård[kind="word"](a|b)'))
    end)

    it("raises on a value that is no string", function()
      assert.has_error(function() cql.parse(42) end, "bad argument #1 to 'parse' (string expected, got number)")
    end)
  end)

  describe("parse() errors", function()
    it("quotes the query and puts a caret under the column", function()
      assert.are.equal("query syntax error at column 13: expected ']' to close the '[' at column 1\n"
        .. '  [word="nära"\n'
        .. "              ^", err('[word="nära"'))
    end)

    it("counts columns in characters, not bytes", function()
      assert.are.equal("query syntax error at column 12: unclosed string (no closing \")\n"
        .. '  säga [word="nära\n'
        .. "             ^", err('säga [word="nära'))
      assert.are.equal(msg("åäö ö]", 6, "unexpected ']' (no '[' to close)"), err("åäö ö]"))
    end)

    it("names the opening bracket of an unclosed one", function()
      assert.are.equal(msg('a [word="x" & lower="y"', 24, "expected ']' to close the '[' at column 3"),
        err('a [word="x" & lower="y"'))
    end)

    it("points at the opening quote of an unclosed string", function()
      assert.are.equal(msg('[word="nära]', 7, 'unclosed string (no closing ")'), err('[word="nära]'))
      assert.are.equal(msg("[a='x]", 4, "unclosed string (no closing ')"), err("[a='x]"))
      assert.are.equal(msg('vård "nära', 6, 'unclosed string (no closing ")'), err('vård "nära'))
      assert.are.equal(msg('[word="a\\', 7, 'unclosed string (no closing ")'), err('[word="a\\'))
    end)

    it("raises on an unknown operator", function()
      assert.are.equal(msg('[word~"x"]', 6, "unknown operator '~' (use = or !=)"), err('[word~"x"]'))
      assert.are.equal(msg('[word=="x"]', 6, "unknown operator '==' (use = or !=)"), err('[word=="x"]'))
      assert.are.equal(msg('x @doc<>"y"', 7, "unknown operator '<>' (use = or !=)"), err('x @doc<>"y"'))
    end)

    it("raises on a missing operator", function()
      assert.are.equal(msg('[word "x"]', 7, "expected '=' or '!=' after the attribute name"), err('[word "x"]'))
    end)

    it("raises on a missing or unquoted value", function()
      assert.are.equal(msg("[word=]", 7, "expected a value in quotes"), err("[word=]"))
      assert.are.equal(msg("[ord!= nära]", 8, "expected a value in quotes"), err("[ord!= nära]"))
    end)

    it("raises on an empty query", function()
      assert.are.equal(msg("", 1, "empty query"), err(""))
      assert.are.equal(msg("   ", 1, "empty query"), err("   "))
    end)

    it("raises on a repetition whose minimum is greater than its maximum", function()
      assert.are.equal(msg("nära []{3,1}", 8, "repetition {3,1}: the minimum is greater than the maximum"),
        err("nära []{3,1}"))
    end)

    it("raises on a repetition of at most zero times", function()
      assert.are.equal(msg("a []{0}", 5, "repetition {0}: the maximum must be at least 1"), err("a []{0}"))
      assert.are.equal(msg("a []{,0}", 5, "repetition {,0}: the maximum must be at least 1"), err("a []{,0}"))
    end)

    it("raises on a malformed repetition", function()
      assert.are.equal(msg("a []{}", 6, "expected a number in the repetition"), err("a []{}"))
      assert.are.equal(msg("a []{,}", 7, "expected a number in the repetition"), err("a []{,}"))
      assert.are.equal(msg("a []{2", 7, "expected '}' to close the '{' at column 5"), err("a []{2"))
      assert.are.equal(msg("a []{12345678901}", 5, "repetition {12345678901}: counts go up to 999999999"),
        err("a []{12345678901}"))
    end)

    it("raises on a second repetition of the same item", function()
      local what = "an item takes one repetition (put it in parentheses to repeat again)"
      assert.are.equal(msg("[]??", 4, what), err("[]??"))
      assert.are.equal(msg("a []{2} {3}", 9, what), err("a []{2} {3}"))
      assert.are.equal(msg("vård*+*", 7, what), err("vård*+*"))
    end)

    it("raises on a dangling |", function()
      assert.are.equal(msg("nära |", 7, "expected a token after '|'"), err("nära |"))
      assert.are.equal(msg("(a | ) b", 6, "expected a token after '|'"), err("(a | ) b"))
      assert.are.equal(msg("a | within turn", 5, "expected a token after '|'"), err("a | within turn"))
      assert.are.equal(msg("| a", 1, "unexpected '|' (no token before it)"), err("| a"))
      assert.are.equal(msg('[lower="a" | ]', 14, "expected a condition after '|'"), err('[lower="a" | ]'))
    end)

    it("raises on a dangling & or ! in brackets", function()
      assert.are.equal(msg('[lower="a" &]', 13, "expected a condition after '&'"), err('[lower="a" &]'))
      assert.are.equal(msg("[!]", 3, "expected a condition after '!'"), err("[!]"))
      assert.are.equal(msg("[&]", 2, "expected a condition (like word=\"x\") or ']'"), err("[&]"))
    end)

    it("raises on unbalanced parentheses", function()
      assert.are.equal(msg("((a b) c", 9, "expected ')' to close the '(' at column 1"), err("((a b) c"))
      assert.are.equal(msg("a b)", 4, "unexpected ')' (no '(' to close)"), err("a b)"))
      assert.are.equal(msg('[(lower="a"]', 12, "expected ')' to close the '(' at column 2"), err('[(lower="a"]'))
      assert.are.equal(msg("()", 2, "expected a token"), err("()"))
    end)

    it("raises on text after within or a filter that is neither", function()
      assert.are.equal(msg("nära vård within sentence foo", 27, "expected 'within' or an @ filter, found 'foo'"),
        err("nära vård within sentence foo"))
      assert.are.equal(msg('nära @speaker="LENA" vård', 22, "expected 'within' or an @ filter, found 'vård'"),
        err('nära @speaker="LENA" vård'))
      assert.are.equal(msg("a within turn within sentence", 15, "'within' given twice"),
        err("a within turn within sentence"))
    end)

    it("raises on a query that starts with within or a filter", function()
      assert.are.equal(msg("within turn", 1, "expected a token before 'within'"), err("within turn"))
      assert.are.equal(msg('@speaker="x"', 1, "expected a token before the @ filter"), err('@speaker="x"'))
    end)

    it("raises on a malformed filter", function()
      assert.are.equal(msg("a @ x", 4, "expected a field name after '@'"), err("a @ x"))
      assert.are.equal(msg("a @speaker", 11, "expected '=' or '!=' after the field name"), err("a @speaker"))
      assert.are.equal(msg("a @speaker = LENA", 14, "expected a value in quotes"), err("a @speaker = LENA"))
      assert.are.equal(msg('a @speaker="x" &', 17, "expected 'within' or an @ filter after '&'"), err('a @speaker="x" &'))
    end)

    it("raises on query syntax out of place", function()
      assert.are.equal(msg("nära ] vård", 6, "unexpected ']' (no '[' to close)"), err("nära ] vård"))
      assert.are.equal(msg("a & b", 3, "unexpected '&' (it joins conditions inside [...] or @ filters)"), err("a & b"))
      assert.are.equal(msg('word="x"', 5, "unexpected '=' (a condition goes in brackets: [word=\"...\"])"),
        err('word="x"'))
      assert.are.equal(msg("a + b", 3, "unexpected '+' (a repetition follows its token or group directly)"),
        err("a + b"))
    end)

    it("raises on an unknown flag", function()
      assert.are.equal(msg('[word="x"%q]', 11, "unknown flag 'q' (known: %c, %d)"), err('[word="x"%q]'))
      assert.are.equal(msg('[word="x"%cx]', 12, "unknown flag 'x' (known: %c, %d)"), err('[word="x"%cx]'))
      assert.are.equal(msg('"x"% y', 5, "expected a flag after '%' (c or d)"), err('"x"% y'))
    end)

    it("raises on a query every item of which is optional", function()
      assert.are.equal(msg("  []? (a|b)*", 3, "every item is optional: at least one token must be required"),
        err("  []? (a|b)*"))
    end)

    it("raises on invalid UTF-8", function()
      assert.are.equal(msg("vård caf\xC3", 9, "invalid UTF-8 (byte 0xC3)"), err("vård caf\xC3"))
    end)

    it("shows tabs and newlines as spaces, so the caret stays under its column", function()
      assert.are.equal(msg("a\tb\n)", 5, "unexpected ')' (no '(' to close)"):gsub("a\tb\n", "a b "),
        err("a\tb\n)"))
    end)
  end)

  describe("describe()", function()
    it("writes a query back in canonical form", function()
      assert.are.equal('[lower~"vård*"] []{0,2} [lower~"vård"] within turn',
        cql.describe(cql.parse("vård* []{0,2} vård")))
    end)

    it("writes conditions with flags, and parentheses only where they are needed", function()
      assert.are.equal('[!(a="1" | b!="2") & c="3"%cd & (d="4" & e="5")] within turn',
        cql.describe(cql.parse('[!(a="1" | b!="2") & c="3"%dc & (d="4" & e="5")]')))
    end)

    it("writes alternatives in parentheses and every repetition in its shortest form", function()
      assert.are.equal('([lower~"a"] | [lower~"b"] [lower~"c"]) []? []* []+ []{2} []{2,} []{0,3} ([lower~"d"] []){1,2}'
        .. " within sentence",
        cql.describe(cql.parse("(a | b c) []? []* []+ []{2} []{2,} []{,3} (d []){1,2} within sentence")))
      assert.are.equal('([lower~"a"] | [lower~"b"]) within turn', cql.describe(cql.parse("a|b")))
    end)

    it("writes the filters after the scope", function()
      assert.are.equal('[word="Nära"] within turn @speaker="LENA" @doc!="x"',
        cql.describe(cql.parse('"Nära" @speaker="LENA" @doc!="x"')))
    end)

    it("writes a node or a condition alone", function()
      local ast = cql.parse('[lower="a" | lower="b"]{2}')
      assert.are.equal('[lower="a" | lower="b"]{2}', cql.describe(ast.seq))
      assert.are.equal('lower="a" | lower="b"', cql.describe(ast.seq.node.cond))
    end)
  end)

  describe("error()", function()
    it("raises about a node with a caret under where it starts", function()
      local q = 'nära [lemma="x" & pos="NN"] @title="y"'
      local ast = cql.parse(q)
      local function message(node, what)
        local ok, e = pcall(cql.error, q, node, what)
        assert.is_false(ok)
        return e
      end
      assert.are.equal("query error at column 19: unknown attribute 'pos'\n  " .. q .. "\n  " .. (" "):rep(18) .. "^",
        message(ast.seq.items[2].cond[2], "unknown attribute 'pos'"))
      assert.are.equal("query error at column 29: unknown field\n  " .. q .. "\n  " .. (" "):rep(28) .. "^",
        message(ast.filters[1], "unknown field"))
      assert.are.equal("query error at column 1: no hits\n  " .. q .. "\n  ^", message(nil, "no hits"))
    end)
  end)
end)
