#include "harness/sentinel_process.h"

#include <hiredis/hiredis.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "harness/redis_server.h"
#include "harness/wait_for.h"

namespace memwatch::testing {
namespace {

std::string ServerBinary() {
  const char* path = std::getenv("MEMWATCH_REDIS_SERVER");  // NOLINT(concurrency-mt-unsafe)
  return path != nullptr ? path : "/usr/bin/redis-server";
}

std::string ReplyText(const redisReply* reply) {
  if (reply == nullptr) return "(no reply)";
  switch (reply->type) {
    case REDIS_REPLY_ERROR:
      return "(error) " + std::string(reply->str, reply->len);
    case REDIS_REPLY_INTEGER:
      return std::to_string(reply->integer);
    case REDIS_REPLY_NIL:
      return "(nil)";
    case REDIS_REPLY_ARRAY: {
      std::string text;
      for (size_t i = 0; i < reply->elements; ++i) {
        if (i > 0) text += '\n';
        text += ReplyText(reply->element[i]);
      }
      return text;
    }
    default:
      return std::string(reply->str, reply->len);
  }
}

}  // namespace

SentinelProcess::SentinelProcess(int primary_port, Options options) : options_(std::move(options)) {
  std::string error;
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = FreeLoopbackPort();
    error = Start(primary_port);
    if (error.empty()) return;
    Kill();
  }
  throw std::runtime_error("sentinel did not start: " + error + "\n" + Log());
}

SentinelProcess::~SentinelProcess() { Kill(); }

std::string SentinelProcess::Start(int primary_port) {
  const std::string conf = dir_.File("sentinel.conf");
  const std::string& m = options_.master_name;
  {
    std::ofstream out(conf, std::ios::trunc);
    out << "port " << port_ << "\nbind 127.0.0.1\ndaemonize no\nlogfile \"\"\n"
        << "dir " << dir_.path() << "\n"
        << "sentinel resolve-hostnames no\nsentinel announce-ip 127.0.0.1\n"
        << "sentinel monitor " << m << " 127.0.0.1 " << primary_port << " " << options_.quorum
        << "\nsentinel down-after-milliseconds " << m << " " << options_.down_after_ms
        << "\nsentinel failover-timeout " << m << " " << options_.failover_timeout_ms
        << "\nsentinel parallel-syncs " << m << " 1\n";
  }
  const std::string log = dir_.File("sentinel.log");
  try {
    process_ = std::make_unique<ChildProcess>(ChildProcess::Options{
        .argv = {ServerBinary(), conf, "--sentinel"}, .stdout_path = log, .stderr_path = log});
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  bool exited = false;
  const bool up = WaitFor(
      [&] {
        exited = !process_->Running();
        return exited || PrimaryAddress() == "127.0.0.1:" + std::to_string(primary_port);
      },
      std::chrono::seconds(10));
  if (exited) return "sentinel exited at start";
  return up ? "" : "sentinel not answering";
}

void SentinelProcess::Kill() {
  if (!process_) return;
  process_->Stop(SIGKILL);
  process_.reset();
}

std::string SentinelProcess::Log() const {
  std::ifstream in(dir_.File("sentinel.log"));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string SentinelProcess::Cli(const std::vector<std::string>& args) const {
  const timeval timeout{2, 0};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port_, timeout);
  if (c == nullptr || c->err) {
    std::string error = c != nullptr ? c->errstr : "out of memory";
    if (c != nullptr) redisFree(c);
    return "(connect error) " + error;
  }
  redisSetTimeout(c, timeout);
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const std::string& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lengths.data()));
  std::string text = reply != nullptr ? ReplyText(reply) : "(io error) " + std::string(c->errstr);
  if (reply != nullptr) freeReplyObject(reply);
  redisFree(c);
  return text;
}

std::string SentinelProcess::PrimaryAddress() const {
  const std::string r = Cli({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", options_.master_name});
  const size_t nl = r.find('\n');
  if (r.empty() || r[0] == '(' || nl == std::string::npos) return "";
  return r.substr(0, nl) + ":" + r.substr(nl + 1);
}

}  // namespace memwatch::testing
