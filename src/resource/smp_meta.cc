// Helpers shared by the apimachinery strategic merge and the two-way patch.
#include "resource/smp_internal.h"

namespace capstan::resource::internal {

using yaml::Node;

Meta FieldMeta(const Schema& schema, Schema::TypeRef type, std::string_view field) {
  Meta m;
  m.type = schema.FieldType(type, field);
  if (const ListMeta* lm = schema.FieldListMeta(type, field)) {
    std::string_view s = lm->strategy;
    while (!s.empty()) {
      size_t c = s.find(',');
      std::string_view part = s.substr(0, c);
      if (part == "retainKeys") {
        m.retain_keys = true;
      } else if (!part.empty()) {
        m.strategy = std::string(part);
      }
      if (c == std::string_view::npos) break;
      s.remove_prefix(c + 1);
    }
    m.merge_key = lm->merge_key;
  }
  return m;
}

bool JsonEq(const Node& a, const Node& b) {
  if ((a.IsInt() || a.IsFloat()) && (b.IsInt() || b.IsFloat())) {
    if (a.IsInt() && b.IsInt()) return a.AsInt() == b.AsInt();
    return a.AsFloat() == b.AsFloat();
  }
  return a == b;
}

int GoType(const Node& n) {
  if (n.IsMap()) return 1;
  if (n.IsSeq()) return 2;
  if (n.IsNull()) return 0;
  if (n.IsBool()) return 3;
  if (n.IsInt() || n.IsFloat()) return 4;
  return 5;
}

}  // namespace capstan::resource::internal
