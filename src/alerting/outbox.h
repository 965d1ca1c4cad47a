// The durable, bounded, per-receiver queue of notifications not yet
// delivered. Nothing is lost and nothing delivered is sent again after a
// crash because: a notification is on disk (fsynced) before its first
// attempt; it is removed (unlink + directory fsync) only after the receiver
// accepted it; and on start every file still there is queued again.
// (A crash between the receiver's 2xx and the unlink re-sends that one
// notification: at-least-once; the notification id lets receivers dedupe.)
// The file formats are in outbox_file.h. Ids sort by creation time; a
// file's queue position (its own id unless it took another's place, below)
// gives the order on start.
//
// The newest state first. A notification added while an older one about
// the same target waits for the same receiver (not in flight) takes over
// what that one says that is no longer news (supersede.h): it is written
// with a note of what it took (its "takes"), goes into the older one's
// place in line, and the older one is then rewritten with only what must
// still be said (a firing later resolved, a severity change, a resolved),
// or removed when nothing is left. A crash at any point leaves either the
// older one whole and no newer one (the newer one was not acknowledged
// yet), or the newer one whose "takes" recovery applies to what is left of
// the older one: never an older state delivered after a newer one. A
// notification in flight (an attempt is running) is never changed: the
// newer one queues behind it; if the attempt fails, Release() lets the
// newer ones behind it take over from it before it is tried again.
//
// Memory holds only the queue: each pending notification's id, target and
// a few flags, not its content, which Claim reads back from its file. A long
// backlog (a receiver down for an hour) then costs about two hundred bytes
// per notification instead of its whole text, and leaves little fragmented
// heap behind when it drains (bench/RESULTS.md, soak of 2026-12-06). Only a
// notification whose file could not be written is kept whole.
//
// Bounds: each receiver keeps at most max_pending_per_receiver (1000)
// pending notifications; past that the oldest one not being delivered is
// dropped (file removed, id returned so the caller counts and logs it).
// failed/ keeps the newest max_failed (1000) files.
//
// Thread-safe: the dispatcher's workers and the evaluating thread call it
// concurrently. File I/O happens outside the lock; a notification being
// read or rewritten is marked in flight, so no two threads touch one file.
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
#include "alerting/outbox_file.h"
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
  size_t superseded = 0;         // removed: a newer one had taken all they said
  int temporaries_removed = 0;   // half-written files deleted
  std::vector<Dropped> dropped;  // over the bound (after a lowered limit)
};

struct AddResult {
  // Not ok when the file could not be written: the notification is still
  // queued in memory (delivered if the process lives), but not durable.
  Status stored = Status::Ok();
  std::vector<Dropped> dropped;  // pushed out to respect the bound
  // Ids of older pending notifications the added one replaced whole.
  std::vector<std::string> superseded;
};

class Outbox {
 public:
  Outbox(FileSystem* fs, OutboxOptions options);

  // Creates the directories, deletes temp files, applies what newer files
  // took over from older ones (rewriting or removing those), then queues
  // every pending notification again, in queue-position order. Call once,
  // before anything else.
  Result<RecoveryReport> Recover();

  // Stores `n` durably, then queues it behind its receiver's others, or in
  // the place of an older one about the same target it superseded (above).
  AddResult Add(const Notification& n);

  // The oldest pending notification of `receiver`, read from its file and
  // now marked in flight so the bound cannot drop it and nothing supersedes
  // it; nullopt when there is none or it is already claimed. A queued
  // notification whose file can no longer be read (deleted or damaged by
  // something else) cannot be delivered: it is forgotten, whatever bytes it
  // had are kept in failed/, it is appended to *unreadable (when not null),
  // and the next one is tried.
  std::optional<Notification> Claim(std::string_view receiver,
                                    std::vector<Dropped>* unreadable = nullptr);
  // Like Claim, but for the oldest notification that brings a new or
  // escalated critical finding and has not been claimed yet: claims the
  // first pending notification of its target (usually itself: an older one
  // of that target goes first, so a resolved never overtakes its firing).
  // nullopt when there is no such notification or that one is in flight.
  std::optional<Notification> ClaimUrgent(std::string_view receiver,
                                          std::vector<Dropped>* unreadable = nullptr);
  // Ends a claim with no verdict (an attempt failed, or delivery stops): the
  // notification stays first in line for its target, and newer ones of the
  // same target queued behind it meanwhile take over what they can from it.
  // Returns the ids of notifications so replaced whole (possibly `id`).
  std::vector<std::string> Release(const std::string& id);

