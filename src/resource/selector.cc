#include "resource/selector.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace capstan::resource {
namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// Splits on commas that are not inside parentheses.
std::vector<std::string> SplitTop(const std::string& s) {
  std::vector<std::string> out;
  int depth = 0;
  std::string cur;
  for (char c : s) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

bool ValidLabelKeyChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
         c == '/';
}

const std::string* Lookup(const KeyValues& kv, const std::string& key) {
  for (const auto& p : kv)
    if (p.first == key) return &p.second;
  return nullptr;
}

}  // namespace

Selector Selector::ParseLabels(const std::string& text) {
  Selector s;
  if (Trim(text).empty()) return s;
  for (std::string part : SplitTop(text)) {
    part = Trim(part);
    if (part.empty()) throw std::invalid_argument("found '', expected: identifier");
    Requirement r;
    if (part[0] == '!') {
      r.op = Requirement::kNotExists;
      r.key = Trim(part.substr(1));
    } else {
      size_t i = 0;
      while (i < part.size() && ValidLabelKeyChar(part[i])) ++i;
      r.key = part.substr(0, i);
      std::string rest = Trim(part.substr(i));
      if (rest.empty()) {
        r.op = Requirement::kExists;
      } else if (rest.rfind("!=", 0) == 0) {
        r.op = Requirement::kNotEq;
        r.values = {Trim(rest.substr(2))};
      } else if (rest.rfind("==", 0) == 0) {
        r.values = {Trim(rest.substr(2))};
      } else if (rest[0] == '=') {
        r.values = {Trim(rest.substr(1))};
      } else {
        bool notin = rest.rfind("notin", 0) == 0;
        bool in = !notin && rest.rfind("in", 0) == 0;
        if (!in && !notin) throw std::invalid_argument("unable to parse requirement: " + part);
        r.op = notin ? Requirement::kNotIn : Requirement::kIn;
        rest = Trim(rest.substr(notin ? 5 : 2));
        if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')')
          throw std::invalid_argument("found '" + rest + "', expected: '('");
        std::string inner = rest.substr(1, rest.size() - 2);
        size_t p = 0;
        while (true) {
          size_t c = inner.find(',', p);
          std::string v = Trim(inner.substr(p, c == std::string::npos ? std::string::npos : c - p));
          r.values.push_back(v);
          if (c == std::string::npos) break;
          p = c + 1;
        }
      }
    }
    if (r.key.empty()) throw std::invalid_argument("found '" + part + "', expected: identifier");
    // A key is a qualified name: [prefix/]name, name [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?
    {
      std::string name = r.key.substr(r.key.rfind('/') == std::string::npos ? 0 : r.key.rfind('/') + 1);
      bool ok = !name.empty() && name.size() <= 63 &&
                std::isalnum(static_cast<unsigned char>(name.front())) &&
                std::isalnum(static_cast<unsigned char>(name.back()));
      for (char c : r.key)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/'))
          ok = false;
      if (!ok)
        throw std::invalid_argument("key: Invalid value: \"" + r.key +
                                    "\": name part must consist of alphanumeric characters, '-', '_' "
                                    "or '.', and must start and end with an alphanumeric character");
    }
    if ((r.op == Requirement::kIn || r.op == Requirement::kNotIn) &&
        (r.values.empty() || (r.values.size() == 1 && r.values[0].empty())))
      throw std::invalid_argument("values: Invalid value: []string{}: for 'in', 'notin' operators, "
                                  "values set can't be empty");
    for (const auto& v : r.values)
      for (char c : v)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
          throw std::invalid_argument("unable to parse requirement: values[0]: Invalid value: \"" +
                                      v + "\"");
    s.reqs_.push_back(std::move(r));
  }
  return s;
}

Selector Selector::ParseFields(const std::string& text) {
  Selector s;
  s.absent_is_empty_ = true;
  if (Trim(text).empty()) return s;
  for (std::string part : SplitTop(text)) {
    part = Trim(part);
    Requirement r;
    size_t p;
    if ((p = part.find("!=")) != std::string::npos) {
      r.op = Requirement::kNotEq;
      r.key = part.substr(0, p);
      r.values = {part.substr(p + 2)};
    } else if ((p = part.find("==")) != std::string::npos) {
      r.key = part.substr(0, p);
      r.values = {part.substr(p + 2)};
    } else if ((p = part.find('=')) != std::string::npos) {
      r.key = part.substr(0, p);
      r.values = {part.substr(p + 1)};
    } else {
      throw std::invalid_argument("invalid selector: '" + text +
                                  "'; can't understand '" + part + "'");
    }
    r.key = Trim(r.key);
    s.reqs_.push_back(std::move(r));
  }
  return s;
}

Selector Selector::FromLabelSelector(const yaml::Node& sel) {
  Selector s;
  if (const yaml::Node* ml = sel.Get("matchLabels"); ml && ml->IsMap()) {
    for (const auto& f : ml->fields) {
      Requirement r;
      r.key = f.key.Str();
      r.values = {f.value.Str()};
      s.reqs_.push_back(r);
    }
  }
  if (const yaml::Node* me = sel.Get("matchExpressions"); me && me->IsSeq()) {
    for (const auto& e : me->items) {
      Requirement r;
      r.key = e.StrAt({"key"});
      std::string op = e.StrAt({"operator"});
      r.op = op == "In"             ? Requirement::kIn
             : op == "NotIn"        ? Requirement::kNotIn
             : op == "Exists"       ? Requirement::kExists
                                    : Requirement::kNotExists;
      if (const yaml::Node* vs = e.Get("values"); vs && vs->IsSeq())
        for (const auto& v : vs->items) r.values.push_back(v.Str());
      s.reqs_.push_back(r);
    }
  }
  return s;
}

bool Selector::Matches(const KeyValues& kv) const {
  for (const auto& r : reqs_) {
    const std::string* v = Lookup(kv, r.key);
    static const std::string kEmpty;
    if (!v && absent_is_empty_) v = &kEmpty;
    switch (r.op) {
      case Requirement::kEq:
        if (!v || *v != r.values[0]) return false;
        break;
      case Requirement::kNotEq:
        if (v && *v == r.values[0]) return false;
        break;
      case Requirement::kIn:
        if (!v || std::find(r.values.begin(), r.values.end(), *v) == r.values.end()) return false;
        break;
      case Requirement::kNotIn:
        if (v && std::find(r.values.begin(), r.values.end(), *v) != r.values.end()) return false;
        break;
      case Requirement::kExists:
        if (!v) return false;
        break;
      case Requirement::kNotExists:
        if (v) return false;
        break;
    }
  }
  return true;
}

}  // namespace capstan::resource
