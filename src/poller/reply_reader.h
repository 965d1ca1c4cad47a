// Turns the bytes a Redis server sends into replies, with hiredis' protocol
// parser (redisReader, hiredis/read.h) and a cap on reply size that hiredis
// 0.14 lacks: a hostile or broken peer cannot make us buffer more than
// `max_reply_bytes` for one reply, nor (with arrays allowed, ArrayLimits)
// make us hold more than `max_elements` array elements for one reply.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

struct redisReader;
struct redisReadTask;
struct redisReplyObjectFunctions;

namespace memwatch::poller {

// One RESP2 reply. Arrays are refused unless the reader was given
// ArrayLimits: neither AUTH nor INFO answers with one, and hiredis 0.14's
// own reply objects allocate an array's element table from the count in its
// header before a single element has arrived (our callbacks check the count
// against the limits first).
struct Reply {
  enum class Type { kString, kStatus, kError, kInteger, kNil, kArray };
  Type type = Type::kNil;
  std::string text;  // kString, kStatus, kError (without the leading '-')
  long long integer = 0;
  std::vector<Reply> elements;  // kArray, in order; a nil element is kNil
};

// Which arrays a ReplyReader accepts. The default refuses every array.
struct ArrayLimits {
  // Elements one reply may hold, counting those of nested arrays too (SCAN's
  // `[cursor, [key, ...]]` of n keys counts 2 + n). 0 refuses arrays.
  size_t max_elements = 0;
  // Nesting: 1 = flat arrays only, 2 = arrays of arrays (SCAN), ...
  int max_depth = 2;
};

class ReplyReader {
 public:
  enum class Outcome {
    kNeedMore,       // no complete reply buffered yet
    kReply,          // *reply holds the next reply
    kTooLarge,       // the reply exceeds max_reply_bytes or ArrayLimits::max_elements
    kProtocolError,  // the bytes are not RESP, or an array refused; see error()
  };

  // With the default `arrays`, every array reply is a kProtocolError.
  // Otherwise an array header announcing more elements than the limit
  // allows is kTooLarge, and one nested deeper than max_depth
  // kProtocolError, both decided from the header alone, before anything is
  // allocated for its elements. An accepted header reserves room for its
  // count (at most max_elements Replies per reply).
  explicit ReplyReader(size_t max_reply_bytes, ArrayLimits arrays = {});
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

  // Why Next() answered kProtocolError, or kTooLarge because of an array's
  // count ("" otherwise, and for the byte cap).
  const std::string& error() const { return error_; }

  size_t max_reply_bytes() const { return max_reply_bytes_; }
  const ArrayLimits& array_limits() const { return arrays_; }

  // Bytes fed that belong to no returned reply yet.
  size_t buffered_bytes() const { return pending_; }

  // Forgets all buffered bytes and any failure: for a new connection.
  void Reset();

 private:
  // Why CreateArray refused an array header (hiredis then reports "Out of
  // memory", which would mislead).
  enum class ArrayRefusal { kNone, kArraysOff, kTooMany, kTooDeep };

  static void* CreateArray(const redisReadTask* task, int elements);
  static redisReplyObjectFunctions* Functions();

  size_t max_reply_bytes_;
  ArrayLimits arrays_;
  redisReader* reader_ = nullptr;
  size_t pending_ = 0;  // see buffered_bytes()
  bool too_large_ = false;
  // Set by CreateArray through privdata: elements announced by the arrays
  // of the reply being read, and why the last header was refused.
  size_t announced_elements_ = 0;
  ArrayRefusal array_refusal_ = ArrayRefusal::kNone;
  long long refused_count_ = 0;  // the count of a kTooMany header
  std::string error_;
};

}  // namespace memwatch::poller
