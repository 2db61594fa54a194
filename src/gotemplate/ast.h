// Parse tree of a Go text/template (internal to the module).
#ifndef CAPSTAN_GOTEMPLATE_AST_H_
#define CAPSTAN_GOTEMPLATE_AST_H_

#include <memory>
#include <string>
#include <vector>

#include "gotemplate/value.h"

namespace capstan::gotemplate {

enum class NodeType : uint8_t {
  kList, kText, kAction, kIf, kRange, kWith, kTemplate, kBreak, kContinue, kComment,
  kPipe, kCommand,
  kField,       // .A.B: idents
  kVariable,    // $x.A.B: idents[0] = "$x"
  kDot, kNil, kBool, kNumber, kString,
  kIdentifier,  // function name
  kChain,       // (pipe).A.B: node + idents
  kElse_, kEnd_,  // parser markers only
};

struct Node {
  NodeType type;
  size_t pos = 0;                       // byte offset in the template text
  std::string text;                     // text, identifier, template name, literal source
  std::vector<std::string> idents;      // field chain
  std::vector<std::shared_ptr<Node>> nodes;  // list items, pipe commands, command args
  std::shared_ptr<Node> pipe;           // action/if/range/with/template pipeline; chain base
  std::shared_ptr<Node> list, else_list;
  std::vector<std::string> decl;        // pipe: declared/assigned variables
  bool is_assign = false;
  std::shared_ptr<const Value> literal;  // bool, number, string constants
};
using NodePtr = std::shared_ptr<Node>;

struct Tree {
  std::string name;
  std::string parse_name;             // the file it was parsed from (error locations)
  std::shared_ptr<std::string> text;  // the source, for error positions
  NodePtr root;                       // kList
};

// "NAME:LINE:COL" of a byte offset, as Go's ErrorContext.
std::string Location(const Tree& t, size_t pos);
// Parses a number literal as Go's parse.NumberNode (int, float64, rune).

// The node printed as Go's Node.String() does, for error messages.
std::string NodeString(const Node& n);

}  // namespace capstan::gotemplate

#endif  // CAPSTAN_GOTEMPLATE_AST_H_
