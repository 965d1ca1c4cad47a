// The container's memory limit found on its own: a real redis-server moved
// into a child memory cgroup (cgroup v1, as root: this machine's kind) with
// a limit. With no memory_limit written anywhere, the daemon exports the
// limit with source="cgroup", `maxmemory` equal to it raises
// memory_headroom, and doctor says where the limit came from.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/daemon_process.h"
#include "harness/redis_server.h"

namespace memwatch::testing {
namespace container_limit_test {

using ::testing::HasSubstr;

constexpr int64_t kLimit = int64_t{64} * 1024 * 1024;
constexpr const char* kMemoryRoot = "/sys/fs/cgroup/memory";

// A child of this process's own v1 memory cgroup, with a limit; removed
// (once its processes are gone) at the end.
class MemoryCgroup {
 public:
  // Empty with the reason in `why` when this machine cannot make one (no v1
  // memory hierarchy, not root).
  static std::unique_ptr<MemoryCgroup> Create(int64_t limit, std::string* why) {
    std::ifstream self("/proc/self/cgroup");
    std::string line;
    std::string own;
    while (std::getline(self, line)) {
      const size_t a = line.find(':');
      const size_t b = line.find(':', a + 1);
      if (a == std::string::npos || b == std::string::npos) continue;
      const std::string controllers = "," + line.substr(a + 1, b - a - 1) + ",";
      if (controllers.find(",memory,") != std::string::npos) own = line.substr(b + 1);
    }
    if (own.empty()) {
      *why = "no cgroup v1 memory controller in /proc/self/cgroup";
      return nullptr;
    }
    static std::atomic<int> counter{0};
    const std::string dir = std::string(kMemoryRoot) + (own == "/" ? "" : own) + "/memwatch-test-" +
                            std::to_string(getpid()) + "-" + std::to_string(counter++);
    if (mkdir(dir.c_str(), 0755) != 0) {
      *why = "mkdir " + dir + ": " + std::strerror(errno);
      return nullptr;
    }
    std::unique_ptr<MemoryCgroup> cg(new MemoryCgroup(dir));
    if (!cg->Write("memory.limit_in_bytes", std::to_string(limit))) {
      *why = "cannot write " + dir + "/memory.limit_in_bytes";
      return nullptr;
    }
    return cg;
  }

  MemoryCgroup(const MemoryCgroup&) = delete;
  MemoryCgroup& operator=(const MemoryCgroup&) = delete;
  ~MemoryCgroup() {
    // Its processes may still be exiting: rmdir fails with EBUSY until then.
    (void)WaitFor([&] { return rmdir(dir_.c_str()) == 0 || errno == ENOENT; },
                  std::chrono::seconds(10));
  }

  bool Add(pid_t pid) { return Write("cgroup.procs", std::to_string(pid)); }
  const std::string& dir() const { return dir_; }

