// Every test of superlance/tests/test_memmon.py, run black-box against the
// real memmon binary: upstream's dummy supervisord as a real XML-RPC server
// on loopback (FakeSupervisor: same processes, same order, uptime 100, same
// faults; the RPC calls it records are compared), the memory figures of a
// fake /proc laid out in the test's own directory (MEMMON_PROC_ROOT: pid 11
// has VmRSS 2211 kB = 2264064 bytes, pid 12 2212 kB = 2265088 bytes, as
// upstream's `echo 22<pid>` ps stand-in), a sendmail stand-in that keeps
// each mail in its own file, and stdin = one event then EOF. Upstream's
// common options are `-m chrism@plope.com -u 2000 -s <capture>`.
//
// Deliberate differences from upstream, asserted by the tests:
//   - sizes must be > 0: upstream's `-p foo=0` is `-p foo=1` here;
//   - processes not RUNNING (bar FATAL, baz_01 STOPPED) get their RSS line,
//     then `<ns> not in RUNNING state, NOT restarting`, and are not
//     restarted (upstream restarted them only because its fixture gave them
//     pids); the cases that upstream needs three restarts for also run on a
//     fixture where all three are RUNNING (*_AllRunning), with upstream's
//     lines and mails;
//   - command-line errors go to stderr as `memmon: <text>\n` plus the usage,
//     exit 255 (upstream wrote them to stdout, which is supervisord's);
//   - no getProcessInfo before a restart: the RPCs are getAllProcessInfo,
//     stopProcess, startProcess;
//   - each mail sent writes `Mailed <subject> to <address>` on stderr, from
//     the mail thread: those lines are taken out of stderr and compared on
//     their own;
//   - after the event and EOF stdout is READY\nRESULT 2\nOKREADY\n, exit 0.
// Then one test per upstream bug fixed (Fixed*), and the tests upstream
// asserted a bug in say so in their names.

#include <sys/stat.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_supervisor.h"
#include "tests/testing/listener_runner.h"
#include "tests/testing/supervisord.h"

