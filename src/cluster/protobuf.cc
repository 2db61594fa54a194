#include "cluster/protobuf.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <string_view>

#include "base/base64.h"
#include "cluster/config_data.h"
#include "cluster/proto_schema.h"
#include "cluster/proto_wire.h"
#include "yaml/yaml.h"

namespace capstan::cluster {
namespace {

using yaml::Node;

const std::string kMeta = "k8s.io.apimachinery.pkg.apis.meta.v1.";
const std::string kTime = kMeta + "Time";
const std::string kMicroTime = kMeta + "MicroTime";
const std::string kDuration = kMeta + "Duration";
const std::string kFieldsV1 = kMeta + "FieldsV1";
const std::string kIntOrString = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
const std::string kQuantity = "k8s.io.apimachinery.pkg.api.resource.Quantity";
const std::string kRawExtension = "k8s.io.apimachinery.pkg.runtime.RawExtension";
constexpr int kMaxDepth = 64;

struct DecodeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string FormatTime(int64_t seconds, int64_t nanos, bool micro) {
  time_t t = static_cast<time_t>(seconds);
  struct tm tm;
  if (!gmtime_r(&t, &tm)) throw DecodeError("time out of range");
  char buf[48];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string s = buf;
  if (micro) {
    char frac[16];
    snprintf(frac, sizeof frac, ".%06lld", static_cast<long long>((nanos / 1000) % 1000000));
    s += frac;
  }
  return s + "Z";
}

bool ParseTime(const std::string& s, int64_t* seconds, int64_t* nanos) {
  struct tm tm = {};
  const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) return false;
  *nanos = 0;
  if (*rest == '.') {
    ++rest;
    int64_t scale = 100000000;
    while (*rest >= '0' && *rest <= '9') {
      *nanos += (*rest - '0') * scale;
      scale /= 10;
      ++rest;
    }
  }
  int64_t offset = 0;
  if (*rest == '+' || *rest == '-') {
    int h = 0, m = 0;
    if (sscanf(rest + 1, "%d:%d", &h, &m) != 2) return false;
    offset = (h * 3600 + m * 60) * (*rest == '+' ? 1 : -1);
  } else if (*rest != 'Z') {
    return false;
  }
  *seconds = static_cast<int64_t>(timegm(&tm)) - offset;
  return true;
}

// Go's time.Duration.String().
std::string FormatDuration(int64_t ns) {
  if (ns == 0) return "0s";
  bool neg = ns < 0;
  uint64_t u = neg ? -static_cast<uint64_t>(ns) : ns;
  std::string out;
  if (u < 1000000000ULL) {
    char buf[32];
    if (u < 1000) snprintf(buf, sizeof buf, "%lluns", static_cast<unsigned long long>(u));
    else if (u < 1000000) snprintf(buf, sizeof buf, "%gµs", u / 1e3);
    else snprintf(buf, sizeof buf, "%gms", u / 1e6);
    out = buf;
  } else {
    uint64_t h = u / 3600000000000ULL, m = u / 60000000000ULL % 60;
    double s = (u % 60000000000ULL) / 1e9;
    char buf[64];
    if (h) snprintf(buf, sizeof buf, "%lluh%llum%gs", static_cast<unsigned long long>(h), static_cast<unsigned long long>(m), s);
    else if (m) snprintf(buf, sizeof buf, "%llum%gs", static_cast<unsigned long long>(m), s);
    else snprintf(buf, sizeof buf, "%gs", s);
    out = buf;
  }
  return neg ? "-" + out : out;
}

int64_t ParseDuration(const std::string& s) {
  double total = 0;
  size_t i = 0;
  bool neg = !s.empty() && s[0] == '-';
  if (neg || (!s.empty() && s[0] == '+')) ++i;
  if (s == "0") return 0;
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (start == i) throw DecodeError("invalid duration " + s);
    double v = std::stod(s.substr(start, i - start));
    size_t us = i;
    while (i < s.size() && !std::isdigit(static_cast<unsigned char>(s[i])) && s[i] != '.') ++i;
    std::string unit = s.substr(us, i - us);
    double mul = unit == "ns" ? 1 : unit == "us" || unit == "µs" ? 1e3 : unit == "ms" ? 1e6
               : unit == "s" ? 1e9 : unit == "m" ? 60e9 : unit == "h" ? 3600e9 : -1;
    if (mul < 0) throw DecodeError("invalid duration " + s);
    total += v * mul;
  }
  return static_cast<int64_t>(neg ? -total : total);
}

Node DecodeMessage(const ProtoSchema& schema, const ProtoMessage& m, std::string_view bytes, int depth);

