-- Drives wrk through a list of paths (bench/load.py writes them, one per line) instead of one
-- URL: `wrk ... -s bench/wrk_paths.lua URL -- FILE [bust]`. With "bust" every request gets a
-- query parameter of its own, so a whole-page cache can never answer it (a cache miss).
dofile("bench/wrk_report.lua")

local paths = {}
local counter = 0
local bust = false
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  bust = args[2] == "bust"
  -- Threads start at different places in the list.
  counter = (thread_id or 1) * 7919 % #paths
end

function request()
  counter = counter + 1
  local path = paths[counter % #paths + 1]
  if bust then
    path = path .. "&nocache=" .. (thread_id or 0) .. "-" .. counter
  end
  return wrk.format("GET", path)
end