namespace svl {
namespace testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

// The binary under test, by its runfiles path.
constexpr char kMemmon[] = "memmon/memmon";
constexpr char kTick[] = "eventname:TICK len:0\n";
constexpr char kStdout[] = "READY\nRESULT 2\nOKREADY\n";
constexpr char kEmail[] = "chrism@plope.com";
constexpr int kRunning = 20;

// The restart mail's last line, with its date (C asctime) in UTC.
std::string RestartBodyRegex(const std::string& namespec, std::int64_t rss) {
  return absl::StrCat("memmon\\.py restarted the process named ", namespec,
                      " at [A-Z][a-z]{2} [A-Z][a-z]{2} [ 1-3][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} "
                      "[0-9]{4} UTC because it was consuming too much memory \\(",
                      rss, " bytes RSS\\)");
}

// upstream's fixture (dummy.py): foo RUNNING pid 11, bar FATAL pid 12,
// baz:baz_01 STOPPED pid 12; each started 100 s before supervisord's now.
std::vector<FakeProcess> MemmonFixture() {
  std::vector<FakeProcess> processes = UpstreamFixture();
  const std::int64_t now = absl::ToUnixSeconds(absl::Now());
  for (FakeProcess& p : processes) {
    p.start = now - 100;
    p.now = now;
  }
  return processes;
}

// The same three processes, all RUNNING: the fixture upstream's restarts of
// bar and baz_01 need.
std::vector<FakeProcess> AllRunningFixture() {
  std::vector<FakeProcess> processes = MemmonFixture();
  for (FakeProcess& p : processes) {
    p.state = kRunning;
    p.statename = "RUNNING";
    p.spawnerr = "";
  }
  return processes;
}

// One RUNNING process `group:name` with `pid`, up for 100 s.
std::vector<FakeProcess> OneProcess(const std::string& group, const std::string& name,
                                    std::int64_t pid) {
  const std::int64_t now = absl::ToUnixSeconds(absl::Now());
  FakeProcess p{name, group, pid, kRunning, "RUNNING", ""};
  p.start = now - 100;
  p.now = now;
  return {p};
}

// stderr without the `Mailed ...` lines (written by the mail thread at any
// point), and those lines apart.
struct SplitErr {
  std::string lines;
  std::vector<std::string> mailed;
};

SplitErr SplitMailed(const std::string& err) {
  SplitErr split;
  for (absl::string_view line : absl::StrSplit(err, '\n')) {
    if (absl::StartsWith(line, "Mailed ")) {
      split.mailed.emplace_back(line);
    } else if (!line.empty()) {
      absl::StrAppend(&split.lines, line, "\n");
    }
  }
  // A lone "\n" (the status block without rules) stays visible.
  if (split.lines.empty() && absl::StartsWith(err, "\n")) split.lines = "\n";
  return split;
}

std::string MailedLine(const std::string& subject) {
  return absl::StrCat("Mailed ", subject, " to ", kEmail);
}

class MemmonUpstreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> dir = MakeTestDir("memmon-upstream");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = *dir;
    proc_root_ = dir_ + "/proc";
    mail_dir_ = dir_ + "/mails";
    ASSERT_EQ(mkdir(proc_root_.c_str(), 0755), 0);
    ASSERT_EQ(mkdir(mail_dir_.c_str(), 0755), 0);
    // Each mail goes to the next free mail_dir_/mail.N (memmon sends one at
    // a time).
    sendmail_ = dir_ + "/sendmail.sh";
    ASSERT_TRUE(WriteFile(sendmail_,
                          "n=0\n"
                          "while [ -e \"$1/mail.$n\" ]; do n=$((n + 1)); done\n"
                          "cat > \"$1/mail.$n\"\n")
                    .ok());
    // upstream's ps stand-in `echo 22<pid>`, in /proc's words.
    AddProcess(11, 0, "VmRSS:\t 2211 kB");
    AddProcess(12, 0, "VmRSS: 2212 kB");
    StartSupervisor(MemmonFixture());
  }

  void StartSupervisor(std::vector<FakeProcess> processes) {
    absl::StatusOr<std::unique_ptr<FakeSupervisor>> sv =
        FakeSupervisor::Start(std::move(processes));
    ASSERT_TRUE(sv.ok()) << sv.status();
    sv_ = *std::move(sv);
  }

  // Lays out <proc>/<pid>/stat (`pid (comm) S ppid ...`) and
  // <proc>/<pid>/status with the line `vmrss`.
  void AddProcess(std::int64_t pid, std::int64_t ppid, const std::string& vmrss) {
    const std::string dir = absl::StrCat(proc_root_, "/", pid);
    mkdir(dir.c_str(), 0755);
    ASSERT_TRUE(WriteFile(dir + "/stat",
                          absl::StrCat(pid, " (prog ", pid, ") S ", ppid,
                                       " 1 1 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 100 1000000 "
                                       "500 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 "
                                       "0 0 0\n"))
                    .ok());
    ASSERT_TRUE(
        WriteFile(dir + "/status", absl::StrCat("Name:\tprog\nState:\tS (sleeping)\nPid:\t", pid,
                                                "\nPPid:\t", ppid, "\n", vmrss, "\nThreads:\t1\n"))
            .ok());
  }

  std::vector<std::pair<std::string, std::string>> Env() const {
    return {{"SUPERVISOR_SERVER_URL", sv_->url()}, {"MEMMON_PROC_ROOT", proc_root_}, {"TZ", "UTC"}};
  }

  // Runs memmon with the sendmail stand-in and `args`.
  RunResult Run(std::vector<std::string> args, const std::string& input = kTick,
                std::vector<std::pair<std::string, std::string>> env = {}) {
    std::vector<std::string> full = {"-s", absl::StrCat("/bin/sh ", sendmail_, " ", mail_dir_)};
    full.insert(full.end(), args.begin(), args.end());
    std::vector<std::pair<std::string, std::string>> all_env = Env();
    all_env.insert(all_env.end(), env.begin(), env.end());
    return RunRaw(full, all_env, input);
  }

  // Runs memmon with exactly `args` and `env`.
  static RunResult RunRaw(const std::vector<std::string>& args,
                          const std::vector<std::pair<std::string, std::string>>& env,
                          const std::string& input) {
    absl::StatusOr<RunResult> result = RunListener(kMemmon, args, env, input);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : RunResult{};
  }

  // upstream's common options plus `args`.
  RunResult RunWithMail(std::vector<std::string> args, const std::string& input = kTick,
                        std::vector<std::pair<std::string, std::string>> env = {}) {
    std::vector<std::string> full = {"-m", kEmail, "-u", "2000"};
    full.insert(full.end(), args.begin(), args.end());
    return Run(full, input, std::move(env));
  }

  // The mails sent, in order.
  std::vector<std::string> Mails() const {
    std::vector<std::string> mails;
    for (int n = 0;; ++n) {
      absl::StatusOr<std::string> mail = ReadFile(absl::StrCat(mail_dir_, "/mail.", n));
      if (!mail.ok()) return mails;
      mails.push_back(*mail);
    }
  }

  // The usage text, as -h prints it.
  std::string Usage() {
    RunResult r = RunRaw({"-h"}, {}, "");
    return r.out;
  }

  std::unique_ptr<FakeSupervisor> sv_;
  std::string dir_;
  std::string proc_root_;
  std::string mail_dir_;
  std::string sendmail_;
};

