#include "memmon/memmon.h"

#include <sys/stat.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "memmon/options.h"
#include "procfs/process_memory.h"
#include "protocol/event.h"
#include "supervisor_rpc/process_info.h"
#include "tests/testing/fake_process_control.h"
#include "tests/testing/recording_mailer.h"

namespace svl {
namespace memmon {
namespace {

namespace FaultCode = supervisor_rpc::FaultCode;
using supervisor_rpc::ProcessInfo;
using supervisor_rpc::ProcessState;
using ::svl::testing::FakeProcessControl;
using ::svl::testing::kFakeSupervisordNow;
using ::svl::testing::ProcessEntry;
using ::svl::testing::RecordingMailer;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// memmon's policy runs here on in-memory fakes: supervisord
// (FakeProcessControl), a /proc laid out in a temporary directory and the
// mailer. /proc itself is read in procfs/; the binary is tested end to end
// in tests/memmon.

constexpr char kTo[] = "chrism@plope.com";

protocol::Event Event(const std::string& name) {
  protocol::Event event;
  event.header.eventname = name;
  return event;
}

// superlance's memmon test fixture: foo RUNNING pid 11, bar FATAL pid 12,
// baz:baz_01 STOPPED pid 12, all started 100 s ago.
std::vector<ProcessInfo> UpstreamFixture() {
  const std::int64_t start = kFakeSupervisordNow - 100;
  return {ProcessEntry("foo", "foo", ProcessState::kRunning, 11, start),
          ProcessEntry("bar", "bar", ProcessState::kFatal, 12, start),
          ProcessEntry("baz", "baz_01", ProcessState::kStopped, 12, start)};
}

class MemmonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/memmon_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    proc_root_ = pattern;
    // upstream's fake ps: 22<pid> KiB.
    SetRss(11, 2211);
    SetRss(12, 2212);
    sv_ = std::make_unique<FakeProcessControl>(UpstreamFixture());
    options_.email = kTo;
    options_.uptime_limit = 2000;
  }
  void TearDown() override { std::system(absl::StrCat("rm -rf '", proc_root_, "'").c_str()); }

  // Lays out /proc/<pid>/status (VmRSS in KiB) and /proc/<pid>/stat (ppid).
  void SetRss(std::int64_t pid, std::int64_t kib, std::int64_t ppid = 0) {
    const std::string dir = absl::StrCat(proc_root_, "/", pid);
    mkdir(dir.c_str(), 0755);
    std::ofstream(dir + "/status") << "Name:\tx\nPid:\t" << pid << "\nVmRSS:\t " << kib
                                   << " kB\n";
    std::ofstream(dir + "/stat") << pid << " (x) S " << ppid << " 1 1 0 -1\n";
  }

  // Runs the events through a fresh handler (its destructor waits for its
  // rounds and mails) and returns the stderr lines but the `Mailed` ones.
  // `before_event(i)` (when set) runs before the i-th event.
  std::vector<std::string> Run(const std::vector<protocol::Event>& events,
                               const std::function<void(size_t)>& before_event = nullptr) {
    std::string err;
    {
      procfs::ProcReader proc(proc_root_);
      MemmonDeps deps;
      deps.client = sv_.get();
      deps.proc = &proc;
      deps.mailer = &mailer_;
      deps.write_stderr = [&err](absl::string_view text) { err.append(text.data(), text.size()); };
      deps.now = [] { return absl::FromUnixSeconds(1796131852); };  // Tue Dec  1 13:30:52 2026 UTC
      deps.zone = absl::UTCTimeZone();
      Memmon memmon(options_, deps);
      for (size_t i = 0; i < events.size(); ++i) {
        if (before_event) before_event(i);
        EXPECT_EQ(memmon.HandleEvent(events[i]), "OK");
        memmon.Drain();
      }
    }
    std::vector<std::string> lines;
    mailed_.clear();
    for (absl::string_view line : absl::StrSplit(err, '\n')) {
      if (absl::StartsWith(line, "Mailed ")) {
        mailed_.emplace_back(line);
      } else {
        lines.emplace_back(line);
      }
    }
    return lines;
  }
  std::vector<std::string> Tick() { return Run({Event("TICK_60")}); }

