// A real Alertmanager for integration tests: Debian's prometheus-alertmanager
// (or $MEMWATCH_ALERTMANAGER) on loopback, in its own temp dir, routing every
// alert to one webhook receiver with group_wait 0s, group_interval 1s,
// repeat_interval 1h, grouped by alertname and target. Stopped by its PID in
// the destructor; its log is kept for failure messages.
//
//   HttpReceiver hook;
//   Alertmanager am1({.webhook_url = hook.Url()});            // no cluster
//   Alertmanager a({.webhook_url = hook.Url(), .cluster = true});
//   Alertmanager b({.webhook_url = hook.Url(), .cluster = true, .peer = a.ClusterAddress()});
//   a.WaitSettled(); b.WaitSettled();
//
// Web and cluster ports are picked by the kernel (port 0) unless a web port
// is given; the actual ones are read back from the log and /api/v2/status,
// so there is no race for ports and nothing fixed.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/child_process.h"
#include "harness/temp_dir.h"

namespace memwatch::testing {

class Alertmanager {
 public:
  struct Options {
    std::string webhook_url;  // where every notification goes
    int web_port = 0;         // 0: any free port
    bool cluster = false;     // gossip on a loopback port (else clustering is off)
    std::string peer;         // cluster address of a peer to join, "" for none
    // How long the peer at position N waits (N x this) before sending, to
    // let the notification log of the peers before it arrive by gossip.
    std::chrono::milliseconds peer_timeout{1000};
  };

  // Starts it and waits until /-/ready answers 200 (at most 15 s). Throws
  // std::runtime_error with the log if it does not; gtest reports that as
  // the test's failure.
  explicit Alertmanager(Options options);
  ~Alertmanager();
  Alertmanager(const Alertmanager&) = delete;
  Alertmanager& operator=(const Alertmanager&) = delete;

  int Port() const { return port_; }
  std::string Url() const;  // http://127.0.0.1:PORT
  // Its pid while it runs, -1 once stopped.
  pid_t Pid() const { return process_ ? process_->pid() : -1; }
  // Its own cluster address ("127.0.0.1:PORT") from /api/v2/status; "" if
  // clustering is off or it does not answer.
  std::string ClusterAddress() const;
  // Number of cluster members it sees (itself included); 0 if unknown.
  int ClusterSize() const;
  // True once the gossip has settled (notifications wait for it), false
  // after `timeout`. Immediately true without clustering.
  bool WaitSettled(std::chrono::milliseconds timeout = std::chrono::seconds(15)) const;
  // GET /api/v2/alerts: the alerts it holds (an empty array if unreachable).
  nlohmann::json Alerts() const;
  // The value of one series on its own /metrics, e.g.
  // `alertmanager_nflog_queries_total`; nullopt if absent or unreachable.
  std::optional<double> Metric(const std::string& series) const;
  // Everything it logged so far, and its config.
  std::string Log() const;

  // SIGTERM, SIGKILL after 5 s; waits for the process. Idempotent.
  void Stop();

 private:
  // "" once it answers /-/ready, else why not.
  std::string Start(const std::vector<std::string>& args);
  nlohmann::json Status() const;

  Options options_;
  TempDir dir_;  // alertmanager.yml, alertmanager.log, data/; outlives the process
  std::unique_ptr<ChildProcess> process_;  // null once stopped
  int port_ = 0;
};

}  // namespace memwatch::testing
