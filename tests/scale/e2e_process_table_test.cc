// RPCs that do not grow with the number of programs, end to end: a real
// supervisord at loglevel=trace (which logs `XML-RPC method called:
// supervisor.<method>()` for every call it serves) runs `web`, a few sleepers
// and one listener under test, httpok or memmon, subscribed to
// `events=TICK_5,PROCESS_STATE` (kit/process_table.h). `web` is a sleeper
// whose start makes a flag file; httpok's URL is served by the test itself
// (tests/testing/http_server.h, on a port it bound to 0 and keeps), which
// answers 200 while the flag exists and 500 once the test removed it, so
// that restarting `web` heals the URL. Each
// test has its own supervisord, so every call in its log is either the
// listener's or the test's own supervisorctl's (getVersion, stopProcess,
// startProcess, reloadConfig, ... — never a process list).
//
// Shown here: after the start-up getAllProcessInfo, healthy TICKs make no
// call at all; httpok still restarts exactly `web` when its URL fails; a
// restarted listener fetches the list once again, then nothing; after
// `supervisorctl update` (a group added, another removed) memmon's list is
// right (it restarts the new group's process, and never names the removed
// one); and without PROCESS_STATE memmon asks once per TICK, as before.
//
// The test waits for effects only: a request the test's server answered
// (httpok checks once per TICK), memmon's `RSS of web:web is` line (the last
// line of its round), a line in supervisord's log; pids come from
// supervisord's `spawned:` lines, so that reading them makes no call.
//
// A listener's stderr goes straight to its file (`2>>`), not through
// supervisord, which copies a child's pipe to its log when its loop gets to
// it, possibly after serving the calls the child made since: so a line is in
// the file before the listener makes any call that follows it, and memmon's
// rounds in its file bound the calls in supervisord's log (AfterMemmonRounds).

#include <unistd.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/http_server.h"
#include "tests/testing/listener_runner.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/supervisord.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

// Calls per method (`supervisor.getAllProcessInfo`, ...).
using Calls = std::map<std::string, int>;

// Healthy TICKs watched after the start-up (or restart) fetch.
constexpr int kHealthyTicks = 3;

// The XML-RPC calls supervisord logged in `log`.
Calls CallsIn(absl::string_view log) {
  constexpr absl::string_view kCalled = "XML-RPC method called: ";
  Calls calls;
  for (size_t pos = log.find(kCalled); pos != absl::string_view::npos;
       pos = log.find(kCalled, pos + kCalled.size())) {
    const size_t start = pos + kCalled.size();
    const size_t end = log.find("()", start);
    if (end == absl::string_view::npos) break;
    ++calls[std::string(log.substr(start, end - start))];
  }
  return calls;
}

// `calls` without those of `methods`: the test's own supervisorctl's.
Calls Without(Calls calls, const std::vector<std::string>& methods) {
  for (const std::string& method : methods) calls.erase(method);
  return calls;
}

// What `supervisorctl restart <process>` calls.
const std::vector<std::string> kCtlRestart = {
    "supervisor.getVersion", "supervisor.stopProcess", "supervisor.startProcess"};
// What `supervisorctl update` calls.
const std::vector<std::string> kCtlUpdate = {
    "supervisor.getVersion", "supervisor.reloadConfig", "supervisor.stopProcessGroup",
    "supervisor.removeProcessGroup", "supervisor.addProcessGroup"};

class ScaleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> dir = MakeTestDir("scale");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = *dir;
    absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    server_->SetHandler([this](const HttpRequest&) {
      const bool healthy = access((dir_ + "/healthy").c_str(), F_OK) == 0;
      {
        absl::MutexLock lock(&served_mu_);
        absl::StrAppend(&served_, healthy ? 200 : 500, "\n");
      }
      return healthy ? MakeResponse(200, "OK") : MakeResponse(500, "Internal Server Error");
    });
  }

  // web (it makes <dir>/healthy as it starts), sleepers:sleepers_0..2 and
  // `extra` (programs, the listener).
  std::string Programs(absl::string_view extra) const {
    return absl::StrCat("[program:web]\ncommand=/bin/sh -c \": > ", dir_,
                        "/healthy && exec /bin/sleep 3600\"\nstartsecs=1\n",
                        "\n[program:sleepers]\ncommand=/bin/sleep 3600\nnumprocs=3\n",
                        "process_name=%(program_name)s_%(process_num)d\nstartsecs=1\n\n", extra);
  }

  // An [eventlistener:<name>] running bazel-bin/<name>/<name> with
  // `arguments` (its restart journal in <dir>/state); its stderr is appended
  // to <dir>/<name>.err directly (see the top). A large buffer: the
  // start-up's events never overflow it.
  std::string Listener(absl::string_view name, absl::string_view arguments,
                       absl::string_view events) const {
    return absl::StrCat("\n[eventlistener:", name, "]\ncommand=/bin/sh -c \"exec ",
                        ListenerBinary(absl::StrCat(name, "/", name)), " --state-dir ", dir_,
                        "/state ", arguments, " 2>>", dir_, "/", name, ".err\"\nevents=", events,
                        "\nbuffer_size=100\nstderr_logfile=NONE\n");
  }

  std::string HttpOk(absl::string_view events) const {
    return Listener("httpok", absl::StrCat("-E -p web ", server_->Url("/health")), events);
  }

  // memmon: every process under 1 GiB, and the group `newgroup` (once there)
  // always over its 1 byte.
  std::string Memmon(absl::string_view events) const {
    return Listener("memmon", "-a 1GB -g newgroup=1", events);
  }

  void StartSupervisord(const std::string& config, const std::vector<std::string>& programs) {
    SupervisordOptions options;
    options.loglevel = "trace";
    absl::StatusOr<std::unique_ptr<Supervisord>> sv = Supervisord::Start(config, options);
    ASSERT_TRUE(sv.ok()) << sv.status();
    sv_ = *std::move(sv);
    for (const std::string& name : programs) {
      ASSERT_THAT(
          sv_->WaitForLog(absl::StrCat("success: ", name, " entered RUNNING state"), kWaitTimeout),
          IsOk());
    }
  }

  size_t LogSize() const { return sv_->ReadLog().size(); }

  // The calls supervisord served since the log had `offset` bytes.
  Calls CallsSince(size_t offset) const {
    const std::string log = sv_->ReadLog();
    return CallsIn(absl::string_view(log).substr(std::min(offset, log.size())));
  }

  // Every pid supervisord spawned `name` (a process name) with, in order.
  std::vector<int> PidsOf(const std::string& name) const {
    const std::string log = sv_->ReadLog();
    const std::string needle = absl::StrCat("spawned: '", name, "' with pid ");
    std::vector<int> pids;
    for (size_t pos = log.find(needle); pos != std::string::npos;
         pos = log.find(needle, pos + needle.size())) {
      const size_t start = pos + needle.size();
      int pid = 0;
      if (absl::SimpleAtoi(log.substr(start, log.find('\n', start) - start), &pid)) {
        pids.push_back(pid);
      }
    }
    return pids;
  }

  std::string Read(const std::string& name) const {
    absl::StatusOr<std::string> text = ReadFile(dir_ + "/" + name);
    return text.ok() ? *text : "";
  }

  // The statuses the test's server answered, one line each ("200\n500\n").
  std::string ServedStatuses() const {
    absl::MutexLock lock(&served_mu_);
    return served_;
  }

  // The number of checks answered (one per httpok round).
  int Served() const { return CountOccurrences(ServedStatuses(), "\n"); }

  absl::Status WaitForServed(int count) const {
    absl::Status served = WaitFor([&] { return Served() >= count; }, kWaitTimeout,
                                  absl::StrCat(count, " checks of web"));
    if (served.ok()) return served;
    return absl::DeadlineExceededError(
        absl::StrCat(served.message(), "; httpok's stderr: ", Read("httpok.err").substr(0, 2000)));
  }

  // memmon's rounds so far: `Checking any=` starts one, `RSS of web:web is`
  // (web is last in supervisord's order) ends it.
  struct Rounds {
    int started = 0;
    int done = 0;
  };
  Rounds MemmonRounds() const {
    const std::string err = Read("memmon.err");
    return RoundsIn(err);
  }
  static Rounds RoundsIn(absl::string_view err) {
    return {CountOccurrences(err, "Checking any="), CountOccurrences(err, "RSS of web:web is ")};
  }

  // A moment between memmon's rounds.
  struct Quiet {
    int rounds = 0;       // memmon's rounds done (by every memmon so far)
    Calls calls;          // since the log offset asked for
    size_t log_size = 0;  // the log's size then
    std::string err;      // memmon.err then: those rounds' lines, no later ones
  };
  // Waits until `rounds` memmon rounds are done and none is under way, and
  // returns the calls since `log_offset` then: all of those rounds' calls,
  // none of the next one's. It reads memmon.err, then the log, then
  // memmon.err again, and keeps the reading when both show the same rounds,
  // all done. Every interleaving: a round's calls are logged before they are
  // answered, so before the round's last line; a round's first line is
  // written before its first call. So the first reading's rounds have all
  // their calls in the log, and a next round with a call in the log would
  // have its first line in the second reading.
  absl::StatusOr<Quiet> AfterMemmonRounds(int rounds, size_t log_offset) const {
    Quiet quiet;
    absl::Status done = WaitFor(
        [&] {
          const Rounds before = MemmonRounds();
          if (before.done < rounds || before.started != before.done) return false;
          const std::string log = sv_->ReadLog();
          quiet.err = Read("memmon.err");
          const Rounds after = RoundsIn(quiet.err);
          quiet.rounds = before.done;
          quiet.calls = CallsIn(absl::string_view(log).substr(std::min(log_offset, log.size())));
          quiet.log_size = log.size();
          return after.started == before.started && after.done == before.done;
        },
        kWaitTimeout, absl::StrCat(rounds, " memmon rounds done, the next not begun"));
    if (!done.ok()) return done;
    return quiet;
  }

  std::string dir_;
  mutable absl::Mutex served_mu_;
  std::string served_ ABSL_GUARDED_BY(served_mu_);
  // Declared after what its handler uses and before sv_: supervisord (and
  // the listener checking the URL) stops first.
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<Supervisord> sv_;
};

