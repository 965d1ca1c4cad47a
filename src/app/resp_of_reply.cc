#include "app/resp_of_reply.h"

#include <vector>

namespace memwatch::app {

discovery::RespValue RespOf(const poller::Reply& reply) {
  using discovery::RespValue;
  switch (reply.type) {
    case poller::Reply::Type::kString:
    case poller::Reply::Type::kStatus:
      return RespValue::String(reply.text);
    case poller::Reply::Type::kError:
      return RespValue::Error(reply.text);
    case poller::Reply::Type::kInteger:
      return RespValue::Integer(reply.integer);
    case poller::Reply::Type::kNil:
      return RespValue::Nil();
    case poller::Reply::Type::kArray: {
      std::vector<RespValue> elements;
      elements.reserve(reply.elements.size());
      for (const poller::Reply& e : reply.elements) elements.push_back(RespOf(e));
      return RespValue::Array(std::move(elements));
    }
  }
  return RespValue::Nil();
}

}  // namespace memwatch::app
