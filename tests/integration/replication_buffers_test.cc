// Memory that replication holds, on real redis-servers: a primary with
// maxmemory and noeviction, its replica paused with SIGSTOP, and a writer
// filling the primary. The daemon must report replication_buffers before
// the writer's first OOM reply; doctor names the replica, and on the replica
// itself says that replicas ignore maxmemory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "harness/daemon_process.h"
#include "harness/redis_server.h"
#include "harness/temp_dir.h"

namespace memwatch::testing {
namespace replication_buffers_test {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

std::string Finding(const std::string& severity) {
  return "redis_memwatch_finding{target=\"p\",check=\"replication_buffers\",severity=\"" +
         severity + "\"}";
}

CommandResult Doctor(const RedisServer& redis) {
  return RunCommand(
      {MEMWATCH_BINARY, "doctor", "redis://127.0.0.1:" + std::to_string(redis.Port())});
}

// A primary (maxmemory 64mb, noeviction, no limit on replica buffers, so
// only memory decides) and a replica of it, in sync when this returns.
class PrimaryAndReplica {
 public:
  PrimaryAndReplica()
      : primary_({"--maxmemory", "64mb", "--maxmemory-policy", "noeviction",
                  "--repl-diskless-sync-delay", "0"}) {
    // Redis 7's default `replica 256mb 64mb 60` would drop the paused
    // replica once its buffer passed 64 MiB for a minute: not before the
    // fill ends, but the test should not depend on that.
    primary_.Cli({"CONFIG", "SET", "client-output-buffer-limit", "replica 0 0 0"});
    replica_ = std::make_unique<RedisServer>(
        std::vector<std::string>{"--replicaof", "127.0.0.1", std::to_string(primary_.Port())});
  }

  // True once the primary sees its replica online and the replica its link up.
  bool WaitInSync() {
    return WaitFor([&] {
      return primary_.Cli({"INFO", "replication"}).find("state=online") != std::string::npos &&
             replica_->Cli({"INFO", "replication"}).find("master_link_status:up") !=
                 std::string::npos;
    });
  }

  RedisServer& primary() { return primary_; }
  RedisServer& replica() { return *replica_; }

 private:
  RedisServer primary_;
  // Stopped first (declared last): RedisServer::Stop sends SIGCONT too, so a
  // paused replica is ended as well.
  std::unique_ptr<RedisServer> replica_;
};

// The replica paused, 100 KB written every 20 ms (about 5 MB/s): the primary
// buffers everything for the replica, and its dataset reaches maxmemory in
// about 13 s. replication_buffers must be reported (warning at 20% of
// maxmemory, critical at 40%) before the first OOM.
TEST(ReplicationBuffersE2eTest, APausedReplicaIsReportedBeforeTheFirstOom) {
  PrimaryAndReplica redis;
  ASSERT_TRUE(redis.WaitInSync()) << redis.primary().Log() << redis.replica().Log();
  DaemonProcess d(
      "listen: \"127.0.0.1:0\"\ninterval: 100ms\ntimeout: 500ms\ntargets:\n  - name: p\n"
      "    address: 127.0.0.1:" +
      std::to_string(redis.primary().Port()) + "\n");
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"p\"}") == 1.0; })) << d.Log();
  EXPECT_EQ(d.Value(Finding("warning")), 0.0);

  redis.replica().Pause();
  const std::string value(100000, 'x');
  const auto start = Clock::now();
  double warning_at = -1, critical_at = -1, oom_at = -1;
  auto seconds = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  for (int i = 0; Clock::now() - start < std::chrono::seconds(60); ++i) {
    if (i % 5 == 0 && warning_at < 0 && d.Value(Finding("warning")) == 1.0) warning_at = seconds();
    if (i % 5 == 0 && critical_at < 0 && d.Value(Finding("critical")) == 1.0) {
      critical_at = seconds();
    }
    const std::string reply = redis.primary().Cli({"SET", "fill:" + std::to_string(i), value});
    if (reply.find("OOM command not allowed") != std::string::npos) {
      oom_at = seconds();
      break;
    }
    std::this_thread::sleep_until(start + i * std::chrono::milliseconds(20));  // the writer's pace
  }
  const std::string memory = redis.primary().Cli({"INFO", "memory"});
  std::printf(
      "paused replica: replication_buffers warning at %.1f s, critical at %.1f s, first OOM "
      "at %.1f s after the writer started\n",
      warning_at, critical_at, oom_at);
  ASSERT_GT(oom_at, 0) << "the writer never saw an OOM error\n" << memory;
  ASSERT_GT(warning_at, 0) << "no warning before the first OOM\n" << memory << d.Log();
  EXPECT_LT(warning_at, oom_at);
  EXPECT_GT(critical_at, 0) << "no critical before the first OOM\n" << memory;

  // doctor names the replica that holds the memory, with the fix.
  const CommandResult r = Doctor(redis.primary());
  EXPECT_THAT(r.output, HasSubstr("replication_buffers"));
  EXPECT_THAT(r.output, HasSubstr("127.0.0.1:" + std::to_string(redis.replica().Port()) + " (lag"));
  EXPECT_THAT(r.output, HasSubstr("client-output-buffer-limit \"replica "));
}

// A replica's own memory findings (maxmemory 0 here) say that replicas
// ignore maxmemory by default.
TEST(ReplicationBuffersE2eTest, DoctorOnAReplicaSaysReplicasIgnoreMaxmemory) {
  PrimaryAndReplica redis;
  ASSERT_TRUE(redis.WaitInSync()) << redis.primary().Log() << redis.replica().Log();
  const CommandResult r = Doctor(redis.replica());
  EXPECT_THAT(r.output, HasSubstr("maxmemory_unset"));
  EXPECT_THAT(r.output, HasSubstr("This is a replica: replicas ignore maxmemory by default"));
  EXPECT_THAT(Doctor(redis.primary()).output, ::testing::Not(HasSubstr("This is a replica")));
}

// Watching both, doctor compares the replica with its primary's maxmemory:
// the replica reports its primary as 127.0.0.1:<port>, the address the
// config gives the primary.
TEST(ReplicationBuffersE2eTest, DoctorComparesAReplicaWithItsWatchedPrimary) {
  PrimaryAndReplica redis;
  ASSERT_TRUE(redis.WaitInSync()) << redis.primary().Log() << redis.replica().Log();
  TempDir dir;
  const std::string config = dir.File("config.yml");
  std::ofstream(config) << "targets:\n  - name: orders-primary\n    address: 127.0.0.1:"
                        << redis.primary().Port() << "\n  - name: orders-replica\n"
                        << "    address: 127.0.0.1:" << redis.replica().Port() << "\n";
  const CommandResult r = RunCommand({MEMWATCH_BINARY, "doctor", "--config", config});
  EXPECT_THAT(r.output, HasSubstr("This is a replica: replicas ignore maxmemory by default"));
  EXPECT_THAT(r.output, HasSubstr("(its primary orders-primary has maxmemory 64 MiB)"));
}

}  // namespace replication_buffers_test
}  // namespace memwatch::testing
