// values.schema.json validation (the JSON Schema draft-07 keywords charts
// use), with gojsonschema's messages as Helm prints them.
#include <cmath>
#include <regex>

#include "gotemplate/convert.h"
#include "helm/helm.h"

namespace capstan::helm {
namespace {

using gt::Type;
using gt::Value;

std::string TypeOfValue(const Value& v) {
  switch (v.type) {
    case Type::kInvalid: case Type::kNil: return "null";
    case Type::kBool: return "boolean";
    case Type::kInt: case Type::kInt64: return "integer";
    case Type::kFloat: return std::floor(v.f) == v.f && std::isfinite(v.f) ? "integer" : "number";
    case Type::kString: return "string";
    case Type::kList: return "array";
    case Type::kMap: return "object";
    default: return "string";
  }
}

double Num(const Value& v) { return v.type == Type::kFloat ? v.f : static_cast<double>(v.i); }

std::string FormatNum(double d) { return gt::FormatFloatV(d); }

struct Validator {
  const Value& root_schema;
  std::vector<std::string>* errs;
  int depth = 0;

  const Value* Get(const Value& s, const char* k) {
    if (s.type != Type::kMap) return nullptr;
    auto it = s.map->find(k);
    return it == s.map->end() ? nullptr : &it->second;
  }

  Value Resolve(const Value& s) {
    const Value* ref = Get(s, "$ref");
    if (ref == nullptr || ref->type != Type::kString) return s;
    const std::string& r = ref->s;
    if (r.rfind("#/", 0) != 0) return s;
    Value cur = root_schema;
    size_t p = 2;
    while (p <= r.size()) {
      size_t e = r.find('/', p);
      std::string part = r.substr(p, e == std::string::npos ? std::string::npos : e - p);
      const Value* nx = Get(cur, part.c_str());
      if (nx == nullptr) return s;
      cur = *nx;
      if (e == std::string::npos) break;
      p = e + 1;
    }
    return cur;
  }

  void Add(const std::string& path, const std::string& msg) { errs->push_back((path.empty() ? "(root)" : path) + ": " + msg); }

  bool TypeMatches(const std::string& want, const Value& v) {
    std::string t = TypeOfValue(v);
    if (want == t) return true;
    if (want == "number" && t == "integer") return true;
    return false;
  }

