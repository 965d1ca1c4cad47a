#include "poller/reply_reader.h"

#include <hiredis/read.h>

#include <cassert>
#include <cstdlib>
#include <new>
#include <string>

namespace memwatch::poller {
namespace {

// hiredis calls these C callbacks to build reply objects; nothing may throw
// through them, so allocation failures become nullptr (hiredis then reports
// "Out of memory").
//
// Ownership: a top-level reply is allocated here and handed back by
// redisReaderGetReply (or freed with FreeObject when the reader fails or is
// freed mid-reply); an array element lives in its parent's `elements`, so
// the top-level reply owns the whole tree. CreateArray reserves room for
// every element its header announces, so no element moves while hiredis
// holds a pointer to it (a nested array still receiving elements).

// A new reply for `task`: on the heap at the top level, else the next
// element of its parent. nullptr when out of memory.
Reply* NewReply(const redisReadTask* task) {
  if (task->parent == nullptr) return new (std::nothrow) Reply;
  auto* parent = static_cast<Reply*>(task->parent->obj);
  // hiredis creates elements in order, never more than the header said.
  assert(parent->elements.size() == static_cast<size_t>(task->idx));
  assert(parent->elements.size() < parent->elements.capacity());
  return &parent->elements.emplace_back();
}

void* CreateString(const redisReadTask* task, char* str, size_t len) {
  Reply* reply = NewReply(task);
  if (reply == nullptr) return nullptr;
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
  try {
    reply->text.assign(str, len);
  } catch (const std::bad_alloc&) {
    if (task->parent == nullptr) delete reply;  // an element is freed with its root
    return nullptr;
  }
  return reply;
}

void* CreateInteger(const redisReadTask* task, long long value) {
  Reply* reply = NewReply(task);
  if (reply != nullptr) {
    reply->type = Reply::Type::kInteger;
    reply->integer = value;
  }
  return reply;
}

void* CreateNil(const redisReadTask* task) { return NewReply(task); }

void FreeObject(void* reply) { delete static_cast<Reply*>(reply); }

}  // namespace

void* ReplyReader::CreateArray(const redisReadTask* task, int elements) {
  // hiredis 0.14 copies the reader's privdata into every task.
  auto* self = static_cast<ReplyReader*>(task->privdata);
  if (self->arrays_.max_elements == 0) {
    self->array_refusal_ = ArrayRefusal::kArraysOff;
    return nullptr;
  }
  int depth = 1;
  for (const redisReadTask* up = task->parent; up != nullptr; up = up->parent) ++depth;
  if (depth > self->arrays_.max_depth) {
    self->array_refusal_ = ArrayRefusal::kTooDeep;
    return nullptr;
  }
  // hiredis passes 0 .. INT_MAX (a nil array "*-1" comes to CreateNil).
  const auto count = static_cast<size_t>(elements);
  if (count > self->arrays_.max_elements - self->announced_elements_) {
    self->array_refusal_ = ArrayRefusal::kTooMany;
    self->refused_count_ = elements;
    return nullptr;
  }
  self->announced_elements_ += count;
  Reply* reply = NewReply(task);
  if (reply == nullptr) return nullptr;
  reply->type = Reply::Type::kArray;
  try {
    reply->elements.reserve(count);
  } catch (const std::bad_alloc&) {
    if (task->parent == nullptr) delete reply;  // an element is freed with its root
    return nullptr;
  }
  return reply;
}

redisReplyObjectFunctions* ReplyReader::Functions() {
  // hiredis wants a non-const table that outlives every reader.
  static redisReplyObjectFunctions functions = {CreateString, &ReplyReader::CreateArray,
                                                CreateInteger, CreateNil, FreeObject};
  return &functions;
}

ReplyReader::ReplyReader(size_t max_reply_bytes, ArrayLimits arrays)
    : max_reply_bytes_(max_reply_bytes), arrays_(arrays) {
  Reset();
}

ReplyReader::~ReplyReader() { redisReaderFree(reader_); }

void ReplyReader::Reset() {
  if (reader_ != nullptr) redisReaderFree(reader_);
  reader_ = redisReaderCreateWithFunctions(Functions());
  if (reader_ == nullptr) std::abort();  // out of memory
  // Not redisReaderSetPrivdata: in 0.14 that macro casts a pointer to int.
  reader_->privdata = this;
  pending_ = 0;
  too_large_ = false;
  announced_elements_ = 0;
  array_refusal_ = ArrayRefusal::kNone;
  refused_count_ = 0;
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
    switch (array_refusal_) {
      case ArrayRefusal::kArraysOff:
        error_ = "unexpected array reply";
        break;
      case ArrayRefusal::kTooDeep:
        error_ = "array reply nested deeper than " + std::to_string(arrays_.max_depth) + " levels";
        break;
      case ArrayRefusal::kTooMany:
        error_ = "an array of " + std::to_string(refused_count_) +
                 " elements takes the reply over the limit of " +
                 std::to_string(arrays_.max_elements) + " array elements";
        too_large_ = true;
        return Outcome::kTooLarge;
      case ArrayRefusal::kNone:
        error_ = reader_->errstr;
        break;
    }
    if (error_.empty()) error_ = "reader failed";
    return Outcome::kProtocolError;
  }
  if (object == nullptr) return Outcome::kNeedMore;
  announced_elements_ = 0;  // the next reply has a budget of its own
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
