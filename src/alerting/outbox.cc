#include "alerting/outbox.h"

#include <algorithm>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "alerting/supersede.h"

namespace memwatch::alerting {
namespace {

constexpr std::string_view kSuffix = ".json";

// Any name made file-safe, for quarantining files that are not ours.
std::string SafeName(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, 100)) {
    out += ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-') ? c : '-';
  }
  return out;
}

std::string IdOf(const std::string& name) {
  return name.ends_with(kSuffix) ? name.substr(0, name.size() - kSuffix.size()) : name;
}

}  // namespace

Outbox::Outbox(FileSystem* fs, OutboxOptions options) : fs_(fs), options_(std::move(options)) {}

Outbox::Item Outbox::MakeItem(const Notification& n, const std::string& position) {
  Item item;
  item.id = n.id;
  item.target = n.target;
  item.position = position.empty() ? n.id : position;
  item.critical = HasFiringCritical(n);
  return item;
}

std::string Outbox::PendingPath(const std::string& id) const {
  return fmt::format("{}/{}{}", OutboxDir(), id, kSuffix);
}

std::string Outbox::FailedPath(const std::string& id) const {
  return fmt::format("{}/{}{}", FailedDir(), id, kSuffix);
}

Result<RecoveryReport> Outbox::Recover() {
  RecoveryReport report;
  for (const std::string& dir : {OutboxDir(), FailedDir()}) {
    if (Status s = fs_->MakeDirs(dir); !s.ok()) return s;
    Result<int> removed = fs_->RemoveTemporaries(dir);
    if (!removed.ok()) return removed.status();
    report.temporaries_removed += removed.value();
  }
  Result<std::vector<std::string>> failed = fs_->List(FailedDir());
  if (!failed.ok()) return failed.status();
  Result<std::vector<std::string>> pending = fs_->List(OutboxDir());
  if (!pending.ok()) return pending.status();

  std::lock_guard lock(mu_);
  failed_ids_.assign(failed.value().begin(), failed.value().end());
  for (std::string& name : failed_ids_) name = IdOf(name);
  std::sort(failed_ids_.begin(), failed_ids_.end());
  const std::set<std::string> already_failed(failed_ids_.begin(), failed_ids_.end());

  std::map<std::string, PendingFile> files;  // by id
  std::vector<Take> takes;
  for (const std::string& name : pending.value()) {
    const std::string path = fmt::format("{}/{}", OutboxDir(), name);
    const std::string id = IdOf(name);
    Result<std::string> text = fs_->Read(path);
    if (!text.ok()) return text.status();
    Result<PendingFile> f = ParsePendingFile(id, text.value());
    if (f.ok()) takes.insert(takes.end(), f.value().takes.begin(), f.value().takes.end());
    if (already_failed.count(id) > 0) {
      // A crash between writing failed/<id> and removing outbox/<id>.
      if (Status s = fs_->Remove(path); !s.ok()) return s;
      continue;
    }
    if (!f.ok()) {
      Result<std::string> failed_id = Quarantine(id, path, text.value());
      if (!failed_id.ok()) return failed_id.status();
      failed_ids_.push_back(std::move(failed_id).value());
      ++report.unreadable;
      continue;
    }
    files.emplace(id, std::move(f).value());
  }
  Result<size_t> superseded = ApplyTakes(files, takes);
  if (!superseded.ok()) return superseded.status();
  report.superseded = superseded.value();

  std::vector<const PendingFile*> order;
  order.reserve(files.size());
  for (const auto& [id, f] : files) order.push_back(&f);
  std::sort(order.begin(), order.end(), [](const PendingFile* a, const PendingFile* b) {
    return std::tie(a->queue_position, a->notification.id) <
           std::tie(b->queue_position, b->notification.id);
  });
  for (const PendingFile* f : order) {
    queues_[f->notification.receiver].push_back(MakeItem(f->notification, f->queue_position));
    ++report.recovered;
  }
  for (auto& [receiver, q] : queues_) {
    std::vector<Dropped> dropped = TrimLocked(q, receiver);
    report.dropped.insert(report.dropped.end(), dropped.begin(), dropped.end());
  }
  DeleteFiles(report.dropped);
  return report;
}

Result<size_t> Outbox::ApplyTakes(std::map<std::string, PendingFile>& files,
                                  const std::vector<Take>& takes) {
  std::set<std::string> changed;
  for (const Take& t : takes) {
    auto it = files.find(t.id);
    if (it == files.end()) continue;
    std::vector<Alert>& alerts = it->second.notification.alerts;
    const size_t before = alerts.size();
    std::erase_if(alerts, [&](const Alert& a) {
      return t.checks.empty() ||
             std::find(t.checks.begin(), t.checks.end(), a.check) != t.checks.end();
    });
    if (alerts.size() != before) changed.insert(t.id);
  }
  size_t removed = 0;
  for (const std::string& id : changed) {
    auto it = files.find(id);
    Status s = it->second.notification.alerts.empty()
                   ? fs_->Remove(PendingPath(id))
                   : fs_->WriteFileDurably(PendingPath(id), FormatPendingFile(it->second));
    if (!s.ok()) return s;
    if (it->second.notification.alerts.empty()) {
      files.erase(it);
      ++removed;
    }
  }
  return removed;
}