Node Scalar(const ProtoField& f, int wire, uint64_t num, std::string_view bytes) {
  switch (f.type) {
    case kProtoString:
      if (wire != 2) throw DecodeError(f.name + ": expected a string");
      return Node::String(bytes);
    case kProtoBytes:
      if (wire != 2) throw DecodeError(f.name + ": expected bytes");
      return Node::String(base::Base64Encode(bytes));
    case kProtoBool: return Node::Bool(num != 0);
    case kProtoInt32: case kProtoEnum: return Node::Int(static_cast<int32_t>(num));
    case kProtoUint32: case kProtoFixed32: return Node::Int(static_cast<uint32_t>(num));
    case kProtoSfixed32: return Node::Int(static_cast<int32_t>(num));
    case kProtoInt64: case kProtoUint64: case kProtoFixed64: case kProtoSfixed64:
      return Node::Int(static_cast<int64_t>(num));
    case kProtoSint32: case kProtoSint64:
      return Node::Int(static_cast<int64_t>((num >> 1) ^ (~(num & 1) + 1)));
    case kProtoDouble: {
      double d;
      std::memcpy(&d, &num, 8);
      return Node::Float(d);
    }
    case kProtoFloat: {
      float d;
      uint32_t bits = static_cast<uint32_t>(num);
      std::memcpy(&d, &bits, 4);
      return Node::Float(d);
    }
    default: throw DecodeError(f.name + ": unsupported field type");
  }
}

// The JSON form of the special types; nullopt for an ordinary message.
std::optional<Node> Special(const std::string& type, std::string_view bytes, bool* omit) {
  bool is_time = type == kTime || type == kMicroTime;
  if (!is_time && type != kDuration && type != kIntOrString && type != kQuantity &&
      type != kRawExtension && type != kFieldsV1)
    return std::nullopt;
  ProtoReader r(bytes);
  int n, w;
  std::string_view s;
  uint64_t v;
  int64_t a = 0, b = 0;
  std::string str;
  bool has_raw = false;
  while (r.Next(&n, &w, &s, &v)) {
    if (w == 0 && n == 1) a = static_cast<int64_t>(v);
    if (w == 0 && n == 2) b = static_cast<int32_t>(v);
    if (w == 2) {
      str = s;
      has_raw = true;
    }
  }
  if (!r.ok) throw DecodeError(type + ": malformed");
  if (is_time) {
    if (a == 0 && b == 0) *omit = true;  // Go's zero time: null
    return Node::String(FormatTime(a, b, type == kMicroTime));
  }
  if (type == kDuration) return Node::String(FormatDuration(a));
  if (type == kIntOrString) return a == 1 ? Node::String(str) : Node::Int(b);
  if (type == kQuantity) return Node::String(str);
  if (!has_raw || str.empty()) {
    *omit = true;
    return Node::Null();
  }
  try {
    return yaml::ParseJson(str, type);
  } catch (const std::exception& e) {
    throw DecodeError(type + ": raw is not JSON");
  }
}

Node FieldValue(const ProtoSchema& schema, const ProtoField& f, int wire, uint64_t num,
                std::string_view bytes, int depth, bool* omit) {
  if (f.type != kProtoMessage) return Scalar(f, wire, num, bytes);
  if (wire != 2) throw DecodeError(f.name + ": expected a message");
  if (auto special = Special(f.type_name, bytes, omit)) return *special;
  const ProtoMessage* sub = schema.Find(f.type_name);
  if (!sub) throw DecodeError(f.name + ": unknown type " + f.type_name);
  return DecodeMessage(schema, *sub, bytes, depth + 1);
}

