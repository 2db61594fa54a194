// One JSON string literal, for code that writes JSON by hand (policy values,
// the diff's sorted JSON, validate's reports).
#ifndef CAPSTAN_YAML_JSON_STRING_H_
#define CAPSTAN_YAML_JSON_STRING_H_

#include <string>
#include <string_view>

namespace capstan::yaml {

// Appends `s` as a JSON string: \" \\ \n \r \t, other control bytes as
// \u00XX (as Go's encoding/json before 1.22), every other byte as it is.
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace capstan::yaml

#endif  // CAPSTAN_YAML_JSON_STRING_H_
