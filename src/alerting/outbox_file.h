// The files of the outbox (see outbox.h for when each is written):
//
//   outbox/<id>.json  pending:
//     {"format": 1, "notification": {...},
//      "queue_position": "<id>",   (optional) the id whose place in line it
//                                  holds; its own id when absent
//      "takes": [{"id": "<id>", "checks": ["memory_high", ...]}, ...]}
//                                  (optional) what it took over from older
//                                  pending notifications (see supersede.h);
//                                  an entry without "checks" takes all
//   failed/<id>.json  permanent failures, kept for a person to read:
//     {"format": 1, "failed_reason": "...", "failed_at_unix_ms": N,
//      "notification": {...}}
//
// Fields are only ever added (an older daemon ignores "queue_position" and
// "takes", and then at worst delivers a superseded state once more, before
// the newer one). Pure: text in, values out.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "alerting/notification.h"
#include "memwatch/result.h"

namespace memwatch::alerting {

// Part of an older pending notification that a newer one took over.
struct Take {
  std::string id;
  std::vector<std::string> checks;  // empty: the whole notification
  bool operator==(const Take&) const = default;
};

struct PendingFile {
  Notification notification;
  std::string queue_position;  // never empty once parsed
  std::vector<Take> takes;
  bool operator==(const PendingFile&) const = default;
};

// True iff `id` is something AlertState generates ([0-9a-z-], 1-128
// characters): ids become file names, nothing else is accepted.
bool IsSafeId(std::string_view id);

std::string FormatPendingFile(const PendingFile& f);
// The content of outbox/<id>.json, checked against the id its name carries.
Result<PendingFile> ParsePendingFile(std::string_view id, const std::string& text);

std::string FormatFailedFile(const Notification& n, std::string_view reason, WallTime now);

}  // namespace memwatch::alerting
