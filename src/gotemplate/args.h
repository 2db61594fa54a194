// Argument helpers for template functions: Go's parameter type checks and
// sprig's loose conversions (cast.ToInt64, strval, ...).
#ifndef CAPSTAN_GOTEMPLATE_ARGS_H_
#define CAPSTAN_GOTEMPLATE_ARGS_H_

#include <string>
#include <vector>

#include "gotemplate/template.h"
#include "gotemplate/value.h"

namespace capstan::gotemplate {

// "wrong number of args for NAME: want N got M" unless min <= n <= max.
void WantArgs(const char* name, const std::vector<Value>& args, size_t min, size_t max);
inline void WantArgs(const char* name, const std::vector<Value>& args, size_t n) { WantArgs(name, args, n, n); }

// A string parameter: strings only (Go's reflect check).
const std::string& StrArg(const std::vector<Value>& args, size_t i);
// An int parameter: any integer value (Go would reject int64 for int; be lenient).
int64_t IntArg(const std::vector<Value>& args, size_t i);
// A []interface{} parameter (or nil -> empty).
std::shared_ptr<List> ListArg(const std::vector<Value>& args, size_t i);
// A map[string]interface{} parameter.
std::shared_ptr<Map> MapArg(const std::vector<Value>& args, size_t i);

// sprig strval: strings as is, []byte as string, else fmt %v ("<nil>" for nil).
std::string StrVal(const Value& v);
// cast.ToInt64 / ToFloat64 / ToString (errors become 0 / "").
int64_t ToInt64(const Value& v);
double ToFloat64(const Value& v);
// sprig's list conversion for functions taking `interface{}` lists.
bool AsList(const Value& v, List* out);
// Go's strconv.Quote.
std::string GoQuote(std::string_view s);

}  // namespace capstan::gotemplate

#endif  // CAPSTAN_GOTEMPLATE_ARGS_H_
