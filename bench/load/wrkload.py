"""wrk, the load generator of the load benchmark (bench/load/run.py): its Lua scripts and the
parsing of what they print.

The scripts are written at run time into a temporary folder. Each ends with LUA_DONE, whose
`done()` hook prints one line `WRKJSON {...}`: requests, duration, bytes, socket and status
errors, latency percentiles (µs) and, when the script has LUA_COUNT_STATUSES's `response()` hook,
the count of every HTTP status.

- lua_ingest: POST /api/v1/channels/api/{inbox_id}/messages with an API token, body
  `{"contact": {"external_id", "name"}, "text"}`, one of CONTACTS external ids and a text of
  10-40 words drawn in Lua from the same corpus as common.make_text.
- lua_get: GET over a list of paths, round robin, with an optional bearer token (no
  `response()` hook, so wrk stays cheap; non-2xx come from wrk's status-error count).
- run_wrk: runs one step (threads = min(connections, 2), `--timeout 30s`) and returns the
  figures: requests, 2xx and others, rate of 2xx per second, p50/p90/p99/p99.9/max/mean in ms.
"""

import json
import subprocess
from pathlib import Path

from common import CONTACTS, RARE_EVERY, RARE_WORDS, VOCAB, WRK


def lua_list(items):
    return "{" + ",".join(json.dumps(x) for x in items) + "}"


LUA_DONE = r"""
local threads = {}
local thread_count = 0
function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_id", thread_count)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local statuses = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    if s then
      for k, v in pairs(s) do statuses[tostring(k)] = (statuses[tostring(k)] or 0) + v end
    end
  end
  local parts = {}
  for k, v in pairs(statuses) do table.insert(parts, string.format('"%s":%d', k, v)) end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"min":%d,"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d},' ..
    '"statuses":{%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.max,
    table.concat(parts, ",")))
end
"""

LUA_COUNT_STATUSES = r"""
statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
"""


def lua_ingest(path, token):
    return f"""
local vocab = {lua_list(VOCAB)}
local rare = {lua_list(RARE_WORDS)}
local nv, nr = #vocab, #rare
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
local path = "{path}"

function init(args)
  math.randomseed(os.time() * 1000 + (thread_id or 0) * 7919)
end

function request()
  local n = math.random(10, 40)
  local words = {{}}
  for i = 1, n do
    if math.random({RARE_EVERY}) == 1 then
      words[i] = rare[math.random(nr)]
    else
      local r = math.random()
      words[i] = vocab[math.floor(nv * r * r) + 1]
    end
  end
  local c = math.random({CONTACTS}) - 1
  local body = '{{"contact":{{"external_id":"bench-' .. c .. '","name":"Customer ' .. c .. '"}},"text":"' ..
    table.concat(words, " ") .. '"}}'
  return wrk.format(nil, path, nil, body)
end
""" + LUA_COUNT_STATUSES + LUA_DONE


def lua_get(paths, token=None):
    auth = f'wrk.headers["Authorization"] = "Bearer {token}"\n' if token else ""
    return f"""
{auth}local paths = {lua_list(paths)}
local i = 0
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
""" + LUA_DONE


def run_wrk(workdir, name, url, lua, connections, secs):
    script = Path(workdir) / f"{name}.lua"
    script.write_text(lua)
    threads = min(connections, 2)
    cmd = [WRK, "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(secs))}s", "--timeout", "30s",
           "-s", str(script), url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=secs + 120)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no figures for {name}: rc={out.returncode}\n{out.stdout}\n{out.stderr}")
    r = json.loads(line[len("WRKJSON "):])
    secs_run = r["duration_us"] / 1e6
    if r["statuses"]:
        ok = sum(v for k, v in r["statuses"].items() if k.startswith("2"))
    else:
        ok = r["requests"] - r["errors"]["status"]
    lat = r["latency_us"]
    return {
        "connections": connections, "threads": threads, "seconds": secs_run,
        "requests": r["requests"], "ok_2xx": ok, "not_2xx": r["requests"] - ok,
        "statuses": r["statuses"], "socket_errors": {k: v for k, v in r["errors"].items() if k != "status"},
        "rate_per_sec": ok / secs_run if secs_run else None,
        "p50_ms": lat["p50"] / 1000, "p90_ms": lat["p90"] / 1000, "p99_ms": lat["p99"] / 1000,
        "p999_ms": lat["p999"] / 1000, "max_ms": lat["max"] / 1000, "mean_ms": lat["mean"] / 1000,
    }
