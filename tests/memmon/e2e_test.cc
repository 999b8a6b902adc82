// memmon end to end: the real memmon binary runs as an [eventlistener] on
// supervisord's own TICK_5, next to python programs whose memory the test
// controls:
//   grow.py     stays small (~10 MiB) until SIGUSR1, then allocates and
//               touches 64 MiB and writes a marker file;
//   parent.py   a small parent whose child allocates 64 MiB on start;
//   prefork.py  allocates and touches 48 MiB, then forks 3 children that
//               share it copy-on-write without touching it.
// Outcomes are pids that change (restarted) or not, memmon's own stderr
// lines (the figure it measured) and the mails a sendmail stand-in appended
// to a file.
//
// Each test has its own supervisord and directory and runs independent cases
// side by side (one listener per case); it waits for effects (a pid file, a
// marker, a new pid, a number of rounds in a listener's log, a mail), never
// for a time.

#include <signal.h>
#include <stdio.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/supervisord.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace testing {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::int64_t kMiB = 1 << 20;

// grow.py DIR NAME: writes DIR/NAME.pid once its SIGUSR1 handler is in
// place; on SIGUSR1 allocates and touches 64 MiB, then writes
// DIR/NAME.grown.<pid>.
constexpr char kGrowPy[] = R"py(import os, signal, sys
directory, name = sys.argv[1], sys.argv[2]
held = []

def put(path, text):
    with open(path + '.tmp', 'w') as f:
        f.write(text)
    os.rename(path + '.tmp', path)

def grow(signum, frame):
    block = bytearray(64 << 20)
    for i in range(0, len(block), 4096):
        block[i] = 1
    held.append(block)
    put(os.path.join(directory, '%s.grown.%d' % (name, os.getpid())), '')

signal.signal(signal.SIGUSR1, grow)
put(os.path.join(directory, name + '.pid'), str(os.getpid()))
while True:
    signal.pause()
)py";

// parent.py DIR NAME: writes DIR/NAME.pid, forks a child that allocates and
// touches 64 MiB, then writes DIR/NAME.child.<parent pid>. The parent stays
// small.
constexpr char kParentPy[] = R"py(import os, signal, sys
directory, name = sys.argv[1], sys.argv[2]

def put(path, text):
    with open(path + '.tmp', 'w') as f:
        f.write(text)
    os.rename(path + '.tmp', path)

parent = os.getpid()
put(os.path.join(directory, name + '.pid'), str(parent))
if os.fork() == 0:
    block = bytearray(64 << 20)
    for i in range(0, len(block), 4096):
        block[i] = 1
    put(os.path.join(directory, '%s.child.%d' % (name, parent)), '')
while True:
    signal.pause()
)py";

// prefork.py DIR NAME: allocates and touches 48 MiB, forks 3 children that
// only sleep (they share the block copy-on-write), then writes DIR/NAME.pid
// and DIR/NAME.ready.<pid>.
constexpr char kPreforkPy[] = R"py(import os, signal, sys
directory, name = sys.argv[1], sys.argv[2]

def put(path, text):
    with open(path + '.tmp', 'w') as f:
        f.write(text)
    os.rename(path + '.tmp', path)

block = bytearray(48 << 20)
for i in range(0, len(block), 4096):
    block[i] = 1
for _ in range(3):
    if os.fork() == 0:
        while True:
            signal.pause()
put(os.path.join(directory, name + '.pid'), str(os.getpid()))
put(os.path.join(directory, '%s.ready.%d' % (name, os.getpid())), '')
while True:
    signal.pause()
)py";

// sendmail.sh FILE: the sendmail stand-in; appends the message and a line
// `.` to FILE.
constexpr char kSendmailSh[] = "{ cat; printf '\\n.\\n'; } >> \"$1\"\n";

std::string MemmonBinary() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  return absl::StrCat(srcdir != nullptr ? srcdir : ".", "/",
                      workspace != nullptr ? workspace : "svlisten", "/memmon/memmon");
}

// The numbers in `log` that follow `prefix` (e.g. "RSS of a:a is ").
std::vector<std::int64_t> FiguresAfter(const std::string& log, const std::string& prefix) {
  std::vector<std::int64_t> figures;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    std::int64_t n = 0;
    if (absl::ConsumePrefix(&line, prefix) && absl::SimpleAtoi(line, &n)) figures.push_back(n);
  }
  return figures;
}

