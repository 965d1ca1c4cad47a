// A Redis reply as a plain value tree, for the parsers of array replies
// (CLUSTER SHARDS, SENTINEL ...). The pure core cannot see the poller's
// reply type (poller/reply_reader.h `Reply`); the app converts one into
// this, element for element. RESP2 only: a RESP3 map arrives as a flat
// array of key, value, key, value.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace memwatch::discovery {

struct RespValue {
  enum class Type { kString, kInteger, kArray, kNil, kError };
  Type type = Type::kNil;
  std::string text;                 // kString (bulk or status), kError (without '-')
  long long integer = 0;            // kInteger
  std::vector<RespValue> elements;  // kArray, in order
  bool operator==(const RespValue&) const = default;

  static RespValue String(std::string s) { return {Type::kString, std::move(s), 0, {}}; }
  static RespValue Integer(long long i) { return {Type::kInteger, {}, i, {}}; }
  static RespValue Array(std::vector<RespValue> e) { return {Type::kArray, {}, 0, std::move(e)}; }
  static RespValue Nil() { return {}; }
  static RespValue Error(std::string s) { return {Type::kError, std::move(s), 0, {}}; }
};

// A short description of the value's type for error messages: "a string",
// "an integer", "an array", "nil", "an error reply (\"ERR ...\")".
std::string Describe(const RespValue& value);

// Returns the value of `key` in a flat key/value array (RESP2's form of a
// map): the element after the first string element equal to `key` at an
// even index; nullptr when absent or when `map` is not an array.
const RespValue* FindField(const RespValue& map, std::string_view key);

}  // namespace memwatch::discovery
