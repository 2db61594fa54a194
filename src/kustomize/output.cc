#include "kustomize/output.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace capstan::kustomize {

namespace {

std::vector<char32_t> Runes(std::string_view s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (i + n > s.size()) n = 1;
    char32_t r = n == 1 ? c : (c & (0x7F >> n));
    for (size_t k = 1; k < n; ++k) r = (r << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(r);
    i += n;
  }
  return out;
}

bool IsLetter(char32_t r) {
  if (r < 0x80) return std::isalpha(static_cast<int>(r)) != 0;
  return r >= 0xC0;  // most non-ASCII runes past Latin-1 punctuation are letters
}
bool IsDigit(char32_t r) { return r >= '0' && r <= '9'; }

void Normalize(yaml::Node& n, int depth) {
  if (depth > 10000) return;
  if (n.IsMap()) {
    for (auto& f : n.fields) Normalize(f.value, depth + 1);
    auto less = [](const yaml::Field& a, const yaml::Field& b) { return GoYamlKeyLess(a.key.value, b.key.value); };
    if (!std::is_sorted(n.fields.begin(), n.fields.end(), less))
      std::stable_sort(n.fields.begin(), n.fields.end(), less);
    n.flow = false;
  } else if (n.IsSeq()) {
    for (auto& i : n.items) Normalize(i, depth + 1);
    n.flow = false;
  }
}

bool IsAscii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// go-yaml's keyList.Less over runes; ASCII keys (nearly all) are compared
// as bytes with no rune vectors to allocate.
template <typename Seq>
bool KeyLess(const Seq& a, const Seq& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] == b[i]) continue;
    bool al = IsLetter(a[i]), bl = IsLetter(b[i]);
    if (al && bl) return a[i] < b[i];
    if (al || bl) return bl;
    int64_t an = 0, bn = 0;
    if (a[i] == '0' || b[i] == '0') {
      for (size_t j = i; j-- > 0 && IsDigit(a[j]);) {
        if (a[j] != '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    // Go's int64 arithmetic wraps on overflow (a 20-digit key); so does this.
    auto push = [](int64_t n, char32_t d) {
      return static_cast<int64_t>(static_cast<uint64_t>(n) * 10 + static_cast<uint64_t>(d - '0'));
    };
    size_t ai = i, bi = i;
    for (; ai < a.size() && IsDigit(a[ai]); ++ai) an = push(an, a[ai]);
    for (; bi < b.size() && IsDigit(b[bi]); ++bi) bn = push(bn, b[bi]);
    if (an != bn) return an < bn;
    if (ai != bi) return ai < bi;
    return a[i] < b[i];
  }
  return a.size() < b.size();
}

}  // namespace

bool GoYamlKeyLess(std::string_view a, std::string_view b) {
  if (IsAscii(a) && IsAscii(b)) return KeyLess(a, b);
  return KeyLess(Runes(a), Runes(b));
}

yaml::Node KustomizeOutputForm(yaml::Node obj) {
  Normalize(obj, 0);
  return obj;
}

}  // namespace capstan::kustomize
