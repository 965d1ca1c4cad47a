// Every kind of config mistake, each reported as FILE:LINE:COLUMN: KEY:
// message. Expected strings are complete on purpose: they are the text an
// operator reads.
#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_loader.h"
#include "config_test_util.h"

namespace memwatch::config {
namespace config_errors_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testutil::AllErrors;
using testutil::FakeEnv;
using testutil::kTarget;
using testutil::Load;
using testutil::OnlyError;
using testutil::TempDir;

std::vector<std::string> Strings(const LoadResult& r) {
  std::vector<std::string> out;
  for (const ConfigError& e : r.errors) out.push_back(e.ToString());
  return out;
}

// ---- The error record itself ----------------------------------------------

TEST(ConfigErrorTest, FieldsMatchTheString) {
  const LoadResult r = Load(std::string("timeout: soon\n") + kTarget);
  ASSERT_EQ(r.errors.size(), 1u) << AllErrors(r);
  const ConfigError& e = r.errors[0];
  EXPECT_EQ(e.file, "memwatch.yaml");
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.column, 10);
  EXPECT_EQ(e.key, "timeout");
  EXPECT_EQ(e.message, "expected a duration such as 500ms, 1s, 2m, 1h or 1m30s, got 'soon'");
  EXPECT_EQ(e.ToString(),
            "memwatch.yaml:1:10: timeout: expected a duration such as 500ms, 1s, 2m, 1h or 1m30s, "
            "got 'soon'");
}

TEST(ConfigErrorTest, ToStringWithoutKeyOrLine) {
  EXPECT_EQ((ConfigError{"f", 2, 3, "", "m"}).ToString(), "f:2:3: m");
  EXPECT_EQ((ConfigError{"f", 0, 0, "", "m"}).ToString(), "f: m");
  EXPECT_EQ((ConfigError{"f", 0, 0, "k", "m"}).ToString(), "f: k: m");
}

TEST(ConfigErrorTest, ReportListsEveryErrorThenTheCount) {
  const LoadResult r = Load(std::string("timeout: soon\ninterval: never\n") + kTarget);
  ASSERT_EQ(r.errors.size(), 2u) << AllErrors(r);
  EXPECT_EQ(ErrorReport(r.errors), r.errors[0].ToString() + "\n" + r.errors[1].ToString() +
                                       "\n2 error(s) in the configuration\n");
}

TEST(ConfigErrorTest, ReportOfAGarbageFileIsCapped) {
  // Each line of garbage is its own error: a pasted log file gives thousands.
  std::string text = kTarget;
  for (int i = 0; i < 1000; ++i) text += "junk" + std::to_string(i) + ": 1\n";
  const LoadResult r = Load(text);
  ASSERT_EQ(r.errors.size(), 1000u) << AllErrors(r);
  const std::string report = ErrorReport(r.errors, 100);
  EXPECT_EQ(std::count(report.begin(), report.end(), '\n'), 101);
  EXPECT_THAT(report, HasSubstr(r.errors[99].ToString() + "\n"));
  EXPECT_THAT(report, Not(HasSubstr(r.errors[100].ToString())));
  EXPECT_THAT(report,
              ::testing::EndsWith("\n1000 error(s) in the configuration (the first 100 shown)\n"));
}

// ---- Unknown keys: did you mean --------------------------------------------

TEST(UnknownKeyTest, TopLevelSuggestsNearestKey) {
  EXPECT_EQ(OnlyError(Load(std::string("intervall: 1s\n") + kTarget)),
            "memwatch.yaml:1:1: intervall: unknown key 'intervall'; did you mean 'interval'?");
}

TEST(UnknownKeyTest, TopLevelWithoutNearKeyListsTheKeys) {
  EXPECT_EQ(OnlyError(Load(std::string("outbox: /var/lib\n") + kTarget)),
            "memwatch.yaml:1:1: outbox: unknown key 'outbox'; expected one of: listen, "
            "route_prefix, interval, timeout, checks, keyspace, target_defaults, targets, "
            "targets_files, shard, state_dir, alerting, "
            "receivers");
}

TEST(UnknownKeyTest, InTarget) {
  const LoadResult r = Load(
      "targets:\n"
      "  - name: a\n"
      "    adress: h:1\n");
  EXPECT_THAT(Strings(r),
              ElementsAre("memwatch.yaml:2:5: targets[0].address: missing; expected host:port, "
                          "[ipv6]:port, unix:/path/redis.sock or redis://host:port, or a sentinel: "
                          "or cluster: block",
                          "memwatch.yaml:3:5: targets[0].adress: unknown key 'adress'; did you "
                          "mean 'address'?"));
}

