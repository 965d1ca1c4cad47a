// Whether this test binary runs under ASan or TSan: they slow the daemon
// and multiply its memory (ASan's quarantine alone may hold 256 MiB), so
// absolute time and RSS bounds are relaxed or skipped there.
#pragma once

namespace memwatch::testing {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif

}  // namespace memwatch::testing
