#include "poller/reply_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace memwatch::poller {
namespace {

using Outcome = ReplyReader::Outcome;

TEST(ReplyReaderTest, ParsesEveryScalarReplyType) {
  ReplyReader reader(1024);
  ASSERT_TRUE(reader.Feed("$5\r\nhello\r\n+OK\r\n-ERR nope\r\n:42\r\n$-1\r\n"));
  Reply reply;
  ASSERT_EQ(reader.Next(&reply), Outcome::kReply);
  EXPECT_EQ(reply.type, Reply::Type::kString);
  EXPECT_EQ(reply.text, "hello");
  ASSERT_EQ(reader.Next(&reply), Outcome::kReply);
  EXPECT_EQ(reply.type, Reply::Type::kStatus);
  EXPECT_EQ(reply.text, "OK");
  ASSERT_EQ(reader.Next(&reply), Outcome::kReply);
  EXPECT_EQ(reply.type, Reply::Type::kError);
  EXPECT_EQ(reply.text, "ERR nope");
  ASSERT_EQ(reader.Next(&reply), Outcome::kReply);
  EXPECT_EQ(reply.type, Reply::Type::kInteger);
  EXPECT_EQ(reply.integer, 42);
  ASSERT_EQ(reader.Next(&reply), Outcome::kReply);
  EXPECT_EQ(reply.type, Reply::Type::kNil);
  EXPECT_EQ(reader.Next(&reply), Outcome::kNeedMore);
  EXPECT_EQ(reader.buffered_bytes(), 0u);
}

TEST(ReplyReaderTest, AssemblesAReplyFedOneByteAtATime) {
  const std::string wire = "$13\r\n# Server\r\na:1\r\n";
  ReplyReader reader(1024);
  Reply reply;
  for (size_t i = 0; i + 1 < wire.size(); ++i) {
    ASSERT_TRUE(reader.Feed(wire.substr(i, 1)));
    ASSERT_EQ(reader.Next(&reply), Outcome::kNeedMore) << "after byte " << i;
  }
  ASSERT_TRUE(reader.Feed(wire.substr(wire.size() - 1)));
  ASSERT_EQ(reader.Next(&reply), Outcome::kReply);
  EXPECT_EQ(reply.text, "# Server\r\na:1");
}

TEST(ReplyReaderTest, BinarySafeBulk) {
  ReplyReader reader(1024);
  ASSERT_TRUE(reader.Feed(std::string("$3\r\na\0b\r\n", 9)));
  Reply reply;
  ASSERT_EQ(reader.Next(&reply), Outcome::kReply);
  EXPECT_EQ(reply.text, std::string("a\0b", 3));
}

TEST(ReplyReaderTest, GarbageIsAProtocolErrorThatSticks) {
  ReplyReader reader(1024);
  ASSERT_TRUE(reader.Feed("HTTP/1.1 400 Bad Request\r\n\r\n"));
  Reply reply;
  ASSERT_EQ(reader.Next(&reply), Outcome::kProtocolError);
  EXPECT_NE(reader.error().find("Protocol error"), std::string::npos) << reader.error();
  EXPECT_FALSE(reader.Feed("+OK\r\n"));
  EXPECT_EQ(reader.Next(&reply), Outcome::kProtocolError);

  reader.Reset();
  EXPECT_EQ(reader.error(), "");
  ASSERT_TRUE(reader.Feed("+OK\r\n"));
  EXPECT_EQ(reader.Next(&reply), Outcome::kReply);
}

TEST(ReplyReaderTest, BadBulkLengthIsAProtocolError) {
  ReplyReader reader(1024);
  ASSERT_TRUE(reader.Feed("$12abc\r\n"));
  Reply reply;
  EXPECT_EQ(reader.Next(&reply), Outcome::kProtocolError);
}

TEST(ReplyReaderTest, RefusesArraysBeforeAllocatingTheirElements) {
  // A hostile header announcing two billion elements must not reach
  // hiredis' default calloc of the element table.
  ReplyReader reader(1024);
  ASSERT_TRUE(reader.Feed("*2147483647\r\n"));
  Reply reply;
  ASSERT_EQ(reader.Next(&reply), Outcome::kProtocolError);
  EXPECT_EQ(reader.error(), "unexpected array reply");
}

TEST(ReplyReaderTest, AReplyOfExactlyTheCapIsAccepted) {
  const std::string wire = "$10\r\n0123456789\r\n";  // 17 bytes on the wire
  ReplyReader reader(wire.size());
  ASSERT_TRUE(reader.Feed(wire));
  Reply reply;
  EXPECT_EQ(reader.Next(&reply), Outcome::kReply);
}

TEST(ReplyReaderTest, OneByteOverTheCapIsTooLargeWithoutBufferingIt) {
  const std::string wire = "$10\r\n0123456789\r\n";
  ReplyReader reader(wire.size() - 1);
  ASSERT_TRUE(reader.Feed(wire.substr(0, 10)));
  Reply reply;
  ASSERT_EQ(reader.Next(&reply), Outcome::kNeedMore);
  EXPECT_FALSE(reader.Feed(wire.substr(10)));
  EXPECT_EQ(reader.buffered_bytes(), 10u);  // the refused bytes were not kept
  EXPECT_EQ(reader.Next(&reply), Outcome::kTooLarge);
  EXPECT_FALSE(reader.Feed("+OK\r\n"));
  EXPECT_EQ(reader.Next(&reply), Outcome::kTooLarge);

  reader.Reset();
  ASSERT_TRUE(reader.Feed("+OK\r\n"));
  EXPECT_EQ(reader.Next(&reply), Outcome::kReply);
}

TEST(ReplyReaderTest, HugeAnnouncedBulkIsCutAtTheCap) {
  ReplyReader reader(64 * 1024);
  ASSERT_TRUE(reader.Feed("$20000000\r\n"));
  const std::string chunk(16 * 1024, 'x');
  size_t fed = 0;
  while (reader.Feed(chunk)) fed += chunk.size();
  EXPECT_LE(fed, 64u * 1024);
  Reply reply;
  EXPECT_EQ(reader.Next(&reply), Outcome::kTooLarge);
}

TEST(ReplyReaderTest, TheCapCountsEachReplyOnItsOwn) {
  ReplyReader reader(20);
  Reply reply;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(reader.Feed("$8\r\n01234567\r\n")) << i;  // 14 bytes
    ASSERT_EQ(reader.Next(&reply), Outcome::kReply) << i;
  }
}

TEST(ReplyReaderTest, BytesAfterAReplyCountTowardsTheNext) {
  ReplyReader reader(20);
  ASSERT_TRUE(reader.Feed("$8\r\n01234567\r\n$8\r\n"));  // 14 + 4 bytes
  Reply reply;
  ASSERT_EQ(reader.Next(&reply), Outcome::kReply);
  EXPECT_EQ(reader.buffered_bytes(), 4u);
  EXPECT_EQ(reader.Next(&reply), Outcome::kNeedMore);
  ASSERT_TRUE(reader.Feed("01234567\r\n"));
  ASSERT_EQ(reader.Next(&reply), Outcome::kReply);
  EXPECT_EQ(reply.text, "01234567");
}

}  // namespace
}  // namespace memwatch::poller
