#include "policy/lexer.h"

#include <stdexcept>

namespace capstan::policy {

namespace {

[[noreturn]] void Fail(const std::string& file, int line, const std::string& msg) {
  throw std::runtime_error(file + ":" + std::to_string(line) + ": rego_parse_error: " + msg);
}

void AppendUtf8(std::string* out, unsigned cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::vector<Token> Lex(std::string_view src, const std::string& file) {
  std::vector<Token> out;
  size_t i = 0;
  int line = 1;
  bool nl = true, sp = true;
  while (true) {
    // white space and comments
    while (i < src.size()) {
      char c = src[i];
      if (c == '\n') {
        ++line;
        nl = sp = true;
        ++i;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        sp = true;
        ++i;
      } else if (c == '#') {
        while (i < src.size() && src[i] != '\n') ++i;
      } else {
        break;
      }
    }
    Token t;
    t.line = line;
    t.newline_before = nl;
    t.space_before = sp;
    nl = sp = false;
    if (i >= src.size()) {
      out.push_back(t);
      return out;
    }
    char c = src[i];
    if (IsIdentStart(c)) {
      size_t j = i;
      while (j < src.size() && (IsIdentStart(src[j]) || IsDigit(src[j]))) ++j;
      t.kind = Tok::kIdent;
      t.text = std::string(src.substr(i, j - i));
      i = j;
    } else if (IsDigit(c)) {
      size_t j = i;
      while (j < src.size() && IsDigit(src[j])) ++j;
      if (j + 1 < src.size() && src[j] == '.' && IsDigit(src[j + 1])) {
        ++j;
        while (j < src.size() && IsDigit(src[j])) ++j;
      }
      if (j < src.size() && (src[j] == 'e' || src[j] == 'E')) {
        size_t k = j + 1;
        if (k < src.size() && (src[k] == '+' || src[k] == '-')) ++k;
        if (k < src.size() && IsDigit(src[k])) {
          j = k;
          while (j < src.size() && IsDigit(src[j])) ++j;
        }
      }
      t.kind = Tok::kNumber;
      t.text = std::string(src.substr(i, j - i));
      i = j;
    } else if (c == '"') {
      ++i;
      t.kind = Tok::kString;
      while (true) {
        if (i >= src.size() || src[i] == '\n') Fail(file, line, "non-terminated string");
        char d = src[i++];
        if (d == '"') break;
        if (d != '\\') {
          t.text.push_back(d);
          continue;
        }
        if (i >= src.size()) Fail(file, line, "non-terminated string");
        char e = src[i++];
        switch (e) {
          case '"': t.text.push_back('"'); break;
          case '\\': t.text.push_back('\\'); break;
          case '/': t.text.push_back('/'); break;
          case 'b': t.text.push_back('\b'); break;
          case 'f': t.text.push_back('\f'); break;
          case 'n': t.text.push_back('\n'); break;
          case 'r': t.text.push_back('\r'); break;
          case 't': t.text.push_back('\t'); break;
          case 'u': {
            auto hex4 = [&](unsigned* cp) {
              if (i + 4 > src.size()) return false;
              *cp = 0;
              for (int k = 0; k < 4; ++k) {
                char h = src[i + k];
                *cp <<= 4;
                if (IsDigit(h)) *cp |= h - '0';
                else if (h >= 'a' && h <= 'f') *cp |= h - 'a' + 10;
                else if (h >= 'A' && h <= 'F') *cp |= h - 'A' + 10;
                else return false;
              }
              i += 4;
              return true;
            };
            unsigned cp;
            if (!hex4(&cp)) Fail(file, line, "invalid \\u escape in string");
            if (cp >= 0xD800 && cp < 0xDC00 && i + 1 < src.size() && src[i] == '\\' && src[i + 1] == 'u') {
              i += 2;
              unsigned lo;
              if (!hex4(&lo)) Fail(file, line, "invalid \\u escape in string");
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            AppendUtf8(&t.text, cp);
            break;
          }
          default: Fail(file, line, std::string("invalid escape \\") + e + " in string");
        }
      }
    } else if (c == '`') {
      ++i;
      t.kind = Tok::kString;
      t.raw = true;
      while (true) {
        if (i >= src.size()) Fail(file, line, "non-terminated raw string");
        char d = src[i++];
        if (d == '`') break;
        if (d == '\n') ++line;
        t.text.push_back(d);
      }
    } else {
      static const char* kTwo[] = {":=", "==", "!=", "<=", ">="};
      t.kind = Tok::kPunct;
      for (const char* two : kTwo) {
        if (src.substr(i, 2) == two) t.text = two;
      }
      if (t.text.empty()) {
        if (std::string_view("{}[]().,;:=<>+-*/%&|!").find(c) == std::string_view::npos) {
          Fail(file, line, std::string("unexpected character '") + c + "'");
        }
        t.text = std::string(1, c);
      }
      i += t.text.size();
    }
    out.push_back(std::move(t));
  }
}

}  // namespace capstan::policy
