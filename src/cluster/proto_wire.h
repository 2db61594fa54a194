// Protobuf wire format: a bounds-checked reader and a writer.
#ifndef CAPSTAN_CLUSTER_PROTO_WIRE_H_
#define CAPSTAN_CLUSTER_PROTO_WIRE_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace capstan::cluster {

struct ProtoReader {
  const unsigned char* p;
  const unsigned char* end;
  bool ok = true;
  explicit ProtoReader(std::string_view s)
      : p(reinterpret_cast<const unsigned char*>(s.data())),
        end(reinterpret_cast<const unsigned char*>(s.data()) + s.size()) {}
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
  // The next field: wire type 0 -> *num; 2 -> *bytes; 1/5 -> *num (raw bits).
  bool Next(int* field, int* wire, std::string_view* bytes, uint64_t* num) {
    if (Done()) return false;
    uint64_t key = Varint();
    *field = static_cast<int>(key >> 3);
    *wire = static_cast<int>(key & 7);
    if (*field <= 0) return ok = false;
    if (*wire == 0) {
      *num = Varint();
    } else if (*wire == 2) {
      uint64_t n = Varint();
      if (!ok || n > static_cast<uint64_t>(end - p)) return ok = false;
      *bytes = std::string_view(reinterpret_cast<const char*>(p), n);
      p += n;
    } else if (*wire == 1 || *wire == 5) {
      int size = *wire == 1 ? 8 : 4;
      if (end - p < size) return ok = false;
      uint64_t v = 0;
      for (int i = 0; i < size; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
      *num = v;
      p += size;
    } else {
      return ok = false;
    }
    return ok;
  }
};

struct ProtoWriter {
  std::string out;
  void Varint(uint64_t v) {
    while (v >= 0x80) {
      out += static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    out += static_cast<char>(v);
  }
  void Key(int field, int wire) { Varint(static_cast<uint64_t>(field) << 3 | wire); }
  void Bytes(int field, std::string_view b) {
    Key(field, 2);
    Varint(b.size());
    out.append(b.data(), b.size());
  }
  void Number(int field, uint64_t v) {
    Key(field, 0);
    Varint(v);
  }
  void Fixed(int field, uint64_t v, int size) {
    Key(field, size == 8 ? 1 : 5);
    for (int i = 0; i < size; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
  }
};

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_PROTO_WIRE_H_
