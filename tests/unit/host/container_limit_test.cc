// FindContainerLimit on fixture trees: a fake /proc (status, net tables,
// cgroup, self/mountinfo) and a fake root holding the cgroup file systems.
#include "host/container_limit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>

namespace memwatch::host {
namespace container_limit_test {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using std::string_literals::operator""s;

constexpr int64_t kMiB = int64_t{1024} * 1024;
constexpr const char* kV1Unlimited = "9223372036854771712\n";

// A hybrid host as Debian 11/Ubuntu 20.04 set it up: the memory controller
// on v1, the unified hierarchy without it.
constexpr const char* kHybridMountInfo =
    "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
    "25 22 0:23 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
    "34 25 0:29 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
    "35 34 0:30 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 "
    "cgroup2 rw,nsdelegate\n"
    "38 34 0:33 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:14 - cgroup "
    "cgroup rw,memory\n"
    "39 34 0:34 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:15 - cgroup "
    "cgroup rw,cpu,cpuacct\n";

constexpr const char* kV2MountInfo =
    "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
    "25 22 0:23 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
    "35 25 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 "
    "rw,nsdelegate,memory_recursiveprot\n";

constexpr const char* kV1Memory = "/sys/fs/cgroup/memory";
constexpr const char* kV2 = "/sys/fs/cgroup";

std::string StatusText(const std::string& nspid) {
  return fmt::format(
      "Name:\tredis-server\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t{0}\nNgid:\t0\n"
      "Pid:\t{0}\nPPid:\t1\nTracerPid:\t0\nNSpid:\t{1}\nVmRSS:\t   10240 kB\n",
      nspid.substr(0, nspid.find('\t')), nspid);
}

constexpr const char* kTcpHeader =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
    "timeout inode\n";

// net/tcp with a LISTEN socket on `port` (and a connection to it from
// elsewhere, which must not count as listening on the client's port).
std::string TcpListening(int port) {
  return fmt::format(
      "{}   0: 00000000:{:04X} 00000000:0000 0A 00000000:00000000 00:00000000 00000000   999 "
      "       0 31337 1 0000000000000000 100 0 0 10 0\n"
      "   1: 0100007F:{:04X} 0100007F:D431 01 00000000:00000000 00:00000000 00000000   999 "
      "       0 31338 1 0000000000000000 20 4 30 10 -1\n",
      kTcpHeader, port, port);
}

std::string Tcp6Listening(int port) {
  return fmt::format(
      "{}   0: 00000000000000000000000000000000:{:04X} 00000000000000000000000000000000:0000 "
      "0A 00000000:00000000 00:00000000 00000000   999        0 31339 1 0000000000000000 100 "
      "0 0 10 0\n",
      kTcpHeader, port);
}

std::string UnixTable(const std::string& path) {
  return fmt::format(
      "Num       RefCount Protocol Flags    Type St Inode Path\n"
      "0000000000000000: 00000002 00000000 00010000 0001 01 23456 {}\n"
      "0000000000000000: 00000003 00000000 00000000 0001 03 23457\n",
      path);
}

// One fake process: its NSpid line's value, cgroup file and socket tables.
struct FakeProcess {
  int64_t pid = 0;
  std::string nspid;
  std::string cgroup;
  std::string tcp = kTcpHeader;
  std::string tcp6 = kTcpHeader;
  std::string unix_table = UnixTable("/run/other.sock");
};

class ContainerLimitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "memwatch-host.XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    paths_.proc = dir_ + "/proc";
    paths_.root = dir_ + "/root";
    fs::create_directories(paths_.proc + "/self");
    fs::create_directories(paths_.proc + "/sys");  // not a process
    Write(paths_.proc + "/self/mountinfo", kHybridMountInfo);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static void Write(const std::string& path, const std::string& content) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    ASSERT_TRUE(out.good()) << path;
  }

  void Add(const FakeProcess& p) {
    const std::string dir = fmt::format("{}/{}", paths_.proc, p.pid);
    Write(dir + "/status", StatusText(p.nspid));
    Write(dir + "/cgroup", p.cgroup);
    Write(dir + "/net/tcp", p.tcp);
    Write(dir + "/net/tcp6", p.tcp6);
    Write(dir + "/net/unix", p.unix_table);
  }