// How many times `needle` occurs in `text`.
int Occurrences(absl::string_view text, absl::string_view needle) {
  int count = 0;
  for (size_t at = text.find(needle); at != absl::string_view::npos;
       at = text.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

// VmRSS of `pid`, in bytes (0 when unknown).
std::int64_t RssOf(pid_t pid) {
  absl::StatusOr<std::string> status = ReadFile(absl::StrCat("/proc/", pid, "/status"));
  if (!status.ok()) return 0;
  for (absl::string_view line : absl::StrSplit(*status, '\n')) {
    if (!absl::ConsumePrefix(&line, "VmRSS:")) continue;
    std::int64_t kib = 0;
    if (absl::SimpleAtoi(absl::StripSuffix(absl::StripAsciiWhitespace(line), " kB"), &kib)) {
      return kib * 1024;
    }
  }
  return 0;
}

class MemmonE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> dir = MakeTestDir("memmon_e2e");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = *dir;
    ASSERT_THAT(WriteFile(dir_ + "/grow.py", kGrowPy), IsOk());
    ASSERT_THAT(WriteFile(dir_ + "/parent.py", kParentPy), IsOk());
    ASSERT_THAT(WriteFile(dir_ + "/prefork.py", kPreforkPy), IsOk());
    ASSERT_THAT(WriteFile(dir_ + "/sendmail.sh", kSendmailSh), IsOk());
  }

  // On failure, what memmon wrote and mailed and what supervisord logged.
  void TearDown() override {
    if (!HasFailure() || dir_.empty()) return;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(dir_, error)) {
      const std::string name = entry.path().filename().string();
      if (!absl::EndsWith(name, ".err") && !absl::StartsWith(name, "mails")) continue;
      absl::StatusOr<std::string> text = ReadFile(entry.path().string());
      std::cerr << "--- " << name << "\n" << (text.ok() ? *text : text.status().ToString()) << "\n";
    }
    if (sv_ != nullptr) std::cerr << "--- supervisord log\n" << sv_->ReadLog() << "\n";
  }

  // A [program:NAME] running DIR/SCRIPT DIR NAME; stopping it stops its
  // children too.
  std::string Program(const std::string& name, const std::string& script) const {
    return absl::StrCat("[program:", name, "]\ncommand=/usr/bin/python3 ", dir_, "/", script, " ",
                        dir_, " ", name, "\nstartsecs=1\nstopasgroup=true\nkillasgroup=true\n");
  }

  // An [eventlistener:NAME] running memmon with `args` on TICK_5, its stderr
  // in DIR/NAME.err; with `mailbox`, -m and -s append mails to DIR/<mailbox>.
  std::string Listener(const std::string& name, const std::string& args,
                       const std::string& mailbox = "") const {
    std::string mail;
    if (!mailbox.empty()) {
      mail = absl::StrCat(" -m ops@example.com -s \"/bin/sh ", dir_, "/sendmail.sh ", dir_, "/",
                          mailbox, "\"");
    }
    return absl::StrCat("[eventlistener:", name, "]\ncommand=", MemmonBinary(), " ", args, mail,
                        " --state-dir ", dir_, "/state-", name,
                        "\nevents=TICK_5\nstderr_logfile=", dir_, "/", name, ".err\n");
  }

  // Starts supervisord with `config` and waits until each of `processes` is
  // RUNNING.
  void StartSupervisord(const std::string& config, const std::vector<std::string>& processes) {
    absl::StatusOr<std::unique_ptr<Supervisord>> sv = Supervisord::Start(config);
    ASSERT_TRUE(sv.ok()) << sv.status();
    sv_ = *std::move(sv);
    for (const std::string& name : processes) {
      ASSERT_THAT(
          sv_->WaitForLog(absl::StrCat("success: ", name, " entered RUNNING state"), kWaitTimeout),
          IsOk());
    }
  }

  // The pid supervisord reports for `namespec` (-1 when it has none).
  int Pid(const std::string& namespec) const {
    absl::StatusOr<std::string> out = sv_->Ctl({"pid", namespec});
    int pid = 0;
    if (!out.ok() || !absl::SimpleAtoi(absl::StripAsciiWhitespace(*out), &pid) || pid <= 0) {
      return -1;
    }
    return pid;
  }

  // Waits until the process `name` (of `namespec`) has written its pid file
  // and supervisord reports that pid, and returns it (-1 on timeout).
  int Ready(const std::string& name, const std::string& namespec) const {
    int pid = -1;
    const absl::Status ready = WaitFor(
        [&] {
          absl::StatusOr<std::string> text = ReadFile(absl::StrCat(dir_, "/", name, ".pid"));
          int written = 0;
          if (!text.ok() || !absl::SimpleAtoi(absl::StripAsciiWhitespace(*text), &written)) {
            return false;
          }
          pid = Pid(namespec);
          return pid == written;
        },
        kWaitTimeout, absl::StrCat(namespec, " ready"));
    EXPECT_THAT(ready, IsOk());
    return ready.ok() ? pid : -1;
  }

  // Makes the grow.py process `name` (of `namespec`) allocate 64 MiB and
  // returns its pid once it has.
  int Grow(const std::string& name, const std::string& namespec) const {
    const int pid = Ready(name, namespec);
    if (pid <= 0) return -1;
    EXPECT_EQ(kill(pid, SIGUSR1), 0);
    EXPECT_THAT(WaitForFile(absl::StrCat(dir_, "/", name, ".grown.", pid), kWaitTimeout), IsOk());
    return pid;
  }

  // Waits until supervisord reports a pid for `namespec` other than `before`.
  void WaitForNewPid(const std::string& namespec, int before) const {
    EXPECT_THAT(WaitFor(
                    [&] {
                      const int now = Pid(namespec);
                      return now > 0 && now != before;
                    },
                    kWaitTimeout, absl::StrCat(namespec, " restarted (new pid)")),
                IsOk());
  }

  // The stderr log of listener `name` so far.
  std::string Err(const std::string& name) const {
    absl::StatusOr<std::string> text = ReadFile(absl::StrCat(dir_, "/", name, ".err"));
    return text.ok() ? *text : "";
  }

  // The number of rounds listener `name` has begun: each writes one status
  // block, whose first line starts with `Checking `.
  int Rounds(const std::string& name) const {
    int rounds = 0;
    const std::string err = Err(name);
    for (absl::string_view line : absl::StrSplit(err, '\n')) {
      if (absl::StartsWith(line, "Checking ")) ++rounds;
    }
    return rounds;
  }

  // Waits until listener `name` has begun `count` rounds. Rounds run one at
  // a time, so once round N+1 has begun, round N is over.
  void WaitForRounds(const std::string& name, int count) const {
    EXPECT_THAT(WaitFor([&] { return Rounds(name) >= count; }, kWaitTimeout,
                        absl::StrCat(count, " rounds of ", name)),
                IsOk());
  }

  std::string Mails(const std::string& mailbox) const {
    absl::StatusOr<std::string> text = ReadFile(absl::StrCat(dir_, "/", mailbox));
    return text.ok() ? *text : "";
  }

  std::string dir_;
  std::unique_ptr<Supervisord> sv_;
};

