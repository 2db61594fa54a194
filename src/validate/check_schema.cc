// The schema walk: JSON Schema keyword semantics on the Kubernetes flavour
// of OpenAPI v3 (see tools/oracle.py of the conformance corpus for the rules).
#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_set>

#include "validate/cel.h"
#include "validate/check.h"
#include "validate/pattern.h"
#include "validate/value.h"

namespace capstan::validate {
namespace {

constexpr int kMaxDepth = 256;

struct Walker {
  bool yaml11;
  SchemaFindings* out;
  std::string path;
  int depth = 0;

  void Error(std::vector<Finding>* v, std::string type, std::string detail) {
    v->push_back(Finding{path, std::move(type), std::move(detail)});
  }
  void Other(const char* type, std::string detail) { Error(&out->other, type, std::move(detail)); }

  size_t PushKey(std::string_view key) {
    size_t old = path.size();
    if (!path.empty()) path.push_back('.');
    path.append(key);
    return old;
  }
  size_t PushIndex(size_t i) {
    size_t old = path.size();
    path += '[' + std::to_string(i) + ']';
    return old;
  }

  static bool TypeMatches(JsonType t, const yaml::Node& v, uint8_t types, bool yaml11) {
    switch (t) {
      case JsonType::kNull: return types & kTypeNull;
      case JsonType::kBool: return types & kTypeBool;
      case JsonType::kString: return types & kTypeString;
      case JsonType::kArray: return types & kTypeArray;
      case JsonType::kObject: return types & kTypeObject;
      case JsonType::kInt: return types & (kTypeInt | kTypeNumber);
      case JsonType::kFloat: {
        if (types & kTypeNumber) return true;
        if (!(types & kTypeInt)) return false;
        double d = NumberOf(v, yaml11);
        return std::isfinite(d) && d == std::floor(d);
      }
    }
    return false;
  }

  static std::string WantedTypes(uint8_t types) {
    static const std::pair<uint8_t, const char*> kOrder[] = {
        {kTypeObject, "object"}, {kTypeArray, "array"},   {kTypeInt, "integer"},
        {kTypeString, "string"}, {kTypeNumber, "number"}, {kTypeBool, "boolean"}};
    std::string s;
    for (const auto& [bit, name] : kOrder) {
      if (!(types & bit)) continue;
      if (!s.empty()) s += ',';
      s += name;
    }
    return s;
  }

  bool Passes(const yaml::Node& v, const Schema* s) {
    SchemaFindings sub;
    Walker w{yaml11, &sub, path, depth};
    w.Check(v, s);
    return sub.unknown.empty() && sub.other.empty();
  }

  void Check(const yaml::Node& v, const Schema* s) {
    if (s == nullptr || depth >= kMaxDepth) return;
    ++depth;
    CheckResolved(v, s);
    --depth;
  }

  void CheckResolved(const yaml::Node& v, const Schema* wrapper) {
    const Schema* s = wrapper;
    JsonType t = TypeOf(v, yaml11);
    if (s->ref != nullptr) {
      if (t == JsonType::kNull && s->AcceptsNull()) return;
      s = s->Resolved();
    }
    if (s->types != 0 && !TypeMatches(t, v, s->types, yaml11)) {
      std::string tn = TypeName(t);
      Other("FieldValueTypeInvalid", "Invalid value: \"" + tn + "\": " + (path.empty() ? "<nil>" : path) +
                                         " in body must be of type " + WantedTypes(s->types) + ": \"" + tn + "\"");
      CheckEnum(v, s);
      return;
    }
    CheckEnum(v, s);
    switch (t) {
      case JsonType::kObject: CheckObject(v, s); break;
      case JsonType::kArray: CheckArray(v, s, wrapper); break;
      case JsonType::kString: CheckString(v, s); break;
      case JsonType::kInt:
      case JsonType::kFloat: CheckNumber(v, s); break;
      default: break;
    }
    for (const Schema* sub : s->all_of) Check(v, sub);
    if (!s->any_of.empty()) {
      bool any = std::any_of(s->any_of.begin(), s->any_of.end(), [&](const Schema* a) { return Passes(v, a); });
      if (!any) Other("FieldValueInvalid", "Invalid value: " + GoValue(v, yaml11) + ": must validate at least one schema (anyOf)");
    }
    if (!s->one_of.empty()) {
      size_t n = std::count_if(s->one_of.begin(), s->one_of.end(), [&](const Schema* a) { return Passes(v, a); });
      if (n != 1) Other("FieldValueInvalid", "Invalid value: " + GoValue(v, yaml11) + ": must validate one and only one schema (oneOf)");
    }
    if (s->not_ != nullptr && Passes(v, s->not_))
      Other("FieldValueInvalid", "Invalid value: " + GoValue(v, yaml11) + ": must not validate the schema (not)");
    for (const CelRule& rule : s->cel) CheckRule(v, t, rule);
  }

