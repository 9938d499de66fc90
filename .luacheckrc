-- luacheck configuration (make lint)
std = "lua54"
max_line_length = 120
files["spec"] = { std = "+busted", max_line_length = 160 }
-- scripts run by the samtal command, which also provides the global `samtal`
files["scripts"] = { read_globals = { "samtal" } }
files["lua/samtal/repl.lua"] = { globals = { "c" } }
