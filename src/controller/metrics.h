// Prometheus metrics in text format 0.0.4: counters, gauges and histograms
// with labels, kept in memory and rendered on scrape. Families are declared
// once with their type, help and (histograms) buckets; samples of one
// family stay contiguous, `# HELP`/`# TYPE` come once before them.
#ifndef CAPSTAN_CONTROLLER_METRICS_H_
#define CAPSTAN_CONTROLLER_METRICS_H_

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace capstan::controller {

using Labels = std::vector<std::pair<std::string, std::string>>;

enum class MetricType { kCounter, kGauge, kHistogram };

class Registry {
 public:
  void Declare(const std::string& name, MetricType type, const std::string& help,
               std::vector<double> buckets = {});
  void Add(const std::string& name, const Labels& labels, double value = 1);  // counter or gauge
  void Set(const std::string& name, const Labels& labels, double value);      // gauge
  void Observe(const std::string& name, const Labels& labels, double value);  // histogram
  // Drops every sample of a family (scrape-time gauges are rebuilt).
  void Clear(const std::string& name);
  std::string Render();

 private:
  struct Series {
    double value = 0;
    std::vector<double> bucket_counts;  // histogram: per bucket (not cumulative)
    double sum = 0;
    uint64_t count = 0;
  };
  struct Family {
    MetricType type;
    std::string help;
    std::vector<double> buckets;
    // By label text (`a="x",b="y"`, escaped): one string per series rather
    // than a vector of pairs (10,000 apps make ~100,000 series).
    std::map<std::string, Series> series;
  };
  Family& Get(const std::string& name);
  std::mutex mu_;
  std::vector<std::string> order_;
  std::map<std::string, Family> families_;
};

// "1", "0.25", "+Inf" as Prometheus writes numbers.
std::string FormatValue(double v);
// Label value escaping: backslash, double quote, newline.
std::string EscapeLabel(const std::string& v);

}  // namespace capstan::controller

#endif  // CAPSTAN_CONTROLLER_METRICS_H_