std::vector<std::string> Lines(const std::string& text) { return absl::StrSplit(text, '\n'); }

// ---- superlance/tests/test_memmon.py, in its order ----

// 1
TEST_F(MemmonUpstreamTest, RunforeverNotatick) {
  RunResult r =
      RunWithMail({"-p", "foo=1", "-p", "bar=1", "-p", "baz_01=1"}, "eventname:NOTATICK len:0\n");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, kStdout);
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(sv_->calls(), IsEmpty());
  EXPECT_THAT(Mails(), IsEmpty());
}

// 2: bar (FATAL) and baz_01 (STOPPED) are not restarted.
TEST_F(MemmonUpstreamTest, RunforeverTickPrograms_NotRunningAreNotRestarted) {
  RunResult r = RunWithMail({"-p", "foo=1", "-p", "bar=1", "-p", "baz_01=1"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, kStdout);
  const SplitErr err = SplitMailed(r.err);
  EXPECT_EQ(err.lines,
            "Checking programs bar=1, baz_01=1, foo=1\n"
            "RSS of foo:foo is 2264064\n"
            "Restarting foo:foo\n"
            "RSS of bar:bar is 2265088\n"
            "bar:bar not in RUNNING state, NOT restarting\n"
            "RSS of baz:baz_01 is 2265088\n"
            "baz:baz_01 not in RUNNING state, NOT restarting\n");
  EXPECT_THAT(err.mailed, ElementsAre(MailedLine("memmon: process foo:foo restarted")));
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()", "stopProcess('foo:foo')",
                                        "startProcess('foo:foo')"));
  const std::vector<std::string> mails = Mails();
  ASSERT_EQ(mails.size(), 1u);
  const std::vector<std::string> mail = Lines(mails[0]);
  ASSERT_EQ(mail.size(), 4u);
  EXPECT_EQ(mail[0], "To: chrism@plope.com");
  EXPECT_EQ(mail[1], "Subject: memmon: process foo:foo restarted");
  EXPECT_EQ(mail[2], "");
  EXPECT_THAT(mail[3], MatchesRegex(RestartBodyRegex("foo:foo", 2264064)));
}

TEST_F(MemmonUpstreamTest, RunforeverTickPrograms_AllRunning) {
  StartSupervisor(AllRunningFixture());
  RunResult r = RunWithMail({"-p", "foo=1", "-p", "bar=1", "-p", "baz_01=1"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, kStdout);
  const SplitErr err = SplitMailed(r.err);
  EXPECT_EQ(err.lines,
            "Checking programs bar=1, baz_01=1, foo=1\n"
            "RSS of foo:foo is 2264064\n"
            "Restarting foo:foo\n"
            "RSS of bar:bar is 2265088\n"
            "Restarting bar:bar\n"
            "RSS of baz:baz_01 is 2265088\n"
            "Restarting baz:baz_01\n");
  EXPECT_EQ(Lines(err.lines).size(), 8u);
  EXPECT_THAT(err.mailed, ElementsAre(MailedLine("memmon: process foo:foo restarted"),
                                      MailedLine("memmon: process bar:bar restarted"),
                                      MailedLine("memmon: process baz:baz_01 restarted")));
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()", "stopProcess('foo:foo')",
                                        "startProcess('foo:foo')", "stopProcess('bar:bar')",
                                        "startProcess('bar:bar')", "stopProcess('baz:baz_01')",
                                        "startProcess('baz:baz_01')"));
  const std::vector<std::string> mails = Mails();
  ASSERT_EQ(mails.size(), 3u);
  const std::vector<std::string> last = Lines(mails[2]);
  ASSERT_EQ(last.size(), 4u);
  EXPECT_EQ(last[0], "To: chrism@plope.com");
  EXPECT_EQ(last[1], "Subject: memmon: process baz:baz_01 restarted");
  EXPECT_EQ(last[2], "");
  EXPECT_THAT(last[3], StartsWith("memmon.py restarted"));
  EXPECT_THAT(last[3], MatchesRegex(RestartBodyRegex("baz:baz_01", 2265088)));
  EXPECT_THAT(Lines(mails[0])[3], MatchesRegex(RestartBodyRegex("foo:foo", 2264064)));
  EXPECT_THAT(Lines(mails[1])[3], MatchesRegex(RestartBodyRegex("bar:bar", 2265088)));
}