  std::string proc_root_;
  std::unique_ptr<FakeProcessControl> sv_;
  RecordingMailer mailer_;
  MemmonOptions options_;
  std::vector<std::string> mailed_;
};

TEST_F(MemmonTest, NotATickIsAcknowledgedSilently) {
  options_.programs = {{"foo", 1}, {"bar", 1}, {"baz_01", 1}};
  EXPECT_THAT(Run({Event("NOTATICK")}), ElementsAre(""));
  EXPECT_THAT(sv_->calls(), IsEmpty());
  EXPECT_THAT(mailer_.messages(), IsEmpty());
}

// Upstream restarted bar (FATAL) and baz_01 (STOPPED) too, only because its
// fixture gave them pids; a process that is not RUNNING is left alone.
TEST_F(MemmonTest, TickProgramsRestartsTheRunningOneAndLeavesTheOthers) {
  options_.programs = {{"foo", 1}, {"bar", 1}, {"baz_01", 1}};
  EXPECT_THAT(Tick(), ElementsAre("Checking programs bar=1, baz_01=1, foo=1",
                                  "RSS of foo:foo is 2264064", "Restarting foo:foo",
                                  "RSS of bar:bar is 2265088",
                                  "bar:bar not in RUNNING state, NOT restarting",
                                  "RSS of baz:baz_01 is 2265088",
                                  "baz:baz_01 not in RUNNING state, NOT restarting", ""));
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()", "stopProcess('foo:foo')",
                                        "startProcess('foo:foo')"));
  ASSERT_EQ(mailer_.messages().size(), 1u);
  EXPECT_EQ(mailer_.messages()[0].to, kTo);
  EXPECT_EQ(mailer_.messages()[0].subject, "memmon: process foo:foo restarted");
  EXPECT_EQ(mailer_.messages()[0].body,
            "memmon.py restarted the process named foo:foo at Tue Dec  1 13:30:52 2026 UTC "
            "because it was consuming too much memory (2264064 bytes RSS)");
  EXPECT_THAT(mailed_, ElementsAre("Mailed memmon: process foo:foo restarted to chrism@plope.com"));
}

TEST_F(MemmonTest, TickGroups) {
  options_.groups = {{"foo", 1}};
  EXPECT_THAT(Tick(), ElementsAre("Checking groups foo=1", "RSS of foo:foo is 2264064",
                                  "Restarting foo:foo", ""));
  EXPECT_THAT(mailer_.subjects(), ElementsAre("memmon: process foo:foo restarted"));
}

TEST_F(MemmonTest, TickAnyWithTheNameInTheSubject) {
  options_.any = 1;
  options_.name = "thinko";
  sv_ = std::make_unique<FakeProcessControl>(
      std::vector<ProcessInfo>{UpstreamFixture()[0],
                               ProcessEntry("baz", "baz_01", ProcessState::kRunning, 12,
                                            kFakeSupervisordNow - 100)});
  EXPECT_THAT(Tick(), ElementsAre("Checking any=1", "RSS of foo:foo is 2264064",
                                  "Restarting foo:foo", "RSS of baz:baz_01 is 2265088",
                                  "Restarting baz:baz_01", ""));
  EXPECT_THAT(mailer_.subjects(), ElementsAre("memmon [thinko]: process foo:foo restarted",
                                              "memmon [thinko]: process baz:baz_01 restarted"));
}

TEST_F(MemmonTest, UnderTheLimitIsNotRestarted) {
  options_.programs = {{"foo", 9223372036854775807}};
  EXPECT_THAT(Tick(), ElementsAre("Checking programs foo=9223372036854775807",
                                  "RSS of foo:foo is 2264064", ""));
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()"));
  EXPECT_THAT(mailer_.messages(), IsEmpty());
}

TEST_F(MemmonTest, TheLimitItselfIsNotOver) {
  options_.programs = {{"foo", 2264064}};
  EXPECT_THAT(Tick(), ElementsAre("Checking programs foo=2264064", "RSS of foo:foo is 2264064", ""));
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()"));
}

