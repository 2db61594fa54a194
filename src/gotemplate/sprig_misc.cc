// Sprig defaults, types, encodings, hashes, paths, regex, semver, URLs,
// UUIDs and dates.
#include <nettle/sha1.h>
#include <nettle/sha2.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>

#include "base/base64.h"
#include "gotemplate/args.h"
#include "gotemplate/convert.h"
#include "gotemplate/derive_password.h"
#include "gotemplate/regex.h"
#include "gotemplate/semver.h"
#include "gotemplate/sprig.h"

namespace capstan::gotemplate {
namespace {

using Args = std::vector<Value>;

std::string Hex(const uint8_t* d, size_t n) {
  static const char* h = "0123456789abcdef";
  std::string r;
  for (size_t i = 0; i < n; ++i) { r += h[d[i] >> 4]; r += h[d[i] & 15]; }
  return r;
}

std::string Sha256Hex(const std::string& s) {
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, s.size(), reinterpret_cast<const uint8_t*>(s.data()));
  uint8_t d[SHA256_DIGEST_SIZE];
  sha256_digest(&ctx, sizeof d, d);
  return Hex(d, sizeof d);
}

std::string Sha1Hex(const std::string& s) {
  sha1_ctx ctx;
  sha1_init(&ctx);
  sha1_update(&ctx, s.size(), reinterpret_cast<const uint8_t*>(s.data()));
  uint8_t d[SHA1_DIGEST_SIZE];
  sha1_digest(&ctx, sizeof d, d);
  return Hex(d, sizeof d);
}

std::string B64Enc(const std::string& s) { return base::Base64Encode(s); }

// base64.StdEncoding.DecodeString; sprig returns the error text on failure.
std::string B64Dec(const std::string& s) {
  std::string out;
  if (base::Base64Decode(s, &out)) return out;
  // Go names the first bad byte; find it for the message
  size_t i = 0;
  const char* al = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  while (i < s.size() && s[i] && std::strchr(al, s[i])) ++i;
  return "illegal base64 data at input byte " + std::to_string(i);
}

const char* kB32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string B32Enc(const std::string& s) {
  std::string r;
  for (size_t i = 0; i < s.size(); i += 5) {
    uint64_t buf = 0;
    size_t n = std::min<size_t>(5, s.size() - i);
    for (size_t k = 0; k < 5; ++k) buf = (buf << 8) | (k < n ? static_cast<unsigned char>(s[i + k]) : 0);
    size_t chars = (n * 8 + 4) / 5;
    for (size_t k = 0; k < 8; ++k) r += k < chars ? kB32[(buf >> (35 - 5 * k)) & 31] : '=';
  }
  return r;
}

std::string B32Dec(const std::string& s) {
  std::string r;
  uint64_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '=') break;
    const char* p = std::strchr(kB32, c);
    if (p == nullptr || c == 0) return "illegal base32 data at input byte " + std::to_string(i);
    acc = (acc << 5) | static_cast<uint64_t>(p - kB32);
    bits += 5;
    if (bits >= 8) { bits -= 8; r.push_back(static_cast<char>((acc >> bits) & 0xFF)); }
  }
  return r;
}

// path.Clean
std::string CleanPath(const std::string& p) {
  if (p.empty()) return ".";
  bool rooted = p[0] == '/';
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string::npos) j = p.size();
    std::string seg = p.substr(i, j - i);
    if (seg.empty() || seg == ".") {
    } else if (seg == "..") {
      if (!parts.empty() && parts.back() != "..") parts.pop_back();
      else if (!rooted) parts.push_back("..");
    } else {
      parts.push_back(seg);
    }
    i = j + 1;
  }
  std::string out = rooted ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k) out += "/";
    out += parts[k];
  }
  if (out.empty()) return ".";
  return out;
}

std::string BasePath(std::string p) {
  if (p.empty()) return ".";
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  if (p == "/") return "/";
  size_t s = p.rfind('/');
  if (s != std::string::npos) p = p.substr(s + 1);
  return p.empty() ? "/" : p;
}

std::string DirPath(const std::string& p) {
  size_t s = p.rfind('/');
  std::string dir = s == std::string::npos ? "" : p.substr(0, s + 1);
  return CleanPath(dir);
}

std::string ExtPath(const std::string& p) {
  for (size_t i = p.size(); i-- > 0;) {
    if (p[i] == '/') break;
    if (p[i] == '.') return p.substr(i);
  }
  return "";
}