  void Validate(const Value& schema_in, const Value& v, const std::string& path) {
    if (++depth > 200) { --depth; return; }
    Value s = Resolve(schema_in);
    if (s.type == Type::kBool) {
      if (!s.b) Add(path, "False always fails validation");
      --depth;
      return;
    }
    if (s.type != Type::kMap) { --depth; return; }
    if (const Value* t = Get(s, "type")) {
      std::vector<std::string> types;
      if (t->type == Type::kString) types.push_back(t->s);
      else if (t->type == Type::kList) for (const auto& x : *t->list) if (x.type == Type::kString) types.push_back(x.s);
      bool ok = types.empty();
      for (const auto& ty : types) if (TypeMatches(ty, v)) ok = true;
      if (!ok) {
        std::string want;
        for (size_t i = 0; i < types.size(); ++i) want += (i ? "/" : "") + types[i];
        Add(path, "Invalid type. Expected: " + want + ", given: " + TypeOfValue(v));
        --depth;
        return;
      }
    }
    if (const Value* e = Get(s, "enum")) {
      if (e->type == Type::kList) {
        bool ok = false;
        for (const auto& x : *e->list) {
          if (gt::ToJson(x) == gt::ToJson(v)) ok = true;
        }
        if (!ok) {
          std::string list;
          for (size_t i = 0; i < e->list->size(); ++i) list += (i ? ", " : "") + gt::ToJson((*e->list)[i]);
          Add(path, "must be one of the following: " + list);
        }
      }
    }
    if (const Value* c = Get(s, "const")) {
      if (gt::ToJson(*c) != gt::ToJson(v)) Add(path, "Does not match: " + gt::ToJson(*c));
    }
    if (v.IsNumber()) {
      double n = Num(v);
      if (const Value* m = Get(s, "minimum"); m && m->IsNumber() && n < Num(*m)) Add(path, "Must be greater than or equal to " + FormatNum(Num(*m)));
      if (const Value* m = Get(s, "maximum"); m && m->IsNumber() && n > Num(*m)) Add(path, "Must be less than or equal to " + FormatNum(Num(*m)));
      if (const Value* m = Get(s, "exclusiveMinimum"); m && m->IsNumber() && n <= Num(*m)) Add(path, "Must be greater than " + FormatNum(Num(*m)));
      if (const Value* m = Get(s, "exclusiveMaximum"); m && m->IsNumber() && n >= Num(*m)) Add(path, "Must be less than " + FormatNum(Num(*m)));
      if (const Value* m = Get(s, "multipleOf"); m && m->IsNumber() && Num(*m) != 0 && std::fmod(n, Num(*m)) != 0) Add(path, "Must be a multiple of " + FormatNum(Num(*m)));
    }
    if (v.type == Type::kString) {
      size_t runes = 0;
      for (unsigned char c : v.s) runes += (c & 0xC0) != 0x80;
      if (const Value* m = Get(s, "minLength"); m && m->IsNumber() && runes < Num(*m)) Add(path, "String length must be greater than or equal to " + FormatNum(Num(*m)));
      if (const Value* m = Get(s, "maxLength"); m && m->IsNumber() && runes > Num(*m)) Add(path, "String length must be less than or equal to " + FormatNum(Num(*m)));
      if (const Value* p = Get(s, "pattern"); p && p->type == Type::kString) {
        try {
          if (!std::regex_search(v.s, std::regex(p->s, std::regex::ECMAScript))) Add(path, "Does not match pattern '" + p->s + "'");
        } catch (const std::regex_error&) {
        }
      }
    }
    if (v.type == Type::kList) {
      if (const Value* m = Get(s, "minItems"); m && m->IsNumber() && v.list->size() < Num(*m)) Add(path, "Array must have at least " + FormatNum(Num(*m)) + " items");
      if (const Value* m = Get(s, "maxItems"); m && m->IsNumber() && v.list->size() > Num(*m)) Add(path, "Array must have at most " + FormatNum(Num(*m)) + " items");
      if (const Value* it = Get(s, "items"); it && it->type == Type::kMap) {
        for (size_t i = 0; i < v.list->size(); ++i) Validate(*it, (*v.list)[i], (path.empty() ? "" : path + ".") + std::to_string(i));
      }
    }
    if (v.type == Type::kMap) {
      if (const Value* r = Get(s, "required"); r && r->type == Type::kList) {
        for (const auto& k : *r->list) {
          if (k.type == Type::kString && !v.map->count(k.s)) Add(path, k.s + " is required");
        }
      }
      const Value* props = Get(s, "properties");
      if (props && props->type == Type::kMap) {
        for (const auto& [k, ps] : *props->map) {
          auto it = v.map->find(k);
          if (it != v.map->end()) Validate(ps, it->second, (path.empty() ? "" : path + ".") + k);
        }
      }
      const Value* pat = Get(s, "patternProperties");
      const Value* ap = Get(s, "additionalProperties");
      for (const auto& [k, x] : *v.map) {
        bool known = props && props->type == Type::kMap && props->map->count(k);
        if (pat && pat->type == Type::kMap) {
          for (const auto& [re, ps] : *pat->map) {
            try {
              if (std::regex_search(k, std::regex(re))) { known = true; Validate(ps, x, (path.empty() ? "" : path + ".") + k); }
            } catch (const std::regex_error&) {
            }
          }
        }
        if (known || ap == nullptr) continue;
        if (ap->type == Type::kBool && !ap->b) Add(path, "Additional property " + k + " is not allowed");
        else if (ap->type == Type::kMap) Validate(*ap, x, (path.empty() ? "" : path + ".") + k);
      }
    }
    for (const char* comb : {"allOf", "anyOf", "oneOf"}) {
      const Value* l = Get(s, comb);
      if (!l || l->type != Type::kList) continue;
      int ok = 0;
      for (const auto& sub : *l->list) {
        std::vector<std::string> sub_errs;
        Validator sv{root_schema, &sub_errs, depth};
        sv.Validate(sub, v, path);
        if (sub_errs.empty()) ++ok;
        else if (std::string(comb) == "allOf") for (auto& e : sub_errs) errs->push_back(e);
      }
      if (std::string(comb) == "anyOf" && ok == 0) Add(path, "Must validate at least one schema (anyOf)");
      if (std::string(comb) == "oneOf" && ok != 1) Add(path, "Must validate one and only one schema (oneOf)");
    }
    if (const Value* n = Get(s, "not")) {
      std::vector<std::string> sub_errs;
      Validator sv{root_schema, &sub_errs, depth};
      sv.Validate(*n, v, path);
      if (sub_errs.empty()) Add(path, "Must not validate the schema (not)");
    }
    --depth;
  }
};

}  // namespace

std::vector<std::string> ValidateSchema(const std::string& schema_json, const gt::Value& values) {
  Value schema;
  try {
    schema = gt::ParseJsonValue(schema_json);
  } catch (const std::exception& e) {
    return {std::string("(root): invalid schema: ") + e.what()};
  }
  std::vector<std::string> errs;
  Validator v{schema, &errs};
  v.Validate(schema, values, "");
  return errs;
}

}  // namespace capstan::helm