  void CheckRule(const yaml::Node& v, JsonType t, const CelRule& rule) {
    if (rule.program->transition()) return;  // oldSelf: updates only
    std::string error;
    CelProgram::Outcome o = rule.program->Evaluate(v, yaml11, &error);
    if (o == CelProgram::Outcome::kTrue) return;
    if (o == CelProgram::Outcome::kUnsupported) {
      ++out->cel_rules;
      return;
    }
    std::string shown = (t == JsonType::kObject || t == JsonType::kArray) ? "" : GoValue(v, yaml11) + ": ";
    if (o == CelProgram::Outcome::kFalse)
      Other("FieldValueInvalid", "Invalid value: " + shown + (rule.message.empty() ? "failed rule: " + rule.rule : rule.message));
    else
      Other("FieldValueInvalid", "Invalid value: " + shown + "rule " + rule.rule + ": evaluation error: " + error);
  }

  void CheckEnum(const yaml::Node& v, const Schema* s) {
    if (!s->has_enum) return;
    std::string c = Canonical(v, yaml11);
    for (const yaml::Node& e : s->enum_values)
      if (Canonical(e, false) == c) return;
    std::string supported;
    for (const yaml::Node& e : s->enum_values) {
      if (e.IsNull()) continue;
      if (!supported.empty()) supported += ", ";
      supported += GoValue(e, false);
    }
    Other("FieldValueNotSupported", "Unsupported value: " + GoValue(v, yaml11) + ": supported values: " + supported);
  }

  void CheckObject(const yaml::Node& v, const Schema* s) {
    std::string buf;
    size_t count = 0;
    for (const yaml::Field& f : v.fields) {
      std::string_view key = KeyText(f.key, yaml11, &buf);
      const Schema* prop = s->Property(key);
      if (prop != nullptr) {
        if (f.value.IsNull() && TypeOf(f.value, yaml11) == JsonType::kNull && !prop->AcceptsNull()) continue;
        ++count;
        size_t old = PushKey(key);
        Check(f.value, prop);
        path.resize(old);
        continue;
      }
      ++count;
      if (s->additional != nullptr) {
        size_t old = PushKey(key);
        Check(f.value, s->additional);
        path.resize(old);
      } else if (s->closed) {
        size_t old = PushKey(key);
        Error(&out->unknown, "FieldUnknown", "Invalid value: value provided for unknown field");
        path.resize(old);
      }
    }
    for (const std::string& r : s->required) {
      bool present = false;
      for (const yaml::Field& f : v.fields) {
        if (KeyText(f.key, yaml11, &buf) != r) continue;
        const Schema* prop = s->Property(r);
        present = !(TypeOf(f.value, yaml11) == JsonType::kNull && prop != nullptr && !prop->AcceptsNull());
        break;
      }
      if (!present) {
        size_t old = PushKey(r);
        Other("FieldValueRequired", "Required value");
        path.resize(old);
      }
    }
    if (s->max_properties && static_cast<int64_t>(count) > *s->max_properties)
      Other("FieldValueTooMany", "Too many: " + std::to_string(count) + ": must have at most " +
                                     std::to_string(*s->max_properties) + " items");
    if (s->min_properties && static_cast<int64_t>(count) < *s->min_properties)
      Other("FieldValueInvalid", "Invalid value: " + std::to_string(count) + ": should have at least " +
                                     std::to_string(*s->min_properties) + " properties");
  }

  void CheckArray(const yaml::Node& v, const Schema* s, const Schema* wrapper) {
    int64_t n = static_cast<int64_t>(v.items.size());
    if (s->max_items && n > *s->max_items)
      Other("FieldValueTooMany", "Too many: " + std::to_string(n) + ": must have at most " +
                                     std::to_string(*s->max_items) + " items");
    if (s->min_items && n < *s->min_items)
      Other("FieldValueInvalid", "Invalid value: " + std::to_string(n) + ": should have at least " +
                                     std::to_string(*s->min_items) + " items");
    if (s->unique_items) {
      std::unordered_set<std::string> seen;
      for (const yaml::Node& i : v.items) {
        if (!seen.insert(Canonical(i, yaml11)).second) {
          Other("FieldValueInvalid", "Invalid value: " + GoValue(v, yaml11) + ": shouldn't contain duplicates");
          break;
        }
      }
    }
    ListType lt = wrapper->list_type != ListType::kNone ? wrapper->list_type : s->list_type;
    const std::vector<std::string>& keys = wrapper->list_type != ListType::kNone ? wrapper->map_keys : s->map_keys;
    const Schema* item_schema = s->items != nullptr ? s->items->Resolved() : nullptr;
    if (lt == ListType::kSet) {
      std::unordered_set<std::string> seen;
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (seen.insert(Canonical(v.items[i], yaml11)).second) continue;
        size_t old = PushIndex(i);
        Other("FieldValueDuplicate", "Duplicate value: " + GoValue(v.items[i], yaml11));
        path.resize(old);
      }
    } else if (lt == ListType::kMap && !keys.empty()) {
      std::unordered_set<std::string> seen;
      for (size_t i = 0; i < v.items.size(); ++i) {
        const yaml::Node& item = v.items[i];
        if (TypeOf(item, yaml11) != JsonType::kObject) continue;
        std::string canon, shown = "{";
        for (const std::string& k : keys) {
          std::string buf;
          const yaml::Node* val = nullptr;
          for (const yaml::Field& f : item.fields)
            if (KeyText(f.key, yaml11, &buf) == k) val = &f.value;
          const Schema* ks = item_schema ? item_schema->Property(k) : nullptr;
          if (val != nullptr && TypeOf(*val, yaml11) == JsonType::kNull && ks != nullptr && !ks->AcceptsNull())
            val = nullptr;
          bool from_default = false;
          if (val == nullptr && ks != nullptr && ks->Resolved()->default_value) {
            val = &*ks->Resolved()->default_value;
            from_default = true;
          }
          std::string c = val ? Canonical(*val, yaml11 && !from_default) : "null";
          canon += c + "\x1f";
          if (val != nullptr) {
            if (shown.size() > 1) shown += ",";
            shown += "\"" + k + "\":" + GoValue(*val, yaml11 && !from_default);
          }
        }
        if (seen.insert(canon).second) continue;
        size_t old = PushIndex(i);
        Other("FieldValueDuplicate", "Duplicate value: " + shown + "}");
        path.resize(old);
      }
    }
    for (size_t i = 0; i < v.items.size(); ++i) {
      if (s->items == nullptr) break;
      size_t old = PushIndex(i);
      Check(v.items[i], s->items);
      path.resize(old);
    }
  }

