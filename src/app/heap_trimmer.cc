#include "app/heap_trimmer.h"

#include <malloc.h>

#include <algorithm>
#include <utility>

namespace memwatch::app {

void TrimHeap() { (void)malloc_trim(0); }

HeapTrimmer::HeapTrimmer(alerting::DispatchObserver* next, std::function<void()> trim,
                         size_t min_backlog)
    : next_(next), trim_(std::move(trim)), min_backlog_(min_backlog) {}

void HeapTrimmer::OnNotification(std::string_view receiver, alerting::NotificationResult result) {
  next_->OnNotification(receiver, result);
}

void HeapTrimmer::OnDelivered(std::string_view receiver, Duration latency) {
  next_->OnDelivered(receiver, latency);
}

void HeapTrimmer::OnQueueLength(std::string_view receiver, size_t length) {
  next_->OnQueueLength(receiver, length);
  bool drained = false;
  {
    std::lock_guard lock(mu_);
    auto it = lengths_.find(receiver);
    if (it == lengths_.end()) it = lengths_.emplace(std::string(receiver), 0).first;
    total_ = total_ - it->second + length;
    it->second = length;
    peak_ = std::max(peak_, total_);
    if (total_ == 0 && peak_ >= min_backlog_) {
      drained = true;
      peak_ = 0;
    }
  }
  if (drained) trim_();
}

}  // namespace memwatch::app