  // Delivered: forget `id` and delete its file. When deleting a file it
  // superseded failed earlier, that is tried first, and on failure `id`'s
  // file is kept (a restart sends it once more rather than the older state).
  Status Remove(const std::string& id);
  // Failed for good: write `n` (as claimed) to failed/ with `reason`, then
  // forget it. Ok and nothing written when it was dropped meanwhile.
  Status MoveToFailed(const Notification& n, std::string_view reason, WallTime now);

  // False once `id` was removed, failed, dropped or superseded.
  bool Contains(const std::string& id) const;
  size_t PendingCount(std::string_view receiver) const;
  // True iff a pending notification of `receiver` has a critical alert firing.
  bool HasCritical(std::string_view receiver) const;
  // Receivers with pending notifications (recovered ones included).
  std::vector<std::string> Receivers() const;

  std::string OutboxDir() const { return options_.state_dir + "/outbox"; }
  std::string FailedDir() const { return options_.state_dir + "/failed"; }

 private:
  struct Item {
    std::string id;
    std::string target;
    std::string position;  // queue position, as in its file
    // Set only when the file could not be written: the one copy.
    std::unique_ptr<Notification> unsaved;
    bool in_flight = false;
    bool critical = false;  // HasFiringCritical
    bool urgent = false;    // BringsNewCritical, not claimed since
    // Superseded files whose removal failed: removed before this one is.
    std::vector<std::string> leftovers;
  };
  using Queue = std::deque<Item>;

  static Item MakeItem(const Notification& n, const std::string& position);
  std::string PendingPath(const std::string& id) const;
  std::string FailedPath(const std::string& id) const;
  // Requires mu_ held. The queue holding `id` and its position, or nullptr.
  std::pair<Queue*, Queue::iterator> FindLocked(std::string_view id);
  // Claims the item `pick` chooses (nullptr: none) in `receiver`'s queue.
  template <typename Pick>
  std::optional<Notification> ClaimWith(std::string_view receiver, Pick pick,
                                        std::vector<Dropped>* unreadable);
  // The content of a claimed notification's file; quarantines the file's
  // bytes (if any) in failed/ when they do not parse.
  Result<PendingFile> Load(const std::string& id);
  // Keeps the bytes of the pending file `path` (id `id`) that do not parse
  // for a person, out of the queue's way: writes them to
  // failed/unreadable-<id>.json, then removes `path`. Returns the failed id.
  // No lock needed: file I/O only.
  Result<std::string> Quarantine(const std::string& id, const std::string& path,
                                 const std::string& text);

  // Supersede. Marks in flight the newest item of `target` in `receiver`'s
  // queue and returns its id; nullopt when there is none, or it is in
  // flight or unsaved.
  std::optional<std::string> MarkNewestOf(const std::string& receiver, const std::string& target);
  // Marks in flight `older_id` and the next item of its target behind it;
  // returns the latter's id, or nullopt (nothing marked) when either is
  // missing, in flight or unsaved.
  std::optional<std::string> MarkNextOf(const std::string& older_id);
  void Unmark(const std::vector<std::string>& ids);
  // Lets `newer` take over what it can from `older_id` (see the header
  // comment); both marked in flight by the caller (`newer` only when
  // queued), and unmarked here. Returns whether it took anything; sets
  // *whole when nothing of `older_id` is left. A file that cannot be read
  // or written leaves everything as it was.
  bool TakeOver(const std::string& older_id, const PendingFile& newer, bool newer_queued,
                std::vector<std::string>* superseded, bool* whole);
  // Puts `merged` (marked in flight) right after `older_id` in its queue,
  // or in its place when `remainder` has no alerts left, and updates the
  // flags of both. `urgent`: BringsNewCritical of the newer notification
  // when it was not queued yet; nullopt when it was (it is moved, keeping
  // its flags and leftovers).
  void Place(const std::string& older_id, const Notification& merged, const std::string& position,
             const Notification& remainder, std::optional<bool> urgent);
  // Removes files that were superseded; returns those it could not.
  std::vector<std::string> RemoveSuperseded(const std::vector<std::string>& ids);
  // Applies the "takes" of every pending file to the others (Recover).
  // Returns the number of files removed for having nothing left.
  Result<size_t> ApplyTakes(std::map<std::string, PendingFile>& files,
                            const std::vector<Take>& takes);

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
