#include "validate/report.h"

#include <map>
#include <set>

#include "yaml/json_string.h"

namespace capstan::validate {

std::string XmlEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') out += "?";
        else out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string JsonString(const std::string& s) {
  std::string out;
  yaml::AppendJsonString(&out, s);
  return out;
}

std::string FormatText(const Report& report) {
  std::string out;
  for (const ReportFinding& f : report.findings) {
    const ReportSubject& s = report.subjects.at(f.subject);
    out += s.file.empty() ? s.suite : s.file;
    if (s.line > 0) out += ":" + std::to_string(s.line);
    out += ": " + s.name + ": " + f.tool + "/" + f.rule + " [" + f.severity + "]";
    if (!f.path.empty()) out += " " + f.path;
    out += ": " + f.message + "\n";
  }
  return out;
}

std::string FormatJUnit(const Report& report, const std::string& name, bool warnings_fail) {
  // suite -> subject index -> tool -> findings
  std::map<std::string, std::vector<size_t>> suites;
  for (size_t i = 0; i < report.subjects.size(); ++i) suites[report.subjects[i].suite].push_back(i);
  std::map<size_t, std::vector<const ReportFinding*>> by_subject;
  std::set<std::string> tools;
  for (const ReportFinding& f : report.findings) {
    by_subject[f.subject].push_back(&f);
    tools.insert(f.tool);
  }
  size_t total_tests = 0, total_failures = 0;
  std::string body;
  for (const auto& [suite, subjects] : suites) {
    size_t tests = 0, failures = 0;
    std::string cases;
    for (size_t si : subjects) {
      const ReportSubject& s = report.subjects[si];
      std::vector<const ReportFinding*> fs = by_subject[si];
      std::vector<const ReportFinding*> failing, passing;
      for (const ReportFinding* f : fs) (warnings_fail || (f->severity != "warning" && f->severity != "note") ? failing : passing).push_back(f);
      ++tests;
      cases += "    <testcase classname=\"" + XmlEscape(suite) + "\" name=\"" + XmlEscape(s.name) + "\"";
      if (!s.file.empty()) cases += " file=\"" + XmlEscape(s.file) + "\"";
      if (failing.empty() && passing.empty()) {
        cases += "/>\n";
        continue;
      }
      cases += ">\n";
      if (!failing.empty()) {
        ++failures;
        std::string text;
        for (const ReportFinding* f : failing)
          text += f->tool + "/" + f->rule + " [" + f->severity + "] " + (f->path.empty() ? "" : f->path + ": ") + f->message + "\n";
        cases += "      <failure message=\"" + XmlEscape(std::to_string(failing.size()) + " finding(s)") +
                 "\" type=\"" + XmlEscape(failing[0]->tool + "/" + failing[0]->rule) + "\">" + XmlEscape(text) + "</failure>\n";
      }
      if (!passing.empty()) {
        std::string text;
        for (const ReportFinding* f : passing)
          text += f->tool + "/" + f->rule + " [" + f->severity + "] " + (f->path.empty() ? "" : f->path + ": ") + f->message + "\n";
        cases += "      <system-out>" + XmlEscape(text) + "</system-out>\n";
      }
      cases += "    </testcase>\n";
    }
    total_tests += tests;
    total_failures += failures;
    body += "  <testsuite name=\"" + XmlEscape(suite) + "\" tests=\"" + std::to_string(tests) + "\" failures=\"" +
            std::to_string(failures) + "\" errors=\"0\" skipped=\"0\">\n" + cases + "  </testsuite>\n";
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"" + XmlEscape(name) + "\" tests=\"" +
         std::to_string(total_tests) + "\" failures=\"" + std::to_string(total_failures) + "\">\n" + body +
         "</testsuites>\n";
}

std::string FormatSarif(const Report& report) {
  std::set<std::string> rules;
  for (const ReportFinding& f : report.findings) rules.insert(f.tool + "/" + f.rule);
  std::string out =
      "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n"
      "  \"runs\": [{\n    \"tool\": {\"driver\": {\"name\": \"capstan\", \"informationUri\": "
      "\"https://github.com/capstan\", \"rules\": [";
  bool first = true;
  for (const std::string& r : rules) {
    out += (first ? "\n" : ",\n") + std::string("      {\"id\": ") + JsonString(r) + "}";
    first = false;
  }
  out += "]}},\n    \"results\": [";
  first = true;
  for (const ReportFinding& f : report.findings) {
    const ReportSubject& s = report.subjects.at(f.subject);
    std::string level = (f.severity == "warning") ? "warning" : (f.severity == "note") ? "note" : "error";
    std::string msg = s.name + ": " + (f.path.empty() ? "" : f.path + ": ") + f.message;
    out += (first ? "\n" : ",\n") + std::string("      {\"ruleId\": ") + JsonString(f.tool + "/" + f.rule) +
           ", \"level\": \"" + level + "\", \"message\": {\"text\": " + JsonString(msg) + "}";
    std::string uri = s.file.empty() ? s.suite : s.file;
    if (!uri.empty()) {
      out += ", \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": " + JsonString(uri) + "}";
      if (s.line > 0) out += ", \"region\": {\"startLine\": " + std::to_string(s.line) + "}";
      out += "}}]";
    }
    out += "}";
    first = false;
  }
  out += "]\n  }]\n}\n";
  return out;
}

}  // namespace capstan::validate
