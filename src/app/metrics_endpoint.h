// The daemon's HTTP endpoint across reloads: serves /metrics, /-/healthy and
// /-/ready on one address at a time, and moves to another by binding it
// before closing the current one, so a reload to an address that cannot be
// bound leaves the endpoint where it was.
#pragma once

#include <memory>
#include <string>

#include "memwatch/result.h"
#include "metrics/http_server.h"
#include "metrics/metrics_store.h"

namespace memwatch::app {

class MetricsEndpoint {
 public:
  // `store` is not owned and must outlive this object.
  explicit MetricsEndpoint(const metrics::MetricsStore* store) : store_(store) {}

  // Serves on `address` ("host:port", "[v6]:port"; port 0 picks one). The
  // readiness carries over. On failure nothing changes.
  Status Listen(const std::string& address);

  // /-/ready answers 200 once set (the first poll round is complete).
  void SetReady();

  // Serves under `prefix` ("" or "/a/b"), now and after every Listen.
  void SetRoutePrefix(const std::string& prefix);

  // http://host:port[/prefix]/metrics with the port actually bound; "" before
  // the first successful Listen.
  std::string MetricsUrl() const;

  // Stops serving. Idempotent.
  void Close() { server_.reset(); }

 private:
  const metrics::MetricsStore* const store_;
  std::unique_ptr<metrics::HttpServer> server_;
  std::string address_;  // as configured, of server_
  std::string route_prefix_;
  bool ready_ = false;
};

}  // namespace memwatch::app
