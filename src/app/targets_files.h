// The content of the targets files (`targets_files:`) as last read well,
// per file. A file that cannot be read or parsed keeps its last good
// content, and why is logged once per new reason; a file no pattern
// matches any longer is forgotten with its targets. Not thread-safe: the
// daemon calls it under its apply lock.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/targets_file.h"
#include "metrics/metrics_store.h"

namespace memwatch::app {

class TargetsFiles {
 public:
  // Expands `patterns` and reads every file they match now. Returns true
  // iff content() changed: a file added, removed, or read well with other
  // text than before. `wall_seconds` is Unix time, for the metrics.
  bool Refresh(const std::vector<std::string>& patterns, double wall_seconds);

  // Each file's targets as last read well (a file never read well: none).
  const std::map<std::string, std::vector<config::FileTarget>>& content() const { return content_; }
  // For redis_memwatch_targets_file_*{file}.
  std::vector<metrics::TargetsFileStatus> Statuses() const;

 private:
  struct FileState {
    std::string good_text;  // the text content_ was parsed from
    bool read_well = false;
    bool ok = false;         // the last read succeeded
    std::string last_error;  // what was last logged, so a reason is logged once
    double read_wall = 0;
  };
  // Reads `path` into files_ and content_; returns true iff content_ changed.
  bool ReadOne(const std::string& path, FileState& state, double wall_seconds);

  std::map<std::string, FileState> files_;
  std::map<std::string, std::vector<config::FileTarget>> content_;
};

}  // namespace memwatch::app