TEST(UnknownKeyTest, UnknownCheckName) {
  EXPECT_EQ(OnlyError(Load(std::string("checks:\n  memory_hgh: {warning: 80%}\n") + kTarget)),
            "memwatch.yaml:2:3: checks.memory_hgh: unknown check 'memory_hgh'; did you mean "
            "'memory_high'?");
}

TEST(UnknownKeyTest, UnknownCheckParam) {
  EXPECT_EQ(OnlyError(Load(std::string("checks:\n  memory_high: {warnin: 80%}\n") + kTarget)),
            "memwatch.yaml:2:17: checks.memory_high.warnin: unknown setting 'warnin'; did you "
            "mean 'warning'?");
}

TEST(UnknownKeyTest, EnabledIsSuggestedToo) {
  EXPECT_EQ(OnlyError(Load(std::string("checks:\n  no_ttl_growth: {enable: false}\n") + kTarget)),
            "memwatch.yaml:2:19: checks.no_ttl_growth.enable: unknown setting 'enable'; did you "
            "mean 'enabled'?");
}

TEST(UnknownKeyTest, CheckWithoutParamsListsOnlyEnabled) {
  EXPECT_EQ(
      OnlyError(Load(std::string("checks:\n  persistence_failing: {warning: 1}\n") + kTarget)),
      "memwatch.yaml:2:25: checks.persistence_failing.warning: unknown setting 'warning'; "
      "expected one of: enabled");
}

TEST(UnknownKeyTest, InTargetChecks) {
  EXPECT_EQ(OnlyError(Load("targets:\n"
                           "  - name: a\n"
                           "    address: h:1\n"
                           "    checks:\n"
                           "      time_to_full:\n"
                           "        windw: 5m\n")),
            "memwatch.yaml:6:9: targets[0].checks.time_to_full.windw: unknown setting 'windw'; "
            "did you mean 'window'?");
}

TEST(UnknownKeyTest, RepeatedKey) {
  EXPECT_EQ(OnlyError(Load(std::string("interval: 1s\ninterval: 2s\n") + kTarget)),
            "memwatch.yaml:2:1: interval: repeated key; it is already set at line 1");
}

// ---- Wrong types -----------------------------------------------------------

TEST(WrongTypeTest, ListWhereAMappingIsExpected) {
  EXPECT_EQ(OnlyError(Load(std::string("checks:\n  - memory_high\n") + kTarget)),
            "memwatch.yaml:2:3: checks: expected a mapping (key: value), found a list");
}

TEST(WrongTypeTest, MappingWhereAListIsExpected) {
  EXPECT_EQ(OnlyError(Load("targets:\n  name: a\n  address: h:1\n")),
            "memwatch.yaml:2:3: targets: expected a list (- item), found a mapping");
}

TEST(WrongTypeTest, MappingWhereAValueIsExpected) {
  EXPECT_EQ(OnlyError(Load(std::string("interval:\n  seconds: 1\n") + kTarget)),
            "memwatch.yaml:2:3: interval: expected a duration such as 500ms, 1s, 2m or 1h, found "
            "a mapping");
}

TEST(WrongTypeTest, ListWhereAStringIsExpected) {
  EXPECT_EQ(OnlyError(Load("targets:\n  - name: [a, b]\n    address: h:1\n")),
            "memwatch.yaml:2:11: targets[0].name: expected a string, found a list");
}

TEST(WrongTypeTest, EmptyValuePointsAtItsKey) {
  EXPECT_EQ(OnlyError(Load("targets:\n  - name: a\n    address: h:1\n    password:\n")),
            "memwatch.yaml:4:5: targets[0].password: expected a string, found nothing");
}

TEST(WrongTypeTest, TargetThatIsNotAMapping) {
  EXPECT_EQ(OnlyError(Load("targets:\n  - h:6379\n")),
            "memwatch.yaml:2:5: targets[0]: expected a mapping (key: value), found a single value");
}

TEST(WrongTypeTest, EmptyListItemPointsAtItsDash) {
  const LoadResult r = Load(std::string(kTarget) + "  -\n");
  EXPECT_EQ(OnlyError(r),
            "memwatch.yaml:4:3: targets[1]: expected a mapping (key: value), found "
            "nothing");
}