std::string Expand(const std::string& tmpl, const std::string& s, const Groups& m) {
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    char c = tmpl[i];
    if (c != '$' || i + 1 >= tmpl.size()) { out += c; continue; }
    char n = tmpl[i + 1];
    if (n == '$') { out += '$'; ++i; continue; }
    std::string name;
    size_t j = i + 1;
    if (n == '{') {
      size_t e = tmpl.find('}', j);
      if (e == std::string::npos) { out += c; continue; }
      name = tmpl.substr(j + 1, e - j - 1);
      j = e + 1;
    } else {
      while (j < tmpl.size() && (std::isalnum(static_cast<unsigned char>(tmpl[j])) || tmpl[j] == '_')) ++j;
      name = tmpl.substr(i + 1, j - i - 1);
    }
    if (name.empty()) { out += c; continue; }
    bool numeric = std::all_of(name.begin(), name.end(), [](char d) { return std::isdigit(static_cast<unsigned char>(d)); });
    if (numeric && name.size() < 9) {
      size_t g = std::stoul(name);
      if (g < m.size() && m[g].first >= 0) out += s.substr(m[g].first, m[g].second - m[g].first);
    }
    i = j - 1;
  }
  return out;
}

std::string ReplaceAll(const std::string& pat, const std::string& s, const std::string& repl, bool literal) {
  std::string out;
  size_t last = 0;
  for (const Groups& m : RegexFindAll(pat, s, -1)) {
    out.append(s, last, m[0].first - last);
    out += literal ? repl : Expand(repl, s, m);
    last = m[0].second;
  }
  out.append(s, last, std::string::npos);
  return out;
}

// --- time -----------------------------------------------------------------
struct TimeObj : Object {
  int64_t sec = 0;
  int64_t nsec = 0;
  std::string TypeName() const override { return "time.Time"; }
  std::string KindName() const override { return "struct"; }
  bool Field(std::string_view, Value*) const override { return false; }
  bool HasMethod(std::string_view n) const override { return n == "Unix" || n == "Format" || n == "UTC" || n == "Year"; }
  Value CallMethod(std::string_view n, std::vector<Value>& args) override;
  std::string Format() const override;
};

std::string FormatTime(int64_t sec, int64_t nsec, const std::string& layout) {
  std::time_t t = static_cast<std::time_t>(sec);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static const char* months[] = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"};
  static const char* days[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
  std::string out;
  char b[32];
  for (size_t i = 0; i < layout.size();) {
    auto is = [&](const char* tok) { return layout.compare(i, std::strlen(tok), tok) == 0; };
    if (is("2006")) { std::snprintf(b, sizeof b, "%04d", tm.tm_year + 1900); out += b; i += 4; }
    else if (is("January")) { out += months[tm.tm_mon]; i += 7; }
    else if (is("Jan")) { out += std::string(months[tm.tm_mon]).substr(0, 3); i += 3; }
    else if (is("Monday")) { out += days[tm.tm_wday]; i += 6; }
    else if (is("Mon")) { out += std::string(days[tm.tm_wday]).substr(0, 3); i += 3; }
    else if (is("MST")) { out += "UTC"; i += 3; }
    else if (is("01")) { std::snprintf(b, sizeof b, "%02d", tm.tm_mon + 1); out += b; i += 2; }
    else if (is("02")) { std::snprintf(b, sizeof b, "%02d", tm.tm_mday); out += b; i += 2; }
    else if (is("06")) { std::snprintf(b, sizeof b, "%02d", tm.tm_year % 100); out += b; i += 2; }
    else if (is("15")) { std::snprintf(b, sizeof b, "%02d", tm.tm_hour); out += b; i += 2; }
    else if (is("03")) { std::snprintf(b, sizeof b, "%02d", tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12); out += b; i += 2; }
    else if (is("04")) { std::snprintf(b, sizeof b, "%02d", tm.tm_min); out += b; i += 2; }
    else if (is("05")) { std::snprintf(b, sizeof b, "%02d", tm.tm_sec); out += b; i += 2; }
    else if (is("PM")) { out += tm.tm_hour >= 12 ? "PM" : "AM"; i += 2; }
    else if (is("Z07:00")) { out += "Z"; i += 6; }
    else if (is("-07:00")) { out += "+00:00"; i += 6; }
    else if (is("-0700")) { out += "+0000"; i += 5; }
    else if (is(".000000000") || is(".999999999")) { std::snprintf(b, sizeof b, ".%09lld", static_cast<long long>(nsec)); out += b; i += 10; }
    else if (is(".000000") || is(".999999")) { std::snprintf(b, sizeof b, ".%06lld", static_cast<long long>(nsec / 1000)); out += b; i += 7; }
    else if (is(".000") || is(".999")) { std::snprintf(b, sizeof b, ".%03lld", static_cast<long long>(nsec / 1000000)); out += b; i += 4; }
    else if (is("1")) { out += std::to_string(tm.tm_mon + 1); i += 1; }
    else if (is("2")) { out += std::to_string(tm.tm_mday); i += 1; }
    else if (is("3")) { out += std::to_string(tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12); i += 1; }
    else { out += layout[i]; ++i; }
  }
  return out;
}

std::string TimeObj::Format() const { return FormatTime(sec, nsec, "2006-01-02 15:04:05.999999999 -0700 MST"); }

Value TimeObj::CallMethod(std::string_view n, std::vector<Value>& args) {
  if (n == "Unix") return Value::Int64(sec);
  if (n == "Format") { WantArgs("Format", args, 1); return Value::String(FormatTime(sec, nsec, StrArg(args, 0))); }
  if (n == "Year") { std::time_t t = sec; std::tm tm{}; gmtime_r(&t, &tm); return Value::Int(tm.tm_year + 1900); }
  return Value::NewObject(std::make_shared<TimeObj>(*this));
}

Value Now() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto t = std::make_shared<TimeObj>();
  t->sec = std::chrono::duration_cast<std::chrono::seconds>(now).count();
  t->nsec = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count() % 1000000000;
  return Value::NewObject(t);
}

