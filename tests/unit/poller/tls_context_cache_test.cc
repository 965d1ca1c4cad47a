// TlsContextCache: one context per distinct setting, loaded again when a
// file it came from changes on disk or after Clear(), and failures that
// are not kept.
#include "poller/tls_context_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <string>

#include "tls_test_certs.h"

namespace memwatch::poller {
namespace tls_context_cache_test {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using tls_test::File;

// A copy of the test certificates the test may replace.
class TlsContextCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "memwatch-tlsctx.XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
    for (const char* name : {"ca.crt", "client.crt", "client.key", "other.crt", "other.key"}) {
      fs::copy_file(File(name), dir_ + "/" + name);
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  // Replaces `to` with a copy of `from` by renaming over it, as tools that
  // rotate certificates do.
  void Replace(const std::string& to, const std::string& from) {
    fs::copy_file(Path(from), Path(to + ".new"));
    fs::rename(Path(to + ".new"), Path(to));
  }
  TlsSettings MutualTls() const {
    TlsSettings s;
    s.ca_file = Path("ca.crt");
    s.cert_file = Path("client.crt");
    s.key_file = Path("client.key");
    return s;
  }

  std::string dir_;
};

std::shared_ptr<const TlsContext> Get(TlsContextCache& cache, const TlsSettings& s) {
  Result<std::shared_ptr<const TlsContext>> r = cache.Get(s);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? r.value() : nullptr;
}

TEST_F(TlsContextCacheTest, OneContextPerDistinctSetting) {
  TlsContextCache cache;
  const auto first = Get(cache, MutualTls());
  ASSERT_NE(first, nullptr);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(Get(cache, MutualTls()), first);
  EXPECT_EQ(cache.loads(), 1U);

  TlsSettings named = MutualTls();
  named.server_name = "redis.test";
  const auto second = Get(cache, named);
  EXPECT_NE(second, first);
  EXPECT_EQ(Get(cache, named), second);
  EXPECT_EQ(Get(cache, MutualTls()), first);
  EXPECT_EQ(cache.loads(), 2U);
}

TEST_F(TlsContextCacheTest, AReplacedCertificateOrKeyIsLoadedAgain) {
  TlsContextCache cache;
  const auto before = Get(cache, MutualTls());
  ASSERT_NE(before, nullptr);
  EXPECT_FALSE(before->Stale());

  // Rotation: both files renamed over, as a new pair.
  Replace("client.crt", "other.crt");
  Replace("client.key", "other.key");
  EXPECT_TRUE(before->Stale());
  const auto after = Get(cache, MutualTls());
  ASSERT_NE(after, nullptr);
  EXPECT_NE(after, before);
  EXPECT_FALSE(after->Stale());
  EXPECT_EQ(Get(cache, MutualTls()), after);
  EXPECT_EQ(cache.loads(), 2U);

  // The CA rewritten in place (same inode): its times change.
  const std::string ca = Path("ca.crt");
  ASSERT_EQ(truncate(ca.c_str(), 0), 0);
  fs::copy_file(File("ca.crt"), ca, fs::copy_options::overwrite_existing);
  const auto rewritten = Get(cache, MutualTls());
  EXPECT_NE(rewritten, after);
}

TEST_F(TlsContextCacheTest, ClearLoadsEveryContextAgainAndOpenOnesLive) {
  TlsContextCache cache;
  const auto before = Get(cache, MutualTls());
  cache.Clear();
  const auto after = Get(cache, MutualTls());
  EXPECT_NE(after, before);
  EXPECT_NE(before->get(), nullptr);  // still usable by the session holding it
  EXPECT_EQ(cache.loads(), 2U);
}

TEST_F(TlsContextCacheTest, AFailedLoadIsNotKept) {
  TlsContextCache cache;
  fs::remove(Path("client.key"));
  Result<std::shared_ptr<const TlsContext>> r = cache.Get(MutualTls());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("tls.key_file " + Path("client.key")));
  EXPECT_THAT(r.status().message(), ::testing::Not(HasSubstr("BEGIN")));

  fs::copy_file(File("client.key"), Path("client.key"));
  EXPECT_NE(Get(cache, MutualTls()), nullptr);
  EXPECT_EQ(cache.loads(), 2U);
}

TEST_F(TlsContextCacheTest, AFileThatDisappearsMakesTheContextStale) {
  TlsContextCache cache;
  const auto loaded = Get(cache, MutualTls());
  ASSERT_NE(loaded, nullptr);
  fs::remove(Path("ca.crt"));
  EXPECT_TRUE(loaded->Stale());
  Result<std::shared_ptr<const TlsContext>> r = cache.Get(MutualTls());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("tls.ca_file " + Path("ca.crt")));
}

}  // namespace tls_context_cache_test
}  // namespace memwatch::poller
