// Chart loading (Helm's pkg/chart/loader): directories with .helmignore,
// .tgz archives, Chart.yaml/requirements.yaml, values.yaml, subcharts.
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/lazy_library.h"
#include "gotemplate/args.h"
#include "gotemplate/convert.h"
#include "gotemplate/semver.h"
#include "helm/chart.h"
#include "yaml/yaml.h"

#define CAPSTAN_ZLIB_FUNCTIONS(X) X(inflateInit2_) X(inflate) X(inflateEnd)
#define CAPSTAN_ZLIB_STUB(name) CAPSTAN_LAZY_STUB(z, name)
CAPSTAN_ZLIB_FUNCTIONS(CAPSTAN_ZLIB_STUB)

namespace capstan::helm {
namespace {
void LoadZlib() {
  static base::LazyLibrary lib(CAPSTAN_ZLIB_SONAME, {CAPSTAN_ZLIB_FUNCTIONS(CAPSTAN_LAZY_SLOT)},
                               "install the zlib runtime package zlib1g");
  lib.Load();
}
}  // namespace
}  // namespace capstan::helm
CAPSTAN_LAZY_RESOLVER(z, capstan::helm::LoadZlib)

namespace capstan::helm {
namespace fs = std::filesystem;
namespace {

// One open, fstat and read (no iostream: a big chart is hundreds of files).
std::string ReadFileBytes(const fs::path& p) {
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw HelmError("open " + p.string() + ": no such file or directory");
  struct FdCloser { int fd; ~FdCloser() { ::close(fd); } } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0 || st.st_size < 0) throw HelmError("read " + p.string() + ": cannot read file");
  if (st.st_size > (off_t{1} << 30)) throw HelmError("read " + p.string() + ": file larger than 1 GiB");
  std::string data(static_cast<size_t>(st.st_size), '\0');
  size_t got = 0;
  while (got < data.size()) {
    ssize_t n = ::read(fd, data.data() + got, data.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw HelmError("read " + p.string() + ": cannot read file");
    if (n == 0) break;  // the file shrank meanwhile
    got += static_cast<size_t>(n);
  }
  data.resize(got);
  return data;
}

struct IgnoreRule {
  std::string pattern;
  bool negate = false, must_dir = false;
  int mode = 0;  // 0 basename, 1 full path, 2 rooted
};

std::vector<IgnoreRule> ParseIgnore(const std::string& text) {
  std::vector<IgnoreRule> rules;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    size_t b = line.find_first_not_of(" \t");
    if (b == std::string::npos) continue;
    line = line.substr(b);
    if (line.empty() || line[0] == '#') continue;
    if (line == "!" || line == "/") continue;
    IgnoreRule r;
    if (line[0] == '!') { r.negate = true; line = line.substr(1); }
    if (line.size() > 1 && line.back() == '/') { r.must_dir = true; line.pop_back(); }
    if (line[0] == '/') { r.mode = 2; line = line.substr(1); }
    else if (line.find('/') != std::string::npos) r.mode = 1;
    r.pattern = line;
    rules.push_back(r);
  }
  // AddDefaults: templates/.?*
  IgnoreRule d;
  d.pattern = "templates/.?*";
  d.mode = 1;
  rules.push_back(d);
  return rules;
}

bool Ignored(const std::vector<IgnoreRule>& rules, const std::string& path, bool is_dir) {
  if (path.empty() || path == ".") return false;
  std::string base = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  for (const auto& r : rules) {
    if (r.must_dir && !is_dir) continue;
    const std::string& subject = r.mode == 0 ? base : path;
    bool m = fnmatch(r.pattern.c_str(), subject.c_str(), FNM_PATHNAME) == 0;
    if (r.negate) {
      if (m) return false;
      continue;
    }
    if (m) return true;
  }
  return false;
}

void Walk(const fs::path& root, const fs::path& dir, const std::string& rel, const std::vector<IgnoreRule>& rules,
          std::vector<ChartFile>* out) {
  std::vector<fs::directory_entry> entries;
  for (const auto& e : fs::directory_iterator(dir)) entries.push_back(e);
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path().filename().string() < b.path().filename().string(); });
  for (const auto& e : entries) {
    std::string name = e.path().filename().string();
    std::string r = rel.empty() ? name : rel + "/" + name;
    bool is_dir = e.is_directory();
    if (Ignored(rules, r, is_dir)) continue;
    if (is_dir) {
      Walk(root, e.path(), r, rules, out);
    } else if (e.is_regular_file()) {
      out->push_back({r, ReadFileBytes(e.path())});
    }
  }
}

