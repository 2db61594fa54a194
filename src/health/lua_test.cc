// Custom Lua health checks: Argo CD script compatibility and the sandbox.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "health/health.h"
#include "yaml/yaml.h"

namespace capstan::health {
namespace {

const char kRollout[] = R"(
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: r, generation: 2}
spec: {replicas: 3, strategy: {canary: {}}}
status:
  observedGeneration: "2"
  replicas: 3
  updatedReplicas: 2
  pauseConditions: [{reason: CanaryPauseStep}]
)";

LuaResult RunLua(std::string_view code, std::string_view object = kRollout, LuaLimits limits = {}) {
  return RunHealthScript(LuaScript{std::string(code), "test.lua"},
                         yaml::ParseOne(object, "obj.yaml"), limits);
}

std::optional<HealthStatus> AssessWith(const LuaHealthScripts& scripts, std::string_view object) {
  Options o;
  o.scripts = &scripts;
  return Assess(yaml::ParseOne(object, "obj.yaml"), o);
}

TEST(Lua, ArgoStyleScriptReadsObj) {
  LuaResult r = RunLua(R"lua(
hs = {}
if obj.status ~= nil and obj.status.pauseConditions ~= nil and table.getn(obj.status.pauseConditions) > 0 then
  hs.status = "Suspended"
  hs.message = "Rollout is paused (" .. obj.status.updatedReplicas .. "/" .. obj.spec.replicas .. ")"
  return hs
end
hs.status = "Healthy"
return hs

)lua");
  ASSERT_EQ(r.error, "");
  ASSERT_TRUE(r.health);
  EXPECT_EQ(r.health->code, Code::kSuspended);
  EXPECT_EQ(r.health->message, "Rollout is paused (2/3)");
}

TEST(Lua, Lua51Shims) {
  LuaResult r = RunLua(R"lua(
local a, b = unpack({1, 2})
local t = {}
table.insert(t, "x")
local s = ""
for w in string.gfind("a,b", "[^,]+") do s = s .. w end
return {status = "Healthy",
        message = tostring(math.pow(2, 3)) .. " " .. a + b .. " " .. table.getn(t) .. " " .. s ..
                  " " .. tostring(tonumber(obj.status.observedGeneration) / 2) .. " " .. os.date("!%Y", 0)}

)lua");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.health->message, "8 3 1 ab 1 1970");
}

TEST(Lua, RequireOsReturnsSafeSubset) {
  LuaResult r = RunLua(R"lua(
local os = require("os")
return {status = "Healthy", message = type(os.time()) .. type(os.clock()) .. tostring(os.execute) .. tostring(os.getenv)}

)lua");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.health->message, "numbernumbernilnil");
}

TEST(Lua, RuntimeErrorIsReportedWithLine) {
  LuaResult r = RunLua("local x = nil\nreturn {status = x.y}\n");
  EXPECT_FALSE(r.health);
  EXPECT_EQ(r.error, "test.lua:2: attempt to index a nil value (local 'x')");
  EXPECT_EQ(RunLua("error('plain', 0)").error, "test.lua: plain");
}

TEST(Lua, SyntaxErrorIsAnError) {
  LuaResult r = RunLua("hs = {\n");
  EXPECT_FALSE(r.health);
  EXPECT_NE(r.error.find("test.lua"), std::string::npos) << r.error;
}

TEST(Lua, InfiniteLoopStopsAtInstructionLimit) {
  LuaLimits limits;
  limits.max_instructions = 1'000'000;
  limits.timeout = std::chrono::seconds(60);  // the instruction cap must be what stops it
  auto start = std::chrono::steady_clock::now();
  LuaResult r = RunLua("while true do end", kRollout, limits);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_FALSE(r.health);
  EXPECT_NE(r.error.find("instruction"), std::string::npos) << r.error;
}

TEST(Lua, LoopCatchingTheAbortWithPcallStillStops) {
  LuaLimits limits;
  limits.max_instructions = 100'000;
  limits.timeout = std::chrono::seconds(60);
  LuaResult r = RunLua("while true do pcall(function() while true do end end) end", kRollout, limits);
  EXPECT_FALSE(r.health);
  EXPECT_NE(r.error.find("instruction"), std::string::npos) << r.error;
}

TEST(Lua, WallClockTimeout) {
  LuaLimits limits;
  limits.max_instructions = UINT64_MAX / 2;
  limits.timeout = std::chrono::milliseconds(50);
  LuaResult r = RunLua("local i = 0 while true do i = i + 1 end", kRollout, limits);
  EXPECT_FALSE(r.health);
  EXPECT_NE(r.error.find("timed out"), std::string::npos) << r.error;
}