  // Redis as host PID 4242 in cgroup v1 memory:`memory_cgroup`, listening
  // on 6379 in the host's PID namespace.
  void AddHostRedis(const std::string& memory_cgroup) {
    FakeProcess p;
    p.pid = 4242;
    p.nspid = "4242";
    p.cgroup = fmt::format("12:memory:{0}\n11:cpu,cpuacct:{0}\n1:name=systemd:{0}\n0::{0}\n",
                           memory_cgroup);
    p.tcp = TcpListening(6379);
    Add(p);
  }

  // Writes `content` to `file` in the cgroup directory `cgroup` under the
  // mount point `mount` (both absolute, without paths_.root).
  void Limit(const std::string& mount, const std::string& cgroup, const std::string& file,
             const std::string& content) {
    Write(paths_.root + mount + cgroup + "/" + file, content);
  }
  void V1Limit(const std::string& cgroup, const std::string& content) {
    Limit(kV1Memory, cgroup, "memory.limit_in_bytes", content);
  }
  void V2Max(const std::string& cgroup, const std::string& content) {
    Limit(kV2, cgroup, "memory.max", content);
  }

  static RedisProcessQuery OnPort(int64_t process_id, int64_t port) {
    RedisProcessQuery q;
    q.process_id = process_id;
    q.tcp_port = port;
    return q;
  }

  ContainerLimit Find(const RedisProcessQuery& query) {
    Result<ContainerLimit> r = FindContainerLimit(paths_, query);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? r.value() : ContainerLimit{};
  }
  std::string Error(const RedisProcessQuery& query) {
    Result<ContainerLimit> r = FindContainerLimit(paths_, query);
    EXPECT_FALSE(r.ok()) << "found pid " << r.value().pid;
    return r.ok() ? "" : r.status().message();
  }

  std::string dir_;
  HostPaths paths_;
};

TEST_F(ContainerLimitTest, V1LimitOfTheProcessCgroup) {
  AddHostRedis("/docker/0123abcd");
  V1Limit("", kV1Unlimited);
  V1Limit("/docker/0123abcd", "536870912\n");
  const ContainerLimit found = Find(OnPort(4242, 6379));
  EXPECT_EQ(found.pid, 4242);
  EXPECT_EQ(found.bytes, 512 * kMiB);
  EXPECT_EQ(found.file,
            paths_.root + "/sys/fs/cgroup/memory/docker/0123abcd/memory.limit_in_bytes");
  EXPECT_EQ(found.cgroup_version, 1);
}

TEST_F(ContainerLimitTest, V1TakesTheSmallestLimitUpTheHierarchy) {
  AddHostRedis("/kubepods/burstable/pod1/ctr");
  V1Limit("", kV1Unlimited);
  V1Limit("/kubepods", "8589934592\n");
  V1Limit("/kubepods/burstable", kV1Unlimited);
  V1Limit("/kubepods/burstable/pod1", "1073741824\n");
  V1Limit("/kubepods/burstable/pod1/ctr", "2147483648\n");
  const ContainerLimit found = Find(OnPort(4242, 6379));
  EXPECT_EQ(found.bytes, 1024 * kMiB);
  EXPECT_EQ(found.file,
            paths_.root + "/sys/fs/cgroup/memory/kubepods/burstable/pod1/memory.limit_in_bytes");
}

TEST_F(ContainerLimitTest, V1LimitSetOnlyAtTheHierarchyRootCounts) {
  AddHostRedis("/system.slice/redis.service");
  V1Limit("", "4294967296\n");
  V1Limit("/system.slice/redis.service", kV1Unlimited);
  const ContainerLimit found = Find(OnPort(4242, 6379));
  EXPECT_EQ(found.bytes, 4096 * kMiB);
  EXPECT_EQ(found.file, paths_.root + "/sys/fs/cgroup/memory/memory.limit_in_bytes");
}

