#include "harness/redis_monitor.h"

#include <strings.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "harness/wait_for.h"

namespace memwatch::testing {
namespace {

std::string CliBinary() {
  const char* path = std::getenv("MEMWATCH_REDIS_CLI");
  return path != nullptr ? path : "/usr/bin/redis-cli";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Reads one "..."-quoted argument at `i` (redis-cli's escapes: \" \\ \n \r
// \t \a \b \xNN); false if the line ends inside it.
bool ReadQuoted(std::string_view line, size_t& i, std::string& out) {
  if (i >= line.size() || line[i] != '"') return false;
  for (++i; i < line.size(); ++i) {
    char c = line[i];
    if (c == '"') {
      ++i;
      return true;
    }
    if (c == '\\' && i + 1 < line.size()) {
      c = line[++i];
      switch (c) {
        case 'n':
          c = '\n';
          break;
        case 'r':
          c = '\r';
          break;
        case 't':
          c = '\t';
          break;
        case 'a':
          c = '\a';
          break;
        case 'b':
          c = '\b';
          break;
        case 'x':
          if (i + 2 < line.size()) {
            c = static_cast<char>(std::stoi(std::string(line.substr(i + 1, 2)), nullptr, 16));
            i += 2;
          }
          break;
        default:
          break;  // \" and \\ stand for themselves
      }
    }
    out += c;
  }
  return false;
}

// `1796547003.737051 [0 127.0.0.1:5555] "AUTH" "(redacted)"`; false for
// anything else (the "OK" line, a line still being written).
bool ParseLine(std::string_view line, RedisMonitor::Command& c) {
  const size_t open = line.find(" [");
  const size_t close = line.find("] ");
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return false;
  }
  char* end = nullptr;
  const std::string time(line.substr(0, open));
  c.time = std::strtod(time.c_str(), &end);
  if (end == time.c_str()) return false;
  const std::string_view where = line.substr(open + 2, close - open - 2);  // "0 127.0.0.1:5555"
  const size_t space = where.find(' ');
  c.client = std::string(space == std::string_view::npos ? where : where.substr(space + 1));
  c.argv.clear();
  for (size_t i = close + 2; i < line.size();) {
    std::string arg;
    if (!ReadQuoted(line, i, arg)) return false;
    c.argv.push_back(std::move(arg));
    if (i < line.size() && line[i] == ' ') ++i;
  }
  return !c.argv.empty();
}

}  // namespace

RedisMonitor::RedisMonitor(const RedisServer& redis) : dir_("memwatch-monitor") {
  std::vector<std::string> env;
  if (redis.Password()) env.push_back("REDISCLI_AUTH=" + *redis.Password());
  process_ = std::make_unique<ChildProcess>(ChildProcess::Options{
      .argv = {CliBinary(), "-h", "127.0.0.1", "-p", std::to_string(redis.Port()), "monitor"},
      .env = std::move(env),
      .stdout_path = dir_.File("monitor.log"),
      .stderr_path = dir_.File("monitor.err")});
  // MONITOR answers +OK once the connection is a monitor.
  if (!WaitFor([&] {
        return ReadFile(dir_.File("monitor.log")).rfind("OK\n", 0) == 0 || !process_->Running();
      }) ||
      !process_->Running()) {
    throw std::runtime_error(
        "redis-cli monitor did not start: " + ReadFile(dir_.File("monitor.log")) +
        ReadFile(dir_.File("monitor.err")));
  }
}

std::vector<RedisMonitor::Command> RedisMonitor::Commands(std::string_view name) const {
  std::vector<Command> out;
  std::istringstream in(ReadFile(dir_.File("monitor.log")));
  Command c;
  for (std::string line; std::getline(in, line);) {
    if (!ParseLine(line, c)) continue;
    if (name.empty() || (c.argv[0].size() == name.size() &&
                         strncasecmp(c.argv[0].data(), name.data(), name.size()) == 0)) {
      out.push_back(c);
    }
  }
  return out;
}

bool RedisMonitor::WaitForCommands(std::string_view name, size_t n,
                                   std::chrono::milliseconds timeout) const {
  return WaitFor([&] { return Commands(name).size() >= n; }, timeout);
}

std::vector<double> GapsMs(const std::vector<double>& times) {
  std::vector<double> gaps;
  for (size_t i = 1; i < times.size(); ++i) gaps.push_back((times[i] - times[i - 1]) * 1000.0);
  return gaps;
}

}  // namespace memwatch::testing