// Upstream: up to three restarts of one process a TICK, each rule judged
// against the bare name's limit. One limit per process, the most specific.
TEST_F(MemmonTest, OneRestartPerTickHoweverManyRulesMatchAndTheMostSpecificLimitWins) {
  sv_ = std::make_unique<FakeProcessControl>(std::vector<ProcessInfo>{UpstreamFixture()[0]});
  options_.programs = {{"foo", 1}, {"foo:foo", 3'000'000}};
  options_.groups = {{"foo", 1}};
  options_.any = 1;
  EXPECT_THAT(Tick(), ElementsAre("Checking programs foo=1, foo:foo=3000000",
                                  "Checking groups foo=1", "Checking any=1",
                                  "RSS of foo:foo is 2264064", ""));
  options_.programs = {{"foo", 1}, {"foo:foo", 2}};
  sv_->ClearCalls();
  EXPECT_THAT(Tick(), ElementsAre("Checking programs foo=1, foo:foo=2", "Checking groups foo=1",
                                  "Checking any=1", "RSS of foo:foo is 2264064",
                                  "Restarting foo:foo", ""));
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()", "stopProcess('foo:foo')",
                                        "startProcess('foo:foo')"));
}

// Upstream: KeyError, and the listener died on every redelivery.
TEST_F(MemmonTest, GroupColonNameProgramKeyWorks) {
  options_.programs = {{"foo:foo", 1}};
  EXPECT_THAT(Tick(), ElementsAre("Checking programs foo:foo=1", "RSS of foo:foo is 2264064",
                                  "Restarting foo:foo", ""));
}

// Upstream's -a stopped memmon itself, which stayed STOPPED.
TEST_F(MemmonTest, AnyNeverRestartsItsOwnPoolOrExcludedProcesses) {
  std::vector<ProcessInfo> table = UpstreamFixture();
  table.push_back(ProcessEntry("memmon", "memmon", ProcessState::kRunning, 13));
  table.push_back(ProcessEntry("db", "db", ProcessState::kRunning, 14));
  sv_ = std::make_unique<FakeProcessControl>(table);
  SetRss(13, 4000);
  SetRss(14, 4000);
  options_.any = 1;
  options_.exclude = {"db:*"};
  options_.self_group = "memmon";
  options_.self_name = "memmon";
  std::vector<std::string> lines = Tick();
  EXPECT_THAT(lines, ::testing::Not(::testing::Contains(::testing::HasSubstr("memmon:memmon"))));
  EXPECT_THAT(lines, ::testing::Not(::testing::Contains(::testing::HasSubstr("db:db"))));
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()", "stopProcess('foo:foo')",
                                        "startProcess('foo:foo')"));
}

// Upstream re-raised: no newline, a traceback, exit 1, the TICK redelivered.
TEST_F(MemmonTest, StopFaultIsReportedAndMailedAndMemmonGoesOn) {
  sv_ = std::make_unique<FakeProcessControl>(std::vector<ProcessInfo>{
      ProcessEntry("BAD_NAME", "BAD_NAME", ProcessState::kRunning, 11, kFakeSupervisordNow)});
  sv_->SetFault("stopProcess", "BAD_NAME:BAD_NAME", {FaultCode::kBadName, "BAD_NAME:BAD_NAME"});
  options_.programs = {{"BAD_NAME", 1}};
  EXPECT_THAT(Run({Event("TICK_60"), Event("TICK_60")}),
              ElementsAre("Checking programs BAD_NAME=1", "RSS of BAD_NAME:BAD_NAME is 2264064",
                          "Restarting BAD_NAME:BAD_NAME",
                          "Failed to stop process BAD_NAME:BAD_NAME (RSS 2264064), exiting: "
                          "<Fault 10: 'BAD_NAME:BAD_NAME'>",
                          "Checking programs BAD_NAME=1", "RSS of BAD_NAME:BAD_NAME is 2264064",
                          "Restarting BAD_NAME:BAD_NAME",
                          "Failed to stop process BAD_NAME:BAD_NAME (RSS 2264064), exiting: "
                          "<Fault 10: 'BAD_NAME:BAD_NAME'>",
                          ""));
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()", "stopProcess('BAD_NAME:BAD_NAME')",
                                        "getAllProcessInfo()", "stopProcess('BAD_NAME:BAD_NAME')"));
  ASSERT_EQ(mailer_.messages().size(), 2u);
  EXPECT_EQ(mailer_.messages()[0].subject,
            "memmon: failed to stop process BAD_NAME:BAD_NAME, exiting");
  EXPECT_EQ(mailer_.messages()[0].body,
            "Failed to stop process BAD_NAME:BAD_NAME (RSS 2264064), exiting: "
            "<Fault 10: 'BAD_NAME:BAD_NAME'>");
}

