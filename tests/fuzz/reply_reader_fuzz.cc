// Fuzzes the poller's ReplyReader the way Connection drives it: arbitrary
// bytes, fed in arbitrary chunks, each chunk followed by draining Next().
//
// Input layout: byte 0 picks the reply cap (64 B .. 64 KiB) and, with its
// top bit set, allows arrays (ArrayLimits of 16 .. 128 elements, depth 1 or
// 2, as the keyspace client reads SCAN replies); byte 1 seeds the chunk
// sizes, the rest is what the "server" sends. Checked:
//  - buffered_bytes() never exceeds the cap, and a refused Feed() means the
//    cap or a failure (never a silent drop);
//  - the replies are the same whatever the chunking: a capped, chunked read
//    yields a prefix of what one uncapped read of all bytes yields, and when
//    the cap is large enough, exactly that.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "poller/reply_reader.h"

namespace {

using memwatch::poller::ArrayLimits;
using memwatch::poller::Reply;
using memwatch::poller::ReplyReader;
using Outcome = ReplyReader::Outcome;

void Require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "reply_reader_fuzz: invariant broken: %s\n", what);
    std::abort();
  }
}

struct Run {
  std::vector<Reply> replies;
  Outcome last = Outcome::kNeedMore;  // kNeedMore: all bytes consumed cleanly
};

// Drains complete replies; returns false once the reader failed.
bool Drain(ReplyReader& reader, Run& run) {
  for (;;) {
    Reply reply;
    const Outcome o = reader.Next(&reply);
    if (o == Outcome::kNeedMore) return true;
    if (o != Outcome::kReply) {
      run.last = o;
      Require(o != Outcome::kProtocolError || !reader.error().empty(), "an error without text");
      return false;
    }
    run.replies.push_back(std::move(reply));
  }
}

Run ReadChunked(std::string_view wire, size_t cap, ArrayLimits arrays, uint32_t seed) {
  ReplyReader reader(cap, arrays);
  Run run;
  uint32_t state = seed * 2654435761u + 1;
  while (!wire.empty()) {
    state = state * 1103515245u + 12345u;
    // Mostly small chunks (where the framing bugs live), sometimes large.
    const size_t want = (state >> 16) % 8 == 0 ? 1 + (state >> 8) % 4096 : 1 + (state >> 16) % 16;
    const std::string_view chunk = wire.substr(0, want);
    const size_t before = reader.buffered_bytes();
    if (!reader.Feed(chunk)) {
      // Failures end the loop below, so only the cap can refuse bytes here.
      Require(before + chunk.size() > cap, "Feed refused bytes within the cap");
      Drain(reader, run);
      return run;
    }
    Require(reader.buffered_bytes() <= cap, "more than the cap buffered");
    wire.remove_prefix(chunk.size());
    if (!Drain(reader, run)) return run;
    Require(reader.buffered_bytes() <= cap, "more than the cap buffered after Next");
  }
  return run;
}

Run ReadWhole(std::string_view wire, ArrayLimits arrays) {
  ReplyReader reader(wire.size() + 1, arrays);
  Run run;
  Require(reader.Feed(wire), "Feed refused bytes under the cap");
  Drain(reader, run);
  return run;
}

// Counts every element, nested ones too.
size_t Elements(const Reply& r) {
  size_t n = r.elements.size();
  for (const Reply& e : r.elements) n += Elements(e);
  return n;
}

int Depth(const Reply& r) {
  if (r.type != Reply::Type::kArray) return 0;
  int deepest = 0;
  for (const Reply& e : r.elements) deepest = std::max(deepest, Depth(e));
  return 1 + deepest;
}

bool Same(const Reply& a, const Reply& b) {
  if (a.type != b.type || a.text != b.text || a.integer != b.integer ||
      a.elements.size() != b.elements.size()) {
    return false;
  }
  for (size_t i = 0; i < a.elements.size(); ++i) {
    if (!Same(a.elements[i], b.elements[i])) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t cap = size_t{64} << (data[0] % 11);  // 64 B .. 64 KiB
  ArrayLimits arrays;                               // refused
  if ((data[0] & 0x80) != 0) {
    arrays.max_elements = size_t{16} << ((data[0] >> 4) & 3);
    arrays.max_depth = 1 + ((data[0] >> 6) & 1);
  }
  const uint32_t seed = data[1];
  const std::string_view wire(reinterpret_cast<const char*>(data) + 2, size - 2);

  const Run whole = ReadWhole(wire, arrays);
  const Run chunked = ReadChunked(wire, cap, arrays, seed);
  for (const Reply& r : whole.replies) {
    Require(r.type == Reply::Type::kArray || arrays.max_elements > 0 || r.elements.empty(),
            "elements outside an array");
    Require(Elements(r) <= arrays.max_elements, "more array elements than the limit");
    Require(Depth(r) <= arrays.max_depth || arrays.max_elements == 0, "deeper than the limit");
    Require(arrays.max_elements > 0 || r.type != Reply::Type::kArray, "an array while refused");
  }
  Require(chunked.replies.size() <= whole.replies.size(), "chunking produced extra replies");
  for (size_t i = 0; i < chunked.replies.size(); ++i) {
    Require(Same(chunked.replies[i], whole.replies[i]), "chunking changed a reply");
  }
  if (chunked.last != Outcome::kTooLarge) {
    // Nothing was cut short by the cap: chunking must change nothing.
    Require(chunked.replies.size() == whole.replies.size(), "chunking lost replies");
    Require(chunked.last == whole.last, "chunking changed the outcome");
  }
  // The same reader, Reset() after a failure, reads cleanly again.
  ReplyReader reader(cap, arrays);
  (void)reader.Feed(wire.substr(0, cap));
  Reply reply;
  while (reader.Next(&reply) == Outcome::kReply) {
  }
  reader.Reset();
  Require(reader.buffered_bytes() == 0 && reader.error().empty(), "Reset left state behind");
  Require(reader.Feed("+OK\r\n") && reader.Next(&reply) == Outcome::kReply &&
              reply.type == Reply::Type::kStatus && reply.text == "OK",
          "a Reset reader does not read");
  return 0;
}