// -p name=SIZE and -p group:name=SIZE (one listener, with -n and -m) and -g
// (another): only the covered processes that grew are restarted, each once,
// and none before it grew; the restart mail has upstream's subject and body.
TEST_F(MemmonE2eTest, ProgramAndGroupRulesRestartOnlyWhatGrew) {
  const std::string config = absl::StrCat(
      Program("young", "grow.py"), Program("small", "grow.py"), Program("ga", "grow.py"),
      Program("gb", "grow.py"), "[group:g]\nprograms=ga,gb\n", Program("ha", "grow.py"),
      Program("hb", "grow.py"), Program("hc", "grow.py"), "[group:h]\nprograms=ha,hb,hc\n",
      Listener("memmon_p", "-p young=32MB -p small=32MB -p g:ga=32MB -u 3600 -n edge1",
               "mails_p.txt"),
      Listener("memmon_g", "-g h=32MB"));
  ASSERT_NO_FATAL_FAILURE(StartSupervisord(
      config, {"young", "small", "ga", "gb", "ha", "hb", "hc", "memmon_p", "memmon_g"}));
  const int small = Ready("small", "small");
  const int gb = Ready("gb", "g:gb");
  const int hc = Ready("hc", "h:hc");
  ASSERT_GT(small, 0);
  ASSERT_GT(gb, 0);
  ASSERT_GT(hc, 0);

  // Not before it grows: a whole round sees everyone small.
  const int young = Ready("young", "young");
  const int ga = Ready("ga", "g:ga");
  const int ha = Ready("ha", "h:ha");
  WaitForRounds("memmon_p", 2);
  WaitForRounds("memmon_g", 2);
  EXPECT_THAT(Err("memmon_p"), HasSubstr("RSS of young:young is "));
  EXPECT_THAT(Err("memmon_g"), HasSubstr("RSS of h:ha is "));
  EXPECT_THAT(Err("memmon_p") + Err("memmon_g"), Not(HasSubstr("Restarting")));
  EXPECT_EQ(Pid("young"), young);
  EXPECT_EQ(Pid("g:ga"), ga);
  EXPECT_EQ(Pid("h:ha"), ha);

  // young (-p young), ga (-p g:ga), gb (no rule), ha and hb (-g h) grow.
  ASSERT_EQ(Grow("young", "young"), young);
  ASSERT_EQ(Grow("ga", "g:ga"), ga);
  ASSERT_EQ(Grow("gb", "g:gb"), gb);
  ASSERT_EQ(Grow("ha", "h:ha"), ha);
  const int hb = Grow("hb", "h:hb");
  ASSERT_GT(hb, 0);
  WaitForNewPid("young", young);
  WaitForNewPid("g:ga", ga);
  WaitForNewPid("h:ha", ha);
  WaitForNewPid("h:hb", hb);

  const std::string young_mail =
      R"(To: ops@example\.com\n(.+\n)*)"
      R"(Subject: memmon \[edge1\]: process young:young restarted\n)"
      R"((.+\n)*\n)"
      R"(memmon\.py restarted the process named young:young at )"
      R"([A-Z][a-z]{2} [A-Z][a-z]{2} [ 1-3]\d \d\d:\d\d:\d\d \d{4} )"
      R"(\S* ?because it was consuming too much memory \(\d+ bytes RSS\))";
  ASSERT_THAT(
      WaitFor([&] { return std::regex_search(Mails("mails_p.txt"), std::regex(young_mail)); },
              kWaitTimeout, "young's restart mail"),
      IsOk())
      << Mails("mails_p.txt");
  ASSERT_THAT(
      WaitForFileContaining(dir_ + "/mails_p.txt",
                            "Subject: memmon [edge1]: process g:ga restarted\n", kWaitTimeout),
      IsOk());

  // Two more rounds of each listener: nothing else is restarted.
  const int rounds_p = Rounds("memmon_p");
  const int rounds_g = Rounds("memmon_g");
  WaitForRounds("memmon_p", rounds_p + 2);
  WaitForRounds("memmon_g", rounds_g + 2);
  const std::string err_p = Err("memmon_p");
  const std::string err_g = Err("memmon_g");
  EXPECT_THAT(err_p,
              HasSubstr("Checking programs g:ga=33554432, small=33554432, young=33554432\n"));
  EXPECT_THAT(err_g, HasSubstr("Checking groups h=33554432\n"));
  for (const char* restarted : {"young:young", "g:ga"}) {
    std::vector<std::int64_t> figures =
        FiguresAfter(err_p, absl::StrCat("RSS of ", restarted, " is "));
    ASSERT_FALSE(figures.empty()) << restarted;
    EXPECT_GT(*std::max_element(figures.begin(), figures.end()), 64 * kMiB) << restarted;
    EXPECT_THAT(err_p, ContainsRegex(absl::StrCat("RSS of ", restarted, " is [0-9]+\nRestarting ",
                                                  restarted, "\n")));
  }
  EXPECT_EQ(Occurrences(err_p, "Restarting "), 2);
  EXPECT_THAT(err_p, Not(HasSubstr("g:gb")));
  EXPECT_THAT(err_p, Not(HasSubstr("Restarting small")));
  EXPECT_THAT(err_g, HasSubstr("Restarting h:ha\n"));
  EXPECT_THAT(err_g, HasSubstr("Restarting h:hb\n"));
  EXPECT_THAT(err_g, Not(HasSubstr("Restarting h:hc")));
  EXPECT_EQ(Pid("small"), small);
  EXPECT_EQ(Pid("g:gb"), gb);
  EXPECT_EQ(Pid("h:hc"), hc);
  const std::string mails = Mails("mails_p.txt");
  EXPECT_EQ(Occurrences(mails, "\nSubject: "), 2) << mails;
}

