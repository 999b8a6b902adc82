#include "kit/restart_journal.h"

#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/supervisord.h"

namespace svl {
namespace kit {
namespace {

using ::svl::testing::IsOk;
using ::svl::testing::IsOkAndHolds;
using ::svl::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string TestDir() {
  absl::StatusOr<std::string> dir = svl::testing::MakeTestDir("journal");
  EXPECT_THAT(dir, IsOk());
  return dir.ok() ? *dir : "/nonexistent";
}

TEST(RestartJournalTest, AFreshFileIsEmptyAndEntriesSurviveAReopen) {
  const std::string path = TestDir() + "/j.restarts";
  absl::StatusOr<RestartJournal> journal = RestartJournal::Open(path);
  ASSERT_THAT(journal, IsOk());
  EXPECT_TRUE(journal->empty());
  ASSERT_THAT(journal->Add("web"), IsOk());
  ASSERT_THAT(journal->Add("grp:odd name\n"), IsOk());
  ASSERT_THAT(journal->Add("web"), IsOk());  // once
  EXPECT_THAT(svl::testing::ReadFile(path), IsOkAndHolds(std::string("web\ngrp:odd name\\n\n")));

  absl::StatusOr<RestartJournal> reopened = RestartJournal::Open(path);
  ASSERT_THAT(reopened, IsOk());
  EXPECT_THAT(reopened->pending(), ElementsAre("web", "grp:odd name\n"));
  ASSERT_THAT(reopened->Remove("web"), IsOk());
  ASSERT_THAT(reopened->Remove("nothing"), IsOk());
  EXPECT_THAT(reopened->pending(), ElementsAre("grp:odd name\n"));
  ASSERT_THAT(reopened->Remove("grp:odd name\n"), IsOk());
  // An empty journal leaves no file behind.
  EXPECT_EQ(access(path.c_str(), F_OK), -1);
  EXPECT_THAT(RestartJournal::Open(path)->pending(), IsEmpty());
}

TEST(RestartJournalTest, InMemoryWritesNothing) {
  RestartJournal journal = RestartJournal::InMemory();
  ASSERT_THAT(journal.Add("web"), IsOk());
  EXPECT_THAT(journal.pending(), ElementsAre("web"));
  EXPECT_EQ(journal.path(), "");
}

TEST(RestartJournalTest, BadLineIsDataLossNamingThePath) {
  const std::string path = TestDir() + "/bad.restarts";
  ASSERT_THAT(svl::testing::WriteFile(path, "web\n\\q\n"), IsOk());
  EXPECT_THAT(RestartJournal::Open(path),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr(absl::StrCat("restart journal ", path, ": bad line '\\\\q'"))));
}

TEST(RestartJournalTest, UnwritableDirectoryKeepsTheEntryInMemory) {
  const std::string path = "/nonexistent-svlisten-dir/j.restarts";
  absl::StatusOr<RestartJournal> journal = RestartJournal::Open(path);
  ASSERT_THAT(journal, IsOk());
  EXPECT_THAT(journal->Add("web"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("cannot create " + path + ".tmp")));
  EXPECT_THAT(journal->pending(), ElementsAre("web"));
}

TEST(EnsureStateDirTest, CreatesAPrivateDirectoryAndRefusesUnsafeOnes) {
  const std::string base = TestDir();
  const std::string dir = base + "/state";
  EXPECT_THAT(EnsureStateDir(dir), IsOkAndHolds(dir));
  struct stat info;
  ASSERT_EQ(stat(dir.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  EXPECT_THAT(EnsureStateDir(dir), IsOk());  // again: fine

  const std::string link = base + "/link";
  ASSERT_EQ(symlink(dir.c_str(), link.c_str()), 0);
  EXPECT_THAT(EnsureStateDir(link), StatusIs(absl::StatusCode::kFailedPrecondition,
                                             HasSubstr("is not a directory (or is a symbolic link)")));
  const std::string open_dir = base + "/open";
  ASSERT_EQ(mkdir(open_dir.c_str(), 0700), 0);
  ASSERT_EQ(chmod(open_dir.c_str(), 0777), 0);
  EXPECT_THAT(EnsureStateDir(open_dir),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("writable by others (mode 0777)")));
}

TEST(JournalFileNameTest, StableAndSafe) {
  EXPECT_EQ(JournalFileName("httpok", "unix:///run/supervisor.sock", "httpok", "httpok"),
            JournalFileName("httpok", "unix:///run/supervisor.sock", "httpok", "httpok"));
  EXPECT_NE(JournalFileName("httpok", "unix:///a.sock", "g", "p"),
            JournalFileName("httpok", "unix:///b.sock", "g", "p"));
  const std::string name = JournalFileName("httpok", "", "../g", "p q");
  EXPECT_THAT(name, ::testing::MatchesRegex("httpok-[0-9a-f]{8}-\\.\\._g-p_q\\.restarts"));
  EXPECT_EQ(JoinStatePath("/run/svlisten", "f"), "/run/svlisten/f");
  EXPECT_EQ(JoinStatePath("/run/svlisten/", "f"), "/run/svlisten/f");
}

TEST(OpenListenerJournalTest, OpensInTheStateDirOrSaysWhyNot) {
  const std::string dir = TestDir() + "/state";
  std::string problem = "stale";
  RestartJournal journal = OpenListenerJournal("httpok", dir, "unix:///s.sock", "g", "p", &problem);
  EXPECT_EQ(problem, "");
  EXPECT_EQ(journal.path(), JoinStatePath(dir, JournalFileName("httpok", "unix:///s.sock", "g", "p")));
  ASSERT_THAT(journal.Add("web"), IsOk());
  EXPECT_THAT(OpenListenerJournal("httpok", dir, "unix:///s.sock", "g", "p", &problem).pending(),
              ElementsAre("web"));

  journal = OpenListenerJournal("httpok", "/proc/no-such-dir", "u", "g", "p", &problem);
  EXPECT_EQ(journal.path(), "");
  EXPECT_THAT(problem, HasSubstr("cannot create state directory /proc/no-such-dir"));
}

TEST(DefaultStateDirTest, EnvironmentWins) {
  setenv("SVLISTEN_STATE_DIR", "/somewhere/state", 1);
  EXPECT_EQ(DefaultStateDir(), "/somewhere/state");
  unsetenv("SVLISTEN_STATE_DIR");
  if (geteuid() == 0) {
    EXPECT_EQ(DefaultStateDir(), "/run/svlisten");
  } else {
    EXPECT_THAT(DefaultStateDir(), HasSubstr("svlisten"));
  }
}

}  // namespace
}  // namespace kit
}  // namespace svl