std::string Gunzip(const std::string& in, const std::string& what) {
  z_stream zs{};
  if (inflateInit2_(&zs, 16 + MAX_WBITS, ZLIB_VERSION, static_cast<int>(sizeof(z_stream))) != Z_OK)
    throw HelmError(what + ": cannot initialise gzip");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[65536];
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      throw HelmError(what + ": gzip: invalid header");
    }
    out.append(buf, sizeof buf - zs.avail_out);
    if (out.size() > (size_t{1} << 30)) {
      inflateEnd(&zs);
      throw HelmError(what + ": chart archive larger than 1 GiB");
    }
  } while (rc != Z_STREAM_END && zs.avail_in > 0);
  inflateEnd(&zs);
  return out;
}

uint64_t Octal(const char* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n && p[i]; ++i) {
    if (p[i] == ' ') continue;
    if (p[i] < '0' || p[i] > '7') break;
    v = v * 8 + (p[i] - '0');
  }
  return v;
}

std::string GetStr(const gt::Value& m, const char* key) {
  if (m.type != gt::Type::kMap) return "";
  auto it = m.map->find(key);
  if (it == m.map->end() || it->second.IsNil()) return "";
  if (it->second.type == gt::Type::kString) return it->second.s;
  return gt::FormatValue(it->second);
}

// sigs.k8s.io/yaml into a struct: the document as values (go-yaml v2 -> JSON).
gt::Value ParseYamlFile(const std::string& data, const std::string& what) {
  try {
    return gt::ParseYamlValue(data, what);
  } catch (const yaml::ParseError& e) {
    std::string m = e.go_message().empty() ? e.what() : e.go_message();
    throw HelmError("error converting YAML to JSON: " + m);
  }
}

void ParseDependencies(const gt::Value& list, std::vector<Dependency>* out) {
  if (list.type != gt::Type::kList) return;
  for (const gt::Value& d : *list.list) {
    if (d.type != gt::Type::kMap) continue;
    Dependency dep;
    dep.name = GetStr(d, "name");
    dep.version = GetStr(d, "version");
    dep.repository = GetStr(d, "repository");
    dep.condition = GetStr(d, "condition");
    dep.alias = GetStr(d, "alias");
    auto t = d.map->find("tags");
    if (t != d.map->end() && t->second.type == gt::Type::kList)
      for (const auto& x : *t->second.list) dep.tags.push_back(gt::StrVal(x));
    auto iv = d.map->find("import-values");
    if (iv != d.map->end()) dep.import_values = iv->second;
    out->push_back(dep);
  }
}

void Validate(const Chart& c) {
  if (c.api_version.empty()) throw HelmError("validation: chart.metadata.apiVersion is required");
  if (c.name.empty()) throw HelmError("validation: chart.metadata.name is required");
  if (c.name.find('/') != std::string::npos) throw HelmError("validation: chart.metadata.name \"" + c.name + "\" is invalid");
  if (c.version.empty()) throw HelmError("validation: chart.metadata.version is required");
  gt::SemVersion v;
  if (!gt::ParseSemver(c.version, &v)) throw HelmError("validation: chart.metadata.version \"" + c.version + "\" is invalid");
  if (!c.type.empty() && c.type != "application" && c.type != "library")
    throw HelmError("validation: chart.metadata.type must be application or library");
  std::vector<std::string> seen;
  for (const auto& d : c.dependencies) {
    std::string key = d.alias.empty() ? d.name : d.alias;
    if (std::find(seen.begin(), seen.end(), key) != seen.end())
      throw HelmError("validation: more than one dependency with name or alias \"" + key + "\"");
    seen.push_back(key);
  }
}

}  // namespace

