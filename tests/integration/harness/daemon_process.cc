#include "harness/daemon_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace memwatch::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string MakeTempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "memwatch-it.XXXXXX").string();
  char* d = mkdtemp(tmpl.data());
  if (d == nullptr) std::abort();
  return tmpl;
}

pid_t Spawn(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
            const std::string& out_path, const std::string& err_path) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  int in = open("/dev/null", O_RDONLY);
  dup2(in, 0);
  dup2(out, 1);
  dup2(err, 2);
  for (const std::string& e : extra_env) putenv(const_cast<char*>(e.c_str()));
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

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
  if (body != std::string::npos) r.body = raw.substr(body + 4);
  return r;
}

CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::vector<std::string>& extra_env) {
  std::string dir = MakeTempDir();
  pid_t pid = Spawn(argv, extra_env, dir + "/out", dir + "/err");
  int status = 0;
  waitpid(pid, &status, 0);
  CommandResult r{DecodeStatus(status), ReadFile(dir + "/out"), ReadFile(dir + "/err")};
  std::filesystem::remove_all(dir);
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
    : dir_(MakeTempDir()) {
  std::ofstream(ConfigPath()) << config_yaml;
  std::vector<std::string> argv{MEMWATCH_BINARY, "--config", ConfigPath(), "--log-level", "debug"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  pid_ = Spawn(argv, extra_env, dir_ + "/stdout", dir_ + "/stderr");
}

DaemonProcess::~DaemonProcess() {
  if (Running()) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  std::filesystem::remove_all(dir_);
}

std::string DaemonProcess::Log() const { return ReadFile(dir_ + "/stderr"); }

int DaemonProcess::WaitForPort(std::chrono::milliseconds timeout) {
  static const std::regex kListening(R"(metrics on http://\S+:(\d+)/metrics)");
  WaitFor(
      [&] {
        std::smatch m;
        std::string log = Log();
        if (std::regex_search(log, m, kListening)) port_ = std::stoi(m[1]);
        return port_ != 0 || !Running();
      },
      timeout);
  return port_;
}

std::string DaemonProcess::Metrics() {
  if (port_ == 0 && WaitForPort() == 0) return "";
  std::optional<HttpResponse> r = HttpGet(port_, "/metrics");
  return r && r->status == 200 ? r->body : "";
}

std::optional<double> DaemonProcess::Value(const std::string& series) {
  return SeriesValue(Metrics(), series);
}

bool DaemonProcess::Running() {
  if (exit_code_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_code_ = DecodeStatus(status);
    return false;
  }
  return true;
}

void DaemonProcess::Signal(int sig) {
  if (Running()) kill(pid_, sig);
}

int DaemonProcess::Stop(std::chrono::milliseconds timeout) {
  Signal(SIGTERM);
  if (!WaitFor([&] { return !Running(); }, timeout)) return -1;
  return *exit_code_;
}

}  // namespace memwatch::testing