Node DecodeMessage(const ProtoSchema& schema, const ProtoMessage& m, std::string_view bytes, int depth) {
  if (depth > kMaxDepth) throw DecodeError("nested too deeply");
  Node out = Node::Map();
  ProtoReader r(bytes);
  int n, w;
  std::string_view s;
  uint64_t v;
  while (r.Next(&n, &w, &s, &v)) {
    const ProtoField* f = m.ByNumber(n);
    if (!f) continue;  // unknown fields are dropped, as Go's decoder does
    if (f->repeated && f->type == kProtoMessage) {
      const ProtoMessage* sub = schema.Find(f->type_name);
      if (sub && sub->map_entry) {
        // map<K, V>: entries {key=1, value=2}.
        const ProtoField* kf = sub->ByNumber(1);
        const ProtoField* vf = sub->ByNumber(2);
        if (!kf || !vf || w != 2) throw DecodeError(f->name + ": malformed map entry");
        Node key = Node::String(""), value;
        bool have_value = false;
        ProtoReader e(s);
        int en, ew;
        std::string_view es;
        uint64_t ev;
        while (e.Next(&en, &ew, &es, &ev)) {
          bool omit = false;
          if (en == 1) key = Scalar(*kf, ew, ev, es);
          if (en == 2) {
            value = FieldValue(schema, *vf, ew, ev, es, depth, &omit);
            have_value = true;
          }
        }
        if (!e.ok) throw DecodeError(f->name + ": malformed map entry");
        if (!have_value) value = vf->type == kProtoMessage ? Node::Map() : Node::String("");
        Node* map = out.Get(f->name);
        if (!map) map = &out.Set(f->name, Node::Map());
        map->Set(key.Str(), value);
        continue;
      }
    }
    Node* list = nullptr;
    if (f->repeated) {
      list = out.Get(f->name);
      if (!list) list = &out.Set(f->name, Node::Seq());
    }
    if (f->repeated && w == 2 && f->type != kProtoMessage && f->type != kProtoString &&
        f->type != kProtoBytes) {
      // Packed scalars.
      ProtoReader pr(s);
      while (!pr.Done()) {
        uint64_t x = 0;
        if (f->type == kProtoDouble || f->type == kProtoFixed64 || f->type == kProtoSfixed64) {
          if (pr.end - pr.p < 8) throw DecodeError(f->name + ": truncated");
          std::memcpy(&x, pr.p, 8);
          pr.p += 8;
        } else if (f->type == kProtoFloat || f->type == kProtoFixed32 || f->type == kProtoSfixed32) {
          uint32_t y;
          if (pr.end - pr.p < 4) throw DecodeError(f->name + ": truncated");
          std::memcpy(&y, pr.p, 4);
          pr.p += 4;
          x = y;
        } else {
          x = pr.Varint();
        }
        if (!pr.ok) throw DecodeError(f->name + ": truncated");
        list->items.push_back(Scalar(*f, 0, x, {}));
      }
      continue;
    }
    bool omit = false;
    Node value = FieldValue(schema, *f, w, v, s, depth, &omit);
    if (list) {
      list->items.push_back(std::move(value));
    } else if (!omit && !(value.IsString() && value.Str().empty() && f->type == kProtoString)) {
      // gogo-protobuf writes every non-pointer string, empty or not; Go's
      // JSON of the same object leaves empty ones out (omitempty).
      out.Set(f->name, std::move(value));
    }
  }
  if (!r.ok) throw DecodeError(m.full_name + ": truncated or malformed");
  return out;
}

// ---- encoding ----------------------------------------------------------

void EncodeMessage(const ProtoSchema& schema, const ProtoMessage& m, const Node& obj,
                   ProtoWriter* w, int depth);

bool EncodeSpecial(const std::string& type, const Node& v, ProtoWriter* w) {
  if (type == kTime || type == kMicroTime) {
    int64_t s, ns;
    if (!v.IsString() || !ParseTime(v.Str(), &s, &ns)) throw DecodeError("bad time " + v.Str());
    w->Number(1, static_cast<uint64_t>(s));
    if (ns) w->Number(2, static_cast<uint64_t>(ns));
    return true;
  }
  if (type == kDuration) {
    w->Number(1, static_cast<uint64_t>(ParseDuration(v.Str())));
    return true;
  }
  if (type == kIntOrString) {
    if (v.IsInt()) {
      w->Number(1, 0);
      w->Number(2, static_cast<uint64_t>(static_cast<int64_t>(v.AsInt())));
    } else {
      w->Number(1, 1);
      w->Bytes(3, v.Str());
    }
    return true;
  }
  if (type == kQuantity) {
    w->Bytes(1, v.Str());
    return true;
  }
  if (type == kRawExtension || type == kFieldsV1) {
    w->Bytes(1, yaml::EmitJson(v));
    return true;
  }
  return false;
}

void EncodeValue(const ProtoSchema& schema, const ProtoField& f, const Node& v, ProtoWriter* w, int depth) {
  switch (f.type) {
    case kProtoString: w->Bytes(f.number, v.Str()); return;
    case kProtoBytes: {
      size_t bad;
      auto raw = DecodeStdBase64(v.Str(), &bad);
      if (!raw) throw DecodeError(f.name + ": not base64");
      w->Bytes(f.number, *raw);
      return;
    }
    case kProtoBool: w->Number(f.number, v.AsBool() ? 1 : 0); return;
    case kProtoSint32: case kProtoSint64: {
      int64_t x = v.AsInt();
      w->Number(f.number, (static_cast<uint64_t>(x) << 1) ^ static_cast<uint64_t>(x >> 63));
      return;
    }
    case kProtoDouble: {
      double d = v.AsFloat(static_cast<double>(v.AsInt()));
      uint64_t bits;
      std::memcpy(&bits, &d, 8);
      w->Fixed(f.number, bits, 8);
      return;
    }
    case kProtoFloat: {
      float d = static_cast<float>(v.AsFloat(static_cast<double>(v.AsInt())));
      uint32_t bits;
      std::memcpy(&bits, &d, 4);
      w->Fixed(f.number, bits, 4);
      return;
    }
    case kProtoFixed32: case kProtoSfixed32: w->Fixed(f.number, static_cast<uint32_t>(v.AsInt()), 4); return;
    case kProtoFixed64: case kProtoSfixed64: w->Fixed(f.number, static_cast<uint64_t>(v.AsInt()), 8); return;
    case kProtoMessage: {
      ProtoWriter sub;
      if (!EncodeSpecial(f.type_name, v, &sub)) {
        const ProtoMessage* m = schema.Find(f.type_name);
        if (!m) throw DecodeError(f.name + ": unknown type");
        EncodeMessage(schema, *m, v, &sub, depth + 1);
      }
      w->Bytes(f.number, sub.out);
      return;
    }
    default:  // int32/int64/uint*/enum
      w->Number(f.number, static_cast<uint64_t>(v.AsInt()));
  }
}