AddResult Outbox::Add(const Notification& n) {
  AddResult result;
  bool taken_over = false;
  if (IsSafeId(n.id)) {
    if (std::optional<std::string> older = MarkNewestOf(n.receiver, n.target)) {
      bool whole = false;
      taken_over = TakeOver(*older, PendingFile{n, n.id, {}}, /*newer_queued=*/false,
                            &result.superseded, &whole);
    }
  }
  if (taken_over) {
    std::lock_guard lock(mu_);
    result.dropped = TrimLocked(queues_[n.receiver], n.receiver);
  } else {
    if (!IsSafeId(n.id)) {
      result.stored =
          Status::Error(fmt::format("notification id '{}' is not a safe file name", n.id));
    } else {
      result.stored = fs_->WriteFileDurably(PendingPath(n.id), FormatPendingFile({n, n.id, {}}));
    }
    std::lock_guard lock(mu_);
    Queue& q = queues_[n.receiver];
    Item item = MakeItem(n, n.id);
    item.urgent = BringsNewCritical(n);
    if (!result.stored.ok()) item.unsaved = std::make_unique<Notification>(n);
    q.push_back(std::move(item));
    result.dropped = TrimLocked(q, n.receiver);
  }
  DeleteFiles(result.dropped);
  return result;
}

std::optional<std::string> Outbox::MarkNewestOf(const std::string& receiver,
                                                const std::string& target) {
  std::lock_guard lock(mu_);
  auto q = queues_.find(receiver);
  if (q == queues_.end()) return std::nullopt;
  auto it = std::find_if(q->second.rbegin(), q->second.rend(),
                         [&](const Item& i) { return i.target == target; });
  if (it == q->second.rend() || it->in_flight || it->unsaved) return std::nullopt;
  it->in_flight = true;
  return it->id;
}

std::optional<std::string> Outbox::MarkNextOf(const std::string& older_id) {
  std::lock_guard lock(mu_);
  auto [q, older] = FindLocked(older_id);
  if (q == nullptr || older->in_flight || older->unsaved) return std::nullopt;
  const std::string& target = older->target;
  auto newer =
      std::find_if(std::next(older), q->end(), [&](const Item& i) { return i.target == target; });
  if (newer == q->end() || newer->in_flight || newer->unsaved) return std::nullopt;
  older->in_flight = true;
  newer->in_flight = true;
  return newer->id;
}

void Outbox::Unmark(const std::vector<std::string>& ids) {
  std::lock_guard lock(mu_);
  for (const std::string& id : ids) {
    if (auto [q, it] = FindLocked(id); q != nullptr) it->in_flight = false;
  }
}

bool Outbox::TakeOver(const std::string& older_id, const PendingFile& newer, bool newer_queued,
                      std::vector<std::string>* superseded, bool* whole) {
  const std::string& newer_id = newer.notification.id;
  std::vector<std::string> marked{older_id};
  if (newer_queued) marked.push_back(newer_id);
  Result<PendingFile> older = Load(older_id);
  std::optional<Supersession> s;
  if (older.ok()) s = Supersede(older.value().notification, newer.notification);
  if (!s) {
    Unmark(marked);
    return false;
  }
  std::vector<std::string> older_leftovers;
  {
    std::lock_guard lock(mu_);
    if (auto [q, it] = FindLocked(older_id); q != nullptr) older_leftovers = it->leftovers;
  }
  *whole = s->kept.empty();
  // What the newer one must remember having taken: the checks of the older
  // one, and (when it replaces it whole) the files the older one still had
  // to remove.
  PendingFile merged{s->merged, older.value().queue_position, newer.takes};
  merged.takes.push_back({older_id, s->taken});
  if (*whole) {
    for (const std::string& id : older_leftovers) merged.takes.push_back({id, {}});
  }
  if (!fs_->WriteFileDurably(PendingPath(newer_id), FormatPendingFile(merged)).ok()) {
    Unmark(marked);
    return false;
  }
  PendingFile remainder = older.value();
  remainder.notification.alerts = s->kept;
  // Both stay in flight until their files say what memory says: a delivery
  // in between could otherwise leave a file behind that a restart would
  // send again after the newer state.
  Place(older_id, merged.notification, merged.queue_position, remainder.notification,
        newer_queued ? std::nullopt : std::optional<bool>(BringsNewCritical(newer.notification)));
  if (*whole) {
    superseded->push_back(older_id);
    std::vector<std::string> files{older_id};
    files.insert(files.end(), older_leftovers.begin(), older_leftovers.end());
    if (std::vector<std::string> failed = RemoveSuperseded(files); !failed.empty()) {
      std::lock_guard lock(mu_);
      if (auto [q, it] = FindLocked(newer_id); q != nullptr) {
        it->leftovers.insert(it->leftovers.end(), failed.begin(), failed.end());
      }
    }
    Unmark({newer_id});
    return true;
  }
  if (!fs_->WriteFileDurably(PendingPath(older_id), FormatPendingFile(remainder)).ok()) {
    // The file still says more; memory keeps what must be delivered.
    std::lock_guard lock(mu_);
    if (auto [q, it] = FindLocked(older_id); q != nullptr) {
      it->unsaved = std::make_unique<Notification>(remainder.notification);
    }
  }
  Unmark({older_id, newer_id});
  return true;
}

