// What every formatter needs besides the notification itself.
#pragma once

#include <string>

namespace memwatch::notify {

struct MessageOptions {
  std::string external_url;  // dashboard link in every message; "" = none
};

}  // namespace memwatch::notify