TEST(Lua, LoopingFinalizerIsRefused) {
  // Lua runs __gc with hooks off, so the sandbox must not let one exist.
  auto start = std::chrono::steady_clock::now();
  LuaResult r = RunLua(
      "setmetatable({}, {__gc = function() while true do end end})\n"
      "collectgarbage()\n"
      "return {status = 'Healthy'}");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_FALSE(r.health);
  EXPECT_NE(r.error.find("__gc"), std::string::npos) << r.error;
  // Adding __gc after setmetatable does not mark the table for finalization.
  r = RunLua(
      "local mt = {} setmetatable({}, mt) mt.__gc = function() while true do end end\n"
      "collectgarbage() return {status = 'Healthy'}");
  EXPECT_EQ(r.error, "");
  // Ordinary metatables still work.
  r = RunLua("local t = setmetatable({}, {__index = function() return 'Healthy' end})\n"
             "return {status = t.anything}");
  ASSERT_TRUE(r.health) << r.error;
  EXPECT_EQ(r.health->code, Code::kHealthy);
}

TEST(Lua, MemoryBombIsStopped) {
  LuaLimits limits;
  limits.max_memory_bytes = 8 << 20;
  limits.timeout = std::chrono::seconds(60);  // the memory cap must be what stops it
  LuaResult r = RunLua("local t = {} for i = 1, 1e9 do t[i] = string.rep('x', 1024) .. i end",
                    kRollout, limits);
  EXPECT_FALSE(r.health);
  EXPECT_NE(r.error.find("memory"), std::string::npos) << r.error;
  r = RunLua("return {status = string.rep('x', 1 << 30)}", kRollout, limits);
  EXPECT_NE(r.error.find("memory"), std::string::npos) << r.error;
}

TEST(Lua, NoFileOrProcessAccess) {
  for (std::string_view code : {
           "return io.open('/etc/passwd')",
           "return dofile('/etc/passwd')",
           "return loadfile('/etc/passwd')",
           "return require('io')",
           "return os.execute('true')",
           "return os.remove('/tmp/x')",
           "return package.loadlib('libc.so.6', 'system')",
           "return debug.getregistry()",
           "return load(string.dump(function() end))",
           "return load('\\27Lua')()",
       }) {
    LuaResult r = RunLua(code);
    EXPECT_FALSE(r.health) << code;
    EXPECT_NE(r.error, "") << code;
  }
}

TEST(Lua, TextLoadStillWorks) {
  LuaResult r = RunLua("return load('return {status = \"Degraded\", message = \"m\"}')()");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.health->code, Code::kDegraded);
}

TEST(Lua, InvalidStatusIsUnknownNotError) {
  LuaResult r = RunLua("return {status = 'Fine'}");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.health->code, Code::kUnknown);
  EXPECT_EQ(r.health->message, "Lua returned an invalid health status");
}

TEST(Lua, NonTableReturnIsError) {
  EXPECT_EQ(RunLua("return 'Healthy'").error,
            "test.lua: expect table output from Lua script, not string");
  EXPECT_EQ(RunLua("x = 1").error, "test.lua: expect table output from Lua script, not nil");
  EXPECT_NE(RunLua("return {}").error, "");
  EXPECT_NE(RunLua("return {status = 1}").error, "");
}

TEST(Lua, PrintDoesNotWriteToStdout) {
  testing::internal::CaptureStdout();
  LuaResult r = RunLua("print('hello') return {status = 'Healthy'}");
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "");
  EXPECT_EQ(r.error, "");
}

TEST(Scripts, FailingScriptMakesAssessUnknown) {
  LuaHealthScripts s;
  s.Add("argoproj.io/Rollout", LuaScript{"error('boom')", "rollout.lua"}, true);
  std::optional<HealthStatus> h = AssessWith(s, kRollout);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->code, Code::kUnknown);
  EXPECT_NE(h->message.find("boom"), std::string::npos);
}

TEST(Scripts, OverrideReplacesBuiltin) {
  LuaHealthScripts s;
  s.Add("PersistentVolumeClaim", LuaScript{"return {status='Degraded', message='custom'}", "x"},
        true);
  std::optional<HealthStatus> h =
      AssessWith(s, "apiVersion: v1\nkind: PersistentVolumeClaim\nstatus: {phase: Bound}\n");
  ASSERT_TRUE(h);
  EXPECT_EQ(*h, (HealthStatus{Code::kDegraded, "custom"}));
}