TEST_F(MemmonTest, StartFaultIsReportedAndMailed) {
  sv_->SetFault("startProcess", "foo:foo", {FaultCode::kSpawnError, "SPAWN_ERROR: foo:foo"});
  options_.programs = {{"foo", 1}};
  EXPECT_THAT(Tick(), ElementsAre("Checking programs foo=1", "RSS of foo:foo is 2264064",
                                  "Restarting foo:foo",
                                  "Failed to start process foo:foo after stopping it, exiting: "
                                  "<Fault 50: 'SPAWN_ERROR: foo:foo'>",
                                  ""));
  EXPECT_THAT(mailer_.subjects(), ElementsAre("memmon: failed to start process foo:foo, exiting"));
}

TEST_F(MemmonTest, UptimeRuleForMail) {
  options_.programs = {{"foo", 1}};
  options_.uptime_limit = 100;  // equal to the uptime: mailed
  Tick();
  EXPECT_EQ(mailer_.messages().size(), 1u);
  sv_ = std::make_unique<FakeProcessControl>(UpstreamFixture());
  options_.uptime_limit = 99;
  EXPECT_THAT(Tick(), ElementsAre("Checking programs foo=1", "RSS of foo:foo is 2264064",
                                  "Restarting foo:foo", ""));
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()", "stopProcess('foo:foo')",
                                        "startProcess('foo:foo')"));
  EXPECT_EQ(mailer_.messages().size(), 1u);  // none more
}

TEST_F(MemmonTest, FailuresWaitForConsecutiveTicksOverTheLimit) {
  options_.programs = {{"foo", 1}};
  options_.policy.failures = 2;
  std::vector<std::string> lines = Run({Event("TICK_60"), Event("TICK_60")});
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[0], "Checking programs foo=1");
  EXPECT_EQ(lines[1], "RSS of foo:foo is 2264064");
  EXPECT_THAT(lines[2], ::testing::HasSubstr(
                            "msg=\"foo:foo over its limit of 1 bytes, not restarting before "
                            "--failures 2\" process=foo:foo failures=1/2"));
  EXPECT_EQ(lines[5], "Restarting foo:foo");
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()", "getAllProcessInfo()",
                                        "stopProcess('foo:foo')", "startProcess('foo:foo')"));
}

TEST_F(MemmonTest, AProcessGoneBeforeItIsMeasuredIsSkippedQuietly) {
  sv_->Put(ProcessEntry("gone", "gone", ProcessState::kRunning, 4242));
  options_.any = 3'000'000;
  EXPECT_THAT(Tick(), ElementsAre("Checking any=3000000", "RSS of foo:foo is 2264064",
                                  "RSS of bar:bar is 2265088", "RSS of baz:baz_01 is 2265088",
                                  ""));
}

TEST_F(MemmonTest, NoRulesWritesALoneNewlineAndMeasuresNothing) {
  options_.email.clear();
  EXPECT_THAT(Tick(), ElementsAre("", ""));
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()"));
}

// Upstream's cumulative case: 1 <- 2 <- {3, 4}; 100+200+300+400 KiB.
TEST_F(MemmonTest, CumulativeSumsTheProcessTree) {
  SetRss(1, 100, 99);
  SetRss(2, 200, 1);
  SetRss(3, 300, 2);
  SetRss(4, 400, 2);
  SetRss(11111, 333, 22222);
  sv_ = std::make_unique<FakeProcessControl>(std::vector<ProcessInfo>{
      ProcessEntry("a", "a", ProcessState::kRunning, 1, kFakeSupervisordNow - 100)});
  options_.cumulative = true;
  options_.programs = {{"a", 1024000}};
  EXPECT_THAT(Tick(), ElementsAre("Checking programs a=1024000", "RSS of a:a is 1024000", ""));
  options_.programs = {{"a", 1023999}};
  sv_ = std::make_unique<FakeProcessControl>(std::vector<ProcessInfo>{
      ProcessEntry("a", "a", ProcessState::kRunning, 1, kFakeSupervisordNow - 100)});
  EXPECT_THAT(Tick(), ElementsAre("Checking programs a=1023999", "RSS of a:a is 1024000",
                                  "Restarting a:a", ""));
}

