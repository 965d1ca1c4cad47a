#include "net/url_redaction.h"

#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace memwatch::net {
namespace url_redaction_test {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(RedactUrlTest, KeepsSchemeHostAndPortOnly) {
  EXPECT_EQ(RedactUrl("https://hooks.slack.com/services/T000/B000/XXXX"),
            "https://hooks.slack.com/…");
  EXPECT_EQ(RedactUrl("https://user:pw@hooks.example.com:8443/x?token=1"),
            "https://hooks.example.com:8443/…");
  EXPECT_EQ(RedactUrl("http://127.0.0.1:9093"), "http://127.0.0.1:9093");
  EXPECT_EQ(RedactUrl("http://127.0.0.1:9093/"), "http://127.0.0.1:9093");
  EXPECT_EQ(RedactUrl("http://[::1]:9093/api"), "http://[::1]:9093/…");
  EXPECT_EQ(RedactUrl("https://h?token=abc"), "https://h/…");
  EXPECT_EQ(RedactUrl("https://a@b@host/x"), "https://host/…");
}

TEST(RedactUrlTest, NonUrlsRevealNothing) {
  EXPECT_EQ(RedactUrl("hooks.slack.com/services/T/B/X"), "<invalid URL>");
  EXPECT_EQ(RedactUrl("://x"), "<invalid URL>");
  EXPECT_EQ(RedactUrl("https://"), "<invalid URL>");
  EXPECT_EQ(RedactUrl("https://user:secret@/x"), "<invalid URL>");
  EXPECT_EQ(RedactUrl("ht tp://x/y"), "<invalid URL>");
  EXPECT_EQ(RedactUrl(""), "<invalid URL>");
}

TEST(ScrubSecretsTest, RemovesSecretsAndUrlParts) {
  const std::string url = "https://user:pa55word@hooks.slack.com/services/T000/B000/XXXX";
  const std::string text =
      "Failed for " + url + " and /services/T000/B000/XXXX, user:pa55word, Bearer tok-123";
  const std::string scrubbed = ScrubSecrets(text, {url, "Bearer tok-123"});
  EXPECT_THAT(scrubbed, Not(HasSubstr("XXXX")));
  EXPECT_THAT(scrubbed, Not(HasSubstr("pa55word")));
  EXPECT_THAT(scrubbed, Not(HasSubstr("tok-123")));
  EXPECT_THAT(scrubbed, HasSubstr("Failed for"));
}

TEST(ScrubSecretsTest, LeavesTextAloneWithoutSecrets) {
  EXPECT_EQ(ScrubSecrets("Couldn't connect to server", {"", "ab"}), "Couldn't connect to server");
}

TEST(LoopbackTest, Hosts) {
  for (std::string_view host :
       {"localhost", "LocalHost", "127.0.0.1", "127.1.2.3", "::1", "[::1]"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (std::string_view host : {"smtp.example.com", "10.0.0.1", "::2", "localhost.example.com",
                                "1127.0.0.1", "[::2]", "localhos"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

}  // namespace url_redaction_test
}  // namespace memwatch::net
