// Runs one Argo CD style health.lua in a fresh, sandboxed Lua 5.4 state.
//
// Sandbox: base library without dofile/loadfile/print, with text-only load
// and a setmetatable that refuses __gc (finalizers run without hooks); table, string (no dump), math, utf8; os reduced to time/clock/date;
// require only returns those preloaded libraries. No io, no package, no
// debug, no coroutine. A count hook bounds instructions and wall time, a
// capped allocator bounds memory.
//
// Lua reports errors with longjmp, so every function Lua can unwind through
// (hooks, C functions, the protected setup) keeps only trivially
// destructible locals.
#include <lua5.4/lua.hpp>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>

#include "health/health.h"

namespace capstan::health {

namespace {

using Clock = std::chrono::steady_clock;

enum class Abort { kNone, kInstructions, kTime, kClosed };

// Per-run state, reachable from the allocator's user data.
struct RunState {
  size_t used = 0;
  size_t limit = 0;
  bool memory_exceeded = false;
  uint64_t instructions = 0;
  uint64_t max_instructions = 0;
  Clock::time_point deadline;
  Abort abort = Abort::kNone;
  const yaml::Node* obj = nullptr;
  const char* code = nullptr;
  size_t code_len = 0;
  const char* chunkname = nullptr;
};

constexpr int kHookEvery = 1000;

void* Alloc(void* ud, void* ptr, size_t osize, size_t nsize) {
  auto* st = static_cast<RunState*>(ud);
  size_t old = ptr != nullptr ? osize : 0;  // for new blocks osize is a type tag
  if (nsize == 0) {
    std::free(ptr);
    st->used -= old;
    return nullptr;
  }
  if (nsize > old && st->used + (nsize - old) > st->limit) {
    st->memory_exceeded = true;
    return nullptr;
  }
  void* p = std::realloc(ptr, nsize);
  if (p == nullptr) return nullptr;
  st->used = st->used - old + nsize;
  return p;
}

RunState* StateOf(lua_State* L) {
  void* ud = nullptr;
  lua_getallocf(L, &ud);
  return static_cast<RunState*>(ud);
}

void Hook(lua_State* L, lua_Debug*) {
  RunState* st = StateOf(L);
  if (st->abort == Abort::kNone) {
    st->instructions += kHookEvery;
    if (st->instructions > st->max_instructions) {
      st->abort = Abort::kInstructions;
    } else if (Clock::now() > st->deadline) {
      st->abort = Abort::kTime;
    }
  }
  if (st->abort != Abort::kNone) {
    // From now on fail at every instruction, so a script that catches the
    // error with pcall cannot run on.
    lua_sethook(L, Hook, LUA_MASKCOUNT, 1);
    lua_pushliteral(L, "health script aborted");
    lua_error(L);
  }
}

// --- Lua-visible functions -----------------------------------------------

int NoopPrint(lua_State*) { return 0; }

// require(name) for the preloaded libraries only; never touches files.
int SafeRequire(lua_State* L) {
  const char* name = luaL_checkstring(L, 1);
  if (std::strcmp(name, "os") == 0 || std::strcmp(name, "string") == 0 ||
      std::strcmp(name, "table") == 0 || std::strcmp(name, "math") == 0 ||
      std::strcmp(name, "utf8") == 0) {
    lua_getglobal(L, name);
    return 1;
  }
  return luaL_error(L, "module '%s' not found: the health script sandbox has no module loader",
                    name);
}

// setmetatable that refuses __gc: Lua runs finalizers with hooks turned off,
// so a looping finalizer could never be stopped. (Only tables get
// metatables from Lua code, and only at setmetatable time does Lua mark an
// object for finalization.)
int SafeSetmetatable(lua_State* L) {
  if (lua_type(L, 2) == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    int t = lua_rawget(L, 2);
    lua_pop(L, 1);
    if (t != LUA_TNIL) return luaL_error(L, "__gc metamethods are not allowed in health scripts");
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

// tostring that prints whole floats without ".0", as Lua 5.1 (and the
// gopher-lua VM Argo CD uses, where every number is a float64) does.
int CompatToString(lua_State* L) {
  luaL_checkany(L, 1);
  if (lua_type(L, 1) == LUA_TNUMBER && !lua_isinteger(L, 1)) {
    lua_Number n = lua_tonumber(L, 1);
    if (n == static_cast<lua_Number>(static_cast<long long>(n)) && n > -9.0e15 && n < 9.0e15) {
      lua_pushfstring(L, "%I", static_cast<LUAI_UACINT>(static_cast<long long>(n)));
      return 1;
    }
  }
  luaL_tolstring(L, 1, nullptr);
  return 1;
}

// Lua 5.1 compatibility and the sandboxed loaders, in Lua.
constexpr char kPrelude[] = R"lua(
local _load = load
load = function(chunk, name, mode, ...)
  if select('#', ...) > 0 then return _load(chunk, name, "t", ...) end
  return _load(chunk, name, "t")
end
loadstring = function(s, name) return _load(s, name, "t") end
unpack = table.unpack
table.getn = function(t) return #t end
table.maxn = function(t)
  local m = 0
  for k in pairs(t) do if type(k) == "number" and k > m then m = k end end
  return m
end
math.pow = function(x, y) return x ^ y end
math.mod = math.fmod
math.log10 = function(x) return math.log(x, 10) end
math.ldexp = function(m, e) return m * 2.0 ^ e end
string.gfind = string.gmatch
)lua";

void PushNode(lua_State* L, const yaml::Node& n) {
  luaL_checkstack(L, 4, "object too deeply nested");
  switch (n.kind) {
    case yaml::Kind::kNull:
      lua_pushnil(L);
      return;
    case yaml::Kind::kScalar:
      if (n.IsBool()) {
        lua_pushboolean(L, n.AsBool());
      } else if (n.IsInt()) {
        // Integers beyond int64 fall back to a float, as JSON numbers do.
        char* end = nullptr;
        errno = 0;
        long long v = std::strtoll(n.value.c_str(), &end, 10);
        if (errno == 0 && end != nullptr && *end == '\0') {
          lua_pushinteger(L, v);
        } else {
          lua_pushnumber(L, static_cast<lua_Number>(n.AsFloat(n.AsInt())));
        }
      } else if (n.IsFloat()) {
        lua_pushnumber(L, n.AsFloat());
      } else {
        lua_pushlstring(L, n.value.data(), n.value.size());
      }
      return;
    case yaml::Kind::kSequence: {
      lua_createtable(L, static_cast<int>(n.items.size()), 0);
      lua_Integer i = 0;
      for (const yaml::Node& item : n.items) {
        if (item.IsNull()) continue;  // Argo CD's converter drops nulls from arrays
        PushNode(L, item);
        lua_rawseti(L, -2, ++i);
      }
      return;
    }
    case yaml::Kind::kMapping:
      lua_createtable(L, 0, static_cast<int>(n.fields.size()));
      for (const yaml::Field& f : n.fields) {
        if (f.value.IsNull()) continue;
        lua_pushlstring(L, f.key.value.data(), f.key.value.size());
        PushNode(L, f.value);
        lua_rawset(L, -3);
      }
      return;
  }
  lua_pushnil(L);
}

void OpenLib(lua_State* L, const char* name, lua_CFunction open) {
  luaL_requiref(L, name, open, 1);
  lua_pop(L, 1);
}

// Protected setup: libraries, sandbox, `obj`, and the compiled script left
// on the stack.
int Setup(lua_State* L) {
  RunState* st = static_cast<RunState*>(lua_touserdata(L, 1));
  OpenLib(L, LUA_GNAME, luaopen_base);
  OpenLib(L, LUA_TABLIBNAME, luaopen_table);
  OpenLib(L, LUA_STRLIBNAME, luaopen_string);
  OpenLib(L, LUA_MATHLIBNAME, luaopen_math);
  OpenLib(L, LUA_UTF8LIBNAME, luaopen_utf8);

  // os: only time, clock and date, taken from the real library.
  luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 0);
  lua_createtable(L, 0, 3);
  for (const char* fn : {"time", "clock", "date"}) {
    lua_getfield(L, -2, fn);
    lua_setfield(L, -2, fn);
  }
  lua_setglobal(L, LUA_OSLIBNAME);
  lua_pop(L, 1);

  for (const char* fn : {"dofile", "loadfile"}) {
    lua_pushnil(L);
    lua_setglobal(L, fn);
  }
  lua_pushcfunction(L, NoopPrint);
  lua_setglobal(L, "print");
  lua_pushcfunction(L, SafeRequire);
  lua_setglobal(L, "require");
  lua_getglobal(L, "setmetatable");
  lua_pushcclosure(L, SafeSetmetatable, 1);
  lua_setglobal(L, "setmetatable");
  lua_pushcfunction(L, CompatToString);
  lua_setglobal(L, "tostring");
  lua_getglobal(L, LUA_STRLIBNAME);
  lua_pushnil(L);
  lua_setfield(L, -2, "dump");
  lua_pop(L, 1);

  if (luaL_loadbufferx(L, kPrelude, sizeof kPrelude - 1, "=prelude", "t") != LUA_OK) {
    return lua_error(L);
  }
  lua_call(L, 0, 0);

  PushNode(L, *st->obj);
  lua_setglobal(L, "obj");

  if (luaL_loadbufferx(L, st->code, st->code_len, st->chunkname, "t") != LUA_OK) {
    return lua_error(L);
  }
  return 1;
}

// Copies the string at `idx` without allocating inside Lua.
std::string StringAt(lua_State* L, int idx) {
  size_t len = 0;
  const char* s = lua_tolstring(L, idx, &len);
  return std::string(s, len);
}

std::string LimitError(Abort abort, const LuaLimits& limits, const std::string& source) {
  if (abort == Abort::kInstructions) {
    return source + ": health script exceeded its limit of " +
           std::to_string(limits.max_instructions) + " Lua instructions";
  }
  if (abort == Abort::kTime) {
    return source + ": health script timed out after " + std::to_string(limits.timeout.count()) +
           "ms";
  }
  return source + ": health script exceeded its memory limit of " +
         std::to_string(limits.max_memory_bytes >> 20) + " MiB";
}

}  // namespace

LuaResult RunHealthScript(const LuaScript& script, const yaml::Node& obj, const LuaLimits& limits) {
  LuaResult result;
  const std::string& source = script.source.empty() ? std::string("health.lua") : script.source;
  // An empty chunk name makes Lua write ":<line>: <msg>"; the full source
  // (a path or ConfigMap key, often longer than Lua's 60-byte chunk ids) is
  // put in front below.
  std::string chunkname = "=";

  RunState st;
  st.limit = limits.max_memory_bytes;
  st.max_instructions = limits.max_instructions;
  st.deadline = Clock::now() + limits.timeout;
  st.obj = &obj;
  st.code = script.code.data();
  st.code_len = script.code.size();
  st.chunkname = chunkname.c_str();

  lua_State* L = lua_newstate(Alloc, &st);
  if (L == nullptr) {
    result.error = LimitError(Abort::kNone, limits, source);
    return result;
  }

  lua_pushcfunction(L, Setup);
  lua_pushlightuserdata(L, &st);
  int rc = lua_pcall(L, 1, 1, 0);
  if (rc == LUA_OK) {
    lua_sethook(L, Hook, LUA_MASKCOUNT, kHookEvery);
    int base = lua_gettop(L) - 1;  // below the script function
    rc = lua_pcall(L, 0, LUA_MULTRET, 0);
    if (rc == LUA_OK && lua_gettop(L) == base) lua_pushnil(L);  // returned nothing
  }
  // Any Lua code that would still run, such as __gc finalizers at lua_close,
  // stops at its first instruction.
  Abort run_abort = st.abort;
  st.abort = Abort::kClosed;
  lua_sethook(L, Hook, LUA_MASKCOUNT, 1);
  // Reading the result must not fail for lack of memory.
  st.limit = static_cast<size_t>(-1);

  if (rc != LUA_OK) {
    if (run_abort != Abort::kNone || (rc == LUA_ERRMEM && st.memory_exceeded)) {
      result.error = LimitError(run_abort, limits, source);
    } else if (lua_type(L, -1) == LUA_TSTRING) {
      std::string msg = StringAt(L, -1);
      result.error = source + (msg.rfind(":", 0) == 0 ? "" : ": ") + msg;
    } else {
      result.error = source + ": health script raised a " +
                     std::string(luaL_typename(L, -1)) + " value as error";
    }
    lua_close(L);
    return result;
  }

  if (lua_type(L, -1) != LUA_TTABLE) {
    result.error = source + ": expect table output from Lua script, not " +
                   std::string(luaL_typename(L, -1));
    lua_close(L);
    return result;
  }
  // Argo CD reads the table as JSON {status, message}: both must be strings
  // when present; an empty or array-like table is not a health.
  bool have_status = false, any_key = false;
  std::string status, message;
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    any_key = true;
    if (lua_type(L, -2) == LUA_TSTRING) {
      std::string key = StringAt(L, -2);
      if (key == "status" || key == "message") {
        if (lua_type(L, -1) != LUA_TSTRING) {
          result.error = source + ": health script returned a " +
                         std::string(luaL_typename(L, -1)) + " " + key + ", not a string";
          lua_close(L);
          return result;
        }
        (key == "status" ? status : message) = StringAt(L, -1);
        have_status = have_status || key == "status";
      }
    }
    lua_pop(L, 1);
  }
  lua_close(L);
  if (!any_key) {
    result.error = source + ": health script returned an empty table, not {status, message}";
    return result;
  }
  std::optional<Code> code = have_status ? ParseCode(status) : std::nullopt;
  if (!code) {
    result.health = HealthStatus{Code::kUnknown, "Lua returned an invalid health status"};
  } else {
    result.health = HealthStatus{*code, message};
  }
  return result;
}

}  // namespace capstan::health
