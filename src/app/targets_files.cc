#include "app/targets_files.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "config/file_reader.h"

namespace memwatch::app {
namespace {

constexpr size_t kMaxTargetsFileBytes = size_t{4} * 1024 * 1024;

}  // namespace

bool TargetsFiles::Refresh(const std::vector<std::string>& patterns, double wall_seconds) {
  const std::vector<std::string> paths = config::ExpandTargetsFiles(patterns);
  bool changed = false;
  std::map<std::string, FileState> next;
  for (const std::string& path : paths) {
    auto it = files_.find(path);
    FileState state = it == files_.end() ? FileState{} : std::move(it->second);
    if (it == files_.end()) spdlog::info("targets file {}: watching", path);
    changed = ReadOne(path, state, wall_seconds) || changed;
    next.emplace(path, std::move(state));
  }
  for (const auto& [path, state] : files_) {
    if (next.contains(path)) continue;
    spdlog::info("targets file {}: gone; its targets are removed", path);
    changed = content_.erase(path) > 0 || changed;
  }
  files_ = std::move(next);
  return changed;
}

bool TargetsFiles::ReadOne(const std::string& path, FileState& state, double wall_seconds) {
  state.read_wall = wall_seconds;
  Result<std::string> text = config::ReadSmallFile(path, kMaxTargetsFileBytes);
  config::TargetsFileContent parsed;
  if (!text.ok()) {
    parsed.errors.push_back(
        {path, 0, 0, "", fmt::format("cannot read the targets file: {}", text.status().message())});
  } else if (state.read_well && text.value() == state.good_text) {
    state.ok = true;
    state.last_error.clear();
    return false;
  } else {
    parsed = config::ParseTargetsFile(text.value(), path);
  }
  state.ok = parsed.ok();
  if (!parsed.ok()) {
    const std::string report = config::ErrorReport(parsed.errors, 20);
    if (report != state.last_error) {
      spdlog::error("targets file {}: not used; keeping its last good content ({} target(s)):",
                    path, content_.contains(path) ? content_[path].size() : 0);
      for (const config::ConfigError& e : parsed.errors) spdlog::error("  {}", e.ToString());
      state.last_error = report;
    }
    return false;
  }
  state.last_error.clear();
  state.good_text = std::move(text).value();
  state.read_well = true;
  spdlog::info("targets file {}: {} target(s)", path, parsed.targets.size());
  content_[path] = std::move(parsed.targets);
  return true;
}

std::vector<metrics::TargetsFileStatus> TargetsFiles::Statuses() const {
  std::vector<metrics::TargetsFileStatus> out;
  for (const auto& [path, state] : files_) out.push_back({path, state.ok, state.read_wall});
  return out;
}

}  // namespace memwatch::app
