// ReadHostFile, ReadHostFileIfExists and VisitHostFileLines on real files
// in a temp directory: content, a missing file, a directory, a FIFO, the
// size cap; lines cut by the read buffer, a last line without a newline,
// stopping early, a line over the cap.
#include "host/host_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace memwatch::host {
namespace host_file_test {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class HostFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "memwatch-hostfile.XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  std::string dir_;
};

TEST_F(HostFileTest, ReadsTheWholeFile) {
  const std::string content(size_t{20} * 1024, 'x');  // more than one read
  const Result<std::string> r = ReadHostFile(Write("f", content));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r.value(), content);
  const Result<std::optional<std::string>> o = ReadHostFileIfExists(Write("g", "12\n"));
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o.value(), "12\n");
}

TEST_F(HostFileTest, MissingFile) {
  const Result<std::string> r = ReadHostFile(dir_ + "/none");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "cannot read " + dir_ + "/none: No such file or directory");
  const Result<std::optional<std::string>> o = ReadHostFileIfExists(dir_ + "/none");
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o.value(), std::nullopt);
}

TEST_F(HostFileTest, DirectoryAndFifoAreErrorsEvenIfOptional) {
  fs::create_directory(dir_ + "/d");
  const Result<std::optional<std::string>> d = ReadHostFileIfExists(dir_ + "/d");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().message(), "cannot read " + dir_ + "/d: Is a directory");
  ASSERT_EQ(mkfifo((dir_ + "/fifo").c_str(), 0600), 0);
  const Result<std::string> f = ReadHostFile(dir_ + "/fifo");  // must not block
  ASSERT_FALSE(f.ok());
  EXPECT_THAT(f.status().message(), HasSubstr("fifo: not a regular file"));
}

TEST_F(HostFileTest, LargerThanTheCap) {
  const std::string path = Write("big", std::string(101, 'x'));
  EXPECT_TRUE(ReadHostFile(path, 101).ok());
  const Result<std::string> r = ReadHostFile(path, 100);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("big: larger than 100 bytes"));
}

// Every line of `path` as VisitHostFileLines hands them over, and its status.
std::pair<std::vector<std::string>, Status> Lines(const std::string& path,
                                                  size_t max_line_bytes = kMaxLineBytes) {
  std::vector<std::string> lines;
  Status status = VisitHostFileLines(
      path,
      [&](size_t number, std::string_view line) {
        EXPECT_EQ(number, lines.size());
        lines.emplace_back(line);
        return true;
      },
      max_line_bytes);
  return {lines, status};
}

TEST_F(HostFileTest, VisitsLinesThatTheReadBufferCuts) {
  std::string content;
  std::vector<std::string> expected;
  for (int i = 0; i < 2000; ++i) {  // ~29 KiB: lines cut at each 8 KiB read
    expected.push_back(fmt::format("   {}: 0100007F:18EB 0A", i));
    content += expected.back() + "\n";
  }
  expected.emplace_back();  // an empty line is a line
  content += "\nlast, without a newline";
  expected.emplace_back("last, without a newline");
  const auto [lines, status] = Lines(Write("t", content));
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(lines, expected);
  EXPECT_TRUE(Lines(Write("empty", "")).first.empty());
}

TEST_F(HostFileTest, VisitingStopsWhenTheVisitorSaysSo) {
  size_t visited = 0;
  const Status status =
      VisitHostFileLines(Write("t", "a\nb\nc\n"), [&](size_t number, std::string_view) {
        ++visited;
        return number < 1;
      });
  EXPECT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(visited, 2U);
}

TEST_F(HostFileTest, VisitingFailsOnALongLineAndAMissingFile) {
  const auto [lines, status] = Lines(Write("long", "ok\n" + std::string(9000, 'x') + "\n"), 8192);
  EXPECT_THAT(lines, ElementsAre("ok"));
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("long: line 2 longer than 8192 bytes"));
  const auto [none, missing] = Lines(dir_ + "/none");
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(missing.message(), "cannot read " + dir_ + "/none: No such file or directory");
}

}  // namespace host_file_test
}  // namespace memwatch::host
