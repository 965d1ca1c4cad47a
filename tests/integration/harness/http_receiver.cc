#include "harness/http_receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace memwatch::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

ScriptProcess::ScriptProcess(const std::string& script, const std::vector<std::string>& args)
    : dir_("memwatch-py") {
  std::vector<std::string> argv{kPython3, script};
  argv.insert(argv.end(), args.begin(), args.end());
  try {
    process_ =
        std::make_unique<ChildProcess>(ChildProcess::Options{.argv = std::move(argv),
                                                             .stdout_path = dir_.File("stdout"),
                                                             .stderr_path = dir_.File("stderr")});
  } catch (const std::runtime_error& e) {
    error_ = e.what();
    return;
  }
  // "PORT <n>\n" is the only thing the script prints on stdout.
  std::string line;
  WaitFor(
      [&] {
        line = ReadAll(dir_.File("stdout"));
        return line.find('\n') != std::string::npos || !process_->Running();
      },
      std::chrono::seconds(10));
  if (line.rfind("PORT ", 0) == 0) port_ = std::atoi(line.c_str() + 5);
  if (port_ <= 0) {
    error_ = "helper " + script + " did not report a port (got '" + line + "'";
    if (const std::optional<int> code = process_->ExitCode()) {
      error_ += ", exit code " + std::to_string(*code);
    }
    error_ += "); its stderr:\n" + ReadAll(dir_.File("stderr"));
  }
}

ScriptProcess::~ScriptProcess() = default;

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