TEST(WrongTypeTest, CheckSettingsThatAreNotAMapping) {
  EXPECT_EQ(OnlyError(Load(std::string("checks:\n  no_ttl_growth: false\n") + kTarget)),
            "memwatch.yaml:2:18: checks.no_ttl_growth: expected a mapping of settings such as "
            "{enabled: true, window: ...}, found a single value");
}

TEST(WrongTypeTest, EnabledMustBeTrueOrFalse) {
  EXPECT_EQ(OnlyError(Load(std::string("checks:\n  evicting: {enabled: yes}\n") + kTarget)),
            "memwatch.yaml:2:23: checks.evicting.enabled: expected true or false, got 'yes'");
}

TEST(WrongTypeTest, KeyThatIsNotAName) {
  EXPECT_EQ(OnlyError(Load(std::string("? [a, b]\n: 1\n") + kTarget)),
            "memwatch.yaml:1:3: expected a plain key name, found a list as a key");
}

// ---- Durations, sizes, numbers, percentages, ports --------------------------

TEST(BadValueTest, Duration) {
  EXPECT_EQ(OnlyError(Load(std::string("interval: fast\n") + kTarget)),
            "memwatch.yaml:1:11: interval: expected a duration such as 500ms, 1s, 2m, 1h or "
            "1m30s, got 'fast'");
}

TEST(BadValueTest, DurationWithoutUnit) {
  EXPECT_EQ(OnlyError(Load(std::string("interval: 5\n") + kTarget)),
            "memwatch.yaml:1:11: interval: '5' has no unit; write 5s or 5ms");
}

TEST(BadValueTest, ZeroInterval) {
  EXPECT_EQ(OnlyError(Load(std::string("interval: 0s\n") + kTarget)),
            "memwatch.yaml:1:11: interval: expected a duration greater than 0, got '0s'");
}

TEST(BadValueTest, NegativeTimeout) {
  EXPECT_EQ(OnlyError(Load(std::string("timeout: -500ms\n") + kTarget)),
            "memwatch.yaml:1:10: timeout: a duration cannot be negative, got '-500ms'");
}

TEST(BadValueTest, CheckDuration) {
  EXPECT_EQ(OnlyError(Load(std::string("checks:\n  time_to_full: {window: 0m}\n") + kTarget)),
            "memwatch.yaml:2:26: checks.time_to_full.window: expected a duration greater than 0, "
            "got '0m'");
}

TEST(BadValueTest, Size) {
  EXPECT_EQ(OnlyError(Load("targets:\n  - name: a\n    address: h:1\n    memory_limit: 4XB\n")),
            "memwatch.yaml:4:19: targets[0].memory_limit: unknown unit in '4XB'; use B, KiB, MiB, "
            "GiB or TiB (k, kb, Ki work too)");
}

TEST(BadValueTest, ZeroSize) {
  EXPECT_EQ(OnlyError(Load("targets:\n  - name: a\n    address: h:1\n    memory_limit: 0\n")),
            "memwatch.yaml:4:19: targets[0].memory_limit: expected a size greater than 0, got '0'");
}

TEST(BadValueTest, CheckSize) {
  EXPECT_EQ(OnlyError(Load(std::string("checks:\n  fragmentation: {bytes: -1MiB}\n") + kTarget)),
            "memwatch.yaml:2:26: checks.fragmentation.bytes: a size cannot be negative, got "
            "'-1MiB'");
}

TEST(BadValueTest, Number) {
  const LoadResult r = Load(std::string("checks:\n"
                                        "  evicting: {warning_rate: 0}\n"
                                        "  target_down: {after: three}\n") +
                            kTarget);
  EXPECT_THAT(Strings(r),
              ElementsAre("memwatch.yaml:2:28: checks.evicting.warning_rate: expected a number "
                          "greater than 0, got '0'",
                          "memwatch.yaml:3:24: checks.target_down.after: expected a number "
                          "greater than 0, got 'three'"));
}

