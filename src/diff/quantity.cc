#include "diff/quantity.h"

#include <cctype>

namespace capstan::diff {

namespace {

using u128 = unsigned __int128;
constexpr u128 kLimit = static_cast<u128>(1) << 120;  // headroom for *1000

enum class Format { kDecimalSI, kBinarySI, kDecimalExponent };

std::string ToString(u128 v) {
  if (v == 0) return "0";
  std::string s;
  while (v > 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  return s;
}

bool MulSmall(u128& v, unsigned m) {
  if (v > kLimit / m) return false;
  v *= m;
  return true;
}

std::string DecimalSuffix(int exp, Format format) {
  if (format == Format::kDecimalSI) {
    switch (exp) {
      case -9: return "n";
      case -6: return "u";
      case -3: return "m";
      case 0: return "";
      case 3: return "k";
      case 6: return "M";
      case 9: return "G";
      case 12: return "T";
      case 15: return "P";
      case 18: return "E";
      default: break;
    }
  }
  if (exp == 0) return "";
  return "e" + std::to_string(exp);
}

}  // namespace

std::optional<std::string> CanonicalQuantity(std::string_view text) {
  // --- parse: sign, digits[.digits], suffix --------------------------------
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  u128 mantissa = 0;
  int scale = 0;  // value = mantissa * 10^scale
  bool any_digit = false, seen_dot = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (seen_dot) return std::nullopt;
      seen_dot = true;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) break;
    any_digit = true;
    if (mantissa == 0 && c == '0') {
      if (seen_dot) --scale;
      continue;
    }
    if (!MulSmall(mantissa, 10)) return std::nullopt;
    mantissa += static_cast<unsigned>(c - '0');
    if (seen_dot) --scale;
  }
  if (!any_digit) return std::nullopt;
  std::string_view suffix = text.substr(i);
  Format format = Format::kDecimalSI;
  int dec_exp = 0, bin_exp = 0;
  if (suffix.empty()) {
  } else if (suffix.size() == 2 && suffix[1] == 'i') {
    const std::string_view bins = "KMGTPE";
    size_t p = bins.find(suffix[0]);
    if (p == std::string_view::npos) return std::nullopt;
    format = Format::kBinarySI;
    bin_exp = 10 * static_cast<int>(p + 1);
  } else if (suffix.size() == 1 && std::string_view("numkMGTPE").find(suffix[0]) != std::string_view::npos) {
    switch (suffix[0]) {
      case 'n': dec_exp = -9; break;
      case 'u': dec_exp = -6; break;
      case 'm': dec_exp = -3; break;
      case 'k': dec_exp = 3; break;
      case 'M': dec_exp = 6; break;
      case 'G': dec_exp = 9; break;
      case 'T': dec_exp = 12; break;
      case 'P': dec_exp = 15; break;
      case 'E': dec_exp = 18; break;
    }
  } else if (suffix[0] == 'e' || suffix[0] == 'E') {
    std::string_view e = suffix.substr(1);
    bool eneg = false;
    if (!e.empty() && (e[0] == '+' || e[0] == '-')) {
      eneg = e[0] == '-';
      e.remove_prefix(1);
    }
    if (e.empty() || e.size() > 4) return std::nullopt;
    int v = 0;
    for (char c : e) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      v = v * 10 + (c - '0');
    }
    format = Format::kDecimalExponent;
    dec_exp = eneg ? -v : v;
  } else {
    return std::nullopt;
  }
  scale += dec_exp;
  for (int b = 0; b < bin_exp; b += 10)
    if (!MulSmall(mantissa, 1024)) return std::nullopt;

  if (mantissa == 0) return std::string("0");

  // Bring the scale into the range the arithmetic can hold exactly.
  if (scale > 30) return std::nullopt;
  // Precision below nano is rounded up (away from zero), as Quantity does.
  if (scale < -9) {
    bool inexact = false;
    while (scale < -9) {
      if (mantissa % 10 != 0) inexact = true;
      mantissa /= 10;
      ++scale;
    }
    if (inexact) mantissa += 1;
  }

  // --- format --------------------------------------------------------------
  std::string sign = negative ? "-" : "";
  if (format == Format::kBinarySI) {
    // |value| < 1024, or not a whole number: printed in DecimalSI.
    u128 whole = mantissa;
    bool integral = true;
    for (int s = scale; s < 0; ++s) {
      if (whole % 10 != 0) integral = false;
      whole /= 10;
    }
    for (int s = scale; s > 0; --s)
      if (!MulSmall(whole, 10)) return std::nullopt;
    if (integral && whole >= 1024) {
      int exp = 0;
      while (whole % 1024 == 0 && exp < 60) {
        whole /= 1024;
        exp += 10;
      }
      static const char* kBin[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
      return sign + ToString(whole) + kBin[exp / 10];
    }
    format = Format::kDecimalSI;
  }
  while (mantissa % 10 == 0) {
    mantissa /= 10;
    ++scale;
  }
  int r = ((scale % 3) + 3) % 3;
  if (r == 1) {
    if (!MulSmall(mantissa, 10)) return std::nullopt;
    scale -= 1;
  } else if (r == 2) {
    if (!MulSmall(mantissa, 100)) return std::nullopt;
    scale -= 2;
  }
  return sign + ToString(mantissa) + DecimalSuffix(scale, format);
}

}  // namespace capstan::diff
