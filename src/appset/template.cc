#include "appset/template.h"

#include <cctype>
#include <vector>

namespace capstan::appset {

using yaml::Node;

std::string Normalize(const std::string& s) {
  std::string out;
  for (char c : s) {
    char l = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    out += (isalnum(static_cast<unsigned char>(l)) || l == '-' || l == '.') ? l : '-';
  }
  if (out.size() > 253) out.resize(253);
  while (!out.empty() && (out.front() == '-' || out.front() == '.')) out.erase(0, 1);
  while (!out.empty() && (out.back() == '-' || out.back() == '.')) out.pop_back();
  return out;
}

namespace {

std::string Trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\n"), b = s.find_last_not_of(" \t\n");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// Splits a Go template action into words, keeping "quoted strings" whole.
std::vector<std::string> Words(const std::string& s, const std::string& expr) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    if (isspace(static_cast<unsigned char>(s[i]))) {
      ++i;
      continue;
    }
    if (s[i] == '"') {
      size_t j = i + 1;
      std::string lit = "\"";
      while (j < s.size() && s[j] != '"') {
        if (s[j] == '\\' && j + 1 < s.size()) ++j;
        lit += s[j++];
      }
      if (j >= s.size()) throw TemplateError("template {{" + expr + "}}: unterminated string");
      out.push_back(lit + "\"");
      i = j + 1;
      continue;
    }
    size_t j = i;
    while (j < s.size() && !isspace(static_cast<unsigned char>(s[j]))) ++j;
    out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

struct GoEval {
  const Params& params;
  const TemplateOptions& options;
  std::string expr;

  std::string Value(const std::string& word) {
    if (word.size() >= 2 && word.front() == '"') return word.substr(1, word.size() - 2);
    if (!word.empty() && word[0] == '.') {
      std::string key = word.substr(1);
      auto it = params.find(key);
      if (it != params.end()) return it->second;
      if (options.missing_key_error)
        throw TemplateError("template {{" + expr + "}}: map has no entry for key \"" + key + "\"");
      return "<no value>";
    }
    if (!word.empty() && (isdigit(static_cast<unsigned char>(word[0])) || word[0] == '-')) return word;
    throw TemplateError("template {{" + expr + "}}: function \"" + word + "\" not defined (capstan's goTemplate subset)");
  }

  // One command: a value, or a function with arguments (+ the piped value).
  std::string Command(const std::vector<std::string>& w, const std::string* piped) {
    if (w.empty()) throw TemplateError("template {{" + expr + "}}: empty command");
    const std::string& f = w[0];
    std::vector<std::string> args;
    for (size_t i = 1; i < w.size(); ++i) args.push_back(Value(w[i]));
    if (piped) args.push_back(*piped);
    auto need = [&](size_t n) {
      if (args.size() != n)
        throw TemplateError("template {{" + expr + "}}: " + f + " takes " + std::to_string(n) + " argument(s)");
    };
    if (f == "lower" || f == "upper" || f == "trim" || f == "quote" || f == "normalize" || f == "slugify" || f == "title") {
      need(1);
      std::string s = args[0];
      if (f == "lower") for (auto& c : s) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
      if (f == "upper") for (auto& c : s) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
      if (f == "trim") s = Trim(s);
      if (f == "quote") s = "\"" + s + "\"";
      if (f == "normalize" || f == "slugify") s = Normalize(s);
      if (f == "title" && !s.empty()) s[0] = static_cast<char>(toupper(static_cast<unsigned char>(s[0])));
      return s;
    }
    if (f == "default") {
      need(2);
      return args[1].empty() || args[1] == "<no value>" ? args[0] : args[1];
    }
    if (f == "index") {
      // index .path.segments N: the flat parameter "path.segments[N]" or "path[N]".
      if (w.size() != 3) throw TemplateError("template {{" + expr + "}}: index takes 2 arguments");
      std::string base = w[1].substr(w[1].empty() ? 0 : 1);
      for (const std::string& k : {base + "[" + w[2] + "]",
                                   base.ends_with(".segments") ? base.substr(0, base.size() - 9) + "[" + w[2] + "]" : ""}) {
        if (k.empty()) continue;
        if (auto it = params.find(k); it != params.end()) return it->second;
      }
      if (options.missing_key_error) throw TemplateError("template {{" + expr + "}}: index out of range");
      return "<no value>";
    }
    if (f == "printf") {
      if (args.empty()) throw TemplateError("template {{" + expr + "}}: printf needs a format");
      std::string fmt = args[0], out;
      size_t a = 1;
      for (size_t i = 0; i < fmt.size(); ++i) {
        if (fmt[i] == '%' && i + 1 < fmt.size() && fmt[i + 1] == 's') {
          out += a < args.size() ? args[a++] : "%!s(MISSING)";
          ++i;
        } else if (fmt[i] == '%' && i + 1 < fmt.size() && fmt[i + 1] == '%') {
          out += '%';
          ++i;
        } else {
          out += fmt[i];
        }
      }
      return out;
    }
    if (w.size() == 1 && !piped) return Value(f);
    throw TemplateError("template {{" + expr + "}}: function \"" + f + "\" not defined (capstan's goTemplate subset)");
  }

  std::string Eval(const std::string& action) {
    std::vector<std::string> words = Words(action, expr);
    std::vector<std::vector<std::string>> cmds(1);
    for (auto& w : words) {
      if (w == "|") cmds.emplace_back();
      else cmds.back().push_back(w);
    }
    std::string v = Command(cmds[0], nullptr);
    for (size_t i = 1; i < cmds.size(); ++i) v = Command(cmds[i], &v);
    return v;
  }
};

}  // namespace

std::string RenderString(const std::string& text, const Params& params, const TemplateOptions& options) {
  std::string out;
  size_t pos = 0;
  for (;;) {
    size_t open = text.find("{{", pos);
    if (open == std::string::npos) break;
    size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) {
      if (options.go_template) throw TemplateError("template \"" + text + "\": unclosed action");
      break;
    }
    out += text.substr(pos, open - pos);
    std::string inner = text.substr(open + 2, close - open - 2);
    if (options.go_template) {
      std::string action = inner;
      if (!action.empty() && action.front() == '-') action.erase(0, 1);
      if (!action.empty() && action.back() == '-') action.pop_back();
      GoEval ev{params, options, Trim(inner)};
      out += ev.Eval(action);
    } else {
      auto it = params.find(Trim(inner));
      out += it != params.end() ? it->second : "{{" + inner + "}}";
    }
    pos = close + 2;
  }
  return out + text.substr(pos);
}

Node RenderNode(const Node& tmpl, const Params& params, const TemplateOptions& options) {
  Node out = tmpl;
  if (out.IsScalar()) {
    if (out.value.find("{{") != std::string::npos) {
      out = Node::String(RenderString(out.value, params, options));
    }
    return out;
  }
  for (auto& i : out.items) i = RenderNode(i, params, options);
  for (auto& f : out.fields) {
    if (f.key.value.find("{{") != std::string::npos) f.key = Node::String(RenderString(f.key.value, params, options));
    f.value = RenderNode(f.value, params, options);
  }
  return out;
}

}  // namespace capstan::appset
