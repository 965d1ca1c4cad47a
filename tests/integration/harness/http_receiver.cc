#include "harness/http_receiver.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

namespace memwatch::testing {

ScriptProcess::ScriptProcess(const std::string& script, const std::vector<std::string>& args) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    error_ = "pipe failed";
    return;
  }
  std::vector<std::string> argv{"/usr/bin/python3", script};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], 1);
    std::vector<char*> raw;
    for (std::string& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    execv(raw[0], raw.data());
    _exit(127);
  }
  close(out[1]);
  // Read "PORT <n>\n" with a deadline; the script prints nothing else.
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[64];
    const ssize_t n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<size_t>(n));
  }
  close(out[0]);
  if (line.rfind("PORT ", 0) == 0) port_ = std::atoi(line.c_str() + 5);
  if (port_ <= 0) error_ = "helper " + script + " did not report a port (got '" + line + "')";
}

ScriptProcess::~ScriptProcess() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
}

ScopedTempDir::ScopedTempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "memwatch-notify.XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) std::abort();
  path_ = tmpl;
}

ScopedTempDir::~ScopedTempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

bool PollUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

HttpReceiver::HttpReceiver(const std::vector<Answer>& script)
    : log_(dir_.path() + "/requests.log") {
  nlohmann::json j = nlohmann::json::array();
  for (const Answer& a : script) {
    nlohmann::json e = {{"status", a.status}, {"body", a.body}, {"delay_ms", a.delay_ms}};
    if (a.retry_after) e["retry_after"] = *a.retry_after;
    if (a.until) e["until"] = *a.until;
    j.push_back(e);
  }
  process_ = std::make_unique<ScriptProcess>(
      std::string(MEMWATCH_SOURCE_DIR) + "/tests/integration/harness/http_receiver.py",
      std::vector<std::string>{"--log", log_, "--script", j.dump()});
}

std::string HttpReceiver::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port()) + path;
}

std::vector<HttpReceiver::Request> HttpReceiver::Requests() const {
  std::vector<Request> requests;
  std::ifstream in(log_);
  std::string line;
  while (std::getline(in, line)) {
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) continue;
    Request r;
    r.t = j.value("t", 0.0);
    r.path = j.value("path", "");
    r.body = j.value("body", "");
    r.status = j.value("status", 0);
    for (const auto& [k, v] : j["headers"].items()) r.headers[k] = v.get<std::string>();
    requests.push_back(std::move(r));
  }
  return requests;
}

bool HttpReceiver::WaitForRequests(size_t n, std::chrono::milliseconds timeout) const {
  return PollUntil([&] { return Requests().size() >= n; }, timeout);
}

int ClosedLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace memwatch::testing
