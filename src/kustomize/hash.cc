// The name suffix kustomize gives generated objects: sha256 over a Go
// json.Marshal encoding of selected fields, first 10 hex digits with
// vowel-ish digits swapped out so it never spells words.
//
// Quirk kept on purpose: kustomize looks the name up with a path string as
// one key, finds nothing, and hashes an empty name; so does this.
#include <nettle/sha2.h>

#include "kustomize/internal.h"
#include "yaml/yaml.h"

namespace capstan::kustomize {

namespace {

// A field for the encoding: absent -> "" (kustomize's lookup fallback).
Node FieldOr(const Node& obj, const char* name) {
  const Node* f = obj.Get(name);
  if (!f) return Str("");
  return *f;
}

}  // namespace

std::string HashResource(const Node& obj) {
  std::string kind = obj.StrAt({"kind"});
  Node m = Node::Map();
  if (kind == "ConfigMap") {
    m.Set("kind", Str("ConfigMap"));
    m.Set("name", Str(""));
    m.Set("data", FieldOr(obj, "data"));
    if (const Node* b = obj.Get("binaryData"); b && b->IsMap()) m.Set("binaryData", *b);
  } else if (kind == "Secret") {
    m.Set("kind", Str("Secret"));
    m.Set("type", FieldOr(obj, "type"));
    m.Set("name", Str(""));
    m.Set("data", FieldOr(obj, "data"));
    if (const Node* s = obj.Get("stringData"); s && s->IsMap()) m.Set("stringData", *s);
  } else {
    m = obj;
  }
  // Go json.Marshal bytes: sorted keys, HTML-safe escapes, canonical numbers.
  std::string json = yaml::EmitJsonSorted(m);
  uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, json.size(), reinterpret_cast<const uint8_t*>(json.data()));
  sha256_digest(&ctx, sizeof digest, digest);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 5; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  for (char& c : out) {
    switch (c) {
      case '0': c = 'g'; break;
      case '1': c = 'h'; break;
      case '3': c = 'k'; break;
      case 'a': c = 'm'; break;
      case 'e': c = 't'; break;
      default: break;
    }
  }
  return out;
}

}  // namespace capstan::kustomize
