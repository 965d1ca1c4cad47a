// Turns the bytes a Redis server sends into replies, with hiredis' protocol
// parser (redisReader, hiredis/read.h) and a cap on reply size that hiredis
// 0.14 lacks: a hostile or broken peer cannot make us buffer more than
// `max_reply_bytes` for one reply.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

struct redisReader;
struct redisReadTask;
struct redisReplyObjectFunctions;

namespace memwatch::poller {

// One RESP2 reply. Arrays are refused (see ReplyReader): neither AUTH nor
// INFO answers with one, and hiredis 0.14 allocates an array's element table
// from the count in its header before a single element has arrived.
struct Reply {
  enum class Type { kString, kStatus, kError, kInteger, kNil };
  Type type = Type::kNil;
  std::string text;  // kString, kStatus, kError (without the leading '-')
  long long integer = 0;
};

class ReplyReader {
 public:
  enum class Outcome {
    kNeedMore,       // no complete reply buffered yet
    kReply,          // *reply holds the next reply
    kTooLarge,       // the reply being read exceeds max_reply_bytes
    kProtocolError,  // the bytes are not RESP (or an array); see error()
  };

  explicit ReplyReader(size_t max_reply_bytes);
  ~ReplyReader();
  ReplyReader(const ReplyReader&) = delete;
  ReplyReader& operator=(const ReplyReader&) = delete;

  // Buffers bytes received from the server. The cap counts the bytes on the
  // wire (RESP framing included) of the reply being read: bytes fed and not
  // yet returned by Next(). Returns false, feeding nothing, when no more
  // bytes should be read: `bytes` would take that count over
  // max_reply_bytes (Next() then answers kTooLarge until Reset()), or the
  // reader already failed.
  bool Feed(std::string_view bytes);

  // Takes the next complete reply out of the buffer. After kTooLarge or
  // kProtocolError the reader stays failed until Reset(). Once every byte
  // fed belongs to a returned reply, the buffer is freed: an idle
  // connection holds no reply-sized buffer between polls.
  Outcome Next(Reply* reply);

  // Why Next() answered kProtocolError ("" otherwise).
  const std::string& error() const { return error_; }

  size_t max_reply_bytes() const { return max_reply_bytes_; }

  // Bytes fed that belong to no returned reply yet.
  size_t buffered_bytes() const { return pending_; }

  // Forgets all buffered bytes and any failure: for a new connection.
  void Reset();

 private:
  static void* CreateArray(const redisReadTask* task, int elements);
  static redisReplyObjectFunctions* Functions();

  size_t max_reply_bytes_;
  redisReader* reader_ = nullptr;
  size_t pending_ = 0;  // see buffered_bytes()
  bool too_large_ = false;
  bool array_refused_ = false;  // set by CreateArray through privdata
  std::string error_;
};

}  // namespace memwatch::poller