TEST(BadValueTest, PercentOutOfRange) {
  const LoadResult r = Load(std::string("checks:\n"
                                        "  memory_high:\n"
                                        "    warning: 0%\n"
                                        "    critical: 150%\n"
                                        "    clear_margin: 1.5\n") +
                            kTarget);
  const std::string expected =
      "a percentage such as 85% or a fraction such as 0.85 (above 0, at most 100%)";
  EXPECT_THAT(
      Strings(r),
      ElementsAre(
          "memwatch.yaml:3:14: checks.memory_high.warning: expected " + expected + ", got '0%'",
          "memwatch.yaml:4:15: checks.memory_high.critical: expected " + expected + ", got '150%'",
          "memwatch.yaml:5:19: checks.memory_high.clear_margin: '1.5' is not a "
          "fraction: write 1.5% for a percentage, or a fraction such as 0.85"));
}

TEST(BadValueTest, PercentWithoutPercentSign) {
  EXPECT_EQ(OnlyError(Load(std::string("checks:\n  memory_high: {warning: 85}\n") + kTarget)),
            "memwatch.yaml:2:26: checks.memory_high.warning: '85' is not a fraction: write 85% "
            "for a percentage, or a fraction such as 0.85");
}

TEST(BadValueTest, PortOutOfRange) {
  EXPECT_EQ(OnlyError(Load("targets:\n  - name: a\n    address: 10.0.0.1:70000\n")),
            "memwatch.yaml:3:14: targets[0].address: port '70000' is not a number between 1 and "
            "65535");
}

TEST(BadValueTest, PortZero) {
  EXPECT_EQ(OnlyError(Load("targets:\n  - name: a\n    address: 10.0.0.1:0\n")),
            "memwatch.yaml:3:14: targets[0].address: port '0' is not a number between 1 and "
            "65535");
}

TEST(BadValueTest, ListenPort) {
  EXPECT_EQ(OnlyError(Load(std::string("listen: 127.0.0.1:99999\n") + kTarget)),
            "memwatch.yaml:1:9: listen: port '99999' is not a number between 0 and 65535; "
            "expected host:port, [ipv6]:port or :port, e.g. 127.0.0.1:9479");
}

TEST(BadValueTest, RoutePrefix) {
  for (const std::string bad : {"memwatch", "/a//b", "/a/../b", "/a b", "/<x>", "/.."}) {
    EXPECT_EQ(OnlyError(Load("route_prefix: \"" + bad + "\"\n" + kTarget)),
              "memwatch.yaml:1:15: route_prefix: expected a path such as /memwatch (segments of "
              "letters, digits, '-', '.', '_' and '~'), got '" +
                  bad + "'")
        << bad;
  }
}

TEST(BadValueTest, TargetName) {
  EXPECT_EQ(OnlyError(Load("targets:\n  - name: coupon redis\n    address: h:1\n")),
            "memwatch.yaml:2:11: targets[0].name: expected a name of letters, digits, '_', '.', "
            "':' and '-' (it becomes a Prometheus label value), got 'coupon redis'");
}

// ---- Targets ---------------------------------------------------------------

TEST(TargetsTest, DuplicateNameMentionsTheFirstLine) {
  EXPECT_EQ(OnlyError(Load("targets:\n"
                           "  - name: cache\n"
                           "    address: h:1\n"
                           "  - name: other\n"
                           "    address: h:2\n"
                           "  - name: cache\n"
                           "    address: h:3\n")),
            "memwatch.yaml:6:11: targets[2].name: duplicate target name 'cache'; the first target "
            "with this name is at line 2");
}

TEST(TargetsTest, MissingNameAndAddress) {
  const LoadResult r = Load("targets:\n  - username: u\n    password: p\n");
  EXPECT_THAT(Strings(r),
              ElementsAre("memwatch.yaml:2:5: targets[0].name: missing; every target needs a "
                          "unique name such as coupon-redis",
                          "memwatch.yaml:2:5: targets[0].address: missing; expected host:port, "
                          "[ipv6]:port, unix:/path/redis.sock or redis://host:port, or a sentinel: "
                          "or cluster: block"));
}

TEST(TargetsTest, EmptyFile) {
  EXPECT_EQ(OnlyError(Load("")),
            "memwatch.yaml:1:1: the file is empty; at least one target is "
            "required");
  EXPECT_EQ(OnlyError(Load("# only a comment\n\n")),
            "memwatch.yaml:1:1: the file is empty; at least one target is required");
}

TEST(TargetsTest, NoTargetsKey) {
  EXPECT_EQ(OnlyError(Load("interval: 1s\n")),
            "memwatch.yaml:1:1: targets: at least one target is required");
}