// 3
TEST_F(MemmonUpstreamTest, RunforeverTickGroups) {
  RunResult r = RunWithMail({"-g", "foo=1"});
  EXPECT_EQ(r.out, kStdout);
  const SplitErr err = SplitMailed(r.err);
  EXPECT_EQ(err.lines,
            "Checking groups foo=1\n"
            "RSS of foo:foo is 2264064\n"
            "Restarting foo:foo\n");
  EXPECT_THAT(err.mailed, ElementsAre(MailedLine("memmon: process foo:foo restarted")));
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()", "stopProcess('foo:foo')",
                                        "startProcess('foo:foo')"));
  const std::vector<std::string> mails = Mails();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(Lines(mails[0])[1], "Subject: memmon: process foo:foo restarted");
}

// 4
TEST_F(MemmonUpstreamTest, RunforeverTickAny_NotRunningAreNotRestarted) {
  RunResult r = RunWithMail({"-a", "1"});
  EXPECT_EQ(r.out, kStdout);
  const SplitErr err = SplitMailed(r.err);
  EXPECT_EQ(err.lines,
            "Checking any=1\n"
            "RSS of foo:foo is 2264064\n"
            "Restarting foo:foo\n"
            "RSS of bar:bar is 2265088\n"
            "bar:bar not in RUNNING state, NOT restarting\n"
            "RSS of baz:baz_01 is 2265088\n"
            "baz:baz_01 not in RUNNING state, NOT restarting\n");
  EXPECT_THAT(err.mailed, ElementsAre(MailedLine("memmon: process foo:foo restarted")));
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()", "stopProcess('foo:foo')",
                                        "startProcess('foo:foo')"));
  EXPECT_EQ(Mails().size(), 1u);
}

TEST_F(MemmonUpstreamTest, RunforeverTickAny_AllRunning) {
  StartSupervisor(AllRunningFixture());
  RunResult r = RunWithMail({"-a", "1"});
  EXPECT_EQ(r.out, kStdout);
  const SplitErr err = SplitMailed(r.err);
  EXPECT_EQ(err.lines,
            "Checking any=1\n"
            "RSS of foo:foo is 2264064\n"
            "Restarting foo:foo\n"
            "RSS of bar:bar is 2265088\n"
            "Restarting bar:bar\n"
            "RSS of baz:baz_01 is 2265088\n"
            "Restarting baz:baz_01\n");
  EXPECT_EQ(Lines(err.lines).size(), 8u);
  EXPECT_EQ(err.mailed.size(), 3u);
  const std::vector<std::string> mails = Mails();
  ASSERT_EQ(mails.size(), 3u);
  EXPECT_EQ(Lines(mails[2]).size(), 4u);
}

// 5
TEST_F(MemmonUpstreamTest, RunforeverTickProgramsAndGroups_NotRunningIsNotRestarted) {
  RunResult r = RunWithMail({"-p", "baz_01=1", "-g", "foo=1"});
  EXPECT_EQ(r.out, kStdout);
  const SplitErr err = SplitMailed(r.err);
  EXPECT_EQ(err.lines,
            "Checking programs baz_01=1\n"
            "Checking groups foo=1\n"
            "RSS of foo:foo is 2264064\n"
            "Restarting foo:foo\n"
            "RSS of baz:baz_01 is 2265088\n"
            "baz:baz_01 not in RUNNING state, NOT restarting\n");
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()", "stopProcess('foo:foo')",
                                        "startProcess('foo:foo')"));
  const std::vector<std::string> mails = Mails();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(Lines(mails[0])[1], "Subject: memmon: process foo:foo restarted");
}

TEST_F(MemmonUpstreamTest, RunforeverTickProgramsAndGroups_AllRunning) {
  StartSupervisor(AllRunningFixture());
  RunResult r = RunWithMail({"-p", "baz_01=1", "-g", "foo=1"});
  EXPECT_EQ(r.out, kStdout);
  const SplitErr err = SplitMailed(r.err);
  EXPECT_EQ(err.lines,
            "Checking programs baz_01=1\n"
            "Checking groups foo=1\n"
            "RSS of foo:foo is 2264064\n"
            "Restarting foo:foo\n"
            "RSS of baz:baz_01 is 2265088\n"
            "Restarting baz:baz_01\n");
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()", "stopProcess('foo:foo')",
                                        "startProcess('foo:foo')", "stopProcess('baz:baz_01')",
                                        "startProcess('baz:baz_01')"));
  const std::vector<std::string> mails = Mails();
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_EQ(Lines(mails[1])[1], "Subject: memmon: process baz:baz_01 restarted");
}