void Outbox::Place(const std::string& older_id, const Notification& merged,
                   const std::string& position, const Notification& remainder,
                   std::optional<bool> urgent) {
  std::lock_guard lock(mu_);
  Item item = MakeItem(merged, position);
  item.in_flight = true;
  if (urgent) {
    item.urgent = *urgent;
  } else {
    auto [nq, newer_it] = FindLocked(merged.id);
    item.urgent = newer_it->urgent;
    item.leftovers = std::move(newer_it->leftovers);
    nq->erase(newer_it);
  }
  auto [q, older_it] = FindLocked(older_id);
  item.urgent = item.urgent || (older_it->urgent && BringsNewCritical(merged));
  if (remainder.alerts.empty()) {
    *older_it = std::move(item);
  } else {
    older_it->critical = HasFiringCritical(remainder);
    older_it->urgent = older_it->urgent && BringsNewCritical(remainder);
    q->insert(std::next(older_it), std::move(item));
  }
}

std::vector<std::string> Outbox::RemoveSuperseded(const std::vector<std::string>& ids) {
  std::vector<std::string> failed;
  for (const std::string& id : ids) {
    if (!fs_->Remove(PendingPath(id)).ok()) failed.push_back(id);
  }
  return failed;
}

std::vector<Dropped> Outbox::TrimLocked(Queue& q, const std::string& receiver) {
  std::vector<Dropped> dropped;
  while (q.size() > options_.max_pending_per_receiver) {
    auto oldest = std::find_if(q.begin(), q.end(), [](const Item& i) { return !i.in_flight; });
    if (oldest == q.end()) break;
    dropped.push_back({receiver, oldest->id});
    q.erase(oldest);
  }
  return dropped;
}

void Outbox::DeleteFiles(const std::vector<Dropped>& dropped) {
  // Best effort: a file left behind is delivered once more after a restart.
  for (const Dropped& d : dropped) (void)fs_->Remove(PendingPath(d.id));
}

std::pair<Outbox::Queue*, Outbox::Queue::iterator> Outbox::FindLocked(std::string_view id) {
  for (auto& [receiver, q] : queues_) {
    auto it = std::find_if(q.begin(), q.end(), [&](const Item& i) { return i.id == id; });
    if (it != q.end()) return {&q, it};
  }
  return {nullptr, {}};
}

template <typename Pick>
std::optional<Notification> Outbox::ClaimWith(std::string_view receiver, Pick pick,
                                              std::vector<Dropped>* unreadable) {
  for (;;) {
    std::string id;
    {
      std::lock_guard lock(mu_);
      auto it = queues_.find(receiver);
      if (it == queues_.end()) return std::nullopt;
      Item* item = pick(it->second);
      if (item == nullptr) return std::nullopt;
      item->in_flight = true;
      item->urgent = false;
      if (item->unsaved) return *item->unsaved;
      id = item->id;
    }
    Result<PendingFile> f = Load(id);
    if (f.ok()) return std::move(f).value().notification;
    {
      std::lock_guard lock(mu_);
      if (auto [q, it] = FindLocked(id); q != nullptr) q->erase(it);
    }
    if (unreadable != nullptr) unreadable->push_back({std::string(receiver), id});
  }
}

std::optional<Notification> Outbox::Claim(std::string_view receiver,
                                          std::vector<Dropped>* unreadable) {
  return ClaimWith(
      receiver,
      [](Queue& q) -> Item* { return q.empty() || q.front().in_flight ? nullptr : &q.front(); },
      unreadable);
}

std::optional<Notification> Outbox::ClaimUrgent(std::string_view receiver,
                                                std::vector<Dropped>* unreadable) {
  return ClaimWith(
      receiver,
      [](Queue& q) -> Item* {
        auto urgent = std::find_if(q.begin(), q.end(), [](const Item& i) { return i.urgent; });
        if (urgent == q.end()) return nullptr;
        auto first = std::find_if(q.begin(), q.end(),
                                  [&](const Item& i) { return i.target == urgent->target; });
        if (first->in_flight) return nullptr;
        urgent->urgent = false;  // its one attempt at once
        return &*first;
      },
      unreadable);
}