TEST(TargetsTest, EmptyTargetList) {
  EXPECT_EQ(OnlyError(Load("interval: 1s\ntargets: []\n")),
            "memwatch.yaml:2:10: targets: at least one target is required");
  EXPECT_EQ(OnlyError(Load("interval: 1s\ntargets:\n")),
            "memwatch.yaml:2:1: targets: at least one target is required");
}

// ---- Credentials -----------------------------------------------------------

TEST(CredentialsTest, PasswordAndPasswordFileAreExclusive) {
  EXPECT_EQ(OnlyError(Load("targets:\n"
                           "  - name: a\n"
                           "    address: h:1\n"
                           "    password: hunter2\n"
                           "    password_file: /etc/pass\n")),
            "memwatch.yaml:5:20: targets[0].password_file: password and password_file are "
            "mutually exclusive; keep one");
}

TEST(CredentialsTest, ExclusiveEvenWhenThePasswordIsInvalid) {
  const LoadResult r = Load(
      "targets:\n"
      "  - name: a\n"
      "    address: h:1\n"
      "    password: ${UNSET}\n"
      "    password_file: /nonexistent/pass\n");
  EXPECT_THAT(Strings(r),
              ElementsAre("memwatch.yaml:4:15: targets[0].password: environment variable UNSET is "
                          "not set (write $$ for a literal $)",
                          "memwatch.yaml:5:20: targets[0].password_file: password and "
                          "password_file are mutually exclusive; keep one"));
}

TEST(CredentialsTest, PasswordInUrlAndInPasswordKey) {
  const std::string error =
      OnlyError(Load("targets:\n"
                     "  - name: a\n"
                     "    address: redis://:hunter2@h:1\n"
                     "    password: other\n"));
  EXPECT_EQ(error,
            "memwatch.yaml:4:15: targets[0].password: the address already contains a password; "
            "keep one of the two");
}

TEST(CredentialsTest, UsernameInUrlAndInUsernameKey) {
  EXPECT_EQ(OnlyError(Load("targets:\n"
                           "  - name: a\n"
                           "    address: redis://u:p@h:1\n"
                           "    username: v\n")),
            "memwatch.yaml:4:15: targets[0].username: the address already contains a user name; "
            "keep one of the two");
}

TEST(CredentialsTest, UsernameNeedsAPassword) {
  EXPECT_EQ(OnlyError(Load("targets:\n  - name: a\n    address: h:1\n    username: monitor\n")),
            "memwatch.yaml:4:15: targets[0].username: a user name needs a password: set "
            "password or password_file");
}

TEST(CredentialsTest, EmptyPassword) {
  EXPECT_EQ(OnlyError(Load("targets:\n  - name: a\n    address: h:1\n    password: ''\n")),
            "memwatch.yaml:4:15: targets[0].password: expected a password, got an empty value");
}

TEST(CredentialsTest, UnreadablePasswordFile) {
  TempDir dir;
  const std::string missing = dir.path() + "/missing.pass";
  EXPECT_EQ(OnlyError(Load("targets:\n"
                           "  - name: a\n"
                           "    address: h:1\n"
                           "    password_file: " +
                           missing + "\n")),
            "memwatch.yaml:4:20: targets[0].password_file: cannot read '" + missing +
                "': No such file or directory");
}

TEST(CredentialsTest, PasswordFileIsADirectory) {
  TempDir dir;
  EXPECT_EQ(OnlyError(Load("targets:\n"
                           "  - name: a\n"
                           "    address: h:1\n"
                           "    password_file: " +
                           dir.path() + "\n")),
            "memwatch.yaml:4:20: targets[0].password_file: cannot read '" + dir.path() +
                "': Is a directory");
}

TEST(CredentialsTest, EmptyPasswordFile) {
  TempDir dir;
  const std::string pass = dir.Write("empty.pass", "\n");
  EXPECT_EQ(
      OnlyError(Load("targets:\n"
                     "  - name: a\n"
                     "    address: h:1\n"
                     "    password_file: " +
                     pass + "\n")),
      "memwatch.yaml:4:20: targets[0].password_file: '" + pass + "' is empty; expected a password");
}