// 6
TEST_F(MemmonUpstreamTest, RunforeverTickProgramsNorestart) {
  RunResult r = RunWithMail({"-p", "foo=9223372036854775807"});
  EXPECT_EQ(r.out, kStdout);
  EXPECT_EQ(r.err,
            "Checking programs foo=9223372036854775807\n"
            "RSS of foo:foo is 2264064\n");
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()"));
  EXPECT_THAT(Mails(), IsEmpty());
}

// 7: upstream's copy of 6 (it injects no fault).
TEST_F(MemmonUpstreamTest, StopprocessFaultTickProgramsNorestart) {
  RunResult r = RunWithMail({"-p", "foo=9223372036854775807"});
  EXPECT_EQ(r.out, kStdout);
  EXPECT_EQ(r.err,
            "Checking programs foo=9223372036854775807\n"
            "RSS of foo:foo is 2264064\n");
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()"));
  EXPECT_THAT(Mails(), IsEmpty());
}

// 8 (test_stopprocess_fails_to_stop): upstream's line lacked its newline and
// the Fault killed memmon with the TICK unacknowledged. Fixed: the same
// line and mail, then memmon acknowledges and goes on; still no start.
TEST_F(MemmonUpstreamTest, StopFaultIsReportedAndMemmonKeepsRunning_Upstream8) {
  StartSupervisor({{"BAD_NAME", "BAD_NAME", 11, kRunning, "RUNNING", ""}});
  sv_->SetFault("stopProcess", "BAD_NAME:BAD_NAME", 10, "BAD_NAME:BAD_NAME");
  RunResult r = RunWithMail({"-p", "BAD_NAME=1"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, kStdout);
  const std::string failure =
      "Failed to stop process BAD_NAME:BAD_NAME (RSS 2264064), exiting: "
      "<Fault 10: 'BAD_NAME:BAD_NAME'>";
  const SplitErr err = SplitMailed(r.err);
  EXPECT_EQ(err.lines, absl::StrCat("Checking programs BAD_NAME=1\n"
                                    "RSS of BAD_NAME:BAD_NAME is 2264064\n"
                                    "Restarting BAD_NAME:BAD_NAME\n",
                                    failure, "\n"));
  EXPECT_THAT(err.mailed,
              ElementsAre(MailedLine("memmon: failed to stop process BAD_NAME:BAD_NAME, exiting")));
  EXPECT_THAT(Mails(), ElementsAre(absl::StrCat(
                           "To: chrism@plope.com\n"
                           "Subject: memmon: failed to stop process BAD_NAME:BAD_NAME, exiting\n\n",
                           failure)));
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()", "stopProcess('BAD_NAME:BAD_NAME')"));
}

// 9
TEST_F(MemmonUpstreamTest, SubjectNoName) {
  RunWithMail({"-a", "1"});
  std::vector<std::string> mails = Mails();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(Lines(mails[0])[1], "Subject: memmon: process foo:foo restarted");
}

TEST_F(MemmonUpstreamTest, SubjectNoName_AllRunning) {
  StartSupervisor(AllRunningFixture());
  RunWithMail({"-a", "1"});
  std::vector<std::string> mails = Mails();
  ASSERT_EQ(mails.size(), 3u);
  EXPECT_EQ(Lines(mails[2])[1], "Subject: memmon: process baz:baz_01 restarted");
}

// 10
TEST_F(MemmonUpstreamTest, SubjectWithName) {
  RunResult r = RunWithMail({"-a", "1", "-n", "thinko"});
  std::vector<std::string> mails = Mails();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(Lines(mails[0])[1], "Subject: memmon [thinko]: process foo:foo restarted");
  EXPECT_THAT(SplitMailed(r.err).mailed,
              ElementsAre(MailedLine("memmon [thinko]: process foo:foo restarted")));
}

TEST_F(MemmonUpstreamTest, SubjectWithName_AllRunning) {
  StartSupervisor(AllRunningFixture());
  RunWithMail({"-a", "1", "-n", "thinko"});
  std::vector<std::string> mails = Mails();
  ASSERT_EQ(mails.size(), 3u);
  EXPECT_EQ(Lines(mails[2])[1], "Subject: memmon [thinko]: process baz:baz_01 restarted");
}

// 11: 1 and 1s are under the uptime of 100 s (no mail), 2m, 3h and 1d over
// it (mail); 1y is refused.
TEST_F(MemmonUpstreamTest, ParseUptime) {
  size_t mails = 0;
  for (const auto& [value, mailed] : std::vector<std::pair<std::string, bool>>{
           {"1", false}, {"1s", false}, {"2m", true}, {"3h", true}, {"1d", true}}) {
    RunResult r = Run({"-m", kEmail, "-p", "foo=1", "-u", value});
    EXPECT_EQ(r.exit_code, 0) << value;
    if (mailed) ++mails;
    EXPECT_EQ(Mails().size(), mails) << value;
  }
  RunResult r = RunWithMail({"-p", "foo=1", "-u", "1y"});
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, absl::StrCat("memmon: Unparseable value for time in '1y' for -u\n", Usage()));
}