TEST(Scripts, PendingDeletionWinsOverScript) {
  LuaHealthScripts s;
  s.Add("ConfigMap", LuaScript{"return {status='Degraded'}", "x"}, true);
  std::optional<HealthStatus> h = AssessWith(
      s, "apiVersion: v1\nkind: ConfigMap\nmetadata: {deletionTimestamp: '2024-01-01T00:00:00Z'}\n");
  EXPECT_EQ(*h, (HealthStatus{Code::kProgressing, "Pending deletion"}));
}

TEST(Scripts, ConfigMapKeysAndWildcards) {
  yaml::Node cm = yaml::ParseOne(R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: argocd-cm}
data:
  resource.customizations.health.argoproj.io_Rollout: |
    return {status = "Healthy", message = "exact"}
  resource.customizations.health.*.crossplane.io_*: |
    return {status = "Progressing", message = "wild"}
  resource.customizations.health.ConfigMap: |
    return {status = "Suspended"}
  resource.customizations.useOpenLibs.argoproj.io_Rollout: "true"
  resource.customizations: |
    cert-manager.io/Certificate:
      health.lua: |
        return {status = "Degraded", message = "old style"}
)",
                                 "argocd-cm.yaml");
  LuaHealthScripts s;
  std::string error;
  ASSERT_TRUE(s.LoadConfigMap(cm, "argocd-cm.yaml", &error)) << error;
  ASSERT_NE(s.Find("argoproj.io", "Rollout"), nullptr);
  ASSERT_NE(s.Find("s3.aws.crossplane.io", "Bucket"), nullptr);
  EXPECT_NE(s.Find("s3.aws.crossplane.io", "Bucket")->code.find("wild"), std::string::npos);
  ASSERT_NE(s.Find("", "ConfigMap"), nullptr);
  ASSERT_NE(s.Find("cert-manager.io", "Certificate"), nullptr);
  EXPECT_EQ(s.Find("crossplane.io", "X"), nullptr);  // "*.crossplane.io" needs a dot prefix
  EXPECT_EQ(s.Find("apps", "Deployment"), nullptr);
}

TEST(Scripts, BadConfigMapKeyIsAnError) {
  yaml::Node cm = yaml::ParseOne(
      "kind: ConfigMap\nmetadata: {name: argocd-cm}\ndata:\n"
      "  resource.customizations.health.a_b_c: 'return {}'\n",
      "cm.yaml");
  LuaHealthScripts s;
  std::string error;
  EXPECT_FALSE(s.LoadConfigMap(cm, "cm.yaml", &error));
  EXPECT_NE(error.find("cm.yaml"), std::string::npos);
  EXPECT_NE(error.find("a_b_c"), std::string::npos);
}

TEST(Scripts, DirectoryLayoutWithWildcardFolders) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("capstan-health-test-" + std::to_string(::getpid()));
  fs::create_directories(dir / "argoproj.io" / "Rollout");
  fs::create_directories(dir / "_.crossplane.io" / "_");
  fs::create_directories(dir / "argoproj.io" / "Rollout" / "actions" / "x");
  std::ofstream(dir / "argoproj.io" / "Rollout" / "health.lua") << "return {status='Healthy', message='dir'}";
  std::ofstream(dir / "_.crossplane.io" / "_" / "health.lua") << "return {status='Degraded'}";
  std::ofstream(dir / "argoproj.io" / "Rollout" / "actions" / "x" / "health.lua") << "error()";
  LuaHealthScripts s;
  std::string error;
  ASSERT_TRUE(s.LoadDirectory(dir.string(), &error)) << error;
  EXPECT_EQ(s.size(), 2u);
  std::optional<HealthStatus> h = AssessWith(s, kRollout);
  EXPECT_EQ(*h, (HealthStatus{Code::kHealthy, "dir"}));
  h = AssessWith(s, "apiVersion: ec2.aws.crossplane.io/v1\nkind: VPC\nmetadata: {name: v}\n");
  EXPECT_EQ(h->code, Code::kDegraded);
  // A ConfigMap script wins over a directory script.
  s.Add("argoproj.io/Rollout", LuaScript{"return {status='Suspended'}", "cm"}, true);
  EXPECT_EQ(AssessWith(s, kRollout)->code, Code::kSuspended);
  fs::remove_all(dir);
  EXPECT_FALSE(s.LoadDirectory(dir.string(), &error));
}

}  // namespace
}  // namespace capstan::health