TEST(CredentialsTest, UnsetVariableIsNamed) {
  EXPECT_EQ(OnlyError(Load("targets:\n"
                           "  - name: a\n"
                           "    address: h:1\n"
                           "    password: ${REDIS_PASSWORD}\n")),
            "memwatch.yaml:4:15: targets[0].password: environment variable REDIS_PASSWORD is not "
            "set (write $$ for a literal $)");
}

TEST(CredentialsTest, UnterminatedVariable) {
  EXPECT_EQ(OnlyError(Load("targets:\n"
                           "  - name: a\n"
                           "    address: h:1\n"
                           "    password: ab${cd\n")),
            "memwatch.yaml:4:15: targets[0].password: '${' is not closed by '}' (write $$ for a "
            "literal $)");
}

TEST(CredentialsTest, SecretsNeverAppearInErrors) {
  TempDir dir;
  const std::string pass_file = dir.Write("p", "filesecret\n");
  const LoadResult r = Load(
      "targets:\n"
      "  - name: a\n"
      "    address: redis://user:hunter2@host:port99999\n"
      "  - name: b\n"
      "    address: redis://user:hunter2@h:1\n"
      "    password: envsecret-${PW}\n"
      "  - name: c\n"
      "    address: rediss://user:hunter2@h:port99999\n"
      "  - name: d\n"
      "    address: user:hunter2@h:1\n"
      "  - name: e\n"
      "    address: h:1\n"
      "    password: \"quoted-secret\n",
      FakeEnv({{"PW", "fromenv"}}));
  ASSERT_EQ(r.errors.size(), 5u) << AllErrors(r);
  for (const ConfigError& e : r.errors) {
    for (std::string_view secret : {"hunter2", "envsecret", "fromenv", "quoted-secret"}) {
      EXPECT_THAT(e.ToString(), Not(HasSubstr(secret)));
    }
  }
  EXPECT_EQ(r.errors[0].ToString(),
            "memwatch.yaml:3:14: targets[0].address: port 'port99999' is not a number between 1 "
            "and 65535");
}

// ---- The text as a whole ---------------------------------------------------

TEST(TextTest, TabsInIndentation) {
  const LoadResult r = Load("targets:\n  - name: a\n\taddress: h:1\n  -\tname: b\n");
  EXPECT_THAT(Strings(r),
              ElementsAre("memwatch.yaml:3:1: tab characters are not allowed for indentation; "
                          "use spaces",
                          "memwatch.yaml:4:4: tab characters are not allowed for indentation; "
                          "use spaces"));
}

TEST(TextTest, TabsElsewhereAreFine) {
  const LoadResult r = Load("targets:\n  - name: a\t# comment\n    address:\th:1\n");
  EXPECT_TRUE(r.ok()) << AllErrors(r);
}

TEST(TextTest, InvalidYaml) {
  const std::string error = OnlyError(Load("targets: [\n  {name: a, address: 'h:1'}\n"));
  EXPECT_EQ(error, "memwatch.yaml:3:1: invalid YAML: a '[' is not closed by ']'");
}

TEST(TextTest, InvalidYamlIndentation) {
  EXPECT_EQ(OnlyError(Load("interval: 1s\n timeout: 1s\n")),
            "memwatch.yaml:2:9: invalid YAML: a 'key: value' is not allowed here; check the "
            "indentation, or quote a value that contains ': '");
}

TEST(TextTest, UndefinedAlias) {
  EXPECT_EQ(OnlyError(Load("interval: *later\n")),
            "memwatch.yaml:1:11: invalid YAML: an alias (*name) refers to an anchor (&name) not "
            "defined");
}

TEST(TextTest, UnclosedQuote) {
  EXPECT_EQ(OnlyError(Load("targets:\n  - name: a\n    address: \"h:1\n")),
            "memwatch.yaml:3:14: targets[0].address: the quoted value has no closing quote");
}

TEST(TextTest, NulByte) {
  EXPECT_EQ(OnlyError(Load(std::string("interval: 1s\nab\0cd\n", 19))),
            "memwatch.yaml:2:3: not a text file (it contains a NUL byte)");
}

TEST(TextTest, InvalidUtf8) {
  EXPECT_EQ(OnlyError(Load("interval: 1s\n# caf\xE9\n")),
            "memwatch.yaml:2:6: not a text file (it is not valid UTF-8)");
  EXPECT_THAT(OnlyError(Load("\x7f"
                             "ELF\x02\x01\x01\xff")),
              HasSubstr("not a text file"));
  // Overlong '/', a surrogate, and a code point above U+10FFFF.
  EXPECT_THAT(OnlyError(Load("a: \xC0\xAF\n")), HasSubstr("not a text file"));
  EXPECT_THAT(OnlyError(Load("a: \xED\xA0\x80\n")), HasSubstr("not a text file"));
  EXPECT_THAT(OnlyError(Load("a: \xF4\x90\x80\x80\n")), HasSubstr("not a text file"));
}

