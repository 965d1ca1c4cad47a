#include "harness/redis_cluster.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "harness/child_process.h"
#include "harness/temp_dir.h"
#include "harness/wait_for.h"

namespace memwatch::testing {
namespace {

bool CanBind(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

std::string CliBinary() {
  const char* env = std::getenv("MEMWATCH_REDIS_CLI");
  return env != nullptr ? env : "/usr/bin/redis-cli";
}

std::unique_ptr<RedisServer> StartNode(const std::vector<std::string>& extra_args) {
  std::vector<std::string> args = {"--cluster-enabled",      "yes",
                                   "--cluster-config-file",  "nodes.conf",
                                   "--cluster-node-timeout", "2000"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::string why;
  for (int attempt = 0; attempt < 8; ++attempt) {
    try {
      return std::make_unique<RedisServer>(args, FreeClusterPort());
    } catch (const std::runtime_error& e) {
      why = e.what();  // the port was taken meanwhile: another
    }
  }
  throw std::runtime_error("no cluster node started: " + why);
}

void CreateCluster(const std::vector<std::unique_ptr<RedisServer>>& nodes, int replicas) {
  TempDir dir("memwatch-cluster-create");
  std::vector<std::string> argv = {CliBinary(), "--cluster", "create"};
  for (const auto& n : nodes) argv.push_back("127.0.0.1:" + std::to_string(n->Port()));
  argv.insert(argv.end(), {"--cluster-replicas", std::to_string(replicas), "--cluster-yes"});
  const std::string log = dir.File("create.log");
  ChildProcess cli({.argv = argv, .stdout_path = log, .stderr_path = log});
  const std::optional<int> code = cli.Wait(std::chrono::seconds(30));
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  if (code != 0 || text.str().find("[OK] All 16384 slots covered") == std::string::npos) {
    throw std::runtime_error("redis-cli --cluster create failed:\n" + text.str());
  }
}

}  // namespace

int FreeClusterPort() {
  static std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> pick(20000, 29999);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const int port = pick(rng);
    if (CanBind(port) && CanBind(port + 10000)) return port;
  }
  throw std::runtime_error("no free cluster port in 20000..29999");
}

RedisCluster::RedisCluster(int primaries, int replicas, std::vector<std::string> extra_args) {
  const int count = primaries * (1 + replicas);
  for (int i = 0; i < count; ++i) nodes_.push_back(StartNode(extra_args));
  CreateCluster(nodes_, replicas);
  // Settled: every node ok and knowing all the others, `primaries`
  // masters, and every replica's link to its primary up.
  const std::string known = "cluster_known_nodes:" + std::to_string(count);
  const bool ok = WaitFor(
      [&] {
        int masters = 0;
        for (size_t i = 0; i < nodes_.size(); ++i) {
          const std::string info = nodes_[i]->Cli({"CLUSTER", "INFO"});
          if (info.find("cluster_state:ok") == std::string::npos ||
              info.find(known) == std::string::npos) {
            return false;
          }
          if (Role(i) == "master") {
            ++masters;
          } else if (nodes_[i]->Cli({"INFO", "replication"}).find("master_link_status:up") ==
                     std::string::npos) {
            return false;
          }
        }
        return masters == primaries;
      },
      std::chrono::seconds(30));
  if (!ok) throw std::runtime_error("the cluster has not settled after 30 s");
}

RedisServer* RedisCluster::NodeOnPort(int port) {
  for (const auto& n : nodes_) {
    if (n->Port() == port) return n.get();
  }
  return nullptr;
}

int RedisCluster::PrimaryPortForKey(const std::string& key, size_t via) {
  const std::string reply = Node(via).Cli({"GET", key});
  if (reply.rfind("(error) MOVED", 0) != 0) return Role(via) == "master" ? Node(via).Port() : 0;
  const size_t colon = reply.rfind(':');
  return colon == std::string::npos ? 0 : std::atoi(reply.c_str() + colon + 1);
}

std::string RedisCluster::Role(size_t i) {
  const std::string reply = Node(i).Cli({"ROLE"});
  return reply.substr(0, reply.find('\n'));
}

}  // namespace memwatch::testing
