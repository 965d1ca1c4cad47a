// InnermostPid: NSpid's last field, Pid: without NSpid, garbage as nullopt.
#include "host/proc_status.h"

#include <gtest/gtest.h>

#include <string>

namespace memwatch::host {
namespace proc_status_test {

using std::string_literals::operator""s;

TEST(InnermostPidTest, LastFieldOfNSpid) {
  EXPECT_EQ(InnermostPid("Name:\tredis\nPid:\t4242\nPPid:\t1\nNSpid:\t4242\t1\n"), 1);
  EXPECT_EQ(InnermostPid("NSpid:\t9000\t300\t7\nPid:\t9000\n"), 7);
  EXPECT_EQ(InnermostPid("Pid:\t4242\nNSpid:\t4242\n"), 4242);
  EXPECT_EQ(InnermostPid("NSpid:\t42"), 42);  // no final newline
}

TEST(InnermostPidTest, PidWithoutNSpid) {
  // Kernels before 4.1; PPid and TracerPid are other lines.
  EXPECT_EQ(InnermostPid("PPid:\t1\nTracerPid:\t0\nPid:\t4242\n"), 4242);
  EXPECT_EQ(InnermostPid("PPid:\t1\nTracerPid:\t7\n"), std::nullopt);
}

TEST(InnermostPidTest, GarbageIsNoPid) {
  EXPECT_EQ(InnermostPid(""), std::nullopt);
  EXPECT_EQ(InnermostPid("NSpid:\n"), std::nullopt);
  EXPECT_EQ(InnermostPid("NSpid:\t4242\t-1\n"), std::nullopt);
  EXPECT_EQ(InnermostPid("NSpid:\t4242\t1x\n"), std::nullopt);
  EXPECT_EQ(InnermostPid("NSpid:\t99999999999999999999\n"), std::nullopt);
  EXPECT_EQ(InnermostPid("\0\xff\nNSpid:\t\xfe\n"s), std::nullopt);
  // A broken NSpid line is not replaced by Pid: the NSpid line is the truth.
  EXPECT_EQ(InnermostPid("NSpid:\tx\nPid:\t5\n"), std::nullopt);
}

}  // namespace proc_status_test
}  // namespace memwatch::host
