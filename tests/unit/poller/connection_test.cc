// Connection at its deadline, over a unix socket whose server end the test
// holds: a reply already in the socket is taken (the loop came late to it,
// as on a loaded host), a reply that has not come is a timeout.
#include "poller/connection.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>

namespace memwatch::poller {
namespace connection_test {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using ::testing::HasSubstr;

constexpr const char* kInfo =
    "# Server\r\nredis_version:7.0.15\r\n\r\n# Memory\r\nused_memory:1000\r\n";

// A listening unix socket in a temp dir, and the server end of the one
// connection it accepts.
class ConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "memwatch-connection.XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    listener_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(listener_, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string path = dir_ + "/redis.sock";
    ASSERT_LT(path.size(), sizeof(addr.sun_path));
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    ASSERT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    ASSERT_EQ(listen(listener_, 1), 0);
    target_.name = "t";
    target_.endpoint.kind = Endpoint::Kind::kUnix;
    target_.endpoint.path = path;
    options_.timeout = milliseconds(100);
  }
  void TearDown() override {
    if (server_ >= 0) close(server_);
    close(listener_);
    fs::remove_all(dir_);
  }

  // Starts a poll and brings it to the point where INFO has gone out and
  // the server has read it. Returns the time the poll started.
  MonoTime SendInfo(Connection* c) {
    const MonoTime start = std::chrono::steady_clock::now();
    EXPECT_EQ(c->StartPoll(start), std::nullopt);
    server_ = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    EXPECT_GE(server_, 0);
    // A unix socket connects at once; the loop would report it writable.
    EXPECT_EQ(c->OnReady(EPOLLOUT, start), std::nullopt);
    char request[256];
    EXPECT_GT(read(server_, request, sizeof(request)), 0);  // INFO ...
    EXPECT_TRUE(c->busy());
    return start;
  }

  std::string dir_;
  int listener_ = -1;
  int server_ = -1;
  PollTarget target_;
  PollerOptions options_;
  EventLoop loop_;
  TlsContextCache tls_contexts_;
};

TEST_F(ConnectionTest, AReplyInTheSocketAtTheDeadlineIsTaken) {
  Connection c(&loop_, 1, target_, options_, &tls_contexts_);
  const MonoTime start = SendInfo(&c);
  const std::string reply = "$" + std::to_string(std::strlen(kInfo)) + "\r\n" + kInfo + "\r\n";
  ASSERT_EQ(write(server_, reply.data(), reply.size()), static_cast<ssize_t>(reply.size()));
  // The loop comes to the connection only at the deadline: no OnReady.
  EXPECT_EQ(c.OnDeadline(start + milliseconds(50)), std::nullopt);  // not yet due
  const std::optional<PollOutcome> outcome = c.OnDeadline(start + milliseconds(150));
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->failure, PollFailure::kNone) << outcome->message;
  EXPECT_EQ(outcome->info, kInfo);
  EXPECT_FALSE(c.busy());
  EXPECT_TRUE(c.open());  // kept for the next poll
}

TEST_F(ConnectionTest, APartOrNoReplyAtTheDeadlineIsATimeout) {
  Connection c(&loop_, 1, target_, options_, &tls_contexts_);
  MonoTime start = SendInfo(&c);
  std::optional<PollOutcome> outcome = c.OnDeadline(start + milliseconds(150));
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->failure, PollFailure::kTimeout);
  EXPECT_THAT(outcome->message, HasSubstr("no reply to INFO from"));
  EXPECT_THAT(outcome->message, HasSubstr("within 100 ms"));
  EXPECT_FALSE(c.open());

  close(server_);
  start = SendInfo(&c);  // a fresh connection
  ASSERT_EQ(write(server_, "$100\r\n# Server", 15), 15);
  outcome = c.OnDeadline(start + milliseconds(150));
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->failure, PollFailure::kTimeout) << outcome->message;
}

}  // namespace connection_test
}  // namespace memwatch::poller