Result<PendingFile> Outbox::Load(const std::string& id) {
  const std::string path = PendingPath(id);
  Result<std::string> text = fs_->Read(path);
  if (!text.ok()) return text.status();
  Result<PendingFile> f = ParsePendingFile(id, text.value());
  if (!f.ok()) {
    // Left in outbox/ when this fails: the next start quarantines it.
    if (Result<std::string> failed_id = Quarantine(id, path, text.value()); failed_id.ok()) {
      std::lock_guard lock(mu_);
      failed_ids_.push_back(std::move(failed_id).value());
    }
  }
  return f;
}

Result<std::string> Outbox::Quarantine(const std::string& id, const std::string& path,
                                       const std::string& text) {
  const std::string failed_id = "unreadable-" + SafeName(id);
  if (Status s = fs_->WriteFileDurably(FailedPath(failed_id), text); !s.ok()) return s;
  if (Status s = fs_->Remove(path); !s.ok()) return s;
  return failed_id;
}

std::vector<std::string> Outbox::Release(const std::string& id) {
  Unmark({id});
  std::vector<std::string> superseded;
  std::string older = id;
  // Each round replaces one notification whole or stops: it ends.
  while (std::optional<std::string> newer = MarkNextOf(older)) {
    Result<PendingFile> f = Load(*newer);
    bool whole = false;
    if (!f.ok()) {
      Unmark({older, *newer});
      break;
    }
    if (!TakeOver(older, f.value(), /*newer_queued=*/true, &superseded, &whole) || !whole) break;
    older = *newer;
  }
  return superseded;
}

Status Outbox::Remove(const std::string& id) {
  std::vector<std::string> leftovers;
  {
    std::lock_guard lock(mu_);
    if (auto [q, it] = FindLocked(id); q != nullptr) {
      leftovers = std::move(it->leftovers);
      q->erase(it);
    }
  }
  if (std::vector<std::string> failed = RemoveSuperseded(leftovers); !failed.empty()) {
    // Its file's "takes" keeps a restart from delivering those older states.
    return Status::Error(fmt::format("cannot remove the superseded notification {}", failed[0]));
  }
  return IsSafeId(id) ? fs_->Remove(PendingPath(id)) : Status::Ok();
}

Status Outbox::MoveToFailed(const Notification& n, std::string_view reason, WallTime now) {
  {
    std::lock_guard lock(mu_);
    if (FindLocked(n.id).first == nullptr) return Status::Ok();  // dropped meanwhile
  }
  Status written = IsSafeId(n.id) ? WriteFailed(n, reason, now) : Status::Ok();
  // Forget it even when failed/ is not writable: retrying would not help.
  Status removed = Remove(n.id);
  if (!written.ok()) return written;
  if (!removed.ok()) return removed;
  return TrimFailed();
}

Status Outbox::WriteFailed(const Notification& n, std::string_view reason, WallTime now) {
  Status s = fs_->WriteFileDurably(FailedPath(n.id), FormatFailedFile(n, reason, now));
  if (s.ok()) {
    std::lock_guard lock(mu_);
    failed_ids_.push_back(n.id);
  }
  return s;
}

Status Outbox::TrimFailed() {
  std::vector<std::string> excess;
  {
    std::lock_guard lock(mu_);
    while (failed_ids_.size() > options_.max_failed) {
      excess.push_back(failed_ids_.front());
      failed_ids_.pop_front();
    }
  }
  for (const std::string& id : excess) {
    if (Status s = fs_->Remove(FailedPath(id)); !s.ok()) return s;
  }
  return Status::Ok();
}

bool Outbox::Contains(const std::string& id) const {
  std::lock_guard lock(mu_);
  return std::any_of(queues_.begin(), queues_.end(), [&](const auto& entry) {
    return std::any_of(entry.second.begin(), entry.second.end(),
                       [&](const Item& i) { return i.id == id; });
  });
}

size_t Outbox::PendingCount(std::string_view receiver) const {
  std::lock_guard lock(mu_);
  auto it = queues_.find(receiver);
  return it == queues_.end() ? 0 : it->second.size();
}

bool Outbox::HasCritical(std::string_view receiver) const {
  std::lock_guard lock(mu_);
  auto it = queues_.find(receiver);
  return it != queues_.end() && std::any_of(it->second.begin(), it->second.end(),
                                            [](const Item& i) { return i.critical; });
}

std::vector<std::string> Outbox::Receivers() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, q] : queues_) {
    if (!q.empty()) names.push_back(name);
  }
  return names;
}

}  // namespace memwatch::alerting