// A sum that does not fit is not a measurement (and never wraps negative).
TEST_F(MemmonTest, ATreeTooLargeToSumIsNotMeasured) {
  SetRss(1, 9007199254740991, 99);  // KiB: each alone fits in bytes, the two do not
  SetRss(2, 9007199254740991, 1);
  sv_ = std::make_unique<FakeProcessControl>(std::vector<ProcessInfo>{
      ProcessEntry("a", "a", ProcessState::kRunning, 1, kFakeSupervisordNow - 100)});
  options_.cumulative = true;
  options_.programs = {{"a", 1}};
  const std::vector<std::string> lines = Tick();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[1], ::testing::HasSubstr(
                            "msg=\"cannot measure a:a (pid 1): the sum over its process tree is "
                            "too large\" process=a:a"));
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()"));
}

TEST_F(MemmonTest, AnUnansweredProcessListIsOneLineAndTheNextTickTriesAgain) {
  options_.programs = {{"foo", 1}};
  sv_->SetBroken(true);
  std::vector<std::string> lines = Tick();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(absl::StartsWith(lines[1], "Exception retrieving process info ")) << lines[1];
  EXPECT_TRUE(absl::EndsWith(lines[1], ", not checking")) << lines[1];
  sv_->SetBroken(false);
  EXPECT_THAT(Tick(), ElementsAre("Checking programs foo=1", "RSS of foo:foo is 2264064",
                                  "Restarting foo:foo", ""));
}

TEST_F(MemmonTest, DryRunRestartsNothingAndSaysSo) {
  options_.programs = {{"foo", 1}};
  options_.dry_run = true;
  EXPECT_THAT(Tick(), ElementsAre("Checking programs foo=1", "RSS of foo:foo is 2264064",
                                  "[dry-run] foo:foo is in RUNNING state, would restart", ""));
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()"));
  EXPECT_THAT(mailer_.subjects(), ElementsAre("[dry-run] memmon: process foo:foo restarted"));
}

TEST_F(MemmonTest, NotifyOnceMailsOncePerProcessUntilItIsUnderItsLimitAgain) {
  options_.programs = {{"foo", 1 << 20}};
  options_.notify_once = true;
  // pid 11 over: restarted (mailed); 1001 over: restarted (not mailed);
  // 1002 under, then over: restarted (mailed again).
  SetRss(1001, 2211);
  SetRss(1002, 100);
  Run({Event("TICK_60"), Event("TICK_60"), Event("TICK_60"), Event("TICK_60")},
      [this](size_t i) {
        if (i == 3) SetRss(1002, 2211);
      });
  EXPECT_THAT(sv_->calls(),
              ElementsAre("getAllProcessInfo()", "stopProcess('foo:foo')",
                          "startProcess('foo:foo')", "getAllProcessInfo()",
                          "stopProcess('foo:foo')", "startProcess('foo:foo')",
                          "getAllProcessInfo()", "getAllProcessInfo()", "stopProcess('foo:foo')",
                          "startProcess('foo:foo')"));
  EXPECT_EQ(mailer_.messages().size(), 2u);
}

// Subscribed to PROCESS_STATE too: one process list, then none on a TICK;
// the restart's own events keep the table right (the new pid is measured).
TEST_F(MemmonTest, WithProcessStateEventsTheListIsFetchedOnce) {
  options_.programs = {{"foo", 1 << 20}};
  SetRss(1001, 100);
  protocol::Event running;
  running.header.eventname = "PROCESS_STATE_RUNNING";
  running.payload = "processname:foo groupname:foo from_state:STARTING pid:11";
  protocol::Event stopped = running;
  stopped.header.eventname = "PROCESS_STATE_STOPPED";
  protocol::Event restarted = running;
  restarted.payload = "processname:foo groupname:foo from_state:STARTING pid:1001";
  EXPECT_THAT(Run({running, Event("TICK_60"), stopped, restarted, Event("TICK_60"),
                   Event("TICK_60")}),
              ElementsAre("Checking programs foo=1048576", "RSS of foo:foo is 2264064",
                          "Restarting foo:foo", "Checking programs foo=1048576",
                          "RSS of foo:foo is 102400", "Checking programs foo=1048576",
                          "RSS of foo:foo is 102400", ""));
  // The list's one fetch; before the restart, supervisord is asked.
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()", "getProcessInfo('foo:foo')",
                                        "stopProcess('foo:foo')", "startProcess('foo:foo')"));
}

