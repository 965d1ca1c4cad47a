// The HTTP endpoint: GET /metrics (Prometheus text format), /-/healthy and
// /-/ready as Prometheus components serve them, the status page / (with
// /status.css) and its JSON /api/v1/status (status_page.h); 404 elsewhere.
// Every response closes its connection.
//
// Sized for its job, one or two Prometheus servers scraping every 15 s, and
// for clients that misbehave: one thread reads every request head with
// poll(), so a client that connects and sends nothing, or half a request,
// holds a descriptor and a few KiB but no thread; kHttpWorkers threads write
// /metrics bodies and status pages, each for at most kHttpResponseTimeout. Everything is
// bounded (connections, queued scrapes, request size, time), and what does
// not fit is refused at once rather than left waiting:
//  - a request head must arrive within kHttpRequestTimeout and fit in
//    kHttpMaxHeadBytes (else 408 or 431, then close);
//  - at most kHttpMaxPending connections may be sending their head: the
//    one that has waited longest is closed to admit a new one, so stalled
//    clients cannot lock a scraper out;
//  - at most kHttpMaxQueued complete GET /metrics wait for a worker: beyond
//    that, 503 with Retry-After;
//  - a body not taken by the client within kHttpResponseTimeout of its
//    start is cut with a TCP reset, so the client sees an error and never
//    mistakes a partial exposition for a whole one.
// Other paths, HEAD and errors are answered by the reading thread with one
// non-blocking send (they fit in any socket buffer).
//
// Why not CivetWeb (used until 2026-12): a CivetWeb 1.15 worker owns a
// connection from accept until its response is written, and waiting
// connections are served first in, first out, so a scrape behind N clients
// that send nothing waits N * request_timeout_ms / num_threads: with 4
// workers and the 2 s timeout, 24 s behind 50 such clients (measured), which
// is why it ran 64 workers. And request_timeout_ms also bounds every stall
// of the response, so shortening it to fit few workers cuts off real
// scrapers on lossy links.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "memwatch/result.h"
#include "metrics/metrics_store.h"

namespace memwatch::metrics {

inline constexpr int kHttpWorkers = 2;
inline constexpr size_t kHttpMaxPending = 64;
inline constexpr size_t kHttpMaxQueued = 32;
inline constexpr size_t kHttpMaxHeadBytes = size_t{8} * 1024;
inline constexpr std::chrono::milliseconds kHttpRequestTimeout{5000};
inline constexpr std::chrono::milliseconds kHttpResponseTimeout{10000};

class HttpServer {
 public:
  // Starts listening on `listen` ("host:port", "[v6]:port"; port 0 picks a
  // free one). Fails with a readable Status when the address cannot be bound.
  static Result<std::unique_ptr<HttpServer>> Start(const std::string& listen,
                                                   const MetricsStore* store);
  // Stops accepting, cuts responses in flight and joins every thread; takes
  // milliseconds.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The port actually bound (useful with port 0).
  int port() const { return port_; }

  // /-/ready answers 200 once set, 503 before (the first poll round).
  void SetReady(bool ready) { ready_.store(ready); }
  bool ready() const { return ready_.load(); }

  // Serves everything under `prefix` ("" for the root, else "/a" or "/a/b"
  // with no trailing slash), as Prometheus's --web.route-prefix: PREFIX/
  // is the status page, PREFIX/metrics the metrics; PREFIX and / redirect
  // to PREFIX/; any other path outside it is 404. Takes effect with the
  // next request.
  void SetRoutePrefix(const std::string& prefix);

 private:
  class Impl;
  HttpServer() = default;

  std::atomic<bool> ready_{false};
  int port_ = 0;
  std::unique_ptr<Impl> impl_;  // last: its threads read ready_
};

}  // namespace memwatch::metrics
