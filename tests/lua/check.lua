-- check.lua: assertion helpers shared by the Lua tests (tests/lua/test_*.lua).
local M = { passed = 0, failed = 0 }

local function fmt(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end

function M.eq(got, want, what)
  if got == want then M.passed = M.passed + 1; return end
  M.failed = M.failed + 1
  io.stderr:write(debug.traceback(string.format("FAIL %s: got %s, wanted %s",
    what or "", fmt(got), fmt(want)), 2), "\n")
end

function M.ok(v, what)
  M.eq(not not v, true, what)
end

-- Expects f(...) to raise an error whose message contains `pattern` (plain).
function M.raises(pattern, f, ...)
  local ok, err = pcall(f, ...)
  if not ok and tostring(err):find(pattern, 1, true) then
    M.passed = M.passed + 1
    return
  end
  M.failed = M.failed + 1
  io.stderr:write(debug.traceback(string.format("FAIL: expected an error with %q, got %s",
    pattern, ok and "no error" or fmt(err)), 2), "\n")
end

-- A fresh temporary folder, removed by M.cleanup().
local tmps = {}
function M.tmpdir()
  local p = io.popen("mktemp -d \"${TMPDIR:-/tmp}/ccmig-lua-XXXXXX\"")
  local d = p:read("l")
  p:close()
  tmps[#tmps + 1] = d
  return d
end

function M.cleanup()
  for _, d in ipairs(tmps) do os.execute("rm -rf '" .. d .. "'") end
end

-- Ends the test: prints the tally and exits 1 on any failure.
function M.done()
  collectgarbage()
  M.cleanup()
  print(string.format("%d passed, %d failed", M.passed, M.failed))
  os.exit(M.failed == 0 and 0 or 1)
end

return M