// 12: -u is inclusive.
TEST_F(MemmonUpstreamTest, UptimeShortEmail) {
  RunResult r = Run({"-m", kEmail, "-p", "foo=1", "-u", "101"});
  EXPECT_EQ(Mails().size(), 1u);
  r = Run({"-m", kEmail, "-p", "foo=1", "-u", "100"});
  EXPECT_EQ(Mails().size(), 2u);
  EXPECT_THAT(SplitMailed(r.err).mailed,
              ElementsAre(MailedLine("memmon: process foo:foo restarted")));
}

// 13
TEST_F(MemmonUpstreamTest, UptimeLongNoEmail) {
  RunResult r = Run({"-m", kEmail, "-p", "foo=1", "-u", "99"});
  EXPECT_EQ(r.out, kStdout);
  EXPECT_EQ(r.err,
            "Checking programs foo=1\n"
            "RSS of foo:foo is 2264064\n"
            "Restarting foo:foo\n");
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()", "stopProcess('foo:foo')",
                                        "startProcess('foo:foo')"));
  EXPECT_THAT(Mails(), IsEmpty());
}

// 14: a figure of 16 KiB is 16384 bytes; a figure that is not a number gives
// no RSS line and no restart.
TEST_F(MemmonUpstreamTest, CalcRssNotCumulative) {
  AddProcess(11, 0, "VmRSS:\t      16 kB");
  RunResult r = Run({"-p", "foo=1"});
  EXPECT_EQ(r.out, kStdout);
  EXPECT_THAT(Lines(r.err), ::testing::Contains("RSS of foo:foo is 16384"));

  AddProcess(11, 0, "VmRSS:\t not_an_int kB");
  StartSupervisor(MemmonFixture());
  r = Run({"-p", "foo=1"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, kStdout);
  // No RSS line, no restart; one line says why (upstream said nothing).
  const std::vector<std::string> lines = Lines(r.err);
  ASSERT_EQ(lines.size(), 3u) << r.err;
  EXPECT_EQ(lines[0], "Checking programs foo=1");
  EXPECT_THAT(lines[1],
              MatchesRegex("[-0-9T:.]+Z memmon reason=memory msg=\"cannot measure foo:foo "
                           "\\(pid 11\\): .*/proc/11/status: VmRSS: 'not_an_int' is not "
                           "a non-negative whole number\" process=foo:foo"));
  EXPECT_EQ(lines[2], "");
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()"));
}

// 15: upstream's ps table (pid ppid rss): 11111 22222 333, 1 99 100,
// 2 1 200, 3 2 300, 4 2 400; pid 1 and its descendants hold 1000 KiB.
TEST_F(MemmonUpstreamTest, CalcRssCumulative) {
  AddProcess(11111, 22222, "VmRSS: 333 kB");
  AddProcess(1, 99, "VmRSS: 100 kB");
  AddProcess(2, 1, "VmRSS: 200 kB");
  AddProcess(3, 2, "VmRSS: 300 kB");
  AddProcess(4, 2, "VmRSS: 400 kB");
  StartSupervisor(OneProcess("foo", "foo", 1));
  RunResult r = Run({"-c", "-p", "foo=1GB"});
  EXPECT_EQ(r.out, kStdout);
  EXPECT_EQ(r.err,
            "Checking programs foo=1073741824\n"
            "RSS of foo:foo is 1024000\n");
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()"));
}

// 16: the parsed options, seen through the status block of a TICK on an
// empty process table.
TEST_F(MemmonUpstreamTest, Argparser) {
  RunResult r = RunRaw({"-h"}, {}, "");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, StartsWith("usage: memmon [options]\n"));
  EXPECT_EQ(r.err, "");

  StartSupervisor({});
  r = RunRaw({"-c", "-p", "foo=50MB", "-g", "bar=10kB", "--any", "250", "-s", "mutt", "-m",
              "me@you.com", "-u", "1d", "-n", "myproject"},
             Env(), kTick);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, kStdout);
  EXPECT_EQ(r.err,
            "Checking programs foo=52428800\n"
            "Checking groups bar=10240\n"
            "Checking any=250\n");

  r = RunRaw({"-m", "me@you.com"}, Env(), kTick);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, kStdout);
  EXPECT_EQ(r.err, "\n");  // no rules: a lone newline, as upstream
}