std::vector<ChartFile> ReadArchive(const std::string& bytes, const std::string& what) {
  std::string tar = Gunzip(bytes, what);
  std::vector<ChartFile> files;
  size_t pos = 0;
  std::string long_name;
  while (pos + 512 <= tar.size()) {
    const char* h = tar.data() + pos;
    bool zero = true;
    for (int i = 0; i < 512; ++i) if (h[i]) { zero = false; break; }
    if (zero) break;
    std::string name(h, strnlen(h, 100));
    std::string prefix(h + 345, strnlen(h + 345, 155));
    if (std::string(h + 257, 5) == "ustar" && !prefix.empty()) name = prefix + "/" + name;
    uint64_t size = Octal(h + 124, 12);
    char type = h[156];
    pos += 512;
    if (pos + size > tar.size()) throw HelmError(what + ": unexpected EOF in archive");
    std::string data = tar.substr(pos, size);
    pos += (size + 511) / 512 * 512;
    if (type == 'L') { long_name = std::string(data.c_str()); continue; }
    if (type == 'x' || type == 'g') {
      // PAX header: path=...
      size_t p = data.find(" path=");
      if (p != std::string::npos) {
        size_t e = data.find('\n', p);
        long_name = data.substr(p + 6, e - p - 6);
      }
      continue;
    }
    if (!long_name.empty()) { name = long_name; long_name.clear(); }
    if (type != '0' && type != '\0') continue;
    // strip the first path component (the chart directory)
    size_t slash = name.find('/');
    if (slash == std::string::npos) continue;
    std::string rel = name.substr(slash + 1);
    while (rel.rfind("./", 0) == 0) rel = rel.substr(2);
    if (rel.empty()) continue;
    if (rel.find("..") != std::string::npos) {
      bool bad = false;
      size_t s = 0;
      while (s <= rel.size()) {
        size_t e = rel.find('/', s);
        if (rel.substr(s, e == std::string::npos ? std::string::npos : e - s) == "..") bad = true;
        if (e == std::string::npos) break;
        s = e + 1;
      }
      if (bad) throw HelmError(what + ": chart illegally references parent directory");
    }
    files.push_back({rel, data});
  }
  return files;
}

