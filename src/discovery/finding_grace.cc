#include "discovery/finding_grace.h"

#include <utility>

namespace memwatch::discovery {

std::vector<Finding> FindingGrace::Filter(std::vector<Finding> present, MonoTime now) {
  std::map<std::string, MonoTime> since;
  std::vector<Finding> out;
  waiting_ = false;
  for (Finding& f : present) {
    auto held = held_.find(f.check);
    if (held == held_.end()) {
      out.push_back(std::move(f));
      continue;
    }
    auto it = since_.find(f.check);
    const MonoTime first = it == since_.end() ? now : it->second;
    since[f.check] = first;
    if (now - first >= held->second) {
      out.push_back(std::move(f));
    } else {
      waiting_ = true;
    }
  }
  since_ = std::move(since);  // a check absent now starts over
  return out;
}

}  // namespace memwatch::discovery
