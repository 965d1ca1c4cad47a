#include "harness/daemon_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>

namespace memwatch::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::optional<HttpResponse> HttpGet(int port, const std::string& path) {
  return HttpGet("127.0.0.1", port, path);
}

std::optional<HttpResponse> HttpGet(const std::string& ipv4, int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, ipv4.c_str(), &addr.sin_addr) != 1) {
    close(fd);
    return std::nullopt;
  }
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return std::nullopt;
  }
  std::string req = "GET " + path + " HTTP/1.1\r\nHost: " + ipv4 + "\r\nConnection: close\r\n\r\n";
  if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    close(fd);
    return std::nullopt;
  }
  std::string raw;
  char buf[65536];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    raw.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  HttpResponse r;
  if (raw.size() < 12 || raw.rfind("HTTP/1.", 0) != 0) return std::nullopt;
  r.status = std::atoi(raw.c_str() + 9);
  size_t body = raw.find("\r\n\r\n");
  if (body != std::string::npos) {
    r.head = raw.substr(0, body);
    r.body = raw.substr(body + 4);
  }
  return r;
}

std::optional<double> SeriesValue(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(series + " ", 0) == 0) {
      std::string v = line.substr(series.size() + 1);
      if (v == "+Inf") return std::numeric_limits<double>::infinity();
      return std::strtod(v.c_str(), nullptr);
    }
  }
  return std::nullopt;
}

DaemonProcess::DaemonProcess(const std::string& config_yaml, std::vector<std::string> extra_args,
                             std::vector<std::string> extra_env)
    : dir_("memwatch-it") {
  std::ofstream(ConfigPath()) << config_yaml;
  std::vector<std::string> argv{MEMWATCH_BINARY, "--config", ConfigPath(), "--log-level", "debug"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  child_ =
      std::make_unique<ChildProcess>(ChildProcess::Options{.argv = std::move(argv),
                                                           .env = std::move(extra_env),
                                                           .stdout_path = dir_.File("stdout"),
                                                           .stderr_path = dir_.File("stderr")});
}

DaemonProcess::~DaemonProcess() = default;

std::string DaemonProcess::Log() const { return ReadFile(dir_.File("stderr")); }

int DaemonProcess::WaitForPort(std::chrono::milliseconds timeout) {
  static const std::regex kListening(R"(metrics on http://\S+:(\d+)(\S*)/metrics)");
  WaitFor(
      [&] {
        std::smatch m;
        std::string log = Log();
        if (std::regex_search(log, m, kListening)) {
          port_ = std::stoi(m[1]);
          route_prefix_ = m[2];
        }
        return port_ != 0 || !Running();
      },
      timeout);
  return port_;
}

std::string DaemonProcess::Metrics() {
  if (port_ == 0 && WaitForPort() == 0) return "";
  std::optional<HttpResponse> r = HttpGet(port_, route_prefix_ + "/metrics");
  return r && r->status == 200 ? r->body : "";
}

std::optional<double> DaemonProcess::Value(const std::string& series) {
  return SeriesValue(Metrics(), series);
}

bool DaemonProcess::Running() { return child_->Running(); }

void DaemonProcess::Signal(int sig) { child_->Signal(sig); }

int DaemonProcess::Stop(std::chrono::milliseconds timeout) {
  child_->Signal(SIGTERM);
  return child_->Wait(timeout).value_or(-1);
}

}  // namespace memwatch::testing
