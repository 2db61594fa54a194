// Text output of `capstan app`: tables in the style of the argocd CLI.
#ifndef CAPSTAN_CLI_APP_PRINT_H_
#define CAPSTAN_CLI_APP_PRINT_H_

#include <ostream>
#include <string>
#include <vector>

#include "app/application.h"
#include "app/manager.h"

namespace capstan::cli {

struct AppRow {
  std::string name, sync, health, ns, revision, notes;
};
AppRow RowOf(const app::Application& a, const std::string& notes);
void PrintAppTable(std::ostream& out, const std::vector<AppRow>& rows);
void PrintAppDetails(std::ostream& out, const app::Application& a, const std::string& notes);
void PrintSyncResult(std::ostream& out, const app::Application& a, const app::SyncOutcome& r);
struct SyncRow {
  std::string name, phase, sync, health, message;
};
void PrintSyncTable(std::ostream& out, const std::vector<SyncRow>& rows);
void PrintHistory(std::ostream& out, const app::Application& a);

}  // namespace capstan::cli

#endif  // CAPSTAN_CLI_APP_PRINT_H_
