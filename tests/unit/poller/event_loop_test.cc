#include "poller/event_loop.h"

#include <gtest/gtest.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

namespace memwatch::poller {
namespace event_loop_test {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

TEST(EventLoopTest, ReportsAReadableSocketWithItsTag) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
  EventLoop loop;
  ASSERT_TRUE(loop.Watch(fds[0], EPOLLIN, 7));
  ASSERT_EQ(write(fds[1], "x", 1), 1);
  std::vector<EventLoop::Ready> ready;
  loop.Wait(steady_clock::now() + milliseconds(1000), &ready);
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].tag, 7u);
  EXPECT_TRUE(ready[0].events & EPOLLIN);
  loop.Unwatch(fds[0]);
  close(fds[0]);
  close(fds[1]);
}

TEST(EventLoopTest, ReturnsAtTheDeadlineNotBefore) {
  EventLoop loop;
  std::vector<EventLoop::Ready> ready;
  const auto start = steady_clock::now();
  loop.Wait(start + milliseconds(30), &ready);
  EXPECT_GE(steady_clock::now() - start, milliseconds(30));
  EXPECT_TRUE(ready.empty());
}

TEST(EventLoopTest, WakeFromAnotherThreadEndsAnEndlessWait) {
  EventLoop loop;
  std::thread waker([&loop] { loop.Wake(); });
  std::vector<EventLoop::Ready> ready;
  loop.Wait(std::nullopt, &ready);  // would hang without the wake-up
  waker.join();
  EXPECT_TRUE(ready.empty());

  // The wake-up was consumed: the next wait runs to its deadline.
  const auto start = steady_clock::now();
  loop.Wait(start + milliseconds(20), &ready);
  EXPECT_GE(steady_clock::now() - start, milliseconds(20));
}

}  // namespace event_loop_test
}  // namespace memwatch::poller
