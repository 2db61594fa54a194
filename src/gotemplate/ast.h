// Parse tree of a Go text/template (internal to the module).
#ifndef CAPSTAN_GOTEMPLATE_AST_H_
#define CAPSTAN_GOTEMPLATE_AST_H_

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
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

// Nodes live in the NodeArena of the text they were parsed from and point
// at each other with plain pointers: a big chart parses ~10^5 nodes, and one
// allocation and one atomic reference count per node were a third of the
// parse and most of the teardown.
struct Node {
  NodeType type = NodeType::kList;
  size_t pos = 0;                       // byte offset in the template text
  std::string text;                     // identifier, template name, literal source
  std::string_view raw;                 // kText: the text, inside Tree::text
  std::vector<std::string> idents;      // field chain
  std::vector<Node*> nodes;             // list items, pipe commands, command args
  Node* pipe = nullptr;                 // action/if/range/with/template pipeline; chain base
  Node* list = nullptr;
  Node* else_list = nullptr;
  std::vector<std::string> decl;        // pipe: declared/assigned variables
  bool is_assign = false;
  std::shared_ptr<const Value> literal;  // bool, number, string constants
};
using NodePtr = Node*;

// Owns the nodes of one parsed text (a file and the templates it defines),
// allocated in chunks; nodes never move.
class NodeArena {
 public:
  Node* New(NodeType type, size_t pos) {
    if (used_ == cap_) {
      cap_ = cap_ == 0 ? 16 : std::min<size_t>(cap_ * 2, 512);
      chunks_.emplace_back(new Node[cap_]);
      used_ = 0;
    }
    Node* n = &chunks_.back()[used_++];
    n->type = type;
    n->pos = pos;
    return n;
  }

 private:
  std::vector<std::unique_ptr<Node[]>> chunks_;
  size_t used_ = 0, cap_ = 0;
};

struct Tree {
  std::string name;
  std::string parse_name;             // the file it was parsed from (error locations)
  std::shared_ptr<std::string> text;  // the source, for error positions and text nodes
  std::shared_ptr<NodeArena> arena;   // owns root and every node below it
  Node* root = nullptr;               // kList
};

// "NAME:LINE:COL" of a byte offset, as Go's ErrorContext.
std::string Location(const Tree& t, size_t pos);
// Parses a number literal as Go's parse.NumberNode (int, float64, rune).

// The node printed as Go's Node.String() does, for error messages.
std::string NodeString(const Node& n);

}  // namespace capstan::gotemplate

#endif  // CAPSTAN_GOTEMPLATE_AST_H_
