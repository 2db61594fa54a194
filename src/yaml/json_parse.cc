// Strict JSON -> Node with simdjson's On-Demand API.
//
// On-Demand lets us read each number's raw text, so an integer stays an
// !!int with the digits it was written with (also beyond 64 bits) and a
// float keeps its spelling ("1.0" stays "1.0"), key order is kept, and
// strings are unescaped by simdjson.
#include <simdjson.h>

#include <string>

#include "yaml/yaml.h"

namespace capstan::yaml {

// simdjson_stubs.cc: loads libsimdjson and fills the tables the inline code
// reads (hidden copies of at most 64 error_code_info entries).
void LoadSimdjson();
static_assert(simdjson::error_code::NUM_ERROR_CODES * sizeof(simdjson::internal::error_code_info) <= 64 * 16,
              "simdjson_stubs.cc: grow the error_codes copy");

namespace {

namespace od = simdjson::ondemand;

constexpr size_t kMaxJsonDepth = 512;

// RFC 8259 number grammar; `is_int` when there is no fraction or exponent.
bool ValidJsonNumber(std::string_view s, bool* is_int) {
  size_t i = 0, n = s.size();
  if (i < n && s[i] == '-') ++i;
  if (i >= n) return false;
  if (s[i] == '0') {
    ++i;
  } else if (s[i] >= '1' && s[i] <= '9') {
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
  } else {
    return false;
  }
  *is_int = true;
  if (i < n && s[i] == '.') {
    *is_int = false;
    ++i;
    size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    *is_int = false;
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  return i == n;
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' ||
                        s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

class Converter {
 public:
  Converter(std::string_view text, std::string_view source) : text_(text), source_(source) {}

  [[noreturn]] void Fail(simdjson::error_code err, const char* where) {
    int line = 1, col = 1;
    if (where && where >= text_.data() && where <= text_.data() + text_.size()) {
      for (const char* p = text_.data(); p < where; ++p) {
        if (*p == '\n') ++line, col = 1;
        else ++col;
      }
    }
    throw ParseError(std::string(source_) + ": line " + std::to_string(line) + " column " +
                         std::to_string(col) + ": " + simdjson::error_message(err),
                     line, col);
  }

  template <typename T>
  void Check(simdjson::error_code err, T& it) {
    if (err) {
      const char* loc = nullptr;
      if (it.current_location().get(loc)) loc = nullptr;
      Fail(err, loc);
    }
  }

  Node Number(std::string_view raw) {
    raw = TrimRight(raw);
    bool is_int = false;
    if (!ValidJsonNumber(raw, &is_int)) Fail(simdjson::NUMBER_ERROR, raw.data());
    return Node::Scalar(raw, is_int ? kIntTag : kFloatTag);
  }

  Node Value(od::value v, size_t depth) {
    if (depth > kMaxJsonDepth) Fail(simdjson::DEPTH_ERROR, nullptr);
    od::json_type type;
    Check(v.type().get(type), v);
    switch (type) {
      case od::json_type::object: {
        Node n = Node::Map();
        od::object obj;
        Check(v.get_object().get(obj), v);
        for (auto field : obj) {
          od::field f;
          Check(std::move(field).get(f), v);
          std::string_view key;
          Check(f.unescaped_key().get(key), v);
          Node value = Value(f.value(), depth + 1);
          n.fields.push_back(Field{Node::String(key), std::move(value)});
        }
        return n;
      }
      case od::json_type::array: {
        Node n = Node::Seq();
        od::array arr;
        Check(v.get_array().get(arr), v);
        for (auto el : arr) {
          od::value item;
          Check(std::move(el).get(item), v);
          n.items.push_back(Value(item, depth + 1));
        }
        return n;
      }
      case od::json_type::number:
        return Number(v.raw_json_token());
      case od::json_type::string: {
        std::string_view s;
        Check(v.get_string().get(s), v);
        return Node::String(s);
      }
      case od::json_type::boolean: {
        bool b;
        Check(v.get_bool().get(b), v);
        return Node::Bool(b);
      }
      case od::json_type::null: {
        bool is_null = false;
        Check(v.is_null().get(is_null), v);
        if (!is_null) Fail(simdjson::N_ATOM_ERROR, nullptr);
        return Node::Null();
      }
    }
    Fail(simdjson::TAPE_ERROR, nullptr);
  }

  // Scalar documents (rare: API bodies are objects) are parsed by the
  // caller as a one-element array, so trailing content is caught.
  Node Document(od::document& doc, bool* scalar) {
    od::json_type type;
    Check(doc.type().get(type), doc);
    if (type != od::json_type::object && type != od::json_type::array) {
      *scalar = true;
      return Node();
    }
    od::value v;
    Check(doc.get_value().get(v), doc);
    Node out = Value(v, 1);
    // current_location() fails with OUT_OF_BOUNDS once everything is read.
    const char* loc = nullptr;
    if (!doc.current_location().get(loc)) Fail(simdjson::TRAILING_CONTENT, loc);
    return out;
  }

 private:
  std::string_view text_, source_;
};

}  // namespace

Node ParseJson(std::string_view text, std::string_view source) {
  LoadSimdjson();
  // One parser per thread: it keeps its buffers between calls.
  thread_local od::parser parser;
  simdjson::padded_string padded(text);
  Converter conv(padded, source);
  od::document doc;
  auto err = parser.iterate(padded).get(doc);
  if (err) conv.Fail(err, nullptr);
  bool scalar = false;
  Node out = conv.Document(doc, &scalar);
  if (!scalar) return out;
  std::string wrapped = "[";
  wrapped.append(text);
  wrapped += "\n]";
  simdjson::padded_string padded_wrapped(wrapped);
  Converter wrapped_conv(padded_wrapped, source);
  err = parser.iterate(padded_wrapped).get(doc);
  if (err) wrapped_conv.Fail(err, nullptr);
  Node arr = wrapped_conv.Document(doc, &scalar);
  if (arr.items.size() != 1) wrapped_conv.Fail(simdjson::TRAILING_CONTENT, nullptr);
  return std::move(arr.items[0]);
}

}  // namespace capstan::yaml