// A subscription to only some PROCESS_STATE_* events leaves the table
// behind (here foo was restarted by someone, unseen): memmon asks before it
// restarts, does nothing on the table's word, and fetches the list again.
TEST_F(MemmonTest, AStaleTableIsNeverActedOn) {
  options_.programs = {{"foo", 1 << 20}};
  sv_ = std::make_unique<FakeProcessControl>(std::vector<ProcessInfo>{UpstreamFixture()[0]});
  SetRss(11, 100);
  SetRss(77, 100);
  protocol::Event running;
  running.header.eventname = "PROCESS_STATE_RUNNING";
  running.payload = "processname:foo groupname:foo from_state:STARTING pid:11";
  const std::vector<std::string> lines = Run(
      {running, Event("TICK_60"), Event("TICK_60"), Event("TICK_60")}, [this](size_t i) {
        if (i == 2) {  // foo restarted by someone, unseen; pid 11 is now another process
          ProcessInfo foo = *sv_->Process("foo:foo");
          foo.pid = 77;
          sv_->Put(foo);
          SetRss(11, 2211);
        }
      });
  ASSERT_EQ(lines.size(), 8u);
  EXPECT_EQ(lines[3], "RSS of foo:foo is 2264064");  // pid 11, by the table's word
  EXPECT_THAT(lines[4], ::testing::HasSubstr(
                            "msg=\"foo:foo is not what the process list said (pid 11 RUNNING, now "
                            "pid 77 RUNNING), not restarting\""));
  EXPECT_EQ(lines[6], "RSS of foo:foo is 102400");  // pid 77, from a fresh list
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()", "getProcessInfo('foo:foo')",
                                        "getAllProcessInfo()"));
}

// supervisord answers NOT_RUNNING when the process stopped by itself between
// the list and the stop: memmon waits for it to be stopped and starts it.
TEST_F(MemmonTest, AProcessThatStoppedBeforeItsStopIsStartedAgain) {
  options_.programs = {{"foo", 1}};
  sv_->SetOnCall([this](const std::string& call) {
    if (call == "stopProcess('foo:foo')") {
      sv_->SetState("foo:foo", ProcessState::kExited);
      sv_->SetFault("stopProcess", "foo:foo",
                    {FaultCode::kNotRunning, "NOT_RUNNING: foo:foo"});
    }
  });
  options_.restart_timeout = absl::Seconds(5);  // polled: the watch needs getProcessInfo
  EXPECT_THAT(Tick(), ElementsAre("Checking programs foo=1", "RSS of foo:foo is 2264064",
                                  "Restarting foo:foo",
                                  "Failed to stop process foo:foo (RSS 2264064), exiting: "
                                  "<Fault 70: 'NOT_RUNNING: foo:foo'>",
                                  ""));
  EXPECT_EQ(sv_->Process("foo:foo")->state, ProcessState::kRunning);
  EXPECT_THAT(mailer_.subjects(), ElementsAre("memmon: process foo:foo restarted"));
}

TEST_F(MemmonTest, PssIsNamedInTheLines) {
  const std::string dir = absl::StrCat(proc_root_, "/11");
  std::ofstream(dir + "/smaps_rollup")
      << "00400000-7fff00000000 ---p 00000000 00:00 0                          [rollup]\n"
         "Rss:                2211 kB\nPss:                1000 kB\n"
         "Private_Clean:        10 kB\nPrivate_Dirty:       500 kB\n";
  options_.programs = {{"foo", 1}};
  options_.memory = procfs::MemoryMeasure::kPss;
  EXPECT_THAT(Tick(), ElementsAre("Checking programs foo=1", "PSS of foo:foo is 1024000",
                                  "Restarting foo:foo", ""));
  EXPECT_EQ(mailer_.messages()[0].body,
            "memmon.py restarted the process named foo:foo at Tue Dec  1 13:30:52 2026 UTC "
            "because it was consuming too much memory (1024000 bytes PSS)");
}

}  // namespace
}  // namespace memmon
}  // namespace svl
