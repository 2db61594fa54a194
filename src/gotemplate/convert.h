// Values to and from YAML/JSON the way Helm's Go code converts them.
//
// FromYaml follows sigs.k8s.io/yaml.Unmarshal into interface{}: go-yaml v2
// reads the document (YAML 1.1: yes/no/on/off are booleans, 0755 is octal),
// it becomes JSON, and encoding/json makes every number a float64.
// ToJson is encoding/json.Marshal; ToYaml is sigs.k8s.io/yaml.Marshal.
#ifndef CAPSTAN_GOTEMPLATE_CONVERT_H_
#define CAPSTAN_GOTEMPLATE_CONVERT_H_

#include <string>
#include <string_view>

#include "gotemplate/value.h"
#include "yaml/node.h"

namespace capstan::gotemplate {

// A parsed YAML node as Helm sees it after sigs.k8s.io/yaml.
Value FromYamlNode(const yaml::Node& n);
// Parses one YAML document (throws yaml::ParseError). Empty -> nil.
Value ParseYamlValue(std::string_view text, std::string_view source);
// Parses JSON (encoding/json.Unmarshal into interface{}); throws std::runtime_error.
Value ParseJsonValue(std::string_view text);

struct JsonOptions {
  bool escape_html = true;  // json.Marshal escapes <, >, &
  int indent = 0;           // MarshalIndent with this many spaces
};
std::string ToJson(const Value& v, const JsonOptions& o = {});
// sigs.k8s.io/yaml.Marshal: JSON -> go-yaml v2, keys sorted; ends in "\n".
std::string ToYaml(const Value& v);
// The value as a document node (JSON round trip semantics).
yaml::Node ToYamlNode(const Value& v);

}  // namespace capstan::gotemplate

#endif  // CAPSTAN_GOTEMPLATE_CONVERT_H_
