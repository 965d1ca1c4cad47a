// The outbox on a real file system: a process killed with SIGKILL while
// adding loses nothing it acknowledged, and a restart delivers what was
// pending without re-sending what was delivered.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "alerting/dispatcher.h"
#include "alerting/posix_file_system.h"
#include "harness/http_receiver.h"
#include "net/curl_http_client.h"
#include "notify/webhook_notifier.h"

namespace memwatch {
namespace notify_outbox_test {

using testing::HttpReceiver;
using testing::PollUntil;
using testing::ScopedTempDir;
using ::testing::SizeIs;
using namespace std::chrono_literals;

alerting::Notification Make(int i) {
  alerting::Notification n;
  n.id = "1714564800000-0000000a-" + std::to_string(100000 + i);
  // One target each: none supersedes another (outbox.h), every one stays.
  n.target = "redis-" + std::to_string(i);
  n.receiver = "pager";
  n.created_at = SystemClock().WallNow();
  n.alerts.push_back({.check = "oom_rejections",
                      .severity = Severity::kCritical,
                      .summary = "notification " + std::to_string(i),
                      .started_at = n.created_at});
  return n;
}

TEST(NotifyOutboxTest, SigkillWhileAddingLosesNothingAcknowledged) {
  ScopedTempDir state;
  int acks[2];
  ASSERT_EQ(pipe(acks), 0);
  // The writer is this test binary, forked; it is killed and reaped on every
  // way out of this test, an early ASSERT too, and dies with us.
  struct Writer {
    pid_t pid = -1;
    int status = 0;
    bool reaped = false;
    ~Writer() {
      if (pid > 0 && !reaped) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
      }
    }
  } writer;
  const pid_t parent = getpid();
  writer.pid = fork();
  ASSERT_GE(writer.pid, 0);
  if (writer.pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(5);
    close(acks[0]);
    alerting::PosixFileSystem fs;
    alerting::Outbox outbox(&fs, {state.path()});
    if (!outbox.Recover().ok()) _exit(2);
    for (int i = 0;; ++i) {
      if (!outbox.Add(Make(i)).stored.ok()) _exit(3);
      if (write(acks[1], &i, sizeof i) != sizeof i) _exit(4);  // "durable"
    }
  }
  close(acks[1]);
  int last = -1;
  for (int got = 0; got < 50;) {
    int i;
    ASSERT_EQ(read(acks[0], &i, sizeof i), static_cast<ssize_t>(sizeof i));
    last = i;
    ++got;
  }
  kill(writer.pid, SIGKILL);
  waitpid(writer.pid, &writer.status, 0);
  writer.reaped = true;
  while (read(acks[0], &last, sizeof last) == sizeof last) {
  }
  close(acks[0]);
  ASSERT_TRUE(WIFSIGNALED(writer.status));

  alerting::PosixFileSystem fs;
  alerting::Outbox outbox(&fs, {state.path()});
  auto report = outbox.Recover();
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report.value().unreadable, 0u) << "a torn file became visible";
  std::set<std::string> recovered;
  while (auto n = outbox.Claim("pager")) {
    recovered.insert(n->id);
    ASSERT_TRUE(outbox.Remove(n->id).ok());
  }
  for (int i = 0; i <= last; ++i) EXPECT_TRUE(recovered.count(Make(i).id)) << i;
  EXPECT_LE(recovered.size(), static_cast<size_t>(last) + 2);  // at most one unacknowledged
  for (const auto& e : std::filesystem::directory_iterator(state.path() + "/outbox")) {
    ADD_FAILURE() << "left behind: " << e.path();
  }
}

TEST(NotifyOutboxTest, RestartDeliversPendingAndNeverResendsDelivered) {
  ScopedTempDir state;
  // First run: #1 is accepted, #2 meets a receiver failing with 500 until the
  // process stops.
  HttpReceiver first({{.status = 200},
                      {.status = 500},
                      {.status = 500},
                      {.status = 500},
                      {.status = 500},
                      {.status = 500},
                      {.status = 500},
                      {.status = 500}});
  ASSERT_GT(first.port(), 0) << first.error();
  {
    alerting::PosixFileSystem fs;
    alerting::Outbox outbox(&fs, {state.path()});
    net::CurlHttpClient http;
    notify::WebhookNotifier hook("pager", {Secret(first.Url()), {}}, {}, &http, 5s);
    SystemClock clock;
    alerting::CondVarSleeper sleeper;
    alerting::NullDispatchObserver observer;
    alerting::Dispatcher dispatcher(&outbox, {{"pager", &hook}}, &clock, &sleeper, &observer,
                                    {.retry = {.initial_backoff = 50ms}});
    ASSERT_TRUE(dispatcher.Start().ok());
    ASSERT_TRUE(dispatcher.Submit(Make(1)).ok());
    ASSERT_TRUE(PollUntil([&] { return dispatcher.Stats("pager").sent == 1; }));
    ASSERT_TRUE(dispatcher.Submit(Make(2)).ok());
    ASSERT_TRUE(first.WaitForRequests(3));  // #2 failed at least twice
  }                                         // the dispatcher stops; #2 stays on disk

  HttpReceiver second;
  ASSERT_GT(second.port(), 0) << second.error();
  alerting::PosixFileSystem fs;
  alerting::Outbox outbox(&fs, {state.path()});
  net::CurlHttpClient http;
  notify::WebhookNotifier hook("pager", {Secret(second.Url()), {}}, {}, &http, 5s);
  SystemClock clock;
  alerting::CondVarSleeper sleeper;
  alerting::NullDispatchObserver observer;
  alerting::Dispatcher dispatcher(&outbox, {{"pager", &hook}}, &clock, &sleeper, &observer);
  auto report = dispatcher.Start();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report.value().recovered, 1u);
  ASSERT_TRUE(PollUntil([&] { return dispatcher.Stats("pager").sent == 1; }));
  dispatcher.Stop();
  const auto requests = second.Requests();
  ASSERT_THAT(requests, SizeIs(1));
  EXPECT_EQ(requests[0].headers.at("Idempotency-Key"), Make(2).id);
}

}  // namespace notify_outbox_test
}  // namespace memwatch