TEST_F(ScaleTest, HttpOkHealthyTicksMakeNoCallAndAFailureRestartsOnlyWeb) {
  ASSERT_NO_FATAL_FAILURE(
      StartSupervisord(Programs(HttpOk("TICK_5,PROCESS_STATE")),
                       {"web", "sleepers_0", "sleepers_1", "sleepers_2", "httpok"}));
  // The first round asks for the list once (-E: is web RUNNING?), before
  // its check; the next ones ask nothing.
  ASSERT_THAT(WaitForServed(1), IsOk());
  EXPECT_THAT(CallsSince(0), ElementsAre(Pair("supervisor.getAllProcessInfo", 1)));
  size_t mark = LogSize();
  const int served = Served();
  ASSERT_THAT(WaitForServed(served + kHealthyTicks), IsOk());
  EXPECT_THAT(CallsSince(mark), IsEmpty());
  EXPECT_THAT(ServedStatuses(), Not(HasSubstr("500")));

  // web fails: httpok restarts web, and web alone.
  const std::vector<int> web = PidsOf("web");
  const std::vector<int> sleepers = {PidsOf("sleepers_0").back(), PidsOf("sleepers_1").back(),
                                     PidsOf("sleepers_2").back()};
  ASSERT_THAT(web, ::testing::SizeIs(1));
  mark = LogSize();
  ASSERT_EQ(unlink((dir_ + "/healthy").c_str()), 0);
  absl::StatusOr<std::string> err =
      WaitForFileContaining(dir_ + "/httpok.err", "web restarted\n", kWaitTimeout);
  ASSERT_THAT(err, IsOk());
  EXPECT_THAT(*err, HasSubstr("Restarting selected processes ['web']\n"
                              "web is in RUNNING state, restarting\n"
                              "web restarted\n"));
  ASSERT_THAT(WaitFor([&] { return sv_->CountInLog("success: web entered RUNNING state") == 2; },
                      kWaitTimeout, "web RUNNING again"),
              IsOk());
  const std::vector<int> web_after = PidsOf("web");
  ASSERT_THAT(web_after, ::testing::SizeIs(2));
  EXPECT_NE(web_after[1], web[0]);
  EXPECT_THAT(PidsOf("sleepers_0"), ElementsAre(sleepers[0]));
  EXPECT_THAT(PidsOf("sleepers_1"), ElementsAre(sleepers[1]));
  EXPECT_THAT(PidsOf("sleepers_2"), ElementsAre(sleepers[2]));
  // The restart and the one question before it (never on the table's word
  // alone): no process list; the table follows web's new pid from the events.
  EXPECT_THAT(CallsSince(mark), UnorderedElementsAre(Pair("supervisor.getProcessInfo", 1),
                                                     Pair("supervisor.stopProcess", 1),
                                                     Pair("supervisor.startProcess", 1)));

  // Healthy again (web made its flag at start): nothing asked.
  mark = LogSize();
  const int served_after = Served();
  ASSERT_THAT(WaitForServed(served_after + kHealthyTicks), IsOk());
  EXPECT_THAT(CallsSince(mark), IsEmpty());
  EXPECT_EQ(CountOccurrences(ServedStatuses(), "500\n"), 1);
}

