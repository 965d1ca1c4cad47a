#include "harness/alertmanager.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "harness/daemon_process.h"  // SeriesValue
#include "harness/wait_for.h"

namespace memwatch::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

std::string Binary() {
  const char* path = std::getenv("MEMWATCH_ALERTMANAGER");
  return path != nullptr ? path : "/usr/bin/prometheus-alertmanager";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Config(const std::string& webhook_url) {
  return "route:\n"
         "  receiver: hook\n"
         "  group_by: ['alertname', 'target']\n"
         "  group_wait: 0s\n"
         "  group_interval: 1s\n"
         "  repeat_interval: 1h\n"
         "receivers:\n"
         "  - name: hook\n"
         "    webhook_configs:\n"
         "      - url: '" +
         webhook_url +
         "'\n"
         "        send_resolved: true\n";
}

std::string Millis(milliseconds d) { return std::to_string(d.count()) + "ms"; }

// GET over HTTP/1.0, so that the answer is never chunked (Alertmanager
// chunks large bodies for HTTP/1.1 clients, which the shared HttpGet does
// not decode). The body, or nullopt unless the status is 200.
std::optional<std::string> Get(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  std::string raw;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size())) {
    char buf[65536];
    for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;)
      raw.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  const size_t body = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.", 0) != 0 || raw.size() < 12 || std::atoi(raw.c_str() + 9) != 200 ||
      body == std::string::npos) {
    return std::nullopt;
  }
  return raw.substr(body + 4);
}

}  // namespace

Alertmanager::Alertmanager(Options options) : options_(std::move(options)), dir_("memwatch-am") {
  const std::string binary = Binary();
  if (access(binary.c_str(), X_OK) != 0) {
    throw std::runtime_error(binary +
                             " not found: install prometheus-alertmanager (scripts/setup.sh) or "
                             "set MEMWATCH_ALERTMANAGER");
  }
  std::ofstream(dir_.File("alertmanager.yml")) << Config(options_.webhook_url);
  std::vector<std::string> args = {
      binary,
      "--config.file=" + dir_.File("alertmanager.yml"),
      "--storage.path=" + dir_.File("data"),
      "--web.listen-address=127.0.0.1:" + std::to_string(options_.web_port),
      "--log.level=debug",
  };
  if (options_.cluster) {
    // Port 0: the kernel picks; ClusterAddress() reads it back. Short
    // intervals so that the gossip settles and spreads in about 2 s.
    args.push_back("--cluster.listen-address=127.0.0.1:0");
    args.push_back("--cluster.peer-timeout=" + Millis(options_.peer_timeout));
    args.push_back("--cluster.gossip-interval=50ms");
    args.push_back("--cluster.pushpull-interval=1s");
    args.push_back("--cluster.probe-interval=200ms");
    args.push_back("--cluster.settle-timeout=10s");
    if (!options_.peer.empty()) args.push_back("--cluster.peer=" + options_.peer);
  } else {
    args.push_back("--cluster.listen-address=");
  }
  const std::string why = Start(args);
  if (!why.empty()) {
    Stop();
    throw std::runtime_error("alertmanager did not start: " + why + "\n" + Log());
  }
}

Alertmanager::~Alertmanager() { Stop(); }

std::string Alertmanager::Start(const std::vector<std::string>& args) {
  const std::string log_path = dir_.File("alertmanager.log");
  try {
    process_ = std::make_unique<ChildProcess>(
        ChildProcess::Options{.argv = args, .stdout_path = log_path, .stderr_path = log_path});
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  // The web listener logs: msg="Listening on" address=127.0.0.1:PORT
  static const std::regex kListening(R"(msg="Listening on" address=127\.0\.0\.1:(\d+))");
  const auto deadline = steady_clock::now() + std::chrono::seconds(15);
  while (steady_clock::now() < deadline) {
    if (!process_->Running()) {
      return "alertmanager exited at start with code " + std::to_string(*process_->ExitCode());
    }
    if (port_ == 0) {
      std::smatch m;
      const std::string log = ReadFile(log_path);
      if (std::regex_search(log, m, kListening)) port_ = std::stoi(m[1]);
    }
    if (port_ != 0) {
      if (Get(port_, "/-/ready")) return "";
    }
    std::this_thread::sleep_for(milliseconds(20));  // poll interval, not synchronisation
  }
  return "no 200 from /-/ready within 15 s";
}

std::string Alertmanager::Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

nlohmann::json Alertmanager::Status() const {
  const std::optional<std::string> body = Get(port_, "/api/v2/status");
  if (!body) return nlohmann::json::object();
  nlohmann::json j = nlohmann::json::parse(*body, nullptr, false);
  return j.is_object() ? j : nlohmann::json::object();
}

std::string Alertmanager::ClusterAddress() const {
  const nlohmann::json s = Status();
  if (!s.contains("cluster") || !s["cluster"].contains("peers")) return "";
  const std::string name = s["cluster"].value("name", "");
  for (const nlohmann::json& p : s["cluster"]["peers"]) {
    if (p.value("name", "") == name) return p.value("address", "");
  }
  return "";
}

int Alertmanager::ClusterSize() const {
  const nlohmann::json s = Status();
  if (!s.contains("cluster") || !s["cluster"].contains("peers")) return 0;
  return static_cast<int>(s["cluster"]["peers"].size());
}

bool Alertmanager::WaitSettled(milliseconds timeout) const {
  if (!options_.cluster) return true;
  return WaitFor(
      [&] {
        const nlohmann::json s = Status();
        return s.contains("cluster") && s["cluster"].value("status", "") == "ready";
      },
      timeout);
}

nlohmann::json Alertmanager::Alerts() const {
  const std::optional<std::string> body = Get(port_, "/api/v2/alerts");
  if (!body) return nlohmann::json::array();
  nlohmann::json j = nlohmann::json::parse(*body, nullptr, false);
  return j.is_array() ? j : nlohmann::json::array();
}

std::optional<double> Alertmanager::Metric(const std::string& series) const {
  const std::optional<std::string> body = Get(port_, "/metrics");
  if (!body) return std::nullopt;
  return SeriesValue(*body, series);
}

std::string Alertmanager::Log() const {
  return "--- alertmanager.yml\n" + ReadFile(dir_.File("alertmanager.yml")) +
         "--- alertmanager.log (port " + std::to_string(port_) + ")\n" +
         ReadFile(dir_.File("alertmanager.log"));
}

void Alertmanager::Stop() {
  if (process_ == nullptr) return;
  process_->Stop(SIGTERM, std::chrono::seconds(5));
  process_.reset();
}

}  // namespace memwatch::testing
