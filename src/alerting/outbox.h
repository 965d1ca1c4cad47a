// The durable, bounded, per-receiver queue of notifications not yet
// delivered. Nothing is lost and nothing delivered is sent again after a
// crash because: a notification is on disk (fsynced) before its first
// attempt; it is removed (unlink + directory fsync) only after the receiver
// accepted it; and on start every file still there is queued again.
// (A crash between the receiver's 2xx and the unlink re-sends that one
// notification: at-least-once; the notification id lets receivers dedupe.)
//
// On disk, under <state_dir>:
//   outbox/<id>.json  pending: {"format": 1, "notification": {...}}
//   failed/<id>.json  permanent failures, kept for a person to read:
//                     {"format": 1, "failed_reason": "...",
//                      "failed_at_unix_ms": N, "notification": {...}}
//   .<name>.tmp       half-written files a crash left; deleted on start
// Ids sort by creation time, so file order is queue order.
//
// Memory holds only the queue: each pending notification's id and a flag,
// not its content, which Claim reads back from its file. A long backlog (a
// receiver down for an hour) then costs about a hundred bytes per
// notification instead of its whole text, and leaves little fragmented heap
// behind when it drains (bench/RESULTS.md, soak of 2026-12-06).
// Only a notification whose file could not be written is kept whole.
//
// Bounds: each receiver keeps at most max_pending_per_receiver (1000)
// pending notifications; past that the oldest one not being delivered is
// dropped (file removed, id returned so the caller counts and logs it).
// failed/ keeps the newest max_failed (1000) files.
//
// Thread-safe: the dispatcher's workers and the evaluating thread call it
// concurrently. File I/O happens outside the lock; ids are unique, so no
// two threads touch the same file.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "alerting/file_system.h"
#include "alerting/notification.h"
#include "memwatch/result.h"

namespace memwatch::alerting {

struct OutboxOptions {
  std::string state_dir;
  size_t max_pending_per_receiver = 1000;  // ~3 MB of JSON per receiver
  size_t max_failed = 1000;
};

// A notification the bound pushed out, for counting and logging.
struct Dropped {
  std::string receiver;
  std::string id;
  bool operator==(const Dropped&) const = default;
};

struct RecoveryReport {
  size_t recovered = 0;          // pending notifications queued again
  size_t unreadable = 0;         // moved to failed/ as unreadable
  int temporaries_removed = 0;   // half-written files deleted
  std::vector<Dropped> dropped;  // over the bound (after a lowered limit)
};

struct AddResult {
  // Not ok when the file could not be written: the notification is still
  // queued in memory (delivered if the process lives), but not durable.
  Status stored = Status::Ok();
  std::vector<Dropped> dropped;  // pushed out to respect the bound
};

class Outbox {
 public:
  Outbox(FileSystem* fs, OutboxOptions options);

  // Creates the directories, deletes temp files, queues every pending
  // notification again (oldest first). Call once, before anything else.
  Result<RecoveryReport> Recover();

  // Stores `n` durably, then queues it behind its receiver's others.
  AddResult Add(const Notification& n);

  // The oldest pending notification of `receiver`, read from its file and
  // now marked in flight so the bound cannot drop it; nullopt when there is
  // none or it is already claimed. A queued notification whose file can no
  // longer be read (deleted or damaged by something else) cannot be
  // delivered: it is forgotten, whatever bytes it had are kept in failed/,
  // it is appended to *unreadable (when not null), and the next one is
  // tried.
  std::optional<Notification> Claim(std::string_view receiver,
                                    std::vector<Dropped>* unreadable = nullptr);
  // Ends a claim with no verdict: the notification stays first in line.
  void Release(const std::string& id);

  // Delivered: forget `id` and delete its file.
  Status Remove(const std::string& id);
  // Failed for good: write `n` (as claimed) to failed/ with `reason`, then
  // forget it. Ok and nothing written when it was dropped meanwhile.
  Status MoveToFailed(const Notification& n, std::string_view reason, WallTime now);

  // False once `id` was removed, failed or dropped.
  bool Contains(const std::string& id) const;
  size_t PendingCount(std::string_view receiver) const;
  // Receivers with pending notifications (recovered ones included).
  std::vector<std::string> Receivers() const;

  std::string OutboxDir() const { return options_.state_dir + "/outbox"; }
  std::string FailedDir() const { return options_.state_dir + "/failed"; }

 private:
  struct Item {
    std::string id;
    // Set only when the file could not be written: the one copy.
    std::unique_ptr<Notification> unsaved;
    bool in_flight = false;
  };
  using Queue = std::deque<Item>;

  std::string PendingPath(const std::string& id) const;
  std::string FailedPath(const std::string& id) const;
  // Requires mu_ held. The queue holding `id` and its position, or nullptr.
  std::pair<Queue*, Queue::iterator> FindLocked(std::string_view id);
  // The content of a claimed notification's file; quarantines the file's
  // bytes (if any) in failed/ when they do not parse.
  Result<Notification> Load(const std::string& id);
  // Keeps the bytes of the pending file `path` (id `id`) that do not parse
  // for a person, out of the queue's way: writes them to
  // failed/unreadable-<id>.json, then removes `path`. Returns the failed id.
  // No lock needed: file I/O only.
  Result<std::string> Quarantine(const std::string& id, const std::string& path,
                                 const std::string& text);
  // Requires mu_ held. Removes items past the bound from `q`, the queue of
  // `receiver`.
  std::vector<Dropped> TrimLocked(Queue& q, const std::string& receiver);
  void DeleteFiles(const std::vector<Dropped>& dropped);
  Status WriteFailed(const Notification& n, std::string_view reason, WallTime now);
  Status TrimFailed();

  FileSystem* const fs_;
  const OutboxOptions options_;

  mutable std::mutex mu_;
  // State below is protected by mu_.
  std::map<std::string, Queue, std::less<>> queues_;  // by receiver
  std::deque<std::string> failed_ids_;                // oldest first
};

}  // namespace memwatch::alerting