TEST_F(ContainerLimitTest, V1UnlimitedEverywhereIsNoLimit) {
  AddHostRedis("/system.slice/redis.service");
  V1Limit("", kV1Unlimited);
  V1Limit("/system.slice", "9223372036854775807\n");
  V1Limit("/system.slice/redis.service", "18446744073709551615\n");  // some kernels: 2^64 - 1
  const ContainerLimit found = Find(OnPort(4242, 6379));
  EXPECT_EQ(found.pid, 4242);
  EXPECT_EQ(found.bytes, std::nullopt);
  EXPECT_EQ(found.file, "");
  EXPECT_EQ(found.cgroup_version, 1);
}

TEST_F(ContainerLimitTest, V2MemoryMaxAboveTheServiceWins) {
  Write(paths_.proc + "/self/mountinfo", kV2MountInfo);
  Add(FakeProcess{77, "77", "0::/system.slice/redis.service\n", TcpListening(6379)});
  V2Max("/system.slice/redis.service", "max\n");
  V2Max("/system.slice", "1073741824\n");  // the root has no memory.max
  const ContainerLimit found = Find(OnPort(77, 6379));
  EXPECT_EQ(found.pid, 77);
  EXPECT_EQ(found.bytes, 1024 * kMiB);
  EXPECT_EQ(found.file, paths_.root + "/sys/fs/cgroup/system.slice/memory.max");
  EXPECT_EQ(found.cgroup_version, 2);
}

TEST_F(ContainerLimitTest, V2MemoryMaxOfTheLeafUnderMax) {
  Write(paths_.proc + "/self/mountinfo", kV2MountInfo);
  Add(FakeProcess{77, "77", "0::/system.slice/docker-ab.scope\n", TcpListening(6379)});
  V2Max("/system.slice/docker-ab.scope", "268435456\n");
  V2Max("/system.slice", "max\n");
  const ContainerLimit found = Find(OnPort(77, 6379));
  EXPECT_EQ(found.bytes, 256 * kMiB);
  EXPECT_EQ(found.file, paths_.root + "/sys/fs/cgroup/system.slice/docker-ab.scope/memory.max");
}

TEST_F(ContainerLimitTest, V2MaxEverywhereIsNoLimit) {
  Write(paths_.proc + "/self/mountinfo", kV2MountInfo);
  Add(FakeProcess{77, "77", "0::/user.slice/user-1000.slice\n", TcpListening(6379)});
  V2Max("/user.slice/user-1000.slice", "max\n");
  V2Max("/user.slice", "max\n");
  const ContainerLimit found = Find(OnPort(77, 6379));
  EXPECT_EQ(found.bytes, std::nullopt);
  EXPECT_EQ(found.cgroup_version, 2);
}

TEST_F(ContainerLimitTest, HybridHostWithoutV1MemoryLineUsesV2) {
  Add(FakeProcess{77, "77", "11:cpu,cpuacct:/a\n0::/a\n", TcpListening(6379)});
  Limit("/sys/fs/cgroup/unified", "/a", "memory.max", "1048576\n");
  const ContainerLimit found = Find(OnPort(77, 6379));
  EXPECT_EQ(found.bytes, kMiB);
  EXPECT_EQ(found.cgroup_version, 2);
  EXPECT_EQ(found.file, paths_.root + "/sys/fs/cgroup/unified/a/memory.max");
}

// Two containers' Redis are both PID 1 in their own namespaces; the port
// each listens on says which one the target is.
TEST_F(ContainerLimitTest, PidNamespaceThePortPicksTheProcess) {
  Add(FakeProcess{1, "1", "12:memory:/\n0::/init.scope\n"});  // the host's init
  Add(FakeProcess{5001, "5001\t1", "12:memory:/docker/aaa\n", TcpListening(6379)});
  Add(FakeProcess{5002, "5002\t1", "12:memory:/docker/bbb\n", TcpListening(6380)});
  V1Limit("/docker/aaa", "104857600\n");
  V1Limit("/docker/bbb", "209715200\n");
  const ContainerLimit a = Find(OnPort(1, 6379));
  EXPECT_EQ(a.pid, 5001);
  EXPECT_EQ(a.bytes, 100 * kMiB);
  const ContainerLimit b = Find(OnPort(1, 6380));
  EXPECT_EQ(b.pid, 5002);
  EXPECT_EQ(b.bytes, 200 * kMiB);
}

