// Rego source text to AST (ast.h). Accepts Rego v0 (gatekeeper-library) and
// v1 (`if`, `contains`, `in`, `every` keywords) syntax.
#ifndef CAPSTAN_POLICY_PARSER_H_
#define CAPSTAN_POLICY_PARSER_H_

#include <string>
#include <string_view>

#include "policy/ast.h"

namespace capstan::policy {

// Throws std::runtime_error("<file>:<line>: rego_parse_error: <reason>").
Module ParseModule(std::string_view src, const std::string& file);
// A query: one or more expressions separated by `;` or newlines.
Body ParseQuery(std::string_view src, const std::string& file);
TermPtr ParseTerm(std::string_view src, const std::string& file);

}  // namespace capstan::policy

#endif  // CAPSTAN_POLICY_PARSER_H_
