#include "poller/reply_reader.h"

#include <hiredis/read.h>

#include <cassert>
#include <cstdlib>
#include <new>

namespace memwatch::poller {
namespace {

// hiredis calls these C callbacks to build reply objects; nothing may throw
// through them, so allocation failures become nullptr (hiredis then reports
// "Out of memory"). Parents are always null because arrays are refused.
void* CreateString(const redisReadTask* task, char* str, size_t len) {
  try {
    auto* reply = new Reply;
    switch (task->type) {
      case REDIS_REPLY_ERROR:
        reply->type = Reply::Type::kError;
        break;
      case REDIS_REPLY_STATUS:
        reply->type = Reply::Type::kStatus;
        break;
      default:
        reply->type = Reply::Type::kString;
        break;
    }
    reply->text.assign(str, len);
    return reply;
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

void* CreateInteger(const redisReadTask*, long long value) {
  auto* reply = new (std::nothrow) Reply;
  if (reply != nullptr) {
    reply->type = Reply::Type::kInteger;
    reply->integer = value;
  }
  return reply;
}

void* CreateNil(const redisReadTask*) { return new (std::nothrow) Reply; }

void FreeObject(void* reply) { delete static_cast<Reply*>(reply); }

}  // namespace

void* ReplyReader::CreateArray(const redisReadTask* task, int) {
  // hiredis 0.14 copies the reader's privdata into every task.
  static_cast<ReplyReader*>(task->privdata)->array_refused_ = true;
  return nullptr;
}

redisReplyObjectFunctions* ReplyReader::Functions() {
  // hiredis wants a non-const table that outlives every reader.
  static redisReplyObjectFunctions functions = {CreateString, &ReplyReader::CreateArray,
                                                CreateInteger, CreateNil, FreeObject};
  return &functions;
}

ReplyReader::ReplyReader(size_t max_reply_bytes) : max_reply_bytes_(max_reply_bytes) { Reset(); }

ReplyReader::~ReplyReader() { redisReaderFree(reader_); }

void ReplyReader::Reset() {
  if (reader_ != nullptr) redisReaderFree(reader_);
  reader_ = redisReaderCreateWithFunctions(Functions());
  if (reader_ == nullptr) std::abort();  // out of memory
  // Not redisReaderSetPrivdata: in 0.14 that macro casts a pointer to int.
  reader_->privdata = this;
  pending_ = 0;
  too_large_ = false;
  array_refused_ = false;
  error_.clear();
}

bool ReplyReader::Feed(std::string_view bytes) {
  if (too_large_ || !error_.empty()) return false;
  if (bytes.size() > max_reply_bytes_ - std::min(pending_, max_reply_bytes_)) {
    too_large_ = true;
    return false;
  }
  if (bytes.empty()) return true;
  if (redisReaderFeed(reader_, bytes.data(), bytes.size()) != REDIS_OK) {
    error_ = reader_->errstr[0] != '\0' ? reader_->errstr : "reader failed";
    return false;
  }
  pending_ += bytes.size();
  return true;
}

ReplyReader::Outcome ReplyReader::Next(Reply* reply) {
  if (too_large_) return Outcome::kTooLarge;
  if (!error_.empty()) return Outcome::kProtocolError;
  void* object = nullptr;
  if (redisReaderGetReply(reader_, &object) != REDIS_OK) {
    error_ = array_refused_ ? "unexpected array reply" : reader_->errstr;
    if (error_.empty()) error_ = "reader failed";
    return Outcome::kProtocolError;
  }
  if (object == nullptr) return Outcome::kNeedMore;
  auto* parsed = static_cast<Reply*>(object);
  *reply = std::move(*parsed);
  delete parsed;
  // What remains unparsed in hiredis' buffer belongs to the next reply.
  pending_ = reader_->len - reader_->pos;
  // hiredis keeps its buffer, grown to the largest reply read (~10 KiB for
  // INFO, up to max_reply_bytes), until the next Feed, and then only frees
  // it above 16 KiB: with 1,000 targets that is ~10 MiB held between polls
  // for nothing. Drained, it is freed now (a new reader costs two small
  // allocations per reply).
  if (pending_ == 0) Reset();
  return Outcome::kReply;
}

}  // namespace memwatch::poller