TEST(TextTest, Utf8IsText) {
  const LoadResult r = Load(std::string("# café ✓ 🚀\n") + kTarget);
  EXPECT_TRUE(r.ok()) << AllErrors(r);
}

TEST(TextTest, TopLevelNotAMapping) {
  EXPECT_EQ(OnlyError(Load("- name: a\n  address: h:1\n")),
            "memwatch.yaml:1:1: expected a mapping of keys such as interval: and targets: at the "
            "top level, found a list");
  EXPECT_EQ(OnlyError(Load("just text\n")),
            "memwatch.yaml:1:1: expected a mapping of keys such as interval: and targets: at the "
            "top level, found a single value");
}

TEST(TextTest, NullDocument) {
  EXPECT_EQ(OnlyError(Load("~\n")),
            "memwatch.yaml:1:1: expected a mapping of keys such as interval: and targets: at the "
            "top level, found nothing");
}

// yaml-cpp 0.7's LoadAll loops forever on these (yaml-cpp #1040); they must
// come back as errors.
TEST(TextTest, InputsThatHangYamlCppLoadAll) {
  for (std::string_view text : {",", ",i:ii:66", "\n,\n", "a: 1\n---\n,\n"}) {
    const LoadResult r = Load(text);
    EXPECT_FALSE(r.ok()) << text;
    EXPECT_FALSE(r.errors.empty()) << text;
  }
}

TEST(TextTest, SecondDocument) {
  EXPECT_EQ(OnlyError(Load(std::string(kTarget) + "---\ninterval: 1s\n")),
            "memwatch.yaml:5:1: a second YAML document starts here; the config must be one "
            "document");
}

// ---- All at once -----------------------------------------------------------

TEST(AllAtOnceTest, EveryErrorIsReportedInFileOrder) {
  const LoadResult r = Load(
      "listen: localhost\n"
      "interval: 0s\n"
      "timeot: 1s\n"
      "checks:\n"
      "  memory_high: {warning: 185%}\n"
      "  ttl_growth: {enabled: false}\n"
      "targets:\n"
      "  - name: a\n"
      "    address: h:99999\n"
      "  - name: a\n"
      "    address: h:1\n"
      "    password: ${NOPE}\n"
      "  - address: unix:/run/redis.sock\n");
  EXPECT_THAT(
      Strings(r),
      ElementsAre(
          "memwatch.yaml:1:9: listen: the port is missing; expected host:port, [ipv6]:port or "
          ":port, e.g. 127.0.0.1:9479",
          "memwatch.yaml:2:11: interval: expected a duration greater than 0, got '0s'",
          "memwatch.yaml:3:1: timeot: unknown key 'timeot'; did you mean 'timeout'?",
          "memwatch.yaml:5:26: checks.memory_high.warning: expected a percentage such as 85% or a "
          "fraction such as 0.85 (above 0, at most 100%), got '185%'",
          "memwatch.yaml:6:3: checks.ttl_growth: unknown check 'ttl_growth'; expected one of: "
          "maxmemory_unset, noeviction, memory_high, memory_headroom, eviction_ineffective, "
          "evicting, oom_rejections, command_timeouts, time_to_full, no_ttl_growth, "
          "protected_keys_evictable, protected_key_evicted, "
          "fragmentation, replication_buffers, persistence_failing, tls_certificate_expiring, "
          "target_down",
          "memwatch.yaml:9:14: targets[0].address: port '99999' is not a number between 1 and "
          "65535",
          "memwatch.yaml:10:11: targets[1].name: duplicate target name 'a'; the first target with "
          "this name is at line 8",
          "memwatch.yaml:12:15: targets[1].password: environment variable NOPE is not set (write "
          "$$ for a literal $)",
          "memwatch.yaml:13:5: targets[2].name: missing; every target needs a unique name such as "
          "coupon-redis"));
  EXPECT_FALSE(r.config.has_value());
}

}  // namespace config_errors_test
}  // namespace memwatch::config
