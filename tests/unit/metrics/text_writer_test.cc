#include "metrics/text_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace memwatch::metrics {
namespace text_writer_test {

using ::testing::ElementsAre;

std::string Value(double v) {
  std::string out;
  AppendSampleValue(v, &out);
  return out;
}

std::string LabelValue(std::string_view v) {
  std::string out;
  AppendLabelValue(v, &out);
  return out;
}

// Every chunk the writer hands over, in order.
struct Chunks {
  std::vector<std::string> chunks;
  ChunkSink Sink() {
    return [this](std::string_view c) {
      chunks.emplace_back(c);
      return true;
    };
  }
  std::string All() const {
    std::string all;
    for (const std::string& c : chunks) all += c;
    return all;
  }
};

TEST(SampleValueTest, SpecialValuesAsPrometheusWritesThem) {
  EXPECT_EQ(Value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(Value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(Value(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(SampleValueTest, IntegersInPlainDigitsWithoutExponent) {
  EXPECT_EQ(Value(0), "0");
  EXPECT_EQ(Value(1), "1");
  EXPECT_EQ(Value(-4096), "-4096");
  EXPECT_EQ(Value(1073741824), "1073741824");
  EXPECT_EQ(Value(1e15), "1000000000000000");
  EXPECT_EQ(Value(123456789012345678.0), "123456789012345680");    // the double's exact value
  EXPECT_EQ(Value(9007199254740993.0), "9007199254740992");        // 2^53 + 1 is not a double
  EXPECT_EQ(Value(9223372036854774784.0), "9223372036854774784");  // the largest below 2^63
  EXPECT_EQ(Value(1e19), "1e+19");                                 // beyond 2^63: shortest form
}

TEST(SampleValueTest, FractionsInTheShortestFormThatReadsBackExactly) {
  EXPECT_EQ(Value(0.125), "0.125");
  EXPECT_EQ(Value(0.1), "0.1");
  EXPECT_EQ(Value(0.0005), "0.0005");
  EXPECT_EQ(Value(2.5), "2.5");
  EXPECT_EQ(Value(1764078001.125), "1764078001.125");
  EXPECT_EQ(Value(1.5e-7), "1.5e-07");
  EXPECT_EQ(Value(0.1 + 0.2), "0.30000000000000004");
  for (double v : {1.0 / 3, 2.0 / 3, 1e-300, 6.02214076e23, 1764078001.1234567}) {
    EXPECT_EQ(std::stod(Value(v)), v) << Value(v);
  }
}

TEST(LabelValueTest, EscapesBackslashQuoteAndNewlineOnly) {
  EXPECT_EQ(LabelValue("plain-name_1:6379"), "plain-name_1:6379");
  EXPECT_EQ(LabelValue("a\\b"), "a\\\\b");
  EXPECT_EQ(LabelValue("say \"hi\""), "say \\\"hi\\\"");
  EXPECT_EQ(LabelValue("two\nlines"), "two\\nlines");
  EXPECT_EQ(LabelValue("tab\tand\rcr"), "tab\tand\rcr");  // legal as they are
  EXPECT_EQ(LabelValue(std::string_view("nul\0byte", 8)), std::string("nul\0byte", 8));
  EXPECT_EQ(LabelValue(""), "");
}

TEST(LabelValueTest, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(LabelValue("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
            "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(LabelValue("a\xFFz"), "a" + fffd + "z");                     // never valid
  EXPECT_EQ(LabelValue("a\x80z"), "a" + fffd + "z");                     // stray continuation
  EXPECT_EQ(LabelValue("a\xC3"), "a" + fffd);                            // truncated at the end
  EXPECT_EQ(LabelValue("\xC0\xAF"), fffd + fffd);                        // overlong '/'
  EXPECT_EQ(LabelValue("\xED\xA0\x80"), fffd + fffd + fffd);             // a surrogate
  EXPECT_EQ(LabelValue("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // above U+10FFFF
  EXPECT_EQ(LabelValue("\xE2\x82\"x"), fffd + fffd + "\\\"x");           // cut short by a quote
}

TEST(HelpTextTest, EscapesBackslashAndNewline) {
  std::string out;
  AppendHelpText("a \"quoted\" back\\slash\nnext", &out);
  EXPECT_EQ(out, "a \"quoted\" back\\\\slash\\nnext");
}

TEST(TextWriterTest, WritesHelpAndTypeOnceBeforeTheFirstSeries) {
  Chunks c;
  TextWriter w(c.Sink());
  w.BeginFamily("empty_family", "Never written.", MetricType::kGauge);
  w.BeginFamily("x_total", "Things.", MetricType::kCounter);
  w.Sample({{"target", "a"}, {"err", "OOM"}}, 3);
  w.Sample({{"target", "b"}, {"err", "ERR"}}, 0);
  w.BeginFamily("up", "", MetricType::kGauge);
  w.Sample({}, 1);
  w.Finish();
  EXPECT_EQ(c.All(),
            "# HELP x_total Things.\n"
            "# TYPE x_total counter\n"
            "x_total{target=\"a\",err=\"OOM\"} 3\n"
            "x_total{target=\"b\",err=\"ERR\"} 0\n"
            "# TYPE up gauge\n"
            "up 1\n");
}

TEST(TextWriterTest, HistogramSeriesAreCumulativeWithAnInfBucket) {
  Chunks c;
  TextWriter w(c.Sink());
  const std::array<double, 3> bounds{0.001, 0.01, 0.1};
  const std::array<uint64_t, 3> counts{1, 0, 2};  // and 1 above 0.1
  w.BeginFamily("lag_seconds", "Lag.", MetricType::kHistogram);
  w.Histogram({{"target", "a\"b"}}, bounds, counts, 4, 0.5);
  w.BeginFamily("lag2_seconds", "", MetricType::kHistogram);
  w.Histogram({}, bounds, counts, 3, 0.125);
  w.Finish();
  EXPECT_EQ(c.All(),
            "# HELP lag_seconds Lag.\n"
            "# TYPE lag_seconds histogram\n"
            "lag_seconds_count{target=\"a\\\"b\"} 4\n"
            "lag_seconds_sum{target=\"a\\\"b\"} 0.5\n"
            "lag_seconds_bucket{target=\"a\\\"b\",le=\"0.001\"} 1\n"
            "lag_seconds_bucket{target=\"a\\\"b\",le=\"0.01\"} 1\n"
            "lag_seconds_bucket{target=\"a\\\"b\",le=\"0.1\"} 3\n"
            "lag_seconds_bucket{target=\"a\\\"b\",le=\"+Inf\"} 4\n"
            "# TYPE lag2_seconds histogram\n"
            "lag2_seconds_count 3\n"
            "lag2_seconds_sum 0.125\n"
            "lag2_seconds_bucket{le=\"0.001\"} 1\n"
            "lag2_seconds_bucket{le=\"0.01\"} 1\n"
            "lag2_seconds_bucket{le=\"0.1\"} 3\n"
            "lag2_seconds_bucket{le=\"+Inf\"} 3\n");
}

TEST(TextWriterTest, HandsOverChunksOfAtLeastTheChunkSizeAtFlushPoints) {
  Chunks c;
  TextWriter w(c.Sink(), 100);
  w.BeginFamily("m", "", MetricType::kGauge);
  std::string expected = "# TYPE m gauge\n";
  for (int i = 0; i < 50; ++i) {
    const std::string target = "target-" + std::to_string(i);
    w.Sample({{"target", target}}, i);
    expected += "m{target=\"" + target + "\"} " + std::to_string(i) + "\n";
    EXPECT_EQ(w.chunk_ready(), w.buffered_bytes() >= 100);
    w.MaybeFlush();
    EXPECT_LT(w.buffered_bytes(), 100u);
  }
  EXPECT_TRUE(c.chunks.size() > 1);
  w.Sample({{"target", "last"}}, 0.5);  // below the threshold: kept until Finish
  expected += "m{target=\"last\"} 0.5\n";
  w.MaybeFlush();
  const size_t before_finish = c.chunks.size();
  w.Finish();
  ASSERT_EQ(c.chunks.size(), before_finish + 1);  // the rest
  for (size_t i = 0; i + 1 < c.chunks.size(); ++i) {
    EXPECT_GE(c.chunks[i].size(), 100u) << i;
    EXPECT_LT(c.chunks[i].size(), 100u + 30u) << i;  // one series past the threshold
    EXPECT_EQ(c.chunks[i].back(), '\n') << "chunks end between series";
  }
  EXPECT_EQ(c.All(), expected);
}

TEST(TextWriterTest, NothingIsHandedOverBeforeAChunkIsFullOrFinish) {
  Chunks c;
  TextWriter w(c.Sink());
  w.BeginFamily("m", "", MetricType::kGauge);
  w.Sample({}, 1);
  w.MaybeFlush();
  EXPECT_TRUE(c.chunks.empty());
  w.Finish();
  EXPECT_THAT(c.chunks, ElementsAre("# TYPE m gauge\nm 1\n"));
  Chunks none;
  TextWriter empty(none.Sink());
  empty.Finish();
  EXPECT_TRUE(none.chunks.empty()) << "no empty chunk";
}

TEST(TextWriterTest, StopsHandingOverOnceTheSinkRefuses) {
  int calls = 0;
  TextWriter w(
      [&](std::string_view) {
        ++calls;
        return false;  // the client went away
      },
      10);
  w.BeginFamily("m", "", MetricType::kGauge);
  w.Sample({{"target", "a"}}, 1);
  EXPECT_TRUE(w.wants_more());
  w.MaybeFlush();
  EXPECT_FALSE(w.wants_more());
  w.Sample({{"target", "b"}}, 2);
  w.MaybeFlush();
  w.Finish();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(w.buffered_bytes(), 0u);
}

}  // namespace text_writer_test
}  // namespace memwatch::metrics
