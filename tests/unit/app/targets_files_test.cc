// TargetsFiles: each file's last good content; a broken file keeps it and
// reports not ok; a file that is gone takes its targets with it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "app/targets_files.h"

namespace memwatch::app {
namespace targets_files_test {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class Dir {
 public:
  Dir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "memwatch-targets-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ~Dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  Dir(const Dir&) = delete;
  Dir& operator=(const Dir&) = delete;
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ + "/" + name, std::ios::trunc) << text;
    return path_ + "/" + name;
  }
  std::string Pattern() const { return path_ + "/*.yml"; }

 private:
  std::string path_;
};

std::vector<std::string> Names(const TargetsFiles& files) {
  std::vector<std::string> out;
  for (const auto& [file, targets] : files.content()) {
    for (const config::FileTarget& t : targets) out.push_back(t.name);
  }
  return out;
}

TEST(TargetsFilesTest, KeepsTheLastGoodContentOfABrokenFileAndForgetsARemovedOne) {
  Dir dir;
  TargetsFiles files;
  EXPECT_FALSE(files.Refresh({dir.Pattern()}, 1));  // nothing there yet
  const std::string a = dir.Write("a.yml", "- targets: [10.0.0.1:6379]\n");
  EXPECT_TRUE(files.Refresh({dir.Pattern()}, 2));
  EXPECT_THAT(Names(files), ElementsAre("10.0.0.1:6379"));
  EXPECT_FALSE(files.Refresh({dir.Pattern()}, 3)) << "the same text is no change";

  dir.Write("a.yml", "- targets: [nowhere]\n");
  EXPECT_FALSE(files.Refresh({dir.Pattern()}, 4));
  EXPECT_THAT(Names(files), ElementsAre("10.0.0.1:6379"));
  ASSERT_EQ(files.Statuses().size(), 1u);
  EXPECT_EQ(files.Statuses()[0].file, a);
  EXPECT_FALSE(files.Statuses()[0].ok);
  EXPECT_EQ(files.Statuses()[0].read_wall, 4);

  dir.Write("a.yml", "- targets: [10.0.0.2:6379]\n");
  EXPECT_TRUE(files.Refresh({dir.Pattern()}, 5));
  EXPECT_THAT(Names(files), ElementsAre("10.0.0.2:6379"));
  EXPECT_TRUE(files.Statuses()[0].ok);

  std::filesystem::remove(a);
  EXPECT_TRUE(files.Refresh({dir.Pattern()}, 6));
  EXPECT_THAT(Names(files), IsEmpty());
  EXPECT_THAT(files.Statuses(), IsEmpty());
}

TEST(TargetsFilesTest, ABrokenNewFileContributesNothingUntilItReadsWell) {
  Dir dir;
  TargetsFiles files;
  dir.Write("b.yml", "{not: a list}\n");
  EXPECT_FALSE(files.Refresh({dir.Pattern()}, 1));
  EXPECT_THAT(Names(files), IsEmpty());
  ASSERT_EQ(files.Statuses().size(), 1u);
  EXPECT_FALSE(files.Statuses()[0].ok);
  dir.Write("b.yml", "[]\n");
  EXPECT_TRUE(files.Refresh({dir.Pattern()}, 2)) << "read well for the first time";
  EXPECT_TRUE(files.Statuses()[0].ok);
}

}  // namespace targets_files_test
}  // namespace memwatch::app