// 16 (`-p foo=50MB` alone: no email): a restart without -m mails nothing.
TEST_F(MemmonUpstreamTest, ArgparserNoEmailMailsNothing) {
  RunResult r = Run({"-p", "foo=1"});
  EXPECT_EQ(r.out, kStdout);
  EXPECT_EQ(r.err,
            "Checking programs foo=1\n"
            "RSS of foo:foo is 2264064\n"
            "Restarting foo:foo\n");
  EXPECT_THAT(Mails(), IsEmpty());
}

// ---- The upstream bugs fixed ----

// A size must be > 0 (upstream's -p foo=0 restarted every process every
// TICK).
TEST_F(MemmonUpstreamTest, FixedZeroSizeIsRefused) {
  RunResult r = RunWithMail({"-p", "foo=0"});
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, absl::StrCat("memmon: Unparseable byte_size in '0' for '-p'\n", Usage()));
  EXPECT_THAT(sv_->calls(), IsEmpty());
}

// The comparison is strict, as upstream.
TEST_F(MemmonUpstreamTest, RssEqualToTheLimitIsNotRestarted) {
  RunResult r = Run({"-p", "foo=2264064"});
  EXPECT_EQ(r.err,
            "Checking programs foo=2264064\n"
            "RSS of foo:foo is 2264064\n");
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()"));
}

// Command-line errors go to stderr (upstream: stdout), exit 255.
TEST_F(MemmonUpstreamTest, FixedUsageErrorsGoToStderrWithExit255) {
  const std::string usage = Usage();
  ASSERT_THAT(usage, StartsWith("usage: memmon [options]\n"));
  RunResult r = RunWithMail({"-p", "foo"});
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, absl::StrCat("memmon: Unparseable value 'foo' for '-p'\n", usage));
  r = RunWithMail({"-a", "1k"});
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, absl::StrCat("memmon: Unparseable byte_size in '1k' for '-a'\n", usage));
  // Empty argv: the usage, 255.
  r = RunRaw({}, Env(), kTick);
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, absl::StrCat("memmon: no options given\n", usage));
  EXPECT_THAT(sv_->calls(), IsEmpty());
}

// Not under supervisord: one line and exit 0 (upstream: a KeyError
// traceback, exit 1).
TEST_F(MemmonUpstreamTest, FixedNotUnderSupervisord) {
  RunResult r = RunRaw({"-p", "foo=1"}, {{"MEMMON_PROC_ROOT", proc_root_}}, kTick);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "memmon must be run as a supervisor event listener\n");
}

// EOF between events ends memmon quietly (upstream: a KeyError traceback).
TEST_F(MemmonUpstreamTest, FixedEofBetweenEventsEndsCleanly) {
  RunResult r = RunWithMail({"-p", "foo=1"}, "");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "READY\n");
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(sv_->calls(), IsEmpty());
}

// -n wins whatever the order of -p (upstream took the last -p's name as the
// subject's); without -n the prefix is `memmon:`.
TEST_F(MemmonUpstreamTest, FixedNameWinsInAnyOrder) {
  Run({"-m", kEmail, "-n", "mine", "-p", "foo=1"});
  Run({"-m", kEmail, "-p", "foo=1", "-n", "mine"});
  Run({"-m", kEmail, "-p", "foo=1"});
  const std::vector<std::string> mails = Mails();
  ASSERT_EQ(mails.size(), 3u);
  EXPECT_EQ(Lines(mails[0])[1], "Subject: memmon [mine]: process foo:foo restarted");
  EXPECT_EQ(Lines(mails[1])[1], "Subject: memmon [mine]: process foo:foo restarted");
  EXPECT_EQ(Lines(mails[2])[1], "Subject: memmon: process foo:foo restarted");
}

// A `group:name` rule works (upstream: KeyError, crash loop).
TEST_F(MemmonUpstreamTest, FixedGroupNameProgramRule) {
  StartSupervisor(OneProcess("grp", "proc", 11));
  RunResult r = RunWithMail({"-p", "grp:proc=1MB"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, kStdout);
  const SplitErr err = SplitMailed(r.err);
  EXPECT_EQ(err.lines,
            "Checking programs grp:proc=1048576\n"
            "RSS of grp:proc is 2264064\n"
            "Restarting grp:proc\n");
  EXPECT_THAT(err.mailed, ElementsAre(MailedLine("memmon: process grp:proc restarted")));
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()", "stopProcess('grp:proc')",
                                        "startProcess('grp:proc')"));
}