TEST_F(ContainerLimitTest, NestedPidNamespacesUseTheInnermostPid) {
  Add(FakeProcess{9000, "9000\t300\t7", "12:memory:/k8s/pod\n", TcpListening(6379)});
  Add(FakeProcess{300, "300", "12:memory:/\n", TcpListening(6379)});  // 300 only outside
  V1Limit("/k8s/pod", "1048576\n");
  EXPECT_EQ(Find(OnPort(7, 6379)).pid, 9000);
  EXPECT_EQ(Find(OnPort(300, 6379)).pid, 300);
}

TEST_F(ContainerLimitTest, ListenSocketFoundInTcp6) {
  FakeProcess p{5001, "5001\t1", "12:memory:/docker/aaa\n"};
  p.tcp6 = Tcp6Listening(6379);
  Add(p);
  Add(FakeProcess{5002, "5002\t1", "12:memory:/docker/bbb\n", TcpListening(6380)});
  V1Limit("/docker/aaa", "104857600\n");
  const ContainerLimit found = Find(OnPort(1, 6379));
  EXPECT_EQ(found.pid, 5001);
  EXPECT_EQ(found.bytes, 100 * kMiB);
}

TEST_F(ContainerLimitTest, UnixSocketPicksTheProcess) {
  FakeProcess a{5001, "5001\t1", "12:memory:/docker/aaa\n"};
  a.unix_table = UnixTable("/run/redis/redis.sock");
  Add(a);
  FakeProcess b{5002, "5002\t1", "12:memory:/docker/bbb\n"};
  b.unix_table = UnixTable("/run/redis/redis.sock.old");
  Add(b);
  V1Limit("/docker/aaa", "104857600\n");
  RedisProcessQuery q;
  q.process_id = 1;
  q.tcp_port = 0;  // INFO says 0 when Redis listens on no TCP port
  q.unix_socket = "/run/redis/redis.sock";
  const ContainerLimit found = Find(q);
  EXPECT_EQ(found.pid, 5001);
  EXPECT_EQ(found.bytes, 100 * kMiB);
}

TEST_F(ContainerLimitTest, WithoutPortOrSocketAUniquePidSuffices) {
  AddHostRedis("/docker/0123abcd");
  V1Limit("/docker/0123abcd", "1048576\n");
  RedisProcessQuery q;
  q.process_id = 4242;
  EXPECT_EQ(Find(q).pid, 4242);
}

TEST_F(ContainerLimitTest, NotFoundSaysWhatToDo) {
  AddHostRedis("/docker/0123abcd");
  const std::string error = Error(OnPort(1, 6379));
  EXPECT_THAT(error, HasSubstr("no process with PID 1 (INFO process_id) listening on port 6379"));
  EXPECT_THAT(error, HasSubstr(paths_.proc));
  EXPECT_THAT(error, HasSubstr("hidepid"));
  EXPECT_THAT(error, HasSubstr("set memory_limit for this target"));
}

TEST_F(ContainerLimitTest, SamePidListeningElsewhereIsNotFound) {
  AddHostRedis("/docker/0123abcd");  // listens on 6379; its client socket uses 6379 too
  const std::string error = Error(OnPort(4242, 6380));
  EXPECT_THAT(error, HasSubstr("1 with that PID, none listening there"));
  EXPECT_THAT(error, HasSubstr("memory_limit"));
}

TEST_F(ContainerLimitTest, AnEstablishedConnectionIsNotListening) {
  FakeProcess p{5001, "5001\t1", "12:memory:/docker/aaa\n"};
  p.tcp = fmt::format(
      "{}   0: 0100007F:18EB 0100007F:D431 01 00000000:00000000 00:00000000 00000000   999 "
      "       0 31338 1 0000000000000000 20 4 30 10 -1\n",
      kTcpHeader);
  Add(p);
  EXPECT_THAT(Error(OnPort(1, 6379)), HasSubstr("none listening there"));
}

TEST_F(ContainerLimitTest, SeveralMatchesAreAnError) {
  Add(FakeProcess{5002, "5002\t1", "12:memory:/docker/bbb\n", TcpListening(6379)});
  Add(FakeProcess{5001, "5001\t1", "12:memory:/docker/aaa\n", TcpListening(6379)});
  const std::string error = Error(OnPort(1, 6379));
  EXPECT_THAT(error, HasSubstr("2 processes"));
  EXPECT_THAT(error, HasSubstr("host PIDs 5001, 5002"));
  EXPECT_THAT(error, HasSubstr("memory_limit"));
}