TEST_F(ScaleTest, RestartedHttpOkFetchesOnceThenAsksNothing) {
  ASSERT_NO_FATAL_FAILURE(
      StartSupervisord(Programs(HttpOk("TICK_5,PROCESS_STATE")),
                       {"web", "sleepers_0", "sleepers_1", "sleepers_2", "httpok"}));
  ASSERT_THAT(WaitForServed(1), IsOk());
  const size_t mark = LogSize();
  ASSERT_THAT(sv_->Ctl({"restart", "httpok"}), IsOk());
  ASSERT_THAT(PidsOf("httpok"), ::testing::SizeIs(2));
  // The old httpok is gone once `restart` returns: every check from now on
  // is the new one's.
  const int served = Served();
  ASSERT_THAT(WaitForServed(served + 1 + kHealthyTicks), IsOk());
  EXPECT_THAT(Without(CallsSince(mark), kCtlRestart),
              ElementsAre(Pair("supervisor.getAllProcessInfo", 1)));
}

TEST_F(ScaleTest, MemmonHealthyTicksMakeNoCallAndARestartedMemmonFetchesOnce) {
  ASSERT_NO_FATAL_FAILURE(
      StartSupervisord(Programs(Memmon("TICK_5,PROCESS_STATE")),
                       {"web", "sleepers_0", "sleepers_1", "sleepers_2", "memmon"}));
  absl::StatusOr<Quiet> quiet = AfterMemmonRounds(1, 0);
  ASSERT_THAT(quiet, IsOk());
  EXPECT_THAT(quiet->calls, ElementsAre(Pair("supervisor.getAllProcessInfo", 1)));
  quiet = AfterMemmonRounds(quiet->rounds + kHealthyTicks, quiet->log_size);
  ASSERT_THAT(quiet, IsOk());
  EXPECT_THAT(quiet->calls, IsEmpty());
  EXPECT_EQ(CountOccurrences(quiet->err, "RSS of sleepers:sleepers_1 is "), quiet->rounds);
  EXPECT_THAT(quiet->err, Not(HasSubstr("Restarting")));

  // A new memmon (right after a round: the next TICK is seconds away): one
  // fetch, then nothing.
  const std::vector<int> sleepers = PidsOf("sleepers_0");
  const int rounds = quiet->rounds;
  ASSERT_THAT(sv_->Ctl({"restart", "memmon"}), IsOk());
  ASSERT_THAT(PidsOf("memmon"), ::testing::SizeIs(2));
  quiet = AfterMemmonRounds(rounds + 1 + kHealthyTicks, quiet->log_size);
  ASSERT_THAT(quiet, IsOk());
  EXPECT_THAT(Without(quiet->calls, kCtlRestart),
              ElementsAre(Pair("supervisor.getAllProcessInfo", 1)));
  EXPECT_EQ(PidsOf("sleepers_0"), sleepers);
}

