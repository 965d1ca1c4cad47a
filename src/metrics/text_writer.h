// Writes the Prometheus text exposition format (version 0.0.4) straight into
// a reused buffer handed to a sink in chunks of about 64 KiB, so a scrape of
// 1,000 targets (5 MB) never holds the whole text, nor one object per series.
// Pure: no I/O, no locks; the sink decides where the bytes go.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace memwatch::metrics {

enum class MetricType { kGauge, kCounter, kHistogram };

// One label of a series. Names are our constants; values may be anything
// (target names from the config, error prefixes from Redis) and are escaped.
struct Label {
  std::string_view name;
  std::string_view value;
};

// Receives the exposition in order, one chunk per call. Returns false when
// the rest is not wanted (the client went away): the writer then drops
// everything after it and wants_more() turns false.
using ChunkSink = std::function<bool(std::string_view chunk)>;

inline constexpr size_t kDefaultChunkBytes = size_t{64} * 1024;

class TextWriter {
 public:
  // Every chunk but the last holds at least `chunk_bytes` (and rarely much
  // more: the caller flushes between series).
  explicit TextWriter(ChunkSink sink, size_t chunk_bytes = kDefaultChunkBytes);

  // Starts a family. Its HELP and TYPE lines are written with its first
  // series, so a family without series does not appear at all.
  void BeginFamily(std::string_view name, std::string_view help, MetricType type);

  // `name{labels} value` of the current family.
  void Sample(std::initializer_list<Label> labels, double value);

  // One histogram series of the current family: _count, _sum, a cumulative
  // _bucket per upper bound and the +Inf bucket. `bucket_counts` holds the
  // observations per bucket (not cumulative), one per upper bound;
  // observations above the last bound are count minus their sum.
  void Histogram(std::initializer_list<Label> labels, std::span<const double> upper_bounds,
                 std::span<const uint64_t> bucket_counts, uint64_t count, double sum);

  // Hands the buffer to the sink once it holds at least chunk_bytes. Call it
  // between series, where no lock is held: the sink may block on a client.
  void MaybeFlush();
  // Hands over whatever is left. Call once, at the end.
  void Finish();

  // False once the sink refused a chunk; callers may stop early.
  bool wants_more() const { return wants_more_; }
  size_t buffered_bytes() const { return buffer_.size(); }
  // True once MaybeFlush() would send: a good place to release locks.
  bool chunk_ready() const { return buffer_.size() >= chunk_bytes_; }

 private:
  void Header();
  void Head(std::string_view suffix, std::initializer_list<Label> labels);
  void Send();

  ChunkSink sink_;
  const size_t chunk_bytes_;
  std::string buffer_;
  bool wants_more_ = true;
  // The current family; views of the caller's strings (our constants).
  std::string_view name_;
  std::string_view help_;
  MetricType type_ = MetricType::kGauge;
  bool header_pending_ = false;
};

// Appends `v` as Prometheus writes sample values: "NaN", "+Inf", "-Inf";
// integral values below 2^63 in plain digits ("1073741824", never "1e+09");
// anything else in the fewest digits that read back as the same double,
// without an exponent from 1e-4 up ("0.1", "0.0005", "1.5e-07").
void AppendSampleValue(double v, std::string* out);

// Appends a label value escaped for the text format: backslash, double quote
// and newline as \\, \" and \n. Bytes that are not valid UTF-8 (Prometheus
// rejects a whole scrape for one) become U+FFFD.
void AppendLabelValue(std::string_view v, std::string* out);

// Appends HELP text escaped for the text format: backslash and newline.
void AppendHelpText(std::string_view v, std::string* out);

}  // namespace memwatch::metrics
