// OpenSSL reports errors on a thread-local queue; this turns it into text.
#pragma once

#include <string>

namespace memwatch::poller {

// The text of the newest error in OpenSSL's queue of this thread, which is
// then emptied, so the next operation starts clean. "unknown error" when
// the queue was empty.
std::string TakeOpenSslError();

}  // namespace memwatch::poller