// -u: a process up longer than -u is restarted without a mail. A restart
// whose start fails (the script is gone) is mailed whatever -u says, and
// memmon goes on: same pid, more rounds. Mails are delivered in order, so
// once the failure mail is in, a mail about the earlier restart would be too.
TEST_F(MemmonE2eTest, UptimeLimitAndAStartFault) {
  ASSERT_THAT(WriteFile(dir_ + "/doomed.py", kGrowPy), IsOk());
  const std::string config = absl::StrCat(
      Program("aged", "grow.py"), Program("doomed", "doomed.py"),
      Listener("memmon_u", "-p aged=32MB -p doomed=32MB -u 2 -n edge1", "mails_u.txt"));
  ASSERT_NO_FATAL_FAILURE(StartSupervisord(config, {"aged", "doomed", "memmon_u"}));
  const int memmon = Pid("memmon_u");
  ASSERT_GT(memmon, 0);
  const int aged = Ready("aged", "aged");
  ASSERT_GT(aged, 0);
  // One round has seen aged: it is restarted at the next round at the
  // earliest, one TICK_5 period later, so it will have been up more than 2 s.
  WaitForRounds("memmon_u", 2);
  ASSERT_THAT(Err("memmon_u"), HasSubstr("RSS of aged:aged is "));
  ASSERT_EQ(Grow("aged", "aged"), aged);
  WaitForNewPid("aged", aged);

  const int doomed = Ready("doomed", "doomed");
  ASSERT_GT(doomed, 0);
  ASSERT_EQ(rename((dir_ + "/doomed.py").c_str(), (dir_ + "/gone.py").c_str()), 0);
  ASSERT_EQ(Grow("doomed", "doomed"), doomed);
  absl::StatusOr<std::string> mails = WaitForFileContaining(
      dir_ + "/mails_u.txt",
      "Subject: memmon [edge1]: failed to start process doomed:doomed, exiting\n", kWaitTimeout);
  ASSERT_THAT(mails, IsOk());
  EXPECT_THAT(*mails,
              HasSubstr("Failed to start process doomed:doomed after stopping it, exiting: "));
  EXPECT_THAT(*mails, Not(HasSubstr("aged")));

  // memmon is still there and still handling TICKs.
  const int rounds = Rounds("memmon_u");
  WaitForRounds("memmon_u", rounds + 1);
  EXPECT_EQ(Pid("memmon_u"), memmon);
  EXPECT_EQ(sv_->CountInLog("exited: memmon_u"), 0);
  const std::string err = Err("memmon_u");
  EXPECT_THAT(err, HasSubstr("Restarting aged:aged\n"));
  EXPECT_THAT(err, HasSubstr("Restarting doomed:doomed\n"));
  EXPECT_THAT(err,
              HasSubstr("Mailed memmon [edge1]: failed to start process doomed:doomed, exiting"));
  EXPECT_THAT(err, Not(HasSubstr("Mailed memmon [edge1]: process aged:aged restarted")));
}

