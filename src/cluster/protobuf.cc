#include "cluster/protobuf.h"

#include <cstdint>
#include <functional>

#include "base/base64.h"

namespace capstan::cluster {
namespace {

using yaml::Node;

struct Reader {
  const unsigned char* p;
  const unsigned char* end;
  bool ok = true;
  bool Done() const { return p >= end || !ok; }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && p < end; shift += 7) {
      unsigned char b = *p++;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    ok = false;
    return 0;
  }
  // Reads a field; for length-delimited ones `bytes` gets the payload.
  bool Next(int* field, int* wire, std::string* bytes, uint64_t* num) {
    if (Done()) return false;
    uint64_t key = Varint();
    *field = static_cast<int>(key >> 3);
    *wire = static_cast<int>(key & 7);
    if (*wire == 0) {
      *num = Varint();
    } else if (*wire == 2) {
      uint64_t n = Varint();
      if (n > static_cast<uint64_t>(end - p)) return ok = false;
      bytes->assign(reinterpret_cast<const char*>(p), n);
      p += n;
    } else if (*wire == 1) {
      if (end - p < 8) return ok = false;
      p += 8;
    } else if (*wire == 5) {
      if (end - p < 4) return ok = false;
      p += 4;
    } else {
      return ok = false;
    }
    return ok;
  }
};

Reader R(const std::string& s) {
  return Reader{reinterpret_cast<const unsigned char*>(s.data()),
                reinterpret_cast<const unsigned char*>(s.data()) + s.size()};
}

void MapEntry(const std::string& entry, Node& map, bool base64) {
  Reader r = R(entry);
  int f, w;
  std::string b, k, v;
  uint64_t n;
  while (r.Next(&f, &w, &b, &n)) {
    if (f == 1) k = b;
    if (f == 2) v = b;
  }
  if (base64) v = base::Base64Encode(v);
  map.Set(k, Node::String(v));
}

Node ObjectMeta(const std::string& s) {
  Node md = Node::Map();
  Reader r = R(s);
  int f, w;
  std::string b;
  uint64_t n;
  while (r.Next(&f, &w, &b, &n)) {
    switch (f) {
      case 1: md.Set("name", Node::String(b)); break;
      case 2: md.Set("generateName", Node::String(b)); break;
      case 3: md.Set("namespace", Node::String(b)); break;
      case 11: MapEntry(b, md.GetOrCreateMap("labels"), false); break;
      case 12: MapEntry(b, md.GetOrCreateMap("annotations"), false); break;
      case 14: {
        Node& fins = md.GetOrCreateMap("finalizers");
        if (!fins.IsSeq()) fins = Node::Seq();
        fins.items.push_back(Node::String(b));
        break;
      }
      default: break;
    }
  }
  return md;
}

}  // namespace

std::optional<Node> DecodeProtobufObject(const std::string& body) {
  if (body.size() < 4 || body.compare(0, 4, std::string("k8s\0", 4)) != 0) return std::nullopt;
  std::string payload = body.substr(4);  // the Reader points into it
  Reader r = R(payload);
  int f, w;
  std::string b, api_version, kind, raw;
  uint64_t n;
  while (r.Next(&f, &w, &b, &n)) {
    if (f == 1) {
      Reader t = R(b);
      std::string x;
      while (t.Next(&f, &w, &x, &n)) {
        if (f == 1) api_version = x;
        if (f == 2) kind = x;
      }
    } else if (f == 2) {
      raw = b;
    }
  }
  if (!r.ok) return std::nullopt;
  Node obj = Node::Map();
  obj.Set("apiVersion", Node::String(api_version));
  obj.Set("kind", Node::String(kind));
  if (api_version != "v1") return std::nullopt;
  Reader o = R(raw);
  bool known = kind == "Namespace" || kind == "ConfigMap" || kind == "Secret" ||
               kind == "ServiceAccount";
  if (!known) return std::nullopt;
  while (o.Next(&f, &w, &b, &n)) {
    if (f == 1) {
      obj.Set("metadata", ObjectMeta(b));
      continue;
    }
    if (kind == "ConfigMap") {
      if (f == 2) MapEntry(b, obj.GetOrCreateMap("data"), false);
      if (f == 3) MapEntry(b, obj.GetOrCreateMap("binaryData"), true);
      if (f == 4) obj.Set("immutable", Node::Bool(n != 0));
    } else if (kind == "Secret") {
      if (f == 2) MapEntry(b, obj.GetOrCreateMap("data"), true);
      if (f == 3) obj.Set("type", Node::String(b));
      if (f == 4) MapEntry(b, obj.GetOrCreateMap("stringData"), false);
      if (f == 5) obj.Set("immutable", Node::Bool(n != 0));
    }
  }
  if (!o.ok) return std::nullopt;
  return obj;
}

}  // namespace capstan::cluster