bool TimeOf(const Value& v, int64_t* sec, int64_t* nsec) {
  if (v.type == Type::kObject) {
    auto* t = dynamic_cast<TimeObj*>(v.obj.get());
    if (t) { *sec = t->sec; *nsec = t->nsec; return true; }
  }
  if (v.IsInteger()) { *sec = v.i; *nsec = 0; return true; }
  if (v.type == Type::kFloat) { *sec = ToInt64(v); *nsec = 0; return true; }
  return false;
}

struct SemverObj : Object {
  SemVersion v;
  std::string TypeName() const override { return "*semver.Version"; }
  bool Field(std::string_view, Value*) const override { return false; }
  bool HasMethod(std::string_view n) const override {
    return n == "Major" || n == "Minor" || n == "Patch" || n == "Prerelease" || n == "Metadata" || n == "Original" || n == "String";
  }
  Value CallMethod(std::string_view n, std::vector<Value>&) override {
    if (n == "Major") return Value::Int64(static_cast<int64_t>(v.major));
    if (n == "Minor") return Value::Int64(static_cast<int64_t>(v.minor));
    if (n == "Patch") return Value::Int64(static_cast<int64_t>(v.patch));
    if (n == "Prerelease") return Value::String(v.pre);
    if (n == "Metadata") return Value::String(v.metadata);
    if (n == "Original") return Value::String(v.original);
    return Value::String(SemverString(v));
  }
  std::string Format() const override { return SemverString(v); }
};

Value Unsupported(const char* name) {
  throw FuncError(std::string(name) + " is not supported by capstan (non-reproducible crypto generation)");
}

std::string Uuid4() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  uint8_t b[16];
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  b[6] = (b[6] & 0x0F) | 0x40;
  b[8] = (b[8] & 0x3F) | 0x80;
  std::string h = Hex(b, 16);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

}  // namespace

