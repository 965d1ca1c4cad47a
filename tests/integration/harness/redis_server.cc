#include "harness/redis_server.h"

#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

namespace memwatch::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

std::string ServerBinary() {
  const char* path = std::getenv("MEMWATCH_REDIS_SERVER");
  return path != nullptr ? path : "/usr/bin/redis-server";
}

// As in redis_monitor.cc.
std::string CliBinary() {
  const char* path = std::getenv("MEMWATCH_REDIS_CLI");  // NOLINT(concurrency-mt-unsafe): read-only
  return path != nullptr ? path : "/usr/bin/redis-cli";
}

// The end of redis-cli's raw output: one '\n' after a reply, two after an
// error.
std::string WithoutTrailingNewlines(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
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

// One command over a blocking hiredis connection; "" + error text on failure.
std::string Command(int port, const std::optional<std::string>& password,
                    const std::vector<std::string>& args, timeval timeout) {
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port, timeout);
  if (c == nullptr || c->err) {
    std::string error = c != nullptr ? c->errstr : "out of memory";
    if (c != nullptr) redisFree(c);
    return "(connect error) " + error;
  }
  redisSetTimeout(c, timeout);
  if (password.has_value()) {
    auto* auth =
        static_cast<redisReply*>(redisCommand(c, "AUTH %b", password->data(), password->size()));
    if (auth != nullptr) freeReplyObject(auth);
  }
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

}  // namespace

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("cannot bind 127.0.0.1:0");
  }
  close(fd);
  return ntohs(address.sin_port);
}

int OpenFdCount() {
  int count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++count;
  }
  return count - 1;  // the iterator's own descriptor
}

RedisServer::RedisServer(std::vector<std::string> extra_args, int port)
    : dir_("memwatch-redis", TempDir::BaseForSocket("memwatch-redis", "redis.sock")), port_(port) {
  StartOnSomePort(extra_args, port == 0);
}

RedisServer::RedisServer(std::optional<TlsOptions> tls, const std::vector<std::string>& extra_args,
                         int port)
    : dir_("memwatch-redis", TempDir::BaseForSocket("memwatch-redis", "redis.sock")),
      port_(port),
      tls_(std::move(tls)) {
  StartOnSomePort(extra_args, port == 0);
}

std::unique_ptr<RedisServer> RedisServer::Tls(TlsOptions tls,
                                              const std::vector<std::string>& extra_args,
                                              int port) {
  // Not make_unique: the constructor is private.
  return std::unique_ptr<RedisServer>(new RedisServer(std::move(tls), extra_args, port));
}

void RedisServer::StartOnSomePort(const std::vector<std::string>& extra_args, bool pick_port) {
  for (size_t i = 0; i + 1 < extra_args.size(); ++i) {
    if (extra_args[i] == "--requirepass") password_ = extra_args[i + 1];
  }
  std::string why;
  for (int attempt = 0; attempt < (pick_port ? 5 : 1); ++attempt) {
    if (pick_port) port_ = FreeLoopbackPort();
    why = Start(extra_args);
    if (why.empty()) return;
    Stop();
  }
  throw std::runtime_error("redis-server did not start: " + why + "\n" + Log());
}

RedisServer::~RedisServer() { Stop(); }

std::string RedisServer::Start(const std::vector<std::string>& extra_args) {
  std::vector<std::string> args = {ServerBinary(),
                                   "--port",
                                   std::to_string(port_),
                                   "--bind",
                                   "127.0.0.1",
                                   "--save",
                                   "",
                                   "--appendonly",
                                   "no",
                                   "--dir",
                                   Dir(),
                                   "--daemonize",
                                   "no",
                                   "--unixsocket",
                                   UnixSocket(),
                                   "--unixsocketperm",
                                   "700",
                                   "--logfile",
                                   ""};
  if (tls_) {
    const std::string cert = tls_->cert_dir + "/" + tls_->server_cert;
    args[2] = "0";  // --port: no plain TCP
    args.insert(args.end(),
                {"--tls-port", std::to_string(port_), "--tls-cert-file", cert + ".crt",
                 "--tls-key-file", cert + ".key", "--tls-ca-cert-file", tls_->cert_dir + "/ca.crt",
                 "--tls-auth-clients", tls_->auth_clients ? "yes" : "no"});
  }
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  const std::string log_path = dir_.File("redis.log");
  try {
    process_ = std::make_unique<ChildProcess>(
        ChildProcess::Options{.argv = args, .stdout_path = log_path, .stderr_path = log_path});
  } catch (const std::runtime_error& e) {
    return e.what();
  }

  const auto deadline = steady_clock::now() + std::chrono::seconds(10);
  while (steady_clock::now() < deadline) {
    if (!process_->Running()) {
      return "redis-server exited at start with code " + std::to_string(*process_->ExitCode());
    }
    const std::string pong = tls_ ? TlsCli({"PING"}, std::chrono::seconds(1))
                                  : Command(port_, password_, {"PING"}, {0, 200 * 1000});
    if (pong == "PONG" || pong.rfind("(error) NOAUTH", 0) == 0) return "";
    std::this_thread::sleep_for(milliseconds(10));  // poll interval, not synchronisation
  }
  return "no answer to PING within 10 s";
}

std::string RedisServer::Log() const {
  std::ifstream in(dir_.File("redis.log"));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void RedisServer::Stop() {
  if (process_ == nullptr) return;
  process_->Stop(SIGTERM, std::chrono::seconds(5));  // SIGCONT too, in case it is paused
  process_.reset();
}

void RedisServer::Pause() {
  if (process_ != nullptr) process_->Signal(SIGSTOP);
}

void RedisServer::Resume() {
  if (process_ != nullptr) process_->Signal(SIGCONT);
}

std::string RedisServer::Cli(const std::vector<std::string>& args) const {
  if (tls_) return TlsCli(args, std::chrono::seconds(5));
  return Command(port_, password_, args, {5, 0});
}

std::string RedisServer::TlsCli(const std::vector<std::string>& args,
                                std::chrono::seconds timeout) const {
  const std::string& certs = tls_->cert_dir;
  // -e: a failed command exits with 1. Its error goes to stderr, as do a
  // failed connect or handshake ("Could not connect to Redis at ...") and
  // a lost connection ("I/O error", "Error: Server closed the connection").
  std::vector<std::string> argv = {CliBinary(), "--tls",
                                   "--cacert",  certs + "/ca.crt",
                                   "--cert",    certs + "/client.crt",
                                   "--key",     certs + "/client.key",
                                   "-h",        "127.0.0.1",
                                   "-p",        std::to_string(port_),
                                   "-e"};
  if (password_) argv.insert(argv.end(), {"--no-auth-warning", "-a", *password_});
  // The failure tests' server certificates (expired, another name) are
  // meant to be refused by the daemon, not by the harness talking to it.
  if (tls_->server_cert != "server") argv.emplace_back("--insecure");
  argv.insert(argv.end(), args.begin(), args.end());
  // redis-cli 7.0 has no timeout option: RunCommand kills it after `timeout`.
  const CommandResult r = RunCommand(argv, {}, timeout);
  if (r.exit_code == 0) return WithoutTrailingNewlines(r.output);
  const std::string error = WithoutTrailingNewlines(r.error);
  for (const char* failure : {"Could not connect", "I/O error", "Error: "}) {
    if (error.rfind(failure, 0) == 0) return "(connect error) " + error;
  }
  if (error.empty()) return "(connect error) redis-cli exited with " + std::to_string(r.exit_code);
  return "(error) " + error;
}

}  // namespace memwatch::testing
