#include "metrics/text_writer.h"

#include <charconv>
#include <cmath>
#include <utility>

namespace memwatch::metrics {
namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence starting at s[i], or 0 if there is none
// (stray continuation byte, truncated sequence, overlong form, surrogate or
// beyond U+10FFFF): the rules Go's utf8.ValidString applies to label values.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  size_t len = 0;
  unsigned char lo = 0x80;  // allowed range of the second byte
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return len;
}

}  // namespace

void AppendSampleValue(double v, std::string* out) {
  if (std::isnan(v)) {
    *out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    *out += v < 0 ? "-Inf" : "+Inf";
    return;
  }
  char buf[64];
  std::to_chars_result r;
  // 2^63: every integral double below it prints in at most 19 digits.
  constexpr double kPlainDigitsBelow = 9223372036854775808.0;
  // Integers below 2^63, and others from 1e-4 up: shortest digits that read
  // back exactly, without an exponent, as Go's %g does ("0.0005", not
  // "5e-04").
  const bool integral = v == std::trunc(v);
  if (std::fabs(v) < kPlainDigitsBelow && (integral || std::fabs(v) >= 1e-4)) {
    r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  } else {
    r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  }
  out->append(buf, r.ptr);
}

void AppendLabelValue(std::string_view v, std::string* out) {
  for (size_t i = 0; i < v.size();) {
    const char c = v[i];
    if (c == '\\') {
      *out += "\\\\";
    } else if (c == '"') {
      *out += "\\\"";
    } else if (c == '\n') {
      *out += "\\n";
    } else {
      const size_t len = Utf8SequenceLength(v, i);
      if (len == 0) {
        *out += kReplacementCharacter;
        ++i;
      } else {
        out->append(v.substr(i, len));
        i += len;
      }
      continue;
    }
    ++i;
  }
}

void AppendHelpText(std::string_view v, std::string* out) {
  for (char c : v) {
    if (c == '\\') {
      *out += "\\\\";
    } else if (c == '\n') {
      *out += "\\n";
    } else {
      *out += c;
    }
  }
}

TextWriter::TextWriter(ChunkSink sink, size_t chunk_bytes)
    : sink_(std::move(sink)), chunk_bytes_(chunk_bytes) {
  // A chunk plus the series written after the threshold was crossed.
  buffer_.reserve(chunk_bytes_ + chunk_bytes_ / 4);
}

void TextWriter::BeginFamily(std::string_view name, std::string_view help, MetricType type) {
  name_ = name;
  help_ = help;
  type_ = type;
  header_pending_ = true;
}

void TextWriter::Sample(std::initializer_list<Label> labels, double value) {
  Head("", labels);
  AppendSampleValue(value, &buffer_);
  buffer_ += '\n';
}

void TextWriter::Histogram(std::initializer_list<Label> labels,
                           std::span<const double> upper_bounds,
                           std::span<const uint64_t> bucket_counts, uint64_t count, double sum) {
  char digits[24];
  const auto append_count = [&](uint64_t n) {
    const auto r = std::to_chars(digits, digits + sizeof digits, n);
    buffer_.append(digits, r.ptr);
    buffer_ += '\n';
  };
  Head("_count", labels);
  append_count(count);
  Head("_sum", labels);
  AppendSampleValue(sum, &buffer_);
  buffer_ += '\n';
  const auto bucket = [&](double le, uint64_t cumulative) {
    Header();
    buffer_ += name_;
    buffer_ += "_bucket{";
    for (const Label& l : labels) {
      buffer_ += l.name;
      buffer_ += "=\"";
      AppendLabelValue(l.value, &buffer_);
      buffer_ += "\",";
    }
    buffer_ += "le=\"";
    AppendSampleValue(le, &buffer_);
    buffer_ += "\"} ";
    append_count(cumulative);
  };
  uint64_t cumulative = 0;
  for (size_t i = 0; i < upper_bounds.size() && i < bucket_counts.size(); ++i) {
    cumulative += bucket_counts[i];
    bucket(upper_bounds[i], cumulative);
  }
  bucket(HUGE_VAL, count);
}

void TextWriter::MaybeFlush() {
  if (buffer_.size() >= chunk_bytes_) Send();
}

void TextWriter::Finish() {
  if (!buffer_.empty()) Send();
}

void TextWriter::Header() {
  if (!header_pending_) return;
  header_pending_ = false;
  if (!help_.empty()) {
    buffer_ += "# HELP ";
    buffer_ += name_;
    buffer_ += ' ';
    AppendHelpText(help_, &buffer_);
    buffer_ += '\n';
  }
  buffer_ += "# TYPE ";
  buffer_ += name_;
  switch (type_) {
    case MetricType::kGauge:
      buffer_ += " gauge\n";
      break;
    case MetricType::kCounter:
      buffer_ += " counter\n";
      break;
    case MetricType::kHistogram:
      buffer_ += " histogram\n";
      break;
  }
}

void TextWriter::Head(std::string_view suffix, std::initializer_list<Label> labels) {
  Header();
  buffer_ += name_;
  buffer_ += suffix;
  if (labels.size() > 0) {
    buffer_ += '{';
    bool first = true;
    for (const Label& l : labels) {
      if (!first) buffer_ += ',';
      first = false;
      buffer_ += l.name;
      buffer_ += "=\"";
      AppendLabelValue(l.value, &buffer_);
      buffer_ += '"';
    }
    buffer_ += '}';
  }
  buffer_ += ' ';
}

void TextWriter::Send() {
  if (wants_more_ && !sink_(buffer_)) wants_more_ = false;
  buffer_.clear();  // keeps its capacity for the next chunk
}

}  // namespace memwatch::metrics
