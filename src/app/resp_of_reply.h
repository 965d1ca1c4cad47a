// The poller's reply as the discovery core's plain value (the core cannot
// see poller types), element for element.
#pragma once

#include "discovery/resp_value.h"
#include "poller/reply_reader.h"

namespace memwatch::app {

discovery::RespValue RespOf(const poller::Reply& reply);

}  // namespace memwatch::app
