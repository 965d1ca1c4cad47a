// Reads a file of tests/fixtures/discovery/ whole.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace memwatch::discovery::fixture {

inline std::string Read(const std::string& name) {
  std::ifstream in(std::string{MEMWATCH_FIXTURES_DIR} + "/discovery/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace memwatch::discovery::fixture
