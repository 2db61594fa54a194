#include "diff/unified.h"

#include <algorithm>
#include <vector>

namespace capstan::diff {

namespace {

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      out.push_back(text.substr(start));
      break;
    }
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

enum class Op { kKeep, kDel, kAdd };

// Above this many differing lines the exact script costs too much memory
// (the trace is O(D*(N+M))): the changed middle is shown as replaced whole.
constexpr int kMaxEdits = 4000;

// Myers' O((N+M)D) shortest edit script of the middle part (common prefix
// and suffix handled by the caller).
std::vector<Op> MiddleScript(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  // The trace keeps one row of 2(N+M)+1 ints per edit: bound it to ~16 MB.
  const long row = 2L * (n + m) + 2;
  const int max_edits = static_cast<int>(std::min<long>(kMaxEdits, 4'000'000L / row));
  const int max = n + m;
  std::vector<int> v(2 * static_cast<size_t>(max) + 2, 0);
  std::vector<std::vector<int>> trace;
  int found_d = -1;
  for (int d = 0; d <= max; ++d) {
    if (d > max_edits) {
      std::vector<Op> ops(static_cast<size_t>(n), Op::kDel);
      ops.insert(ops.end(), static_cast<size_t>(m), Op::kAdd);
      return ops;
    }
    trace.push_back(v);
    for (int k = -d; k <= d; k += 2) {
      int x;
      if (k == -d || (k != d && v[k - 1 + max] < v[k + 1 + max]))
        x = v[k + 1 + max];
      else
        x = v[k - 1 + max] + 1;
      int y = x - k;
      while (x < n && y < m && a[x] == b[y]) ++x, ++y;
      v[k + max] = x;
      if (x >= n && y >= m) {
        found_d = d;
        break;
      }
    }
    if (found_d >= 0) break;
  }
  std::vector<Op> ops;
  int x = n, y = m;
  for (int d = found_d; d > 0; --d) {
    const std::vector<int>& pv = trace[d];
    int k = x - y;
    int prev_k = (k == -d || (k != d && pv[k - 1 + max] < pv[k + 1 + max])) ? k + 1 : k - 1;
    int prev_x = pv[prev_k + max];
    int prev_y = prev_x - prev_k;
    while (x > prev_x && y > prev_y) ops.push_back(Op::kKeep), --x, --y;
    ops.push_back(x == prev_x ? Op::kAdd : Op::kDel);
    x = prev_x, y = prev_y;
  }
  while (x > 0 && y > 0) ops.push_back(Op::kKeep), --x, --y;
  std::reverse(ops.begin(), ops.end());
  return ops;
}

std::vector<Op> EditScript(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  size_t pre = 0;
  while (pre < a.size() && pre < b.size() && a[pre] == b[pre]) ++pre;
  size_t suf = 0;
  while (suf < a.size() - pre && suf < b.size() - pre && a[a.size() - 1 - suf] == b[b.size() - 1 - suf]) ++suf;
  std::vector<std::string_view> ma(a.begin() + static_cast<long>(pre), a.end() - static_cast<long>(suf));
  std::vector<std::string_view> mb(b.begin() + static_cast<long>(pre), b.end() - static_cast<long>(suf));
  std::vector<Op> ops(pre, Op::kKeep);
  std::vector<Op> mid = MiddleScript(ma, mb);
  ops.insert(ops.end(), mid.begin(), mid.end());
  ops.insert(ops.end(), suf, Op::kKeep);
  return ops;
}

std::string Range(int start, int count) {
  // diff -u: "start,count", start is 1-based; an empty range names the line
  // before it.
  if (count == 0) return std::to_string(start) + ",0";
  if (count == 1) return std::to_string(start + 1);
  return std::to_string(start + 1) + "," + std::to_string(count);
}

}  // namespace

std::string UnifiedDiff(std::string_view from, std::string_view to, std::string_view from_name,
                        std::string_view to_name, int context) {
  if (from == to) return "";
  auto a = Lines(from), b = Lines(to);
  std::vector<Op> ops = EditScript(a, b);
  // Positions of each op in a and b.
  struct Step {
    Op op;
    int ai, bi;
  };
  std::vector<Step> steps;
  int ai = 0, bi = 0;
  for (Op op : ops) {
    steps.push_back({op, ai, bi});
    if (op != Op::kAdd) ++ai;
    if (op != Op::kDel) ++bi;
  }
  std::string out = "--- " + std::string(from_name) + "\n+++ " + std::string(to_name) + "\n";
  if (context < 0) context = 0;
  size_t i = 0;
  while (i < steps.size()) {
    while (i < steps.size() && steps[i].op == Op::kKeep) ++i;
    if (i == steps.size()) break;
    size_t start = i >= static_cast<size_t>(context) ? i - context : 0;
    size_t end = i;
    // Extend the hunk while changes are within 2*context of each other.
    for (;;) {
      while (end < steps.size() && steps[end].op != Op::kKeep) ++end;
      size_t next = end;
      while (next < steps.size() && steps[next].op == Op::kKeep) ++next;
      if (next < steps.size() && next - end <= 2 * static_cast<size_t>(context)) {
        end = next;
        continue;
      }
      end = std::min(steps.size(), end + context);
      break;
    }
    int a_start = steps[start].ai, b_start = steps[start].bi, a_count = 0, b_count = 0;
    std::string body;
    for (size_t j = start; j < end; ++j) {
      const Step& s = steps[j];
      if (s.op == Op::kKeep) {
        body += " " + std::string(a[s.ai]) + "\n";
        ++a_count, ++b_count;
      } else if (s.op == Op::kDel) {
        body += "-" + std::string(a[s.ai]) + "\n";
        ++a_count;
      } else {
        body += "+" + std::string(b[s.bi]) + "\n";
        ++b_count;
      }
    }
    out += "@@ -" + Range(a_start, a_count) + " +" + Range(b_start, b_count) + " @@\n" + body;
    i = end;
  }
  return out;
}

}  // namespace capstan::diff
