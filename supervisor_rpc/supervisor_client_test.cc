#include "supervisor_rpc/supervisor_client.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supervisor_rpc/fault.h"
#include "supervisor_rpc/process_info.h"
#include "supervisor_rpc/testdata_reader.h"
#include "supervisor_rpc/transport.h"
#include "supervisor_rpc/xmlrpc_codec.h"
#include "supervisor_rpc/xmlrpc_value.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace supervisor_rpc {
namespace {

using ::svl::testing::IsOk;
using ::svl::testing::StatusIs;
using ::testing::HasSubstr;

// Replays one captured supervisord response and records the request body.
class ReplayTransport : public Transport {
 public:
  explicit ReplayTransport(absl::StatusOr<std::string> response) : response_(std::move(response)) {}
  absl::StatusOr<std::string> Post(absl::string_view request_body) override {
    requests.emplace_back(request_body);
    return response_;
  }
  std::vector<std::string> requests;

 private:
  absl::StatusOr<std::string> response_;
};

std::string Call(const std::string& method, const std::string& params_xml) {
  return "<?xml version='1.0'?>\n<methodCall>\n<methodName>" + method +
         "</methodName>\n<params>\n" + params_xml + "</params>\n</methodCall>\n";
}

TEST(SupervisorClientTest, GetAllProcessInfo) {
  ReplayTransport transport(ReadTestdata("getAllProcessInfo.xml"));
  SupervisorClient client(transport);
  absl::StatusOr<std::vector<ProcessInfo>> all = client.GetAllProcessInfo();
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(transport.requests, std::vector<std::string>{Call("supervisor.getAllProcessInfo", "")});
  ASSERT_EQ(all->size(), 6u);
  std::vector<std::string> names;
  for (const ProcessInfo& info : *all) names.push_back(MakeNamespec(info.group, info.name));
  EXPECT_EQ(names, (std::vector<std::string>{"baz:baz_00", "baz:baz_01", "foo", "nosuch",
                                             "quick", "stopped"}));
  const ProcessInfo& quick = (*all)[4];
  EXPECT_EQ(quick.state, ProcessState::kFatal);
  EXPECT_EQ(quick.statename, "FATAL");
  EXPECT_EQ(quick.spawnerr, "Exited too quickly (process log may have details)");
  EXPECT_EQ(quick.pid, 0);
  EXPECT_EQ((*all)[3].description, "Not started");
  EXPECT_EQ((*all)[5].state, ProcessState::kRunning);
  EXPECT_EQ((*all)[5].description, "pid 4967, uptime 0:00:09");
}

TEST(SupervisorClientTest, GetProcessInfoEveryField) {
  ReplayTransport transport(ReadTestdata("getProcessInfo_fatal.xml"));
  SupervisorClient client(transport);
  absl::StatusOr<ProcessInfo> info = client.GetProcessInfo("quick");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(transport.requests[0],
            Call("supervisor.getProcessInfo",
                 "<param>\n<value><string>quick</string></value>\n</param>\n"));
  ProcessInfo want;
  want.name = "quick";
  want.group = "quick";
  want.start = 1795611202;
  want.stop = 1795611202;
  want.now = 1795611212;
  want.state = ProcessState::kFatal;
  want.state_code = 200;
  want.statename = "FATAL";
  want.spawnerr = "Exited too quickly (process log may have details)";
  want.exitstatus = 0;
  want.logfile = "/tmp/rpccap/quick-stdout---supervisor-8v89ufk0.log";
  want.stdout_logfile = want.logfile;
  want.stderr_logfile = "/tmp/rpccap/quick-stderr---supervisor-w7ne9d6g.log";
  want.pid = 0;
  want.description = "Exited too quickly (process log may have details)";
  EXPECT_TRUE(*info == want);
}

TEST(SupervisorClientTest, SingleOperationsSendIntAndBoolean) {
  ReplayTransport transport(ReadTestdata("boolean_true.xml"));
  SupervisorClient client(transport);
  EXPECT_THAT(client.StartProcess("baz:baz_01", false), IsOk());
  EXPECT_THAT(client.StopProcess("foo", true), IsOk());
  EXPECT_THAT(client.SignalProcess("foo", "HUP"), IsOk());
  EXPECT_EQ(transport.requests,
            (std::vector<std::string>{
                Call("supervisor.startProcess",
                     "<param>\n<value><string>baz:baz_01</string></value>\n</param>\n"
                     "<param>\n<value><boolean>0</boolean></value>\n</param>\n"),
                Call("supervisor.stopProcess",
                     "<param>\n<value><string>foo</string></value>\n</param>\n"
                     "<param>\n<value><boolean>1</boolean></value>\n</param>\n"),
                Call("supervisor.signalProcess",
                     "<param>\n<value><string>foo</string></value>\n</param>\n"
                     "<param>\n<value><string>HUP</string></value>\n</param>\n"),
            }));
}

TEST(SupervisorClientTest, GroupOperationReturnsStatuses) {
  ReplayTransport transport(ReadTestdata("group_stop.xml"));
  SupervisorClient client(transport);
  absl::StatusOr<std::vector<ProcessStatus>> result = client.StopProcessGroup("baz", true);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->size(), 2u);
  EXPECT_EQ((*result)[0].name, "baz_01");
  EXPECT_EQ((*result)[0].group, "baz");
  EXPECT_EQ((*result)[0].status, FaultCode::kSuccess);
  EXPECT_EQ((*result)[0].description, "OK");
  EXPECT_EQ((*result)[1].name, "baz_00");
  EXPECT_EQ(transport.requests[0],
            Call("supervisor.stopProcessGroup",
                 "<param>\n<value><string>baz</string></value>\n</param>\n"
                 "<param>\n<value><boolean>1</boolean></value>\n</param>\n"));
}

