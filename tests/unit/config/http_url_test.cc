// The receivers' URL check: which URLs pass, and messages that never quote
// any part of the URL.
#include "config/http_url.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace memwatch::config {
namespace http_url_test {

using ::testing::HasSubstr;
using ::testing::Not;

std::string ErrorOf(std::string_view url) {
  Status s = CheckHttpUrl(url);
  EXPECT_FALSE(s.ok()) << url;
  return s.message();
}

TEST(CheckHttpUrlTest, Accepts) {
  for (std::string_view url : {
           "http://127.0.0.1:9093",
           "https://hooks.slack.com/services/T0/B0/xyz",
           "HTTPS://Hooks.Example.com/x",
           "http://am",
           "http://am:9093/",
           "https://[::1]:9094/api",
           "https://[fe80::1%25eth0]/",
           "https://user:p%40ss@hooks.example.com/x?token=abc#frag",
           "http://hooks.example.com?x=1",
           "https://hooks.example.com:443",
       }) {
    EXPECT_TRUE(CheckHttpUrl(url).ok()) << url << ": " << CheckHttpUrl(url).message();
  }
}

TEST(CheckHttpUrlTest, Rejects) {
  EXPECT_EQ(ErrorOf(""), "expected an http:// or https:// URL, got an empty value");
  EXPECT_EQ(ErrorOf("hooks.slack.com/services/x"), "expected an http:// or https:// URL");
  EXPECT_EQ(ErrorOf("ftp://example.com/x"), "expected an http:// or https:// URL");
  EXPECT_EQ(ErrorOf("https:/example.com"), "expected an http:// or https:// URL");
  EXPECT_EQ(ErrorOf("https://"), "the URL has no host name after http(s)://");
  EXPECT_EQ(ErrorOf("https://user:pw@/x"), "the URL has no host name after http(s)://");
  EXPECT_EQ(ErrorOf("https://:443/x"), "the URL has no host name after http(s)://");
  EXPECT_EQ(ErrorOf("https://h:0/x"), "the URL's port is not a number between 1 and 65535");
  EXPECT_EQ(ErrorOf("https://h:/x"), "the URL's port is not a number between 1 and 65535");
  EXPECT_EQ(ErrorOf("https://h:123456"), "the URL's port is not a number between 1 and 65535");
  EXPECT_EQ(ErrorOf("https://h:1:2"), "the URL's port is not a number between 1 and 65535");
  EXPECT_EQ(ErrorOf("https://[::1"), "the '[' of an IPv6 address in the URL is not closed by ']'");
  EXPECT_EQ(ErrorOf("https://[host]/"), "the URL's host in brackets is not an IPv6 address");
  EXPECT_EQ(ErrorOf("https://[::1]x/"), "expected ':port' after the ']' of the URL's IPv6 address");
  EXPECT_THAT(ErrorOf("https://h\xC3\xA9.example/"), HasSubstr("non-ASCII"));
  EXPECT_THAT(ErrorOf("https://h.example/a b"), HasSubstr("spaces"));
  EXPECT_THAT(ErrorOf("https://h.example/\r\nX: y"), HasSubstr("control characters"));
  EXPECT_THAT(ErrorOf("https://h!.example/"), HasSubstr("is not a host name"));
}

TEST(CheckHttpUrlTest, MessagesNeverQuoteTheUrl) {
  for (std::string_view url :
       {"hooks.example/secret1", "ftp://secret1.example/", "https://", "https://secret1:99999/",
        "https://[secret1/", "https://se cret1.example/", "https://secret1!/"}) {
    EXPECT_THAT(ErrorOf(url), Not(HasSubstr("secret1"))) << url;
  }
}

}  // namespace http_url_test
}  // namespace memwatch::config
