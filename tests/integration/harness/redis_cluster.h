// A real Redis Cluster for integration tests: `primaries` nodes plus
// `replicas` per primary, each a RedisServer with --cluster-enabled in its
// own temp dir, joined by `redis-cli --cluster create ... --cluster-yes`.
// The constructor returns once every node reports cluster_state:ok; the
// destructor stops every node.
//
// Ports: a cluster node also listens on its port + 10000 (the cluster bus),
// so ports are picked in 20000..29999 where both P and P+10000 could be
// bound a moment ago; a node whose port is taken meanwhile is started again
// on another.
//
//   RedisCluster cluster(3, 1);              // 3 primaries, 3 replicas
//   cluster.Node(0).Cli({"CLUSTER", "INFO"});
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "harness/redis_server.h"

namespace memwatch::testing {

class RedisCluster {
 public:
  // Throws std::runtime_error (with redis-cli's output) if the cluster
  // cannot be created or is not ok within 30 s.
  RedisCluster(int primaries, int replicas, std::vector<std::string> extra_args = {});
  RedisCluster(const RedisCluster&) = delete;
  RedisCluster& operator=(const RedisCluster&) = delete;

  size_t size() const { return nodes_.size(); }
  RedisServer& Node(size_t i) { return *nodes_.at(i); }
  // The node listening on `port`, or nullptr.
  RedisServer* NodeOnPort(int port);

  // The port of the node serving `key`'s hash slot as a primary, from
  // CLUSTER SLOTS as node `via` sees it; 0 if unknown.
  int PrimaryPortForKey(const std::string& key, size_t via = 0);

  // How node `i` names its role: "master" or "slave" (ROLE's first element).
  std::string Role(size_t i);

 private:
  std::vector<std::unique_ptr<RedisServer>> nodes_;
};

// A port P in 20000..29999 where P and P + 10000 were both free on
// 127.0.0.1 a moment ago.
int FreeClusterPort();

}  // namespace memwatch::testing