// -a: a limit below memmon's own memory restarts every other process, but
// never memmon itself (same pid, still answering TICKs) nor an --exclude'd
// one.
TEST_F(MemmonE2eTest, AnyNeverRestartsItselfNorTheExcluded) {
  const std::string config = absl::StrCat(Program("victim", "grow.py"), Program("keep", "grow.py"),
                                          Listener("memmon", "-a 1MB --exclude keep"));
  ASSERT_NO_FATAL_FAILURE(StartSupervisord(config, {"victim", "keep", "memmon"}));
  const int memmon = Pid("memmon");
  ASSERT_GT(memmon, 0);
  EXPECT_GT(RssOf(memmon), 1 * kMiB);  // -a 1MB covers memmon by size
  const int keep = Ready("keep", "keep");
  const int victim = Ready("victim", "victim");
  ASSERT_GT(keep, 0);
  ASSERT_GT(victim, 0);

  WaitForNewPid("victim", victim);
  // A second restart of victim: memmon went on after the first.
  ASSERT_THAT(WaitFor([&] { return Occurrences(Err("memmon"), "Restarting victim:victim\n") >= 2; },
                      kWaitTimeout, "two restarts of victim"),
              IsOk());
  const int rounds = Rounds("memmon");
  WaitForRounds("memmon", rounds + 1);

  const std::string err = Err("memmon");
  EXPECT_THAT(err, HasSubstr("Checking any=1048576\n"));
  EXPECT_THAT(err, ContainsRegex("RSS of victim:victim is [0-9]+\nRestarting victim:victim\n"));
  EXPECT_THAT(err, Not(HasSubstr("memmon:memmon")));
  EXPECT_THAT(err, Not(HasSubstr("keep")));
  EXPECT_EQ(Pid("memmon"), memmon);
  EXPECT_EQ(Pid("keep"), keep);
  EXPECT_EQ(sv_->CountInLog("stopped: memmon "), 0);
}

