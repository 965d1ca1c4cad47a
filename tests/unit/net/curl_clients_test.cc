// What the libcurl clients refuse before touching the network, and how
// libcurl's errors are classified. Real requests are in
// tests/integration/notify_*_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "net/curl_easy.h"
#include "net/curl_http_client.h"
#include "net/curl_smtp_client.h"

namespace memwatch::net {
namespace curl_clients_test {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr Duration kTimeout = std::chrono::seconds(1);

TEST(CurlHttpClientTest, OnlyHttpAndHttpsUrls) {
  CurlHttpClient http;
  for (const char* url : {"file:///etc/passwd", "ftp://x/y", "gopher://x", "hooks.slack.com/x",
                          "smtp://x", "http://x/\r\nInjected: 1"}) {
    HttpResponse r = http.Post(Secret(url), {}, "{}", kTimeout);
    EXPECT_EQ(r.error, NetError::kBadRequest) << url;
    EXPECT_EQ(r.status, 0);
  }
}

TEST(CurlHttpClientTest, HeaderInjectionIsRefusedWithoutEchoingTheValue) {
  CurlHttpClient http;
  HttpResponse r =
      http.Post(Secret("http://127.0.0.1:1/x"),
                {{"Authorization", Secret("Bearer tok\r\nX-Evil: 1")}}, "{}", kTimeout);
  EXPECT_EQ(r.error, NetError::kBadRequest);
  EXPECT_THAT(r.error_message, HasSubstr("Authorization"));
  EXPECT_THAT(r.error_message, Not(HasSubstr("tok")));
  EXPECT_EQ(
      http.Post(Secret("http://127.0.0.1:1/x"), {{"Bad:Name", Secret("v")}}, "{}", kTimeout).error,
      NetError::kBadRequest);
}

TEST(CurlSmtpClientTest, NoPasswordOverPlainSmtpToARemoteServer) {
  CurlSmtpClient smtp;
  SmtpServer server{"smtp.example.com", 25, SmtpSecurity::kNone, "", "alerts", Secret("hunter2")};
  SmtpResult r =
      smtp.Send(server, {"a@example.com", {"b@example.com"}, "Subject: x\r\n\r\nx\r\n"}, kTimeout);
  EXPECT_EQ(r.error, NetError::kBadRequest);
  EXPECT_THAT(r.error_message, HasSubstr("without TLS"));
  EXPECT_THAT(r.error_message, Not(HasSubstr("hunter2")));
  EXPECT_FALSE(r.ok());
}

TEST(CurlSmtpClientTest, AddressInjectionIsRefused) {
  CurlSmtpClient smtp;
  SmtpServer server{"127.0.0.1", 1, SmtpSecurity::kNone};
  EXPECT_EQ(
      smtp.Send(server, {"a@example.com", {"b@example.com>\r\nRCPT TO:<c@x"}, "x"}, kTimeout).error,
      NetError::kBadRequest);
  EXPECT_EQ(smtp.Send(server, {"a@example.com", {}, "x"}, kTimeout).error, NetError::kBadRequest);
}

TEST(CurlErrorsTest, Classification) {
  EXPECT_EQ(ClassifyCurlError(CURLE_OK), NetError::kNone);
  EXPECT_EQ(ClassifyCurlError(CURLE_OPERATION_TIMEDOUT), NetError::kTimeout);
  EXPECT_EQ(ClassifyCurlError(CURLE_COULDNT_CONNECT), NetError::kConnect);
  EXPECT_EQ(ClassifyCurlError(CURLE_COULDNT_RESOLVE_HOST), NetError::kConnect);
  EXPECT_EQ(ClassifyCurlError(CURLE_PEER_FAILED_VERIFICATION), NetError::kTls);
  EXPECT_EQ(ClassifyCurlError(CURLE_LOGIN_DENIED), NetError::kAuth);
  EXPECT_EQ(ClassifyCurlError(CURLE_UNSUPPORTED_PROTOCOL), NetError::kBadRequest);
  EXPECT_EQ(ClassifyCurlError(CURLE_OUT_OF_MEMORY), NetError::kOther);
}

TEST(CurlErrorsTest, DescriptionsAreScrubbed) {
  const std::string d =
      DescribeCurlError(CURLE_COULDNT_CONNECT, "Failed to connect to https://h/services/T/B/SECRET",
                        {"https://h/services/T/B/SECRET"});
  EXPECT_THAT(d, HasSubstr("Couldn't connect to server"));
  EXPECT_THAT(d, Not(HasSubstr("SECRET")));
}

}  // namespace curl_clients_test
}  // namespace memwatch::net
