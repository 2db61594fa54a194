// The local cluster as a process of its data directory (`capstan cluster
// up|down|status`): `server.pid` and `port` files in the data directory, a
// detached background server that reports start-up over a pipe, stop by
// SIGTERM (SIGKILL after 10 s). Printing is the caller's.
#ifndef CAPSTAN_CLUSTER_DAEMON_H_
#define CAPSTAN_CLUSTER_DAEMON_H_

#include <sys/types.h>

#include <functional>
#include <string>

#include "cluster/cluster.h"

namespace capstan::cluster {

// Pid of the server running for `data_dir` (its server.pid, if that process
// exists), 0 when none.
pid_t RunningServerPid(const std::string& data_dir);
// The port the last server of `data_dir` listened on ("" when none).
std::string RecordedPort(const std::string& data_dir);

// Serves `options` in this process until SIGTERM or SIGINT. `ready` is
// called once it listens; `failed` with a one-line reason when it cannot
// start (then returns 1). Writes server.pid/port, removes server.pid on exit.
int ServeUntilSignalled(const ServerOptions& options, const std::function<void(const Server&)>& ready,
                        const std::function<void(const std::string&)>& failed);

struct StartResult {
  pid_t already_running = 0;  // a server already runs in the data directory
  int port = 0;               // listening port on success
  std::string error;          // one line, when it did not start
  bool ok() const { return already_running == 0 && error.empty(); }
};
// Creates the data directory (0700) and, when options.port is 0, reuses the
// previous port so an existing kubeconfig keeps working. With `foreground`
// serves in this process (ServeUntilSignalled, `ready` called when
// listening); otherwise starts a detached server logging to server.log and
// waits until it listens or fails.
StartResult StartServer(ServerOptions options, bool foreground,
                        const std::function<void(const Server&)>& ready = {});

struct StopResult {
  pid_t pid = 0;        // 0: nothing was running
  bool killed = false;  // it ignored SIGTERM for 10 s and got SIGKILL
};
StopResult StopServer(const std::string& data_dir);

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_DAEMON_H_
