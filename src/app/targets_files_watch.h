// Tells the daemon when the targets files may have changed: inotify on the
// directory of each `targets_files:` pattern (a file written in place, one
// renamed over it as config management does, one created or deleted), with
// a burst of events folded into one call once ~100 ms pass without more,
// and a periodic call as a fallback (a directory that did not exist yet, a
// file system without inotify, wildcards in a directory name).
//
// The callback runs on the watcher's own thread; it re-reads the files and
// compares, so a call when nothing changed costs one read per file.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace memwatch::app {

class TargetsFilesWatch {
 public:
  using Callback = std::function<void()>;
  explicit TargetsFilesWatch(Callback on_change,
                             std::chrono::milliseconds refresh = std::chrono::seconds(30),
                             std::chrono::milliseconds debounce = std::chrono::milliseconds(100));
  ~TargetsFilesWatch();  // Stop()
  TargetsFilesWatch(const TargetsFilesWatch&) = delete;
  TargetsFilesWatch& operator=(const TargetsFilesWatch&) = delete;

  // Watches the directories of `patterns` from now on (none: the thread
  // idles). Starts the thread on first use. Thread-safe.
  void Watch(const std::vector<std::string>& patterns);
  // Stops and joins the thread. Idempotent.
  void Stop();

 private:
  void Run();
  // Replaces the inotify watches with the directories of patterns_.
  void Rewatch();

  const Callback on_change_;
  const std::chrono::milliseconds refresh_;
  const std::chrono::milliseconds debounce_;
  int inotify_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: a new pattern list, or stop
  std::mutex mu_;
  std::vector<std::string> patterns_;  // guarded by mu_
  bool stopping_ = false;              // guarded by mu_
  // The thread's own: the watches, whether every directory has one, and
  // the directories a failure was logged for.
  std::vector<int> watches_;
  bool all_watched_ = true;
  std::set<std::string> warned_;
  std::thread thread_;
};

}  // namespace memwatch::app