void AddSprigMisc(FuncMap* m) {
  auto& f = m->funcs;
  f["default"] = [](Executor&, Args& a) {
    if (a.empty()) throw FuncError("wrong number of args for default: want at least 1 got 0");
    if (a.size() < 2 || Empty(a[1])) return a[0];
    return a[1];
  };
  f["empty"] = [](Executor&, Args& a) { WantArgs("empty", a, 1); return Value::Bool(Empty(a[0])); };
  f["coalesce"] = [](Executor&, Args& a) {
    for (const Value& v : a) if (!Empty(v)) return v;
    return Value::Nil();
  };
  f["all"] = [](Executor&, Args& a) {
    for (const Value& v : a) if (Empty(v)) return Value::Bool(false);
    return Value::Bool(true);
  };
  f["any"] = [](Executor&, Args& a) {
    for (const Value& v : a) if (!Empty(v)) return Value::Bool(true);
    return Value::Bool(false);
  };
  f["ternary"] = [](Executor&, Args& a) {
    WantArgs("ternary", a, 3);
    if (a[2].type != Type::kBool) throw FuncError("wrong type for value; expected bool; got " + TypeName(a[2]));
    return a[2].b ? a[0] : a[1];
  };
  f["fail"] = [](Executor&, Args& a) -> Value {
    WantArgs("fail", a, 1);
    throw FuncError(StrArg(a, 0));
  };
  // --- types ---
  f["typeOf"] = [](Executor&, Args& a) { WantArgs("typeOf", a, 1); return Value::String(TypeName(a[0])); };
  f["typeIs"] = [](Executor&, Args& a) { WantArgs("typeIs", a, 2); return Value::Bool(StrArg(a, 0) == TypeName(a[1])); };
  f["typeIsLike"] = [](Executor&, Args& a) {
    WantArgs("typeIsLike", a, 2);
    std::string t = TypeName(a[1]);
    return Value::Bool(StrArg(a, 0) == t || "*" + StrArg(a, 0) == t);
  };
  f["kindOf"] = [](Executor&, Args& a) { WantArgs("kindOf", a, 1); return Value::String(KindName(a[0])); };
  f["kindIs"] = [](Executor&, Args& a) { WantArgs("kindIs", a, 2); return Value::Bool(StrArg(a, 0) == KindName(a[1])); };
  f["deepEqual"] = [](Executor&, Args& a) { WantArgs("deepEqual", a, 2); return Value::Bool(DeepEqual(a[0], a[1])); };
  // --- json (sprig's; Helm replaces toJson/fromJson) ---
  f["toPrettyJson"] = [](Executor&, Args& a) {
    WantArgs("toPrettyJson", a, 1);
    JsonOptions o;
    o.indent = 2;
    try { return Value::String(ToJson(a[0], o)); } catch (const FuncError&) { return Value::String(""); }
  };
  f["mustToPrettyJson"] = f["toPrettyJson"];
  f["toRawJson"] = [](Executor&, Args& a) {
    WantArgs("toRawJson", a, 1);
    JsonOptions o;
    o.escape_html = false;
    return Value::String(ToJson(a[0], o));
  };
  f["mustToRawJson"] = f["toRawJson"];
  f["toJson"] = [](Executor&, Args& a) {
    WantArgs("toJson", a, 1);
    try { return Value::String(ToJson(a[0])); } catch (const FuncError&) { return Value::String(""); }
  };
  f["fromJson"] = [](Executor&, Args& a) {
    WantArgs("fromJson", a, 1);
    try { return ParseJsonValue(StrArg(a, 0)); } catch (const std::exception&) { return Value::Nil(); }
  };
  f["mustToJson"] = [](Executor&, Args& a) { WantArgs("mustToJson", a, 1); return Value::String(ToJson(a[0])); };
  f["mustFromJson"] = [](Executor&, Args& a) {
    WantArgs("mustFromJson", a, 1);
    try { return ParseJsonValue(StrArg(a, 0)); } catch (const std::exception& e) { throw FuncError(e.what()); }
  };
  // --- encodings and hashes ---
  f["b64enc"] = [](Executor&, Args& a) { WantArgs("b64enc", a, 1); return Value::String(B64Enc(StrVal(a[0]))); };
  f["b64dec"] = [](Executor&, Args& a) { WantArgs("b64dec", a, 1); return Value::String(B64Dec(StrVal(a[0]))); };
  f["b32enc"] = [](Executor&, Args& a) { WantArgs("b32enc", a, 1); return Value::String(B32Enc(StrVal(a[0]))); };
  f["b32dec"] = [](Executor&, Args& a) { WantArgs("b32dec", a, 1); return Value::String(B32Dec(StrVal(a[0]))); };
  f["sha256sum"] = [](Executor&, Args& a) { WantArgs("sha256sum", a, 1); return Value::String(Sha256Hex(StrArg(a, 0))); };
  f["sha1sum"] = [](Executor&, Args& a) { WantArgs("sha1sum", a, 1); return Value::String(Sha1Hex(StrArg(a, 0))); };
  f["adler32sum"] = [](Executor&, Args& a) {
    WantArgs("adler32sum", a, 1);
    const std::string& s = StrArg(a, 0);
    uint32_t x = 1, y = 0;
    for (unsigned char c : s) { x = (x + c) % 65521; y = (y + x) % 65521; }
    return Value::String(std::to_string((y << 16) | x));
  };
  f["derivePassword"] = [](Executor&, Args& a) {
    WantArgs("derivePassword", a, 5);
    int64_t counter = IntArg(a, 0);
    if (counter < 0 || counter > 0xffffffffLL) throw FuncError("counter out of range for uint32");
    try {
      return Value::String(DerivePassword(static_cast<uint32_t>(counter), StrArg(a, 1), StrArg(a, 2), StrArg(a, 3),
                                          StrArg(a, 4)));
    } catch (const std::runtime_error& e) {
      throw FuncError(e.what());
    }
  };
  for (const char* n : {"bcrypt", "htpasswd", "genPrivateKey", "buildCustomCert", "genCA",
                        "genCAWithKey", "genSelfSignedCert", "genSelfSignedCertWithKey", "genSignedCert",
                        "genSignedCertWithKey", "encryptAES", "decryptAES", "randBytes"}) {
    std::string name = n;
    f[name] = [name](Executor&, Args&) -> Value { return Unsupported(name.c_str()); };
  }
  f["uuidv4"] = [](Executor&, Args&) { return Value::String(Uuid4()); };
  // --- paths ---
  f["base"] = [](Executor&, Args& a) { WantArgs("base", a, 1); return Value::String(BasePath(StrArg(a, 0))); };
  f["dir"] = [](Executor&, Args& a) { WantArgs("dir", a, 1); return Value::String(DirPath(StrArg(a, 0))); };
  f["clean"] = [](Executor&, Args& a) { WantArgs("clean", a, 1); return Value::String(CleanPath(StrArg(a, 0))); };
  f["ext"] = [](Executor&, Args& a) { WantArgs("ext", a, 1); return Value::String(ExtPath(StrArg(a, 0))); };
  f["isAbs"] = [](Executor&, Args& a) { WantArgs("isAbs", a, 1); return Value::Bool(!StrArg(a, 0).empty() && StrArg(a, 0)[0] == '/'); };
  f["osBase"] = f["base"];
  f["osDir"] = f["dir"];
  f["osClean"] = f["clean"];
  f["osExt"] = f["ext"];
  f["osIsAbs"] = f["isAbs"];
  // --- regex ---
  f["regexMatch"] = [](Executor&, Args& a) {
    WantArgs("regexMatch", a, 2);
    return Value::Bool(RegexMatch(StrArg(a, 0), StrArg(a, 1)));
  };
  f["mustRegexMatch"] = f["regexMatch"];
  f["regexFind"] = [](Executor&, Args& a) {
    WantArgs("regexFind", a, 2);
    const std::string& s = StrArg(a, 1);
    auto all = RegexFindAll(StrArg(a, 0), s, 1);
    if (all.empty()) return Value::String("");
    return Value::String(s.substr(all[0][0].first, all[0][0].second - all[0][0].first));
  };
  f["mustRegexFind"] = f["regexFind"];
  f["regexFindAll"] = [](Executor&, Args& a) {
    WantArgs("regexFindAll", a, 3);
    const std::string& s = StrArg(a, 1);
    int64_t n = IntArg(a, 2);
    List out;
    for (const Groups& m : RegexFindAll(StrArg(a, 0), s, n < 0 ? -1 : static_cast<long>(std::min<int64_t>(n, 1 << 30))))
      out.push_back(Value::String(s.substr(m[0].first, m[0].second - m[0].first)));
    Value r = Value::NewList(std::move(out));
    r.type_name = "[]string";
    return r;
  };
  f["mustRegexFindAll"] = f["regexFindAll"];
  f["regexReplaceAll"] = [](Executor&, Args& a) {
    WantArgs("regexReplaceAll", a, 3);
    return Value::String(ReplaceAll(StrArg(a, 0), StrArg(a, 1), StrArg(a, 2), false));
  };
  f["mustRegexReplaceAll"] = f["regexReplaceAll"];
  f["regexReplaceAllLiteral"] = [](Executor&, Args& a) {
    WantArgs("regexReplaceAllLiteral", a, 3);
    return Value::String(ReplaceAll(StrArg(a, 0), StrArg(a, 1), StrArg(a, 2), true));
  };
  f["mustRegexReplaceAllLiteral"] = f["regexReplaceAllLiteral"];
  f["regexSplit"] = [](Executor&, Args& a) {
    WantArgs("regexSplit", a, 3);
    const std::string& s = StrArg(a, 1);
    int64_t n = IntArg(a, 2);
    // Go's Regexp.Split
    if (n == 0) return Value::NewList();
    List out;
    const std::string& pat = StrArg(a, 0);
    if (!pat.empty() && s.empty()) { Value r = Value::NewList({Value::String("")}); r.type_name = "[]string"; return r; }
    auto matches = RegexFindAll(pat, s, n < 0 ? -1 : static_cast<long>(std::min<int64_t>(n, 1 << 30)));
    size_t beg = 0, end = 0;
    for (const Groups& m : matches) {
      if (n > 0 && static_cast<int64_t>(out.size()) == n - 1) break;
      end = m[0].first;
      if (m[0].second == 0) continue;
      out.push_back(Value::String(s.substr(beg, end - beg)));
      beg = m[0].second;
    }
    if (end != s.size()) out.push_back(Value::String(s.substr(beg)));
    Value r = Value::NewList(std::move(out));
    r.type_name = "[]string";
    return r;
  };
  f["mustRegexSplit"] = f["regexSplit"];
  f["regexQuoteMeta"] = [](Executor&, Args& a) {
    WantArgs("regexQuoteMeta", a, 1);
    std::string out;
    for (char c : StrArg(a, 0)) {
      if (std::strchr("\\.+*?()|[]{}^$", c) && c) out += '\\';
      out += c;
    }
    return Value::String(out);
  };
  // --- semver ---
  f["semver"] = [](Executor&, Args& a) {
    WantArgs("semver", a, 1);
    auto o = std::make_shared<SemverObj>();
    if (!ParseSemver(StrArg(a, 0), &o->v)) throw FuncError("Invalid Semantic Version");
    return Value::NewObject(o);
  };
  f["semverCompare"] = [](Executor&, Args& a) {
    WantArgs("semverCompare", a, 2);
    SemVersion v;
    if (!ParseSemver(StrArg(a, 1), &v)) throw FuncError("Invalid Semantic Version");
    try {
      return Value::Bool(SemverSatisfies(StrArg(a, 0), v));
    } catch (const std::runtime_error& e) {
      throw FuncError(e.what());
    }
  };
  // --- urls ---
  f["urlParse"] = [](Executor&, Args& a) {
    WantArgs("urlParse", a, 1);
    std::string s = StrArg(a, 0);
    Value m = Value::NewMap();
    std::string scheme, rest = s, frag, query, userinfo, host, path, opaque;
    size_t h = rest.find('#');
    if (h != std::string::npos) { frag = rest.substr(h + 1); rest = rest.substr(0, h); }
    size_t c = rest.find(':');
    if (c != std::string::npos && c > 0 && std::isalpha(static_cast<unsigned char>(rest[0])) &&
        rest.find_first_of("/?") > c) {
      scheme = rest.substr(0, c);
      for (auto& ch : scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      rest = rest.substr(c + 1);
    }
    size_t q = rest.find('?');
    if (q != std::string::npos) { query = rest.substr(q + 1); rest = rest.substr(0, q); }
    if (rest.rfind("//", 0) == 0) {
      rest = rest.substr(2);
      size_t sl = rest.find('/');
      std::string auth = rest.substr(0, sl);
      rest = sl == std::string::npos ? "" : rest.substr(sl);
      size_t at = auth.rfind('@');
      if (at != std::string::npos) { userinfo = auth.substr(0, at); auth = auth.substr(at + 1); }
      host = auth;
      path = rest;
    } else if (!scheme.empty() && (rest.empty() || rest[0] != '/')) {
      opaque = rest;
    } else {
      path = rest;
    }
    std::string hostname = host;
    if (!hostname.empty() && hostname[0] == '[') {
      size_t e = hostname.find(']');
      hostname = hostname.substr(1, e == std::string::npos ? std::string::npos : e - 1);
    } else {
      size_t colon = hostname.rfind(':');
      if (colon != std::string::npos) hostname = hostname.substr(0, colon);
    }
    (*m.map)["scheme"] = Value::String(scheme);
    (*m.map)["host"] = Value::String(host);
    (*m.map)["hostname"] = Value::String(hostname);
    (*m.map)["path"] = Value::String(path);
    (*m.map)["query"] = Value::String(query);
    (*m.map)["opaque"] = Value::String(opaque);
    (*m.map)["fragment"] = Value::String(frag);
    (*m.map)["userinfo"] = Value::String(userinfo);
    return m;
  };
  f["urlJoin"] = [](Executor&, Args& a) {
    WantArgs("urlJoin", a, 1);
    auto m = MapArg(a, 0);
    auto get = [&](const char* k) { auto it = m->find(k); return it == m->end() ? std::string() : StrVal(it->second); };
    std::string out;
    std::string scheme = get("scheme"), host = get("host"), path = get("path"), query = get("query"),
                frag = get("fragment"), user = get("userinfo"), opaque = get("opaque");
    if (!scheme.empty()) out += scheme + ":";
    if (!opaque.empty()) {
      out += opaque;
    } else {
      if (!scheme.empty() || !host.empty() || !user.empty()) {
        out += "//";
        if (!user.empty()) out += user + "@";
        out += host;
      }
      if (!path.empty() && path[0] != '/' && !host.empty()) out += "/";
      out += path;
    }
    if (!query.empty()) out += "?" + query;
    if (!frag.empty()) out += "#" + frag;
    return Value::String(out);
  };
  // --- dates (non-reproducible) ---
  f["now"] = [](Executor&, Args&) { return Now(); };
  f["date"] = [](Executor&, Args& a) {
    WantArgs("date", a, 2);
    int64_t s = 0, ns = 0;
    if (!TimeOf(a[1], &s, &ns)) { Value n = Now(); TimeOf(n, &s, &ns); }
    return Value::String(FormatTime(s, ns, StrArg(a, 0)));
  };
  f["dateInZone"] = [](Executor&, Args& a) {
    WantArgs("dateInZone", a, 3);
    int64_t s = 0, ns = 0;
    if (!TimeOf(a[1], &s, &ns)) { Value n = Now(); TimeOf(n, &s, &ns); }
    return Value::String(FormatTime(s, ns, StrArg(a, 0)));
  };
  f["date_in_zone"] = f["dateInZone"];
  f["htmlDate"] = [](Executor&, Args& a) {
    WantArgs("htmlDate", a, 1);
    int64_t s = 0, ns = 0;
    TimeOf(a[0], &s, &ns);
    return Value::String(FormatTime(s, ns, "2006-01-02"));
  };
  f["htmlDateInZone"] = [](Executor&, Args& a) {
    WantArgs("htmlDateInZone", a, 2);
    int64_t s = 0, ns = 0;
    TimeOf(a[0], &s, &ns);
    return Value::String(FormatTime(s, ns, "2006-01-02"));
  };
  f["unixEpoch"] = [](Executor&, Args& a) {
    WantArgs("unixEpoch", a, 1);
    int64_t s = 0, ns = 0;
    TimeOf(a[0], &s, &ns);
    return Value::String(std::to_string(s));
  };
  f["dateModify"] = [](Executor&, Args& a) { WantArgs("dateModify", a, 2); return a[1]; };
  f["date_modify"] = f["dateModify"];
  f["mustDateModify"] = f["dateModify"];
  f["must_date_modify"] = f["dateModify"];
  f["ago"] = [](Executor&, Args& a) { WantArgs("ago", a, 1); return Value::String("0s"); };
  f["toDate"] = [](Executor&, Args& a) { WantArgs("toDate", a, 2); return Now(); };
  f["mustToDate"] = f["toDate"];
  f["duration"] = [](Executor&, Args& a) {
    WantArgs("duration", a, 1);
    int64_t s = ToInt64(a[0]);
    std::string out;
    if (s == 0) return Value::String("0s");
    int64_t h = s / 3600, mi = (s % 3600) / 60, se = s % 60;
    if (h) out += std::to_string(h) + "h";
    if (h || mi) out += std::to_string(mi) + "m";
    out += std::to_string(se) + "s";
    return Value::String(out);
  };
  f["durationRound"] = [](Executor&, Args& a) { WantArgs("durationRound", a, 1); return Value::String(StrVal(a[0])); };
}

}  // namespace capstan::gotemplate