  static size_t CodePoints(std::string_view s) {
    size_t n = 0;
    for (unsigned char c : s)
      if ((c & 0xC0) != 0x80) ++n;
    return n;
  }

  static bool Base64(std::string_view s) {
    if (s.size() % 4 != 0) return false;
    size_t pad = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (c == '=') {
        ++pad;
        continue;
      }
      if (pad > 0) return false;
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/')) return false;
    }
    return pad <= 2;
  }

  void CheckString(const yaml::Node& v, const Schema* s) {
    const std::string& str = v.value;
    if (s->max_length || s->min_length) {
      int64_t n = static_cast<int64_t>(CodePoints(str));
      if (s->max_length && n > *s->max_length)
        Other("FieldValueTooLong", "Too long: may not be more than " + std::to_string(*s->max_length) + " bytes");
      if (s->min_length && n < *s->min_length)
        Other("FieldValueInvalid", "Invalid value: " + GoValue(v, yaml11) + ": " + (path.empty() ? "<nil>" : path) +
                                       " in body should be at least " + std::to_string(*s->min_length) + " chars long");
    }
    if (!s->pattern_text.empty()) {
      if (s->pattern == nullptr) {
        Other("FieldValueInvalid", "Invalid value: " + GoValue(v, yaml11) + ": the schema's pattern '" +
                                       s->pattern_text + "' does not compile");
      } else if (!s->pattern->Search(str)) {
        Other("FieldValueInvalid", "Invalid value: " + GoValue(v, yaml11) + ": " + (path.empty() ? "<nil>" : path) +
                                       " in body should match '" + s->pattern_text + "'");
      }
    }
    if (s->byte_format != ByteFormat::kNone && !(s->byte_format == ByteFormat::kLenient && str.empty()) &&
        !Base64(str)) {
      std::string gv = GoValue(v, yaml11);
      Other("FieldValueTypeInvalid", "Invalid value: " + gv + ": " + path + " in body must be of type byte: " + gv);
    }
  }

  void CheckNumber(const yaml::Node& v, const Schema* s) {
    double d = NumberOf(v, yaml11);
    auto num = [](double x) {
      std::string t = GoValue(yaml::Node::Float(x), false);
      return t;
    };
    std::string where = (path.empty() ? "<nil>" : path) + " in body should be ";
    std::string shown = GoValue(v, yaml11);
    if (s->minimum) {
      bool bad = s->exclusive_minimum ? !(d > *s->minimum) : !(d >= *s->minimum);
      if (bad)
        Other("FieldValueInvalid", "Invalid value: " + shown + ": " + shown +
                                       (s->exclusive_minimum ? " is less than or equal to the minimum of " : " is less than the minimum of ") +
                                       num(*s->minimum));
    }
    if (s->maximum) {
      bool bad = s->exclusive_maximum ? !(d < *s->maximum) : !(d <= *s->maximum);
      if (bad)
        Other("FieldValueInvalid", "Invalid value: " + shown + ": " + shown +
                                       (s->exclusive_maximum ? " is greater than or equal to the maximum of " : " is greater than the maximum of ") +
                                       num(*s->maximum));
    }
    if (s->multiple_of && *s->multiple_of > 0) {
      double q = d / *s->multiple_of;
      if (std::isfinite(q) && q != std::floor(q))
        Other("FieldValueInvalid", "Invalid value: " + GoValue(v, yaml11) + ": " + where + "a multiple of " + num(*s->multiple_of));
    }
  }
};

}  // namespace

void CheckSchema(const yaml::Node& object, const Schema* root, bool yaml11, SchemaFindings* out) {
  Walker w{yaml11, out, std::string(), 0};
  w.path.reserve(128);
  w.Check(object, root);
}

}  // namespace capstan::validate