 private:
  explicit MemoryCgroup(std::string dir) : dir_(std::move(dir)) {}
  bool Write(const std::string& file, const std::string& value) const {
    std::ofstream out(dir_ + "/" + file);
    out << value << std::flush;
    return static_cast<bool>(out);
  }
  std::string dir_;
};

// A redis-server in a fresh cgroup limited to kLimit. The cgroup is
// declared first, so it is removed after Redis has stopped.
struct ContainedRedis {
  explicit ContainedRedis(const std::vector<std::string>& args) : redis(args) {}
  std::unique_ptr<MemoryCgroup> cgroup;
  RedisServer redis;
};

#define MEMWATCH_CONTAIN_OR_SKIP(contained)                               \
  do {                                                                    \
    std::string why;                                                      \
    (contained).cgroup = MemoryCgroup::Create(kLimit, &why);              \
    if (!(contained).cgroup) GTEST_SKIP() << "no memory cgroup: " << why; \
    ASSERT_TRUE((contained).cgroup->Add((contained).redis.Pid()));        \
  } while (0)

std::string Series(const std::string& target) {
  return "redis_memwatch_memory_limit_bytes{target=\"" + target + "\",source=\"cgroup\"}";
}

TEST(ContainerLimitTest, TheDaemonFindsTheCgroupLimitAndFlagsMaxmemoryAsLargeAsIt) {
  ContainedRedis c({"--maxmemory-policy", "allkeys-lru"});
  MEMWATCH_CONTAIN_OR_SKIP(c);
  DaemonProcess d(
      "listen: \"127.0.0.1:0\"\ninterval: 100ms\ntargets:\n  - name: r\n"
      "    address: 127.0.0.1:" +
      std::to_string(c.redis.Port()) + "\n");
  ASSERT_TRUE(WaitFor([&] { return d.Value(Series("r")) == static_cast<double>(kLimit); }))
      << d.Metrics() << d.Log();
  EXPECT_THAT(d.Log(), HasSubstr("r: container memory limit: 64 MiB from " + c.cgroup->dir() +
                                 "/memory.limit_in_bytes (cgroup v1, pid " +
                                 std::to_string(c.redis.Pid()) + ")"));

  // The team's fix: maxmemory as large as the container.
  c.redis.Cli({"CONFIG", "SET", "maxmemory", "64mb"});
  const std::string headroom =
      "redis_memwatch_finding{target=\"r\",check=\"memory_headroom\",severity=\"warning\"}";
  ASSERT_TRUE(WaitFor([&] { return d.Value(headroom) == 1.0; })) << d.Metrics();
  EXPECT_TRUE(WaitFor([&] {
    return d.Value("redis_memwatch_memory_limit_bytes{target=\"r\",source=\"maxmemory\"}") ==
           static_cast<double>(kLimit);
  })) << d.Metrics();
}

TEST(ContainerLimitTest, AWrittenMemoryLimitWins) {
  ContainedRedis c({});
  MEMWATCH_CONTAIN_OR_SKIP(c);
  DaemonProcess d(
      "listen: \"127.0.0.1:0\"\ninterval: 100ms\ntargets:\n  - name: r\n"
      "    address: 127.0.0.1:" +
      std::to_string(c.redis.Port()) + "\n    memory_limit: 1GiB\n");
  EXPECT_TRUE(WaitFor([&] {
    return d.Value("redis_memwatch_memory_limit_bytes{target=\"r\",source=\"memory_limit\"}") ==
           1024.0 * 1024 * 1024;
  })) << d.Metrics();
  EXPECT_FALSE(d.Value(Series("r")).has_value());
}

TEST(ContainerLimitTest, DoctorSaysWhereTheLimitCameFrom) {
  ContainedRedis c({"--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"});
  MEMWATCH_CONTAIN_OR_SKIP(c);
  const std::string cgroup_file = c.cgroup->dir() + "/memory.limit_in_bytes";

  CommandResult text = RunCommand(
      {MEMWATCH_BINARY, "doctor", "redis://127.0.0.1:" + std::to_string(c.redis.Port())});
  EXPECT_THAT(text.output, HasSubstr("container: 64 MiB from " + cgroup_file + " (cgroup v1"));
  EXPECT_THAT(text.output, HasSubstr("WARNING memory_headroom"));
  EXPECT_THAT(text.output, HasSubstr("cgroup 64 MiB (the container's limit)"));

  // Through the unix socket too: the socket path identifies the process.
  CommandResult json =
      RunCommand({MEMWATCH_BINARY, "doctor", "unix:" + c.redis.UnixSocket(), "--format", "json"});
  const nlohmann::json doc = nlohmann::json::parse(json.output);
  ASSERT_EQ(doc["targets"].size(), 1U);
  EXPECT_THAT(doc["targets"][0]["container"].get<std::string>(),
              HasSubstr("64 MiB from " + cgroup_file));
}

}  // namespace container_limit_test
}  // namespace memwatch::testing
