// Lua loads with the first custom health script, not with every capstan
// command (see base/lazy_library.h).

#include "base/lazy_library.h"

// Every Lua C API function the sandbox calls; a missing one fails to link.
//   nm -u libcapstan_health.a | grep -E ' U lua(L|open)?_'
#define CAPSTAN_LUA_FUNCTIONS(X) \
  X(luaopen_base) X(luaopen_math) X(luaopen_os) X(luaopen_string) X(luaopen_table) X(luaopen_utf8) \
  X(luaL_checkany) \
  X(luaL_checklstring) \
  X(luaL_checkstack) \
  X(luaL_error) \
  X(luaL_loadbufferx) \
  X(luaL_requiref) \
  X(luaL_tolstring) \
  X(lua_callk) \
  X(lua_close) \
  X(lua_createtable) \
  X(lua_error) \
  X(lua_getallocf) \
  X(lua_getfield) \
  X(lua_getglobal) \
  X(lua_gettop) \
  X(lua_isinteger) \
  X(lua_newstate) \
  X(lua_next) \
  X(lua_pcallk) \
  X(lua_pushboolean) \
  X(lua_pushcclosure) \
  X(lua_pushfstring) \
  X(lua_pushinteger) \
  X(lua_pushlightuserdata) \
  X(lua_pushlstring) \
  X(lua_pushnil) \
  X(lua_pushnumber) \
  X(lua_pushstring) \
  X(lua_pushvalue) \
  X(lua_rawget) \
  X(lua_rawset) \
  X(lua_rawseti) \
  X(lua_rotate) \
  X(lua_setfield) \
  X(lua_setglobal) \
  X(lua_sethook) \
  X(lua_settop) \
  X(lua_tolstring) \
  X(lua_tonumberx) \
  X(lua_touserdata) \
  X(lua_type) \
  X(lua_typename)

#define CAPSTAN_LUA_STUB(name) CAPSTAN_LAZY_STUB(lua, name)
CAPSTAN_LUA_FUNCTIONS(CAPSTAN_LUA_STUB)

namespace capstan::health {
namespace {

void LoadLua() {
  static base::LazyLibrary lib(CAPSTAN_LUA_SONAME, {CAPSTAN_LUA_FUNCTIONS(CAPSTAN_LAZY_SLOT)},
                               "install the Lua 5.4 runtime package liblua5.4-0");
  lib.Load();
}

}  // namespace
}  // namespace capstan::health

CAPSTAN_LAZY_RESOLVER(lua, capstan::health::LoadLua)
