#include "notify/email_message.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "notify/mime.h"
#include "unit/notify/golden.h"

namespace memwatch::notify {
namespace email_message_test {

using testing::ExpectGolden;
using ::testing::HasSubstr;
using testing::MixedNotification;
using ::testing::Not;
using testing::OomNotification;
using ::testing::StartsWith;
using testing::ToLf;

const EmailOptions kOptions{"alerts@example.com",
                            {"ops@example.com", "dba@example.com"},
                            {"http://grafana.example/d/redis-memwatch"}};

std::string DecodeQuotedPrintable(std::string_view qp) {
  std::string out;
  for (size_t i = 0; i < qp.size(); ++i) {
    if (qp[i] == '=' && i + 2 < qp.size() && qp[i + 1] == '\r' && qp[i + 2] == '\n') {
      i += 2;  // soft break
    } else if (qp[i] == '=' && i + 2 < qp.size()) {
      out += static_cast<char>(std::stoi(std::string(qp.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += qp[i];
    }
  }
  return ToLf(out);
}

std::string Part(const std::string& data, std::string_view type) {
  const size_t start = data.find("Content-Type: " + std::string(type));
  const size_t body = data.find("\r\n\r\n", start) + 4;
  const size_t end = data.find("\r\n--=_memwatch_", body);
  return data.substr(body, end - body);
}

TEST(EmailMessageTest, GoldenOom) {
  const EmailMessage m = FormatEmail(OomNotification(), kOptions);
  ExpectGolden("email_oom.eml", ToLf(m.data));
  ExpectGolden("email_oom.txt", EmailText(OomNotification(), kOptions.message));
  ExpectGolden("email_oom.html", EmailHtml(OomNotification(), kOptions.message));
}

TEST(EmailMessageTest, GoldenMixed) {
  ExpectGolden("email_mixed.eml", ToLf(FormatEmail(MixedNotification(), kOptions).data));
}

TEST(EmailMessageTest, HeadersSaySeverityTargetAndTitle) {
  const EmailMessage m = FormatEmail(OomNotification(), kOptions);
  EXPECT_EQ(m.subject, "[CRITICAL] coupon-redis: writes rejected (OOM)");
  EXPECT_THAT(m.data, StartsWith("Date: Wed, 01 May 2024 12:00:03 +0000\r\n"));
  EXPECT_THAT(m.data, HasSubstr("\r\nSubject: [CRITICAL] coupon-redis: writes rejected (OOM)\r\n"));
  EXPECT_THAT(m.data, HasSubstr("\r\nFrom: redis-memwatch <alerts@example.com>\r\n"));
  EXPECT_THAT(m.data, HasSubstr("\r\nTo: ops@example.com, dba@example.com\r\n"));
  EXPECT_THAT(
      m.data,
      HasSubstr("\r\nMessage-ID: <1714564803250-5eed0001-000001.redis-memwatch@example.com>\r\n"));
  EXPECT_THAT(m.data, HasSubstr("Content-Type: multipart/alternative;\r\n boundary=\"=_memwatch_"));
  EXPECT_EQ(FormatEmail(MixedNotification(), kOptions).subject,
            "[CRITICAL] session-redis: memory almost full (+2 more)");
}

TEST(EmailMessageTest, IsValidForSmtp) {
  const std::string data = FormatEmail(MixedNotification(), kOptions).data;
  size_t start = 0;
  while (start < data.size()) {
    const size_t end = data.find("\r\n", start);
    ASSERT_NE(end, std::string::npos) << "every line ends with CRLF";
    const std::string line = data.substr(start, end - start);
    EXPECT_EQ(line.find('\n'), std::string::npos) << "bare LF";
    EXPECT_LE(line.size(), 78u) << line;
    start = end + 2;
  }
}

TEST(EmailMessageTest, BodiesDecodeToTextAndEscapedHtml) {
  const std::string data = FormatEmail(MixedNotification(), kOptions).data;
  const std::string text = DecodeQuotedPrintable(Part(data, "text/plain"));
  EXPECT_EQ(text, EmailText(MixedNotification(), kOptions.message));
  EXPECT_THAT(text, HasSubstr("<maxmemory> & still rising"));
  const std::string html = DecodeQuotedPrintable(Part(data, "text/html"));
  EXPECT_THAT(html, HasSubstr("&lt;maxmemory&gt; &amp; still rising"));
  EXPECT_THAT(html, Not(HasSubstr("<maxmemory>")));
  EXPECT_THAT(html, HasSubstr("<a href=\"http://grafana.example/d/redis-memwatch\">"));
}

TEST(EmailMessageTest, NonAsciiSubjectIsEncoded) {
  alerting::Notification n = OomNotification();
  n.target = "caché-redis";
  const std::string data = FormatEmail(n, kOptions).data;
  EXPECT_THAT(data, HasSubstr("\r\nSubject: =?UTF-8?B?"));
  EXPECT_THAT(data, Not(HasSubstr("caché")));  // no raw 8-bit anywhere
}

TEST(EmailMessageTest, HeaderInjectionIsImpossible) {
  alerting::Notification n = OomNotification();
  n.target = "evil\r\nBcc: victim@example.com";
  const std::string data = FormatEmail(n, kOptions).data;
  const std::string headers = data.substr(0, data.find("\r\n\r\n"));
  EXPECT_THAT(headers, Not(HasSubstr("\r\nBcc:")));
  EXPECT_THAT(headers, HasSubstr("Subject: [CRITICAL] evil  Bcc: victim@example.com: writes"));
}

TEST(MimeTest, QuotedPrintable) {
  EXPECT_EQ(QuotedPrintable("a=b\n"), "a=3Db\r\n");
  EXPECT_EQ(QuotedPrintable("trailing \nx"), "trailing=20\r\nx");
  EXPECT_EQ(QuotedPrintable("é"), "=C3=A9");
  const std::string long_line(200, 'x');
  const std::string qp = QuotedPrintable(long_line);
  EXPECT_EQ(DecodeQuotedPrintable(qp), long_line);
  EXPECT_THAT(qp, HasSubstr("=\r\n"));
}

TEST(MimeTest, EncodeHeader) {
  EXPECT_EQ(EncodeHeader("plain"), "plain");
  EXPECT_EQ(EncodeHeader("é"), "=?UTF-8?B?w6k=?=");
  EXPECT_THAT(EncodeHeader("x" + std::string("é") + std::string(60, 'y') + "€€€€€€€€€€€€€€€€"),
              HasSubstr("?=\r\n =?UTF-8?B?"));
  EXPECT_EQ(Base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64("fo"), "Zm8=");
}

}  // namespace email_message_test
}  // namespace memwatch::notify
