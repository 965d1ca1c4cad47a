// FoldKey: key names fold into the family a person would name; hostile names
// (binary, newlines, quotes, HTML, 10 KB) stay bounded. EscapeKeyName: one
// printable form, cut at an escape boundary.
#include "keyspace/prefix.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace memwatch::keyspace {
namespace prefix_test {

std::string Fold(std::string_view key) { return FoldKey(key, FoldOptions{}); }

size_t Bound(const FoldOptions& o) {
  return static_cast<size_t>(o.depth) * (o.max_segment_bytes + 1) + 2;
}

TEST(FoldKey, ExamplesOfTheHeader) {
  EXPECT_EQ(Fold("cache:user:12345"), "cache:user:*");
  EXPECT_EQ(Fold("coupon:gen:6f1c2d4e-8a3b-4c5d-9e7f-0a1b2c3d4e5f"), "coupon:gen:*");
  EXPECT_EQ(Fold("user:42:profile"), "user:*:profile");
  EXPECT_EQ(Fold("a:b:c:d:e"), "a:b:c:*");
  EXPECT_EQ(Fold("counter"), "counter");
  EXPECT_EQ(Fold("2026-12-07:jobs"), "*:jobs");
}

TEST(FoldKey, Numbers) {
  EXPECT_EQ(Fold("0"), "*");
  EXPECT_EQ(Fold("order:1"), "order:*");
  EXPECT_EQ(Fold("order:123456789012345678901234567890"), "order:*");
  EXPECT_EQ(Fold("ts:1765108800:clicks"), "ts:*:clicks");  // a unix timestamp
  EXPECT_EQ(Fold("v2:users"), "v2:users");                 // not all digits
}

TEST(FoldKey, Hex) {
  EXPECT_EQ(Fold("obj:5f2b9c1a"), "obj:*");
  EXPECT_EQ(Fold("obj:5F2B9C1A"), "obj:*");
  EXPECT_EQ(Fold("sha:da39a3ee5e6b4b0d3255bfef95601890afd80709"), "sha:*");
  EXPECT_EQ(Fold("obj:5f2b9c1"), "obj:5f2b9c1");    // 7 characters: too short
  EXPECT_EQ(Fold("obj:deadbeef"), "obj:deadbeef");  // hex letters only: a word
  EXPECT_EQ(Fold("obj:facade"), "obj:facade");
}

TEST(FoldKey, Uuids) {
  EXPECT_EQ(Fold("s:6f1c2d4e-8a3b-4c5d-9e7f-0a1b2c3d4e5f"), "s:*");
  EXPECT_EQ(Fold("s:6F1C2D4E-8A3B-4C5D-9E7F-0A1B2C3D4E5F"), "s:*");
  EXPECT_EQ(Fold("s:6f1c2d4e8a3b4c5d9e7f0a1b2c3d4e5f"), "s:*");
  EXPECT_EQ(Fold("s:6f1c2d4e-8a3b-4c5d-9e7f-0a1b2c3d4e5f:data"), "s:*:data");
  // Dashes in the wrong places are no UUID, but still hex-and-dash noise.
  EXPECT_EQ(Fold("s:6f1c2d4e8-a3b-4c5d-9e7f-0a1b2c3d4e5f"), "s:*");
}

TEST(FoldKey, DatesAndTimes) {
  EXPECT_EQ(Fold("report:2026-12-07"), "report:*");
  EXPECT_EQ(Fold("report:20261207"), "report:*");
  EXPECT_EQ(Fold("report:2026-12-07:daily"), "report:*:daily");
  // ":" splits an ISO time; the pieces fold and collapse into one `*`.
  EXPECT_EQ(Fold("ev:2026-12-07T10:00:00Z"), "ev:*");
  EXPECT_EQ(FoldKey("ev/2026-12-07T10:00:00Z/x", {.delimiters = "/"}), "ev/*/x");
  EXPECT_EQ(FoldKey("ev/2026-12-07T10:00:00.123+01:00/x", {.delimiters = "/"}), "ev/*/x");
  EXPECT_EQ(Fold("ev:Tuesday"), "ev:Tuesday");
}

TEST(FoldKey, RandomTokens) {
  EXPECT_EQ(Fold("tok:dGhpcyBpcyBhIHRva2VuMTIz"), "tok:*");  // base64
  EXPECT_EQ(Fold("tok:V1StGXR8_Z5jdHi6B-myT"), "tok:*");     // nanoid
  EXPECT_EQ(Fold("tok:aGVsbG8gd29ybGQ1=="), "tok:*");        // padded
  EXPECT_EQ(Fold("tok:averylongwordwithoutdigits"), "tok:averylongwordwithoutdigits");
  EXPECT_EQ(Fold("tok:short1token"), "tok:short1token");  // under 16
}

TEST(FoldKey, MixedDelimitersKeepTheOneThatWasThere) {
  const FoldOptions o{.delimiters = ":./"};
  EXPECT_EQ(FoldKey("cache.user.12345", o), "cache.user.*");
  EXPECT_EQ(FoldKey("img/2026/thumb", o), "img/*/thumb");
  EXPECT_EQ(FoldKey("app:cache.user/42", o), "app:cache.user/*");
  EXPECT_EQ(FoldKey("a:b.c/d:e", o), "a:b.c/*");
  // With only ":" the dots are part of a segment.
  EXPECT_EQ(Fold("cache.user.12345:x"), "cache.user.12345:x");
}

TEST(FoldKey, Depth) {
  EXPECT_EQ(FoldKey("a:b:c:d:e", {.depth = 1}), "a:*");
  EXPECT_EQ(FoldKey("a:b:c:d:e", {.depth = 2}), "a:b:*");
  EXPECT_EQ(FoldKey("a:b:c:d:e", {.depth = 5}), "a:b:c:d:e");
  EXPECT_EQ(FoldKey("a:b:c:d:e", {.depth = 0}), "a:*");   // counts as 1
  EXPECT_EQ(FoldKey("a:b:c:d:e", {.depth = -7}), "a:*");  // counts as 1
  EXPECT_EQ(Fold("a:b:c:"), "a:b:c:*");                   // a fourth, empty segment
  // The tail collapses with a folded third segment.
  EXPECT_EQ(Fold("cache:user:12345:name"), "cache:user:*");
  EXPECT_EQ(Fold("a:1:2:3:4:5"), "a:*");
}

TEST(FoldKey, LongSegments) {
  const std::string long_segment(65, 'x');
  EXPECT_EQ(Fold("big:" + long_segment + ":tail"), "big:*:tail");
  EXPECT_EQ(Fold("big:" + std::string(64, 'x')), "big:" + std::string(64, 'x'));
  EXPECT_EQ(FoldKey("abcdef:g", {.max_segment_bytes = 3}), "*:g");
}

TEST(FoldKey, BinaryBytesNewlinesQuotesAndHtml) {
  EXPECT_EQ(Fold(std::string("bin:\x00\xff\x01", 7) + ":x"), "bin:*:x");
  EXPECT_EQ(Fold("line\nbreak:1"), "*");
  EXPECT_EQ(Fold("tab\there:a"), "*:a");
  // Printable hostile characters are kept: escaping is EscapeKeyName's job.
  EXPECT_EQ(Fold("say:\"hi\":1"), "say:\"hi\":*");
  EXPECT_EQ(Fold("<script>alert(1)</script>:7"), "<script>alert(1)</script>:*");
}

TEST(FoldKey, TenKilobyteNamesStayBounded) {
  const FoldOptions o;
  const std::string one_segment(10 * 1024, 'a');
  EXPECT_EQ(Fold(one_segment), "*");
  std::string many_segments;
  for (int i = 0; i < 2000; ++i) {
    many_segments += "seg" + std::string(20, 'q') + ":";
  }
  const std::string folded = Fold(many_segments);
  EXPECT_LE(folded.size(), Bound(o));
  EXPECT_EQ(folded, "seg" + std::string(20, 'q') + ":seg" + std::string(20, 'q') + ":seg" +
                        std::string(20, 'q') + ":*");
  // Worst case: depth segments of exactly max_segment_bytes, then more.
  std::string worst;
  for (int i = 0; i < 10; ++i) {
    worst += std::string(64, static_cast<char>('a' + i)) + ":";
  }
  EXPECT_EQ(Fold(worst).size(), 3 * 65 + 1);
  EXPECT_LE(Fold(worst).size(), Bound(o));
}

TEST(FoldKey, EmptyAndDelimiterOnlyKeys) {
  EXPECT_EQ(Fold(""), "");
  EXPECT_EQ(Fold(":"), ":");
  EXPECT_EQ(Fold("::"), "::");
  EXPECT_EQ(Fold(":::"), ":::*");  // four empty segments
  EXPECT_EQ(Fold("::::::"), ":::*");
  EXPECT_EQ(FoldKey("", {.delimiters = ""}), "");
  EXPECT_EQ(FoldKey("a:1", {.delimiters = ""}), "a:1");  // one segment
}

TEST(FoldKey, LiteralStarsCollapseAndFoldingIsIdempotent) {
  EXPECT_EQ(Fold("*:*:x"), "*:x");
  const std::vector<std::string> keys = {"cache:user:12345",
                                         "a:b:c:d:e",
                                         "user:42:profile",
                                         "1::2",
                                         "::::::",
                                         "a:b:c:",
                                         "x:*:*:*:*",
                                         "2026-12-07T10:00:00Z",
                                         "",
                                         "big:" + std::string(100, 'z') + ":1"};
  for (const std::string& key : keys) {
    const std::string once = Fold(key);
    EXPECT_EQ(Fold(once), once) << key;
  }
}

TEST(EscapeKeyName, PrintableAsciiIsKept) {
  EXPECT_EQ(EscapeKeyName("cache:user:*"), "cache:user:*");
  EXPECT_EQ(EscapeKeyName(""), "");
  EXPECT_EQ(EscapeKeyName("<b>&amp;</b> ~!"), "<b>&amp;</b> ~!");
}

TEST(EscapeKeyName, BackslashQuoteAndOtherBytes) {
  EXPECT_EQ(EscapeKeyName("a\\b"), "a\\\\b");
  EXPECT_EQ(EscapeKeyName("say \"hi\""), "say \\\"hi\\\"");
  EXPECT_EQ(EscapeKeyName("line\nbreak\r\t"), "line\\x0abreak\\x0d\\x09");
  EXPECT_EQ(EscapeKeyName(std::string("\x00\x7f\x80\xff", 4)), "\\x00\\x7f\\x80\\xff");
  EXPECT_EQ(EscapeKeyName("caf\xc3\xa9"), "caf\\xc3\\xa9");  // UTF-8 too: one form
}

TEST(EscapeKeyName, CutsAtAnEscapeBoundaryWithinTheLimit) {
  EXPECT_EQ(EscapeKeyName("abcdefgh", 8), "abcdefgh");  // fits exactly: no cut
  EXPECT_EQ(EscapeKeyName("abcdefghi", 8), "abcde...");
  // "ab" + "\x01" would be 6 bytes: the escape is not split, it goes whole.
  EXPECT_EQ(EscapeKeyName("ab\x01zzzzzz", 8), "ab...");
  EXPECT_EQ(EscapeKeyName("a\\\\\\\\", 7), "a\\\\...");
  EXPECT_EQ(EscapeKeyName("abcdef", 2), "..");
  EXPECT_EQ(EscapeKeyName("abcdef", 0), "");
  const std::string huge(10 * 1024, '\xee');
  const std::string escaped = EscapeKeyName(huge);
  EXPECT_LE(escaped.size(), kMaxEscapedKeyBytes);
  EXPECT_EQ(escaped.substr(escaped.size() - 3), "...");
  EXPECT_EQ(escaped.size(), 49 * 4 + 3);  // 49 whole escapes, then "..."
}

}  // namespace prefix_test
}  // namespace memwatch::keyspace