TEST(SupervisorClientTest, FaultComesBackExactly) {
  ReplayTransport transport(ReadTestdata("fault_spawn_error.xml"));
  SupervisorClient client(transport);
  absl::Status status = client.StartProcess("quick", true);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kAborted, "SPAWN_ERROR: quick"));
  absl::optional<Fault> fault = FaultFromStatus(status);
  ASSERT_TRUE(fault.has_value());
  EXPECT_EQ(fault->code, FaultCode::kSpawnError);
  EXPECT_EQ(fault->fault_string, "SPAWN_ERROR: quick");
}

TEST(SupervisorClientTest, TransportErrorPassesThrough) {
  ReplayTransport transport(absl::UnavailableError("XML-RPC call to unix:///x: refused"));
  SupervisorClient client(transport);
  EXPECT_THAT(client.GetAllProcessInfo(),
              StatusIs(absl::StatusCode::kUnavailable, "XML-RPC call to unix:///x: refused"));
}

// GetAllProcessInfo decodes through Call(); its errors are those of
// Call() + ProcessInfoFromValue(): faults untouched, the rest prefixed.
TEST(SupervisorClientTest, GetAllProcessInfoErrors) {
  {
    const std::string body = ReadTestdata("fault_bad_name.xml");
    ReplayTransport transport(body);
    SupervisorClient client(transport);
    const absl::Status status = client.GetAllProcessInfo().status();
    EXPECT_EQ(status, DecodeMethodResponse(body).status());
    ASSERT_TRUE(FaultFromStatus(status).has_value());
  }
  {
    ReplayTransport transport("<methodResponse>");
    SupervisorClient client(transport);
    EXPECT_THAT(client.GetAllProcessInfo(),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("supervisor.getAllProcessInfo: malformed XML")));
  }
  {
    ReplayTransport transport(EncodeMethodResponse(
        XmlRpcValue::Array({XmlRpcValue::Struct({{"name", XmlRpcValue::String("x")}})})));
    SupervisorClient client(transport);
    EXPECT_THAT(client.GetAllProcessInfo(),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         "supervisor.getAllProcessInfo: process info has no 'group' member"));
  }
}

TEST(SupervisorClientTest, UnexpectedResultShapes) {
  {
    ReplayTransport transport(ReadTestdata("group_stop.xml"));
    SupervisorClient client(transport);
    EXPECT_THAT(client.StartProcess("foo", true),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("supervisor.startProcess: supervisord returned an array")));
    EXPECT_THAT(client.GetProcessInfo("foo"),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         "supervisor.getProcessInfo: process info is array, want struct"));
  }
  {
    ReplayTransport transport(EncodeMethodResponse(XmlRpcValue::Boolean(false)));
    SupervisorClient client(transport);
    EXPECT_THAT(client.StopProcess("foo", true), StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(client.GetAllProcessInfo(),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         "supervisor.getAllProcessInfo: supervisord returned no array"));
    EXPECT_THAT(client.StartProcessGroup("baz", true),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         "supervisor.startProcessGroup: supervisord returned no array"));
  }
  {
    ReplayTransport transport("<methodResponse>");
    SupervisorClient client(transport);
    EXPECT_THAT(client.SignalProcessGroup("baz", "HUP"),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("supervisor.signalProcessGroup: malformed XML")));
  }
}

}  // namespace
}  // namespace supervisor_rpc
}  // namespace svl