// -c sums a process and its descendants: the small parent whose child holds
// 64 MiB is restarted with -c and not without. A pre-forking server (48 MiB
// shared by 4 processes) is over a 128 MiB limit by its RSS sum but not by
// its PSS sum: --memory pss -c leaves it alone, --memory rss -c restarts it.
TEST_F(MemmonE2eTest, CumulativeAndPss) {
  const std::string config = absl::StrCat(
      Program("parent", "parent.py"), Program("parent2", "parent.py"),
      Program("prefork", "prefork.py"), Program("prefork2", "prefork.py"),
      Listener("memmon_c", "-c -p parent=32MB"), Listener("memmon_nc", "-p parent2=32MB"),
      Listener("memmon_pss", "-c --memory pss -p prefork=128MB"),
      Listener("memmon_rss", "-c --memory rss -p prefork2=128MB"));
  ASSERT_NO_FATAL_FAILURE(
      StartSupervisord(config, {"parent", "parent2", "prefork", "prefork2", "memmon_c", "memmon_nc",
                                "memmon_pss", "memmon_rss"}));
  const int parent = Ready("parent", "parent");
  const int parent2 = Ready("parent2", "parent2");
  const int prefork = Ready("prefork", "prefork");
  const int prefork2 = Ready("prefork2", "prefork2");
  ASSERT_GT(parent, 0);
  ASSERT_GT(parent2, 0);
  ASSERT_GT(prefork, 0);
  ASSERT_GT(prefork2, 0);
  ASSERT_THAT(WaitForFile(absl::StrCat(dir_, "/parent.child.", parent), kWaitTimeout), IsOk());
  ASSERT_THAT(WaitForFile(absl::StrCat(dir_, "/parent2.child.", parent2), kWaitTimeout), IsOk());
  ASSERT_THAT(WaitForFile(absl::StrCat(dir_, "/prefork.ready.", prefork), kWaitTimeout), IsOk());
  ASSERT_THAT(WaitForFile(absl::StrCat(dir_, "/prefork2.ready.", prefork2), kWaitTimeout), IsOk());
  // Rounds that begin from now on see every process at its full size.
  const int rounds_nc = Rounds("memmon_nc");
  const int rounds_pss = Rounds("memmon_pss");

  WaitForNewPid("parent", parent);
  WaitForNewPid("prefork2", prefork2);
  WaitForRounds("memmon_nc", rounds_nc + 2);
  WaitForRounds("memmon_pss", rounds_pss + 2);

  EXPECT_EQ(Pid("parent2"), parent2);
  EXPECT_EQ(Pid("prefork"), prefork);
  const std::string err_c = Err("memmon_c");
  const std::string err_nc = Err("memmon_nc");
  const std::string err_pss = Err("memmon_pss");
  const std::string err_rss = Err("memmon_rss");
  EXPECT_THAT(err_c, ContainsRegex("RSS of parent:parent is [0-9]+\nRestarting parent:parent\n"));
  EXPECT_THAT(err_rss,
              ContainsRegex("RSS of prefork2:prefork2 is [0-9]+\nRestarting prefork2:prefork2\n"));
  EXPECT_THAT(err_nc, Not(HasSubstr("Restarting")));
  EXPECT_THAT(err_pss, Not(HasSubstr("Restarting")));

  // The figures behind it: the parent alone is small, its tree is not; the
  // pre-forking server's PSS sum is under the limit and its RSS sum over it.
  const std::vector<std::int64_t> tree = FiguresAfter(err_c, "RSS of parent:parent is ");
  const std::vector<std::int64_t> alone = FiguresAfter(err_nc, "RSS of parent2:parent2 is ");
  const std::vector<std::int64_t> pss = FiguresAfter(err_pss, "PSS of prefork:prefork is ");
  const std::vector<std::int64_t> rss = FiguresAfter(err_rss, "RSS of prefork2:prefork2 is ");
  ASSERT_FALSE(tree.empty());
  ASSERT_GE(alone.size(), 2u);
  ASSERT_GE(pss.size(), 2u);
  ASSERT_FALSE(rss.empty());
  EXPECT_GT(*std::max_element(tree.begin(), tree.end()), 64 * kMiB);
  EXPECT_LT(alone.back(), 32 * kMiB);
  EXPECT_GT(pss.back(), 48 * kMiB);
  EXPECT_LT(pss.back(), 128 * kMiB);
  EXPECT_GT(*std::max_element(rss.begin(), rss.end()), 128 * kMiB);
  RecordProperty("prefork_pss_sum", absl::StrCat(pss.back()));
  RecordProperty("prefork_rss_sum", absl::StrCat(*std::max_element(rss.begin(), rss.end())));
}

}  // namespace
}  // namespace testing
}  // namespace svl
