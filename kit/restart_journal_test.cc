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
  ASSERT_THAT(journal->Add({"web", 1700000000, 41}), IsOk());
  ASSERT_THAT(journal->Add({"grp:odd name\n", 1700000005, 42}), IsOk());
  ASSERT_THAT(journal->Add({"web", 1700000010, 43}), IsOk());  // replaces the first
  EXPECT_THAT(svl::testing::ReadFile(path),
              IsOkAndHolds(std::string("1700000010 43 web\n1700000005 42 grp:odd name\\n\n")));

  absl::StatusOr<RestartJournal> reopened = RestartJournal::Open(path);
  ASSERT_THAT(reopened, IsOk());
  EXPECT_THAT(reopened->pending(),
              ElementsAre(PendingRestart{"web", 1700000010, 43},
                          PendingRestart{"grp:odd name\n", 1700000005, 42}));
  ASSERT_THAT(reopened->Remove("web"), IsOk());
  ASSERT_THAT(reopened->Remove("nothing"), IsOk());
  EXPECT_THAT(reopened->pending(), ElementsAre(PendingRestart{"grp:odd name\n", 1700000005, 42}));
  ASSERT_THAT(reopened->Remove("grp:odd name\n"), IsOk());
  // An empty journal leaves no file behind.
  EXPECT_EQ(access(path.c_str(), F_OK), -1);
  EXPECT_THAT(RestartJournal::Open(path)->pending(), IsEmpty());
}

TEST(RestartJournalTest, InMemoryWritesNothing) {
  RestartJournal journal = RestartJournal::InMemory();
  ASSERT_THAT(journal.Add({"web", 1, 2}), IsOk());
  EXPECT_THAT(journal.pending(), ElementsAre(PendingRestart{"web", 1, 2}));
  EXPECT_EQ(journal.path(), "");
}

TEST(RestartJournalTest, BadLineIsDataLossNamingThePath) {
  const std::string path = TestDir() + "/bad.restarts";
  ASSERT_THAT(svl::testing::WriteFile(path, "1 2 web\n1 2 \\q\n"), IsOk());
  EXPECT_THAT(RestartJournal::Open(path),
              StatusIs(absl::StatusCode::kDataLoss,
                       absl::StrCat("restart journal ", path, ": bad line '1 2 \\\\q'")));
  ASSERT_THAT(svl::testing::WriteFile(path, "web\n"), IsOk());  // no start and pid
  EXPECT_THAT(RestartJournal::Open(path), StatusIs(absl::StatusCode::kDataLoss));
}

TEST(RestartJournalTest, OnlyARegularFileOfBoundedSizeIsRead) {
  const std::string dir = TestDir();
  const std::string fifo = dir + "/fifo.restarts";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  // No writer ever comes: Open() must not wait for one.
  EXPECT_THAT(RestartJournal::Open(fifo), StatusIs(absl::StatusCode::kFailedPrecondition,
                                                   fifo + " is not a regular file"));
  const std::string big = dir + "/big.restarts";
  ASSERT_THAT(svl::testing::WriteFile(big, std::string(kMaxJournalBytes + 1, '1')), IsOk());
  EXPECT_THAT(RestartJournal::Open(big),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       absl::StrCat(big, " is larger than 65536 bytes")));
}

TEST(RestartJournalTest, UnwritableDirectoryKeepsTheEntryInMemory) {
  const std::string path = "/nonexistent-svlisten-dir/j.restarts";
  absl::StatusOr<RestartJournal> journal = RestartJournal::Open(path);
  ASSERT_THAT(journal, IsOk());
  EXPECT_THAT(journal->Add({"web", 1, 2}),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("cannot create " + path + ".tmp")));
  EXPECT_THAT(journal->pending(), ElementsAre(PendingRestart{"web", 1, 2}));
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
  // A trailing slash does not make lstat() follow the link.
  EXPECT_THAT(EnsureStateDir(link + "/"), StatusIs(absl::StatusCode::kFailedPrecondition,
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
  ASSERT_THAT(journal.Add({"web", 1, 2}), IsOk());
  EXPECT_THAT(OpenListenerJournal("httpok", dir, "unix:///s.sock", "g", "p", &problem).pending(),
              ElementsAre(PendingRestart{"web", 1, 2}));

  // A file that cannot be read as a journal is moved aside; a new one begins.
  ASSERT_THAT(svl::testing::WriteFile(journal.path(), "garbage\n"), IsOk());
  journal = OpenListenerJournal("httpok", dir, "unix:///s.sock", "g", "p", &problem);
  EXPECT_EQ(problem, absl::StrCat("restart journal ", journal.path(), ": bad line 'garbage'; moved to ",
                                  journal.path(), ".bad"));
  EXPECT_TRUE(journal.empty());
  EXPECT_THAT(svl::testing::ReadFile(journal.path() + ".bad"), IsOkAndHolds(std::string("garbage\n")));

  journal = OpenListenerJournal("httpok", "/proc/no-such-dir", "u", "g", "p", &problem);
  EXPECT_EQ(journal.path(), "");
  EXPECT_THAT(problem, ::testing::StartsWith("cannot create state directory /proc/no-such-dir"));
  EXPECT_THAT(problem, ::testing::EndsWith(
                           ": restarts cut short by a restart of httpok will not be finished"));
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
