#include "alerting/outbox.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "alerting/notification_json.h"

namespace memwatch::alerting {
namespace {

constexpr int kFormat = 1;
constexpr std::string_view kSuffix = ".json";

// Ids become file names: only what AlertState generates is accepted.
bool IsSafeId(std::string_view id) {
  return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-';
  });
}

// Any name made file-safe, for quarantining files that are not ours.
std::string SafeName(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, 100)) {
    out += ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-') ? c : '-';
  }
  return out;
}

// A pending file's content, checked against the id its name carries.
Result<Notification> ParsePending(const std::string& id, const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("notification") || !j["format"].is_number_integer() ||
      j["format"].get<int>() != kFormat) {
    return Status::Error("not an outbox file of format 1");
  }
  Result<Notification> n = NotificationFromJson(j["notification"]);
  if (n.ok() && (!IsSafeId(n.value().id) || n.value().id != id)) {
    return Status::Error("file name does not match the notification id");
  }
  return n;
}

// Invalid UTF-8 (Redis evidence may hold any bytes) becomes U+FFFD instead
// of an exception.
std::string Dump(const nlohmann::json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

Outbox::Outbox(FileSystem* fs, OutboxOptions options) : fs_(fs), options_(std::move(options)) {}

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
  for (std::string& name : failed_ids_) {
    if (name.ends_with(kSuffix)) name.resize(name.size() - kSuffix.size());
  }
  std::sort(failed_ids_.begin(), failed_ids_.end());
  const std::set<std::string> already_failed(failed_ids_.begin(), failed_ids_.end());

  for (const std::string& name : pending.value()) {
    const std::string path = fmt::format("{}/{}", OutboxDir(), name);
    const std::string id =
        name.ends_with(kSuffix) ? name.substr(0, name.size() - kSuffix.size()) : name;
    if (already_failed.count(id) > 0) {
      // A crash between writing failed/<id> and removing outbox/<id>.
      if (Status s = fs_->Remove(path); !s.ok()) return s;
      continue;
    }
    Result<std::string> text = fs_->Read(path);
    if (!text.ok()) return text.status();
    Result<Notification> n = ParsePending(id, text.value());
    if (!n.ok()) {
      Result<std::string> failed_id = Quarantine(id, path, text.value());
      if (!failed_id.ok()) return failed_id.status();
      failed_ids_.push_back(std::move(failed_id).value());
      ++report.unreadable;
      continue;
    }
    queues_[n.value().receiver].push_back(Item{id, nullptr, false});
    ++report.recovered;
  }
  for (auto& [receiver, q] : queues_) {
    std::vector<Dropped> dropped = TrimLocked(q, receiver);
    report.dropped.insert(report.dropped.end(), dropped.begin(), dropped.end());
  }
  DeleteFiles(report.dropped);
  return report;
}

AddResult Outbox::Add(const Notification& n) {
  AddResult result;
  if (!IsSafeId(n.id)) {
    result.stored =
        Status::Error(fmt::format("notification id '{}' is not a safe file name", n.id));
  } else {
    const nlohmann::json j = {{"format", kFormat}, {"notification", NotificationToJson(n)}};
    result.stored = fs_->WriteFileDurably(PendingPath(n.id), Dump(j));
  }
  {
    std::lock_guard lock(mu_);
    Queue& q = queues_[n.receiver];
    q.push_back(Item{n.id, result.stored.ok() ? nullptr : std::make_unique<Notification>(n)});
    result.dropped = TrimLocked(q, n.receiver);
  }
  DeleteFiles(result.dropped);
  return result;
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

std::optional<Notification> Outbox::Claim(std::string_view receiver,
                                          std::vector<Dropped>* unreadable) {
  for (;;) {
    std::string id;
    {
      std::lock_guard lock(mu_);
      auto it = queues_.find(receiver);
      if (it == queues_.end() || it->second.empty() || it->second.front().in_flight)
        return std::nullopt;
      Item& front = it->second.front();
      front.in_flight = true;
      if (front.unsaved) return *front.unsaved;
      id = front.id;
    }
    Result<Notification> n = Load(id);
    if (n.ok()) return std::move(n).value();
    {
      std::lock_guard lock(mu_);
      if (auto [q, it] = FindLocked(id); q != nullptr) q->erase(it);
    }
    if (unreadable != nullptr) unreadable->push_back({std::string(receiver), id});
  }
}

Result<Notification> Outbox::Load(const std::string& id) {
  const std::string path = PendingPath(id);
  Result<std::string> text = fs_->Read(path);
  if (!text.ok()) return text.status();
  Result<Notification> n = ParsePending(id, text.value());
  if (!n.ok()) {
    // Left in outbox/ when this fails: the next start quarantines it.
    if (Result<std::string> failed_id = Quarantine(id, path, text.value()); failed_id.ok()) {
      std::lock_guard lock(mu_);
      failed_ids_.push_back(std::move(failed_id).value());
    }
  }
  return n;
}

Result<std::string> Outbox::Quarantine(const std::string& id, const std::string& path,
                                       const std::string& text) {
  const std::string failed_id = "unreadable-" + SafeName(id);
  if (Status s = fs_->WriteFileDurably(FailedPath(failed_id), text); !s.ok()) return s;
  if (Status s = fs_->Remove(path); !s.ok()) return s;
  return failed_id;
}

void Outbox::Release(const std::string& id) {
  std::lock_guard lock(mu_);
  if (auto [q, it] = FindLocked(id); q != nullptr) it->in_flight = false;
}

Status Outbox::Remove(const std::string& id) {
  {
    std::lock_guard lock(mu_);
    if (auto [q, it] = FindLocked(id); q != nullptr) q->erase(it);
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
  const nlohmann::json j = {{"format", kFormat},
                            {"failed_reason", reason},
                            {"failed_at_unix_ms", ToUnixMillis(now)},
                            {"notification", NotificationToJson(n)}};
  Status s = fs_->WriteFileDurably(FailedPath(n.id), Dump(j));
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

std::vector<std::string> Outbox::Receivers() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, q] : queues_) {
    if (!q.empty()) names.push_back(name);
  }
  return names;
}

}  // namespace memwatch::alerting
