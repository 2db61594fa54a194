// The Sprig v3 function library (as Helm 3.17 exposes it).
//
// Deterministic functions behave as Sprig does. now, date functions, rand*,
// uuidv4 and the crypto generators give non-reproducible results (as in
// Helm); derivePassword is deterministic and implemented (scrypt from
// libcrypto); genCA/genSignedCert/genPrivateKey/bcrypt/htpasswd/
// encryptAES are not implemented and fail with a clear error.
#ifndef CAPSTAN_GOTEMPLATE_SPRIG_H_
#define CAPSTAN_GOTEMPLATE_SPRIG_H_

#include "gotemplate/template.h"

namespace capstan::gotemplate {

void AddSprigStrings(FuncMap* m);
void AddSprigLists(FuncMap* m);
void AddSprigMisc(FuncMap* m);
// All of the above, over the builtins (Sprig's names win, as in Go).
inline void AddSprig(FuncMap* m) {
  AddSprigStrings(m);
  AddSprigLists(m);
  AddSprigMisc(m);
}
// sprig's empty().
bool Empty(const Value& v);
// url.QueryEscape.
std::string QueryEscape(const std::string& s);

}  // namespace capstan::gotemplate

#endif  // CAPSTAN_GOTEMPLATE_SPRIG_H_