std::shared_ptr<Chart> LoadFiles(std::vector<ChartFile> files, const std::string& what) {
  auto c = std::make_shared<Chart>();
  c->values = gt::Value::NewMap();
  bool have_chart_yaml = false;
  std::map<std::string, std::vector<ChartFile>> subcharts;
  std::vector<std::string> sub_order;
  gt::Value requirements;
  for (auto& f : files) {
    if (f.name == "Chart.yaml") {
      have_chart_yaml = true;
      gt::Value md;
      try {
        md = ParseYamlFile(f.data, "Chart.yaml");
      } catch (const HelmError& e) {
        throw HelmError(std::string("cannot load Chart.yaml: ") + e.what());
      }
      if (md.type != gt::Type::kMap) md = gt::Value::NewMap();
      c->metadata = md;
      c->api_version = GetStr(md, "apiVersion");
      c->name = GetStr(md, "name");
      c->version = GetStr(md, "version");
      c->app_version = GetStr(md, "appVersion");
      c->description = GetStr(md, "description");
      c->type = GetStr(md, "type");
      c->kube_version = GetStr(md, "kubeVersion");
      c->icon = GetStr(md, "icon");
      c->home = GetStr(md, "home");
      auto dep = md.map->find("deprecated");
      c->deprecated = dep != md.map->end() && dep->second.type == gt::Type::kBool && dep->second.b;
      if (c->api_version.empty()) c->api_version = "v1";
      auto deps = md.map->find("dependencies");
      if (deps != md.map->end()) ParseDependencies(deps->second, &c->dependencies);
    } else if (f.name == "values.yaml") {
      gt::Value v;
      try {
        v = ParseYamlFile(f.data, "values.yaml");
      } catch (const HelmError& e) {
        throw HelmError(std::string("cannot load values.yaml: ") + e.what());
      }
      if (v.type == gt::Type::kMap) c->values = v;
      else if (!v.IsNil()) throw HelmError("cannot load values.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal " + std::string(v.type == gt::Type::kList ? "array" : "string") + " into Go value of type map[string]interface {}");
    } else if (f.name == "values.schema.json") {
      c->schema = f.data;
    } else if (f.name == "requirements.yaml") {
      try {
        requirements = ParseYamlFile(f.data, "requirements.yaml");
      } catch (const HelmError& e) {
        throw HelmError(std::string("cannot load requirements.yaml: ") + e.what());
      }
      c->files.push_back(std::move(f));
    } else if (f.name.rfind("templates/", 0) == 0) {
      c->templates.push_back(std::move(f));
    } else if (f.name.rfind("charts/", 0) == 0) {
      if (f.name.size() > 5 && f.name.compare(f.name.size() - 5, 5, ".prov") == 0) {
        c->files.push_back(std::move(f));
        continue;
      }
      std::string fname = f.name.substr(7);
      std::string cname = fname.substr(0, fname.find('/'));
      if (!subcharts.count(cname)) sub_order.push_back(cname);
      subcharts[cname].push_back({fname, std::move(f.data)});
    } else {
      c->files.push_back(std::move(f));
    }
  }
  if (!have_chart_yaml) throw HelmError("Chart.yaml file is missing");
  if (c->api_version == "v1" && requirements.type == gt::Type::kMap) {
    auto deps = requirements.map->find("dependencies");
    c->dependencies.clear();
    if (deps != requirements.map->end()) ParseDependencies(deps->second, &c->dependencies);
  }
  Validate(*c);
  std::sort(sub_order.begin(), sub_order.end());
  for (const auto& cname : sub_order) {
    auto& sf = subcharts[cname];
    std::shared_ptr<Chart> sc;
    try {
      if (sf.size() == 1 && sf[0].name == cname) {
        if (cname.size() > 4 && cname.compare(cname.size() - 4, 4, ".tgz") == 0) {
          sc = LoadFiles(ReadArchive(sf[0].data, cname), cname);
        } else {
          continue;  // a stray file in charts/
        }
      } else {
        std::vector<ChartFile> inner;
        for (auto& x : sf) {
          if (x.name.size() <= cname.size() + 1) continue;
          inner.push_back({x.name.substr(cname.size() + 1), std::move(x.data)});
        }
        sc = LoadFiles(std::move(inner), cname);
      }
    } catch (const HelmError& e) {
      throw HelmError("error unpacking subchart " + cname + " in " + c->name + ": " + e.what());
    }
    c->charts.push_back(sc);
  }
  for (auto& sc : c->charts) sc->parent = c.get();
  return c;
}

std::shared_ptr<Chart> LoadChart(const std::string& path) {
  fs::path p(path);
  std::error_code ec;
  if (!fs::exists(p, ec)) throw HelmError("path \"" + path + "\" not found");
  if (fs::is_directory(p, ec)) {
    std::vector<IgnoreRule> rules;
    fs::path ig = p / ".helmignore";
    if (fs::exists(ig, ec)) rules = ParseIgnore(ReadFileBytes(ig));
    else rules = ParseIgnore("");
    std::vector<ChartFile> files;
    Walk(p, p, "", rules, &files);
    return LoadFiles(std::move(files), path);
  }
  std::string bytes = ReadFileBytes(p);
  return LoadFiles(ReadArchive(bytes, path), path);
}

}  // namespace capstan::helm