// Four rules covering one process give one RSS line and one restart
// (upstream: three restarts and three mails).
TEST_F(MemmonUpstreamTest, FixedSeveralRulesOnOneProcessRestartItOnce) {
  StartSupervisor(OneProcess("foo", "foo", 11));
  RunResult r = RunWithMail({"-p", "foo=1MB", "-p", "foo:foo=1MB", "-g", "foo=1MB", "-a", "1MB"});
  EXPECT_EQ(r.out, kStdout);
  const SplitErr err = SplitMailed(r.err);
  EXPECT_EQ(err.lines,
            "Checking programs foo=1048576, foo:foo=1048576\n"
            "Checking groups foo=1048576\n"
            "Checking any=1048576\n"
            "RSS of foo:foo is 2264064\n"
            "Restarting foo:foo\n");
  EXPECT_EQ(err.mailed.size(), 1u);
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()", "stopProcess('foo:foo')",
                                        "startProcess('foo:foo')"));
  EXPECT_EQ(Mails().size(), 1u);
}

// Under -a memmon never measures nor restarts itself
// (SUPERVISOR_GROUP_NAME:SUPERVISOR_PROCESS_NAME; upstream stopped itself).
TEST_F(MemmonUpstreamTest, FixedAnyNeverRestartsItself) {
  StartSupervisor(AllRunningFixture());
  RunResult r = RunWithMail({"-a", "1"}, kTick,
                            {{"SUPERVISOR_GROUP_NAME", "foo"}, {"SUPERVISOR_PROCESS_NAME", "foo"}});
  EXPECT_EQ(r.out, kStdout);
  const SplitErr err = SplitMailed(r.err);
  EXPECT_EQ(err.lines,
            "Checking any=1\n"
            "RSS of bar:bar is 2265088\n"
            "Restarting bar:bar\n"
            "RSS of baz:baz_01 is 2265088\n"
            "Restarting baz:baz_01\n");
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()", "stopProcess('bar:bar')",
                                        "startProcess('bar:bar')", "stopProcess('baz:baz_01')",
                                        "startProcess('baz:baz_01')"));
}

// --groupname, as upstream's docs spell it, is -g (upstream rejected it).
TEST_F(MemmonUpstreamTest, FixedGroupnameAlias) {
  RunResult r = RunWithMail({"--groupname", "foo=1"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, kStdout);
  EXPECT_EQ(SplitMailed(r.err).lines,
            "Checking groups foo=1\n"
            "RSS of foo:foo is 2264064\n"
            "Restarting foo:foo\n");
  r = RunWithMail({"--groupname=foo=1"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.err, StartsWith("Checking groups foo=1\n"));
}

// A start fault is reported, mailed, and memmon goes on (upstream: the
// line without its newline, then a crash).
TEST_F(MemmonUpstreamTest, FixedStartFaultIsReportedAndMemmonKeepsRunning) {
  StartSupervisor(OneProcess("foo", "SPAWN_ERROR", 11));
  RunResult r = RunWithMail({"-p", "SPAWN_ERROR=1"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, kStdout);
  const std::string failure =
      "Failed to start process foo:SPAWN_ERROR after stopping it, exiting: "
      "<Fault 50: 'SPAWN_ERROR'>";
  const SplitErr err = SplitMailed(r.err);
  EXPECT_EQ(err.lines, absl::StrCat("Checking programs SPAWN_ERROR=1\n"
                                    "RSS of foo:SPAWN_ERROR is 2264064\n"
                                    "Restarting foo:SPAWN_ERROR\n",
                                    failure, "\n"));
  EXPECT_THAT(Mails(), ElementsAre(absl::StrCat(
                           "To: chrism@plope.com\n"
                           "Subject: memmon: failed to start process foo:SPAWN_ERROR, exiting\n\n",
                           failure)));
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()", "stopProcess('foo:SPAWN_ERROR')",
                                        "startProcess('foo:SPAWN_ERROR')"));
}

// What the mail command prints stays off stdout, which is supervisord's
// (upstream's went into the protocol stream).
TEST_F(MemmonUpstreamTest, FixedMailCommandOutputStaysOffStdout) {
  const std::string file = dir_ + "/mail.txt";
  RunResult r = Run({"-m", kEmail, "-p", "foo=1", "-s", absl::StrCat("echo hi; cat > ", file)});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, kStdout);
  absl::StatusOr<std::string> mail = ReadFile(file);
  ASSERT_TRUE(mail.ok()) << mail.status();
  EXPECT_THAT(*mail, StartsWith("To: chrism@plope.com\n"
                                "Subject: memmon: process foo:foo restarted\n\n"
                                "memmon.py restarted the process named foo:foo at "));
}

}  // namespace
}  // namespace testing
}  // namespace svl
