// The HTTP endpoint: GET /metrics (Prometheus text format), /-/healthy and
// /-/ready as Prometheus components serve them; 404 elsewhere. Backed by
// CivetWeb (the server prometheus-cpp's own Exposer uses) with a fixed
// thread pool, so slow clients cannot make it grow.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "memwatch/result.h"
#include "metrics/metrics_store.h"

class CivetServer;

namespace memwatch::metrics {

class HttpServer {
 public:
  // Starts listening on `listen` ("host:port", "[v6]:port"; port 0 picks a
  // free one). Fails with a readable Status when the address cannot be bound.
  static Result<std::unique_ptr<HttpServer>> Start(const std::string& listen,
                                                   const MetricsStore* store);
  ~HttpServer();

  // The port actually bound (useful with port 0).
  int port() const { return port_; }

  // /-/ready answers 200 once set, 503 before (the first poll round).
  void SetReady(bool ready) { ready_.store(ready); }
  bool ready() const { return ready_.load(); }

 private:
  class Handler;
  HttpServer() = default;

  std::unique_ptr<Handler> handler_;
  std::unique_ptr<CivetServer> server_;
  std::atomic<bool> ready_{false};
  int port_ = 0;
};

}  // namespace memwatch::metrics
