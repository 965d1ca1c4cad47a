#include "metrics/http_request.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace memwatch::metrics {
namespace http_request_test {

TEST(FindHeadEndTest, EndsAfterTheEmptyLine) {
  EXPECT_EQ(FindHeadEnd("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 27u);
  EXPECT_EQ(FindHeadEnd("GET / HTTP/1.1\r\nHost: a\r\n\r\nbody"), 27u);
  EXPECT_EQ(FindHeadEnd("GET / HTTP/1.0\n\n"), 16u);
  EXPECT_EQ(FindHeadEnd("GET / HTTP/1.0\n\r\n"), 17u);
}

TEST(FindHeadEndTest, NotYetWhileTheHeadIsArriving) {
  EXPECT_EQ(FindHeadEnd(""), std::nullopt);
  EXPECT_EQ(FindHeadEnd("GET / HTTP/1.1"), std::nullopt);
  EXPECT_EQ(FindHeadEnd("GET / HTTP/1.1\r\nHost: a\r\n"), std::nullopt);
  EXPECT_EQ(FindHeadEnd("GET / HTTP/1.1\r\nHost: a\r\n\r"), std::nullopt);
  EXPECT_EQ(FindHeadEnd("GET / HTTP/1.1\r\r\r\r"), std::nullopt);
}

std::optional<HttpRequestHead> Parse(const std::string& line) {
  return ParseRequestHead(line + "\r\nHost: x\r\n\r\n");
}

TEST(ParseRequestHeadTest, OriginForm) {
  std::optional<HttpRequestHead> r = Parse("GET /metrics HTTP/1.1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->method, "GET");
  EXPECT_EQ(r->path, "/metrics");
  EXPECT_EQ(r->minor_version, 1);

  r = Parse("HEAD /-/ready HTTP/1.0");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->method, "HEAD");
  EXPECT_EQ(r->path, "/-/ready");
  EXPECT_EQ(r->minor_version, 0);
}

TEST(ParseRequestHeadTest, QueryAndFragmentAreNotPartOfThePath) {
  // Prometheus sends `params:` from the scrape config as a query.
  EXPECT_EQ(Parse("GET /metrics?target=a&x=1 HTTP/1.1")->path, "/metrics");
  EXPECT_EQ(Parse("GET /metrics#top HTTP/1.1")->path, "/metrics");
  EXPECT_EQ(Parse("GET /?x HTTP/1.1")->path, "/");
}

TEST(ParseRequestHeadTest, AbsoluteFormKeepsOnlyThePath) {
  EXPECT_EQ(Parse("GET http://127.0.0.1:9121/metrics HTTP/1.1")->path, "/metrics");
  EXPECT_EQ(Parse("GET HTTPS://host/metrics?x=1 HTTP/1.1")->path, "/metrics");
  EXPECT_EQ(Parse("GET http://host HTTP/1.1")->path, "/");
  EXPECT_EQ(Parse("GET http://host?x=/metrics HTTP/1.1")->path, "/");
  EXPECT_FALSE(Parse("GET http:///metrics HTTP/1.1"));
  EXPECT_FALSE(Parse("GET ftp://host/metrics HTTP/1.1"));
}

TEST(ParseRequestHeadTest, AsteriskForm) { EXPECT_EQ(Parse("OPTIONS * HTTP/1.1")->path, "*"); }

TEST(ParseRequestHeadTest, AnyTokenIsAMethod) {
  // The server answers 405 to what it does not serve; the parser only
  // checks the syntax.
  EXPECT_EQ(Parse("BREW /metrics HTTP/1.1")->method, "BREW");
  EXPECT_EQ(Parse("get /metrics HTTP/1.1")->method, "get");
}

TEST(ParseRequestHeadTest, EmptyLinesBeforeTheRequestLineAreSkipped) {
  EXPECT_EQ(ParseRequestHead("\r\n\r\nGET /metrics HTTP/1.1\r\n\r\n")->path, "/metrics");
  EXPECT_EQ(ParseRequestHead("\nGET /metrics HTTP/1.1\n\n")->path, "/metrics");
}

TEST(ParseRequestHeadTest, LineEndingsAreCrLfOrLf) {
  EXPECT_EQ(ParseRequestHead("GET /metrics HTTP/1.1\n\n")->path, "/metrics");
  EXPECT_EQ(ParseRequestHead("GET /metrics HTTP/1.1")->path, "/metrics");
}

TEST(ParseRequestHeadTest, RejectsWhatIsNotAnHttp1RequestLine) {
  for (const char* bad : {
           "", "GET",
           "GET /metrics",                   // HTTP/0.9
           "GET /metrics HTTP/2.0",          // not over plain TCP here
           "GET /metrics HTTP/1.1 extra",    // four parts
           "GET  /metrics HTTP/1.1",         // two spaces
           "GET /metrics  HTTP/1.1",         //
           " GET /metrics HTTP/1.1",         // leading space
           "GET /metrics http/1.1",          // the version is case-sensitive
           "GET /met rics HTTP/1.1",         //
           "GET /met\trics HTTP/1.1",        // control character
           "GET /m\x7f HTTP/1.1",            // DEL
           "GET /m\xc3\xa9trics HTTP/1.1",   // raw UTF-8: must be percent-encoded
           "GE(T /metrics HTTP/1.1",         // not a token
           "GET metrics HTTP/1.1",           // neither origin nor absolute form
           "\x16\x03\x01\x02\x01 not HTTP",  // a TLS ClientHello
           "\rGET /metrics HTTP/1.1",        // a bare CR
       }) {
    EXPECT_FALSE(Parse(bad)) << bad;
  }
}

}  // namespace http_request_test
}  // namespace memwatch::metrics
