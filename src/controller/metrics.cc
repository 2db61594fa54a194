#include "controller/metrics.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace capstan::controller {

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string EscapeLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

namespace {

std::string EscapeHelp(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// `a="x",b="y"`: the key a series is stored under.
std::string LabelKey(const Labels& labels) {
  std::string out;
  for (const auto& [k, v] : labels) {
    if (!out.empty()) out += ",";
    out += k + "=\"" + EscapeLabel(v) + "\"";
  }
  return out;
}

std::string LabelText(const std::string& key, const std::string& extra_key = "", const std::string& extra = "") {
  if (key.empty() && extra_key.empty()) return "";
  std::string out = "{" + key;
  if (!extra_key.empty()) out += std::string(key.empty() ? "" : ",") + extra_key + "=\"" + extra + "\"";
  return out + "}";
}

}  // namespace

void Registry::Declare(const std::string& name, MetricType type, const std::string& help,
                       std::vector<double> buckets) {
  std::lock_guard<std::mutex> l(mu_);
  if (families_.count(name)) return;
  order_.push_back(name);
  families_[name] = Family{type, help, std::move(buckets), {}};
}

Registry::Family& Registry::Get(const std::string& name) {
  auto it = families_.find(name);
  if (it == families_.end()) throw std::logic_error("metric " + name + " not declared");
  return it->second;
}

void Registry::Add(const std::string& name, const Labels& labels, double value) {
  std::lock_guard<std::mutex> l(mu_);
  Get(name).series[LabelKey(labels)].value += value;
}

void Registry::Set(const std::string& name, const Labels& labels, double value) {
  std::lock_guard<std::mutex> l(mu_);
  Get(name).series[LabelKey(labels)].value = value;
}

void Registry::Observe(const std::string& name, const Labels& labels, double value) {
  std::lock_guard<std::mutex> l(mu_);
  Family& f = Get(name);
  Series& s = f.series[LabelKey(labels)];
  if (s.bucket_counts.empty()) s.bucket_counts.assign(f.buckets.size(), 0);
  for (size_t i = 0; i < f.buckets.size(); ++i)
    if (value <= f.buckets[i]) {
      s.bucket_counts[i] += 1;
      break;
    }
  s.sum += value;
  ++s.count;
}

void Registry::Clear(const std::string& name) {
  std::lock_guard<std::mutex> l(mu_);
  Get(name).series.clear();
}

std::string Registry::Render() {
  std::lock_guard<std::mutex> l(mu_);
  std::string out;
  for (const auto& name : order_) {
    const Family& f = families_.at(name);
    out += "# HELP " + name + " " + EscapeHelp(f.help) + "\n";
    out += "# TYPE " + name + " " +
           (f.type == MetricType::kCounter ? "counter" : f.type == MetricType::kGauge ? "gauge" : "histogram") + "\n";
    for (const auto& [labels, s] : f.series) {
      if (f.type != MetricType::kHistogram) {
        out += name + LabelText(labels) + " " + FormatValue(s.value) + "\n";
        continue;
      }
      double cumulative = 0;
      for (size_t i = 0; i < f.buckets.size(); ++i) {
        cumulative += i < s.bucket_counts.size() ? s.bucket_counts[i] : 0;
        out += name + "_bucket" + LabelText(labels, "le", FormatValue(f.buckets[i])) + " " + FormatValue(cumulative) + "\n";
      }
      out += name + "_bucket" + LabelText(labels, "le", "+Inf") + " " + FormatValue(double(s.count)) + "\n";
      out += name + "_sum" + LabelText(labels) + " " + FormatValue(s.sum) + "\n";
      out += name + "_count" + LabelText(labels) + " " + FormatValue(double(s.count)) + "\n";
    }
  }
  return out;
}

}  // namespace capstan::controller