TEST_F(ScaleTest, MemmonFollowsUpdateThatAddsAndRemovesGroups) {
  ASSERT_NO_FATAL_FAILURE(StartSupervisord(
      Programs(absl::StrCat("[program:old]\ncommand=/bin/sleep 3600\nstartsecs=1\n",
                            Memmon("TICK_5,PROCESS_STATE"))),
      {"web", "sleepers_0", "sleepers_1", "sleepers_2", "old", "memmon"}));
  absl::StatusOr<Quiet> quiet = AfterMemmonRounds(1, 0);
  ASSERT_THAT(quiet, IsOk());
  ASSERT_THAT(Read("memmon.err"), HasSubstr("RSS of old:old is "));

  // `old` goes, `newgroup` comes (reread + update).
  absl::StatusOr<std::string> config = ReadFile(sv_->config_path());
  ASSERT_THAT(config, IsOk());
  ASSERT_THAT(*config, HasSubstr("[program:old]"));
  ASSERT_THAT(WriteFile(sv_->config_path(),
                        absl::StrReplaceAll(*config, {{"[program:old]", "[program:newgroup]"}})),
              IsOk());
  const size_t mark = quiet->log_size;
  const size_t err_mark = Read("memmon.err").size();
  absl::StatusOr<std::string> update = sv_->Ctl({"update"});
  ASSERT_THAT(update, IsOk());
  EXPECT_THAT(*update, HasSubstr("old: removed process group"));
  EXPECT_THAT(*update, HasSubstr("newgroup: added process group"));

  // memmon restarts the new group's process (1 byte: always over).
  ASSERT_THAT(
      WaitForFileContaining(dir_ + "/memmon.err", "Restarting newgroup:newgroup", kWaitTimeout),
      IsOk());
  const int restarting_round = MemmonRounds().started;
  ASSERT_THAT(WaitFor([&] { return PidsOf("newgroup").size() >= 2; }, kWaitTimeout,
                      "newgroup spawned again"),
              IsOk());
  const std::vector<int> newgroup = PidsOf("newgroup");
  EXPECT_NE(newgroup[0], newgroup[1]);

  // The round after: the table has newgroup's new pid (from the events),
  // and nothing names `old`. One fetch since the update: for the first
  // event about newgroup, a process the table did not know.
  quiet = AfterMemmonRounds(restarting_round + 1, mark);
  ASSERT_THAT(quiet, IsOk());
  const std::string since_update = quiet->err.substr(err_mark);
  const int restarts = CountOccurrences(since_update, "Restarting newgroup:newgroup");
  EXPECT_GE(restarts, 2);
  EXPECT_EQ(Without(quiet->calls, kCtlUpdate),
            (Calls{{"supervisor.getAllProcessInfo", 1},
                   {"supervisor.getProcessInfo", restarts},  // the pid check before each
                   {"supervisor.startProcess", restarts},
                   {"supervisor.stopProcess", restarts}}));
  const std::string round = since_update.substr(since_update.rfind("Checking any="));
  EXPECT_THAT(round, HasSubstr("RSS of newgroup:newgroup is "));
  EXPECT_THAT(round, HasSubstr("Restarting newgroup:newgroup"));
  EXPECT_THAT(since_update.substr(since_update.find("Restarting newgroup:newgroup")),
              Not(HasSubstr("old:")));
  EXPECT_THAT(PidsOf("old"), ::testing::SizeIs(1));
}

TEST_F(ScaleTest, MemmonWithoutProcessStateAsksOncePerTick) {
  ASSERT_NO_FATAL_FAILURE(
      StartSupervisord(Programs(Memmon("TICK_5")),
                       {"web", "sleepers_0", "sleepers_1", "sleepers_2", "memmon"}));
  for (int rounds = 1; rounds <= 1 + kHealthyTicks; ++rounds) {
    absl::StatusOr<Quiet> quiet = AfterMemmonRounds(rounds, 0);
    ASSERT_THAT(quiet, IsOk());
    EXPECT_THAT(quiet->calls, ElementsAre(Pair("supervisor.getAllProcessInfo", quiet->rounds)));
  }
}

}  // namespace
}  // namespace testing
}  // namespace svl