TEST_F(ContainerLimitTest, SeveralMatchesWithoutPortAreAnError) {
  Add(FakeProcess{5001, "5001\t1", "12:memory:/docker/aaa\n"});
  Add(FakeProcess{5002, "5002\t1", "12:memory:/docker/bbb\n"});
  Add(FakeProcess{5003, "5003\t1", "12:memory:/docker/ccc\n"});
  RedisProcessQuery q;
  q.process_id = 1;
  EXPECT_THAT(Error(q), HasSubstr("3 processes"));
}

TEST_F(ContainerLimitTest, EscapedMountPointIsDecoded) {
  Write(paths_.proc + "/self/mountinfo",
        "38 34 0:33 / /cgroups/mem\\040ory\\134x rw,relatime shared:14 - cgroup cgroup "
        "rw,memory\n");
  AddHostRedis("/docker/0123abcd");
  Limit("/cgroups/mem ory\\x", "/docker/0123abcd", "memory.limit_in_bytes", "1048576\n");
  const ContainerLimit found = Find(OnPort(4242, 6379));
  EXPECT_EQ(found.bytes, kMiB);
  EXPECT_EQ(found.file, paths_.root + "/cgroups/mem ory\\x/docker/0123abcd/memory.limit_in_bytes");
}

// Inside a container, the hierarchy is often mounted from the container's
// own cgroup: ROOT is that cgroup, and the mount point shows its content.
TEST_F(ContainerLimitTest, MountRootIsRemovedFromTheCgroupPath) {
  Write(paths_.proc + "/self/mountinfo",
        "38 34 0:33 /docker/0123abcd /sys/fs/cgroup/memory ro,relatime master:14 - cgroup "
        "cgroup rw,memory\n");
  AddHostRedis("/docker/0123abcd/redis");
  V1Limit("/redis", kV1Unlimited);
  V1Limit("", "2097152\n");
  const ContainerLimit found = Find(OnPort(4242, 6379));
  EXPECT_EQ(found.bytes, 2 * kMiB);
  EXPECT_EQ(found.file, paths_.root + "/sys/fs/cgroup/memory/memory.limit_in_bytes");
}

TEST_F(ContainerLimitTest, CgroupOutsideTheMountRootIsAnError) {
  Write(paths_.proc + "/self/mountinfo",
        "38 34 0:33 /docker/0123abcd /sys/fs/cgroup/memory ro,relatime master:14 - cgroup "
        "cgroup rw,memory\n");
  AddHostRedis("/docker/0123abcdef");  // a sibling whose name shares a prefix
  const std::string error = Error(OnPort(4242, 6379));
  EXPECT_THAT(error, HasSubstr("cgroup /docker/0123abcdef is not under the root /docker/0123abcd"));
  EXPECT_THAT(error, HasSubstr("memory_limit"));
}

TEST_F(ContainerLimitTest, CgroupOfAnotherCgroupNamespaceIsAnError) {
  AddHostRedis("/../../docker/0123abcd");
  EXPECT_THAT(Error(OnPort(4242, 6379)), HasSubstr("another cgroup namespace"));
}

TEST_F(ContainerLimitTest, NoMemoryControllerLineIsAnError) {
  Add(FakeProcess{77, "77", "11:cpu,cpuacct:/a\n1:name=systemd:/a\n", TcpListening(6379)});
  const std::string error = Error(OnPort(77, 6379));
  EXPECT_THAT(error, HasSubstr(paths_.proc + "/77/cgroup has no memory controller line"));
}

TEST_F(ContainerLimitTest, NoMountOfTheHierarchyIsAnError) {
  Write(paths_.proc + "/self/mountinfo", kV2MountInfo);
  AddHostRedis("/docker/0123abcd");  // v1 memory line, but only cgroup2 is mounted
  EXPECT_THAT(Error(OnPort(4242, 6379)), HasSubstr("has no cgroup v1 memory controller"));
}

