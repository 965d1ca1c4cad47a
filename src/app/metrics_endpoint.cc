#include "app/metrics_endpoint.h"

#include <fmt/format.h>

namespace memwatch::app {

Status MetricsEndpoint::Listen(const std::string& address) {
  Result<std::unique_ptr<metrics::HttpServer>> next = metrics::HttpServer::Start(address, store_);
  if (!next.ok()) return next.status();
  next.value()->SetReady(ready_);
  next.value()->SetRoutePrefix(route_prefix_);
  server_ = std::move(next).value();  // the old one closes only now
  address_ = address;
  return Status::Ok();
}

void MetricsEndpoint::SetRoutePrefix(const std::string& prefix) {
  route_prefix_ = prefix;
  if (server_) server_->SetRoutePrefix(prefix);
}

void MetricsEndpoint::SetReady() {
  ready_ = true;
  if (server_) server_->SetReady(true);
}

std::string MetricsEndpoint::MetricsUrl() const {
  if (!server_) return "";
  // The bound port: with port 0 the OS picked it.
  return fmt::format("http://{}{}{}/metrics", address_.substr(0, address_.rfind(':') + 1),
                     server_->port(), route_prefix_);
}

}  // namespace memwatch::app
