#include "procfs/process_memory.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/supervisord.h"

namespace svl {
namespace procfs {
namespace {

using ::svl::testing::IsOkAndHolds;
using ::svl::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::Ge;
using ::testing::IsEmpty;
using ::testing::Le;

constexpr std::int64_t kMiB = 1024 * 1024;

// Real texts from a Linux 6.18 machine (/proc/self of `cat`).
constexpr absl::string_view kRealStat =
    "12703 (cat) R 12696 12696 11830 0 -1 4194304 100 0 0 0 0 0 0 0 20 0 1 0 2195536 "
    "3133440 412 18446744073709551615 94882758668288 94882758688169 140735638306176 0 0 0 0 "
    "0 0 0 0 0 17 1 0 0 0 0 0 94882758704176 94882758705792 94883128258560 140735638309305 "
    "140735638309325 140735638309325 140735638310891 0\n";

constexpr absl::string_view kRealStatus =
    "Name:\tcat\n"
    "Umask:\t0022\n"
    "State:\tR (running)\n"
    "Tgid:\t12704\n"
    "Ngid:\t0\n"
    "Pid:\t12704\n"
    "PPid:\t12696\n"
    "TracerPid:\t0\n"
    "Uid:\t0\t0\t0\t0\n"
    "Gid:\t0\t0\t0\t0\n"
    "FDSize:\t256\n"
    "Groups:\t \n"
    "Kthread:\t0\n"
    "VmPeak:\t    3060 kB\n"
    "VmSize:\t    3060 kB\n"
    "VmLck:\t       0 kB\n"
    "VmPin:\t       0 kB\n"
    "VmHWM:\t    1760 kB\n"
    "VmRSS:\t    1760 kB\n"
    "RssAnon:\t     112 kB\n"
    "RssFile:\t    1648 kB\n"
    "RssShmem:\t       0 kB\n"
    "VmData:\t     360 kB\n"
    "VmSwap:\t       0 kB\n"
    "Threads:\t1\n"
    "SigQ:\t0/96365\n"
    "Cpus_allowed_list:\t0-1\n"
    "voluntary_ctxt_switches:\t0\n"
    "nonvoluntary_ctxt_switches:\t0\n";

// A zombie's status: no Vm* lines at all.
constexpr absl::string_view kZombieStatus =
    "Name:\tsleep\n"
    "State:\tZ (zombie)\n"
    "Tgid:\t4100\n"
    "Pid:\t4100\n"
    "PPid:\t4000\n"
    "Threads:\t1\n";

constexpr absl::string_view kRealSmapsRollup =
    "55666ee0d000-7ffe0eecc000 ---p 00000000 00:00 0                          [rollup]\n"
    "Rss:                1772 kB\n"
    "Pss:                 529 kB\n"
    "Pss_Dirty:           116 kB\n"
    "Pss_Anon:            116 kB\n"
    "Pss_File:            413 kB\n"
    "Pss_Shmem:             0 kB\n"
    "Shared_Clean:       1604 kB\n"
    "Shared_Dirty:          0 kB\n"
    "Private_Clean:        52 kB\n"
    "Private_Dirty:       116 kB\n"
    "Referenced:         1772 kB\n"
    "Anonymous:           116 kB\n"
    "KSM:                   0 kB\n"
    "LazyFree:              0 kB\n"
    "AnonHugePages:         0 kB\n"
    "ShmemPmdMapped:        0 kB\n"
    "FilePmdMapped:         0 kB\n"
    "Shared_Hugetlb:        0 kB\n"
    "Private_Hugetlb:       0 kB\n"
    "Swap:                  0 kB\n"
    "SwapPss:               0 kB\n"
    "Locked:                0 kB\n";

constexpr absl::string_view kRollupHeader =
    "55d0a1b2c000-7ffd1c3d4000 ---p 00000000 00:00 0                          [rollup]\n";

// A smaps_rollup text with these figures (in kB).
std::string SmapsRollupText(int rss, int pss, int private_clean, int private_dirty) {
  return absl::StrCat(kRollupHeader, "Rss:    ", rss, " kB\nPss:    ", pss,
                      " kB\nPss_Dirty:  1 kB\nShared_Clean:  7 kB\nPrivate_Clean:  ", private_clean,
                      " kB\nPrivate_Dirty:  ", private_dirty, " kB\nSwap:  0 kB\n");
}

// A stat text for `pid` whose parent is `ppid`.
std::string StatText(std::int64_t pid, std::int64_t ppid) {
  return absl::StrCat(pid, " (python3) S ", ppid, " ", pid, " ", pid,
                      " 0 -1 4194560 1105 0 0 0 3 1 0 0 20 0 1 0 2195000 19873792 2355\n");
}

// --- MemoryMeasure ---

TEST(ParseMemoryMeasureTest, ReadsTheThreeNames) {
  EXPECT_THAT(ParseMemoryMeasure("rss"), IsOkAndHolds(MemoryMeasure::kRss));
  EXPECT_THAT(ParseMemoryMeasure("pss"), IsOkAndHolds(MemoryMeasure::kPss));
  EXPECT_THAT(ParseMemoryMeasure("uss"), IsOkAndHolds(MemoryMeasure::kUss));
}

TEST(ParseMemoryMeasureTest, RejectsAnythingElse) {
  EXPECT_THAT(ParseMemoryMeasure("RSS"),
              StatusIs(absl::StatusCode::kInvalidArgument, "'RSS' is not one of rss, pss, uss"));
  EXPECT_THAT(ParseMemoryMeasure(""),
              StatusIs(absl::StatusCode::kInvalidArgument, "'' is not one of rss, pss, uss"));
  EXPECT_THAT(ParseMemoryMeasure("rss "),
              StatusIs(absl::StatusCode::kInvalidArgument, "'rss ' is not one of rss, pss, uss"));
}

TEST(MemoryMeasureNameTest, NamesEachMeasure) {
  EXPECT_EQ(MemoryMeasureName(MemoryMeasure::kRss), "rss");
  EXPECT_EQ(MemoryMeasureName(MemoryMeasure::kPss), "pss");
  EXPECT_EQ(MemoryMeasureName(MemoryMeasure::kUss), "uss");
}

// --- ParseStat ---

TEST(ParseStatTest, ReadsARealStatLine) {
  EXPECT_THAT(ParseStat(kRealStat), IsOkAndHolds(AllOf(Field(&StatFields::pid, 12703),
                                                       Field(&StatFields::ppid, 12696))));
}

TEST(ParseStatTest, TheCommEndsAtTheLastParenthesis) {
  EXPECT_THAT(ParseStat("4242 ((a) b (c))) S 77 4242 4242 0 -1 4194560\n"),
              IsOkAndHolds(AllOf(Field(&StatFields::pid, 4242), Field(&StatFields::ppid, 77))));
  EXPECT_THAT(ParseStat("4243 (x) S 1 (y) R 99) S 78 1 1\n"),
              IsOkAndHolds(AllOf(Field(&StatFields::pid, 4243), Field(&StatFields::ppid, 78))));
  EXPECT_THAT(ParseStat("4244 (two\nlines ) S 79 1 1"),
              IsOkAndHolds(AllOf(Field(&StatFields::pid, 4244), Field(&StatFields::ppid, 79))));
  EXPECT_THAT(ParseStat("4245 () S 0"),
              IsOkAndHolds(AllOf(Field(&StatFields::pid, 4245), Field(&StatFields::ppid, 0))));
}

TEST(ParseStatTest, RejectsMalformedLines) {
  EXPECT_THAT(ParseStat(""), StatusIs(absl::StatusCode::kInvalidArgument,
                                      "stat: no 'pid (comm)' at the start"));
  EXPECT_THAT(ParseStat("12 cat S 1"), StatusIs(absl::StatusCode::kInvalidArgument,
                                                "stat: no 'pid (comm)' at the start"));
  EXPECT_THAT(ParseStat("12 ) (cat S 1"), StatusIs(absl::StatusCode::kInvalidArgument,
                                                   "stat: no 'pid (comm)' at the start"));
  EXPECT_THAT(ParseStat("x12 (cat) S 1"),
              StatusIs(absl::StatusCode::kInvalidArgument, "stat: pid 'x12' is not a process id"));
  EXPECT_THAT(ParseStat(" (cat) S 1"),
              StatusIs(absl::StatusCode::kInvalidArgument, "stat: pid '' is not a process id"));
  EXPECT_THAT(ParseStat("-12 (cat) S 1"),
              StatusIs(absl::StatusCode::kInvalidArgument, "stat: pid '-12' is not a process id"));
  EXPECT_THAT(ParseStat("99999999999999999999 (cat) S 1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "stat: pid '99999999999999999999' is not a process id"));
  EXPECT_THAT(ParseStat("12 (cat) S"),
              StatusIs(absl::StatusCode::kInvalidArgument, "stat: no ppid after the comm"));
  EXPECT_THAT(ParseStat("12 (cat)"),
              StatusIs(absl::StatusCode::kInvalidArgument, "stat: no ppid after the comm"));
  EXPECT_THAT(ParseStat("12 (cat) S -1 2"),
              StatusIs(absl::StatusCode::kInvalidArgument, "stat: ppid '-1' is not a process id"));
  EXPECT_THAT(ParseStat("12 (cat) S +1 2"),
              StatusIs(absl::StatusCode::kInvalidArgument, "stat: ppid '+1' is not a process id"));
}

// --- ParseStatusRss ---

TEST(ParseStatusRssTest, ReadsARealStatus) {
  EXPECT_THAT(ParseStatusRss(kRealStatus), IsOkAndHolds(1760 * 1024));
}

TEST(ParseStatusRssTest, ReadsTabsAndSpaces) {
  EXPECT_THAT(ParseStatusRss("VmRSS:\t   2211 kB\n"), IsOkAndHolds(2264064));
  EXPECT_THAT(ParseStatusRss("Name:\tx\nVmRSS: 2212 kB"), IsOkAndHolds(2265088));
  EXPECT_THAT(ParseStatusRss("VmRSS:\t0\tkB \n"), IsOkAndHolds(0));
  EXPECT_THAT(ParseStatusRss("VmRSS: 9007199254740991 kB\n"),
              IsOkAndHolds(INT64_C(9007199254740991) * 1024));
}

TEST(ParseStatusRssTest, NoVmRssLineIsNotFound) {
  EXPECT_THAT(ParseStatusRss(kZombieStatus),
              StatusIs(absl::StatusCode::kNotFound, "no VmRSS line"));
  EXPECT_THAT(ParseStatusRss(""), StatusIs(absl::StatusCode::kNotFound, "no VmRSS line"));
  EXPECT_THAT(ParseStatusRss("VmHWM:\t 5 kB\n RssAnon: 1 kB\n"),
              StatusIs(absl::StatusCode::kNotFound, "no VmRSS line"));
}

TEST(ParseStatusRssTest, RejectsMalformedValues) {
  EXPECT_THAT(ParseStatusRss("VmRSS:\t 2211\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, "VmRSS: '2211' is not 'N kB'"));
  EXPECT_THAT(ParseStatusRss("VmRSS:\t 2211 MB\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, "VmRSS: '2211 MB' is not 'N kB'"));
  EXPECT_THAT(ParseStatusRss("VmRSS:\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, "VmRSS: '' is not 'N kB'"));
  EXPECT_THAT(ParseStatusRss("VmRSS: 1 kB 2\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, "VmRSS: '1 kB 2' is not 'N kB'"));
  EXPECT_THAT(ParseStatusRss("VmRSS: -5 kB\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "VmRSS: '-5' is not a non-negative whole number"));
  EXPECT_THAT(ParseStatusRss("VmRSS: +5 kB\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "VmRSS: '+5' is not a non-negative whole number"));
  EXPECT_THAT(ParseStatusRss("VmRSS: 12a kB\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "VmRSS: '12a' is not a non-negative whole number"));
  EXPECT_THAT(ParseStatusRss("VmRSS: 1.5 kB\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "VmRSS: '1.5' is not a non-negative whole number"));
}

TEST(ParseStatusRssTest, RejectsOverflow) {
  // Too big for int64 as kB, and too big once in bytes (2^53 kB is 2^63 bytes).
  EXPECT_THAT(ParseStatusRss("VmRSS: 9223372036854775808 kB\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "VmRSS: 9223372036854775808 kB overflows"));
  EXPECT_THAT(ParseStatusRss("VmRSS: 9007199254740992 kB\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, "VmRSS: 9007199254740992 kB overflows"));
}

// --- ParseSmapsRollup ---

TEST(ParseSmapsRollupTest, ReadsARealRollup) {
  EXPECT_THAT(ParseSmapsRollup(kRealSmapsRollup),
              IsOkAndHolds(AllOf(Field(&SmapsRollup::rss, 1772 * 1024),
                                 Field(&SmapsRollup::pss, 529 * 1024),
                                 Field(&SmapsRollup::private_clean, 52 * 1024),
                                 Field(&SmapsRollup::private_dirty, 116 * 1024))));
}

TEST(ParseSmapsRollupTest, RssIsOptional) {
  EXPECT_THAT(
      ParseSmapsRollup(absl::StrCat(kRollupHeader,
                                    "Pss: 3 kB\nPrivate_Clean:\t1 kB\nPrivate_Dirty:\t2 kB\n")),
      IsOkAndHolds(AllOf(Field(&SmapsRollup::rss, 0), Field(&SmapsRollup::pss, 3072),
                         Field(&SmapsRollup::private_clean, 1024),
                         Field(&SmapsRollup::private_dirty, 2048))));
}

TEST(ParseSmapsRollupTest, AnEmptyRollupIsNotFound) {
  EXPECT_THAT(ParseSmapsRollup(""), StatusIs(absl::StatusCode::kNotFound,
                                             "no Pss, Private_Clean or Private_Dirty line"));
  EXPECT_THAT(ParseSmapsRollup(kRollupHeader),
              StatusIs(absl::StatusCode::kNotFound, "no Pss, Private_Clean or Private_Dirty line"));
}

TEST(ParseSmapsRollupTest, RejectsAMissingRequiredLine) {
  EXPECT_THAT(ParseSmapsRollup(absl::StrCat(kRollupHeader, "Pss: 3 kB\nPrivate_Clean: 1 kB\n")),
              StatusIs(absl::StatusCode::kInvalidArgument, "no Private_Dirty line"));
  EXPECT_THAT(ParseSmapsRollup("Rss: 3 kB\nPrivate_Clean: 1 kB\nPrivate_Dirty: 1 kB\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, "no Pss line"));
}

TEST(ParseSmapsRollupTest, RejectsMalformedLines) {
  EXPECT_THAT(ParseSmapsRollup(absl::StrCat(kRollupHeader, "Pss: 3\nPrivate_Clean: 1 kB\n")),
              StatusIs(absl::StatusCode::kInvalidArgument, "Pss: '3' is not 'N kB'"));
  EXPECT_THAT(ParseSmapsRollup("Rss: x kB\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "Rss: 'x' is not a non-negative whole number"));
  EXPECT_THAT(ParseSmapsRollup("Private_Dirty: -1 kB\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "Private_Dirty: '-1' is not a non-negative whole number"));
  EXPECT_THAT(ParseSmapsRollup("Pss: 1 kB\nPss: 2 kB\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, "Pss appears twice"));
}

TEST(ParseSmapsRollupTest, RejectsOverflow) {
  EXPECT_THAT(ParseSmapsRollup("Pss: 99999999999999999999 kB\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "Pss: 99999999999999999999 kB overflows"));
  // Each fits; their sum, the uss, does not.
  EXPECT_THAT(ParseSmapsRollup("Pss: 1 kB\nPrivate_Clean: 9007199254740991 kB\n"
                               "Private_Dirty: 1 kB\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "Private_Clean + Private_Dirty overflows"));
}

// --- ProcReader and ProcessTree over a fake /proc ---

// A fresh fake /proc root: PID/status, PID/stat and PID/smaps_rollup files.
class FakeProcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> dir = svl::testing::MakeTestDir("procfs");
    ASSERT_TRUE(dir.ok()) << dir.status();
    root_ = *dir;
  }

  // An empty directory for `pid`: a process that has gone between readdir
  // and open looks like this, or like nothing.
  void AddProcessDir(std::int64_t pid) {
    const std::string dir = absl::StrCat(root_, "/", pid);
    ASSERT_TRUE(mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST) << dir;
  }

  void WriteProcFile(std::int64_t pid, absl::string_view name, absl::string_view text) {
    AddProcessDir(pid);
    const absl::Status written =
        svl::testing::WriteFile(absl::StrCat(root_, "/", pid, "/", name), text);
    ASSERT_TRUE(written.ok()) << written;
  }

  // A process as upstream's memmon tests lay them out: parent and rss.
  void AddProcess(std::int64_t pid, std::int64_t ppid, int rss_kib) {
    WriteProcFile(pid, "stat", StatText(pid, ppid));
    WriteProcFile(pid, "status", absl::StrCat("Name:\tpython3\nVmRSS:\t", rss_kib, " kB\n"));
  }

  std::string root_;
};

TEST_F(FakeProcTest, RssIsVmRssInBytes) {
  WriteProcFile(11, "status", "VmRSS: 2211 kB\n");
  WriteProcFile(12, "status", "VmRSS: 2212 kB\n");
  const ProcReader proc(root_);
  EXPECT_THAT(proc.MemoryOf(11, MemoryMeasure::kRss), IsOkAndHolds(2264064));
  EXPECT_THAT(proc.MemoryOf(12, MemoryMeasure::kRss), IsOkAndHolds(2265088));
}

TEST_F(FakeProcTest, PssAndUssComeFromSmapsRollup) {
  WriteProcFile(11, "smaps_rollup", SmapsRollupText(1000, 400, 30, 70));
  WriteProcFile(12, "smaps_rollup", kRealSmapsRollup);
  const ProcReader proc(root_);
  EXPECT_THAT(proc.MemoryOf(11, MemoryMeasure::kPss), IsOkAndHolds(400 * 1024));
  EXPECT_THAT(proc.MemoryOf(11, MemoryMeasure::kUss), IsOkAndHolds(100 * 1024));
  EXPECT_THAT(proc.MemoryOf(12, MemoryMeasure::kPss), IsOkAndHolds(529 * 1024));
  EXPECT_THAT(proc.MemoryOf(12, MemoryMeasure::kUss), IsOkAndHolds((52 + 116) * 1024));
}

TEST_F(FakeProcTest, AVanishedProcessIsNotFound) {
  AddProcessDir(13);
  const ProcReader proc(root_);
  EXPECT_THAT(proc.MemoryOf(13, MemoryMeasure::kRss),
              StatusIs(absl::StatusCode::kNotFound,
                       absl::StrCat("open ", root_, "/13/status: No such file or directory")));
  EXPECT_THAT(
      proc.MemoryOf(13, MemoryMeasure::kPss),
      StatusIs(absl::StatusCode::kNotFound,
               absl::StrCat("open ", root_, "/13/smaps_rollup: No such file or directory")));
  EXPECT_THAT(proc.MemoryOf(13, MemoryMeasure::kUss), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(proc.MemoryOf(14, MemoryMeasure::kRss), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(FakeProcTest, AZombieIsNotFound) {
  WriteProcFile(15, "status", kZombieStatus);
  WriteProcFile(15, "smaps_rollup", "");
  const ProcReader proc(root_);
  EXPECT_THAT(proc.MemoryOf(15, MemoryMeasure::kRss),
              StatusIs(absl::StatusCode::kNotFound,
                       absl::StrCat(root_, "/15/status: no VmRSS line")));
  EXPECT_THAT(proc.MemoryOf(15, MemoryMeasure::kPss),
              StatusIs(absl::StatusCode::kNotFound,
                       absl::StrCat(root_, "/15/smaps_rollup: no Pss, Private_Clean or "
                                           "Private_Dirty line")));
}

TEST_F(FakeProcTest, AMalformedFileIsNamed) {
  WriteProcFile(16, "status", "VmRSS: -5 kB\n");
  WriteProcFile(16, "smaps_rollup", "Pss: 1 kB\n");
  const ProcReader proc(root_);
  EXPECT_THAT(proc.MemoryOf(16, MemoryMeasure::kRss),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat(root_,
                                    "/16/status: VmRSS: '-5' is not a non-negative whole number")));
  EXPECT_THAT(proc.MemoryOf(16, MemoryMeasure::kUss),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat(root_, "/16/smaps_rollup: no Private_Clean line")));
}

TEST_F(FakeProcTest, WhatIsNotARegularFileIsNamedAndNeverWaitedOn) {
  AddProcessDir(17);
  ASSERT_EQ(mkdir(absl::StrCat(root_, "/17/status").c_str(), 0755), 0);
  const ProcReader proc(root_);
  EXPECT_THAT(proc.MemoryOf(17, MemoryMeasure::kRss),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       absl::StrCat(root_, "/17/status is not a regular file")));
  // A FIFO with no writer: reading it would block for ever.
  AddProcessDir(19);
  ASSERT_EQ(mkfifo(absl::StrCat(root_, "/19/status").c_str(), 0644), 0);
  ASSERT_EQ(mkfifo(absl::StrCat(root_, "/19/stat").c_str(), 0644), 0);
  EXPECT_THAT(proc.MemoryOf(19, MemoryMeasure::kRss),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       absl::StrCat(root_, "/19/status is not a regular file")));
  absl::StatusOr<ProcessTree> tree = ProcessTree::Scan(proc);  // skips it
  ASSERT_TRUE(tree.ok()) << tree.status();
  EXPECT_TRUE(tree->SelfAndDescendants(19).empty());
}

TEST_F(FakeProcTest, AnUnreadableFileIsPermissionDenied) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode (see RealProcTest)";
  WriteProcFile(18, "smaps_rollup", kRealSmapsRollup);
  ASSERT_EQ(chmod(absl::StrCat(root_, "/18/smaps_rollup").c_str(), 0), 0);
  const ProcReader proc(root_);
  EXPECT_THAT(proc.MemoryOf(18, MemoryMeasure::kPss),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       absl::StrCat("open ", root_, "/18/smaps_rollup: Permission denied")));
}

TEST_F(FakeProcTest, ATreeIsAProcessAndItsDescendantsBreadthFirst) {
  // Upstream memmon's cumulative test: pid ppid rssKiB.
  AddProcess(11111, 22222, 333);
  AddProcess(1, 99, 100);
  AddProcess(2, 1, 200);
  AddProcess(3, 2, 300);
  AddProcess(4, 2, 400);
  const ProcReader proc(root_);
  const absl::StatusOr<ProcessTree> tree = ProcessTree::Scan(proc);
  ASSERT_TRUE(tree.ok()) << tree.status();
  EXPECT_EQ(tree->size(), 5);
  const std::vector<std::int64_t> family = tree->SelfAndDescendants(1);
  EXPECT_THAT(family, ElementsAre(1, 2, 3, 4));
  std::int64_t total = 0;
  for (std::int64_t pid : family) {
    const absl::StatusOr<std::int64_t> rss = proc.MemoryOf(pid, MemoryMeasure::kRss);
    ASSERT_TRUE(rss.ok()) << rss.status();
    total += *rss;
  }
  EXPECT_EQ(total, 1024000);
  EXPECT_THAT(tree->SelfAndDescendants(2), ElementsAre(2, 3, 4));
  EXPECT_THAT(tree->SelfAndDescendants(11111), ElementsAre(11111));
  // 99 and 22222 are only named as parents: not in the snapshot.
  EXPECT_THAT(tree->SelfAndDescendants(99), IsEmpty());
  EXPECT_THAT(tree->SelfAndDescendants(22222), IsEmpty());
}

TEST_F(FakeProcTest, ACycleIsWalkedOnce) {
  AddProcess(5, 6, 1);
  AddProcess(6, 5, 1);
  AddProcess(7, 7, 1);
  AddProcess(8, 6, 1);
  const absl::StatusOr<ProcessTree> tree = ProcessTree::Scan(ProcReader(root_));
  ASSERT_TRUE(tree.ok()) << tree.status();
  EXPECT_THAT(tree->SelfAndDescendants(5), ElementsAre(5, 6, 8));
  EXPECT_THAT(tree->SelfAndDescendants(6), ElementsAre(6, 5, 8));
  EXPECT_THAT(tree->SelfAndDescendants(7), ElementsAre(7));
}

TEST_F(FakeProcTest, ScanSkipsWhatIsNotAReadableProcess) {
  AddProcess(30, 1, 1);
  AddProcess(31, 30, 1);
  AddProcessDir(32);                          // vanished
  WriteProcFile(33, "stat", "33 garbage");    // does not parse
  WriteProcFile(34, "stat", StatText(35, 30));  // not its own stat
  WriteProcFile(36, "stat", "");              // emptied as it exited
  ASSERT_EQ(mkdir(absl::StrCat(root_, "/self").c_str(), 0755), 0);
  ASSERT_TRUE(svl::testing::WriteFile(absl::StrCat(root_, "/meminfo"), "MemTotal: 1 kB\n").ok());
  const absl::StatusOr<ProcessTree> tree = ProcessTree::Scan(ProcReader(root_));
  ASSERT_TRUE(tree.ok()) << tree.status();
  EXPECT_EQ(tree->size(), 2);
  EXPECT_THAT(tree->SelfAndDescendants(30), ElementsAre(30, 31));
  EXPECT_THAT(tree->SelfAndDescendants(34), IsEmpty());
  EXPECT_THAT(tree->SelfAndDescendants(35), IsEmpty());
}

TEST_F(FakeProcTest, ScanFailsOnlyWhenTheRootCannotBeListed) {
  EXPECT_THAT(ProcessTree::Scan(ProcReader(root_ + "/missing")),
              StatusIs(absl::StatusCode::kNotFound,
                       absl::StrCat("opendir ", root_, "/missing: No such file or directory")));
  const absl::StatusOr<ProcessTree> empty = ProcessTree::Scan(ProcReader(root_));
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->size(), 0);
}

// --- The real /proc ---

// A forked child that touches `bytes` of anonymous memory, says so through a
// pipe, then idles on a read of another pipe until it is destroyed.
class IdleChild {
 public:
  explicit IdleChild(std::size_t bytes) {
    int ready[2];
    int release[2];
    if (pipe2(ready, O_CLOEXEC) != 0 || pipe2(release, O_CLOEXEC) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      close(ready[0]);
      close(release[1]);
      if (bytes > 0) {
        void* memory =
            mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (memory == MAP_FAILED) _exit(1);
        std::memset(memory, 0x5a, bytes);
      }
      char byte = 'r';
      if (write(ready[1], &byte, 1) != 1) _exit(1);
      while (read(release[0], &byte, 1) < 0 && errno == EINTR) {
      }
      _exit(0);
    }
    close(ready[1]);
    close(release[0]);
    release_fd_ = release[1];
    char byte = 0;
    ssize_t n;
    while ((n = read(ready[0], &byte, 1)) < 0 && errno == EINTR) {
    }
    close(ready[0]);
    ready_ = n == 1;
  }

  IdleChild(const IdleChild&) = delete;
  IdleChild& operator=(const IdleChild&) = delete;

  ~IdleChild() { Reap(); }

  // Reap() lets the child exit and waits for it.
  void Reap() {
    if (release_fd_ >= 0) close(release_fd_);
    release_fd_ = -1;
    if (pid_ > 0) waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  pid_t pid() const { return pid_; }
  bool ready() const { return ready_; }

 private:
  pid_t pid_ = -1;
  int release_fd_ = -1;
  bool ready_ = false;
};

// What `read` returns when run in a child process that has given up root
// for nobody's uid and gid (65534), as absl::Status::ToString(); nullopt when
// the child cannot switch users.
absl::optional<std::string> StatusAsNobody(const std::function<absl::Status()>& read) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return absl::nullopt;
  const pid_t pid = fork();
  if (pid == 0) {
    close(out[0]);
    if (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0) _exit(2);
    const std::string text = read().ToString();
    _exit(write(out[1], text.data(), text.size()) == static_cast<ssize_t>(text.size()) ? 0 : 1);
  }
  close(out[1]);
  std::string text;
  char buffer[256];
  ssize_t n;
  while ((n = ::read(out[0], buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) text.append(buffer, static_cast<std::size_t>(n));
  }
  close(out[0]);
  int wait_status = 0;
  if (pid < 0 || waitpid(pid, &wait_status, 0) != pid) return absl::nullopt;
  if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) return absl::nullopt;
  return text;
}

TEST(RealProcTest, AnotherUsersSmapsRollupIsPermissionDenied) {
  if (geteuid() != 0) GTEST_SKIP() << "only root can become another user";
  const pid_t root_process = getpid();
  const absl::optional<std::string> pss = StatusAsNobody(
      [&] { return ProcReader().MemoryOf(root_process, MemoryMeasure::kPss).status(); });
  if (!pss.has_value()) GTEST_SKIP() << "cannot switch to uid 65534 here";
  EXPECT_EQ(*pss, absl::StrCat("PERMISSION_DENIED: open /proc/", root_process,
                               "/smaps_rollup: Permission denied"));
  // status is world-readable: rss works for any process.
  EXPECT_EQ(StatusAsNobody(
                [&] { return ProcReader().MemoryOf(root_process, MemoryMeasure::kRss).status(); }),
            "OK");
}

TEST(RealProcTest, ChildTouching64MiBIsSeen) {
  IdleChild child(64 * kMiB);
  ASSERT_TRUE(child.ready());
  const ProcReader proc;
  const absl::StatusOr<std::int64_t> rss = proc.MemoryOf(child.pid(), MemoryMeasure::kRss);
  ASSERT_TRUE(rss.ok()) << rss.status();
  EXPECT_GE(*rss, 64 * kMiB);
  EXPECT_THAT(proc.MemoryOf(child.pid(), MemoryMeasure::kUss), IsOkAndHolds(Ge(64 * kMiB)));
  EXPECT_THAT(proc.MemoryOf(child.pid(), MemoryMeasure::kPss), IsOkAndHolds(Le(*rss)));
}

TEST(RealProcTest, RssIsWhatPsPrints) {
  IdleChild child(0);
  ASSERT_TRUE(child.ready());
  const std::string command = absl::StrCat("ps -o rss= -p ", child.pid());
  FILE* ps = popen(command.c_str(), "r");
  ASSERT_NE(ps, nullptr) << command;
  std::string output;
  char buffer[256];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, ps)) > 0) output.append(buffer, n);
  ASSERT_EQ(pclose(ps), 0) << command << " printed " << output;
  std::int64_t ps_kib = 0;
  ASSERT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(output), &ps_kib)) << output;
  EXPECT_THAT(ProcReader().MemoryOf(child.pid(), MemoryMeasure::kRss),
              IsOkAndHolds(ps_kib * 1024));
}

TEST(RealProcTest, AReapedChildIsNotFound) {
  IdleChild child(0);
  ASSERT_TRUE(child.ready());
  const pid_t pid = child.pid();
  child.Reap();
  const ProcReader proc;
  for (MemoryMeasure measure : {MemoryMeasure::kRss, MemoryMeasure::kPss, MemoryMeasure::kUss}) {
    EXPECT_THAT(proc.MemoryOf(pid, measure), StatusIs(absl::StatusCode::kNotFound))
        << MemoryMeasureName(measure);
  }
}

TEST(RealProcTest, AZombieIsNotFound) {
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) _exit(0);
  // Waits until it is a zombie, without reaping it.
  siginfo_t info;
  ASSERT_EQ(waitid(P_PID, pid, &info, WEXITED | WNOWAIT), 0);
  const ProcReader proc;
  EXPECT_THAT(proc.MemoryOf(pid, MemoryMeasure::kRss),
              StatusIs(absl::StatusCode::kNotFound,
                       absl::StrCat("/proc/", pid, "/status: no VmRSS line")));
  EXPECT_THAT(proc.MemoryOf(pid, MemoryMeasure::kPss), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(proc.MemoryOf(pid, MemoryMeasure::kUss), StatusIs(absl::StatusCode::kNotFound));
  ASSERT_EQ(waitpid(pid, nullptr, 0), pid);
}

TEST(RealProcTest, ScanFindsThisProcessAndItsChild) {
  IdleChild child(0);
  ASSERT_TRUE(child.ready());
  const absl::StatusOr<ProcessTree> tree = ProcessTree::Scan(ProcReader());
  ASSERT_TRUE(tree.ok()) << tree.status();
  EXPECT_GT(tree->size(), 2);
  EXPECT_THAT(tree->SelfAndDescendants(getpid()), ::testing::Contains(child.pid()));
  EXPECT_THAT(tree->SelfAndDescendants(child.pid()), ElementsAre(child.pid()));
}

}  // namespace
}  // namespace procfs
}  // namespace svl