TEST_F(ContainerLimitTest, UnreadableLimitFileIsNamed) {
  AddHostRedis("/docker/0123abcd");
  fs::create_directories(paths_.root + kV1Memory + "/docker/0123abcd/memory.limit_in_bytes");
  const std::string error = Error(OnPort(4242, 6379));
  EXPECT_THAT(error, HasSubstr("cannot read " + paths_.root + kV1Memory +
                               "/docker/0123abcd/memory.limit_in_bytes: Is a directory"));
}

TEST_F(ContainerLimitTest, GarbageLimitFileIsNamed) {
  AddHostRedis("/docker/0123abcd");
  V1Limit("/docker/0123abcd", "lots\n");
  const std::string error = Error(OnPort(4242, 6379));
  EXPECT_THAT(error, HasSubstr("/docker/0123abcd/memory.limit_in_bytes: 'lots' is not a number"));
}

TEST_F(ContainerLimitTest, MissingMountInfoIsNamed) {
  AddHostRedis("/docker/0123abcd");
  fs::remove(paths_.proc + "/self/mountinfo");
  EXPECT_THAT(Error(OnPort(4242, 6379)),
              HasSubstr("cannot read " + paths_.proc + "/self/mountinfo: No such file"));
}

TEST_F(ContainerLimitTest, MissingProcIsAnError) {
  paths_.proc = dir_ + "/nowhere";
  EXPECT_THAT(Error(OnPort(1, 6379)), HasSubstr("cannot list " + dir_ + "/nowhere"));
}

// Processes come and go, and some files cannot be read: such entries are
// skipped, and the process that can be read is still found.
TEST_F(ContainerLimitTest, VanishedAndUnreadableEntriesAreSkipped) {
  fs::create_directories(paths_.proc + "/31");         // exited: no files
  fs::create_directories(paths_.proc + "/32/status");  // not a file
  Add(FakeProcess{33, "33\t1", "12:memory:/x\n", TcpListening(6379)});
  fs::remove(paths_.proc + "/33/net/tcp");
  fs::remove(paths_.proc + "/33/net/tcp6");  // exited while we looked
  Add(FakeProcess{5001, "5001\t1", "12:memory:/docker/aaa\n", TcpListening(6379)});
  V1Limit("/docker/aaa", "1048576\n");
  EXPECT_EQ(Find(OnPort(1, 6379)).pid, 5001);
}

TEST_F(ContainerLimitTest, GarbageStatusAndSocketTablesMatchNothing) {
  FakeProcess p{5001, "5001\t1", "12:memory:/docker/aaa\n"};
  p.tcp = "\0\xff\n:::: 0A\n   0: 0100007F:ZZZZ x 0A\n   1: :18EB 0 0A\n"s;
  p.tcp6 = "no header only";
  Add(p);
  Write(paths_.proc + "/5002/status", "NSpid:\t\xff\xfe\nPid:\n\0\0"s);
  Write(paths_.proc + "/5003/status", "NSpid:\n");
  Write(paths_.proc + "/5004/status", "NSpid:\t5004\t-1\n");
  Write(paths_.proc + "/5005/status", "NSpid:\t5005\t99999999999999999999999\n");
  EXPECT_THAT(Error(OnPort(1, 6379)), HasSubstr("1 with that PID, none listening there"));
}

TEST_F(ContainerLimitTest, GarbageCgroupFileIsAnError) {
  Add(FakeProcess{77, "77", "\0\0memory\n12:memory\n::\n12:memory:relative\n"s,
                  TcpListening(6379)});
  EXPECT_THAT(Error(OnPort(77, 6379)), HasSubstr("has no memory controller line"));
}

TEST_F(ContainerLimitTest, GarbageMountInfoIsAnError) {
  Write(paths_.proc + "/self/mountinfo",
        "\0\xff garbage\n38 34 0:33 / /x - cgroup\n- - - - - - - cgroup x memory\n"
        "1 2 3 4\n\\\\\\\n"s);
  AddHostRedis("/docker/0123abcd");
  EXPECT_THAT(Error(OnPort(4242, 6379)), HasSubstr("self/mountinfo has no cgroup v1 memory"));
}

}  // namespace container_limit_test
}  // namespace memwatch::host