void EncodeMessage(const ProtoSchema& schema, const ProtoMessage& m, const Node& obj,
                   ProtoWriter* w, int depth) {
  if (depth > kMaxDepth) throw DecodeError("nested too deeply");
  if (!obj.IsMap()) throw DecodeError(m.full_name + ": expected an object");
  for (const auto& f : m.fields) {
    const Node* v = obj.Get(f.name);
    if (!v || v->IsNull()) continue;
    const ProtoMessage* sub = f.type == kProtoMessage ? schema.Find(f.type_name) : nullptr;
    if (f.repeated && sub && sub->map_entry) {
      if (!v->IsMap()) throw DecodeError(f.name + ": expected an object");
      const ProtoField* kf = sub->ByNumber(1);
      const ProtoField* vf = sub->ByNumber(2);
      for (const auto& e : v->fields) {
        ProtoWriter entry;
        EncodeValue(schema, *kf, e.key, &entry, depth);
        if (!e.value.IsNull()) EncodeValue(schema, *vf, e.value, &entry, depth);
        w->Bytes(f.number, entry.out);
      }
    } else if (f.repeated) {
      if (!v->IsSeq()) throw DecodeError(f.name + ": expected an array");
      for (const auto& item : v->items) EncodeValue(schema, f, item, w, depth);
    } else {
      EncodeValue(schema, f, *v, w, depth);
    }
  }
}

const std::string kMagic("k8s\0", 4);

}  // namespace

std::optional<Node> DecodeProtobufObject(const std::string& body, std::string* error) {
  auto fail = [&](const std::string& why) -> std::optional<Node> {
    if (error) *error = why;
    return std::nullopt;
  };
  if (body.size() < 4 || body.compare(0, 4, kMagic) != 0)
    return fail("the body does not start with the protobuf magic \"k8s\\x00\"");
  ProtoReader r(std::string_view(body).substr(4));
  int n, w;
  std::string_view s, raw;
  uint64_t v;
  std::string api_version, kind;
  while (r.Next(&n, &w, &s, &v)) {
    if (n == 1 && w == 2) {
      ProtoReader t(s);
      std::string_view x;
      while (t.Next(&n, &w, &x, &v)) {
        if (n == 1) api_version = x;
        if (n == 2) kind = x;
      }
    } else if (n == 2 && w == 2) {
      raw = s;
    }
  }
  if (!r.ok) return fail("malformed runtime.Unknown envelope");
  const ProtoSchema& schema = ProtoSchema::Kubernetes();
  const ProtoMessage* m = schema.ForKind(api_version, kind);
  if (!m) return fail("no protobuf message for " + api_version + " " + kind);
  try {
    Node obj = DecodeMessage(schema, *m, raw, 0);
    Node out = Node::Map();
    if (!api_version.empty()) out.Set("apiVersion", Node::String(api_version));
    if (!kind.empty()) out.Set("kind", Node::String(kind));
    for (auto& f : obj.fields) out.Set(f.key.Str(), std::move(f.value));
    return out;
  } catch (const DecodeError& e) {
    return fail(kind + ": " + e.what());
  }
}

std::optional<std::string> EncodeProtobufObject(const Node& object) {
  std::string api_version = object.StrAt({"apiVersion"}), kind = object.StrAt({"kind"});
  const ProtoSchema& schema = ProtoSchema::Kubernetes();
  const ProtoMessage* m = schema.ForKind(api_version, kind);
  if (!m) return std::nullopt;
  try {
    ProtoWriter raw;
    EncodeMessage(schema, *m, object, &raw, 0);
    ProtoWriter type_meta;
    type_meta.Bytes(1, api_version);
    type_meta.Bytes(2, kind);
    ProtoWriter unknown;
    unknown.Bytes(1, type_meta.out);
    unknown.Bytes(2, raw.out);
    unknown.Bytes(3, "");
    unknown.Bytes(4, "");
    return kMagic + unknown.out;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace capstan::cluster
