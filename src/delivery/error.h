// Errors and file writes shared by the delivery commands.
#ifndef CAPSTAN_DELIVERY_ERROR_H_
#define CAPSTAN_DELIVERY_ERROR_H_

#include <stdexcept>
#include <string>

namespace capstan::delivery {

// A refused operation. what() is one line naming the file, object and field;
// never a secret value.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads a whole file; throws Error naming it.
std::string ReadFile(const std::string& path);
// Writes through a temporary file in the same directory and rename(), so a
// reader (or a crash) never sees half a file (no fsync: durability across a
// power loss is not promised). Keeps the mode of an existing file.
void WriteFileAtomically(const std::string& path, const std::string& content);

}  // namespace capstan::delivery

#endif  // CAPSTAN_DELIVERY_ERROR_H_
