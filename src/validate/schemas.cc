// The Schemas front: built-in (embedded), directory, fetched; CRDs; patches.
#include <filesystem>
#include <stdexcept>

#include "base/file_system.h"
#include "validate/schema_set.h"
#include "validate/validate.h"
#include "yaml/yaml.h"

// k8s_1_32_schemas.json, linked in by embedded_schemas.S.
extern "C" const char capstan_k8s_1_32_schemas[];
extern "C" const char capstan_k8s_1_32_schemas_end[];

namespace capstan::validate {
namespace {

std::string ReadFile(const std::filesystem::path& p) {
  std::string text, err;
  if (!base::ReadFile(p.string(), &text, &err)) throw std::runtime_error(err);
  return text;
}

}  // namespace

Schemas::Schemas(std::unique_ptr<SchemaSet> set) : set_(std::move(set)) {}
Schemas::~Schemas() = default;

std::unique_ptr<Schemas> Schemas::BuiltIn() {
  std::string_view json(capstan_k8s_1_32_schemas,
                        static_cast<size_t>(capstan_k8s_1_32_schemas_end - capstan_k8s_1_32_schemas));
  return std::unique_ptr<Schemas>(new Schemas(std::make_unique<SchemaSet>(json, "built-in Kubernetes 1.32 schemas")));
}

std::unique_ptr<Schemas> Schemas::FromDirectory(const std::string& dir) {
  namespace fs = std::filesystem;
  fs::path root(dir);
  std::error_code ec;
  if (fs::is_directory(root / "openapi" / "v3", ec)) root = root / "openapi" / "v3";
  if (!fs::is_directory(root / "api", ec) && !fs::is_directory(root / "apis", ec))
    throw std::runtime_error(dir + ": not an OpenAPI v3 directory (expected api/v1.json or apis/<group>/<version>.json)");
  Fetch fetch = [root](const std::string& gv_path) -> std::optional<std::string> {
    std::error_code ec;
    fs::path p = root / (gv_path + ".json");
    if (!fs::is_regular_file(p, ec)) return std::nullopt;
    return ReadFile(p);
  };
  return FromFetch(std::move(fetch), root.string());
}

std::unique_ptr<Schemas> Schemas::FromFetch(Fetch fetch, std::string source_name) {
  return std::unique_ptr<Schemas>(new Schemas(std::make_unique<SchemaSet>(std::move(fetch), std::move(source_name))));
}

size_t Schemas::AddCrds(const std::vector<yaml::Node>& docs, bool override_builtin) {
  size_t n = 0;
  for (const yaml::Node& d : docs) n += set_->AddCrd(d, override_builtin);
  return n;
}

size_t Schemas::AddCrdsFromDirectory(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw std::runtime_error(dir + ": not a directory");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  size_t n = 0;
  for (const fs::path& f : files) {
    std::string text = ReadFile(f);
    // Documents that do not parse are skipped, as kubectl-validate skips
    // files that hold no CRD.
    std::string_view rest = text;
    std::vector<yaml::Node> docs;
    try {
      docs = yaml::ParseAll(text, f.string());
    } catch (const std::exception&) {
      continue;
    }
    n += AddCrds(docs);
  }
  return n;
}

void Schemas::SetPatchDirectory(const std::string& dir) { set_->SetPatchDirectory(dir); }

}  // namespace capstan::validate
